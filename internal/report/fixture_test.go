package report

import (
	"fmt"
	"time"

	"medvigil/internal/match"
	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

// The fixture is two SBOMs, hand-built so each ordering rule and each
// special case shows: a KEV finding, critical findings told apart by EPSS,
// a low-confidence CPE candidate, a qualitative-only rating, an unknown
// rating, a vulnerability shared by both SBOMs and a CSAF (ICSMA) name
// match. IDs, scores and dates are the real ones where the CVE is real.

const (
	v31Critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
	v31Crit98   = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	v31High75   = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
	v31Med61    = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"
	v40High     = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
)

func ref(c *sbom.Component) match.ComponentRef {
	return match.ComponentRef{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, CPEs: c.CPEs}
}

func ev(src vuln.Source, adv string, m match.Method, conf match.Confidence, rule string) match.Evidence {
	return match.Evidence{Advisory: adv, Source: src, Method: m, Confidence: conf, Rule: rule}
}

func pumpDoc() *sbom.Document {
	return &sbom.Document{
		Format: sbom.FormatCycloneDX, SpecVersion: "1.6", Encoding: sbom.EncodingJSON,
		PrimaryRef: "pump",
		Components: []sbom.Component{
			{Ref: "pump", Type: "device", Name: "infusion-pump", Version: "4.2.0"},
			{Ref: "c-log4j", Type: "library", Group: "org.apache.logging.log4j", Name: "log4j-core", Version: "2.14.1",
				PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
				CPEs: []string{"cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"}},
			{Ref: "c-openssl", Type: "library", Name: "openssl", Version: "1.0.2k", PURL: "pkg:generic/openssl@1.0.2k",
				CPEs: []string{"cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", "cpe:2.3:a:openssl_project:openssl:1.0.2k:*:*:*:*:*:*:*"}},
			{Ref: "c-requests", Type: "library", Name: "requests", Version: "2.25.0", PURL: "pkg:pypi/requests@2.25.0"},
			{Ref: "c-busybox", Type: "application", Name: "busybox", Version: "1.30.1"},
			{Ref: "c-zlib", Type: "library", Name: "zlib", Version: "1.2.13", PURL: "pkg:generic/zlib@1.2.13"},
		},
	}
}

func monitorDoc() *sbom.Document {
	return &sbom.Document{
		Format: sbom.FormatSPDX, SpecVersion: "2.3", Encoding: sbom.EncodingJSON,
		Components: []sbom.Component{
			{Ref: "SPDXRef-Package-firmware", Type: "firmware", Name: "CMS8000 firmware", Version: "2.0.6"},
			{Ref: "SPDXRef-Package-openssl", Type: "source", Name: "openssl", Version: "1.0.2k", PURL: "pkg:generic/openssl@1.0.2k"},
		},
	}
}

// fixture returns a fresh two-SBOM result; its findings are deliberately
// not in Compare order.
func fixture() *Result {
	pump, mon := pumpDoc(), monitorDoc()
	log4j, openssl, requests, busybox := ref(&pump.Components[1]), ref(&pump.Components[2]), ref(&pump.Components[3]), ref(&pump.Components[4])
	fw, monSSL := ref(&mon.Components[0]), ref(&mon.Components[1])

	openssl0778 := func(c match.ComponentRef) match.Finding {
		return match.Finding{
			Component: c, ID: "CVE-2022-0778", IDs: []string{"CVE-2022-0778"},
			Summary:  "Infinite loop in BN_mod_sqrt() reachable when parsing certificates",
			Severity: match.Severity{Rating: "high", Score: 7.5, Vector: v31High75, Type: vuln.CVSSv3},
			EPSS:     &vuln.EPSS{Score: 0.0123, Percentile: 0.85, Date: "2026-07-01"},
			Fixed:    []string{"1.0.2zd", "1.1.1n"}, Confidence: match.ConfidenceHigh,
			Evidence: []match.Evidence{ev(vuln.SourceNVD, "CVE-2022-0778", match.MethodCPE, match.ConfidenceHigh,
				"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionStartIncluding 1.0.2 versionEndExcluding 1.0.2zd")},
		}
	}
	return &Result{
		Tool: "medvigil", Version: "0.4.0", InformationURI: "https://github.com/medvigil/medvigil",
		Time: time.Date(2026, 7, 2, 10, 30, 0, 0, time.UTC),
		KB:   KBInfo{Advisories: 12, KEV: 3, EPSS: 9, Sources: []string{"osv", "nvd", "csaf", "kev", "epss"}},
		Scans: []Scan{
			{File: "sboms/infusion-pump.cdx.json", Doc: pump, Findings: []match.Finding{
				{
					Component: requests, ID: "CVE-2023-32681", IDs: []string{"CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"},
					Summary:  "Unintended leak of Proxy-Authorization header in requests",
					Severity: match.Severity{Rating: "medium", Score: 6.1, Vector: v31Med61, Type: vuln.CVSSv3},
					EPSS:     &vuln.EPSS{Score: 0.0612, Percentile: 0.9, Date: "2026-07-01"},
					Fixed:    []string{"2.31.0"}, Confidence: match.ConfidenceHigh,
					Evidence: []match.Evidence{ev(vuln.SourceOSV, "GHSA-j8r2-6x86-q33q", match.MethodPURL, match.ConfidenceHigh,
						"PyPI/requests ECOSYSTEM introduced 2.3.0, fixed 2.31.0")},
				},
				{
					Component: busybox, ID: "CVE-2022-48174", IDs: []string{"CVE-2022-48174"},
					Summary:  "Stack overflow in BusyBox ash",
					Severity: match.Severity{Rating: "critical", Score: 9.8, Vector: v31Crit98, Type: vuln.CVSSv3},
					EPSS:     &vuln.EPSS{Score: 0.0025, Percentile: 0.6, Date: "2026-07-01"},
					Fixed:    []string{"1.36.0"}, Confidence: match.ConfidenceLow,
					Evidence: []match.Evidence{ev(vuln.SourceNVD, "CVE-2022-48174", match.MethodCPECandidate, match.ConfidenceLow,
						"cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* versionEndExcluding 1.36.0")},
				},
				{
					Component: log4j, ID: "CVE-2021-44228", IDs: []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"},
					Summary:  "Remote code injection in Log4j",
					Severity: match.Severity{Rating: "critical", Score: 10, Vector: v31Critical, Type: vuln.CVSSv3},
					KEV:      &vuln.KEV{DateAdded: "2021-12-10", DueDate: "2021-12-24", VendorProject: "Apache", Product: "Log4j2"},
					EPSS:     &vuln.EPSS{Score: 0.94358, Percentile: 0.99957, Date: "2026-07-01"},
					Fixed:    []string{"2.15.0"}, Confidence: match.ConfidenceHigh,
					Evidence: []match.Evidence{
						ev(vuln.SourceOSV, "GHSA-jfh8-c2jp-5v3q", match.MethodPURL, match.ConfidenceHigh,
							"Maven/org.apache.logging.log4j:log4j-core ECOSYSTEM introduced 2.13.0, fixed 2.15.0"),
						ev(vuln.SourceNVD, "CVE-2021-44228", match.MethodCPE, match.ConfidenceHigh,
							"cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:* versionStartIncluding 2.13.0 versionEndExcluding 2.15.0"),
					},
				},
				{
					Component: log4j, ID: "CVE-2021-45046", IDs: []string{"CVE-2021-45046", "GHSA-7rjr-3q55-vv33"},
					Summary:  "Incomplete fix for Apache Log4j vulnerability",
					Severity: match.Severity{Rating: "critical", Score: 9, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", Type: vuln.CVSSv3},
					EPSS:     &vuln.EPSS{Score: 0.97, Percentile: 0.9997, Date: "2026-07-01"},
					Fixed:    []string{"2.16.0"}, Confidence: match.ConfidenceHigh,
					Evidence: []match.Evidence{ev(vuln.SourceOSV, "GHSA-7rjr-3q55-vv33", match.MethodPURL, match.ConfidenceHigh,
						"Maven/org.apache.logging.log4j:log4j-core ECOSYSTEM introduced 2.13.0, fixed 2.16.0")},
				},
				openssl0778(openssl),
				{
					Component: requests, ID: "CVE-2024-47081", IDs: []string{"CVE-2024-47081", "GHSA-9hjg-9r4m-mvj7"},
					Summary:  "Requests vulnerable to .netrc credentials leak via malicious URLs",
					Severity: match.Severity{Rating: "low"},
					Fixed:    []string{"2.32.4"}, Confidence: match.ConfidenceHigh,
					Evidence: []match.Evidence{ev(vuln.SourceOSV, "GHSA-9hjg-9r4m-mvj7", match.MethodPURL, match.ConfidenceHigh,
						"PyPI/requests ECOSYSTEM introduced 0, fixed 2.32.4")},
				},
				{
					Component: openssl, ID: "DLA-3008-1", IDs: []string{"DLA-3008-1"},
					Severity:   match.Severity{Rating: "unknown"},
					Confidence: match.ConfidenceHigh,
					Evidence: []match.Evidence{ev(vuln.SourceOSV, "DLA-3008-1", match.MethodPURL, match.ConfidenceHigh,
						"Debian/openssl ECOSYSTEM introduced 0")},
				},
			}},
			{File: "sboms/monitor.spdx.json", Doc: mon, Findings: []match.Finding{
				{
					Component: fw, ID: "CVE-2025-0626", IDs: []string{"CVE-2025-0626", "ICSMA-25-030-01"},
					Summary:    "Contec CMS8000 sends patient data to a hard-coded address",
					Severity:   match.Severity{Rating: "high", Score: 7.7, Vector: v40High, Type: vuln.CVSSv4},
					Confidence: match.ConfidenceLow,
					Evidence: []match.Evidence{ev(vuln.SourceCSAF, "CVE-2025-0626", match.MethodCSAFName, match.ConfidenceLow,
						"Contec Health / CMS8000 Patient Monitor / 2.0.6 (known_affected)")},
				},
				openssl0778(monSSL),
			}},
		},
		Lookup: fakeLookup(),
	}
}

// wantOrder is the Compare order of each scan's findings in fixture.
func wantOrder() [][]string {
	return [][]string{
		{"CVE-2021-44228", "CVE-2021-45046", "CVE-2022-48174", "CVE-2022-0778", "CVE-2023-32681", "CVE-2024-47081", "DLA-3008-1"},
		{"CVE-2022-0778", "CVE-2025-0626"},
	}
}

// lookupMap is an AdvisoryLookup over a fixed set of advisories.
type lookupMap map[string][]*vuln.Advisory

func (l lookupMap) GroupAdvisories(id string) []*vuln.Advisory { return l[id] }

func fakeLookup() lookupMap {
	day := func(s string) time.Time {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			panic(err)
		}
		return t
	}
	log4j := []*vuln.Advisory{
		{
			ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"}, Source: vuln.SourceOSV,
			Summary: "Remote code injection in Log4j",
			Details: "Apache Log4j2 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.",
			CWEs:    []string{"CWE-502", "CWE-400", "CWE-20"},
			References: []vuln.Reference{
				{Type: "ADVISORY", URL: "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
				{Type: "WEB", URL: "https://logging.apache.org/log4j/2.x/security.html"},
				{Type: "WEB", URL: "not a url"},
			},
			Published:  day("2021-12-10"),
			Modified:   day("2025-02-04"),
			Severities: []vuln.Severity{{Type: vuln.CVSSv3, Vector: v31Critical, Score: 10, Rating: "critical"}},
		},
		{
			ID: "CVE-2021-44228", Source: vuln.SourceNVD, CWEs: []string{"CWE-917", "CWE-502"},
			Published: day("2021-12-10"), Modified: day("2025-10-27"),
			Severities: []vuln.Severity{
				{Type: vuln.CVSSv3, Vector: v31Critical, Score: 10, Rating: "critical", Source: "nvd@nist.gov"},
				{Type: vuln.CVSSv2, Vector: "AV:N/AC:M/Au:N/C:C/I:C/A:C", Score: 9.3, Rating: "high", Source: "nvd@nist.gov"},
			},
		},
	}
	contec := []*vuln.Advisory{{
		ID: "CVE-2025-0626", Aliases: []string{"ICSMA-25-030-01"}, Source: vuln.SourceCSAF, Document: "ICSMA-25-030-01",
		CWEs:       []string{"CWE-506"},
		Severities: []vuln.Severity{{Type: vuln.CVSSv4, Vector: v40High, Score: 7.7, Rating: "high", Source: "CISA"}},
		References: []vuln.Reference{{Type: "self", URL: "https://www.cisa.gov/sites/default/files/csaf/ICSMA-25-030-01.json"}},
	}}
	l := lookupMap{}
	for _, g := range [][]*vuln.Advisory{log4j, contec} {
		for _, a := range g {
			for _, id := range a.IDs() {
				l[id] = g
			}
		}
	}
	return l
}

// bigResult returns one SBOM with n findings over n/10 components and (for
// n ≥ 5,000) 500 vulnerabilities, for benchmarks and size limits.
func bigResult(n int) *Result {
	doc := &sbom.Document{Format: sbom.FormatCycloneDX, SpecVersion: "1.6"}
	comps := max(n/10, 1)
	for i := range comps {
		doc.Components = append(doc.Components, sbom.Component{
			Ref: fmt.Sprintf("pkg:npm/lib-%d@1.%d.0", i, i%7), Type: "library", Name: fmt.Sprintf("lib-%d", i),
			Version: fmt.Sprintf("1.%d.0", i%7), PURL: fmt.Sprintf("pkg:npm/lib-%d@1.%d.0", i, i%7),
		})
	}
	fs := make([]match.Finding, 0, n)
	for i := range n {
		// Component i%comps, vulnerability (i%comps + 37·(i/comps)) % 500:
		// each pair once, as the matcher reports them.
		c := &doc.Components[i%comps]
		v := (i%comps + 37*(i/comps)) % 500
		id := fmt.Sprintf("CVE-2024-%05d", v)
		score := float64(i%100) / 10
		f := match.Finding{
			Component: ref(c), ID: id, IDs: []string{id, fmt.Sprintf("GHSA-aaaa-bbbb-%04d", v)},
			Summary:  "Prototype pollution in lib allows property injection via crafted input",
			Severity: match.Severity{Rating: match.RatingFromScore(score), Score: score, Vector: v31Crit98, Type: vuln.CVSSv3},
			EPSS:     &vuln.EPSS{Score: float64(i%1000) / 1000, Percentile: 0.5, Date: "2026-07-01"},
			Fixed:    []string{"2.0.0"}, Confidence: match.ConfidenceHigh,
			Evidence: []match.Evidence{ev(vuln.SourceOSV, fmt.Sprintf("GHSA-aaaa-bbbb-%04d", v), match.MethodPURL, match.ConfidenceHigh,
				"npm/lib SEMVER introduced 0, fixed 2.0.0")},
		}
		if i%97 == 0 {
			f.KEV = &vuln.KEV{DateAdded: "2025-01-01"}
		}
		fs = append(fs, f)
	}
	return &Result{Tool: "medvigil", Version: "0.4.0", Scans: []Scan{{File: "sboms/big.cdx.json", Doc: doc, Findings: fs}}}
}
