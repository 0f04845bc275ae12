package kbsync

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/feeds"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
)

func csafDocs(t *testing.T) []testDoc {
	files, err := filepath.Glob(filepath.Join(realdata.Data(t, "csaf"), "*", "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no shared CSAF advisories: %v", err)
	}
	docs := make([]testDoc, len(files))
	for i, f := range files {
		docs[i] = testDoc{file: f}
	}
	return docs
}

type counts struct {
	Records map[feeds.Kind]int
	CSAF    int
	KEV     string
	EPSS    string
}

func load(t *testing.T, paths ...string) counts {
	t.Helper()
	_, st, err := feeds.Load(context.Background(), vuln.NewKB(), paths, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != 0 {
		t.Errorf("load %v: %d skipped", paths, st.Skipped)
	}
	return counts{st.Records, st.CSAFDocuments, st.KEVCatalog, st.EPSSDate}
}

// TestSyncMirrorsUpstream downloads every source from fake upstreams that
// serve the shared real data, then checks that feeds.Load reads the mirror
// as it reads the data itself, and that a second run is conditional.
func TestSyncMirrorsUpstream(t *testing.T) {
	u, ecos := sharedUpstream(t)
	newProvider(t, u, "rolie", csafDocs(t))
	dir := t.TempDir()
	cfg := testConfig(u, dir)
	cfg.OSVEcosystems = ecos
	cfg.CSAFProviders = []string{u.srv.URL}
	var progressed int
	cfg.Progress = func(Source, int, int, string) { progressed++ }

	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	failOn(t, res)
	for _, r := range res.Sources {
		if r.FilesWritten == 0 || len(r.Warnings) != 0 {
			t.Errorf("%s: %d files written, warnings %q", r.Source, r.FilesWritten, r.Warnings)
		}
		t.Logf("%s: fetched %d, written %d, %d bytes in %s", r.Source, r.Fetched, r.FilesWritten, r.Bytes, r.Duration)
	}
	if progressed == 0 {
		t.Error("no progress reported")
	}

	got := load(t, dir)
	want := load(t, realdata.Data(t, "osv"), realdata.Data(t, "kev"), realdata.Data(t, "nvd"),
		realdata.Data(t, "csaf"), filepath.Join("testdata", "epss_scores-2026-11-25.csv"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mirror loads differently from the shared data (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); err != nil {
		t.Errorf("no state file: %v", err)
	}

	// Second run, ten days later: every file is asked for conditionally
	// and answered 304; NVD asks only for what changed since the first run.
	before := u.statuses(http.StatusNotModified)
	cfg.Now = func() time.Time { return time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC) }
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	failOn(t, res)
	// one 304 per OSV archive, KEV, EPSS and the ROLIE feed
	if got, want := u.statuses(http.StatusNotModified)-before, len(ecos)+3; got != want {
		t.Errorf("second run: %d answers 304, want %d", got, want)
	}
	for _, r := range res.Sources {
		if r.Source != SourceNVD && r.FilesWritten != 0 {
			t.Errorf("second run: %s wrote %d files", r.Source, r.FilesWritten)
		}
	}
	q := u.queries()
	last := q[len(q)-1]
	if want := (nvdQuery{start: "2026-11-25T12:00:00.000+00:00", end: "2026-12-05T12:00:00.000+00:00"}); last != want {
		t.Errorf("second run NVD query = %+v, want %+v", last, want)
	}
	if diff := cmp.Diff(want, load(t, dir)); diff != "" {
		t.Errorf("after second run (-want +got):\n%s", diff)
	}
}

// TestNVDWindows checks the incremental NVD query: windows of at most 120
// days covering the time since the last pass, the apiKey header, and the
// rate limit.
func TestNVDWindows(t *testing.T) {
	u := newUpstream(t)
	u.loadNVD(realdata.Data(t, "nvd"))
	dir := t.TempDir()
	cfg := testConfig(u, dir)
	cfg.Sources = []Source{SourceNVD}
	cfg.NVDAPIKey = "test-key"
	cfg.NVDRate = RateLimit{Requests: 2, Window: 300 * time.Millisecond}
	cfg.Now = func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }

	start := time.Now()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	failOn(t, res)
	// 121 records in pages of 50: 3 requests, the third waits for the window.
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Errorf("3 requests at 2 per 300ms took %s", el)
	}
	if got := source(res, SourceNVD).FilesWritten; got != 3 {
		t.Errorf("full pass wrote %d pages, want 3", got)
	}

	// 300 days later: three windows (120 + 120 + 60 days).
	cfg.Now = func() time.Time { return time.Date(2025, 10, 28, 0, 0, 0, 0, time.UTC) }
	n := len(u.queries())
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	failOn(t, res)
	want := []nvdQuery{
		{start: "2025-01-01T00:00:00.000+00:00", end: "2025-05-01T00:00:00.000+00:00", apiKey: "test-key"},
		{start: "2025-05-01T00:00:00.000+00:00", end: "2025-08-29T00:00:00.000+00:00", apiKey: "test-key"},
		{start: "2025-08-29T00:00:00.000+00:00", end: "2025-10-28T00:00:00.000+00:00", apiKey: "test-key"},
	}
	if diff := cmp.Diff(want, u.queries()[n:], cmp.AllowUnexported(nvdQuery{})); diff != "" {
		t.Errorf("incremental queries (-want +got):\n%s", diff)
	}
	for _, q := range u.queries()[:n] {
		if q.apiKey != "test-key" || q.start != "" {
			t.Errorf("full pass query %+v: want apiKey and no date range", q)
		}
	}
	// The shared records modified in those windows are stored.
	var modified int
	for _, r := range u.nvd {
		if !r.lastModified.Before(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) && !r.lastModified.After(time.Date(2025, 10, 28, 0, 0, 0, 0, time.UTC)) {
			modified++
		}
	}
	c := load(t, filepath.Join(dir, "nvd", "modified"))
	if c.Records[feeds.KindNVD] != modified || modified == 0 {
		t.Errorf("incremental pages hold %d records, want %d (non-zero)", c.Records[feeds.KindNVD], modified)
	}
}

