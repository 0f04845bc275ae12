// Package spdx reads SPDX 2.1–2.3 (JSON and tag-value) into the normalized
// sbom.Document, tolerating the defects real documents carry (each reported
// as a located warning), and writes sbom.Document as SPDX 2.3 JSON.
// The wire types of spdx/tools-golang never leave this package.
//
// # Reading
//
// JSON is decoded into the tools-golang v2_3 types (see jsonDoc for why not
// through the library's Document type), strictly first. When a value is
// refused, the document is decoded generically, repaired and decoded again.
// Tag-value is split into pairs here (keeping line numbers), repaired, and
// parsed by the library's parser for the document's version, then converted
// to v2_3. The repairs, each a warning at its place:
//   - an element identifier without "SPDXRef-" gets it, wherever it is
//     defined or referenced (one warning per identifier);
//   - a supplier or originator without "Person: " or "Organization: " gets
//     "Person: " when it carries an email address ("Name <email>", "Name
//     (email)") and "Organization: " otherwise; a creator or annotator
//     without a type likewise; a type in the wrong case is corrected; an
//     empty supplier or originator is dropped;
//   - tag-value: bare-CR line ends are read as line feeds (one warning, at
//     the first); a tag the section does not accept but matches one it does
//     without regard to case or a trailing "s" is renamed ("FIleCopyrightText",
//     "LicenseComment" in a file); a tag no section accepts is dropped; an
//     SPDXID written before the PackageName or FileName it identifies is
//     moved after it.
//
// Defects found while mapping are warnings too: a duplicate package
// identifier (the later package gets a "-2", "-3", ... suffix), a purl that
// does not parse (kept as an identifier of type "purl"), an unknown checksum
// algorithm, the relationship type DESCRIBE (read as DESCRIBES), a DESCRIBES
// or dependency relationship naming an element the document does not define
// (ignored), an unparsable created time, lifecycle values that do not parse.
// Fatal faults are *input.Error values: JSON syntax errors at a line and
// column, JSON type errors at a JSON pointer, tag-value errors at the line of
// the pair the library stopped at.
//
// The mapping to the model:
//   - Document: SpecVersion from spdxVersion, SerialNumber the
//     documentNamespace, Authors the Person and Organization creators (email
//     from "(email)"), Tools the Tool creators ("syft-0.40.1" is syft
//     0.40.1: the version follows the last "-" before a digit), Timestamp
//     and TimestampRaw from created, Comment the creation-info comment.
//   - Components: one per package, in order; files and snippets are none.
//     Ref is the SPDXID; Type is primaryPackagePurpose lower-cased with "-"
//     for "_"; Version is versionInfo; Supplier and Originator are parties;
//     PURL is the first PACKAGE-MANAGER purl reference, CPEs the cpe23Type and
//     cpe22Type references, Identifiers the other references (swid is
//     "swid", gitoid "omnibor", swh "swhid", any other its referenceType);
//     Hashes the checksums in CycloneDX spelling (SHA1 is SHA-1); Licenses
//     licenseConcluded then licenseDeclared, without NOASSERTION, NONE and
//     repeats; Copyright, Description (else the summary); ExternalRefs the
//     downloadLocation ("distribution") and homepage ("website").
//     sourceInfo, packageFileName, summary (beside a description),
//     releaseDate, builtDate, validUntilDate, licenseComments and the
//     package comment are kept as spdx:* properties.
//   - NOASSERTION marks an element unknown: versionInfo the version,
//     supplier the supplier, originator the producer, and the license when
//     no license is left and a license field says NOASSERTION (and none says
//     NONE).
//   - Lifecycle fields and unknown/withheld markings are the key=value pairs
//     (sbom.ParseKeyValues) of the package's annotations and of its comment;
//     they are also kept in Properties.
//   - PrimaryRef is the first package the document DESCRIBES
//     (documentDescribes, then "SPDXRef-DOCUMENT DESCRIBES x" or "x
//     DESCRIBED_BY SPDXRef-DOCUMENT").
//   - Dependencies: "A DEPENDS_ON B" and "A CONTAINS B" are the edge A -> B;
//     "B CONTAINED_BY A", "B DEPENDENCY_OF A" and "B <kind>_DEPENDENCY_OF A"
//     (BUILD, DEV, OPTIONAL, PROVIDED, TEST, RUNTIME) are A -> B too; "A
//     DEPENDS_ON NONE" is a Dependency of A without edges. Only edges between
//     packages count; edges to files, snippets, the document, NONE,
//     NOASSERTION and other documents are dropped silently. Edges are
//     grouped by source in order of first appearance, each target once.
//
// # Writing
//
// Encode writes SPDX 2.3 JSON through the tools-golang v2_3 model and JSON
// writer. SPDXIDs are the component refs where these are valid and unique
// identifiers, else "SPDXRef-" and the ref with other characters replaced
// by "-", made unique with "-2", "-3", ...; relationships use the same map.
// documentNamespace is the SerialNumber when it is an absolute URI without
// "#", else https://medvigil.invalid/spdx/<name>-<hash>. The creators are
// the authors, the tools and "Tool: medvigil"; created is the Timestamp (or
// now) in UTC. Every package has downloadLocation (NOASSERTION when there is
// no "distribution" reference) and filesAnalyzed false. Licenses: the first
// is licenseConcluded and the second licenseDeclared (a sole one is
// licenseDeclared); a license that is no SPDX expression is written as
// LicenseRef-<name, sanitized> with a hasExtractedLicensingInfos entry
// holding the name, which Decode reads back as the name. Elements marked
// unknown are written as NOASSERTION where SPDX has a field for them. The
// primary component is DESCRIBED (relationship and documentDescribes); each
// edge A -> B is "A DEPENDS_ON B".
//
// What SPDX has no field for goes, one "key=value" line each, into one
// annotation per package (and one on the document), annotator "Tool:
// medvigil", type OTHER: the lifecycle fields and markings as
// sbom.FormatKeyValues writes them, and medvigil:* facts (see keyvalue.go):
// Parent (as a relationship it would read back as a dependency), Group,
// Scope, Publisher, Authors, Manufacturer, a Type outside the
// primaryPackagePurpose values, licenses past the second, hashes SPDX has
// no algorithm for, external references past the first distribution and
// website, other properties; on the document Supplier, Manufacturer,
// Lifecycles, Version and properties. Decode reads them all back, so
// writing and reading keeps the model.
//
// It may import internal/sbom, internal/input, tools-golang and packageurl-go.
package spdx
