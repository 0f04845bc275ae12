package monitor_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"medvigil/internal/monitor"
	"medvigil/internal/notify"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
)

// sbomJSON is a small CycloneDX 1.6 SBOM with the given npm components.
func sbomJSON(comps ...[2]string) []byte {
	type c struct {
		Type    string `json:"type"`
		BOMRef  string `json:"bom-ref"`
		Name    string `json:"name"`
		Version string `json:"version"`
		PURL    string `json:"purl"`
	}
	var cs []c
	for _, x := range comps {
		p := "pkg:npm/" + x[0] + "@" + x[1]
		cs = append(cs, c{"library", p, x[0], x[1], p})
	}
	b, _ := json.Marshal(map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": cs})
	return b
}

func adv(id, pkg, fixed string, modified time.Time, aliases ...string) *vuln.Advisory {
	return &vuln.Advisory{ID: id, Aliases: aliases, Summary: "test " + id, Modified: modified, Source: vuln.SourceOSV,
		Severities: []vuln.Severity{{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8}},
		Affected: []vuln.Affected{{Ecosystem: "npm", Name: pkg, Ranges: []vuln.Range{{Type: vuln.RangeSemver,
			Events: []vuln.Event{{Introduced: "0"}, {Fixed: fixed}}}}}}}
}

func kbOf(advs ...*vuln.Advisory) *vuln.KB {
	kb := vuln.NewKB()
	kb.Add(advs...)
	return kb
}

// recorder is a Deliverer that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	events []store.Event
	hooks  map[int64]bool
}

func (r *recorder) Deliver(_ context.Context, hooks []store.Webhook, events []store.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hooks == nil {
		r.hooks = map[int64]bool{}
	}
	for _, h := range hooks {
		r.hooks[h.OrgID] = true
	}
	r.events = append(r.events, events...)
	return nil
}

type env struct {
	st       store.Store
	mon      *monitor.Monitor
	rec      *recorder
	orgA     store.Org
	orgB     store.Org
	verA     store.Version
	verA2    store.Version
	verB     store.Version
	dbPath   string
	observed int
}

func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{st: st, rec: &recorder{}, dbPath: path}
	e.mon = monitor.New(monitor.Config{Store: st, Notifier: e.rec, Observer: monitor.Observer{Evaluate: func(time.Duration, int) { e.observed++ }}})
	if err := e.mon.Start(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	mk := func(slug string) (store.Org, store.Version, store.Version) {
		o, err := st.CreateOrg(ctx, store.Org{Slug: slug, Name: slug, Kind: store.KindManufacturer, Created: now})
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.CreateProduct(ctx, store.Product{OrgID: o.ID, Name: "Pump", Created: now})
		if err != nil {
			t.Fatal(err)
		}
		v1, err := st.CreateVersion(ctx, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "1.0", Created: now})
		if err != nil {
			t.Fatal(err)
		}
		v2, err := st.CreateVersion(ctx, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "2.0", Created: now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateWebhook(ctx, store.Webhook{OrgID: o.ID, URL: "https://example.org/hook", Secret: "s", Active: true, Created: now}); err != nil {
			t.Fatal(err)
		}
		return o, v1, v2
	}
	e.orgA, e.verA, e.verA2 = mk("a")
	e.orgB, e.verB, _ = mk("b")
	return e
}

