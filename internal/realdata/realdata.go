package realdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository root: the nearest directory above the working
// directory that holds go.mod.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("realdata: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("realdata: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Data returns the path of ../shared/data/<elem...> relative to the repository
// root. If it does not exist the test fails under CI and is skipped elsewhere.
func Data(tb testing.TB, elem ...string) string {
	tb.Helper()
	return need(tb, append([]string{"data"}, elem...))
}

// Oracle returns the path of ../shared/oracle/<elem...>, with the same rule
// as Data.
func Oracle(tb testing.TB, elem ...string) string {
	tb.Helper()
	return need(tb, append([]string{"oracle"}, elem...))
}

func need(tb testing.TB, elem []string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Root(tb), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		Missing(tb, p+" (the shared real data, checked out beside the repository as ../shared)")
	}
	return p
}

// Missing fails the test under CI (CI=true) and skips it elsewhere, naming
// what is missing and how to provide it.
func Missing(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("missing %s; CI must provide it", what)
	}
	tb.Skipf("missing %s; provide it to run this test (it fails under CI=true)", what)
}
