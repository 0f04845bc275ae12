package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/package-url/packageurl-go"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/demo"
	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/check"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/tests/schematest"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

// day is the demo's "today".
var day = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func manifest(t *testing.T) *demo.Catalog {
	t.Helper()
	m, err := demo.Manifest()
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	return m
}

func TestManifest(t *testing.T) {
	m := manifest(t)
	if !m.Organization.Fictional || m.Organization.Name != "Northwind Medical Systems" {
		t.Errorf("organization = %+v, want the fictional Northwind Medical Systems", m.Organization)
	}
	if !strings.Contains(m.Note, "DEMO DATA") || !strings.Contains(m.Note, "fictional") {
		t.Errorf("note %q does not say the data is fictional demo data", m.Note)
	}
	if !m.ReferenceDate.Equal(day) {
		t.Errorf("reference date = %v, want %v", m.ReferenceDate, day)
	}
	var got []string
	formatsSeen := map[string]int{}
	for _, p := range m.Products {
		if n := len(p.Versions); n < 1 || n > 2 {
			t.Errorf("%s has %d versions, want 1 or 2", p.ID, n)
		}
		for _, v := range p.Versions {
			got = append(got, p.Name+" "+v.Version)
			formatsSeen[v.SBOMFormat]++
			if !v.Released.Before(v.EndOfLife) || v.EndOfSupport.Before(v.EndOfLife) {
				t.Errorf("%s %s: want released < end of life <= end of support, got %s, %s, %s", p.ID, v.Version,
					v.Released.Format(time.DateOnly), v.EndOfLife.Format(time.DateOnly), v.EndOfSupport.Format(time.DateOnly))
			}
			if _, err := demo.Open(v.SBOM); err != nil {
				t.Errorf("%s %s: %v", p.ID, v.Version, err)
			}
		}
	}
	want := []string{
		"Northwind Infusion Pump IP-400 3.4.2", "Northwind Infusion Pump IP-400 4.1.0",
		"Northwind PACS Viewer 5.0.3", "Northwind PACS Viewer 5.1.0",
		"Northwind Patient Monitor Gateway 1.9.4", "Northwind Patient Monitor Gateway 2.3.0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("product versions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"cyclonedx-json": 4, "spdx-json": 2}, formatsSeen); diff != "" {
		t.Errorf("SBOM formats (-want +got):\n%s", diff)
	}
}

