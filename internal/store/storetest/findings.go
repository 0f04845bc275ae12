package storetest

import (
	"testing"
	"time"

	"medvigil/internal/store"
)

// keys returns "component/vuln" of findings, in order.
func keys(fs []store.Finding, comps map[int64]string) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, comps[f.ComponentID]+"/"+f.VulnID)
	}
	return out
}

func testFindingTransitions(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	v := must(s.CreateVersion(c, store.Version{OrgID: a.org.ID, ProductID: a.product.ID, Version: "3.0"}))(t)
	_, comps := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: v.ID, Raw: []byte("{}")}, components(3)))(t)
	name := map[int64]string{comps[0].ID: "c0", comps[1].ID: "c1", comps[2].ID: "c2"}
	f := func(comp int, vuln, sev string, epss float64, fixed ...string) store.Finding {
		return store.Finding{ComponentID: comps[comp].ID, VulnID: vuln, Severity: sev, EPSS: epss, FixedVersions: fixed,
			Method: "purl", Confidence: "high", Rule: "<2", Summary: "summary of " + vuln, Aliases: []string{"GHSA-" + vuln}}
	}
	t0, t1, t2, t3 := at(0), at(60), at(120), at(180)
	us := func(x time.Time) time.Time { return x.UTC().Truncate(time.Microsecond) }

	// 1. Three new findings.
	ch := must(s.UpsertFindings(c, a.org.ID, v.ID, []store.Finding{
		f(0, "CVE-1", "high", 0.1), f(1, "CVE-2", "medium", 0.2), f(2, "CVE-3", "low", 0.3, "1.9"),
	}, t0))(t)
	same(t, "1: new", keys(ch.New, name), []string{"c0/CVE-1", "c1/CVE-2", "c2/CVE-3"})
	same(t, "1: changed", len(ch.Changed)+len(ch.Resolved), 0)
	for _, n := range ch.New {
		if n.ID == 0 || n.Status != store.StatusOpen || !n.FirstSeen.Equal(us(t0)) || !n.LastSeen.Equal(us(t0)) || n.Resolved != nil || n.OrgID != a.org.ID || n.VersionID != v.ID {
			t.Errorf("1: new finding %+v", n)
		}
		same(t, "1: stored as returned", must(s.GetFinding(c, a.org.ID, n.ID))(t), n)
	}
	first := ch.New

	// 2. Same list again: nothing new, changed or resolved; LastSeen moves.
	ch = must(s.UpsertFindings(c, a.org.ID, v.ID, []store.Finding{
		f(0, "CVE-1", "high", 0.1), f(1, "CVE-2", "medium", 0.2), f(2, "CVE-3", "low", 0.3, "1.9"),
	}, t1))(t)
	same(t, "2: no change", len(ch.New)+len(ch.Changed)+len(ch.Resolved), 0)
	for _, n := range first {
		got := must(s.GetFinding(c, a.org.ID, n.ID))(t)
		want := n
		want.LastSeen = us(t1)
		same(t, "2: last seen", got, want)
	}

	// 3. CVE-1 severity up, CVE-3 gets a new fix version, CVE-2 gone, CVE-4 new;
	// a duplicate key in the input counts once (the last).
	ch = must(s.UpsertFindings(c, a.org.ID, v.ID, []store.Finding{
		f(0, "CVE-1", "medium", 0.1), f(0, "CVE-1", "critical", 0.1), f(2, "CVE-3", "low", 0.3, "1.9", "2.0"), f(1, "CVE-4", "high", 0),
	}, t2))(t)
	same(t, "3: new", keys(ch.New, name), []string{"c1/CVE-4"})
	same(t, "3: changed", keys(ch.Changed, name), []string{"c0/CVE-1", "c2/CVE-3"})
	same(t, "3: resolved", keys(ch.Resolved, name), []string{"c1/CVE-2"})
	if ch.Changed[0].Severity != "critical" || !ch.Changed[0].FirstSeen.Equal(us(t0)) || !ch.Changed[0].LastSeen.Equal(us(t2)) {
		t.Errorf("3: changed finding %+v", ch.Changed[0])
	}
	r := ch.Resolved[0]
	if r.Status != store.StatusResolved || r.Resolved == nil || !r.Resolved.Equal(us(t2)) || !r.LastSeen.Equal(us(t1)) {
		t.Errorf("3: resolved finding %+v", r)
	}
	same(t, "3: resolved stored as returned", must(s.GetFinding(c, a.org.ID, r.ID))(t), r)

	// A triaged finding keeps its status when seen again and is not
	// resolved by absence.
	tri := must(s.SetFindingStatus(c, a.org.ID, ch.Changed[1].ID, "not_affected"))(t) // CVE-3
	if tri.Status != "not_affected" || tri.Resolved != nil {
		t.Errorf("SetFindingStatus: %+v", tri)
	}

	// 4. CVE-2 comes back (reopens, same ID and first seen); EPSS of CVE-1
	// changes; CVE-3 (triaged) and CVE-4 are gone.
	ch = must(s.UpsertFindings(c, a.org.ID, v.ID, []store.Finding{
		f(0, "CVE-1", "critical", 0.5), f(1, "CVE-2", "medium", 0.2),
	}, t3))(t)
	same(t, "4: new", len(ch.New), 0)
	same(t, "4: changed", keys(ch.Changed, name), []string{"c0/CVE-1", "c1/CVE-2"})
	same(t, "4: resolved", keys(ch.Resolved, name), []string{"c1/CVE-4"})
	re := ch.Changed[1]
	if re.ID != r.ID || re.Status != store.StatusOpen || re.Resolved != nil || !re.FirstSeen.Equal(us(t0)) || !re.LastSeen.Equal(us(t3)) {
		t.Errorf("4: reopened finding %+v", re)
	}
	same(t, "4: reopened stored", must(s.GetFinding(c, a.org.ID, re.ID))(t), re)
	same(t, "4: triaged stays", must(s.GetFinding(c, a.org.ID, tri.ID))(t).Status, "not_affected")

	// 5. An empty list resolves every open finding of the version, and only
	// of that version.
	ch = must(s.UpsertFindings(c, a.org.ID, v.ID, nil, t3))(t)
	same(t, "5: resolved", keys(ch.Resolved, name), []string{"c0/CVE-1", "c1/CVE-2"})
	same(t, "5: other version untouched", must(s.GetFinding(c, a.org.ID, a.finding.ID))(t), a.finding)

	// SetFindingStatus: resolved records the time; reopening clears it.
	res := must(s.SetFindingStatus(c, a.org.ID, a.finding.ID, store.StatusResolved))(t)
	if res.Resolved == nil {
		t.Error("SetFindingStatus(resolved) set no time")
	}
	op := must(s.SetFindingStatus(c, a.org.ID, a.finding.ID, store.StatusOpen))(t)
	if op.Resolved != nil || op.Status != store.StatusOpen {
		t.Errorf("SetFindingStatus(open): %+v", op)
	}
	_, err := s.UpsertFindings(c, a.org.ID, v.ID, []store.Finding{{ComponentID: comps[0].ID}}, t3)
	if err == nil {
		t.Error("UpsertFindings accepted a finding without a vulnerability ID")
	}
	// A component of another version of the same organization is refused.
	_, err = s.UpsertFindings(c, a.org.ID, v.ID, []store.Finding{{ComponentID: a.comps[0].ID, VulnID: "CVE-1", Severity: "low"}}, t3)
	isErr(t, "component of another version", err, store.ErrNotFound)
}

