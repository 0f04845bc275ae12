package monitor_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to create test databases

	"medvigil/internal/monitor"
	"medvigil/internal/store"
	"medvigil/internal/store/storetest"
	"medvigil/internal/vuln"
)

func advRange(id, pkg, introduced, fixed string, modified time.Time, aliases ...string) *vuln.Advisory {
	a := adv(id, pkg, fixed, modified, aliases...)
	a.Affected[0].Ranges[0].Events[0].Introduced = introduced
	return a
}

// freshPostgres creates an empty database from MEDVIGIL_TEST_POSTGRES (the
// test is skipped without it, and fails under CI=true) and returns its URL.
func freshPostgres(t *testing.T) string {
	t.Helper()
	return storetest.FreshPostgres(t)
}

// TestReevaluationEqualsFullRescan changes the knowledge base in every way
// the monitor tells apart (ranges moved, advisories added, removed,
// modified in time only, a KEV mark, an alias joining two advisories) and
// checks that afterwards a full rescan of every version changes nothing: the
// batched re-evaluation recorded exactly what rescanning would. Organization
// A has enough versions for the bulk read and, on PostgreSQL, parallel
// transactions; B has few touched versions among many (read one by one).
func TestReevaluationEqualsFullRescan(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "m.db")
			if backend == "postgres" {
				dsn = freshPostgres(t)
			}
			testReevaluationEqualsFullRescan(t, dsn)
		})
	}
}