// TestLegacy checks the lifecycle story: only Gateway 1.9.4 (Windows
// Embedded Standard 7) is past its end of support on 2026-11-26.
func TestLegacy(t *testing.T) {
	m := manifest(t)
	var ended []string
	for _, p := range m.Products {
		for _, v := range p.Versions {
			if v.SupportEnded(day) {
				ended = append(ended, p.ID+"@"+v.Version)
				if v.SupportLevel != sbom.SupportNoLonger {
					t.Errorf("%s %s: support ended but level is %q", p.ID, v.Version, v.SupportLevel)
				}
			}
		}
	}
	if diff := cmp.Diff([]string{"pm-gateway@1.9.4"}, ended); diff != "" {
		t.Errorf("versions past end of support on %s (-want +got):\n%s", day.Format(time.DateOnly), diff)
	}
	v := demo.Version{EndOfSupport: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name  string
		day   time.Time
		ended bool
	}{
		{"the day before", time.Date(2025, 6, 29, 23, 0, 0, 0, time.UTC), false},
		{"the end-of-support day itself", time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC), false},
		{"the day after", time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := v.SupportEnded(tt.day); got != tt.ended {
				t.Errorf("SupportEnded(%v) = %v, want %v", tt.day, got, tt.ended)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	if _, err := demo.Open("sboms/no-such.cdx.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) error = %v, want fs.ErrNotExist", err)
	}
	data, err := demo.Open(demo.ManifestFile)
	if err != nil {
		t.Fatal(err)
	}
	via, err := fs.ReadFile(demo.FS(), demo.ManifestFile)
	if err != nil || !bytes.Equal(data, via) {
		t.Errorf("FS and Open disagree on %s (err %v)", demo.ManifestFile, err)
	}
}

// TestSBOMs reads every SBOM and judges it with the fda-premarket profile.
func TestSBOMs(t *testing.T) {
	m := manifest(t)
	for _, p := range m.Products {
		for _, v := range p.Versions {
			t.Run(path.Base(v.SBOM), func(t *testing.T) {
				data, err := demo.Open(v.SBOM)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := formats.Decode(v.SBOM, data)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				for _, w := range doc.Warnings {
					t.Errorf("warning: %v", w)
				}
				wantFormat := map[string]sbom.Format{"cyclonedx-json": sbom.FormatCycloneDX, "spdx-json": sbom.FormatSPDX}[v.SBOMFormat]
				if doc.Format != wantFormat || doc.Encoding != sbom.EncodingJSON {
					t.Errorf("format = %s %s, want %s JSON", doc.Format, doc.Encoding, wantFormat)
				}
				if n := len(doc.Components) - 1; n < 20 || n > 80 {
					t.Errorf("%d components besides the primary, want 20 to 80", n)
				}
				primary := doc.Primary()
				if primary == nil {
					t.Fatal("no primary component")
				}
				gotPrimary := []string{primary.Name, primary.Version, string(primary.Lifecycle.LevelOfSupport), primary.Lifecycle.EndOfSupport, primary.Lifecycle.EndOfLife}
				wantPrimary := []string{p.Name, v.Version, string(v.SupportLevel), v.EndOfSupport.Format(time.DateOnly), v.EndOfLife.Format(time.DateOnly)}
				if diff := cmp.Diff(wantPrimary, gotPrimary); diff != "" {
					t.Errorf("primary component vs manifest (-want +got):\n%s", diff)
				}
				rep := check.Run(doc, check.ProfileFDAPremarket)
				if !rep.Covered {
					for _, e := range rep.Elements {
						if e.Required && !e.Covered {
							t.Errorf("fda-premarket: %s missing in %v", e.Title, e.MissingIDs)
						}
					}
				}
				seen := map[string]bool{}
				for _, c := range doc.Components {
					if seen[c.Ref] {
						t.Errorf("component ref %q is not unique", c.Ref)
					}
					seen[c.Ref] = true
					if c.PURL == "" && len(c.CPEs) == 0 {
						t.Errorf("%s has neither purl nor CPE", c.Ref)
					}
					if c.PURL != "" {
						if _, err := packageurl.FromString(c.PURL); err != nil {
							t.Errorf("%s: purl %q: %v", c.Ref, c.PURL, err)
						}
					}
					for _, cpe := range c.CPEs {
						if !strings.HasPrefix(cpe, "cpe:2.3:") || strings.Count(cpe, ":") != 12 {
							t.Errorf("%s: %q is not a CPE 2.3 formatted string", c.Ref, cpe)
						}
					}
				}
			})
		}
	}
}

func compileSchema(t *testing.T, dir, main string) *jsonschema.Schema {
	t.Helper()
	return schematest.Compile(t, dir, main)
}

func validate(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	schematest.Validate(t, s, name, data)
}

// TestSchemas validates the SBOMs against the official CycloneDX 1.6 and
// SPDX 2.3 schemas and the advisories against the OSV schema.
func TestSchemas(t *testing.T) {
	schemas := realdata.Data(t, "schemas")
	byFormat := map[string]*jsonschema.Schema{
		"cyclonedx-json": compileSchema(t, filepath.Join(schemas, "cyclonedx"), "bom-1.6.schema.json"),
		"spdx-json":      compileSchema(t, filepath.Join(schemas, "spdx-2.3"), "spdx-schema.json"),
	}
	for _, p := range manifest(t).Products {
		for _, v := range p.Versions {
			data, err := demo.Open(v.SBOM)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, byFormat[v.SBOMFormat], v.SBOM, data)
		}
	}
	// The OSV schema takes IDs of registered databases only, and "x_" plus
	// any ID for others; DEMO- is not registered, so the ID is checked in
	// its "x_DEMO-…" form and everything else as written.
	osvSchema := compileSchema(t, filepath.Join(schemas, "osv"), "schema.json")
	for _, name := range advisoryFiles(t) {
		data, err := demo.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id, _ := rec["id"].(string)
		rec["id"] = "x_" + id
		if data, err = json.Marshal(rec); err != nil {
			t.Fatal(err)
		}
		validate(t, osvSchema, name, data)
	}
}

