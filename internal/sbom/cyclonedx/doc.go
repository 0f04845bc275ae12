// Package cyclonedx reads CycloneDX 1.2–1.6 (JSON and XML) into the
// normalized sbom.Document and writes sbom.Document as CycloneDX 1.6.
// The wire types of CycloneDX/cyclonedx-go never leave this package.
//
// Decode is lenient but honest: the document is decoded with cyclonedx-go's
// types (no hand-written parser), a fault that stops decoding is an
// *input.Error naming the line and column or the JSON pointer, and a
// recoverable defect (a duplicate bom-ref, a dangling dependency ref, an
// invalid purl or CPE, a bad timestamp or lifecycle value, an unknown spec
// version) is a warning on the document at the JSON pointer of the value.
// Encode writes output that validates against the official CycloneDX 1.6
// JSON schema and XSD; values the schemas cannot hold are kept in medvigil:*
// properties (see the Prop constants), which Decode reads back, so a
// Decode–Encode–Decode round trip keeps every component, identifier, hash,
// license, dependency edge, lifecycle field and marking.
//
// Files: cyclonedx.go (the API), decode.go and position.go (decoding and
// locating faults), read*.go (wire types to the model), write*.go (the model
// to wire types), license.go (license choices), check.go (CPE names),
// serial.go (serial numbers), props.go (medvigil properties), spdxids.go
// (generated SPDX license list).
//
// It may import internal/sbom, internal/input, cyclonedx-go and packageurl-go.
package cyclonedx
