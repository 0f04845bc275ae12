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

type cmdCase struct {
	name       string
	args       []string
	exit       int
	stdout     []string // substrings stdout must contain
	stderr     []string // substrings stderr must contain
	noFile     string   // a path that must not exist afterwards
	outputFile string   // a path that must exist afterwards
}

func runCases(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.exit {
				t.Errorf("exit = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.exit, stdout.String(), stderr.String())
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
			if tc.noFile != "" {
				if _, err := os.Stat(tc.noFile); err == nil {
					t.Errorf("%s exists; a failed command must not write it", tc.noFile)
				}
			}
			if tc.outputFile != "" {
				if _, err := os.Stat(tc.outputFile); err != nil {
					t.Errorf("output: %v", err)
				}
			}
		})
	}
}

func TestSBOMCommands(t *testing.T) {
	root := realdata.Root(t)
	demo := filepath.Join(root, "examples", "sboms", "infusion-pump.cdx.json")
	sidecar := filepath.Join(root, "examples", "sboms", "infusion-pump-lifecycle.csv")
	dir := t.TempDir()
	filled := filepath.Join(dir, "filled.cdx.json")
	badCSV := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badCSV, []byte("purl,level_of_support\npkg:npm/jquery@3.1.1,sometimes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notSBOM := filepath.Join(dir, "package.json")
	if err := os.WriteFile(notSBOM, []byte(`{"name":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cmdCase{
		{name: "check demo fda", args: []string{"sbom", "check", "--profile", "fda-premarket", demo}, exit: ExitOK,
			stdout: []string{"infusion-pump.cdx.json", "jquery@3.1.1"}},
		{name: "check demo fda strict: jquery lacks its lifecycle fields", args: []string{"sbom", "check", "--profile", "fda-premarket", "--strict", demo}, exit: ExitFinding},
		{name: "check demo ntia strict", args: []string{"sbom", "check", "--profile", "ntia-2021", "--strict", demo}, exit: ExitOK},
		{name: "unknown profile", args: []string{"sbom", "check", "--profile", "iso-9000", demo}, exit: ExitError, stderr: []string{"iso-9000"}},
		{name: "unknown format", args: []string{"sbom", "check", "--format", "yaml", demo}, exit: ExitError, stderr: []string{"yaml"}},
		{name: "unreadable file named", args: []string{"sbom", "check", demo, notSBOM}, exit: ExitError,
			stderr: []string{notSBOM, "not a CycloneDX or SPDX document"}, stdout: []string{"infusion-pump.cdx.json"}},
		{name: "convert to bad target", args: []string{"sbom", "convert", demo, "--to", "pdf"}, exit: ExitError, stderr: []string{"pdf"}},
		{name: "bad sidecar names line and column, writes nothing", args: []string{"sbom", "convert", demo, "--to", "cyclonedx-json", "--fill-lifecycle", badCSV, "-o", filepath.Join(dir, "never.json")},
			exit: ExitError, stderr: []string{badCSV + ": line 2, column 22", "unknown level of support"}, noFile: filepath.Join(dir, "never.json")},
		{name: "fill lifecycle", args: []string{"sbom", "convert", demo, "--to", "cyclonedx-json", "--fill-lifecycle", sidecar, "-o", filled}, exit: ExitOK, outputFile: filled},
		{name: "filled SBOM passes fda strict", args: []string{"sbom", "check", "--profile", "fda-premarket", "--strict", filled}, exit: ExitOK},
		{name: "convert to spdx on stdout", args: []string{"sbom", "convert", demo, "--to", "spdx-json"}, exit: ExitOK, stdout: []string{`"spdxVersion": "SPDX-2.3"`, "cdx:fda:level-of-support=actively-maintained"}},
		{name: "convert to cyclonedx xml", args: []string{"sbom", "convert", demo, "--to", "cyclonedx-xml"}, exit: ExitOK, stdout: []string{"http://cyclonedx.org/schema/bom/1.6"}},
		{name: "generate", args: []string{"sbom", "generate", "--components", "10"}, exit: ExitOK, stdout: []string{`"specVersion": "1.6"`}},
	})
}

func TestCheckJSONOutput(t *testing.T) {
	demo := filepath.Join(realdata.Root(t), "examples", "sboms", "infusion-pump.cdx.json")
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"sbom", "check", "--format", "json", "--profile", "fda-premarket", demo, demo}, nil, &stdout, &stderr); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var reports []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &reports); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, stdout.String())
	}
	if len(reports) != 2 {
		t.Fatalf("%d reports, want 2", len(reports))
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr not empty: %s", stderr.String())
	}
}
