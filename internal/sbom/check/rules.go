package check

import (
	"strings"
	"time"

	"medvigil/internal/sbom"
)

// profileRules returns the elements of p in report order, or nil for an
// unknown profile. docs/sbom-check.md states each rule with its source; keep
// the two in step.
func profileRules(p Profile) []rule {
	switch p {
	case ProfileNTIA2021:
		return ntiaRules()
	case ProfileCISA2026:
		return cisaRules()
	case ProfileFDAPremarket:
		return append(ntiaRules(),
			rule{element: sbom.ElementLevelOfSupport, title: "Level of support", required: true,
				markingAccepted: true, skipPrimary: true, comp: levelOfSupport},
			rule{element: sbom.ElementEndOfSupport, title: "End-of-support date", required: true,
				markingAccepted: true, skipPrimary: true, comp: endOfSupport},
		)
	}
	return nil
}

// ntiaRules are the NTIA 2021 minimum elements. Automation support comes
// first (sbomqs sections 1.1 and 1.2), then the seven data fields. NTIA has
// no unknown/withheld marking except for dependencies ("Known Unknowns"), so
// only that element accepts one.
func ntiaRules() []rule {
	return []rule{
		{element: sbom.ElementFormat, title: "Machine-readable format", required: true, doc: machineReadable},
		// NTIA asks for automation support, not for a declared tool; sbomqs
		// reports the tool as its section 1.2, so we report it, not required.
		{element: sbom.ElementTool, title: "SBOM generation tool", required: false, doc: toolNamed},
		{element: sbom.ElementAuthor, title: "Author of SBOM data", required: true, doc: ntiaAuthor},
		{element: sbom.ElementTimestamp, title: "Timestamp", required: true, doc: timestamp},
		{element: sbom.ElementDependencies, title: "Dependency relationship (primary component)", required: true,
			markingAccepted: true, doc: primaryDependencies},
		{element: sbom.ElementSupplier, title: "Supplier name", required: true, comp: ntiaSupplier},
		{element: sbom.ElementName, title: "Component name", required: true, comp: componentName},
		{element: sbom.ElementVersion, title: "Version of the component", required: true, comp: componentVersion},
		{element: sbom.ElementIdentifiers, title: "Other unique identifiers", required: true, comp: identifiers},
	}
}

// cisaRules are the CISA 2026 minimum elements (Appendix A), except Author
// Signature, which the normalized model does not carry. Every element
// accepts an explicit unknown/withheld marking.
func cisaRules() []rule {
	return []rule{
		{element: sbom.ElementAuthor, title: "SBOM author", required: true, markingAccepted: true, doc: cisaAuthor},
		{element: sbom.ElementFormat, title: "Data format name and version", required: true, markingAccepted: true, doc: formatAndVersion},
		{element: sbom.ElementGenerationContext, title: "Generation context", required: true, markingAccepted: true, doc: generationContext},
		{element: sbom.ElementTimestamp, title: "Timestamp", required: true, markingAccepted: true, doc: timestamp},
		{element: sbom.ElementTool, title: "Tool name and version", required: true, markingAccepted: true, doc: toolNameAndVersion},
		{element: sbom.ElementSBOMVersion, title: "SBOM version", required: true, markingAccepted: true, doc: sbomVersion},
		{element: sbom.ElementName, title: "Component name", required: true, markingAccepted: true, comp: componentName},
		{element: sbom.ElementVersion, title: "Component version", required: true, markingAccepted: true, comp: componentVersion},
		{element: sbom.ElementProducer, title: "Software producer", required: true, markingAccepted: true, comp: producer},
		{element: sbom.ElementIdentifiers, title: "Software identifiers", required: true, markingAccepted: true, comp: identifiers},
		{element: sbom.ElementHash, title: "Component hash", required: true, markingAccepted: true, comp: hash},
		{element: sbom.ElementLicense, title: "License", required: true, markingAccepted: true, comp: license},
		{element: sbom.ElementDependencies, title: "Dependency relationship", required: true, markingAccepted: true, comp: componentDependencies},
	}
}

// --- document-level elements ---

