package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
)

// PostgresAdmin returns MEDVIGIL_TEST_POSTGRES, the URL of a PostgreSQL
// database where tests may create databases. Without it the test is
// skipped, and fails under CI=true (CI always provides it).
func PostgresAdmin(t testing.TB) string {
	t.Helper()
	u := os.Getenv("MEDVIGIL_TEST_POSTGRES")
	if u == "" {
		const what = "MEDVIGIL_TEST_POSTGRES (a PostgreSQL URL allowed to CREATE DATABASE, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("missing %s; CI must provide it", what)
		}
		t.Skipf("missing %s; set it to run the PostgreSQL tests (they fail under CI=true)", what)
	}
	return u
}

// FreshPostgres creates an empty database, dropped (WITH (FORCE)) when t
// ends, and returns its URL: every test gets its own, so runs are isolated
// and may run in parallel.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	admin := PostgresAdmin(t)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("MEDVIGIL_TEST_POSTGRES: %v", err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("admin connection: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "medvigil_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		_ = db.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
