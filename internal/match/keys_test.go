package match_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/vuln"
)

// TestPreparedMatchesMatch: Prepare + MatchPrepared give what Match gives,
// and Keys are the distinct ComponentKeys, on a synthetic SBOM whose
// packages have advisories in the shared OSV data, with candidates on and
// off.
func TestPreparedMatchesMatch(t *testing.T) {
	osvDir = realdata.Data(t, "osv")
	advs, err := sharedOSV()
	if err != nil {
		t.Fatal(err)
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	doc := synth.Generate(1000, 42)
	doc.Components = append(doc.Components, sbom.Component{Ref: "own-cpe", Name: "openssl", Version: "1.0.1",
		CPEs: []string{"cpe:2.3:a:openssl:openssl:1.0.1:*:*:*:*:*:*:*"}})
	for _, opts := range []match.Options{{}, {NoCPECandidates: true}} {
		ix := match.NewIndexWith(kb, opts)
		want := ix.Match(doc)
		if len(want) == 0 {
			t.Fatal("no findings: the test needs packages with advisories")
		}
		p := match.Prepare(doc, opts)
		if diff := cmp.Diff(want, ix.MatchPrepared(p)); diff != "" {
			t.Errorf("options %+v: MatchPrepared (-Match +MatchPrepared):\n%s", opts, diff)
		}
		seen := map[string]bool{}
		var keys []string
		for i := range doc.Components {
			for _, k := range match.ComponentKeys(&doc.Components[i], opts) {
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		if diff := cmp.Diff(keys, p.Keys()); diff != "" {
			t.Errorf("options %+v: Keys (-ComponentKeys +Keys):\n%s", opts, diff)
		}
	}
}

// TestKeysMeet: every finding of a component comes from an advisory that
// shares a key with it (what selecting advisories by key relies on).
func TestKeysMeet(t *testing.T) {
	osvDir = realdata.Data(t, "osv")
	advs, err := sharedOSV()
	if err != nil {
		t.Fatal(err)
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	ix := match.NewIndex(kb)
	doc := synth.Generate(1000, 7)
	byID := map[string][]string{}
	for _, a := range advs {
		byID[a.ID] = match.IndexKeys(a)
	}
	n := 0
	for i := range doc.Components {
		c := &doc.Components[i]
		ck := map[string]bool{}
		for _, k := range match.ComponentKeys(c, match.Options{}) {
			ck[k] = true
		}
		q := match.NewQuery(c)
		for _, f := range ix.MatchQuery(&q) {
			for _, ev := range f.Evidence {
				n++
				met := false
				for _, k := range byID[ev.Advisory] {
					met = met || ck[k]
				}
				if !met {
					t.Errorf("%s: finding from %s (%s) shares no key: component %v, advisory %v", c.Ref, ev.Advisory, ev.Rule, ck, byID[ev.Advisory])
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no evidence checked")
	}
}
