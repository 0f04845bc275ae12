package cyclonedx

import (
	"net/url"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"medvigil/internal/sbom"
)

// component converts component i, without its nested components.
func (w *writer) component(i int) cdx.Component {
	c := &w.doc.Components[i]
	out := cdx.Component{
		BOMRef:       w.refs[i],
		Type:         componentType(c.Type),
		Supplier:     entity(c.Supplier),
		Manufacturer: entity(c.Manufacturer),
		Publisher:    c.Publisher,
		Group:        c.Group,
		Name:         c.Name,
		Version:      c.Version,
		Description:  c.Description,
		Copyright:    c.Copyright,
	}
	var carried []cdx.Property
	if c.PURL != "" && validIRIReference(c.PURL) {
		out.PackageURL = c.PURL
	} else if c.PURL != "" {
		carried = append(carried, cdx.Property{Name: PropPURL, Value: c.PURL})
	}
	if string(out.Type) != c.Type && c.Type != "" {
		carried = append(carried, cdx.Property{Name: PropComponentType, Value: c.Type})
	}
	switch s := cdx.Scope(c.Scope); s {
	case cdx.ScopeRequired, cdx.ScopeOptional, cdx.ScopeExcluded:
		out.Scope = s
	}
	if as := contactsOut(c.Authors); len(as) > 0 {
		out.Authors = &as
	}
	if !c.Originator.IsZero() {
		carried = append(carried, cdx.Property{Name: PropOriginator, Value: partyText(c.Originator)})
	}
	var hashes []cdx.Hash
	for _, h := range c.Hashes {
		if validHash(h) {
			hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgorithm(h.Algorithm), Value: h.Value})
		} else {
			carried = append(carried, cdx.Property{Name: PropHashPrefix + h.Algorithm, Value: h.Value})
		}
	}
	if len(hashes) > 0 {
		out.Hashes = &hashes
	}
	out.Licenses = licenseChoices(c.Licenses)
	for _, cpe := range c.CPEs {
		if out.CPE == "" && w.xsdCPE(cpe) {
			out.CPE = cpe
			continue
		}
		carried = append(carried, cdx.Property{Name: PropCPE, Value: cpe})
	}
	carried = identifiersOut(&out, c, carried)
	var refs []cdx.ExternalReference
	for _, e := range c.ExternalRefs {
		if !validIRIReference(e.URL) {
			carried = append(carried, cdx.Property{Name: PropExternalRefPrefix + e.Type, Value: e.URL})
			continue
		}
		t := cdx.ExternalReferenceType(e.Type)
		comment := e.Comment
		if !isExternalRefType(e.Type) {
			t = cdx.ERTypeOther
			if comment == "" {
				comment = e.Type
			}
		}
		refs = append(refs, cdx.ExternalReference{Type: t, URL: e.URL, Comment: comment})
	}
	if len(refs) > 0 {
		out.ExternalReferences = &refs
	}
	var props []cdx.Property
	for _, p := range c.Properties {
		if !isRegenerated(p.Name) {
			props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
		}
	}
	for _, p := range c.Lifecycle.Properties() {
		props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
	}
	for _, p := range sbom.MarkingProperties(c.Unknown, c.Withheld) {
		props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
	}
	props = append(props, carried...)
	if len(props) > 0 {
		out.Properties = &props
	}
	return out
}

// identifiersOut writes the first swid identifier as swid (tagId, with the
// component's name and version), omnibor and swhid identifiers as omniborId
// and swhid, and returns carried with the others added as properties.
func identifiersOut(out *cdx.Component, c *sbom.Component, carried []cdx.Property) []cdx.Property {
	var omnibor, swhid []string
	for _, id := range c.Identifiers {
		switch {
		case id.Type == "swid" && out.SWID == nil:
			out.SWID = &cdx.SWID{TagID: id.Value, Name: c.Name, Version: c.Version}
		case id.Type == "omnibor":
			omnibor = append(omnibor, id.Value)
		case id.Type == "swhid":
			swhid = append(swhid, id.Value)
		default:
			carried = append(carried, cdx.Property{Name: PropIdentifierPrefix + id.Type, Value: id.Value})
		}
	}
	if len(omnibor) > 0 {
		out.OmniborID = &omnibor
	}
	if len(swhid) > 0 {
		out.SWHID = &swhid
	}
	return carried
}

