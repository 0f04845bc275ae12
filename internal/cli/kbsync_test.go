package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"medvigil/internal/realdata"
	"medvigil/internal/store"
)

// TestKBSyncImports runs `kb sync` against a local KEV and EPSS upstream:
// the mirror is written, imported into the database, and a second run is
// answered 304 and changes nothing.
func TestKBSyncImports(t *testing.T) {
	root := realdata.Root(t)
	kev, err := os.ReadFile(filepath.Join(root, "examples", "kb", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	epss, err := os.ReadFile(filepath.Join(root, "examples", "kb", "epss_scores-2026-10-01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var full, notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := kev
		if strings.HasSuffix(r.URL.Path, ".csv") {
			body = epss
		}
		const etag = `"v1"`
		if r.Header.Get("If-None-Match") == etag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", etag)
		w.Write(body)
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "medvigil.db")
	args := []string{"kb", "sync", "--source", "kev,epss", "--dir", filepath.Join(dir, "feeds"), "--db", db,
		"--kev-url", srv.URL + "/kev.json", "--epss-url", srv.URL + "/epss.csv"}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("kb sync exit %d:\n%s", code, stderr.String())
	}
	if full.Load() != 2 || !strings.Contains(stderr.String(), "imported into "+db) {
		t.Fatalf("first sync: %d full answers, stderr:\n%s", full.Load(), stderr.String())
	}
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	k, err := st.LatestKB(context.Background(), false)
	st.Close()
	if err != nil || k.ID != 1 {
		t.Fatalf("knowledge base after sync: %+v, %v", k, err)
	}
	stderr.Reset()
	if code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("second kb sync exit %d:\n%s", code, stderr.String())
	}
	if notModified.Load() != 2 || full.Load() != 2 || !strings.Contains(stderr.String(), "(0 added, 0 modified, 0 removed)") {
		t.Errorf("second sync: %d 304s, %d full answers; stderr:\n%s", notModified.Load(), full.Load(), stderr.String())
	}
	// --import=false only mirrors.
	stderr.Reset()
	if code := Run(context.Background(), append(args, "--import=false"), strings.NewReader(""), &stdout, &stderr); code != 0 || strings.Contains(stderr.String(), "imported into") {
		t.Errorf("--import=false: exit %d, stderr:\n%s", code, stderr.String())
	}
}
