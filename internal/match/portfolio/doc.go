// Package portfolio answers "which stored SBOMs does this new or changed
// advisory affect?" without rescanning them: a Portfolio is an inverted index
// from package identity (OSV ecosystem + name, CPE vendor + product, and the
// component name and purl for CSAF products) to the components of many SBOMs.
// Affected looks up only the packages an advisory names, evaluates them with
// the match package's rules, and fans the findings out to the SBOMs that hold
// the components; AffectedSBOMs returns the SBOM IDs alone.
//
// The components of one package are evaluated once per class of versions
// that the advisory's ranges cannot tell apart (all versions between two
// range events give the same finding), found by binary search over the
// package's versions kept in order; components named by CPE or by CSAF
// products are evaluated one by one. The results equal a full rescan of
// every SBOM kept to the advisory's vulnerability: the tests check that
// oracle on hand-made cases, random ranges and the shared OSV data.
//
// It may import internal/match, internal/match/cpe, internal/sbom,
// internal/vuln, packageurl-go and osv-scalibr/semantic (the version
// orders match uses).
package portfolio
