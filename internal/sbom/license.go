package sbom

import "strings"

// IsLicenseExpression reports whether s has the syntax of an SPDX license
// expression (SPDX 2.3 Annex D): license identifiers (idstrings of letters,
// digits, "-" and ".", optionally ending in "+"), LicenseRef- and
// DocumentRef-…:LicenseRef- references, joined by AND, OR and WITH (an
// exception after WITH takes no "+"), with parentheses nested at most 64
// deep. The identifiers are not checked against the SPDX license list.
func IsLicenseExpression(s string) bool {
	p := exprParser{toks: LicenseExpressionTokens(s)}
	return len(p.toks) > 0 && p.expr(0) && p.pos == len(p.toks)
}

// IsCompoundLicenseExpression reports whether s is a license expression
// that is more than a bare license identifier: it has an operator or
// parentheses, a "+", or is a LicenseRef.
func IsCompoundLicenseExpression(s string) bool {
	if !IsLicenseExpression(s) {
		return false
	}
	toks := LicenseExpressionTokens(s)
	if len(toks) > 1 {
		return true
	}
	t := toks[0]
	return strings.HasSuffix(t, "+") || strings.HasPrefix(t, "LicenseRef-") || strings.HasPrefix(t, "DocumentRef-")
}

// LicenseExpressionTokens splits s into parentheses and words.
func LicenseExpressionTokens(s string) []string {
	var toks []string
	start := -1
	for i := 0; i <= len(s); i++ {
		c := byte(' ')
		if i < len(s) {
			c = s[i]
		}
		switch c {
		case ' ', '\t', '\n', '\r', '(', ')':
			if start >= 0 {
				toks = append(toks, s[start:i])
				start = -1
			}
			if c == '(' || c == ')' {
				toks = append(toks, s[i:i+1])
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	return toks
}

// exprParser checks the grammar; AND and OR are not told apart (only
// validity is asked, not the tree).
type exprParser struct {
	toks []string
	pos  int
}

// maxExprDepth bounds parenthesis nesting, so hostile input cannot recurse
// deeply.
const maxExprDepth = 64

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

// expr parses term {(AND|OR) term}.
func (p *exprParser) expr(depth int) bool {
	if depth > maxExprDepth || !p.term(depth) {
		return false
	}
	for t := p.peek(); t == "AND" || t == "OR"; t = p.peek() {
		p.pos++
		if !p.term(depth) {
			return false
		}
	}
	return true
}

// term parses "(" expr ")" or license [WITH exception].
func (p *exprParser) term(depth int) bool {
	if p.peek() == "(" {
		p.pos++
		if !p.expr(depth+1) || p.peek() != ")" {
			return false
		}
		p.pos++
		return true
	}
	if !p.license(true) {
		return false
	}
	if p.peek() == "WITH" {
		p.pos++
		return p.license(false)
	}
	return true
}

func (p *exprParser) license(plus bool) bool {
	t := p.peek()
	switch t {
	case "", "(", ")", "AND", "OR", "WITH":
		return false
	}
	p.pos++
	if d, ref, ok := strings.Cut(t, ":"); ok {
		id, isDoc := strings.CutPrefix(d, "DocumentRef-")
		lr, isRef := strings.CutPrefix(ref, "LicenseRef-")
		return isDoc && isRef && isIDString(id) && isIDString(lr)
	}
	if plus {
		t = strings.TrimSuffix(t, "+")
	}
	return isIDString(t)
}

// isIDString reports whether s is an SPDX idstring: letters, digits, "-"
// and ".".
func isIDString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
