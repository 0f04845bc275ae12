package csaf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
)

// writeTree writes files (relative path → content) under a new temporary
// folder and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestLoadFolder(t *testing.T) {
	nested := string(readFixture(t, "nested.json"))
	root := writeTree(t, map[string]string{
		"a/nested.json":                    nested,
		"a/nested.json.sha512":             "00  nested.json\n",
		"a/nested.json.asc":                "-----BEGIN PGP SIGNATURE-----\n",
		"b/base.json":                      string(readFixture(t, "base.json")),
		"bad/broken.json":                  "{\n  \"document\": ",
		"bad/sbom.json":                    `{"bomFormat": "CycloneDX", "specVersion": "1.6"}`,
		"feed/example-feed-tlp-white.json": `{"feed": {"id": "example-feed", "entry": []}}`,
		"feed/service.json":                `{"service": {"workspace": []}}`,
		"provider-metadata.json":           `{"canonical_url": "https://p.example/.well-known/csaf/provider-metadata.json"}`,
		"changes.csv":                      `"a/nested.json","2024-03-01T08:30:00Z"`,
		"index.txt":                        "a/nested.json\n",
	})
	var warns []*input.Error
	docs, st, err := Load(context.Background(), root, func(e *input.Error) { warns = append(warns, e) })
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.TrackingID)
	}
	if diff := cmp.Diff([]string{"EXAMPLE-MED-2024-001", "EXAMPLE-NOTE-1"}, ids); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	wantStats := Stats{Files: 7, Documents: 2, Ignored: 3, Skipped: 2, Vulnerabilities: 3, Products: 7, Warnings: 2}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	type got struct {
		File  string
		Place string
	}
	var places []got
	for _, w := range warns {
		places = append(places, got{filepath.ToSlash(strings.TrimPrefix(w.File, root)), w.Place()})
	}
	want := []got{{"/bad/broken.json", "line 2, column 15"}, {"/bad/sbom.json", ""}}
	if diff := cmp.Diff(want, places); diff != "" {
		t.Errorf("warnings (-want +got):\n%s\n%s", diff, joinErrors(warns))
	}
	if docs[0].Advisories[0].Origin.File != filepath.Join(root, "a", "nested.json") {
		t.Errorf("origin file = %q", docs[0].Advisories[0].Origin.File)
	}
}

func TestLoadFile(t *testing.T) {
	root := writeTree(t, map[string]string{
		"nested.json": string(readFixture(t, "nested.json")),
		"broken.json": "{]",
	})
	tests := []struct {
		name    string
		path    string
		docs    int
		stats   Stats
		wantErr bool
	}{
		{"a document", filepath.Join(root, "nested.json"), 1, Stats{Files: 1, Documents: 1, Vulnerabilities: 3, Products: 7}, false},
		{"a broken file", filepath.Join(root, "broken.json"), 0, Stats{Files: 1, Skipped: 1}, true},
		{"a missing file", filepath.Join(root, "missing.json"), 0, Stats{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, st, err := Load(context.Background(), tt.path, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), tt.path+": ") && !strings.HasPrefix(err.Error(), "csaf: ") {
				t.Errorf("error %q names neither the file nor the package", err)
			}
			if len(docs) != tt.docs {
				t.Errorf("got %d documents, want %d", len(docs), tt.docs)
			}
			if diff := cmp.Diff(tt.stats, st); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadCanceled(t *testing.T) {
	root := writeTree(t, map[string]string{"nested.json": string(readFixture(t, "nested.json"))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Load(ctx, root, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load on a canceled context = %v, want context.Canceled", err)
	}
}
