package storetest

import (
	"errors"
	"testing"

	"medvigil/internal/store"
)

// testGetByIDs: GetProducts, GetVersions and GetComponents return the
// caller's objects by ascending ID and leave out foreign and unknown IDs.
func testGetByIDs(t *testing.T, s store.Store) {
	c := ctx(t)
	a, b := populate(t, s, "a"), populate(t, s, "b")
	p2 := must(s.CreateProduct(c, store.Product{OrgID: a.org.ID, Name: "Monitor"}))(t)
	v2 := must(s.CreateVersion(c, store.Version{OrgID: a.org.ID, ProductID: p2.ID, Version: "1"}))(t)
	for _, tc := range []struct {
		name string
		got  func(ids []int64) ([]int64, error)
		ids  []int64
		want []int64
	}{
		{"products", func(x []int64) ([]int64, error) { return ids(s.GetProducts(c, a.org.ID, x)) },
			[]int64{p2.ID, b.product.ID, a.product.ID, 1 << 40, p2.ID}, []int64{a.product.ID, p2.ID}},
		{"products none", func(x []int64) ([]int64, error) { return ids(s.GetProducts(c, a.org.ID, x)) }, nil, []int64{}},
		{"versions", func(x []int64) ([]int64, error) { return ids(s.GetVersions(c, a.org.ID, x)) },
			[]int64{v2.ID, b.version.ID, a.version.ID}, []int64{a.version.ID, v2.ID}},
		{"versions foreign only", func(x []int64) ([]int64, error) { return ids(s.GetVersions(c, a.org.ID, x)) },
			[]int64{b.version.ID}, []int64{}},
		{"components", func(x []int64) ([]int64, error) { return ids(s.GetComponents(c, a.org.ID, x)) },
			[]int64{a.comps[2].ID, b.comps[0].ID, a.comps[0].ID}, []int64{a.comps[0].ID, a.comps[2].ID}},
		{"components of b", func(x []int64) ([]int64, error) { return ids(s.GetComponents(c, b.org.ID, x)) },
			[]int64{a.comps[0].ID, b.comps[1].ID}, []int64{b.comps[1].ID}},
	} {
		same(t, tc.name, must(tc.got(tc.ids))(t), tc.want)
	}
	vs := must(s.GetVersions(c, a.org.ID, []int64{v2.ID}))(t)
	if len(vs) != 1 || vs[0].ProductID != p2.ID || vs[0].Version != "1" {
		t.Errorf("GetVersions: got %+v, want version 1 of product %d", vs, p2.ID)
	}
	cs := must(s.GetComponents(c, a.org.ID, []int64{a.comps[1].ID}))(t)
	same(t, "GetComponents data", cs, []store.Component{a.comps[1]})
}

