package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/match"
	"medvigil/internal/vuln"
)

// sarifSchemaFile is the official SARIF 2.1.0 schema (see testdata/README.md).
const sarifSchemaFile = "testdata/sarif-schema-2.1.0.json"

// compileSARIFSchema compiles the OASIS schema with format assertions on.
func compileSARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", sarifSchemaFile, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const id = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compile %s: %v", sarifSchemaFile, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte, name string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s output is not JSON: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		msg := err.Error()
		if len(msg) > 3000 {
			msg = msg[:3000] + "…"
		}
		t.Errorf("output fails %s:\n%s", name, msg)
	}
}

func TestSARIFSchema(t *testing.T) {
	s := compileSARIFSchema(t)
	for name, r := range map[string]*Result{
		"fixture":             fixture(),
		"no lookup":           func() *Result { r := fixture(); r.Lookup = nil; r.InformationURI = ""; return r }(),
		"no findings":         {Scans: []Scan{{File: "a b/ü.cdx.json"}}},
		"bad information URI": {InformationURI: "medvigil home", Scans: fixture().Scans},
		"no scans":            {},
	} {
		t.Run(name, func(t *testing.T) {
			validate(t, s, render(t, r, FormatSARIF), "sarif-schema-2.1.0.json")
		})
	}
	// The schema is strict enough to catch a broken log.
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`))
	if s.Validate(inst) == nil {
		t.Error("schema accepted a driver without a name")
	}
}

// sarifDoc mirrors the SARIF properties GitHub reads.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Version        string `json:"version"`
				Rules          []struct {
					ID               string            `json:"id"`
					ShortDescription map[string]string `json:"shortDescription"`
					FullDescription  map[string]string `json:"fullDescription"`
					Help             map[string]string `json:"help"`
					HelpURI          string            `json:"helpUri"`
					Properties       struct {
						SecuritySeverity *string  `json:"security-severity"`
						Tags             []string `json:"tags"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ToolExecutionNotifications []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, data []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	return d
}