func (e *env) findings(t *testing.T, org int64, status string) []store.Finding {
	t.Helper()
	fs, err := e.st.ListFindings(context.Background(), org, store.FindingFilter{Status: status}, store.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func (e *env) eventTypes(t *testing.T, org int64) []string {
	t.Helper()
	es, err := e.st.ListEvents(context.Background(), org, store.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range es {
		out = append(out, ev.Type+" "+ev.Subject)
	}
	return out
}

func TestImportMatchesAndRecords(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-aaaa", "lodash", "4.17.21", t0, "CVE-2021-23337")), nil); err != nil {
		t.Fatal(err)
	}
	res, err := e.mon.ImportSBOM(ctx, e.orgA.ID, e.verA.ID, "a.cdx.json", sbomJSON([2]string{"lodash", "4.17.20"}, [2]string{"react", "18.2.0"}))
	if err != nil {
		t.Fatal(err)
	}
	if res.SBOM.Components != 2 || res.New != 1 || res.Total != 1 {
		t.Fatalf("import: %+v, want 2 components, 1 new finding", res)
	}
	fs := e.findings(t, e.orgA.ID, "")
	if len(fs) != 1 || fs[0].VulnID != "CVE-2021-23337" || !slices.Contains(fs[0].Aliases, "GHSA-aaaa") || fs[0].Severity != "critical" ||
		fs[0].Method != "purl" || fs[0].Status != store.StatusOpen || !slices.Equal(fs[0].FixedVersions, []string{"4.17.21"}) {
		t.Fatalf("findings: %+v", fs)
	}
	if got := e.eventTypes(t, e.orgA.ID); !slices.Equal(got, []string{"sbom.imported a.cdx.json", "finding.new CVE-2021-23337"}) {
		t.Errorf("events of A: %q", got)
	}
	if got := e.eventTypes(t, e.orgB.ID); len(got) != 0 {
		t.Errorf("events of B: %q, want none", got)
	}
	// The notifier got the finding event (not the import event), for A only.
	e.mon.Close()
	if len(e.rec.events) != 1 || e.rec.events[0].OrgID != e.orgA.ID || e.rec.hooks[e.orgB.ID] {
		t.Fatalf("delivered: %+v", e.rec.events)
	}
	var fe notify.FindingEvent
	if err := json.Unmarshal(e.rec.events[0].Data, &fe); err != nil {
		t.Fatal(err)
	}
	if fe.ComponentName != "lodash" || fe.VersionName != "1.0" || fe.ProductName != "Pump" || fe.Severity != "critical" || fe.OrganizationID != e.orgA.ID {
		t.Errorf("event payload: %+v", fe)
	}
}

func TestBadSBOMWritesNothing(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	for name, data := range map[string][]byte{
		"truncated.json": []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":`),
		"unknown.json":   []byte(`{"hello":"world"}`),
		"empty.json":     {},
	} {
		_, err := e.mon.ImportSBOM(ctx, e.orgA.ID, e.verA.ID, name, data)
		if !errors.Is(err, monitor.ErrBadSBOM) {
			t.Errorf("%s: err %v, want ErrBadSBOM", name, err)
		}
	}
	// A foreign version: the store refuses inside the transaction.
	if _, err := e.mon.ImportSBOM(ctx, e.orgA.ID, e.verB.ID, "x.json", sbomJSON([2]string{"lodash", "1.0.0"})); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("import into another organization's version: %v, want ErrNotFound", err)
	}
	ss, err := e.st.ListSBOMs(ctx, e.orgA.ID, e.verA.ID, store.Page{})
	if err != nil || len(ss) != 0 {
		t.Errorf("SBOMs after failed imports: %d (%v), want 0", len(ss), err)
	}
	ss, _ = e.st.ListSBOMs(ctx, e.orgB.ID, e.verB.ID, store.Page{})
	if len(ss) != 0 || len(e.eventTypes(t, e.orgA.ID)) != 0 || len(e.eventTypes(t, e.orgB.ID)) != 0 {
		t.Errorf("a failed import left rows or events behind")
	}
}

func TestKBChangeReevaluatesOnlyTouchedVersions(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0)), nil); err != nil {
		t.Fatal(err)
	}
	must := func(_ monitor.ImportResult, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.mon.ImportSBOM(ctx, e.orgA.ID, e.verA.ID, "a1", sbomJSON([2]string{"lodash", "4.17.20"})))
	must(e.mon.ImportSBOM(ctx, e.orgA.ID, e.verA2.ID, "a2", sbomJSON([2]string{"express", "4.0.0"})))
	must(e.mon.ImportSBOM(ctx, e.orgB.ID, e.verB.ID, "b", sbomJSON([2]string{"lodash", "4.17.21"}, [2]string{"minimist", "1.2.0"})))

	// A new lodash advisory affects A 1.0; B holds lodash at the fixed
	// version, which the portfolio rules out without re-evaluating B: one
	// version re-evaluated, one new finding.
	ch, err := e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0), adv("GHSA-lodash", "lodash", "4.17.21", t0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Added != 1 || ch.Versions != 1 || ch.New != 1 || ch.Resolved != 0 {
		t.Fatalf("change: %+v, want 1 added, 1 version, 1 new", ch)
	}
	// An unrelated advisory touches nothing.
	ch, err = e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0), adv("GHSA-lodash", "lodash", "4.17.21", t0), adv("GHSA-vue", "vue", "3.0.0", t0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Added != 1 || ch.Versions != 0 {
		t.Fatalf("unrelated change: %+v, want 0 versions re-evaluated", ch)
	}
	// The advisory is corrected (fixed earlier): A's finding resolves.
	t1 := t0.Add(time.Hour)
	ch, err = e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0), adv("GHSA-lodash", "lodash", "4.17.0", t1), adv("GHSA-vue", "vue", "3.0.0", t0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Modified != 1 || ch.Resolved != 1 || ch.New != 0 {
		t.Fatalf("modified advisory: %+v, want 1 modified, 1 resolved", ch)
	}
	if open := e.findings(t, e.orgA.ID, store.StatusOpen); len(open) != 0 {
		t.Errorf("open findings after the fix moved: %+v", open)
	}
	// A KEV mark on the vulnerability's CVE: back to affected with the
	// range restored, and the KEV change alone triggers re-evaluation.
	kb := kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0), adv("GHSA-lodash", "lodash", "4.17.21", t1.Add(time.Hour), "CVE-2020-8203"), adv("GHSA-vue", "vue", "3.0.0", t0))
	if _, err := e.mon.ReplaceKB(ctx, kb, nil); err != nil {
		t.Fatal(err)
	}
	kb = kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0), adv("GHSA-lodash", "lodash", "4.17.21", t1.Add(time.Hour), "CVE-2020-8203"), adv("GHSA-vue", "vue", "3.0.0", t0))
	kb.SetKEV(map[string]vuln.KEV{"CVE-2020-8203": {DateAdded: "2026-01-02"}})
	ch, err = e.mon.ReplaceKB(ctx, kb, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.KEVChanged != 1 || ch.Changed != 1 || ch.Versions != 1 {
		t.Fatalf("KEV change: %+v, want 1 KEV change, 1 changed finding, 1 version (B holds the fixed lodash)", ch)
	}
	fs := e.findings(t, e.orgA.ID, store.StatusOpen)
	if len(fs) != 1 || !fs[0].KEV {
		t.Fatalf("after KEV: %+v", fs)
	}
	if e.observed == 0 {
		t.Error("the observer saw no re-evaluation")
	}
	if got := e.findings(t, e.orgB.ID, ""); len(got) != 0 {
		t.Errorf("B (lodash 4.17.21, fixed) has findings: %+v", got)
	}
}

