package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medvigil/internal/realdata"
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
