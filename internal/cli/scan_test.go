package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/feeds"
	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

func TestScanCommand(t *testing.T) {
	root := realdata.Root(t)
	demo := filepath.Join(root, "examples", "sboms", "infusion-pump.cdx.json")
	kb := filepath.Join(root, "examples", "kb")
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cmdCase{
		{name: "table", args: []string{"scan", "--kb", kb, demo}, exit: ExitOK,
			stdout: []string{"CVE-2099-0002", "KEV", "jquery@3.1.1", "CVE-2099-0001", "lodash@4.17.20", "DEMO-2026-0003"}},
		{name: "fail on kev", args: []string{"scan", "--kb", kb, "--fail-on", "kev", demo}, exit: ExitFinding},
		{name: "fail on critical", args: []string{"scan", "--kb", kb, "--fail-on", "critical", demo}, exit: ExitFinding},
		{name: "fail on high passes below", args: []string{"scan", "--kb", filepath.Join(kb, "osv", "DEMO-2026-0003.json"), "--fail-on", "high", demo}, exit: ExitOK,
			stdout: []string{"DEMO-2026-0003"}},
		{name: "no kb", args: []string{"scan", demo}, exit: ExitError, stderr: []string{"--kb"}},
		{name: "bad output", args: []string{"scan", "--kb", kb, "--output", "pdf", demo}, exit: ExitError, stderr: []string{"pdf"}},
		{name: "bad fail-on", args: []string{"scan", "--kb", kb, "--fail-on", "severe", demo}, exit: ExitError, stderr: []string{"severe"}},
		{name: "missing kb path", args: []string{"scan", "--kb", filepath.Join(kb, "nope"), demo}, exit: ExitError, stderr: []string{"nope"}},
		{name: "unreadable sbom named with its place, others still scanned", args: []string{"scan", "--kb", kb, demo, bad}, exit: ExitError,
			stderr: []string{bad + ": line 1"}, stdout: []string{"CVE-2099-0002"}},
		{name: "sarif", args: []string{"scan", "--kb", kb, "--output", "sarif", demo}, exit: ExitOK, stdout: []string{`"version": "2.1.0"`, "CVE-2099-0002"}},
		{name: "vdr", args: []string{"scan", "--kb", kb, "--output", "cyclonedx-vdr", demo}, exit: ExitOK, stdout: []string{`"vulnerabilities"`, "DEMO-2026-0001"}},
		{name: "csv", args: []string{"scan", "--kb", kb, "--output", "csv", demo}, exit: ExitOK, stdout: []string{"vulnerability_id", "CVE-2099-0001"}},
	})
}

