package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one numbered schema change: migrations/<dialect>/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationsFor lists the migrations of a dialect in order. Numbers must
// start at 1 and have no gaps, so both dialects stay in step.
func migrationsFor(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s/%s: name must be NNNN_name.sql", dir, e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: migrations: %w", err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations of %s: expected version %d, found %d", dialect, i+1, m.version)
		}
	}
	return ms, nil
}

// migrate applies the missing migrations in one transaction and returns how
// many it applied. On PostgreSQL an advisory lock held for the transaction
// makes concurrent Opens wait for the first one instead of migrating twice;
// on SQLite BEGIN IMMEDIATE does the same.
func (s *db) migrate(ctx context.Context) (int, error) {
	ms, err := migrationsFor(s.d.name)
	if err != nil {
		return 0, err
	}
	applied := 0
	err = s.inTx(ctx, func(q *queries) error {
		if s.d.name == "postgres" {
			// The key is arbitrary but fixed: "medvigil" in ASCII.
			if _, err := q.w.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7882537622104066412)"); err != nil {
				return fmt.Errorf("store: migration lock: %w", err)
			}
		}
		created := "TEXT NOT NULL"
		if s.d.name == "postgres" {
			created = "TIMESTAMPTZ NOT NULL"
		}
		if _, err := q.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name    TEXT NOT NULL,
	applied `+created+`
)`); err != nil {
			return fmt.Errorf("store: schema_migrations: %w", err)
		}
		var current int
		if err := q.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
			return fmt.Errorf("store: schema version: %w", err)
		}
		if current > len(ms) {
			return fmt.Errorf("store: the database has schema version %d, newer than this program knows (%d): upgrade medvigil", current, len(ms))
		}
		for _, m := range ms[current:] {
			if _, err := q.w.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %04d_%s: %w", m.version, m.name, err)
			}
			if _, err := q.w.ExecContext(ctx, s.d.rebind("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)"),
				m.version, m.name, s.d.timeArg(time.Now())); err != nil {
				return fmt.Errorf("store: record migration %04d: %w", m.version, err)
			}
			applied++
		}
		return nil
	})
	return applied, err
}
