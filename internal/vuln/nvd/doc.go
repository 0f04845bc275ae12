// Package nvd reads NVD CVE records, as the NVD CVE API 2.0
// (/rest/json/cves/2.0) returns them, into vuln.Advisory: one response page
// at a time (DecodePage), or one bare CVE object as the fkie-cad
// nvd-json-data-feeds mirror stores them (DecodeCVE).
//
// Each record keeps its NVD configurations flattened to vuln.CPEMatch
// criteria, non-vulnerable platform criteria included, for the CPE matcher
// (internal/match/cpe). A malformed record is skipped with a warning that
// names its place; it never stops the page.
//
// It may import medvigil/internal/vuln, medvigil/internal/input, the
// standard library and github.com/pandatix/go-cvss.
package nvd