// testAliasIndex: ListFindings by VulnIDs follows the aliases as they are
// now (an alias dropped by UpsertFindings no longer matches, a new one
// does), stays within the organization and survives deletes.
func testAliasIndex(t *testing.T, s store.Store) {
	c := ctx(t)
	a, b := populate(t, s, "a"), populate(t, s, "b") // both: CVE-2024-0001 / GHSA-aaaa-bbbb-cccc
	byVuln := func(org int64, id ...string) []int64 {
		t.Helper()
		return must(ids(s.ListFindings(c, org, store.FindingFilter{VulnIDs: id}, store.Page{})))(t)
	}
	same(t, "alias in a", byVuln(a.org.ID, "GHSA-aaaa-bbbb-cccc"), []int64{a.finding.ID})
	same(t, "alias in b", byVuln(b.org.ID, "GHSA-aaaa-bbbb-cccc"), []int64{b.finding.ID})
	f := a.finding
	f.Aliases = []string{"GHSA-new0-0000-0000", "GHSA-new1-1111-1111"}
	second := store.Finding{ComponentID: a.comps[1].ID, VulnID: "CVE-2024-0002", Aliases: []string{"GHSA-new1-1111-1111"}, Severity: "low"}
	ch := must(s.UpsertFindings(c, a.org.ID, a.version.ID, []store.Finding{f, second}, at(1)))(t)
	if len(ch.New) != 1 {
		t.Fatalf("upsert: %d new, want 1", len(ch.New))
	}
	same(t, "dropped alias", byVuln(a.org.ID, "GHSA-aaaa-bbbb-cccc"), []int64{})
	same(t, "dropped alias, other org", byVuln(b.org.ID, "GHSA-aaaa-bbbb-cccc"), []int64{b.finding.ID})
	same(t, "new alias", byVuln(a.org.ID, "GHSA-new0-0000-0000"), []int64{a.finding.ID})
	same(t, "shared alias", byVuln(a.org.ID, "GHSA-new1-1111-1111"), []int64{a.finding.ID, ch.New[0].ID})
	same(t, "id or alias", byVuln(a.org.ID, "CVE-2024-0002", "GHSA-new0-0000-0000"), []int64{a.finding.ID, ch.New[0].ID})
	same(t, "other org's alias", byVuln(b.org.ID, "GHSA-new0-0000-0000"), []int64{})
	// Resolved findings keep their aliases (the API lists them too).
	must(s.UpsertFindings(c, a.org.ID, a.version.ID, []store.Finding{f}, at(2)))(t)
	same(t, "resolved by alias", byVuln(a.org.ID, "GHSA-new1-1111-1111"), []int64{a.finding.ID, ch.New[0].ID})
	ok(t, s.DeleteVersion(c, a.org.ID, a.version.ID))
	same(t, "after delete", byVuln(a.org.ID, "GHSA-new1-1111-1111"), []int64{})
	same(t, "other org after delete", byVuln(b.org.ID, "GHSA-aaaa-bbbb-cccc"), []int64{b.finding.ID})
}