// TestRetries: 429 with Retry-After, then 503, then success.
func TestRetries(t *testing.T) {
	u := newUpstream(t)
	kevData := mustRead(t, filepath.Join(realdata.Data(t, "kev"), "known_exploited_vulnerabilities.json"))
	u.set("/kev/known_exploited_vulnerabilities.json", kevData)
	calls := 0
	u.fault = func(w http.ResponseWriter, r *http.Request) bool {
		calls++
		switch calls {
		case 1:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return true
		case 2:
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	dir := t.TempDir()
	cfg := testConfig(u, dir)
	cfg.Sources = []Source{SourceKEV}
	start := time.Now()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	failOn(t, res)
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("Retry-After: 1 not honored: run took %s", el)
	}
	r := source(res, SourceKEV)
	if r.Retries != 2 || r.FilesWritten != 1 || calls != 3 {
		t.Errorf("retries %d, files %d, calls %d; want 2, 1, 3", r.Retries, r.FilesWritten, calls)
	}
	got := mustRead(t, filepath.Join(dir, "kev", "known_exploited_vulnerabilities.json"))
	if string(got) != string(kevData) {
		t.Error("stored KEV catalog differs from upstream")
	}

	// A 404 is not retried and is the source's error.
	u.fault = func(w http.ResponseWriter, r *http.Request) bool { http.NotFound(w, r); return true }
	calls = 0
	cfg.KEVURL = u.url("/missing.json")
	res, _ = Run(context.Background(), cfg)
	if r := source(res, SourceKEV); r.Err == nil || r.Retries != 0 {
		t.Errorf("404: err %v, retries %d; want an error and no retry", r.Err, r.Retries)
	}
}

// cut sends half of body with the full Content-Length, then drops the
// connection.
func cut(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}
}

// visible lists the files feeds.Load would read under dir.
func visible(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// TestConnectionCut: a server dying mid-download leaves no partial file;
// the next run resumes (NVD from the page it stopped at).
func TestConnectionCut(t *testing.T) {
	u := newUpstream(t)
	u.osvZips(realdata.Data(t, "osv"))
	u.loadNVD(realdata.Data(t, "nvd"))
	dir := t.TempDir()
	cfg := testConfig(u, dir)
	cfg.Sources = []Source{SourceOSV, SourceNVD}
	cfg.OSVEcosystems = []string{"crates.io"}
	zipBody := func() []byte { u.mu.Lock(); defer u.mu.Unlock(); return u.files["/osv/crates.io/all.zip"] }()

	// Every OSV download and the third NVD page are cut, on every retry.
	u.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/osv/crates.io/all.zip" {
			cut(w, zipBody)
			return true
		}
		if r.URL.Query().Get("startIndex") == "100" {
			cut(w, []byte(`{"resultsPerPage":21,"startIndex":100,"totalResults":121,"format":"NVD_CVE","version":"2.0","vulnerabilities":[`+strings.Repeat(" ", 4096)))
			return true
		}
		return false
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r := source(res, SourceOSV); r.Err == nil || r.Retries != cfg.Retries {
		t.Errorf("cut OSV download: err %v, retries %d; want an error after %d retries", r.Err, r.Retries, cfg.Retries)
	}
	if r := source(res, SourceNVD); r.Err == nil || r.FilesWritten != 2 {
		t.Errorf("cut NVD page: err %v, %d pages written; want an error after 2 pages", r.Err, r.FilesWritten)
	}
	want := []string{"nvd/full/page-000000000.json", "nvd/full/page-000000050.json", StateFile}
	if diff := cmp.Diff(want, visible(t, dir)); diff != "" {
		t.Errorf("files after the cut run (-want +got):\n%s", diff)
	}

	// The server recovers: the next run fetches the archive and only the
	// NVD page that was missing.
	u.fault = nil
	n := len(u.queries())
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	failOn(t, res)
	if diff := cmp.Diff([]nvdQuery{{startIndex: 100}}, u.queries()[n:], cmp.AllowUnexported(nvdQuery{})); diff != "" {
		t.Errorf("resumed NVD queries (-want +got):\n%s", diff)
	}
	got := load(t, dir)
	if got.Records[feeds.KindNVD] != 121 || got.Records[feeds.KindOSV] == 0 {
		t.Errorf("after resume: %v records, want 121 NVD and the crates.io archive", got.Records)
	}
}