func machineReadable(d *env) state {
	switch d.Format {
	case sbom.FormatCycloneDX, sbom.FormatSPDX:
	default:
		return absent
	}
	switch d.Encoding {
	case sbom.EncodingJSON, sbom.EncodingXML, sbom.EncodingTagValue:
		return present
	}
	return absent
}

func formatAndVersion(d *env) state {
	if machineReadable(d) == present && strings.TrimSpace(d.SpecVersion) != "" {
		return present
	}
	return docMarkedOr(d, sbom.ElementFormat, absent)
}

func toolNamed(d *env) state {
	for _, t := range d.Tools {
		if strings.TrimSpace(t.Name) != "" {
			return present
		}
	}
	return docMarkedOr(d, sbom.ElementTool, absent)
}

func toolNameAndVersion(d *env) state {
	if len(d.Tools) == 0 {
		return docMarkedOr(d, sbom.ElementTool, absent)
	}
	for _, t := range d.Tools {
		if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.Version) == "" {
			return docMarkedOr(d, sbom.ElementTool, absent)
		}
	}
	return present
}

// ntiaAuthor follows sbomqs: the SBOM authors, else a named tool, else the
// document's supplier, else its manufacturer. NTIA 2021: "Author reflects
// the source of the metadata, which could come from the creator of the
// software being described in the SBOM, the upstream component supplier, or
// some third-party analysis tool."
func ntiaAuthor(d *env) state {
	s := partiesState(d.Authors)
	if s == present {
		return present
	}
	if toolNamed(d) == present {
		return present
	}
	s = firstOf(s, partyState(d.Supplier), partyState(d.Manufacturer))
	return docMarkedOr(d, sbom.ElementAuthor, s)
}

// cisaAuthor takes only the SBOM authors: CISA 2026 lists the tool as an
// element of its own.
func cisaAuthor(d *env) state {
	return docMarkedOr(d, sbom.ElementAuthor, partiesState(d.Authors))
}

// timestamp requires an RFC 3339 date-time, as both formats specify
// (CycloneDX metadata.timestamp "format": "date-time"; SPDX 2.3 section 6.9
// "YYYY-MM-DDThh:mm:ssZ") and as sbomqs checks (time.Parse(time.RFC3339)).
func timestamp(d *env) state {
	if raw := strings.TrimSpace(d.TimestampRaw); raw != "" {
		if _, err := time.Parse(time.RFC3339, raw); err == nil {
			return present
		}
		return docMarkedOr(d, sbom.ElementTimestamp, absent)
	}
	if !d.Timestamp.IsZero() {
		return present
	}
	return docMarkedOr(d, sbom.ElementTimestamp, absent)
}

func generationContext(d *env) state {
	for _, l := range d.Lifecycles {
		if strings.TrimSpace(l) != "" {
			return present
		}
	}
	return docMarkedOr(d, sbom.ElementGenerationContext, absent)
}

// sbomVersion takes the CycloneDX version (1 or more). SPDX 2 has no
// version field; its documentNamespace must change with every version of
// the document (SPDX 2.3 section 6.5), so a namespace identifies the version.
func sbomVersion(d *env) state {
	switch d.Format {
	case sbom.FormatCycloneDX:
		if d.Version >= 1 {
			return present
		}
	case sbom.FormatSPDX:
		if strings.TrimSpace(d.SerialNumber) != "" {
			return present
		}
	}
	return docMarkedOr(d, sbom.ElementSBOMVersion, absent)
}

// primaryDependencies is NTIA's dependency relationship as sbomqs judges it
// (its section 2.3): the primary component declares at least one direct
// dependency on a component of the document. Components nested in the
// primary component (CycloneDX assemblies, SPDX CONTAINS) count too: NTIA
// defines the element as "an upstream component X is included in software
// Y". A dependencies marking meets NTIA's "Known Unknowns" practice and
// counts. An explicit statement that it has none (an empty dependency entry)
// counts only when the document lists no other component: beside listed
// components, "the primary includes nothing" characterizes no relationship.
// (medical-device-sbom-completeness/extended.sbom.json declares each of its
// 66 components free of dependencies.)
func primaryDependencies(d *env) state {
	p := d.Primary()
	if p == nil {
		return docMarkedOr(d, sbom.ElementDependencies, absent)
	}
	declared, targets, resolved := false, 0, 0
	for _, dep := range d.Dependencies {
		if dep.Ref != p.Ref {
			continue
		}
		declared = true
		for _, to := range dep.DependsOn {
			targets++
			if to != p.Ref && d.refs[to] {
				resolved++
			}
		}
	}
	switch {
	case resolved > 0, d.contains[p.Ref]:
		return present
	case declared && targets == 0 && len(d.Components) == 1:
		return present
	case p.Marked(sbom.ElementDependencies):
		return marked
	}
	return docMarkedOr(d, sbom.ElementDependencies, absent)
}