func advisoryFiles(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(demo.FS(), demo.AdvisoriesDir+"/DEMO-*.json")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestAdvisories checks that every advisory is plainly fictional.
func TestAdvisories(t *testing.T) {
	names := advisoryFiles(t)
	if n := len(names); n < 12 || n > 20 {
		t.Errorf("%d advisories, want 12 to 20", n)
	}
	byID := map[string]*vuln.Advisory{}
	for _, name := range names {
		data, err := demo.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		a, err := osv.Decode(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		byID[a.ID] = a
		if !strings.HasPrefix(a.ID, "DEMO-") || path.Base(name) != a.ID+".json" {
			t.Errorf("%s: id %q must start with DEMO- and name the file", name, a.ID)
		}
		if !strings.HasPrefix(a.Summary, "[DEMO] ") {
			t.Errorf("%s: summary %q does not start with [DEMO]", a.ID, a.Summary)
		}
		if !strings.Contains(a.Details, "Fictional demo data") {
			t.Errorf("%s: details do not say the advisory is fictional demo data", a.ID)
		}
		for _, al := range append(append([]string{}, a.Aliases...), a.Related...) {
			if !strings.HasPrefix(al, "DEMO-") {
				t.Errorf("%s: alias %q is not a DEMO- id", a.ID, al)
			}
		}
		for _, s := range a.Severities {
			if s.Type != vuln.CVSSv3 || !strings.HasPrefix(s.Vector, "CVSS:3.1/") || s.Score <= 0 {
				t.Errorf("%s: severity %+v, want a scored CVSS v3.1 vector", a.ID, s)
			}
		}
	}
	ratings := map[string]bool{}
	for id, a := range byID {
		sev := a.Severities
		for _, al := range a.Aliases {
			if other, ok := byID[al]; !ok {
				t.Errorf("%s: alias %s has no advisory in the demo set", id, al)
			} else if len(sev) == 0 {
				sev = other.Severities
			}
		}
		if len(sev) == 0 {
			t.Errorf("%s: no CVSS vector, neither its own nor an alias's", id)
			continue
		}
		ratings[match.RatingFromScore(sev[0].Score)] = true
	}
	if diff := cmp.Diff(map[string]bool{"low": true, "medium": true, "high": true, "critical": true}, ratings); diff != "" {
		t.Errorf("severity ratings covered (-want +got):\n%s", diff)
	}
}

// TestExamplesKB checks that the advisories shared with examples/kb (the
// earlier demo set) affect the same packages and versions there and here.
func TestExamplesKB(t *testing.T) {
	dir := filepath.Join(realdata.Root(t), "examples", "kb", "osv")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("examples/kb/osv is empty")
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			old, err := osv.Decode(e.Name(), data)
			if err != nil {
				t.Fatal(err)
			}
			ours, err := demo.Open(demo.AdvisoriesDir + "/" + old.ID + ".json")
			if err != nil {
				t.Fatalf("examples/kb has %s, the demo set does not: %v", old.ID, err)
			}
			a, err := osv.Decode(old.ID, ours)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(old.Affected, a.Affected); diff != "" {
				t.Errorf("affected (-examples/kb +demo):\n%s", diff)
			}
			if diff := cmp.Diff(old.Severities, a.Severities); diff != "" {
				t.Errorf("severities (-examples/kb +demo):\n%s", diff)
			}
		})
	}
}

// cveID matches any CVE ID, real or not.
var cveID = regexp.MustCompile(`(?i)CVE-[0-9]{4}-[0-9]{4,}`)

