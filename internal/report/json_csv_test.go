package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match"
)

// TestWriteJSON reads the JSON back into a mirror of the documented schema
// and compares it with what the fixture says it must hold.
func TestWriteJSON(t *testing.T) {
	r := fixture()
	out := render(t, r, FormatJSON)

	type result struct {
		File        string          `json:"file"`
		Format      string          `json:"format"`
		SpecVersion string          `json:"spec_version"`
		Components  int             `json:"components"`
		Findings    []match.Finding `json:"findings"`
	}
	type kb struct {
		Advisories int      `json:"advisories"`
		KEV        int      `json:"kev"`
		EPSS       int      `json:"epss"`
		Sources    []string `json:"sources"`
	}
	type doc struct {
		Tool          string   `json:"tool"`
		Version       string   `json:"version"`
		Timestamp     string   `json:"timestamp"`
		KnowledgeBase kb       `json:"knowledge_base"`
		Results       []result `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields() // the schema documented in doc.go is complete
	var got doc
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	want := doc{
		Tool: "medvigil", Version: "0.4.0", Timestamp: "2026-07-02T10:30:00Z",
		KnowledgeBase: kb{Advisories: 12, KEV: 3, EPSS: 9, Sources: []string{"osv", "nvd", "csaf", "kev", "epss"}},
		Results: []result{
			{File: "sboms/infusion-pump.cdx.json", Format: "CycloneDX", SpecVersion: "1.6", Components: 6, Findings: Sorted(r.Scans[0].Findings)},
			{File: "sboms/monitor.spdx.json", Format: "SPDX", SpecVersion: "2.3", Components: 2, Findings: Sorted(r.Scans[1].Findings)},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}

	// Field names are the documented snake_case ones, and empty lists are
	// [] rather than null.
	empty := string(render(t, &Result{Scans: []Scan{{File: "a.json"}}}, FormatJSON))
	for _, want := range []string{`"knowledge_base": {`, `"sources": []`, `"findings": []`, `"format": ""`, `"components": 0`} {
		if !strings.Contains(empty, want) {
			t.Errorf("JSON of an empty result lacks %s:\n%s", want, empty)
		}
	}
	if strings.Contains(empty, "timestamp") {
		t.Errorf("JSON has a timestamp though Result.Time is zero:\n%s", empty)
	}
	if !strings.Contains(string(out), `"date_added": "2021-12-10"`) {
		t.Error("KEV mark not written with match.Finding's own field names")
	}
}

func TestWriteCSV(t *testing.T) {
	r := fixture()
	rows, err := csv.NewReader(bytes.NewReader(render(t, r, FormatCSV))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	wantHeader := []string{
		"file", "component_ref", "component_name", "component_version", "purl",
		"vulnerability_id", "aliases", "severity", "cvss_score", "cvss_vector",
		"kev", "kev_date_added", "epss_score", "epss_percentile", "fixed_versions",
		"method", "confidence", "rule",
	}
	if diff := cmp.Diff(wantHeader, rows[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	if got, want := len(rows)-1, 9; got != want {
		t.Fatalf("%d rows; want %d", got, want)
	}
	var order [][]string
	last := ""
	for _, row := range rows[1:] {
		if row[0] != last {
			order = append(order, nil)
			last = row[0]
		}
		order[len(order)-1] = append(order[len(order)-1], row[5])
	}
	if diff := cmp.Diff(wantOrder(), order); diff != "" {
		t.Errorf("row order (-want +got):\n%s", diff)
	}

	byKey := map[string][]string{}
	for _, row := range rows[1:] {
		byKey[row[0]+"|"+row[1]+"|"+row[5]] = row
	}
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"sboms/infusion-pump.cdx.json|c-log4j|CVE-2021-44228", []string{
			"sboms/infusion-pump.cdx.json", "c-log4j", "log4j-core", "2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
			"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "critical", "10", v31Critical,
			"yes", "2021-12-10", "0.94358", "0.99957", "2.15.0",
			"purl", "high", "Maven/org.apache.logging.log4j:log4j-core ECOSYSTEM introduced 2.13.0, fixed 2.15.0",
		}},
		{"sboms/infusion-pump.cdx.json|c-busybox|CVE-2022-48174", []string{
			"sboms/infusion-pump.cdx.json", "c-busybox", "busybox", "1.30.1", "",
			"CVE-2022-48174", "", "critical", "9.8", v31Crit98,
			"no", "", "0.0025", "0.6", "1.36.0",
			"cpe-candidate", "low", "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* versionEndExcluding 1.36.0",
		}},
		{"sboms/infusion-pump.cdx.json|c-requests|CVE-2023-32681", []string{
			"sboms/infusion-pump.cdx.json", "c-requests", "requests", "2.25.0", "pkg:pypi/requests@2.25.0",
			"CVE-2023-32681", "GHSA-j8r2-6x86-q33q PYSEC-2023-74", "medium", "6.1", v31Med61,
			"no", "", "0.0612", "0.9", "2.31.0",
			"purl", "high", "PyPI/requests ECOSYSTEM introduced 2.3.0, fixed 2.31.0",
		}},
		{"sboms/infusion-pump.cdx.json|c-requests|CVE-2024-47081", []string{
			"sboms/infusion-pump.cdx.json", "c-requests", "requests", "2.25.0", "pkg:pypi/requests@2.25.0",
			"CVE-2024-47081", "GHSA-9hjg-9r4m-mvj7", "low", "", "",
			"no", "", "", "", "2.32.4",
			"purl", "high", "PyPI/requests ECOSYSTEM introduced 0, fixed 2.32.4",
		}},
		{"sboms/infusion-pump.cdx.json|c-openssl|CVE-2022-0778", []string{
			"sboms/infusion-pump.cdx.json", "c-openssl", "openssl", "1.0.2k", "pkg:generic/openssl@1.0.2k",
			"CVE-2022-0778", "", "high", "7.5", v31High75,
			"no", "", "0.0123", "0.85", "1.0.2zd 1.1.1n",
			"cpe", "high", "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionStartIncluding 1.0.2 versionEndExcluding 1.0.2zd",
		}},
	} {
		if diff := cmp.Diff(tc.want, byKey[tc.key]); diff != "" {
			t.Errorf("row %s (-want +got):\n%s", tc.key, diff)
		}
	}
}

// TestCSVDefusesFormulas checks that SBOM text a spreadsheet would run as
// a formula is written as text.
func TestCSVDefusesFormulas(t *testing.T) {
	r := &Result{Scans: []Scan{{File: "@evil.json", Findings: []match.Finding{{
		Component: match.ComponentRef{Ref: "-r", Name: `=HYPERLINK("http://x","y")`, Version: "+1", PURL: "pkg:npm/a@1"},
		ID:        "CVE-2024-0001", IDs: []string{"CVE-2024-0001"}, Severity: match.Severity{Rating: "high", Score: 7.5},
	}}}}}
	rows, err := csv.NewReader(bytes.NewReader(render(t, r, FormatCSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := rows[1][:5]
	want := []string{"'@evil.json", "'-r", `'=HYPERLINK("http://x","y")`, "'+1", "pkg:npm/a@1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
