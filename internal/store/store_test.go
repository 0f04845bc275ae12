package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"medvigil/internal/store"
	"medvigil/internal/store/storetest"
)

// openSQLite opens a store on a new SQLite file in t's temporary directory.
func openSQLite(t testing.TB) store.Store {
	t.Helper()
	return openDSN(t, filepath.Join(t.TempDir(), "medvigil.db"), nil)
}

func openDSN(t testing.TB, dsn string, log *slog.Logger) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn, log)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openSQLite(t) })
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		path := filepath.Join(t.TempDir(), "shared.db")
		return openDSN(t, path, nil), openDSN(t, "sqlite:"+path, nil)
	})
}

func postgresAdmin(t testing.TB) string { t.Helper(); return storetest.PostgresAdmin(t) }

func freshPostgres(t testing.TB) string { t.Helper(); return storetest.FreshPostgres(t) }

func TestPostgres(t *testing.T) {
	postgresAdmin(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openDSN(t, freshPostgres(t), nil) })
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		dsn := freshPostgres(t)
		return openDSN(t, dsn, nil), openDSN(t, strings.Replace(dsn, "postgres://", "postgresql://", 1), nil)
	})
}

// countingHandler counts "schema migrated" log records.
type countingHandler struct {
	mu       sync.Mutex
	migrated int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "schema migrated") {
		h.mu.Lock()
		h.migrated++
		h.mu.Unlock()
	}
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

// TestMigrateOnce opens a fresh database from several goroutines at once:
// every Open succeeds and exactly one applies the migrations.
func TestMigrateOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "m.db") }},
		{"postgres", func(t *testing.T) string { return freshPostgres(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 3 {
				dsn := tc.dsn(t)
				h := &countingHandler{}
				log := slog.New(h)
				const opens = 4
				var wg sync.WaitGroup
				stores := make([]store.Store, opens)
				errs := make([]error, opens)
				for i := range opens {
					wg.Go(func() { stores[i], errs[i] = store.Open(context.Background(), dsn, log) })
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("round %d: open %d: %v", round, i, err)
						continue
					}
					defer stores[i].Close()
				}
				if h.migrated != 1 {
					t.Errorf("round %d: %d opens migrated, want exactly 1", round, h.migrated)
				}
				if errs[0] == nil {
					// The schema works: a write through one handle is seen by another.
					o, err := stores[0].CreateOrg(context.Background(), store.Org{Slug: "x", Name: "X"})
					if err != nil {
						t.Fatal(err)
					}
					if errs[opens-1] == nil {
						if _, err := stores[opens-1].GetOrg(context.Background(), o.ID); err != nil {
							t.Errorf("round %d: %v", round, err)
						}
					}
				}
			}
		})
	}
}