// testUpsertBatch: UpsertFindingsBatch records each version as
// UpsertFindings would, skips versions not in the organization, refuses a
// version listed twice, and reopens a resolved finding only when it is back.
func testUpsertBatch(t *testing.T, s store.Store) {
	c := ctx(t)
	a, b := populate(t, s, "a"), populate(t, s, "b")
	// A twin setup per version: x is recorded by UpsertFindings, y by the batch.
	type twin struct {
		v     store.Version
		comps []store.Component
	}
	mk := func(name string) twin {
		v := must(s.CreateVersion(c, store.Version{OrgID: a.org.ID, ProductID: a.product.ID, Version: name}))(t)
		_, comps := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: v.ID, Raw: []byte("{}")}, components(3)))(t)
		return twin{v, comps}
	}
	x, y := mk("x"), mk("y")
	rounds := []func(cs []store.Component) []store.Finding{
		func(cs []store.Component) []store.Finding {
			return []store.Finding{
				{ComponentID: cs[0].ID, VulnID: "CVE-1", Aliases: []string{"GHSA-1"}, Severity: "high"},
				{ComponentID: cs[1].ID, VulnID: "CVE-2", Severity: "low"},
				{ComponentID: cs[2].ID, VulnID: "CVE-3", Severity: "medium"},
			}
		},
		func(cs []store.Component) []store.Finding { // CVE-2 resolved, CVE-1 changes, CVE-4 new
			return []store.Finding{
				{ComponentID: cs[0].ID, VulnID: "CVE-1", Aliases: []string{"GHSA-1"}, Severity: "critical", KEV: true},
				{ComponentID: cs[2].ID, VulnID: "CVE-3", Severity: "medium"},
				{ComponentID: cs[2].ID, VulnID: "CVE-4", Severity: "low"},
			}
		},
		func(cs []store.Component) []store.Finding { // CVE-2 reopens; CVE-3, CVE-4 resolved
			return []store.Finding{
				{ComponentID: cs[0].ID, VulnID: "CVE-1", Aliases: []string{"GHSA-1"}, Severity: "critical", KEV: true},
				{ComponentID: cs[1].ID, VulnID: "CVE-2", Severity: "low"},
			}
		},
		func(cs []store.Component) []store.Finding { // nothing changes; resolved stay resolved
			return []store.Finding{
				{ComponentID: cs[0].ID, VulnID: "CVE-1", Aliases: []string{"GHSA-1"}, Severity: "critical", KEV: true},
				{ComponentID: cs[1].ID, VulnID: "CVE-2", Severity: "low"},
			}
		},
	}
	// shape is a change list without IDs and components, to compare twins.
	shape := func(fs []store.Finding) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.VulnID+"/"+f.Severity+"/"+f.Status)
		}
		return out
	}
	for i, round := range rounds {
		now := at(10 * (i + 1))
		want := must(s.UpsertFindings(c, a.org.ID, x.v.ID, round(x.comps), now))(t)
		got := must(s.UpsertFindingsBatch(c, a.org.ID, []store.VersionFindings{
			{VersionID: y.v.ID, Findings: round(y.comps)},
			{VersionID: b.version.ID, Findings: []store.Finding{{ComponentID: b.comps[0].ID, VulnID: "CVE-9", Severity: "high"}}},
			{VersionID: 1 << 40},
		}, now))(t)
		if len(got) != 1 {
			t.Fatalf("round %d: batch recorded %d versions, want 1 (foreign and unknown skipped)", i, len(got))
		}
		g := got[y.v.ID]
		same(t, "round "+itoa(i)+" new", shape(g.New), shape(want.New))
		same(t, "round "+itoa(i)+" changed", shape(g.Changed), shape(want.Changed))
		same(t, "round "+itoa(i)+" resolved", shape(g.Resolved), shape(want.Resolved))
		wantAll := must(s.ListFindings(c, a.org.ID, store.FindingFilter{VersionID: x.v.ID}, store.Page{}))(t)
		gotAll := must(s.ListFindings(c, a.org.ID, store.FindingFilter{VersionID: y.v.ID}, store.Page{}))(t)
		same(t, "round "+itoa(i)+" stored", shape(gotAll), shape(wantAll))
		for j := range gotAll {
			if j < len(wantAll) && (!gotAll[j].LastSeen.Equal(wantAll[j].LastSeen) || !gotAll[j].FirstSeen.Equal(wantAll[j].FirstSeen) ||
				(gotAll[j].Resolved == nil) != (wantAll[j].Resolved == nil)) {
				t.Errorf("round %d: stored finding %d times differ: batch %+v, single %+v", i, j, gotAll[j], wantAll[j])
			}
		}
	}
	// Another organization's version was skipped: b still has its one finding.
	same(t, "org b untouched", must(ids(s.ListFindings(c, b.org.ID, store.FindingFilter{}, store.Page{})))(t), []int64{b.finding.ID})
	// A version listed twice is refused, and nothing is written.
	_, err := s.UpsertFindingsBatch(c, a.org.ID, []store.VersionFindings{{VersionID: y.v.ID}, {VersionID: y.v.ID}}, at(100))
	if err == nil {
		t.Error("UpsertFindingsBatch accepted a version twice")
	}
	// A component of another version is refused (ErrNotFound) and rolls back.
	before := must(ids(s.ListFindings(c, a.org.ID, store.FindingFilter{Status: store.StatusOpen}, store.Page{})))(t)
	_, err = s.UpsertFindingsBatch(c, a.org.ID, []store.VersionFindings{
		{VersionID: x.v.ID},
		{VersionID: y.v.ID, Findings: []store.Finding{{ComponentID: x.comps[0].ID, VulnID: "CVE-1"}}},
	}, at(100))
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpsertFindingsBatch with a foreign component: err %v, want ErrNotFound", err)
	}
	same(t, "rolled back", must(ids(s.ListFindings(c, a.org.ID, store.FindingFilter{Status: store.StatusOpen}, store.Page{})))(t), before)
	// Only: absence resolves only the findings of the vulnerabilities named
	// (by ID or alias); the others keep their state and LastSeen.
	z := mk("z")
	base := must(s.UpsertFindings(c, a.org.ID, z.v.ID, []store.Finding{
		{ComponentID: z.comps[0].ID, VulnID: "CVE-A", Severity: "high"},
		{ComponentID: z.comps[1].ID, VulnID: "CVE-B", Severity: "low"},
		{ComponentID: z.comps[2].ID, VulnID: "CVE-C", Aliases: []string{"GHSA-C"}, Severity: "low"},
		{ComponentID: z.comps[2].ID, VulnID: "CVE-D", Severity: "low"},
	}, at(200)))(t)
	res := must(s.UpsertFindingsBatch(c, a.org.ID, []store.VersionFindings{{VersionID: z.v.ID, Only: []string{"CVE-B", "GHSA-C", "CVE-D"},
		Findings: []store.Finding{
			{ComponentID: z.comps[2].ID, VulnID: "CVE-D", Severity: "critical"},
			{ComponentID: z.comps[0].ID, VulnID: "CVE-E", Severity: "medium"},
		}}}, at(210)))(t)[z.v.ID]
	same(t, "Only: resolved", shape(res.Resolved), []string{"CVE-B/low/resolved", "CVE-C/low/resolved"})
	same(t, "Only: changed", shape(res.Changed), []string{"CVE-D/critical/open"})
	same(t, "Only: new", shape(res.New), []string{"CVE-E/medium/open"})
	after := must(s.ListFindings(c, a.org.ID, store.FindingFilter{VersionID: z.v.ID}, store.Page{}))(t)
	same(t, "Only: stored", shape(after), []string{"CVE-A/high/open", "CVE-B/low/resolved", "CVE-C/low/resolved", "CVE-D/critical/open", "CVE-E/medium/open"})
	if !after[0].LastSeen.Equal(base.New[0].LastSeen) {
		t.Errorf("Only: a finding outside Only was touched: LastSeen %v, want %v", after[0].LastSeen, base.New[0].LastSeen)
	}
	// Only never reaches another organization's findings of the same IDs.
	same(t, "Only: org b", shape(must(s.ListFindings(c, b.org.ID, store.FindingFilter{}, store.Page{}))(t)), []string{"CVE-2024-0001/high/open"})
	// Empty batch.
	if got := must(s.UpsertFindingsBatch(c, a.org.ID, nil, at(100)))(t); len(got) != 0 {
		t.Errorf("empty batch: %v", got)
	}
}

