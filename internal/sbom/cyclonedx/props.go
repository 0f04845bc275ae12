package cyclonedx

import (
	"strings"

	"medvigil/internal/sbom"
)

// Properties medvigil writes where CycloneDX 1.6 has no valid place for a
// value of the model, so that nothing is lost. Decode reads the carrier
// properties (PropPURL, PropCPE, PropHashPrefix, PropIdentifierPrefix,
// PropExternalRefPrefix) back into the typed fields and does not keep them
// in Properties; the others stay ordinary properties.
const (
	// PropPURL holds a purl that is not a valid IRI reference, which the
	// purl field (xs:anyURI in the XSD) cannot hold.
	PropPURL = "medvigil:purl"
	// PropCPE holds each CPE of a component but the one in the single "cpe"
	// field: the first that matches the XSD's CPE pattern.
	PropCPE = "medvigil:cpe"
	// PropHashPrefix + algorithm holds a hash the 1.6 schema does not accept:
	// an algorithm outside its enum or a value not matching its pattern.
	PropHashPrefix = "medvigil:hash:"
	// PropIdentifierPrefix + type holds an identifier with no CycloneDX
	// field (not swid, omnibor or swhid), and swid identifiers after the first.
	PropIdentifierPrefix = "medvigil:identifier:"
	// PropExternalRefPrefix + type holds an external reference whose URL is
	// not a valid IRI reference (e.g. "git@github.com:org/repo.git").
	PropExternalRefPrefix = "medvigil:external-ref:"

	// PropSourceSerial holds the original serial number or SPDX document
	// namespace when it is not a urn:uuid and a UUID was derived from it.
	PropSourceSerial = "medvigil:source-serial"
	// PropSourceTimestamp holds a timestamp that did not parse as RFC 3339.
	PropSourceTimestamp = "medvigil:source-timestamp"
	// PropComponentType holds a component type that CycloneDX does not
	// define (SPDX "source", "archive", ...); the type is written as "library".
	PropComponentType = "medvigil:component-type"
	// PropOriginator holds the SPDX originator of a component.
	PropOriginator = "medvigil:originator"
	// PropDocumentName and PropDocumentComment hold the SPDX document name
	// and creation comment, which CycloneDX has no field for.
	PropDocumentName    = "medvigil:document-name"
	PropDocumentComment = "medvigil:document-comment"
)

// isCarrierProperty reports whether name is a property Decode folds into a
// typed field and Encode regenerates from it.
func isCarrierProperty(name string) bool {
	return name == PropCPE || name == PropPURL ||
		strings.HasPrefix(name, PropHashPrefix) ||
		strings.HasPrefix(name, PropIdentifierPrefix) ||
		strings.HasPrefix(name, PropExternalRefPrefix)
}

// isRegenerated reports whether Encode writes the property from a typed
// field, so that a copy kept in Properties must be skipped.
func isRegenerated(name string) bool {
	return sbom.IsLifecycleProperty(name) || isCarrierProperty(name)
}
