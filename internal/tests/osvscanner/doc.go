// Package osvscanner holds only a test: medvigil's purl findings on every
// shared SBOM compared with osv-scanner 2.6.0's (../shared/oracle/osv-scanner).
// Each difference is either fixed or listed, with a reason a reviewer can
// verify, in testdata/differences.tsv.
//
// It imports only the standard library.
package osvscanner
