package spdx

import (
	"fmt"
	"strings"

	"medvigil/internal/input"
)

// tvFixer repairs tag-value pairs before the tools-golang parser sees them.
// Each repair is a warning at the line (and column) of the pair:
//   - a tag the section does not accept that matches one it does without
//     regard to case or a trailing "s" is renamed ("FIleCopyrightText",
//     "LicenseComment" in a file);
//   - a tag no section of the version accepts is dropped;
//   - an SPDXID written before the PackageName or FileName it identifies
//     (when the current element already has one) is moved after it;
//   - identifiers without "SPDXRef-" get it (in SPDXID, SnippetSPDXID,
//     SnippetFromFileSPDXID, SPDXREF and Relationship; one warning per
//     identifier);
//   - suppliers, originators, creators and annotators get a type when they
//     lack one (see fixParty); an empty supplier or originator is dropped.
type tvFixer struct {
	name     string
	tags     *tagTable
	warnings []*input.Error
	warned   map[string]bool
}

func (f *tvFixer) warn(p tvPair, col int, err error) {
	f.warnings = append(f.warnings, input.AtLine(f.name, p.line, col, fmt.Errorf("spdx: %w", err)))
}

func (f *tvFixer) fix(in []tvPair) []tvPair {
	ps := append([]tvPair(nil), in...)
	out := make([]tvPair, 0, len(ps))
	sec := secDocument
	docHasID, elemHasID := false, false
	for i := 0; i < len(ps); i++ {
		tag, ok := f.tags.fix(sec, ps[i].tag)
		misplaced := sec == secDocument && docHasID || (sec == secPackage || sec == secFile) && elemHasID
		if ok && tag == "SPDXID" && misplaced && i+1 < len(ps) {
			if next, _ := f.tags.fix(sec, ps[i+1].tag); next == "PackageName" || next == "FileName" {
				f.warn(ps[i], 0, fmt.Errorf("SPDXID %q comes before the %s on line %d that it identifies; read after it", ps[i].value, next, ps[i+1].line))
				ps[i], ps[i+1] = ps[i+1], ps[i]
				tag, ok = next, true
			}
		}
		p := ps[i]
		switch {
		case !ok && f.tags.known(p.tag):
			// Accepted elsewhere: the parser decides.
		case !ok:
			f.warn(p, p.col, fmt.Errorf("unknown tag %q in the %s section; ignored", p.tag, sec))
			continue
		case tag != p.tag:
			f.warn(p, p.col, fmt.Errorf("tag %q read as %q", p.tag, tag))
			p.tag = tag
		}
		if s, starts := startsSection(p.tag); starts {
			sec, elemHasID = s, s == secSnippet
		}
		if !f.value(&p, sec, &docHasID, &elemHasID) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// value repairs the value of p; it returns false to drop p.
func (f *tvFixer) value(p *tvPair, sec section, docHasID, elemHasID *bool) bool {
	switch p.tag {
	case "SPDXID":
		if sec == secDocument {
			*docHasID = true
		} else {
			*elemHasID = true
		}
		p.value = f.id(*p, p.value, false)
	case "SnippetSPDXID", "SnippetFromFileSPDXID", "SPDXREF":
		p.value = f.id(*p, p.value, false)
	case "Relationship":
		fields := strings.Fields(p.value)
		if len(fields) == 3 {
			fields[0] = f.id(*p, fields[0], false)
			fields[2] = f.id(*p, fields[2], true)
			p.value = strings.Join(fields, " ")
		}
	case "PackageSupplier", "PackageOriginator":
		if p.value == "" {
			f.warn(*p, 0, fmt.Errorf("empty %s; ignored", p.tag))
			return false
		}
		if fixed, why := fixParty(p.value); why != nil {
			f.warn(*p, 0, fmt.Errorf("%s %w", p.tag, why))
			p.value = fixed
		}
	case "Creator", "Annotator":
		if fixed, why := fixCreator(p.value); why != nil {
			f.warn(*p, 0, fmt.Errorf("%s %w", p.tag, why))
			p.value = fixed
		}
	}
	return true
}

func (f *tvFixer) id(p tvPair, id string, special bool) string {
	fixed, changed := fixID(id, special)
	if changed && !f.warned[id] {
		f.warned[id] = true
		f.warn(p, 0, idWarning(id, fixed))
	}
	return fixed
}