// TestReopen: opening an existing database applies nothing and keeps data.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep", "er", "medvigil.db") // parents are created
	s := openDSN(t, path, nil)
	o, err := s.CreateOrg(t.Context(), store.Org{Slug: "kept", Name: "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	h := &countingHandler{}
	s2 := openDSN(t, "file:"+path, slog.New(h))
	if h.migrated != 0 {
		t.Errorf("reopen migrated %d times", h.migrated)
	}
	if _, err := s2.GetOrgBySlug(t.Context(), "kept"); err != nil || s2.Dialect() != "sqlite" {
		t.Errorf("after reopen: %v (dialect %s), org %d", err, s2.Dialect(), o.ID)
	}
	if err := s2.Ping(t.Context()); err != nil {
		t.Error(err)
	}
}

func TestSQLitePath(t *testing.T) {
	for _, tc := range []struct {
		dsn, want string
		bad       bool
	}{
		{dsn: "data/medvigil.db", want: "data/medvigil.db"},
		{dsn: "/var/lib/medvigil/db.sqlite", want: "/var/lib/medvigil/db.sqlite"},
		{dsn: "sqlite:data/m.db", want: "data/m.db"},
		{dsn: "sqlite:///var/lib/m.db", want: "/var/lib/m.db"},
		{dsn: "file:/var/lib/m.db", want: "/var/lib/m.db"},
		{dsn: "file:///var/lib/m%20x.db", want: "/var/lib/m x.db"},
		{dsn: "file:rel/m.db", want: "rel/m.db"},
		{dsn: "sqlite:", bad: true},
		{dsn: ":memory:", bad: true},
		{dsn: "file://otherhost/m.db", bad: true},
		{dsn: "data/m.db?mode=ro", bad: true},
	} {
		got, err := store.SQLitePath(tc.dsn)
		if tc.bad {
			if err == nil {
				t.Errorf("SQLitePath(%q) = %q, want an error", tc.dsn, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("SQLitePath(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	for _, dsn := range []string{"", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"} {
		if s, err := store.Open(t.Context(), dsn, nil); err == nil {
			s.Close()
			t.Errorf("Open(%q): no error", dsn)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
	_, err := store.Open(t.Context(), "postgres://u:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", nil)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("Open with a password: %v", err)
	}
}

// benchCreateSBOM measures storing one SBOM of 1,000 components.
func benchCreateSBOM(b *testing.B, s store.Store) {
	ctx := context.Background()
	o, err := s.CreateOrg(ctx, store.Org{Slug: "bench", Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	p, err := s.CreateProduct(ctx, store.Product{OrgID: o.ID, Name: "p"})
	if err != nil {
		b.Fatal(err)
	}
	v, err := s.CreateVersion(ctx, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "1"})
	if err != nil {
		b.Fatal(err)
	}
	comps := make([]store.ComponentInput, 1000)
	for i := range comps {
		comps[i] = store.ComponentInput{Ref: fmt.Sprintf("pkg-%d", i), Name: fmt.Sprintf("component-%d", i), Version: "1.2.3", Supplier: "Acme Corp",
			PURL: fmt.Sprintf("pkg:npm/component-%d@1.2.3", i), CPEs: []string{fmt.Sprintf("cpe:2.3:a:acme:component-%d:1.2.3:*:*:*:*:*:*:*", i)}}
	}
	raw := make([]byte, 400<<10) // a 400 KiB document
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		if _, _, err := s.CreateSBOM(ctx, store.SBOM{OrgID: o.ID, VersionID: v.ID, Filename: "bench.cdx.json", Raw: raw}, comps); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(n)/1000, "ms/sbom")
}

func BenchmarkCreateSBOM1000(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCreateSBOM(b, openSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchCreateSBOM(b, openDSN(b, freshPostgres(b), nil)) })
}

// BenchmarkUpsertFindings3000 measures recording 3,000 findings of a version, then
// updating them (a third of them changed) as the monitor does.
func BenchmarkUpsertFindings3000(b *testing.B) {
	for _, tc := range []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"sqlite", func(b *testing.B) store.Store { return openSQLite(b) }},
		{"postgres", func(b *testing.B) store.Store { return openDSN(b, freshPostgres(b), nil) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := tc.open(b)
			ctx := context.Background()
			o, _ := s.CreateOrg(ctx, store.Org{Slug: "bench", Name: "Bench"})
			p, _ := s.CreateProduct(ctx, store.Product{OrgID: o.ID, Name: "p"})
			v, err := s.CreateVersion(ctx, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "1"})
			if err != nil {
				b.Fatal(err)
			}
			in := make([]store.ComponentInput, 1000)
			for i := range in {
				in[i] = store.ComponentInput{Name: fmt.Sprintf("c%d", i)}
			}
			_, comps, err := s.CreateSBOM(ctx, store.SBOM{OrgID: o.ID, VersionID: v.ID, Raw: []byte("{}")}, in)
			if err != nil {
				b.Fatal(err)
			}
			var fs []store.Finding
			for _, c := range comps {
				for j := range 3 {
					fs = append(fs, store.Finding{ComponentID: c.ID, VulnID: fmt.Sprintf("CVE-2025-%d-%d", c.ID, j), Severity: "high", EPSS: 0.1,
						Aliases: []string{fmt.Sprintf("GHSA-%d-%d", c.ID, j)}, Method: "purl", Confidence: "high"})
				}
			}
			if _, err := s.UpsertFindings(ctx, o.ID, v.ID, fs, time.Now()); err != nil {
				b.Fatal(err)
			}
			round := 0
			for b.Loop() {
				round++
				for i := range fs {
					if i%3 == 0 {
						fs[i].EPSS = float64(round%100) / 100
					}
				}
				ch, err := s.UpsertFindings(ctx, o.ID, v.ID, fs, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				if len(ch.Changed) != 1000 {
					b.Fatalf("%d changed", len(ch.Changed))
				}
			}
		})
	}
}

// TestDatabaseGuarantees checks what the API cannot show: the database itself
// refuses to change the event log, and SQLite runs in WAL mode.
func TestDatabaseGuarantees(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dsn    func(t *testing.T) string
		driver string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "g.db") }, "sqlite"},
		{"postgres", func(t *testing.T) string { return freshPostgres(t) }, "pgx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			s := openDSN(t, dsn, nil)
			o, err := s.CreateOrg(t.Context(), store.Org{Slug: "o", Name: "O"})
			if err != nil {
				t.Fatal(err)
			}
			es, err := s.AppendEvents(t.Context(), []store.Event{{OrgID: o.ID, Type: "finding.new", Subject: "CVE-1"}})
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open(tc.driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			q := "UPDATE events SET subject = 'rewritten' WHERE id = ?"
			if tc.driver == "pgx" {
				q = strings.Replace(q, "?", "$1", 1)
			}
			if _, err := db.ExecContext(t.Context(), q, es[0].ID); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("UPDATE events: %v, want the append-only refusal", err)
			}
			if tc.driver == "sqlite" {
				var mode string
				if err := db.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
					t.Errorf("journal_mode %q (%v), want wal", mode, err)
				}
			}
		})
	}
}
