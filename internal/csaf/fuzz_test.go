package csaf

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
)

// FuzzDecode checks that Decode never panics, that its error is an
// *input.Error naming the file, and that what it returns holds together:
// every advisory has an ID and every product it names is defined.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"nested.json", "base.json"} {
		f.Add(readFixture(f, name))
	}
	for _, s := range []string{
		csafDoc(minimal),
		csafDoc(minimal, twoProducts, `"vulnerabilities": [{"cve": "CVE-2024-1111", "product_status": {"known_affected": ["CSAFPID-1", "X"]}}, null, 5]`),
		`{"document": {"category": "csaf_base", "csaf_version": "2.1"}}`,
		`[{"document": {}}]`,
		"{\n  \"document\": {,}\n}",
	} {
		f.Add([]byte(s))
	}
	// A few real advisories, when the shared data is beside the repository;
	// the fuzz target runs without them.
	shared := filepath.Join(realdata.Root(f), "..", "shared", "data", "csaf")
	for _, rel := range []string{"icsma/2023/icsma-23-194-01.json", "icsma/2023/icsma-23-117-01.json", "icsma/2020/icsma-20-170-05.json", "icsa/2024/icsa-24-044-01.json"} {
		if data, err := os.ReadFile(filepath.Join(shared, filepath.FromSlash(rel))); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.json"
		Looks(data)
		doc, warns, err := Decode(name, data)
		for _, w := range warns {
			if w == nil || w.File != name || w.Pointer == "" && w.Line == 0 && w.Err == nil {
				t.Fatalf("bad warning %#v", w)
			}
		}
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.File != name {
				t.Fatalf("error %v (%T) is not an *input.Error naming %s", err, err, name)
			}
			if doc != nil {
				t.Fatalf("document returned with error %v", err)
			}
			return
		}
		if doc == nil || doc.Products == nil {
			t.Fatal("no document and no error")
		}
		for _, a := range doc.Advisories {
			if a.ID == "" || a.Source != vuln.SourceCSAF || a.Origin.File != name || a.Document != doc.TrackingID {
				t.Fatalf("bad advisory %+v", a)
			}
			for _, af := range a.Affected {
				if _, ok := doc.Products[af.ProductID]; !ok || af.Status == "" {
					t.Fatalf("advisory %s: affected %+v names an undefined product", a.ID, af)
				}
			}
			for _, r := range a.Remediations {
				for _, id := range r.Products {
					if _, ok := doc.Products[id]; !ok {
						t.Fatalf("advisory %s: remediation names undefined product %q", a.ID, id)
					}
				}
			}
		}
		for id, p := range doc.Products {
			if id == "" || p.ID != id {
				t.Fatalf("product %q has ID %q", id, p.ID)
			}
		}
	})
}
