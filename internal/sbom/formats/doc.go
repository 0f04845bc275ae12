// Package formats reads SBOM files of any supported format, detected from
// the content (never the file name), with bounded memory, and writes a
// sbom.Document in a chosen output format.
//
// It may import internal/sbom, its codec sub-packages and internal/input.
package formats
