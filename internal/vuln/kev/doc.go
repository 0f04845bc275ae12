// Package kev reads the CISA Known Exploited Vulnerabilities catalog (the
// JSON feed known_exploited_vulnerabilities.json and its schema, published by
// CISA at https://www.cisa.gov/known-exploited-vulnerabilities-catalog) into
// vuln.KEV marks keyed by CVE ID. Looks recognises the catalog by its content.
//
// It imports only internal/vuln, internal/input and the standard library.
package kev