// componentType returns t if CycloneDX 1.6 defines it, else "library".
func componentType(t string) cdx.ComponentType {
	switch ct := cdx.ComponentType(t); ct {
	case cdx.ComponentTypeApplication, cdx.ComponentTypeFramework, cdx.ComponentTypeLibrary, cdx.ComponentTypeContainer,
		cdx.ComponentTypePlatform, cdx.ComponentTypeOS, cdx.ComponentTypeDevice, cdx.ComponentTypeDeviceDriver,
		cdx.ComponentTypeFirmware, cdx.ComponentTypeFile, cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeData,
		cdx.ComponentTypeCryptographicAsset:
		return ct
	}
	return cdx.ComponentTypeLibrary
}

// validHash reports whether the 1.6 schema accepts h: a known algorithm and
// 32, 40, 64, 96 or 128 hex digits (CycloneDX 1.6 hash-alg, hash-content).
func validHash(h sbom.Hash) bool {
	switch cdx.HashAlgorithm(h.Algorithm) {
	case cdx.HashAlgoMD5, cdx.HashAlgoSHA1, cdx.HashAlgoSHA256, cdx.HashAlgoSHA384, cdx.HashAlgoSHA512,
		cdx.HashAlgoSHA3_256, cdx.HashAlgoSHA3_384, cdx.HashAlgoSHA3_512,
		cdx.HashAlgoBlake2b_256, cdx.HashAlgoBlake2b_384, cdx.HashAlgoBlake2b_512, cdx.HashAlgoBlake3:
	default:
		return false
	}
	switch len(h.Value) {
	case 32, 40, 64, 96, 128:
	default:
		return false
	}
	for i := 0; i < len(h.Value); i++ {
		c := h.Value[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isExternalRefType reports whether t is a CycloneDX 1.6 external reference
// type.
func isExternalRefType(t string) bool {
	switch t {
	case "vcs", "issue-tracker", "website", "advisories", "bom", "mailing-list", "social", "chat",
		"documentation", "support", "source-distribution", "distribution", "distribution-intake", "license",
		"build-meta", "build-system", "release-notes", "security-contact", "model-card", "log", "configuration",
		"evidence", "formulation", "attestation", "threat-model", "adversary-model", "risk-assessment",
		"vulnerability-assertion", "exploitability-statement", "pentest-report", "static-analysis-report",
		"dynamic-analysis-report", "runtime-analysis-report", "component-analysis-report", "maturity-report",
		"certification-report", "codified-infrastructure", "quality-metrics", "poam", "electronic-signature",
		"digital-signature", "rfc-9116", "other":
		return true
	}
	return false
}

// validIRIReference reports whether s is safe as an iri-reference (JSON
// schema) and as an xs:anyURI (XSD, as libxml2 checks it): it parses as a
// URL reference, has at most one "#", brackets only around an IP-literal
// host, and no backslash, space, control character or other character RFC
// 3987 excludes.
func validIRIReference(s string) bool {
	if s == "" || strings.ContainsAny(s, "\\ <>\"{}|^`") || strings.Count(s, "#") > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return strings.Count(s, "[") == strings.Count(u.Host, "[") && strings.Count(s, "]") == strings.Count(u.Host, "]")
}

// entity writes a party as an organizational entity; its email becomes a
// contact and URLs that are not valid IRI references are left out.
func entity(p *sbom.Party) *cdx.OrganizationalEntity {
	if p.IsZero() {
		return nil
	}
	e := &cdx.OrganizationalEntity{Name: p.Name}
	var urls []string
	for _, u := range p.URLs {
		if validIRIReference(u) {
			urls = append(urls, u)
		}
	}
	if len(urls) > 0 {
		e.URL = &urls
	}
	if p.Email != "" {
		e.Contact = &[]cdx.OrganizationalContact{{Email: p.Email}}
	}
	return e
}

// contactsOut writes parties as organizational contacts (name and email).
func contactsOut(ps []sbom.Party) []cdx.OrganizationalContact {
	var out []cdx.OrganizationalContact
	for _, p := range ps {
		if p.Name == "" && p.Email == "" {
			continue
		}
		out = append(out, cdx.OrganizationalContact{Name: p.Name, Email: p.Email})
	}
	return out
}

// partyText renders a party as "Name (email)".
func partyText(p *sbom.Party) string {
	switch {
	case p.Email == "":
		return p.Name
	case p.Name == "":
		return p.Email
	}
	return p.Name + " (" + p.Email + ")"
}
