package sbom

// Element names a minimum element (NTIA 2021, CISA 2026, FDA premarket), used
// both to mark information as unknown or withheld and to report coverage.
type Element string

// Document-level elements.
const (
	ElementAuthor            Element = "author"
	ElementTimestamp         Element = "timestamp"
	ElementFormat            Element = "format"
	ElementGenerationContext Element = "generation-context"
	ElementTool              Element = "tool"
	ElementSBOMVersion       Element = "sbom-version"
	ElementDependencies      Element = "dependencies"
	ElementPrimaryComponent  Element = "primary-component"
)

// Component-level elements.
const (
	ElementSupplier       Element = "supplier"
	ElementProducer       Element = "producer"
	ElementName           Element = "name"
	ElementVersion        Element = "version"
	ElementIdentifiers    Element = "identifiers"
	ElementHash           Element = "hash"
	ElementLicense        Element = "license"
	ElementLevelOfSupport Element = "level-of-support"
	ElementEndOfSupport   Element = "end-of-support"
)

// Properties marking unknown and withheld information (proposed CISA
// taxonomy in CycloneDX): the value is a comma-separated list of Elements.
const (
	PropUnknownInformation  = "cdx:cisa:unknown-information"
	PropWithheldInformation = "cdx:cisa:withheld-information"
)
