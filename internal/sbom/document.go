package sbom

import (
	"time"

	"medvigil/internal/input"
)

// Format is an SBOM standard.
type Format string

// The SBOM standards medvigil reads and writes.
const (
	FormatCycloneDX Format = "CycloneDX"
	FormatSPDX      Format = "SPDX"
)

// Encoding is the serialization of a document.
type Encoding string

// The encodings medvigil reads.
const (
	EncodingJSON     Encoding = "json"
	EncodingXML      Encoding = "xml"
	EncodingTagValue Encoding = "tag-value"
)

// Document is one SBOM, normalized. Components holds every component of the
// document, nested ones flattened (their Parent names the enclosing
// component), and the primary component (CycloneDX metadata.component, or the
// package an SPDX document DESCRIBES) too; PrimaryRef names it.
type Document struct {
	Format      Format   `json:"format"`
	SpecVersion string   `json:"spec_version"` // "1.6", "2.3"
	Encoding    Encoding `json:"encoding"`

	// SerialNumber is the CycloneDX serialNumber or the SPDX documentNamespace.
	SerialNumber string `json:"serial_number,omitempty"`
	// Version is the SBOM version (CycloneDX "version"; 0 when absent).
	Version int `json:"version,omitempty"`
	// Name is the SPDX document name (CycloneDX has none).
	Name string `json:"name,omitempty"`
	// DataLicense is the SPDX data license (CC0-1.0).
	DataLicense string `json:"data_license,omitempty"`

	// Authors are the SBOM authors: CycloneDX metadata.authors, SPDX
	// creators of kind Person and Organization.
	Authors []Party `json:"authors,omitempty"`
	// Tools made the SBOM: CycloneDX metadata.tools, SPDX "Tool:" creators.
	Tools []Tool `json:"tools,omitempty"`
	// Supplier and Manufacturer are CycloneDX metadata.supplier and
	// metadata.manufacturer (or the deprecated manufacture).
	Supplier     *Party `json:"supplier,omitempty"`
	Manufacturer *Party `json:"manufacturer,omitempty"`
	// Timestamp is when the SBOM was made; TimestampRaw is the text as found
	// (kept when it does not parse as RFC 3339).
	Timestamp    time.Time `json:"timestamp,omitzero"`
	TimestampRaw string    `json:"timestamp_raw,omitempty"`
	// Lifecycles is the generation context: CycloneDX 1.5+ metadata.lifecycles
	// phases ("design", "pre-build", "build", "post-build", "operations",
	// "discovery", "decommission") or names of custom lifecycles.
	Lifecycles []string `json:"lifecycles,omitempty"`
	// Comment is the SPDX creation-info comment.
	Comment string `json:"comment,omitempty"`

	PrimaryRef   string       `json:"primary_ref,omitempty"`
	Components   []Component  `json:"components"`
	Dependencies []Dependency `json:"dependencies,omitempty"`
	Properties   []Property   `json:"properties,omitempty"`

	// Unknown and Withheld list document-level elements the author marked as
	// unknown or withheld (CISA 2026 minimum elements, section 3).
	Unknown  []Element `json:"unknown,omitempty"`
	Withheld []Element `json:"withheld,omitempty"`

	// Warnings are recoverable defects found while reading, each with the
	// place in the file.
	Warnings []*input.Error `json:"warnings,omitempty"`
}

// Party is an organization or a person: a supplier, manufacturer, author.
type Party struct {
	Name  string   `json:"name,omitempty"`
	Email string   `json:"email,omitempty"`
	URLs  []string `json:"urls,omitempty"`
	// Kind is "organization", "person" or "" when the source does not say.
	Kind string `json:"kind,omitempty"`
}

// IsZero reports whether p names nobody.
func (p *Party) IsZero() bool {
	return p == nil || (p.Name == "" && p.Email == "" && len(p.URLs) == 0)
}

// Tool is software that produced the SBOM.
type Tool struct {
	Vendor  string `json:"vendor,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Dependency says that the component Ref depends directly on DependsOn
// (component refs). A Dependency with no DependsOn states that Ref has no
// dependencies, which CycloneDX distinguishes from "unknown".
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"depends_on,omitempty"`
}

// Property is a name/value pair (CycloneDX properties; SPDX annotations in
// key=value form).
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Component returns the component with ref, or nil.
func (d *Document) Component(ref string) *Component {
	for i := range d.Components {
		if d.Components[i].Ref == ref {
			return &d.Components[i]
		}
	}
	return nil
}

// Primary returns the primary component, or nil when the document has none.
func (d *Document) Primary() *Component {
	if d.PrimaryRef == "" {
		return nil
	}
	return d.Component(d.PrimaryRef)
}

// Warn records a recoverable defect.
func (d *Document) Warn(e *input.Error) { d.Warnings = append(d.Warnings, e) }
