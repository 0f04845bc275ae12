package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"medvigil/internal/monitor"
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
		if r.URL.Path == "/missing.json" {
			http.NotFound(w, r)
			return
		}
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
	feedsOf := func() map[string]monitor.FeedStatus {
		t.Helper()
		st, err := store.Open(context.Background(), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		k, err := st.LatestKB(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		var meta monitor.SourcesMeta
		if err := json.Unmarshal(k.Sources, &meta); err != nil {
			t.Fatalf("sources %s: %v", k.Sources, err)
		}
		out := map[string]monitor.FeedStatus{}
		for _, f := range meta.Feeds {
			out[f.Source] = f
		}
		return out
	}
	before := feedsOf()
	if before["kev"].LastSuccess.IsZero() || before["epss"].LastSuccess.IsZero() || before["kev"].Error != "" {
		t.Fatalf("feeds after good syncs: %+v", before)
	}
	// A failing KEV source: the sync exits 2, the mirror is still imported,
	// and KEV keeps its last success with the error recorded.
	bad := []string{"kb", "sync", "--source", "kev,epss", "--dir", filepath.Join(dir, "feeds"), "--db", db,
		"--kev-url", srv.URL + "/missing.json", "--epss-url", srv.URL + "/epss.csv"}
	stderr.Reset()
	if code := Run(context.Background(), bad, strings.NewReader(""), &stdout, &stderr); code != ExitError || !strings.Contains(stderr.String(), "imported into") {
		t.Fatalf("failing kev: exit %d, stderr:\n%s", code, stderr.String())
	}
	after := feedsOf()
	if k := after["kev"]; k.Error == "" || !k.LastSuccess.Equal(before["kev"].LastSuccess) || !k.LastAttempt.After(before["kev"].LastAttempt) {
		t.Errorf("kev after a failed sync: %+v (before %+v)", k, before["kev"])
	}
	if e := after["epss"]; e.Error != "" || !e.LastSuccess.After(before["epss"].LastSuccess) {
		t.Errorf("epss after a good sync: %+v", e)
	}
	// The server reports the feeds' ages and failures.
	base, stop := startServe(t, "--db", db, "--data", dir)
	defer stop()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`medvigil_feed_age_seconds{source="kev"}`, `medvigil_feed_age_seconds{source="epss"}`,
		`medvigil_feed_last_sync_failed{source="kev"} 1`, `medvigil_feed_last_sync_failed{source="epss"} 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
