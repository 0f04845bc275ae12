package portfolio

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/vuln"
)

// lib returns a library component with a purl (and CPEs, if given).
func lib(ref, name, version, purl string, cpes ...string) sbom.Component {
	return sbom.Component{Ref: ref, Type: "library", Name: name, Version: version, PURL: purl, CPEs: cpes,
		Supplier: &sbom.Party{Name: name + " maintainers"}}
}

func document(comps ...sbom.Component) *sbom.Document {
	return &sbom.Document{Format: sbom.FormatCycloneDX, SpecVersion: "1.6", Components: comps}
}

// testSBOMs are the stored SBOMs of the table tests, by ID.
func testSBOMs() map[string]*sbom.Document {
	return map[string]*sbom.Document{
		"a-pump": document(
			sbom.Component{Ref: "fw", Type: "firmware", Name: "pump-firmware", Version: "4.2",
				Manufacturer: &sbom.Party{Name: "Example Medical"}},
			lib("lodash", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20"),
			lib("requests", "requests", "2.30.0", "pkg:pypi/requests@2.30.0"),
			lib("json", "Newtonsoft.Json", "12.0.1", "pkg:nuget/Newtonsoft.Json@12.0.1", "cpe:2.3:a:newtonsoft:json.net:12.0.1:*:*:*:*:*:*:*"),
		),
		"b-monitor": document(
			lib("lodash", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21"),
			lib("jackson", "jackson-databind", "2.9.10", "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10"),
			lib("text", "text", "v0.3.6", "pkg:golang/golang.org/x/text@v0.3.6"),
		),
		"c-gateway": document(
			lib("lodash-1", "lodash", "4.17.15", "pkg:npm/lodash@4.17.15"),
			sbom.Component{Ref: "openssl", Name: "openssl", Version: "1.0.2t", CPEs: []string{"cpe:2.3:a:openssl:openssl:1.0.2t:*:*:*:*:*:*:*"}},
			sbom.Component{Ref: "zlib", Name: "zlib", Version: "1.2.11"},
			lib("lodash-2", "lodash", "4.17.15", "pkg:npm/lodash@4.17.15"),
			lib("lodash-3", "lodash", "3.0.0", "pkg:npm/lodash@3.0.0"),
		),
		"d-empty": document(),
		"e-python": document(
			lib("req", "Requests", "2.25.0", "pkg:pypi/Requests@2.25.0"),
			lib("django", "django", "3.2.0", "pkg:pypi/django@3.2.0"),
		),
	}
}

func osvAdv(id string, aliases []string, eco, name string, events ...vuln.Event) *vuln.Advisory {
	typ := vuln.RangeEcosystem
	if eco == "npm" || eco == "Go" {
		typ = vuln.RangeSemver
	}
	return &vuln.Advisory{ID: id, Aliases: aliases, Source: vuln.SourceOSV, Summary: id + " summary",
		Affected: []vuln.Affected{{Ecosystem: eco, Name: name, Ranges: []vuln.Range{{Type: typ, Events: events}}}}}
}

func nvdAdv(id, criteria, endExcluding string) *vuln.Advisory {
	return &vuln.Advisory{ID: id, Source: vuln.SourceNVD,
		Severities: []vuln.Severity{{Type: vuln.CVSSv3, Score: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
		CPEConfigs: []vuln.CPEMatch{{Criteria: criteria, Vulnerable: true, VersionEndExcluding: endExcluding}}}
}

// csafAdv is one vulnerability (CVE-2099-5) of a CSAF advisory.
func csafAdv(doc string, products ...vuln.Affected) *vuln.Advisory {
	return &vuln.Advisory{ID: doc + "-CVE", Aliases: []string{"CVE-2099-5"}, Source: vuln.SourceCSAF, Document: doc, Affected: products}
}

func intro(v string) vuln.Event { return vuln.Event{Introduced: v} }
func fixed(v string) vuln.Event { return vuln.Event{Fixed: v} }

// baseAdvisories are in the knowledge base of every table case.
func baseAdvisories() []*vuln.Advisory {
	return []*vuln.Advisory{
		osvAdv("GHSA-lodash", []string{"CVE-2021-23337"}, "npm", "lodash", intro("0"), fixed("4.17.21")),
		osvAdv("PYSEC-requests", []string{"CVE-2023-32681"}, "PyPI", "requests", intro("2.3.0"), fixed("2.31.0")),
		osvAdv("GHSA-requests", []string{"CVE-2023-32681"}, "PyPI", "requests", intro("2.3.0"), fixed("2.31.0")),
		nvdAdv("CVE-2020-1967", "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "1.0.2u"),
	}
}

// rescan is the oracle: every stored SBOM matched in full, findings kept
// to the vulnerability a belongs to.
func rescan(ix *match.Index, docs map[string]*sbom.Document, a *vuln.Advisory) []Hit {
	root := ix.KB().Group(a.ID)
	var ids []string
	for id := range docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var hits []Hit
	for _, id := range ids {
		var fs []match.Finding
		for _, f := range ix.Match(docs[id]) {
			if ix.KB().Group(f.ID) == root {
				fs = append(fs, f)
			}
		}
		if len(fs) > 0 {
			hits = append(hits, Hit{SBOM: id, Findings: fs})
		}
	}
	return hits
}

func sbomIDs(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.SBOM)
	}
	return out
}

func withdrawn(a *vuln.Advisory) *vuln.Advisory {
	a.Withdrawn = time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	return a
}

func TestAffected(t *testing.T) {
	docs := testSBOMs()
	p := New()
	for id, doc := range docs {
		p.Add(id, doc)
	}
	tests := []struct {
		name string
		// replace swaps base advisories by ID; add adds more.
		replace, add []*vuln.Advisory
		// changed is the advisory passed to Affected (by ID).
		changed  string
		options  match.Options
		want     []string // SBOM IDs
		wantCand []string // Candidates
		wantIDs  []string // IDs of the findings' vulnerability
	}{
		{
			name:    "added advisory",
			add:     []*vuln.Advisory{osvAdv("GHSA-jackson", nil, "Maven", "com.fasterxml.jackson.core:jackson-databind", intro("2.9.0"), vuln.Event{LastAffected: "2.9.10"})},
			changed: "GHSA-jackson", want: []string{"b-monitor"}, wantCand: []string{"b-monitor"}, wantIDs: []string{"GHSA-jackson"},
		},
		{
			name:    "unchanged advisory, two components of one version in one SBOM",
			changed: "GHSA-lodash", want: []string{"a-pump", "c-gateway"}, wantCand: []string{"a-pump", "b-monitor", "c-gateway"},
			wantIDs: []string{"CVE-2021-23337", "GHSA-lodash"},
		},
		{
			name:    "changed range now covers the fixed version",
			replace: []*vuln.Advisory{osvAdv("GHSA-lodash", []string{"CVE-2021-23337"}, "npm", "lodash", intro("0"), fixed("4.17.22"))},
			changed: "GHSA-lodash", want: []string{"a-pump", "b-monitor", "c-gateway"}, wantCand: []string{"a-pump", "b-monitor", "c-gateway"},
			wantIDs: []string{"CVE-2021-23337", "GHSA-lodash"},
		},
		{
			name:    "changed range narrowed",
			replace: []*vuln.Advisory{osvAdv("GHSA-lodash", []string{"CVE-2021-23337"}, "npm", "lodash", intro("4.0.0"), fixed("4.17.16"))},
			changed: "GHSA-lodash", want: []string{"c-gateway"}, wantCand: []string{"a-pump", "b-monitor", "c-gateway"},
			wantIDs: []string{"CVE-2021-23337", "GHSA-lodash"},
		},
		{
			name:    "withdrawn",
			replace: []*vuln.Advisory{withdrawn(osvAdv("GHSA-lodash", []string{"CVE-2021-23337"}, "npm", "lodash", intro("0"), fixed("4.17.21")))},
			changed: "GHSA-lodash", want: nil, wantCand: []string{"a-pump", "b-monitor", "c-gateway"},
		},
		{
			name:    "withdrawn, an alias still affects",
			replace: []*vuln.Advisory{withdrawn(osvAdv("PYSEC-requests", []string{"CVE-2023-32681"}, "PyPI", "requests", intro("2.3.0"), fixed("2.31.0")))},
			changed: "PYSEC-requests", want: []string{"a-pump", "e-python"}, wantCand: []string{"a-pump", "e-python"},
			wantIDs: []string{"CVE-2023-32681", "GHSA-requests", "PYSEC-requests"},
		},
		{
			name:    "alias of an existing vulnerability, other package",
			add:     []*vuln.Advisory{osvAdv("GO-2021-0001", []string{"CVE-2021-23337"}, "Go", "golang.org/x/text", intro("0"), fixed("0.3.7"))},
			changed: "GO-2021-0001", want: []string{"a-pump", "b-monitor", "c-gateway"}, wantCand: []string{"b-monitor"},
			wantIDs: []string{"CVE-2021-23337", "GHSA-lodash", "GO-2021-0001"},
		},
		{
			name:    "CPE-only advisory, the component's own CPE",
			changed: "CVE-2020-1967", want: []string{"c-gateway"}, wantCand: []string{"c-gateway"}, wantIDs: []string{"CVE-2020-1967"},
		},
		{
			name:    "CPE-only advisory, candidate CPE of a component without one",
			add:     []*vuln.Advisory{nvdAdv("CVE-2018-25032", "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*", "1.2.12")},
			changed: "CVE-2018-25032", want: []string{"c-gateway"}, wantCand: []string{"c-gateway"}, wantIDs: []string{"CVE-2018-25032"},
		},
		{
			name:    "CPE candidates turned off in the index",
			add:     []*vuln.Advisory{nvdAdv("CVE-2018-25032", "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*", "1.2.12")},
			options: match.Options{NoCPECandidates: true},
			changed: "CVE-2018-25032", want: nil, wantCand: []string{"c-gateway"},
		},
		{
			name:    "NuGet names are case-insensitive; the CPE also names the package",
			add:     []*vuln.Advisory{osvAdv("GHSA-json", nil, "NuGet", "newtonsoft.json", intro("0"), fixed("13.0.1"))},
			changed: "GHSA-json", want: []string{"a-pump"}, wantCand: []string{"a-pump"}, wantIDs: []string{"GHSA-json"},
		},
		{
			name:    "PyPI names per PEP 503",
			add:     []*vuln.Advisory{osvAdv("PYSEC-django", nil, "PyPI", "Django", intro("3.0"), fixed("3.2.1"))},
			changed: "PYSEC-django", want: []string{"e-python"}, wantCand: []string{"e-python"}, wantIDs: []string{"PYSEC-django"},
		},
		{
			name: "CSAF product named by vendor and product",
			add: []*vuln.Advisory{csafAdv("ICSMA-2099-1", vuln.Affected{Vendor: "Example Medical", Product: "Pump Firmware", Versions: []string{"4.2"},
				Status: "known_affected"})},
			changed: "ICSMA-2099-1-CVE", want: []string{"a-pump"}, wantCand: []string{"a-pump"}, wantIDs: []string{"CVE-2099-5", "ICSMA-2099-1-CVE"},
		},
		{
			name: "CSAF product name with the vendor's word in front",
			add: []*vuln.Advisory{csafAdv("ICSMA-2099-1", vuln.Affected{Vendor: "Example Medical", Product: "Example Pump Firmware",
				Versions: []string{"4.2"}, Status: "known_affected"})},
			changed: "ICSMA-2099-1-CVE", want: []string{"a-pump"}, wantCand: []string{"a-pump"}, wantIDs: []string{"CVE-2099-5", "ICSMA-2099-1-CVE"},
		},
		{
			// The index matches by name only components that nothing else
			// identified: both requests components have OSV findings.
			name: "CSAF product name of a component an OSV advisory identifies",
			add: []*vuln.Advisory{csafAdv("ICSMA-2099-1", vuln.Affected{Vendor: "Requests", Product: "requests", Versions: []string{"2.30.0", "2.25.0"},
				Status: "known_affected"})},
			changed: "ICSMA-2099-1-CVE", want: nil, wantCand: []string{"a-pump", "e-python"},
		},
		{
			name: "CSAF purl and CPE helpers",
			add: []*vuln.Advisory{csafAdv("ICSMA-2099-1",
				vuln.Affected{PURL: "pkg:npm/lodash@4.17.15", Product: "lodash 4.17.15", Status: "known_affected"},
				vuln.Affected{CPE: "cpe:2.3:a:openssl:openssl:1.0.2t:*:*:*:*:*:*:*", Product: "OpenSSL 1.0.2t", Status: "known_affected"},
				vuln.Affected{PURL: "pkg:pypi/requests@2.30.0", Product: "requests 2.30.0", Status: "fixed"})},
			changed: "ICSMA-2099-1-CVE", want: []string{"c-gateway"}, wantCand: []string{"a-pump", "b-monitor", "c-gateway", "e-python"},
			wantIDs: []string{"CVE-2099-5", "ICSMA-2099-1-CVE"},
		},
		{
			name:    "no stored SBOM holds the package",
			add:     []*vuln.Advisory{osvAdv("GHSA-leftpad", nil, "npm", "left-pad", intro("0"))},
			changed: "GHSA-leftpad", want: nil, wantCand: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb := vuln.NewKB()
			var changed *vuln.Advisory
			for _, a := range append(baseAdvisories(), tt.add...) {
				if i := slices.IndexFunc(tt.replace, func(r *vuln.Advisory) bool { return r.ID == a.ID }); i >= 0 {
					a = tt.replace[i]
				}
				kb.Add(a)
				if a.ID == tt.changed {
					changed = a
				}
			}
			kb.SetKEV(map[string]vuln.KEV{"CVE-2021-23337": {DateAdded: "2024-01-01"}})
			kb.SetEPSS(map[string]vuln.EPSS{"CVE-2023-32681": {Score: 0.4, Date: "2025-01-01"}})
			ix := match.NewIndexWith(kb, tt.options)

			got := p.Affected(changed, ix)
			if diff := cmp.Diff(tt.want, sbomIDs(got)); diff != "" {
				t.Errorf("affected SBOMs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(rescan(ix, docs, changed), got); diff != "" {
				t.Errorf("Affected differs from a full rescan (-rescan +Affected):\n%s", diff)
			}
			if diff := cmp.Diff(sbomIDs(got), p.AffectedSBOMs(changed, ix)); diff != "" {
				t.Errorf("AffectedSBOMs differs from Affected (-Affected +AffectedSBOMs):\n%s", diff)
			}
			for _, h := range got {
				for _, f := range h.Findings {
					if diff := cmp.Diff(tt.wantIDs, f.IDs); diff != "" {
						t.Errorf("%s %s: IDs (-want +got):\n%s", h.SBOM, f.Component.Ref, diff)
					}
				}
			}
			if diff := cmp.Diff(tt.wantCand, p.Candidates(changed)); diff != "" {
				t.Errorf("Candidates (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAffectedUnknownAdvisory(t *testing.T) {
	p := New()
	for id, doc := range testSBOMs() {
		p.Add(id, doc)
	}
	kb := vuln.NewKB()
	kb.Add(baseAdvisories()...)
	ix := match.NewIndex(kb)
	a := osvAdv("GHSA-new", nil, "npm", "lodash", intro("0"))
	if got := p.Affected(a, ix); got != nil {
		t.Errorf("Affected of an advisory the index does not hold = %v, want nil", sbomIDs(got))
	}
	if diff := cmp.Diff([]string{"a-pump", "b-monitor", "c-gateway"}, p.Candidates(a)); diff != "" {
		t.Errorf("Candidates (-want +got):\n%s", diff)
	}
}

func TestAddRemove(t *testing.T) {
	kb := vuln.NewKB()
	kb.Add(baseAdvisories()...)
	ix := match.NewIndex(kb)
	lodash := kb.GroupAdvisories("GHSA-lodash")[0]
	docs := testSBOMs()
	p := New()
	for id, doc := range docs {
		p.Add(id, doc)
	}
	check := func(step string, want []string) {
		t.Helper()
		got := p.Affected(lodash, ix)
		if diff := cmp.Diff(want, sbomIDs(got)); diff != "" {
			t.Errorf("%s: affected (-want +got):\n%s", step, diff)
		}
		if diff := cmp.Diff(rescan(ix, docs, lodash), got); diff != "" {
			t.Errorf("%s: Affected differs from a full rescan (-rescan +Affected):\n%s", step, diff)
		}
	}
	check("all", []string{"a-pump", "c-gateway"})

	p.Remove("a-pump")
	delete(docs, "a-pump")
	p.Remove("no-such-sbom")
	check("a-pump removed", []string{"c-gateway"})

	docs["b-monitor"] = document(lib("lodash", "lodash", "4.17.4", "pkg:npm/lodash@4.17.4"))
	p.Add("b-monitor", docs["b-monitor"])
	check("b-monitor replaced", []string{"b-monitor", "c-gateway"})

	docs["a-pump"] = testSBOMs()["a-pump"]
	p.Add("a-pump", docs["a-pump"])
	check("a-pump added again", []string{"a-pump", "b-monitor", "c-gateway"})

	for id := range docs {
		p.Remove(id)
		delete(docs, id)
	}
	if got, want := p.Stats(), (Stats{}); got != want {
		t.Errorf("stats after removing everything = %+v, want %+v", got, want)
	}
	if len(p.keys) != 0 || len(p.byComp) != 0 {
		t.Errorf("after removing everything: %d keys and %d variants left", len(p.keys), len(p.byComp))
	}
	check("empty", nil)
}

// TestSamePURL stores components that share a purl but differ in what
// matching reads, and removes them in turn.
func TestSamePURL(t *testing.T) {
	kb := vuln.NewKB()
	kb.Add(baseAdvisories()...)
	kb.Add(nvdAdv("CVE-2099-1", "cpe:2.3:a:lodash:lodash:*:*:*:*:*:*:*:*", "4.17.21"))
	ix := match.NewIndex(kb)
	const purl = "pkg:npm/lodash@4.17.20"
	docs := map[string]*sbom.Document{
		"nil-cpes":   document(sbom.Component{Ref: "a", Name: "lodash", Version: "4.17.20", PURL: purl}),
		"empty-cpes": document(sbom.Component{Ref: "a", Name: "lodash", Version: "4.17.20", PURL: purl, CPEs: []string{}}),
		"own-cpe":    document(lib("a", "lodash", "4.17.20", purl, "cpe:2.3:a:lodash:lodash:4.17.20:*:*:*:*:*:*:*")),
		"supplier":   document(lib("a", "lodash", "4.17.20", purl)),
	}
	p := New()
	for id, doc := range docs {
		p.Add(id, doc)
	}
	if got := p.Stats().Variants; got != 4 {
		t.Errorf("variants = %d, want 4", got)
	}
	check := func(step string) {
		t.Helper()
		for _, id := range []string{"GHSA-lodash", "CVE-2099-1"} {
			a := kb.GroupAdvisories(id)[0]
			if diff := cmp.Diff(rescan(ix, docs, a), p.Affected(a, ix)); diff != "" {
				t.Errorf("%s, %s: Affected differs from a full rescan (-rescan +Affected):\n%s", step, id, diff)
			}
		}
	}
	check("all")
	for _, id := range []string{"empty-cpes", "nil-cpes", "supplier", "own-cpe"} {
		p.Remove(id)
		delete(docs, id)
		check(id + " removed")
	}
	if len(p.byComp) != 0 || len(p.orders) != 0 || len(p.keys) != 0 {
		t.Errorf("left after removing everything: %d byComp, %d orders, %d keys", len(p.byComp), len(p.orders), len(p.keys))
	}
}

func TestStats(t *testing.T) {
	p := New()
	p.Add("x", synth.Generate(200, 1))
	p.Add("y", synth.Generate(200, 1)) // same components, other SBOM
	s := p.Stats()
	if s.SBOMs != 2 || s.Components != 402 || s.Variants > 201 || s.Keys == 0 {
		t.Errorf("stats = %+v, want 2 SBOMs, 402 components, at most 201 variants", s)
	}
}

// synthAdvisories name the packages synth.Generate uses (its versions are
// MAJOR.MINOR.PATCH with MAJOR < 5, MINOR < 20, PATCH < 30).
func synthAdvisories() []*vuln.Advisory {
	advs := []*vuln.Advisory{
		osvAdv("GHSA-synth-lodash", []string{"CVE-2099-0001"}, "npm", "lodash", intro("0"), fixed("4.17.21")),
		osvAdv("PYSEC-synth-requests", []string{"CVE-2099-0002"}, "PyPI", "requests", intro("2.3.0"), fixed("2.31.0")),
		osvAdv("GHSA-synth-jackson", nil, "Maven", "com.fasterxml.jackson.core:jackson-databind", intro("2.9.0"), vuln.Event{LastAffected: "2.9.10"}),
		osvAdv("GO-synth-text", []string{"CVE-2099-0001"}, "Go", "golang.org/x/text", intro("0"), fixed("0.3.7")),
		osvAdv("GHSA-synth-json", []string{"CVE-2099-0003"}, "NuGet", "Newtonsoft.Json", intro("0"), fixed("13.0.1")),
		osvAdv("GHSA-synth-minimist", nil, "npm", "minimist", intro("1.0.0"), vuln.Event{Limit: "2.0.0"}),
		nvdAdv("CVE-2099-0003", "cpe:2.3:a:newtonsoft:newtonsoft.json:*:*:*:*:*:*:*:*", "2.0.0"),
		nvdAdv("CVE-2099-0004", "cpe:2.3:a:freertos:wolfssl:*:*:*:*:*:*:*:*", "3.5.0"),
		withdrawn(osvAdv("GHSA-synth-urllib3", nil, "PyPI", "urllib3", intro("0"))),
	}
	advs[0].Affected[0].Versions = []string{"4.19.0"}
	return advs
}

// TestAffectedEqualsRescanSynth checks every synthetic advisory against a
// full rescan of generated SBOMs.
func TestAffectedEqualsRescanSynth(t *testing.T) {
	docs := map[string]*sbom.Document{}
	p := New()
	for i := range 30 {
		id := fmt.Sprintf("sbom-%02d", i)
		docs[id] = synth.Generate(150, uint64(i+1))
		p.Add(id, docs[id])
	}
	kb := vuln.NewKB()
	kb.Add(synthAdvisories()...)
	kb.SetKEV(map[string]vuln.KEV{"CVE-2099-0001": {DateAdded: "2099-01-01"}})
	ix := match.NewIndex(kb)
	for _, a := range kb.Advisories() {
		got := p.Affected(a, ix)
		if diff := cmp.Diff(rescan(ix, docs, a), got); diff != "" {
			t.Errorf("%s: Affected differs from a full rescan (-rescan +Affected):\n%s", a.ID, diff)
		}
		if diff := cmp.Diff(sbomIDs(got), p.AffectedSBOMs(a, ix)); diff != "" {
			t.Errorf("%s: AffectedSBOMs differs from Affected (-Affected +AffectedSBOMs):\n%s", a.ID, diff)
		}
		if len(got) == 0 && !a.IsWithdrawn() {
			t.Errorf("%s affects no SBOM; the test needs hits", a.ID)
		}
	}
}

// TestConcurrent runs readers beside writers (go test -race).
func TestConcurrent(t *testing.T) {
	docs := testSBOMs()
	p := New()
	for id, doc := range docs {
		p.Add(id, doc)
	}
	kb := vuln.NewKB()
	kb.Add(baseAdvisories()...)
	ix := match.NewIndex(kb)
	lodash := kb.GroupAdvisories("GHSA-lodash")[0]
	want := rescan(ix, docs, lodash)
	other := document(lib("ws", "ws", "7.4.5", "pkg:npm/ws@7.4.5"))
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Go(func() {
			for range 50 {
				if diff := cmp.Diff(want, p.Affected(lodash, ix)); diff != "" {
					t.Errorf("reader %d (-want +got):\n%s", r, diff)
					return
				}
				if diff := cmp.Diff(sbomIDs(want), p.AffectedSBOMs(lodash, ix)); diff != "" {
					t.Errorf("reader %d, AffectedSBOMs (-want +got):\n%s", r, diff)
					return
				}
				p.Candidates(lodash)
				p.Stats()
			}
		})
	}
	wg.Go(func() {
		for i := range 100 {
			id := fmt.Sprintf("other-%d", i%7)
			if i%3 == 2 {
				p.Remove(id)
			} else {
				p.Add(id, other)
			}
		}
	})
	wg.Wait()
}