// --- component-level elements ---

// ntiaSupplier takes the supplier, falling back to the manufacturer (as
// sbomqs does for CycloneDX) and to the SPDX originator (as sbomqs does for
// SPDX): each is an entity that "creates, defines, and identifies" the
// component (NTIA 2021, Supplier Name).
func ntiaSupplier(_ *env, c *sbom.Component) state {
	s := firstOf(partyState(c.Supplier), partyState(c.Manufacturer), partyState(c.Originator))
	return compMarkedOr(c, sbom.ElementSupplier, s)
}

// producer is CISA 2026's software producer: the manufacturer, the
// supplier, an author, the publisher or the SPDX originator.
func producer(_ *env, c *sbom.Component) state {
	pub := absent
	if t := strings.TrimSpace(c.Publisher); t != "" {
		pub = present
		if isNoAssertion(t) {
			pub = marked
		}
	}
	s := firstOf(partyState(c.Manufacturer), partyState(c.Supplier), partiesState(c.Authors), pub, partyState(c.Originator))
	if s == absent && c.Marked(sbom.ElementSupplier) {
		s = marked
	}
	return compMarkedOr(c, sbom.ElementProducer, s)
}

func componentName(_ *env, c *sbom.Component) state {
	return compMarkedOr(c, sbom.ElementName, valueState(c.Name))
}

func componentVersion(_ *env, c *sbom.Component) state {
	return compMarkedOr(c, sbom.ElementVersion, valueState(c.Version))
}

// identifiers takes a purl or CPE of valid syntax, or any other identifier
// (SWID tag id, OmniBOR, SWHID, ...). Readers keep a malformed purl or CPE
// as an identifier of that type (with a warning); it does not count, as it
// serves as no look-up key.
func identifiers(_ *env, c *sbom.Component) state {
	if validPURL(c.PURL) {
		return present
	}
	for _, cpe := range c.CPEs {
		if validCPE(cpe) {
			return present
		}
	}
	for _, id := range c.Identifiers {
		v := strings.TrimSpace(id.Value)
		switch t := strings.ToLower(id.Type); {
		case v == "":
		case t == "purl":
			if validPURL(v) {
				return present
			}
		case strings.HasPrefix(t, "cpe"):
			if validCPE(v) {
				return present
			}
		default:
			return present
		}
	}
	return compMarkedOr(c, sbom.ElementIdentifiers, absent)
}

func hash(_ *env, c *sbom.Component) state {
	for _, h := range c.Hashes {
		if strings.TrimSpace(h.Algorithm) != "" && strings.TrimSpace(h.Value) != "" {
			return present
		}
	}
	return compMarkedOr(c, sbom.ElementHash, absent)
}

// license takes any license; SPDX NOASSERTION is a marking, NONE ("no
// license") a statement.
func license(_ *env, c *sbom.Component) state {
	s := absent
	for _, l := range c.Licenses {
		switch t := strings.TrimSpace(l); {
		case t == "":
		case strings.EqualFold(t, "NOASSERTION"):
			s = marked
		default:
			return present
		}
	}
	return compMarkedOr(c, sbom.ElementLicense, s)
}

// componentDependencies is CISA 2026's per-component dependency
// relationship: the component's direct dependencies are stated, as an entry
// of the dependency graph (an empty one states it has none).
func componentDependencies(d *env, c *sbom.Component) state {
	if d.depRefs[c.Ref] {
		return present
	}
	return compMarkedOr(c, sbom.ElementDependencies, absent)
}