func testReevaluationEqualsFullRescan(t *testing.T, dsn string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := &recorder{}
	mon := monitor.New(monitor.Config{Store: st, Notifier: rec})
	defer mon.Close()
	if err := mon.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	kb1 := func() *vuln.KB {
		return kbOf(
			advRange("GHSA-lodash", "lodash", "4.17.0", "4.17.10", t0, "CVE-2090-0001"),
			advRange("GHSA-express", "express", "4.0.0", "4.5.0", t0),
			advRange("GHSA-minimist", "minimist", "1.2.0", "1.2.3", t0, "CVE-2090-0003"),
			advRange("GHSA-leftpad", "left-pad", "0", "2.0.0", t0),
			advRange("GHSA-vue", "vue", "0", "3.0.0", t0),
		)
	}
	if _, err := mon.ReplaceKB(ctx, kb1(), nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	type version struct{ org, id int64 }
	var versions []version
	for _, o := range []struct {
		slug  string
		count int
		comps func(i int) [][2]string
	}{
		{"a", 120, func(i int) [][2]string {
			return [][2]string{{"lodash", fmt.Sprintf("4.17.%d", i%22)}, {"express", fmt.Sprintf("4.%d.0", i%19)}, {"minimist", fmt.Sprintf("1.2.%d", i%9)}}
		}},
		{"b", 12, func(i int) [][2]string {
			if i == 11 {
				return [][2]string{{"left-pad", "1.0.0"}}
			}
			return [][2]string{{"lodash", "5.0.0"}}
		}},
	} {
		org, err := st.CreateOrg(ctx, store.Org{Slug: o.slug, Name: o.slug, Kind: store.KindManufacturer, Created: now})
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.CreateProduct(ctx, store.Product{OrgID: org.ID, Name: "Pump", Created: now})
		if err != nil {
			t.Fatal(err)
		}
		for i := range o.count {
			v, err := st.CreateVersion(ctx, store.Version{OrgID: org.ID, ProductID: p.ID, Version: fmt.Sprintf("%d.0", i), Created: now})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := mon.ImportSBOM(ctx, org.ID, v.ID, "s.json", sbomJSON(o.comps(i)...)); err != nil {
				t.Fatal(err)
			}
			versions = append(versions, version{org.ID, v.ID})
		}
	}
	rescanChangesNothing := func(step string) {
		t.Helper()
		for _, v := range versions {
			c, err := mon.EvaluateVersion(ctx, v.org, v.id)
			if err != nil {
				t.Fatalf("%s: evaluate version %d: %v", step, v.id, err)
			}
			if n := len(c.New) + len(c.Changed) + len(c.Resolved); n != 0 {
				t.Fatalf("%s: a full rescan of version %d still changed %d findings (new %v, changed %v, resolved %v)",
					step, v.id, n, c.New, c.Changed, c.Resolved)
			}
		}
	}
	rescanChangesNothing("after import")

	steps := []struct {
		name  string
		kb    func() *vuln.KB
		check func(ch monitor.Change) bool
	}{
		{"ranges moved, express replaced, minimist modified in time only, left-pad fixed earlier", func() *vuln.KB {
			return kbOf(
				advRange("GHSA-lodash", "lodash", "4.17.5", "4.17.15", t1, "CVE-2090-0001"),
				advRange("GHSA-express-2", "express", "4.10.0", "4.15.0", t1, "CVE-2090-0002"),
				advRange("GHSA-minimist", "minimist", "1.2.0", "1.2.3", t1, "CVE-2090-0003"),
				advRange("GHSA-leftpad", "left-pad", "0", "1.0.0", t1),
				advRange("GHSA-vue", "vue", "0", "3.0.0", t0),
			)
		}, func(ch monitor.Change) bool {
			return ch.New > 0 && ch.Resolved > 0 && ch.Removed == 1 && ch.Added == 1 && ch.Modified == 3
		}},
		{"a KEV mark on minimist's CVE", func() *vuln.KB {
			kb := kbOf(
				advRange("GHSA-lodash", "lodash", "4.17.5", "4.17.15", t1, "CVE-2090-0001"),
				advRange("GHSA-express-2", "express", "4.10.0", "4.15.0", t1, "CVE-2090-0002"),
				advRange("GHSA-minimist", "minimist", "1.2.0", "1.2.3", t1, "CVE-2090-0003"),
				advRange("GHSA-leftpad", "left-pad", "0", "1.0.0", t1),
				advRange("GHSA-vue", "vue", "0", "3.0.0", t0),
			)
			kb.SetKEV(map[string]vuln.KEV{"CVE-2090-0003": {DateAdded: "2026-01-02"}})
			return kb
		}, func(ch monitor.Change) bool {
			return ch.KEVChanged == 1 && ch.Changed > 0 && ch.New == 0 && ch.Resolved == 0
		}},
		{"an advisory joins lodash's vulnerability by alias and widens it", func() *vuln.KB {
			kb := kbOf(
				advRange("GHSA-lodash", "lodash", "4.17.5", "4.17.15", t1, "CVE-2090-0001"),
				advRange("CVE-2090-0001", "lodash", "4.17.0", "4.17.20", t1),
				advRange("GHSA-express-2", "express", "4.10.0", "4.15.0", t1, "CVE-2090-0002"),
				advRange("GHSA-minimist", "minimist", "1.2.0", "1.2.3", t1, "CVE-2090-0003"),
				advRange("GHSA-leftpad", "left-pad", "0", "1.0.0", t1),
				advRange("GHSA-vue", "vue", "0", "3.0.0", t0),
			)
			kb.SetKEV(map[string]vuln.KEV{"CVE-2090-0003": {DateAdded: "2026-01-02"}})
			return kb
		}, func(ch monitor.Change) bool { return ch.Added == 1 && ch.New+ch.Changed > 0 }},
		{"back to the first knowledge base (resolved findings reopen: changed)", kb1, func(ch monitor.Change) bool { return ch.Resolved > 0 && ch.Changed > 0 }},
	}
	for _, s := range steps {
		ch, err := mon.ReplaceKB(ctx, s.kb(), nil)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !s.check(ch) {
			t.Errorf("%s: change %+v does not show the expected kinds of change", s.name, ch)
		}
		rescanChangesNothing(s.name)
	}
}
