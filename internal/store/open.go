package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// SQLite connection settings. One writer connection serializes the writes of
// this process (database/sql queues them, so they never see SQLITE_BUSY from
// each other); BEGIN IMMEDIATE and busy_timeout make writers of other
// processes wait for the lock instead of failing. Readers run in parallel
// (WAL).
const (
	sqliteBusyTimeoutMS = 10000
	sqliteReaders       = 4
	pgMaxConns          = 16
)

// Open opens (creating if needed) the database named by dsn and brings its
// schema up to date:
//
//   - postgres://… or postgresql://…: PostgreSQL (jackc/pgx);
//   - sqlite:PATH, file:PATH (a file: URL) or a plain PATH: SQLite
//     (modernc.org/sqlite), in WAL mode; missing parent directories are
//     created.
func Open(ctx context.Context, dsn string, log *slog.Logger) (Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dsn == "" {
		return nil, errors.New("store: empty database name")
	}
	var (
		s   *db
		err error
	)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s, err = openPostgres(ctx, dsn)
	} else {
		var path string
		path, err = SQLitePath(dsn)
		if err == nil {
			s, err = openSQLite(ctx, path)
		}
	}
	if err != nil {
		return nil, err
	}
	s.log = log
	applied, err := s.migrate(ctx)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	if applied > 0 {
		log.Info("store: schema migrated", "dialect", s.d.name, "applied", applied)
	}
	return s, nil
}

// SQLitePath returns the file path named by a SQLite dsn: "sqlite:PATH",
// "sqlite://PATH", a "file:" URL or a plain path.
func SQLitePath(dsn string) (string, error) {
	path := dsn
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path = strings.TrimPrefix(dsn, "sqlite:")
		if strings.HasPrefix(path, "//") {
			path = strings.TrimPrefix(path, "//")
		}
	case strings.HasPrefix(dsn, "file:"):
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("store: sqlite dsn %q: %w", dsn, err)
		}
		path = u.Path
		if u.Opaque != "" {
			path = u.Opaque
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("store: sqlite dsn %q: a file: URL must not name a host", dsn)
		}
	}
	if path == "" || path == ":memory:" {
		return "", fmt.Errorf("store: sqlite dsn %q: a database file path is needed (in-memory databases are not supported)", dsn)
	}
	if strings.ContainsAny(path, "?#") {
		return "", fmt.Errorf("store: sqlite path %q must not contain '?' or '#'", path)
	}
	return path, nil
}

func openSQLite(ctx context.Context, path string) (*db, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
		}
	}
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", sqliteBusyTimeoutMS)
	w, err := sql.Open("sqlite", path+"?"+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer connects first, so the file exists and is in WAL mode
	// before any reader opens it.
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	s := &db{d: sqliteDialect, w: w, r: r, path: path}
	s.queries = &queries{d: &s.d, r: r, w: w, db: s}
	return s, nil
}

func openPostgres(ctx context.Context, dsn string) (*db, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	p.SetMaxOpenConns(pgMaxConns)
	p.SetMaxIdleConns(pgMaxConns)
	if err := p.PingContext(ctx); err != nil {
		_ = p.Close()
		return nil, fmt.Errorf("store: connect to postgres %s: %w", redact(dsn), err)
	}
	s := &db{d: postgresDialect, w: p, r: p}
	s.queries = &queries{d: &s.d, r: p, w: p, db: s}
	return s, nil
}

// redact hides the password of a URL for error messages and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
