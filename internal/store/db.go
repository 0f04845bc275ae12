package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// db is a Store over database/sql, shared by both backends.
type db struct {
	*queries
	d    dialect
	w    *sql.DB // writes and transactions (SQLite: one connection)
	r    *sql.DB // reads outside transactions (PostgreSQL: same as w)
	path string  // SQLite file
	log  *slog.Logger
}

// conn is what *sql.DB and *sql.Tx have in common.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// queries implements Queries on a database (r, w: the pools; db set) or in a
// transaction (r = w = the transaction; db nil).
type queries struct {
	d  *dialect
	r  conn
	w  conn
	db *db
}

var _ Store = (*db)(nil)

func (s *db) Dialect() string { return s.d.name }

func (s *db) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if s.r != s.w {
		if err := s.r.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping: %w", err)
		}
	}
	return nil
}

func (s *db) Close() error {
	var errs []error
	if s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// InTx runs fn in one transaction. Inside fn only q may be used: on SQLite
// the transaction holds the single writer connection, so a write through the
// Store itself would wait for fn to end.
func (s *db) InTx(ctx context.Context, fn func(q Queries) error) error {
	return s.inTx(ctx, func(q *queries) error { return fn(q) })
}

func (s *db) inTx(ctx context.Context, fn func(q *queries) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback() // fn panicked: undo, then let the panic go on
		}
	}()
	if err := fn(&queries{d: &s.d, r: tx, w: tx}); err != nil {
		done = true
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			s.log.Warn("store: rollback failed", "err", rerr)
		}
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", mapErr(err))
	}
	return nil
}

// writeTx runs fn in a transaction: the current one, or a new one.
func (q *queries) writeTx(ctx context.Context, fn func(q *queries) error) error {
	if q.db == nil {
		return fn(q)
	}
	return q.db.inTx(ctx, fn)
}

// Backup writes a consistent copy of a SQLite database to path with VACUUM
// INTO. It refuses to overwrite a file. PostgreSQL databases are backed up
// with pg_dump.
func (s *db) Backup(ctx context.Context, path string) error {
	if s.d.name != "sqlite" {
		return errors.New("store: backup of a PostgreSQL database is done with pg_dump, e.g. " +
			"pg_dump --format=custom --file=medvigil.dump 'postgres://user@host:5432/medvigil' " +
			"(restore with pg_restore --clean --if-exists --dbname=... medvigil.dump)")
	}
	if path == "" {
		return errors.New("store: backup: no file name")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("store: backup: %s already exists; choose a new file", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// VACUUM INTO reads one consistent snapshot; it runs on the writer
	// connection because the readers are query_only.
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// mapErr turns unique-key violations into ErrConflict and foreign-key
// violations (a parent that does not exist in the organization) into
// ErrNotFound, keeping the driver's message.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %v", ErrNotFound, err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return fmt.Errorf("%w: %v", ErrConflict, err)
		case "23503":
			return fmt.Errorf("%w: %v", ErrNotFound, err)
		}
	}
	return err
}

// wrap adds the operation to an error, mapping database errors first.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", op, mapErr(err))
}

// notFound is the error for a missing object.
func notFound(what string, id int64) error {
	return fmt.Errorf("store: %s %d: %w", what, id, ErrNotFound)
}

// Pagination.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return defaultLimit
	case p.Limit > maxLimit:
		return maxLimit
	}
	return p.Limit
}

func (p Page) after() int64 { return max(p.After, 0) }

// jsonArg encodes a list as JSON, or NULL when it is empty.
func jsonArg[T any](v []T) (any, error) {
	if len(v) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// rawJSONArg is the argument for a JSON document (NULL when empty).
func rawJSONArg(m json.RawMessage) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	if !json.Valid(m) {
		return nil, errors.New("invalid JSON")
	}
	return string(m), nil
}

// jsonList scans a JSON array column (NULL: nil).
type jsonList[T any] struct{ v *[]T }

func (c jsonList[T]) Scan(src any) error {
	b, err := bytesOf(src)
	if err != nil || b == nil {
		*c.v = nil
		return err
	}
	var out []T
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("store: bad JSON list: %w", err)
	}
	if len(out) == 0 {
		out = nil
	}
	*c.v = out
	return nil
}

// jsonRaw scans a JSON document column (NULL: nil).
type jsonRaw struct{ v *json.RawMessage }

func (c jsonRaw) Scan(src any) error {
	b, err := bytesOf(src)
	if err != nil || b == nil {
		*c.v = nil
		return err
	}
	*c.v = json.RawMessage(b)
	return nil
}

func bytesOf(src any) ([]byte, error) {
	switch v := src.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(v), nil
	case []byte:
		return append([]byte(nil), v...), nil
	}
	return nil, fmt.Errorf("store: cannot scan %T as JSON", src)
}

// placeholders returns "(?, ?, ?)" for n columns.
func placeholders(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// inList returns "?, ?, ?" for n values.
func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// errorf makes a plain error (wrapped later with the operation).
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
