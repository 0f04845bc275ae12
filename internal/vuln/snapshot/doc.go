// Package snapshot writes a knowledge base (vuln.KB) to a compact binary
// file and reads it back far faster than the feeds it was built from can be
// parsed again: every advisory with all its fields, and the KEV and EPSS
// marks.
//
// # Format
//
// A snapshot is an 86-byte header followed by the payload. All integers in
// the header are big-endian.
//
//	offset  size  field
//	0       11    magic "MEDVIGIL-KB"
//	11      2     format version (1)
//	13      1     compression of the payload: 0 none, 1 gzip (RFC 1952)
//	14      8     creation time, seconds since 1970-01-01 UTC (signed)
//	22      4     creation time, nanoseconds
//	26      4     number of advisories
//	30      4     number of KEV marks
//	34      4     number of EPSS marks
//	38      8     payload length as stored
//	46      8     payload length uncompressed
//	54      32    SHA-256 of bytes 0–53 followed by the stored payload
//
// The uncompressed payload is a string table and the body, which names
// strings by their index in the table. Unsigned integers are uvarints and
// signed ones zigzag varints (encoding/binary), floats are IEEE 754 bits in
// 8 bytes, little-endian, and booleans one byte. A list is its length plus
// one (0 for a nil list) and its elements.
//
//	table:    count, the byte length of each string, then their bytes
//	body:     advisories (list of advisory), KEV marks (list of CVE + KEV),
//	          EPSS marks (list of CVE + EPSS), both sorted by CVE
//	advisory: the fields of vuln.Advisory in declaration order; a time is
//	          0 (zero), or 1 (UTC) or 2 (fixed offset) followed by seconds,
//	          nanoseconds and, for 2, the offset in seconds; a pointer
//	          (KEV, EPSS) is 0 (nil) or 1 followed by the value
//
// Changelog: version 1 (2026) is the first.
//
// It may import internal/vuln and the standard library.
package snapshot
