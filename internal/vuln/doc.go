// Package vuln is medvigil's advisory model: one Advisory type that OSV, NVD,
// CSAF and manufacturer advisories are read into, with the CISA KEV and FIRST
// EPSS marks attached, and a KB (knowledge base) that merges advisories that
// are the same vulnerability under different IDs (CVE, GHSA, GO-, PYSEC-,
// RUSTSEC-, ICSMA-…).
//
// The feed readers live in sub-packages (vuln/osv, vuln/nvd, vuln/kev,
// vuln/epss); CSAF documents are read by internal/csaf.
//
// It may import internal/input, packageurl-go and a CVSS vector library.
package vuln