// checkGitHubRules asserts what GitHub code scanning requires of an
// uploaded SARIF file, beyond the schema (GitHub Docs: "SARIF support for
// code scanning", "SARIF results exceed one or more limits", "SARIF file is
// too large"):
//   - version 2.1.0, at most 20 runs, tool.driver.name set;
//   - at most 25,000 results and 25,000 rules per run, at most 20 tags per
//     rule, at most 1,000 locations per result;
//   - every rule has id, shortDescription.text, fullDescription.text and
//     help.text; security-severity, when set, is a number in (0, 10];
//   - every result has a ruleId naming a rule (and ruleIndex pointing at
//     it), message.text, at least one location whose artifactLocation.uri
//     is relative (from the repository root) and whose region.startLine is
//     at least 1, and partialFingerprints;
//   - the file is under 10 MB gzip-compressed.
func checkGitHubRules(t *testing.T, data []byte) {
	t.Helper()
	d := decodeSARIF(t, data)
	if d.Version != "2.1.0" || d.Schema != "https://json.schemastore.org/sarif-2.1.0.json" {
		t.Errorf("version %q, $schema %q", d.Version, d.Schema)
	}
	if len(d.Runs) == 0 || len(d.Runs) > 20 {
		t.Fatalf("%d runs; GitHub takes 1 to 20", len(d.Runs))
	}
	for _, run := range d.Runs {
		drv := run.Tool.Driver
		if drv.Name == "" {
			t.Error("tool.driver.name is empty")
		}
		if len(run.Results) > 25000 || len(drv.Rules) > 25000 {
			t.Errorf("%d results, %d rules; GitHub rejects more than 25,000 of either", len(run.Results), len(drv.Rules))
		}
		ruleAt := map[string]int{}
		for i, rule := range drv.Rules {
			if rule.ID == "" || rule.ShortDescription["text"] == "" || rule.FullDescription["text"] == "" || rule.Help["text"] == "" {
				t.Errorf("rule %d (%s) lacks id, shortDescription, fullDescription or help text", i, rule.ID)
			}
			if _, dup := ruleAt[rule.ID]; dup {
				t.Errorf("rule %s defined twice", rule.ID)
			}
			ruleAt[rule.ID] = i
			if ss := rule.Properties.SecuritySeverity; ss != nil {
				v, err := strconv.ParseFloat(*ss, 64)
				if err != nil || v <= 0 || v > 10 {
					t.Errorf("rule %s security-severity %q is not a number in (0, 10]", rule.ID, *ss)
				}
			}
			if n := len(rule.Properties.Tags); n > 20 {
				t.Errorf("rule %s has %d tags; GitHub keeps 20", rule.ID, n)
			}
		}
		for i, res := range run.Results {
			at, ok := ruleAt[res.RuleID]
			if !ok {
				t.Errorf("result %d: ruleId %q names no rule", i, res.RuleID)
			}
			if res.RuleIndex == nil || *res.RuleIndex != at {
				t.Errorf("result %d: ruleIndex %v; rule %s is at %d", i, res.RuleIndex, res.RuleID, at)
			}
			if res.Message.Text == "" {
				t.Errorf("result %d: empty message", i)
			}
			if len(res.Locations) == 0 || len(res.Locations) > 1000 {
				t.Errorf("result %d: %d locations; GitHub needs 1 to 1,000", i, len(res.Locations))
			}
			for _, loc := range res.Locations {
				uri := loc.PhysicalLocation.ArtifactLocation.URI
				if uri == "" || strings.HasPrefix(uri, "/") || strings.Contains(uri, `\`) || strings.Contains(uri, "://") || strings.HasPrefix(uri, "./") {
					t.Errorf("result %d: uri %q is not a relative forward-slash path", i, uri)
				}
				if loc.PhysicalLocation.Region == nil || loc.PhysicalLocation.Region.StartLine < 1 {
					t.Errorf("result %d: no region.startLine", i)
				}
			}
			if len(res.PartialFingerprints) == 0 {
				t.Errorf("result %d: no partialFingerprints", i)
			}
			switch res.Level {
			case "error", "warning", "note":
			default:
				t.Errorf("result %d: level %q", i, res.Level)
			}
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	if gz.Len() >= 10<<20 {
		t.Errorf("SARIF is %d bytes gzip-compressed; GitHub takes under 10 MB", gz.Len())
	}
}

func TestSARIFGitHubRules(t *testing.T) {
	checkGitHubRules(t, render(t, fixture(), FormatSARIF))
	checkGitHubRules(t, render(t, bigResult(10000), FormatSARIF))
}

func TestSARIFContent(t *testing.T) {
	data := render(t, fixture(), FormatSARIF)
	d := decodeSARIF(t, data)
	run := d.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "medvigil" || drv.Version != "0.4.0" || drv.InformationURI != "https://github.com/medvigil/medvigil" {
		t.Errorf("driver %q %q %q", drv.Name, drv.Version, drv.InformationURI)
	}

	// One rule per vulnerability ID (CVE-2022-0778 is in both SBOMs), in
	// the order of the most urgent finding.
	var ruleIDs []string
	for _, r := range drv.Rules {
		ruleIDs = append(ruleIDs, r.ID)
	}
	wantRules := []string{"CVE-2021-44228", "CVE-2021-45046", "CVE-2022-48174", "CVE-2022-0778", "CVE-2025-0626", "CVE-2023-32681", "CVE-2024-47081", "DLA-3008-1"}
	if diff := cmp.Diff(wantRules, ruleIDs); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if got := len(run.Results); got != 9 {
		t.Errorf("%d results; want 9", got)
	}

	type row struct{ Rule, Level, URI, Text string }
	var got []row
	for _, r := range run.Results {
		got = append(got, row{r.RuleID, r.Level, r.Locations[0].PhysicalLocation.ArtifactLocation.URI, r.Message.Text})
	}
	want := []row{
		{"CVE-2021-44228", "error", "sboms/infusion-pump.cdx.json",
			"log4j-core@2.14.1 is affected by CVE-2021-44228 (GHSA-jfh8-c2jp-5v3q); fixed in 2.15.0. Known exploited (CISA KEV, added 2021-12-10)."},
		{"CVE-2021-45046", "error", "sboms/infusion-pump.cdx.json",
			"log4j-core@2.14.1 is affected by CVE-2021-45046 (GHSA-7rjr-3q55-vv33); fixed in 2.16.0."},
		{"CVE-2022-48174", "error", "sboms/infusion-pump.cdx.json",
			"busybox@1.30.1 is affected by CVE-2022-48174; fixed in 1.36.0. Low-confidence match (cpe-candidate): review it."},
		// Same component name and version: by ref, SPDXRef-… before c-openssl.
		{"CVE-2022-0778", "error", "sboms/monitor.spdx.json",
			"openssl@1.0.2k is affected by CVE-2022-0778; fixed in 1.0.2zd, 1.1.1n."},
		{"CVE-2022-0778", "error", "sboms/infusion-pump.cdx.json",
			"openssl@1.0.2k is affected by CVE-2022-0778; fixed in 1.0.2zd, 1.1.1n."},
		{"CVE-2025-0626", "error", "sboms/monitor.spdx.json",
			"CMS8000 firmware@2.0.6 is affected by CVE-2025-0626 (ICSMA-25-030-01); no fixed version is known. Low-confidence match (csaf-name): review it."},
		{"CVE-2023-32681", "warning", "sboms/infusion-pump.cdx.json",
			"requests@2.25.0 is affected by CVE-2023-32681 (GHSA-j8r2-6x86-q33q, PYSEC-2023-74); fixed in 2.31.0."},
		{"CVE-2024-47081", "note", "sboms/infusion-pump.cdx.json",
			"requests@2.25.0 is affected by CVE-2024-47081 (GHSA-9hjg-9r4m-mvj7); fixed in 2.32.4."},
		{"DLA-3008-1", "note", "sboms/infusion-pump.cdx.json",
			"openssl@1.0.2k is affected by DLA-3008-1; no fixed version is known."},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}

	rules := map[string]int{}
	for i, r := range drv.Rules {
		rules[r.ID] = i
	}
	log4j := drv.Rules[rules["CVE-2021-44228"]]
	if got := *log4j.Properties.SecuritySeverity; got != "10.0" {
		t.Errorf("security-severity %q; want 10.0", got)
	}
	if diff := cmp.Diff([]string{"security", "vulnerability", "purl", "cpe"}, log4j.Properties.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if log4j.HelpURI != "https://nvd.nist.gov/vuln/detail/CVE-2021-44228" {
		t.Errorf("helpUri %q; want the first reference", log4j.HelpURI)
	}
	if !strings.HasPrefix(log4j.FullDescription["text"], "Apache Log4j2 JNDI") {
		t.Errorf("fullDescription %q; want the advisory details", log4j.FullDescription["text"])
	}
	for _, s := range []string{"Known exploited (CISA KEV) | yes, added 2021-12-10, due 2021-12-24", "<https://logging.apache.org/log4j/2.x/security.html>", "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q"} {
		if !strings.Contains(log4j.Help["markdown"], s) {
			t.Errorf("help markdown lacks %q:\n%s", s, log4j.Help["markdown"])
		}
	}
	if strings.Contains(log4j.Help["text"], "not a url") {
		t.Error("help lists a reference that is not a URL")
	}
	dla := drv.Rules[rules["DLA-3008-1"]]
	if dla.Properties.SecuritySeverity != nil || dla.HelpURI != "https://osv.dev/vulnerability/DLA-3008-1" {
		t.Errorf("DLA rule: security-severity %v, helpUri %q; want none and the OSV page", dla.Properties.SecuritySeverity, dla.HelpURI)
	}

	// Fingerprints: stable, and different for the same vulnerability in
	// two SBOMs.
	again := decodeSARIF(t, render(t, fixture(), FormatSARIF))
	fps := map[string]bool{}
	for i, r := range run.Results {
		fp := r.PartialFingerprints["medvigil/v1"]
		if len(fp) != 64 || fp != again.Runs[0].Results[i].PartialFingerprints["medvigil/v1"] {
			t.Errorf("result %d: fingerprint %q not a stable SHA-256", i, fp)
		}
		fps[fp] = true
	}
	if len(fps) != len(run.Results) {
		t.Errorf("%d distinct fingerprints for %d results", len(fps), len(run.Results))
	}
}

// TestSARIFTruncates checks that past GitHub's 25,000 results per run the
// most urgent findings are kept and the run says how many were dropped.
func TestSARIFTruncates(t *testing.T) {
	r := bigResult(25010)
	kev := 0
	for _, f := range r.Scans[0].Findings {
		if f.KEV != nil {
			kev++
		}
	}
	d := decodeSARIF(t, render(t, r, FormatSARIF))
	run := d.Runs[0]
	if len(run.Results) != 25000 {
		t.Fatalf("%d results; want 25000", len(run.Results))
	}
	for i := range kev {
		if !strings.Contains(run.Results[i].Message.Text, "Known exploited") {
			t.Fatalf("result %d is not a KEV finding: the KEV findings must come first", i)
		}
	}
	if len(run.Invocations) != 1 || len(run.Invocations[0].ToolExecutionNotifications) != 1 ||
		!strings.Contains(run.Invocations[0].ToolExecutionNotifications[0].Message.Text, "25010 findings; only the first 25000") {
		t.Errorf("no notification of the dropped results: %+v", run.Invocations)
	}
	if strings.Contains(string(render(t, bigResult(100), FormatSARIF)), `"invocations"`) {
		t.Error("invocations written though nothing was dropped")
	}
}

func TestArtifactURI(t *testing.T) {
	abs := "/srv/repo/sboms/a.json"
	if filepath.Separator == '\\' {
		abs = `C:\repo\sboms\a.json`
	}
	for in, want := range map[string]string{
		"sboms/pump.cdx.json":        "sboms/pump.cdx.json",
		"./sboms/pump.cdx.json":      "sboms/pump.cdx.json",
		"sboms//x/../pump.json":      "sboms/pump.json",
		"my sboms/pümp#1.json":       "my%20sboms/p%C3%BCmp%231.json",
		"c:weird.json":               "./c:weird.json",
		filepath.Join("a", "b.json"): "a/b.json",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q; want %q", in, got, want)
		}
	}
	if got := artifactURI(abs); !strings.HasPrefix(got, "file:///") {
		t.Errorf("artifactURI(%q) = %q; want a file URI", abs, got)
	}
}

func TestSARIFLevel(t *testing.T) {
	for _, tc := range []struct {
		rating string
		kev    bool
		want   string
	}{
		{"critical", false, "error"}, {"high", false, "error"}, {"medium", false, "warning"},
		{"moderate", false, "warning"}, {"low", false, "note"}, {"none", false, "note"},
		{"unknown", false, "note"}, {"", false, "note"}, {"low", true, "error"}, {"unknown", true, "error"},
	} {
		f := &match.Finding{Severity: match.Severity{Rating: tc.rating}}
		if tc.kev {
			f.KEV = &vuln.KEV{DateAdded: "2025-01-01"}
		}
		if got := sarifLevel(f); got != tc.want {
			t.Errorf("%s kev=%v: %s; want %s", tc.rating, tc.kev, got, tc.want)
		}
	}
}

func BenchmarkWriteJSON(b *testing.B)  { benchmarkWrite(b, FormatJSON) }
func BenchmarkWriteSARIF(b *testing.B) { benchmarkWrite(b, FormatSARIF) }
func BenchmarkWriteVDR(b *testing.B)   { benchmarkWrite(b, FormatCycloneDXVDR) }
func BenchmarkWriteTable(b *testing.B) { benchmarkWrite(b, FormatTable) }
func BenchmarkWriteCSV(b *testing.B)   { benchmarkWrite(b, FormatCSV) }

// benchmarkWrite renders 10,000 findings (1,000 components, 500
// vulnerabilities) in format.
func benchmarkWrite(b *testing.B, format Format) {
	r := bigResult(10000)
	var buf bytes.Buffer
	if err := Write(&buf, r, format); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, r, format); err != nil {
			b.Fatal(fmt.Errorf("write: %w", err))
		}
	}
}
