package portfolio

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/feeds"
	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/vuln"
)

// TestAffectedEqualsRescanRealOSV checks, for every real OSV advisory that
// names a package of generated SBOMs, that Affected equals a full rescan.
func TestAffectedEqualsRescanRealOSV(t *testing.T) {
	kb := loadOSV(t, synthAdvisories()...)
	ix := match.NewIndex(kb)
	docs := map[string]*sbom.Document{}
	p := New()
	for i := range 20 {
		id := fmt.Sprintf("sbom-%02d", i)
		docs[id] = synth.Generate(150, uint64(1000+i))
		p.Add(id, docs[id])
	}
	full := oracle(ix, docs)
	checked, hit := 0, 0
	for _, a := range kb.Advisories() {
		if len(p.Candidates(a)) == 0 && len(full[kb.Group(a.ID)]) == 0 {
			continue
		}
		checked++
		got := p.Affected(a, ix)
		if len(got) > 0 {
			hit++
		}
		if diff := cmp.Diff(full[kb.Group(a.ID)], got); diff != "" {
			t.Errorf("%s: Affected differs from a full rescan (-rescan +Affected):\n%s", a.ID, diff)
		}
	}
	t.Logf("%d advisories name a stored package, %d affect a stored SBOM", checked, hit)
	if hit < 50 {
		t.Errorf("only %d advisories affect a stored SBOM; the test needs more hits", hit)
	}
}

// TestAffectedEqualsRescanRealSBOMs stores the shared real SBOMs and
// checks, for every advisory of the shared OSV, NVD, CSAF and KEV data that
// names a stored package, that Affected equals a full rescan.
func TestAffectedEqualsRescanRealSBOMs(t *testing.T) {
	kb := vuln.NewKB()
	paths := []string{realdata.Data(t, "osv"), realdata.Data(t, "nvd"), realdata.Data(t, "csaf"), realdata.Data(t, "kev", "known_exploited_vulnerabilities.json")}
	if _, _, err := feeds.Load(context.Background(), kb, paths, nil, nil); err != nil {
		t.Fatal(err)
	}
	ix := match.NewIndex(kb)
	docs := map[string]*sbom.Document{}
	root := realdata.Data(t, "sboms")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		doc, err := formats.ReadFile(context.Background(), path, formats.Options{})
		if err != nil {
			return nil // not an SBOM medvigil reads (the shared data has a few)
		}
		rel, _ := filepath.Rel(root, path)
		docs[rel] = doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p := New()
	for id, doc := range docs {
		p.Add(id, doc)
	}
	full := oracle(ix, docs)
	checked, hit := 0, 0
	bySource := map[vuln.Source]int{}
	for _, a := range kb.Advisories() {
		want := full[kb.Group(a.ID)]
		if len(p.Candidates(a)) == 0 && len(want) == 0 {
			continue
		}
		checked++
		got := p.Affected(a, ix)
		if len(got) > 0 {
			hit++
			bySource[a.Source]++
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Affected differs from a full rescan (-rescan +Affected):\n%s", a.ID, diff)
		}
	}
	t.Logf("%d SBOMs, %+v; %d advisories name a stored package, %d affect a stored SBOM (by source: %v)", len(docs), p.Stats(), checked, hit, bySource)
	if len(docs) < 50 || hit < 100 {
		t.Errorf("%d SBOMs read, %d advisories hit; want the shared data", len(docs), hit)
	}
}