// TestNoCVE checks that no CVE ID appears in the demo data or its README.
func TestNoCVE(t *testing.T) {
	files := 0
	err := fs.WalkDir(demo.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := fs.ReadFile(demo.FS(), name)
		if err != nil {
			return err
		}
		if m := cveID.Find(data); m != nil {
			t.Errorf("%s holds %s", name, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 1+6+19+2 {
		t.Errorf("walked %d files, want the manifest, 6 SBOMs, 19 advisories, KEV and EPSS", files)
	}
	readme := filepath.Join(realdata.Root(t), "examples", "demo", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	if m := cveID.Find(data); m != nil {
		t.Errorf("%s holds %s", readme, m)
	}
}

func loadKB(t *testing.T) *vuln.KB {
	t.Helper()
	kb := vuln.NewKB()
	if err := demo.LoadKB(context.Background(), kb); err != nil {
		t.Fatalf("LoadKB: %v", err)
	}
	return kb
}

func TestLoadKB(t *testing.T) {
	kb := loadKB(t)
	if kb.Len() != 19 || kb.KEVCount() != 2 || kb.EPSSCount() != 10 {
		t.Errorf("kb holds %d advisories, %d KEV marks, %d EPSS scores; want 19, 2, 10", kb.Len(), kb.KEVCount(), kb.EPSSCount())
	}
	k := kb.KEV([]string{"DEMO-2026-0004"})
	want := &vuln.KEV{DateAdded: "2026-11-10", DueDate: "2026-12-01", RansomwareUse: "Known", VendorProject: "Apache", Product: "Log4j",
		Name: "DEMO DATA: Apache Log4j remote code execution", CatalogVersion: "2026.11.25",
		RequiredAction: "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable."}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("KEV mark of DEMO-2026-0004 (-want +got):\n%s", diff)
	}
	if e := kb.EPSS([]string{"DEMO-2026-0002"}); e == nil || e.Score != 0.931 || e.Percentile != 0.998 || e.Date != "2026-11-25" {
		t.Errorf("EPSS of DEMO-2026-0002 = %+v, want 0.931, percentile 0.998, 2026-11-25", e)
	}
	// The reader form (CVE- IDs) never reaches the knowledge base.
	if k := kb.KEV([]string{"CVE-2026-0004"}); k != nil {
		t.Errorf("KEV mark under CVE-2026-0004: %+v", k)
	}
	if e := kb.EPSS([]string{"CVE-2026-0002"}); e != nil {
		t.Errorf("EPSS score under CVE-2026-0002: %+v", e)
	}
	if diff := cmp.Diff([]string{"DEMO-2026-0011", "DEMO-2026-0019"}, kb.IDs("DEMO-2026-0019")); diff != "" {
		t.Errorf("aliases group (-want +got):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := demo.LoadKB(ctx, vuln.NewKB()); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadKB with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestFindings matches every demo SBOM against the demo knowledge base, as
// `medvigil scan` does.
func TestFindings(t *testing.T) {
	ix := match.NewIndex(loadKB(t))
	tests := []struct {
		sbom string
		want []string
		// pending are findings internal/match does not make yet; once it
		// does, they are expected too.
		pending []string
	}{
		{"sboms/ip-400-3.4.2.cdx.json", []string{"DEMO-2026-0002", "DEMO-2026-0008", "DEMO-2026-0010"}, nil},
		{"sboms/ip-400-4.1.0.cdx.json", []string{"DEMO-2026-0009"}, nil},
		{"sboms/pacs-viewer-5.0.3.cdx.json", []string{"DEMO-2026-0001", "DEMO-2026-0002", "DEMO-2026-0004", "DEMO-2026-0005", "DEMO-2026-0006", "DEMO-2026-0007"}, nil},
		{"sboms/pacs-viewer-5.1.0.cdx.json", []string{"DEMO-2026-0006", "DEMO-2026-0016"}, nil},
		{"sboms/pm-gateway-1.9.4.spdx.json", []string{"DEMO-2026-0003", "DEMO-2026-0011", "DEMO-2026-0012", "DEMO-2026-0013", "DEMO-2026-0017"}, nil},
		// openssl and libssl3 (upstream=openssl), curl and libcurl4
		// (upstream=curl): the Debian records name source packages.
		{"sboms/pm-gateway-2.3.0.spdx.json", []string{"DEMO-2026-0011", "DEMO-2026-0012", "DEMO-2026-0013", "DEMO-2026-0014", "DEMO-2026-0014",
			"DEMO-2026-0015", "DEMO-2026-0015", "DEMO-2026-0017"}, nil},
	}
	kevs, critical := map[string]bool{}, 0
	perProduct := map[string]int{}
	for _, tt := range tests {
		t.Run(path.Base(tt.sbom), func(t *testing.T) {
			doc, err := demo.Document(tt.sbom)
			if err != nil {
				t.Fatal(err)
			}
			findings := ix.Match(doc)
			var got []string
			for _, f := range findings {
				if f.Confidence != match.ConfidenceHigh {
					t.Errorf("%s on %s: confidence %s, want high (purl) only", f.ID, f.Component.Ref, f.Confidence)
				}
				if !strings.HasPrefix(f.ID, "DEMO-") {
					t.Errorf("finding %s is not a DEMO- advisory", f.ID)
				}
				if f.KEV != nil {
					kevs[f.ID] = true
				}
				if f.Severity.Rating == "critical" {
					critical++
				}
				got = append(got, f.ID)
			}
			sort.Strings(got)
			want := tt.want
			if len(got) > len(want) {
				want = append(append([]string{}, want...), tt.pending...)
				sort.Strings(want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			perProduct[strings.SplitN(path.Base(tt.sbom), "-", 2)[0]] += len(findings)
		})
	}
	if diff := cmp.Diff(map[string]bool{"DEMO-2026-0002": true, "DEMO-2026-0004": true}, kevs); diff != "" {
		t.Errorf("KEV findings (-want +got):\n%s", diff)
	}
	if critical == 0 {
		t.Error("no critical finding")
	}
	for _, p := range []string{"ip", "pacs", "pm"} {
		if perProduct[p] == 0 {
			t.Errorf("product %s has no finding", p)
		}
	}
}

// BenchmarkLoadKB measures loading the demo knowledge base and matching all
// six demo SBOMs, what `serve --demo` does at start-up.
func BenchmarkLoadKB(b *testing.B) {
	m, err := demo.Manifest()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		kb := vuln.NewKB()
		if err := demo.LoadKB(context.Background(), kb); err != nil {
			b.Fatal(err)
		}
		ix := match.NewIndex(kb)
		for _, p := range m.Products {
			for _, v := range p.Versions {
				doc, err := demo.Document(v.SBOM)
				if err != nil {
					b.Fatal(err)
				}
				ix.Match(doc)
			}
		}
	}
}
