// Package report renders scan results: the findings medvigil's matcher
// produced for one or more SBOMs, as a table for people, as JSON and CSV for
// scripts and spreadsheets, as SARIF 2.1.0 for GitHub code scanning, and as
// a CycloneDX 1.6 vulnerability disclosure report (VDR).
//
// It may import internal/match, internal/sbom, internal/vuln,
// github.com/CycloneDX/cyclonedx-go and the standard library.
//
// # Order
//
// Every format lists findings in the order a PSIRT reads them, patient
// safety first (see Compare):
//
//  1. known exploited (CISA KEV) before the rest;
//  2. severity rating, critical, high, medium, low, then none and unknown;
//  3. EPSS score, highest first (findings without one last);
//  4. component: name, then version, then SBOM ref;
//  5. vulnerability ID.
//
// The table, JSON and CSV keep the SBOMs in the order scanned and sort the
// findings within each; SARIF and the VDR sort all findings together.
//
// # Untrusted text
//
// Names, versions and refs come from SBOMs that medvigil did not write. The
// table replaces control and bidirectional-override characters with "?" so
// that a component name cannot rewrite the terminal, and CSV cells that a
// spreadsheet would run as a formula (starting with =, +, -, @, tab or
// carriage return) get a leading apostrophe (OWASP "CSV Injection").
//
// # JSON output (format "json")
//
// One object; every field is always present unless marked optional. Field
// names are snake_case and are only ever added to, never renamed:
//
//	{
//	  "tool": "medvigil",              // Result.Tool
//	  "version": "0.4.0",              // Result.Version
//	  "timestamp": "2026-…Z",          // optional: Result.Time, RFC 3339 UTC
//	  "knowledge_base": {
//	    "advisories": 412345,          // advisories loaded
//	    "kev": 1400,                   // CISA KEV entries loaded
//	    "epss": 280000,                // EPSS scores loaded
//	    "sources": ["osv", "nvd"]      // feeds loaded, [] when none
//	  },
//	  "results": [                     // one per scanned SBOM, in scan order
//	    {
//	      "file": "sboms/pump.cdx.json",
//	      "format": "CycloneDX",       // "CycloneDX" or "SPDX"; "" when unknown
//	      "spec_version": "1.6",       // optional
//	      "components": 42,            // components in the SBOM
//	      "findings": [ … ]            // match.Finding as is, sorted; [] when none
//	    }
//	  ]
//	}
//
// Each finding is match.Finding's own JSON: component {ref, name, version,
// purl, cpes}, id, ids (every ID, id first), summary, severity {rating,
// score, vector, type}, kev {date_added, due_date, …}, epss {score,
// percentile, date}, fixed, confidence ("high" or "low") and evidence
// [{advisory, source, method, confidence, rule}].
//
// # CSV output (format "csv")
//
// RFC 4180, a header row, then one row per finding with the columns file,
// component_ref, component_name, component_version, purl, vulnerability_id,
// aliases (the other IDs, space-separated), severity, cvss_score,
// cvss_vector, kev ("yes" or "no"), kev_date_added, epss_score,
// epss_percentile, fixed_versions (space-separated), method, confidence and
// rule. method and rule are those of the finding's primary evidence: its
// first evidence whose confidence is the finding's.
//
// # SARIF output (format "sarif")
//
// SARIF 2.1.0 (OASIS) as GitHub code scanning reads it: one run whose
// driver has one rule per vulnerability ID (rule properties carry
// security-severity, the CVSS base score, which GitHub maps to its
// critical/high/medium/low) and one result per finding, located at line 1
// of the SBOM file (as a relative URI with forward slashes), with a
// partialFingerprints "medvigil/v1" hash of that URI, the component ref and
// the vulnerability ID. Levels: error for critical, high or KEV, warning for
// medium, note otherwise. GitHub rejects a run with more than 25,000
// results, so only the first 25,000 in the order above are written and the
// run's invocation says how many were left out.
//
// # CycloneDX VDR (format "cyclonedx-vdr")
//
// One CycloneDX 1.6 JSON BOM (valid against bom-1.6.schema.json) that is a
// vulnerability disclosure report:
//
//   - metadata: timestamp (Result.Time), tools.components = the scanner, and
//     one "medvigil:sbom-file" property per scanned SBOM;
//   - components: exactly the affected components, each with a unique
//     bom-ref (its SBOM ref, prefixed "s<n>:" with n counting scans from 1
//     when several SBOMs were scanned), type, group, name, version, purl,
//     the first CPE in "cpe" and the others as "medvigil:cpe" properties,
//     and the properties "medvigil:sbom-file" and "medvigil:sbom-ref" (the
//     SBOM file and the ref in it);
//   - vulnerabilities: one per vulnerability ID, most urgent first, with
//     id; source, the feed that matched it (OSV or NVD with the record's
//     URL, or the CSAF publisher); references, every alias with the
//     database that publishes it (CVE: NVD, GHSA: GitHub, GO-: Go
//     vulndb, PYSEC-: PyPA, RUSTSEC-: RustSec, ICSMA-/ICSA-: CISA, others:
//     OSV); ratings (score, severity, method CVSSv2/CVSSv3/CVSSv31/CVSSv4,
//     vector, and who scored when known); cwes; description; detail;
//     recommendation ("Upgrade name@version to …"); published and updated;
//     affects, the bom-ref of every affected component; and properties
//     "medvigil:kev:date-added", "medvigil:kev:due-date",
//     "medvigil:epss:score", "medvigil:epss:percentile", then, for each
//     affected component in affects order, "medvigil:match:ref" (its
//     bom-ref) followed by "medvigil:match:method",
//     "medvigil:match:confidence" and "medvigil:match:rule" of that match.
//
// Another tool recomputes the (component, vulnerability ID) pairs from the
// VDR alone: each vulnerability's affects name components by bom-ref, and
// each component's properties name its SBOM file and ref.
package report
