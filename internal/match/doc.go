// Package match finds the known vulnerabilities of SBOM components: an
// in-memory index from package identity (ecosystem + normalized name), CPE
// (vendor + product) and CSAF product identity to advisories, evaluated with
// ecosystem-correct version ordering (google/osv-scalibr's semantic package).
// Every Finding says which rule matched and with what confidence.
//
// It may import internal/sbom, internal/vuln, internal/match/cpe,
// packageurl-go and osv-scalibr/semantic.
package match
