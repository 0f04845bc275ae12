package spdx

import (
	"fmt"
	"strings"

	"medvigil/internal/sbom"
)

const noAssertion = "NOASSERTION"

// fixParty checks a PackageSupplier or PackageOriginator value, which SPDX 2.3
// (sections 7.5 and 7.6) wants as "Person: name (email)", "Organization:
// name (email)" or NOASSERTION. It returns the value to read and, when s had
// to be changed, why. A type written in another case is corrected; a value
// with no type gets "Person: " when it carries an email address ("Name
// <email>" or "Name (email)") and "Organization: " otherwise.
func fixParty(s string) (fixed string, why error) {
	return fixTyped(s, "Person", "Organization")
}

// fixCreator checks a Creator or Annotator value, which SPDX 2.3 (sections
// 6.8 and 12.1) wants typed "Person:", "Organization:" or "Tool:". A value
// with no known type is read as fixParty reads it.
func fixCreator(s string) (fixed string, why error) {
	return fixTyped(s, "Person", "Organization", "Tool")
}

func fixTyped(s string, types ...string) (string, error) {
	t := strings.TrimSpace(s)
	if t == noAssertion {
		return s, nil
	}
	if typ, rest, ok := strings.Cut(t, ":"); ok {
		typ = strings.TrimSpace(typ)
		for _, want := range types {
			if typ == want {
				return s, nil
			}
			if strings.EqualFold(typ, want) {
				fixed := want + ": " + strings.TrimSpace(rest)
				return fixed, fmt.Errorf("type %q is spelled %q; read as %q", typ, want, fixed)
			}
		}
	}
	fixed := "Organization: " + t
	if hasEmail(t) {
		fixed = "Person: " + t
	}
	var list []string
	for _, want := range types {
		list = append(list, `"`+want+`: "`)
	}
	return fixed, fmt.Errorf("%q has none of the prefixes %s; read as %q", s, strings.Join(list, ", "), fixed)
}

// hasEmail reports whether s ends in "<...@...>" or "(...@...)".
func hasEmail(s string) bool {
	_, email := splitEmail(s)
	return email != ""
}

// splitEmail splits "Name (email)" or "Name <email>" into name and email. The
// bracketed part counts as an email only when it holds an "@".
func splitEmail(s string) (name, email string) {
	s = strings.TrimSpace(s)
	for _, br := range [][2]string{{"(", ")"}, {"<", ">"}} {
		if !strings.HasSuffix(s, br[1]) {
			continue
		}
		i := strings.LastIndex(s, br[0])
		if i < 0 {
			continue
		}
		inner := strings.TrimSpace(s[i+1 : len(s)-1])
		if strings.Contains(inner, "@") {
			return strings.TrimSpace(s[:i]), inner
		}
	}
	return s, ""
}

// partyFrom builds a Party from a parsed SPDX type ("Person", "Organization",
// "Tool") and value. An empty value or NOASSERTION yields nil.
func partyFrom(typ, value string) *sbom.Party {
	value = strings.TrimSpace(value)
	if value == "" || value == noAssertion {
		return nil
	}
	name, email := splitEmail(value)
	p := &sbom.Party{Name: name, Email: email}
	switch typ {
	case "Person":
		p.Kind = "person"
	case "Organization":
		p.Kind = "organization"
	}
	return p
}

// partyString writes p as an SPDX "Person: name (email)" or "Organization:
// name (email)" value; a party of no kind is written as an organization.
// It returns "" when p names nobody.
func partyString(p *sbom.Party) string {
	if p.IsZero() {
		return ""
	}
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = strings.TrimSpace(p.Email)
	}
	if name == "" && len(p.URLs) > 0 {
		name = strings.TrimSpace(p.URLs[0])
	}
	if name == "" {
		return ""
	}
	typ := "Organization"
	if p.Kind == "person" {
		typ = "Person"
	}
	s := typ + ": " + name
	if p.Email != "" && p.Email != name {
		s += " (" + p.Email + ")"
	}
	return s
}

// parsePartyString reads a "Person: ..." or "Organization: ..." string (as
// written by partyString) into a Party.
func parsePartyString(s string) *sbom.Party {
	typ, value, ok := strings.Cut(s, ":")
	if !ok {
		return partyFrom("", s)
	}
	return partyFrom(strings.TrimSpace(typ), value)
}

// toolFrom reads a "Tool:" creator value: the version follows the last "-"
// that is followed by a digit ("syft-0.40.1" is syft 0.40.1).
func toolFrom(value string) sbom.Tool {
	value = strings.TrimSpace(value)
	for i := len(value) - 2; i > 0; i-- {
		if value[i] == '-' && value[i+1] >= '0' && value[i+1] <= '9' {
			return sbom.Tool{Name: value[:i], Version: value[i+1:]}
		}
	}
	return sbom.Tool{Name: value}
}

// toolString writes t as a "Tool:" creator value.
func toolString(t sbom.Tool) string {
	name := strings.TrimSpace(t.Name)
	if t.Vendor != "" && name == "" {
		name = t.Vendor
	}
	if t.Version != "" {
		return name + "-" + t.Version
	}
	return name
}