func TestScanJSONIsOnlyResults(t *testing.T) {
	root := realdata.Root(t)
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"scan", "--kb", filepath.Join(root, "examples", "kb"), "--output", "json",
		filepath.Join(root, "examples", "sboms", "infusion-pump.cdx.json")}, nil, &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var v struct {
		Results []struct {
			Findings []struct {
				ID  string   `json:"id"`
				IDs []string `json:"ids"`
				KEV *struct {
					DateAdded string `json:"date_added"`
				} `json:"kev"`
			} `json:"findings"`
		} `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if len(v.Results) != 1 || len(v.Results[0].Findings) != 3 {
		t.Fatalf("results = %+v", v.Results)
	}
	first := v.Results[0].Findings[0]
	if first.ID != "CVE-2099-0002" || first.KEV == nil || !strings.Contains(strings.Join(first.IDs, " "), "DEMO-2026-0002") {
		t.Errorf("first finding = %+v, want the KEV one first with all its IDs", first)
	}
}

func TestScanManySBOMsConcurrently(t *testing.T) {
	root := realdata.Root(t)
	demo := filepath.Join(root, "examples", "sboms", "infusion-pump.cdx.json")
	args := []string{"scan", "--kb", filepath.Join(root, "examples", "kb"), "--output", "csv"}
	for range 8 {
		args = append(args, demo)
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, nil, &stdout, &stderr); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := strings.Count(stdout.String(), "CVE-2099-0002"); got != 8 {
		t.Errorf("CVE-2099-0002 rows = %d, want 8 (one per scanned SBOM)", got)
	}
}

// sharedSBOMs returns every SBOM file of the shared data.
func sharedSBOMs(t testing.TB) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(realdata.Data(t, "sboms"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// withoutTimes drops the lines that carry the time of the run or a random
// serial number.
func withoutTimes(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, `"timestamp"`) || strings.Contains(line, `"serialNumber"`) ||
			strings.Contains(line, `"startTimeUtc"`) || strings.Contains(line, `"endTimeUtc"`) {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestScanIndexedEqualsWholeLoad scans every shared SBOM against the shared
// OSV, NVD, KEV and CSAF data twice: with the version 2 snapshot `kb build`
// writes (read selectively, SBOMs streamed) and with the same knowledge
// base as a version 1 snapshot (loaded whole, as before), CPE candidates
// on. Every output must be the same, byte for byte but for times.
func TestScanIndexedEqualsWholeLoad(t *testing.T) {
	dir := t.TempDir()
	v2 := filepath.Join(dir, "kb2.mvkb")
	sources := []string{realdata.Data(t, "osv"), realdata.Data(t, "nvd"),
		realdata.Data(t, "kev", "known_exploited_vulnerabilities.json"), realdata.Data(t, "csaf")}
	args := []string{"kb", "build", "-o", v2}
	for _, s := range sources {
		args = append(args, "--kb", s)
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, nil, &stdout, &stderr); code != ExitOK {
		t.Fatalf("kb build: exit %d: %s", code, stderr.String())
	}
	lz, err := snapshot.Open(v2)
	if err != nil {
		t.Fatalf("kb build did not write an indexed snapshot: %v", err)
	}
	if lz.KeyScheme() != match.KeyScheme || lz.Header().Version != 2 || lz.Header().KEV == 0 {
		t.Errorf("kb build wrote scheme %q, header %+v", lz.KeyScheme(), lz.Header())
	}
	lz.Close()

	kb := vuln.NewKB()
	if _, _, err := feeds.Load(context.Background(), kb, sources, nil, nil); err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(dir, "kb1.mvkb")
	f, err := os.Create(v1)
	if err != nil {
		t.Fatal(err)
	}
	if err := snapshot.WriteWith(f, kb, snapshot.Options{Version: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	sboms := sharedSBOMs(t)
	for _, format := range []string{"json", "sarif", "cyclonedx-vdr", "table"} {
		t.Run(format, func(t *testing.T) {
			run := func(kbPath string) (int, string) {
				var stdout, stderr bytes.Buffer
				code := Run(context.Background(), append([]string{"scan", "--kb", kbPath, "--output", format}, sboms...), nil, &stdout, &stderr)
				return code, withoutTimes(stdout.String())
			}
			wantCode, want := run(v1)
			gotCode, got := run(v2)
			if gotCode != wantCode {
				t.Errorf("exit %d, want %d", gotCode, wantCode)
			}
			if !strings.Contains(want, "CVE-") {
				t.Fatalf("the whole-load scan found nothing:\n%.2000s", want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("indexed scan (-whole load +indexed):\n%.5000s", diff)
			}
		})
	}
}

// BenchmarkScanShared is the medvigil side of bench/scan-vs-osv-scanner.sh
// in process: `medvigil scan --kb kb.mvkb --no-cpe-candidates --output
// json` over the 66 shared SBOMs osv-scanner reads, with a snapshot of the
// shared OSV records.
func BenchmarkScanShared(b *testing.B) {
	kb := filepath.Join(b.TempDir(), "kb.mvkb")
	var stderr bytes.Buffer
	if code := Run(context.Background(), []string{"kb", "build", "--kb", realdata.Data(b, "osv"), "-o", kb}, nil, io.Discard, &stderr); code != ExitOK {
		b.Fatalf("kb build: %s", stderr.String())
	}
	summary, err := os.ReadFile(realdata.Oracle(b, "osv-scanner", "SUMMARY.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	args := []string{"scan", "--kb", kb, "--no-cpe-candidates", "--output", "json"}
	for _, line := range strings.Split(strings.TrimSpace(string(summary)), "\n")[1:] {
		f := strings.Split(line, "\t")
		if len(f) > 2 && f[2] != "127" {
			args = append(args, filepath.Join(realdata.Data(b, "sboms"), f[0]))
		}
	}
	if len(args) < 6+60 {
		b.Fatalf("%d SBOMs in SUMMARY.tsv, want 66", len(args)-6)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := Run(context.Background(), args, nil, io.Discard, io.Discard); code != ExitOK {
			b.Fatalf("exit %d", code)
		}
	}
}