func TestRestartAndSecondProcess(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-x", "left-pad", "9.9.9", t0)), json.RawMessage(`{"osv":"test"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.mon.ImportSBOM(ctx, e.orgA.ID, e.verA.ID, "a1", sbomJSON([2]string{"lodash", "4.17.20"})); err != nil {
		t.Fatal(err)
	}
	// A second process on the same database starts with the stored
	// knowledge base and portfolio.
	st2, err := store.Open(ctx, e.dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	m2 := monitor.New(monitor.Config{Store: st2})
	if m2.Ready() {
		t.Error("ready before Start")
	}
	if err := m2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if !m2.Ready() || m2.Status().Advisories != 1 || m2.Status().SnapshotID != e.mon.Status().SnapshotID || string(m2.Status().Sources) != `{"osv":"test"}` {
		t.Fatalf("second process status %+v, first %+v", m2.Status(), e.mon.Status())
	}
	// It re-evaluates the SBOM it never imported itself.
	ch, err := m2.ReplaceKB(ctx, kbOf(adv("GHSA-x", "left-pad", "9.9.9", t0), adv("GHSA-l", "lodash", "5.0.0", t0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Versions != 1 || ch.New != 1 {
		t.Fatalf("second process change: %+v", ch)
	}
	// The first picks the new snapshot up by Refresh, once.
	for i, want := range []bool{true, false} {
		got, err := e.mon.Refresh(ctx)
		if err != nil || got != want {
			t.Fatalf("refresh %d: %v, %v; want %v", i, got, err, want)
		}
	}
	if e.mon.Status().Advisories != 2 {
		t.Errorf("after refresh: %+v", e.mon.Status())
	}
}

func TestMerge(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	old := kbOf(adv("A", "a", "1.0.0", t0), adv("B", "b", "1.0.0", t0))
	old.SetKEV(map[string]vuln.KEV{"CVE-1": {DateAdded: "2020-01-01"}, "CVE-2": {DateAdded: "2020-01-01"}})
	fresh := kbOf(adv("B", "b", "2.0.0", t0.Add(time.Hour)), adv("C", "c", "1.0.0", t0))
	fresh.SetKEV(map[string]vuln.KEV{"CVE-2": {DateAdded: "2021-01-01"}})
	got := monitor.Merge(old, fresh)
	var ids []string
	for _, a := range got.Advisories() {
		ids = append(ids, fmt.Sprintf("%s:%s", a.ID, a.Affected[0].Ranges[0].Events[1].Fixed))
	}
	slices.Sort(ids)
	if want := []string{"A:1.0.0", "B:2.0.0", "C:1.0.0"}; !slices.Equal(ids, want) {
		t.Errorf("merged advisories %q, want %q", ids, want)
	}
	k := got.KEVEntries()
	if len(k) != 2 || k["CVE-2"].DateAdded != "2021-01-01" || k["CVE-1"].DateAdded != "2020-01-01" {
		t.Errorf("merged KEV %+v", k)
	}
}

// TestDeletedVersion: a version deleted after its SBOM was imported —
// forgotten by this process, or deleted through another process that shares
// the database — does not break the next knowledge-base change.
func TestDeletedVersion(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, forget := range []bool{true, false} {
		t.Run(fmt.Sprintf("forget=%v", forget), func(t *testing.T) {
			e := setup(t)
			if _, err := e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0)), nil); err != nil {
				t.Fatal(err)
			}
			for _, v := range []store.Version{e.verA, e.verA2} {
				if _, err := e.mon.ImportSBOM(ctx, e.orgA.ID, v.ID, "a", sbomJSON([2]string{"lodash", "4.17.20"})); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.st.DeleteVersion(ctx, e.orgA.ID, e.verA.ID); err != nil {
				t.Fatal(err)
			}
			if forget {
				e.mon.ForgetVersions(func(o, v int64) bool { return v != e.verA.ID })
			}
			ch, err := e.mon.ReplaceKB(ctx, kbOf(adv("GHSA-old", "left-pad", "9.9.9", t0), adv("GHSA-l", "lodash", "4.17.21", t0)), nil)
			if err != nil {
				t.Fatalf("KB change after a version was deleted: %v", err)
			}
			if ch.New != 1 {
				t.Errorf("change %+v: want the one remaining version's new finding", ch)
			}
			if fs := e.findings(t, e.orgA.ID, store.StatusOpen); len(fs) != 1 || fs[0].VersionID != e.verA2.ID {
				t.Errorf("open findings %+v: want one, of the remaining version", fs)
			}
		})
	}
}

// TestReconcile: a second process on the same database learns of SBOMs the
// first stored, and forgets those whose version was deleted, reading only
// what changed.
func TestReconcile(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	st2, err := store.Open(ctx, e.dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	m2 := monitor.New(monitor.Config{Store: st2, Shared: true})
	if err := m2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(wantAdded, wantRemoved int) {
		t.Helper()
		a, r, err := m2.Reconcile(ctx)
		if err != nil || a != wantAdded || r != wantRemoved {
			t.Fatalf("Reconcile = %d added, %d removed, %v; want %d, %d", a, r, err, wantAdded, wantRemoved)
		}
	}
	check(0, 0)
	for _, v := range []store.Version{e.verA, e.verA2} {
		if _, err := e.mon.ImportSBOM(ctx, e.orgA.ID, v.ID, "a", sbomJSON([2]string{"lodash", "4.17.20"})); err != nil {
			t.Fatal(err)
		}
	}
	check(2, 0)
	check(0, 0)
	if err := e.st.DeleteVersion(ctx, e.orgA.ID, e.verA.ID); err != nil {
		t.Fatal(err)
	}
	check(0, 1)
	// The reconciled portfolio is used: a KB change in the second process
	// re-evaluates the SBOM it never imported.
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ch, err := m2.ReplaceKB(ctx, kbOf(adv("GHSA-l", "lodash", "4.17.21", t0)), nil)
	if err != nil || ch.New != 1 {
		t.Fatalf("change in the second process: %+v, %v; want 1 new finding", ch, err)
	}
}
