package portfolio

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/vuln"
)

// oracle matches every SBOM in full once and returns the hits of each
// vulnerability (by group root), sorted by SBOM ID.
func oracle(ix *match.Index, docs map[string]*sbom.Document) map[string][]Hit {
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	full := map[string][]Hit{}
	for _, id := range ids {
		byRoot := map[string][]match.Finding{}
		var roots []string
		for _, f := range ix.Match(docs[id]) {
			r := ix.KB().Group(f.ID)
			if byRoot[r] == nil {
				roots = append(roots, r)
			}
			byRoot[r] = append(byRoot[r], f)
		}
		for _, r := range roots {
			full[r] = append(full[r], Hit{SBOM: id, Findings: byRoot[r]})
		}
	}
	return full
}

// oddSBOM holds versions that parse differently per scheme, or not at all.
func oddSBOM() *sbom.Document {
	var comps []sbom.Component
	for i, v := range []string{"4.17.21-beta.1", "v4.17.20", "not-a-version", "2.9.10.1", "1.0.0+build.5", "2.31.0rc1", "13.0.1-beta1", "0.3.7", "1.2", "4.17.21", "2.9.10"} {
		for _, pkg := range []string{"pkg:npm/lodash@", "pkg:pypi/requests@", "pkg:maven/com.fasterxml.jackson.core/jackson-databind@", "pkg:golang/golang.org/x/text@", "pkg:nuget/Newtonsoft.Json@"} {
			comps = append(comps, sbom.Component{Ref: fmt.Sprintf("odd-%d-%d", i, len(comps)), Name: "x", Version: v, PURL: pkg + v})
		}
	}
	comps = append(comps, sbom.Component{Ref: "no-version", Name: "lodash", PURL: "pkg:npm/lodash"})
	return document(comps...)
}

// TestAffectedEqualsRescanRandom checks random OSV ranges (every event kind,
// SEMVER and ECOSYSTEM, versions lists, aliases, withdrawals) on generated
// SBOMs and odd versions against a full rescan.
func TestAffectedEqualsRescanRandom(t *testing.T) {
	docs := map[string]*sbom.Document{"odd": oddSBOM()}
	p := New()
	p.Add("odd", docs["odd"])
	for i := range 12 {
		id := fmt.Sprintf("sbom-%02d", i)
		docs[id] = synth.Generate(300, uint64(500+i))
		p.Add(id, docs[id])
	}
	pkgs := []struct{ eco, name string }{
		{"npm", "lodash"}, {"npm", "minimist"}, {"PyPI", "requests"}, {"PyPI", "Django"},
		{"Maven", "com.fasterxml.jackson.core:jackson-databind"}, {"Go", "golang.org/x/text"},
		{"NuGet", "Newtonsoft.Json"}, {"NuGet", "log4net"},
	}
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 99))
		version := func() string {
			switch rng.IntN(10) {
			case 0:
				return "0"
			case 1:
				return fmt.Sprintf("%d.%d", rng.IntN(5), rng.IntN(20))
			case 2:
				return fmt.Sprintf("%d.%d.%d-rc.1", rng.IntN(5), rng.IntN(20), rng.IntN(30))
			case 3:
				return []string{"4.17.21", "2.9.10", "0.3.7", "13.0.1", "not-a-version", "v1.2.3"}[rng.IntN(6)]
			}
			return fmt.Sprintf("%d.%d.%d", rng.IntN(5), rng.IntN(20), rng.IntN(30))
		}
		kb := vuln.NewKB()
		for i := range 60 {
			pk := pkgs[rng.IntN(len(pkgs))]
			af := vuln.Affected{Ecosystem: pk.eco, Name: pk.name}
			for range 1 + rng.IntN(2) {
				r := vuln.Range{Type: vuln.RangeEcosystem}
				if rng.IntN(3) == 0 {
					r.Type = vuln.RangeSemver
				}
				for range 1 + rng.IntN(4) {
					switch rng.IntN(5) {
					case 0, 1:
						r.Events = append(r.Events, vuln.Event{Introduced: version()})
					case 2:
						r.Events = append(r.Events, vuln.Event{Fixed: version()})
					case 3:
						r.Events = append(r.Events, vuln.Event{LastAffected: version()})
					case 4:
						r.Events = append(r.Events, vuln.Event{Limit: version()})
					}
				}
				af.Ranges = append(af.Ranges, r)
			}
			if rng.IntN(4) == 0 {
				af.Versions = []string{version(), "v4.17.20", "2.31.0rc1"}
			}
			a := &vuln.Advisory{ID: fmt.Sprintf("RAND-%d-%d", seed, i), Source: vuln.SourceOSV, Affected: []vuln.Affected{af}}
			if rng.IntN(4) == 0 {
				a.Aliases = []string{fmt.Sprintf("CVE-2099-%d", rng.IntN(10))}
			}
			if rng.IntN(10) == 0 {
				withdrawn(a)
			}
			kb.Add(a)
		}
		ix := match.NewIndex(kb)
		full := oracle(ix, docs)
		hits := 0
		for _, a := range kb.Advisories() {
			got := p.Affected(a, ix)
			hits += len(got)
			if diff := cmp.Diff(full[kb.Group(a.ID)], got); diff != "" {
				t.Errorf("seed %d, %s: Affected differs from a full rescan (-rescan +Affected):\n%s", seed, a.ID, diff)
			}
			if diff := cmp.Diff(sbomIDs(got), p.AffectedSBOMs(a, ix)); diff != "" {
				t.Errorf("seed %d, %s: AffectedSBOMs differs from Affected (-Affected +AffectedSBOMs):\n%s", seed, a.ID, diff)
			}
		}
		if hits == 0 {
			t.Errorf("seed %d: no hits; the test needs some", seed)
		}
	}
}
