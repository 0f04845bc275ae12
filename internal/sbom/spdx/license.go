package spdx

import (
	"strconv"
	"strings"

	"github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// licenseNameComment marks the hasExtractedLicensingInfos entries medvigil
// writes for licenses known only by a name that is no SPDX license
// expression ("ASL 2.0 and BSD"): the name is written as LicenseRef-<name,
// sanitized>, with the name as extractedText and name. Decode reads such a
// LicenseRef back as the name; any other LicenseRef stays as written.
const licenseNameComment = "medvigil: a license known only by this name in the source SBOM"

// skipLicense reports whether a license field value says nothing: empty,
// NOASSERTION or NONE.
func skipLicense(s string) bool {
	return s == "" || s == noAssertion || s == noneID
}

// isExpression reports whether s has the syntax of an SPDX license
// expression (SPDX 2.3 Annex D): license identifiers ([A-Za-z0-9.-]+,
// optionally ending in "+"), LicenseRef- and DocumentRef-...:LicenseRef-
// references, joined by AND, OR and WITH, with parentheses. The identifiers
// are not checked against the SPDX license list.
func isExpression(s string) bool {
	p := exprParser{toks: exprTokens(s)}
	return len(p.toks) > 0 && p.expr(0) && p.pos == len(p.toks)
}

func exprTokens(s string) []string {
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

type exprParser struct {
	toks []string
	pos  int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

// expr parses term {(AND|OR) term}. depth bounds nesting.
func (p *exprParser) expr(depth int) bool {
	if depth > 64 || !p.term(depth) {
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
		return strings.HasPrefix(d, docRefPrefix) && isIDString(d[len(docRefPrefix):]) &&
			strings.HasPrefix(ref, "LicenseRef-") && isIDString(ref[len("LicenseRef-"):])
	}
	if plus {
		t = strings.TrimSuffix(t, "+")
	}
	return isIDString(t)
}

func isIDString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !idChar(s[i]) {
			return false
		}
	}
	return true
}

// licenseRefs collects the LicenseRef identifiers that license expressions
// use and the hasExtractedLicensingInfos entries that define them.
type licenseRefs struct {
	byName  map[string]string // name -> LicenseRef written for it
	used    map[string]bool   // every LicenseRef- identifier in use
	entries []*v2_3.OtherLicense
}

// expression returns the SPDX license expression to write for a model
// license string: s itself when it is an expression, otherwise a
// LicenseRef made from s, defined with s as its text.
func (r *licenseRefs) expression(s string) string {
	if isExpression(s) {
		for _, t := range exprTokens(s) {
			if strings.HasPrefix(t, "LicenseRef-") {
				r.define(t, "", "")
			}
		}
		return s
	}
	if id, ok := r.byName[s]; ok {
		return id
	}
	base := "LicenseRef-" + sanitizeID(s)
	id := base
	for n := 2; r.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	r.byName[s] = id
	r.define(id, s, licenseNameComment)
	return id
}

// define records a hasExtractedLicensingInfos entry for id once. A
// LicenseRef taken over from the source, whose text the model does not
// keep, gets NOASSERTION as its text.
func (r *licenseRefs) define(id, text, comment string) {
	if r.used[id] {
		return
	}
	r.used[id] = true
	l := &v2_3.OtherLicense{LicenseIdentifier: id, ExtractedText: text, LicenseName: text, LicenseComment: comment}
	if text == "" {
		l.ExtractedText = noAssertion
		l.LicenseName = ""
		l.LicenseComment = "medvigil: defined in the source SBOM; its text was not kept"
	}
	r.entries = append(r.entries, l)
}
