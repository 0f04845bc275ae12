// Package cyclonedx reads CycloneDX 1.2–1.6 (JSON and XML) into the
// normalized sbom.Document and writes sbom.Document as CycloneDX 1.6.
// The wire types of CycloneDX/cyclonedx-go never leave this package.
//
// It may import internal/sbom, internal/input, cyclonedx-go and packageurl-go.
package cyclonedx
