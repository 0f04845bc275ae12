// Package snapshot writes a knowledge base (vuln.KB) to a compact binary
// file and reads it back far faster than the feeds it was built from can be
// parsed again: every advisory with all its fields, and the KEV and EPSS
// marks. Read reads a whole snapshot; Open (format version 2) reads only
// the header and an index, then decodes on demand just the advisories a
// scan's packages can match (Lazy.Select), with ReadAt.
//
// # Format
//
// A snapshot is an 86-byte header followed by the payload. All integers in
// the header are big-endian.
//
//	offset  size  field
//	0       11    magic "MEDVIGIL-KB"
//	11      2     format version (1 or 2)
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
// In both versions, unsigned integers are uvarints and signed ones zigzag
// varints (encoding/binary), floats are IEEE 754 bits in 8 bytes,
// little-endian, and booleans one byte. A list is its length plus one (0
// for a nil list) and its elements. A string table is its count, the byte
// length of each string, then their bytes; a body names strings by their
// index in its table.
//
//	advisory: the fields of vuln.Advisory in declaration order; a time is
//	          0 (zero), or 1 (UTC) or 2 (fixed offset) followed by seconds,
//	          nanoseconds and, for 2, the offset in seconds; a pointer
//	          (KEV, EPSS) is 0 (nil) or 1 followed by the value
//	marks:    KEV marks (list of CVE + KEV), EPSS marks (list of CVE +
//	          EPSS), both sorted by CVE
//
// Version 1: the uncompressed payload is one string table and a body: the
// advisories (list of advisory), then the marks.
//
// Version 2: the uncompressed payload starts with a directory of 7
// little-endian uint64: where sections 0–5 start (from the payload's
// start, ascending) and the payload's length. The sections:
//
//	0 key scheme  the name of how the keys were made (Options.KeyScheme;
//	              internal/match's IndexKeys writes "medvigil-match/1"), or
//	              empty when the writer gave no keys
//	1 groups      list of groups, each a list of advisory indices: the
//	              advisories that share an ID or alias (KB.Group), every
//	              advisory in exactly one group
//	2 keys        list of keys, sorted bytewise and unique, each a string
//	              (its length plus one, then its bytes) and the list of the
//	              advisories indexed under it
//	3 offsets     for advisory i, the little-endian uint64 offset of its
//	              record in section 4; then section 4's length
//	4 records     one record per advisory, in order: a string table of its
//	              own and the advisory
//	5 marks       a string table and the marks
//
// Index lists are ascending and delta-coded: the count plus one, the first
// index, then each difference to the one before. A reader selects the keys
// it needs (internal/match's ComponentKeys for each SBOM component), takes
// the groups of the advisories under them whole, and decodes those records
// alone: a knowledge base of them groups IDs, KEV and EPSS marks exactly as
// the whole one does. Only an uncompressed version 2 snapshot is read
// selectively; Open refuses the others with ErrNotIndexed, and Read reads
// every version whole.
//
// Changelog: version 1 (2026) is the first. Version 2 (2026-11) adds the
// groups, the package index and one record per advisory with its own string
// table, so that a scan decodes only the advisories of the packages it sees
// (8.4 MB instead of 6.2 MB for the shared OSV data: strings are no longer
// shared between advisories).
//
// It may import internal/vuln and the standard library.
package snapshot