// testFindingsScale: a few thousand findings per version go in and are
// updated in one call each.
func testFindingsScale(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	_, comps := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: a.version.ID, Raw: []byte("{}")}, components(1000)))(t)
	var fs []store.Finding
	for i, cp := range comps {
		for j := range 3 {
			fs = append(fs, store.Finding{ComponentID: cp.ID, VulnID: "CVE-2025-" + string(rune('A'+j)) + itoa(i), Severity: "medium", EPSS: 0.01})
		}
	}
	start := time.Now()
	ch := must(s.UpsertFindings(c, a.org.ID, a.version.ID, fs, at(0)))(t)
	t.Logf("%d findings inserted in %v", len(ch.New), time.Since(start))
	same(t, "new", len(ch.New), 3000)
	same(t, "resolved (the fixture's)", len(ch.Resolved), 1)
	for i := range fs {
		if i%2 == 0 {
			fs[i].EPSS = 0.02
		}
	}
	start = time.Now()
	ch = must(s.UpsertFindings(c, a.org.ID, a.version.ID, fs[:2500], at(1)))(t)
	t.Logf("2,500 findings updated (1,250 changed), 500 resolved in %v", time.Since(start))
	same(t, "changed", len(ch.Changed), 1250)
	same(t, "resolved", len(ch.Resolved), 500)
	same(t, "open", len(must(s.ListFindings(c, a.org.ID, store.FindingFilter{Status: store.StatusOpen}, store.Page{Limit: 1000}))(t)), 1000)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func testFindingFilters(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a") // a.finding: CVE-2024-0001 / GHSA-aaaa-bbbb-cccc, high, version a.version
	p2 := must(s.CreateProduct(c, store.Product{OrgID: a.org.ID, Name: "Monitor"}))(t)
	v2 := must(s.CreateVersion(c, store.Version{OrgID: a.org.ID, ProductID: p2.ID, Version: "1"}))(t)
	_, comps := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: v2.ID, Raw: []byte("{}")}, components(2)))(t)
	ch := must(s.UpsertFindings(c, a.org.ID, v2.ID, []store.Finding{
		{ComponentID: comps[0].ID, VulnID: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"}, Severity: "critical", KEV: true, CVSS: 10},
		{ComponentID: comps[1].ID, VulnID: "GHSA-low", Severity: "low"},
		{ComponentID: comps[1].ID, VulnID: "OSV-unknown", Severity: "unknown"},
	}, at(0)))(t)
	log4j, low, unknown := ch.New[0].ID, ch.New[1].ID, ch.New[2].ID
	must(s.SetFindingStatus(c, a.org.ID, low, "accepted"))(t)
	yes, no := true, false
	for _, tc := range []struct {
		name string
		f    store.FindingFilter
		want []int64
	}{
		{"all", store.FindingFilter{}, []int64{a.finding.ID, log4j, low, unknown}},
		{"version", store.FindingFilter{VersionID: v2.ID}, []int64{log4j, low, unknown}},
		{"product", store.FindingFilter{ProductID: a.product.ID}, []int64{a.finding.ID}},
		{"min high", store.FindingFilter{MinSeverity: "high"}, []int64{a.finding.ID, log4j}},
		{"min critical", store.FindingFilter{MinSeverity: "CRITICAL"}, []int64{log4j}},
		{"min low", store.FindingFilter{MinSeverity: "low"}, []int64{a.finding.ID, log4j, low}},
		{"kev", store.FindingFilter{KEV: &yes}, []int64{log4j}},
		{"not kev", store.FindingFilter{KEV: &no}, []int64{a.finding.ID, low, unknown}},
		{"status", store.FindingFilter{Status: "accepted"}, []int64{low}},
		{"by id", store.FindingFilter{VulnIDs: []string{"CVE-2021-44228"}}, []int64{log4j}},
		{"by alias", store.FindingFilter{VulnIDs: []string{"GHSA-jfh8-c2jp-5v3q", "GHSA-aaaa-bbbb-cccc"}}, []int64{a.finding.ID, log4j}},
		{"by unknown id", store.FindingFilter{VulnIDs: []string{"CVE-0000-0000"}}, []int64{}},
		{"combined", store.FindingFilter{ProductID: p2.ID, MinSeverity: "low", Status: store.StatusOpen}, []int64{log4j}},
	} {
		got := must(ids(s.ListFindings(c, a.org.ID, tc.f, store.Page{})))(t)
		same(t, "filter "+tc.name, got, tc.want)
	}
	if _, err := s.ListFindings(c, a.org.ID, store.FindingFilter{MinSeverity: "severe"}, store.Page{}); err == nil {
		t.Error("ListFindings accepted an unknown severity")
	}
}
