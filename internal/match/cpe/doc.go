// Package cpe reads CPE 2.3 names and decides whether an NVD match criterion
// (vuln.CPEMatch) applies to a component's CPE.
//
// Names follow the CPE 2.3 Naming specification (NISTIR 7695): a Name is a
// well-formed name (WFN, section 5) whose attribute values are ANY, NA or a
// value string; Parse reads the formatted string binding (section 6.2,
// "cpe:2.3:…" with backslash quoting) and the URI binding (section 6.1,
// "cpe:/…" with percent-encoding, as CPE 2.2 wrote names), and String writes
// the formatted string binding.
//
// Matching follows the CPE Name Matching specification (NISTIR 7696):
// Compare gives the attribute relation of Table 6-2, and Match requires every
// attribute of the criterion to be a SUPERSET of, or EQUAL to, the
// component's (section 6.2, CPE_SUPERSET), with three additions that make the
// result usable on SBOM data:
//
//   - version ranges: NVD criteria carry versionStart/End bounds beside a
//     version of '*' (NVD CVE API 2.0, configurations/nodes/cpeMatch); the
//     component's version is compared with the bounds by CompareVersions;
//   - a false-positive guard after Dependency-Track: vendor and product must
//     be EQUAL literals (see Match);
//   - configurations: MatchAdvisory reports the "running on/with" platform
//     of NVD AND-configurations instead of dropping the match.
//
// Index keys criteria by (vendor, product) so that looking up one component
// costs a map read and a few comparisons. Candidates guesses CPEs for
// components that carry none; such guesses are of lower confidence.
//
// It may import medvigil/internal/vuln and the standard library.
package cpe
