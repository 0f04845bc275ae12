// Package epss reads FIRST's daily Exploit Prediction Scoring System scores
// (the CSV published as epss_scores-YYYY-MM-DD.csv.gz, described at
// https://www.first.org/epss/data_stats) into vuln.EPSS marks keyed by CVE
// ID. Looks recognises the file by its first bytes.
//
// It imports only internal/vuln, internal/input and the standard library.
package epss
