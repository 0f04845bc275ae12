// Package spdx reads SPDX 2.1–2.3 (JSON and tag-value) into the normalized
// sbom.Document, tolerating the defects real documents carry (each reported
// as a located warning), and writes sbom.Document as SPDX 2.3 JSON.
// The wire types of spdx/tools-golang never leave this package.
//
// It may import internal/sbom, internal/input, tools-golang and packageurl-go.
package spdx
