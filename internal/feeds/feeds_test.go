package feeds

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		data string
		want Kind
	}{
		{"osv", `{"id":"GHSA-x","modified":"2024-01-01T00:00:00Z","affected":[]}`, KindOSV},
		{"kev", `{"title":"t","catalogVersion":"1","vulnerabilities":[]}`, KindKEV},
		{"epss", "#model_version:v2025.03.14,score_date:2025-01-01T00:00:00+0000\ncve,epss,percentile\n", KindEPSS},
		{"nvd", `{"resultsPerPage":1,"startIndex":0,"totalResults":1,"format":"NVD_CVE","vulnerabilities":[]}`, KindNVD},
		{"csaf", `{"document":{"category":"csaf_security_advisory","csaf_version":"2.0"}}`, KindCSAF},
		{"snapshot", "MEDVIGIL-KB\x00\x01", KindSnapshot},
		{"readme", "# hello", ""},
		{"sbom", `{"bomFormat":"CycloneDX"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.data)); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadMixedFolderAndSnapshot(t *testing.T) {
	dir := filepath.Join(realdata.Root(t), "examples", "kb")
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"id":"GHSA-bad","modified":`), 0o600); err != nil {
		t.Fatal(err)
	}
	kb := vuln.NewKB()
	var warnings []*input.Error
	_, st, err := Load(context.Background(), kb, []string{dir, bad}, func(e *input.Error) { warnings = append(warnings, e) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Files: 7, Ignored: 1, Skipped: 1, Warnings: 1, KEVCatalog: "2026.10.01", EPSSDate: "2026-10-01",
		Records: map[Kind]int{KindOSV: 3, KindKEV: 1, KindEPSS: 2}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(warnings) != 1 || warnings[0].File != bad || warnings[0].Line == 0 {
		t.Errorf("warnings = %v, want one located in %s", warnings, bad)
	}
	if kb.KEV(kb.IDs("DEMO-2026-0002")) == nil || kb.EPSS(kb.IDs("DEMO-2026-0001")) == nil {
		t.Error("KEV or EPSS marks not attached through aliases")
	}

	// The same knowledge base through a snapshot.
	var buf bytes.Buffer
	if err := snapshot.Write(&buf, kb); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "kb.mvkb")
	if err := os.WriteFile(snap, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	again := vuln.NewKB()
	_, st2, err := Load(context.Background(), again, []string{snap}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Records[KindSnapshot] != kb.Len() || again.Len() != kb.Len() || again.KEVCount() != 1 || again.EPSSCount() != 2 {
		t.Errorf("snapshot load: stats %+v, %d advisories, %d KEV, %d EPSS", st2, again.Len(), again.KEVCount(), again.EPSSCount())
	}
}
