package nvd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
)

// warning is an input.Error reduced to what the tests compare.
type warning struct {
	Pointer string
	Message string
}

func warnings(errs []*input.Error) []warning {
	var out []warning
	for _, e := range errs {
		out = append(out, warning{e.Pointer, e.Message()})
	}
	return out
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.999", s)
	if err != nil {
		panic(err)
	}
	return t
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodePageMixed reads a page whose records are good, malformed and
// doubtful: malformed records are skipped with a warning at their pointer,
// the rest are kept.
func TestDecodePageMixed(t *testing.T) {
	p, warns, err := DecodePage("page-mixed.json", readTestdata(t, "page-mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantWarns := []warning{
		{"/extra", "nvd: unknown field, ignored"},
		{"/vulnerabilities/1/cve", "nvd: record: want an object, got number; record skipped"},
		{"/vulnerabilities/2/cve/id", "nvd: record has no id; record skipped"},
		{"/vulnerabilities/3", `nvd: want {"cve": {…}}; record skipped`},
		{"/vulnerabilities/5/cve/published", `nvd: time "yesterday" is not an NVD timestamp (2006-01-02T15:04:05.000); left unset`},
		{"/vulnerabilities/5/cve/metrics/cvssMetricV31/0/cvssData/vectorString", `nvd: CVSS v3.1 vector "CVSS:3.1/AV:X": invalid metric value`},
		{"/vulnerabilities/5/cve/configurations/0/nodes/0/cpeMatch/0/criteria", `nvd: criteria "cpe:/a:example:thing:1.0" is not a CPE 2.3 formatted string; criterion skipped`},
	}
	if diff := cmp.Diff(wantWarns, warnings(warns)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if got := []int{p.ResultsPerPage, p.StartIndex, p.TotalResults}; !cmp.Equal(got, []int{6, 0, 6}) {
		t.Errorf("paging = %v, want [6 0 6]", got)
	}
	var ids []string
	for _, a := range p.Advisories {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"CVE-2021-38597", "CVE-2099-0001", "CVE-2099-0002"}, ids); diff != "" {
		t.Fatalf("advisories (-want +got):\n%s", diff)
	}

	rejected := p.Advisories[1]
	if want := date("2024-02-01T10:00:00.000"); !rejected.Withdrawn.Equal(want) || !rejected.IsWithdrawn() {
		t.Errorf("rejected record: Withdrawn = %v, want %v (its lastModified)", rejected.Withdrawn, want)
	}

	want := &vuln.Advisory{
		ID:       "CVE-2099-0002",
		Summary:  "Constructed record.",
		Details:  "Constructed record. It has a bad date, a bad vector and a bad criterion.",
		Modified: date("2024-02-01T10:00:00.000"),
		Severities: []vuln.Severity{
			{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:X", Score: 5, Rating: "medium", Source: "nvd@nist.gov (Primary)"},
			{Type: vuln.CVSSv3, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "critical", Source: "nvd@nist.gov (Secondary)"},
		},
		CWEs: []string{"CWE-20"},
		References: []vuln.Reference{
			{URL: "https://example.com/a", Type: "Third Party Advisory,Exploit"},
			{URL: "https://example.com/b"},
		},
		CPEConfigs: []vuln.CPEMatch{{
			Criteria: "cpe:2.3:a:example:thing:*:*:*:*:*:*:*:*", MatchCriteriaID: "00000000-0000-0000-0000-000000000002",
			Vulnerable: true, VersionEndExcluding: "2.0", Operator: "OR",
		}},
		Source: vuln.SourceNVD,
		Origin: vuln.Origin{File: "page-mixed.json", Pointer: "/vulnerabilities/5/cve"},
	}
	if diff := cmp.Diff(want, p.Advisories[2]); diff != "" {
		t.Errorf("CVE-2099-0002 (-want +got):\n%s", diff)
	}
}

// TestDecodeCVE reads a bare record as the fkie-cad mirror stores it: an
// AND configuration whose platform (Windows XP) is not vulnerable.
func TestDecodeCVE(t *testing.T) {
	a, warns, err := DecodeCVE("CVE-2018-5457.json", readTestdata(t, "CVE-2018-5457.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
	want := &vuln.Advisory{
		ID:        "CVE-2018-5457",
		Summary:   "A uncontrolled search path element issue was discovered in Vyaire Medical CareFusion Upgrade Utility used with Windows XP systems, Versions 2.0.2.2 and prior versions.",
		Published: a.Published, Modified: a.Modified, Details: a.Details, References: a.References,
		Severities: []vuln.Severity{
			{Type: vuln.CVSSv3, Vector: "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", Score: 7, Rating: "high", Source: "nvd@nist.gov (Primary)"},
			{Type: vuln.CVSSv2, Vector: "AV:L/AC:M/Au:N/C:C/I:C/A:C", Score: 6.9, Rating: "medium", Source: "nvd@nist.gov (Primary)"},
		},
		CWEs: []string{"CWE-427"},
		CPEConfigs: []vuln.CPEMatch{
			{Criteria: "cpe:2.3:a:vyaire:carefusion_upgrade_utility:*:*:*:*:*:*:*:*", MatchCriteriaID: "7B2D1C6A-8C44-4993-9DC1-2A92F8B42A25", Vulnerable: true, VersionEndIncluding: "2.0.2.2", Operator: "OR", ConfigOperator: "AND"},
			{Criteria: "cpe:2.3:o:microsoft:windows_xp:-:*:*:*:*:*:*:*", MatchCriteriaID: "B47EBFCC-1828-45AB-BC6D-FB980929A81A", Node: 1, Operator: "OR", ConfigOperator: "AND"},
		},
		Source: vuln.SourceNVD,
		Origin: vuln.Origin{File: "CVE-2018-5457.json"},
	}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if a.Published.IsZero() || a.Modified.Before(a.Published) || len(a.References) == 0 {
		t.Errorf("published %v, modified %v, %d references", a.Published, a.Modified, len(a.References))
	}
}

// TestDecodePageRecordFaults checks that a record of the wrong shape costs
// that record only, and that the warning names the field.
func TestDecodePageRecordFaults(t *testing.T) {
	data := `{"vulnerabilities": [
  {"cve": {"id": "CVE-1", "metrics": []}},
  {"cve": {"id": "CVE-2", "configurations": [{"nodes": [{"cpeMatch": [{"criteria": 7}]}]}]}},
  {"cve": {"id": "CVE-3", "published": "2020-01-02T03:04:05.678"}},
  "CVE-4",
  {"cve": {"id": "CVE-5", "vulnStatus": "Rejected"}}
]}`
	p, warns, err := DecodePage("f.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []warning{
		{"/vulnerabilities/0/cve", "nvd: metrics: want an object, got array; record skipped"},
		{"/vulnerabilities/1/cve", "nvd: configurations.nodes.cpeMatch.criteria: want a string, got number; record skipped"},
		{"/vulnerabilities/3", `nvd: want {"cve": {…}}; record skipped`},
	}
	if diff := cmp.Diff(want, warnings(warns)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if len(p.Advisories) != 2 || p.Advisories[0].ID != "CVE-3" || p.Advisories[1].ID != "CVE-5" {
		t.Fatalf("advisories %+v, want CVE-3 and CVE-5", p.Advisories)
	}
	if !p.Advisories[0].Published.Equal(date("2020-01-02T03:04:05.678")) {
		t.Errorf("published %v", p.Advisories[0].Published)
	}
	if w := p.Advisories[1].Withdrawn; !w.Equal(time.Unix(0, 0)) {
		t.Errorf("rejected record without dates: Withdrawn = %v, want the Unix epoch (withdrawn, time unknown)", w)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       string // input.Error text
	}{
		{"not json", "{\n  \"resultsPerPage\": 1,\n  oops\n}", "f.json: line 3, column 3: nvd: not valid JSON: invalid character 'o' looking for beginning of object key string"},
		{"array", `[1, 2]`, "f.json: nvd: want a JSON object (an NVD CVE API 2.0 response page), got array"},
		{"null", `null`, "f.json: nvd: want a JSON object (an NVD CVE API 2.0 response page), got null"},
		{"no vulnerabilities", `{"resultsPerPage": 0}`, `f.json: nvd: no "vulnerabilities" array: not an NVD CVE API 2.0 response page`},
		{"vulnerabilities not array", `{"vulnerabilities": {}}`, "f.json: /vulnerabilities: nvd: want an array, got object"},
		{"other format", `{"format": "MITRE", "vulnerabilities": []}`, `f.json: /format: nvd: format "MITRE" is not an NVD CVE API page (want "NVD_CVE")`},
		{"syntax error inside a record", "{\"vulnerabilities\": [\n  {\"cve\": {\"id\": \"x\",}}\n]}", "f.json: line 2, column 22: nvd: not valid JSON: invalid character '}' looking for beginning of object key string"},
		{"truncated", `{"vulnerabilities": [{"cve": {"id": "CVE-`, "f.json: line 1, column 42: nvd: not valid JSON: unexpected end of JSON input"},
		{"empty", ``, "f.json: nvd: EOF"},
		{"trailing data", `{"vulnerabilities": []} {}`, "f.json: line 1, column 25: nvd: not valid JSON: data after the page object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := DecodePage("f.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("no error; page %+v", p)
			}
			if _, ok := err.(*input.Error); !ok {
				t.Errorf("error is %T, want *input.Error", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDecodeCVEErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       string
	}{
		{"no id", `{"published": "2020-01-01T00:00:00.000"}`, "f.json: /id: nvd: record has no id; record skipped"},
		{"wrapped without id", `{"cve": {"vulnStatus": "Analyzed"}}`, "f.json: /cve/id: nvd: record has no id; record skipped"},
		{"wrong type", `{"id": "CVE-1", "metrics": []}`, "f.json: nvd: metrics: want an object, got array; record skipped"},
		{"not json", `{`, "f.json: line 1, column 2: nvd: not valid JSON: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeCVE("f.json", []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestLooks(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"api order", `{"resultsPerPage": 1, "startIndex": 0, "totalResults": 1, "format": "NVD_CVE", "version": "2.0", "vulnerabilities": []}`, true},
		{"format only", `{"format": "NVD_CVE"}`, true},
		{"keys only", `{"vulnerabilities": [{"cve": {}}], "resultsPerPage": 1}`, true},
		{"head cut short", `{"resultsPerPage": 2000, "startIndex": 0, "totalResults": 250000, "format": "NVD_CV`, false},
		{"head with both keys", `{"resultsPerPage": 2000, "vulnerabilities": [{"cve": {"id": "CVE-`, true},
		{"legacy 1.1 feed", `{"CVE_data_type": "CVE", "CVE_data_format": "MITRE", "CVE_Items": []}`, false},
		{"osv record", `{"id": "GHSA-xxxx", "affected": []}`, false},
		{"bare cve", `{"id": "CVE-2020-1", "vulnStatus": "Analyzed"}`, false},
		{"array", `[{"format": "NVD_CVE"}]`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Looks([]byte(tt.data)); got != tt.want {
				t.Errorf("Looks = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"One sentence.", "One sentence."},
		{"Buffer overflow in foo 1.2. Attackers can run code.", "Buffer overflow in foo 1.2."},
		{"Versions 1.2.3 and e.g. 1.4 are affected. More.", "Versions 1.2.3 and e.g. 1.4 are affected."},
		{"First line\nsecond line", "First line"},
		{strings.Repeat("word ", 60), strings.TrimSpace(strings.Repeat("word ", 40)) + "…"},
	}
	for _, tt := range tests {
		if got := summarize(tt.in); got != tt.want {
			t.Errorf("summarize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDecodeSharedPages reads the three real NVD API pages in
// ../shared/data/nvd (121 records; see its README).
func TestDecodeSharedPages(t *testing.T) {
	dir := realdata.Data(t, "nvd")
	byID := make(map[string]*vuln.Advisory)
	var total, criteria, vulnerable int
	wantPaging := [][3]int{{50, 0, 121}, {50, 50, 121}, {21, 100, 121}}
	for i, file := range []string{"nvdcve-2.0-page-000.json", "nvdcve-2.0-page-001.json", "nvdcve-2.0-page-002.json"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		p, warns, err := DecodePage(file, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range warns {
			t.Errorf("warning: %v", w)
		}
		if got := [3]int{p.ResultsPerPage, p.StartIndex, p.TotalResults}; got != wantPaging[i] {
			t.Errorf("%s: paging %v, want %v", file, got, wantPaging[i])
		}
		if p.Timestamp != "2026-11-25T22:27:26.618" {
			t.Errorf("%s: timestamp %q", file, p.Timestamp)
		}
		if len(p.Advisories) != wantPaging[i][0] {
			t.Errorf("%s: %d advisories, want %d", file, len(p.Advisories), wantPaging[i][0])
		}
		for _, a := range p.Advisories {
			total++
			byID[a.ID] = a
			for _, m := range a.CPEConfigs {
				criteria++
				if m.Vulnerable {
					vulnerable++
				}
			}
			if a.IsWithdrawn() {
				t.Errorf("%s: withdrawn, but no record in the set is Rejected", a.ID)
			}
			if a.Published.IsZero() || a.Modified.IsZero() || a.Details == "" {
				t.Errorf("%s: published %v, modified %v, details %q", a.ID, a.Published, a.Modified, a.Details)
			}
		}
	}
	if total != 121 || len(byID) != 121 {
		t.Errorf("%d records, %d distinct, want 121", total, len(byID))
	}
	// 1447 cpeMatch entries in the pages; 118 records have configurations.
	if criteria != 1447 {
		t.Errorf("%d criteria, want 1447", criteria)
	}
	t.Logf("%d records, %d criteria (%d vulnerable)", total, criteria, vulnerable)
	withConfigs := 0
	for _, a := range byID {
		if len(a.CPEConfigs) > 0 {
			withConfigs++
		}
	}
	if withConfigs != 118 {
		t.Errorf("%d records with configurations, want 118", withConfigs)
	}
	for _, id := range []string{"CVE-2024-1275", "CVE-2024-5176", "CVE-2022-26388"} {
		if a := byID[id]; a == nil || len(a.CPEConfigs) != 0 {
			t.Errorf("%s: want a record without configurations", id)
		}
	}
	for _, id := range []string{"CVE-2024-1275", "CVE-2024-5176"} {
		if a := byID[id]; a == nil || len(a.Severities) != 0 {
			t.Errorf("%s: want a record without severities (empty metrics)", id)
		}
	}

	t.Run("CVE-2019-0708 BlueKeep", func(t *testing.T) {
		a := byID["CVE-2019-0708"]
		if a == nil {
			t.Fatal("missing")
		}
		if diff := cmp.Diff(&vuln.KEV{
			DateAdded: "2021-11-03", DueDate: "2022-05-03",
			RequiredAction: "Apply updates per vendor instructions.",
			Name:           "Microsoft Remote Desktop Services Remote Code Execution Vulnerability",
		}, a.KEV); diff != "" {
			t.Errorf("KEV (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"CWE-416"}, a.CWEs); diff != "" {
			t.Errorf("CWEs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]vuln.Severity{
			{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "critical", Source: "nvd@nist.gov (Primary)"},
			{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "critical", Source: "134c704f-9b21-4f2e-91b3-4a467353bcc0 (Secondary)"},
			{Type: vuln.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:C/I:C/A:C", Score: 10, Rating: "high", Source: "nvd@nist.gov (Primary)"},
		}, a.Severities); diff != "" {
			t.Errorf("severities (-want +got):\n%s", diff)
		}
		// Configuration 0 is an OR list of Windows versions and 22 a Siemens
		// application; the other 64 are each an AND of a Siemens or Huawei
		// firmware and its non-vulnerable hardware platform.
		if diff := cmp.Diff([]vuln.CPEMatch{
			{Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", MatchCriteriaID: "C2B1C231-DE19-4B8F-A4AA-5B3A65276E46", Vulnerable: true, Operator: "OR"},
			{Criteria: "cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*", MatchCriteriaID: "5F422A8C-2C4E-42C8-B420-E0728037E15C", Vulnerable: true, Operator: "OR"},
			{Criteria: "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*", MatchCriteriaID: "2ACA9287-B475-4AF7-A4DA-A7143CEF9E57", Vulnerable: true, Operator: "OR"},
			{Criteria: "cpe:2.3:o:siemens:axiom_multix_m_firmware:*:*:*:*:*:*:*:*", MatchCriteriaID: "7EB36445-3462-4398-84F9-1387A7436FC7", Vulnerable: true, Config: 1, Operator: "OR", ConfigOperator: "AND"},
			{Criteria: "cpe:2.3:h:siemens:axiom_multix_m:-:*:*:*:*:*:*:*", MatchCriteriaID: "66829DE2-25D6-4FF5-B1AA-6637AE053ACE", Config: 1, Node: 1, Operator: "OR", ConfigOperator: "AND"},
		}, a.CPEConfigs[:5]); diff != "" {
			t.Errorf("first criteria (-want +got):\n%s", diff)
		}
		configs, platforms := map[int]bool{}, 0
		for _, m := range a.CPEConfigs {
			configs[m.Config] = true
			if or := m.Config == 0 || m.Config == 22; or != (m.ConfigOperator == "") || !or && m.Vulnerable != (m.Node == 0) {
				t.Errorf("criterion %+v: want OR configurations 0 and 22, else AND with vulnerable node 0 and platform node 1", m)
			}
			if !m.Vulnerable {
				platforms++
			}
		}
		if len(configs) != 66 {
			t.Errorf("%d configurations, want 66", len(configs))
		}
		if platforms != 64 {
			t.Errorf("%d non-vulnerable platform criteria, want 64", platforms)
		}
		for _, m := range a.CPEConfigs {
			if strings.Contains(m.Criteria, "windows_xp") {
				t.Errorf("NVD's BlueKeep configuration does not name Windows XP (README), got %s", m.Criteria)
			}
		}
	})

	t.Run("KEV marks", func(t *testing.T) {
		var kev []string
		for id, a := range byID {
			if a.KEV != nil {
				kev = append(kev, id)
			}
		}
		// Four stored records carry the cisa* fields (README: 4 have
		// cisaExploitAdd).
		want := []string{"CVE-2017-0143", "CVE-2017-0144", "CVE-2019-0708", "CVE-2020-11023"}
		if diff := cmp.Diff(want, kev, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("records with KEV fields (-want +got):\n%s", diff)
		}
		if a := byID["CVE-2020-11023"]; a == nil || a.KEV == nil || a.KEV.DateAdded != "2025-01-23" {
			t.Errorf("CVE-2020-11023: want KEV added 2025-01-23 (README), got %+v", a.KEV)
		}
	})

	t.Run("CVSS v4", func(t *testing.T) {
		a := byID["CVE-2021-26262"]
		if a == nil || len(a.Severities) == 0 || a.Severities[0].Type != vuln.CVSSv4 || a.Severities[0].Score != 5.9 {
			t.Errorf("CVE-2021-26262: want a CVSS v4 severity 5.9 first, got %+v", a.Severities)
		}
	})

	t.Run("escaped criteria", func(t *testing.T) {
		found := false
		for _, m := range byID["CVE-2021-38394"].CPEConfigs {
			if strings.Contains(m.Criteria, `zoom_latitude_pogrammer\/recorder\/monitor_3120`) {
				found = true
			}
		}
		if !found {
			t.Error(`CVE-2021-38394: criterion with "\/" escapes not kept verbatim`)
		}
	})
}