// levelOfSupport is the FDA level of support: a known level, or else a
// justification (FDA: "a justification where it is unknown").
func levelOfSupport(_ *env, c *sbom.Component) state {
	switch c.Lifecycle.LevelOfSupport {
	case sbom.SupportActive, sbom.SupportNoLonger, sbom.SupportAbandoned:
		return present
	}
	if strings.TrimSpace(c.Lifecycle.Justification) != "" {
		return marked
	}
	return absent
}

// endOfSupport is the FDA end-of-support date, or else a justification.
// An end-of-life date does not stand in for it: end of life precedes end of
// support (IMDRF N70).
func endOfSupport(_ *env, c *sbom.Component) state {
	if strings.TrimSpace(c.Lifecycle.EndOfSupport) != "" {
		return present
	}
	if strings.TrimSpace(c.Lifecycle.Justification) != "" {
		return marked
	}
	return absent
}

// --- helpers ---

// isNoAssertion reports whether s is an SPDX placeholder for "not given".
func isNoAssertion(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, "NOASSERTION") || strings.EqualFold(s, "NONE")
}

// valueState judges a text field: present when it holds something other than
// an SPDX placeholder, marked when it holds a placeholder.
func valueState(s string) state {
	switch t := strings.TrimSpace(s); {
	case t == "":
		return absent
	case isNoAssertion(t):
		return marked
	}
	return present
}

// partyState judges a supplier, manufacturer, author or originator: present
// when it has a name, an e-mail or a URL; marked when its only name is an
// SPDX placeholder.
func partyState(p *sbom.Party) state {
	if p == nil {
		return absent
	}
	if strings.TrimSpace(p.Email) != "" {
		return present
	}
	for _, u := range p.URLs {
		if strings.TrimSpace(u) != "" {
			return present
		}
	}
	return valueState(p.Name)
}

func partiesState(ps []sbom.Party) state {
	s := absent
	for i := range ps {
		s = firstOf(s, partyState(&ps[i]))
		if s == present {
			return present
		}
	}
	return s
}

// firstOf returns present if any state is present, else marked if any is
// marked, else absent.
func firstOf(states ...state) state {
	out := absent
	for _, s := range states {
		switch s {
		case present:
			return present
		case marked:
			out = marked
		}
	}
	return out
}

func docMarkedOr(d *env, e sbom.Element, s state) state {
	if s == absent && (hasElement(d.Unknown, e) || hasElement(d.Withheld, e)) {
		return marked
	}
	return s
}

func compMarkedOr(c *sbom.Component, e sbom.Element, s state) state {
	if s == absent && c.Marked(e) {
		return marked
	}
	return s
}

func hasElement(list []sbom.Element, e sbom.Element) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// validPURL checks the purl syntax (purl-spec): the "pkg" scheme, a type of
// ASCII letters, digits, '.', '+' and '-' not starting with a digit, and a
// name. It mirrors what packageurl-go's FromString rejects, which is how
// sbomqs validates.
func validPURL(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 4 || !strings.EqualFold(s[:4], "pkg:") {
		return false
	}
	rest := strings.TrimLeft(s[4:], "/")
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	typ, path, ok := strings.Cut(rest, "/")
	if !ok || typ == "" {
		return false
	}
	for i, r := range typ {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r == '.' || r == '+' || r == '-', r >= '0' && r <= '9':
			if i == 0 && r >= '0' && r <= '9' {
				return false
			}
		default:
			return false
		}
	}
	path = strings.Trim(path, "/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.LastIndexByte(path, '@'); i >= 0 {
		path = path[:i]
	}
	return path != ""
}

// validCPE checks the CPE syntax: a CPE 2.2 URI ("cpe:/...") or a CPE 2.3
// formatted string ("cpe:2.3:" and eleven more colon-separated fields, the
// part being a, h, o, * or -), as sbomqs's CPE pattern does.
func validCPE(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) >= 5 && strings.EqualFold(s[:5], "cpe:/") {
		return true
	}
	if !strings.HasPrefix(s, "cpe:2.3:") {
		return false
	}
	var fields []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			b.WriteByte(s[i])
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case ':':
			fields = append(fields, b.String())
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	fields = append(fields, b.String())
	if len(fields) != 13 {
		return false
	}
	switch fields[2] {
	case "a", "h", "o", "*", "-":
	default:
		return false
	}
	for _, f := range fields[3:] {
		if f == "" {
			return false
		}
	}
	return true
}