// TestCSAFProvider checks each distribution variant: good documents are
// stored, a tampered document, a wrong hash and a signature by another key
// are rejected with a warning; a second run fetches only what changed.
func TestCSAFProvider(t *testing.T) {
	all := csafDocs(t)[:12]
	for _, variant := range []string{"rolie", "changes", "index"} {
		t.Run(variant, func(t *testing.T) {
			docs := append([]testDoc(nil), all...)
			docs[1].fault = docTampered
			docs[4].fault = docBadHash
			docs[7].fault = docOtherKey
			u := newUpstream(t)
			p := newProvider(t, u, variant, docs)
			dir := t.TempDir()
			cfg := testConfig(u, dir)
			cfg.Sources = []Source{SourceCSAF}
			cfg.CSAFProviders = []string{u.srv.URL}
			res, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			failOn(t, res)
			r := source(res, SourceCSAF)
			if r.FilesWritten != len(docs)-3 {
				t.Errorf("%d documents stored, want %d", r.FilesWritten, len(docs)-3)
			}
			var reasons []string
			for _, w := range r.Warnings {
				switch {
				case strings.Contains(w, filepath.Base(docs[1].file)) && strings.Contains(w, "hashes to"):
					reasons = append(reasons, docTampered)
				case strings.Contains(w, filepath.Base(docs[4].file)) && strings.Contains(w, ".sha256 says"):
					reasons = append(reasons, docBadHash)
				case strings.Contains(w, filepath.Base(docs[7].file)) && strings.Contains(w, "OpenPGP signature"):
					reasons = append(reasons, docOtherKey)
				default:
					t.Errorf("unexpected warning %q", w)
				}
			}
			sort.Strings(reasons)
			if diff := cmp.Diff([]string{docBadHash, docOtherKey, docTampered}, reasons); diff != "" {
				t.Errorf("rejections (-want +got):\n%s", diff)
			}
			host := strings.ReplaceAll(strings.TrimPrefix(u.srv.URL, "http://"), ":", "_")
			for i, d := range docs {
				p := filepath.Join(dir, "csaf", host, "white", filepath.Base(filepath.Dir(d.file)), filepath.Base(d.file))
				_, err := os.Stat(p)
				if stored := err == nil; stored != (d.fault == docGood) {
					t.Errorf("doc %d (%s, fault %q): stored %v", i, filepath.Base(d.file), d.fault, stored)
				}
			}
			if c := load(t, dir); c.CSAF != len(docs)-3 {
				t.Errorf("feeds.Load reads %d CSAF documents from the mirror, want %d", c.CSAF, len(docs)-3)
			}

			// Second run: nothing changed; then one document changes.
			reqs := u.count(p.entries[0].path)
			res, _ = Run(context.Background(), cfg)
			failOn(t, res)
			if got := u.count(p.entries[0].path); got != reqs {
				t.Errorf("unchanged document fetched again (%d requests, was %d)", got, reqs)
			}
			if got := u.count(p.entries[1].path); got != 2 {
				t.Errorf("rejected document: %d requests over two runs, want 2 (tried again)", got)
			}
			if variant == "index" {
				return // index.txt carries no times
			}
			p.update(t, 0, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
			res, _ = Run(context.Background(), cfg)
			failOn(t, res)
			if got := u.count(p.entries[0].path); got != reqs+1 {
				t.Errorf("updated document: %d requests, want %d", got, reqs+1)
			}
			if got := u.count(p.entries[2].path); got != 1 {
				t.Errorf("unchanged document: %d requests, want 1", got)
			}
		})
	}
}
