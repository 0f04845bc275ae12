package sbom

import "strings"

// Component is one software or hardware component.
type Component struct {
	// Ref is unique within the document: the CycloneDX bom-ref or the SPDX
	// SPDXID. Readers synthesize one when the source has none.
	Ref string `json:"ref"`
	// Parent is the Ref of the enclosing component for nested CycloneDX
	// components (and SPDX packages a package CONTAINS, when read so).
	Parent string `json:"parent,omitempty"`

	// Type is the CycloneDX component type ("library", "application",
	// "firmware", "device", ...); SPDX primaryPackagePurpose lower-cased.
	Type        string `json:"type,omitempty"`
	Group       string `json:"group,omitempty"`
	Name        string `json:"name"`
	Version     string `json:"version,omitempty"`
	Description string `json:"description,omitempty"`
	// Scope is "required", "optional" or "excluded" (CycloneDX).
	Scope string `json:"scope,omitempty"`

	Supplier     *Party  `json:"supplier,omitempty"`
	Manufacturer *Party  `json:"manufacturer,omitempty"`
	Authors      []Party `json:"authors,omitempty"`
	Publisher    string  `json:"publisher,omitempty"`
	// Originator is the SPDX PackageOriginator.
	Originator *Party `json:"originator,omitempty"`

	PURL        string       `json:"purl,omitempty"`
	CPEs        []string     `json:"cpes,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Hashes      []Hash       `json:"hashes,omitempty"`
	// Licenses are SPDX license expressions or identifiers; a license known
	// only by name is kept as that name. Concluded licenses come first.
	Licenses  []string `json:"licenses,omitempty"`
	Copyright string   `json:"copyright,omitempty"`

	ExternalRefs []ExternalRef `json:"external_refs,omitempty"`
	Properties   []Property    `json:"properties,omitempty"`

	// Lifecycle holds the FDA lifecycle fields of the component.
	Lifecycle Lifecycle `json:"lifecycle,omitzero"`

	// Unknown and Withheld list elements of this component marked as unknown
	// or withheld (CISA 2026). SPDX NOASSERTION reads as unknown.
	Unknown  []Element `json:"unknown,omitempty"`
	Withheld []Element `json:"withheld,omitempty"`
}

// Identifier is an identifier other than purl and CPE.
type Identifier struct {
	// Type is "swid", "omnibor", "swhid" or another scheme name.
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Hash is a digest of the component's artifact.
type Hash struct {
	// Algorithm is the CycloneDX spelling ("SHA-256", "SHA-1", "MD5",
	// "SHA3-256", "BLAKE2b-256", ...).
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// ExternalRef is a link from a component to something outside the SBOM.
type ExternalRef struct {
	Type    string `json:"type"`
	URL     string `json:"url"`
	Comment string `json:"comment,omitempty"`
}

// ID returns a human-readable identity: the bom-ref when set, else
// name@version.
func (c *Component) ID() string {
	if c.Ref != "" {
		return c.Ref
	}
	return c.NameVersion()
}

// NameVersion returns "name@version" ("group/name@version" when a group is set).
func (c *Component) NameVersion() string {
	n := c.Name
	if c.Group != "" {
		n = c.Group + "/" + n
	}
	if c.Version == "" {
		return n
	}
	return n + "@" + c.Version
}

// Property returns the value of the first property with name, and whether
// there was one.
func (c *Component) Property(name string) (string, bool) {
	for _, p := range c.Properties {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// Marked reports whether e is marked unknown or withheld on c.
func (c *Component) Marked(e Element) bool {
	return hasElement(c.Unknown, e) || hasElement(c.Withheld, e)
}

func hasElement(list []Element, e Element) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// MarkUnknown marks e as unknown on c, once.
func (c *Component) MarkUnknown(e Element) {
	if !hasElement(c.Unknown, e) {
		c.Unknown = append(c.Unknown, e)
	}
}

// IsNoAssertion reports whether s is the SPDX "NOASSERTION" value (any case),
// which some CycloneDX producers copy into license and supplier fields; it
// means the information is unknown, not that it is called "NOASSERTION".
func IsNoAssertion(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "NOASSERTION") }