// testSBOMIDs: ListSBOMIDs names every SBOM of every organization with its
// owners; SBOMComponents streams exactly the components of the SBOMs named,
// and nothing for a ref naming the wrong organization or version.
func testSBOMIDs(t *testing.T, s store.Store) {
	c := ctx(t)
	if got := must(s.ListSBOMIDs(c))(t); len(got) != 0 {
		t.Fatalf("empty database: ListSBOMIDs = %v", got)
	}
	a, b := populate(t, s, "a"), populate(t, s, "b")
	s2, comps2 := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: a.version.ID, Raw: []byte("{}")}, components(2)))(t)
	refA := store.SBOMRef{ID: a.sbom.ID, OrgID: a.org.ID, VersionID: a.version.ID}
	refB := store.SBOMRef{ID: b.sbom.ID, OrgID: b.org.ID, VersionID: b.version.ID}
	ref2 := store.SBOMRef{ID: s2.ID, OrgID: a.org.ID, VersionID: a.version.ID}
	same(t, "ListSBOMIDs", must(s.ListSBOMIDs(c))(t), []store.SBOMRef{refA, refB, ref2})
	stream := func(refs ...store.SBOMRef) []int64 {
		t.Helper()
		out := []int64{}
		ok(t, s.SBOMComponents(c, refs, func(x store.Component) error {
			out = append(out, x.ID)
			return nil
		}))
		return out
	}
	same(t, "components of the second SBOM", stream(ref2), []int64{comps2[0].ID, comps2[1].ID})
	same(t, "components of b's and a's second", stream(refB, ref2), []int64{b.comps[0].ID, b.comps[1].ID, b.comps[2].ID, comps2[0].ID, comps2[1].ID})
	same(t, "a ref with another organization", stream(store.SBOMRef{ID: b.sbom.ID, OrgID: a.org.ID, VersionID: b.version.ID}), []int64{})
	same(t, "a ref with another version", stream(store.SBOMRef{ID: s2.ID, OrgID: a.org.ID, VersionID: b.version.ID}), []int64{})
	same(t, "no refs", stream(), []int64{})
	stop := errors.New("stop")
	n := 0
	err := s.SBOMComponents(c, []store.SBOMRef{refA}, func(store.Component) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("SBOMComponents after fn failed: err %v after %d calls, want stop after 1", err, n)
	}
	ok(t, s.DeleteVersion(c, b.org.ID, b.version.ID))
	same(t, "after deleting b's version", must(s.ListSBOMIDs(c))(t), []store.SBOMRef{refA, ref2})
}
