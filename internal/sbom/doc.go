// Package sbom is medvigil's normalized SBOM model: one Document type that
// CycloneDX and SPDX documents are read into and written from, with the NTIA
// minimum elements, the CISA 2026 minimum elements and the FDA premarket
// lifecycle fields (level of support, end-of-support date) of every component.
//
// The format codecs live in sub-packages (sbom/cyclonedx, sbom/spdx), format
// detection and file handling in sbom/formats, and the minimum-elements
// judgement in sbom/check. This package holds no wire types of any format.
//
// It may import only the standard library and internal/input.
package sbom
