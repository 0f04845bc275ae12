package cyclonedx

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// licenseChoices writes licenses so that the CycloneDX 1.6 schema accepts
// them: its licenseChoice is either a list of licenses or exactly one
// expression. A sole license that is a compound SPDX expression (or a
// LicenseRef or "+" form) is written as an expression; otherwise each
// license is written as license.id when it is an SPDX identifier the schema
// lists, and as license.name when it is not (an unknown identifier, a free
// name, or an expression among several licenses), so no string is lost.
func licenseChoices(ls []string) *cdx.Licenses {
	var out cdx.Licenses
	for _, l := range ls {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if isSPDXLicenseID(l) {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l}})
		} else {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
	}
	if len(out) == 1 && out[0].License.Name != "" && isCompoundExpression(out[0].License.Name) {
		out[0] = cdx.LicenseChoice{Expression: out[0].License.Name}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// isCompoundExpression reports whether s is an SPDX license expression
// (SPDX 2.3 Annex D) that is more than a bare license identifier: it has an
// operator (AND, OR, WITH), parentheses, a "+" or a LicenseRef.
func isCompoundExpression(s string) bool {
	toks := expressionTokens(s)
	if len(toks) == 0 {
		return false
	}
	if len(toks) == 1 {
		t := toks[0]
		return strings.HasSuffix(t, "+") && len(t) > 1 && isIDString(t[:len(t)-1]) || isLicenseRef(t)
	}
	p := exprParser{toks: toks}
	return p.expr(0) && p.pos == len(toks)
}

// expressionTokens splits s into parentheses and words.
func expressionTokens(s string) []string {
	var toks []string
	word := -1
	for i := 0; i <= len(s); i++ {
		var c byte = ' '
		if i < len(s) {
			c = s[i]
		}
		switch c {
		case ' ', '\t', '\n', '\r', '(', ')':
			if word >= 0 {
				toks = append(toks, s[word:i])
				word = -1
			}
			if c == '(' || c == ')' {
				toks = append(toks, s[i:i+1])
			}
		default:
			if word < 0 {
				word = i
			}
		}
	}
	return toks
}

// exprParser checks the SPDX expression grammar:
//
//	expr   = term *("OR" term)
//	term   = factor *("AND" factor)
//	factor = "(" expr ")" / license ["WITH" exception]
type exprParser struct {
	toks []string
	pos  int
}

// maxExprDepth bounds parenthesis nesting, so hostile input cannot recurse
// deeply.
const maxExprDepth = 64

func (p *exprParser) expr(depth int) bool {
	if !p.term(depth) {
		return false
	}
	for p.accept("OR") {
		if !p.term(depth) {
			return false
		}
	}
	return true
}

func (p *exprParser) term(depth int) bool {
	if !p.factor(depth) {
		return false
	}
	for p.accept("AND") {
		if !p.factor(depth) {
			return false
		}
	}
	return true
}

func (p *exprParser) factor(depth int) bool {
	if p.accept("(") {
		return depth < maxExprDepth && p.expr(depth+1) && p.accept(")")
	}
	if !p.license() {
		return false
	}
	if p.accept("WITH") {
		return p.license()
	}
	return true
}

func (p *exprParser) license() bool {
	if p.pos >= len(p.toks) {
		return false
	}
	t := p.toks[p.pos]
	switch t {
	case "AND", "OR", "WITH", "(", ")":
		return false
	}
	t = strings.TrimSuffix(t, "+")
	if !isIDString(t) && !isLicenseRef(t) {
		return false
	}
	p.pos++
	return true
}

func (p *exprParser) accept(tok string) bool {
	if p.pos < len(p.toks) && p.toks[p.pos] == tok {
		p.pos++
		return true
	}
	return false
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

// isLicenseRef reports whether s is ["DocumentRef-" idstring ":"]
// "LicenseRef-" idstring.
func isLicenseRef(s string) bool {
	if doc, rest, ok := strings.Cut(s, ":"); ok {
		id, ok := strings.CutPrefix(doc, "DocumentRef-")
		if !ok || !isIDString(id) {
			return false
		}
		s = rest
	}
	id, ok := strings.CutPrefix(s, "LicenseRef-")
	return ok && isIDString(id)
}
