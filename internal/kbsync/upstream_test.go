package kbsync

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"medvigil/internal/realdata"
)

// upstream is a fake of every upstream server, serving the shared real
// data in the upstream layouts, counting what it is asked.
type upstream struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	files    map[string][]byte // path → body, served with ETag and Last-Modified
	requests map[string]int    // path → requests
	status   map[int]int       // status → responses
	nvdQ     []nvdQuery
	// fault, if not nil, may answer a request itself (return true).
	fault func(w http.ResponseWriter, r *http.Request) bool

	nvd []nvdRecord
}

type nvdQuery struct {
	start, end string
	startIndex int
	apiKey     string
}

type nvdRecord struct {
	raw          json.RawMessage
	lastModified time.Time
}

var modTime = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func newUpstream(t testing.TB) *upstream {
	u := &upstream{t: t, files: map[string][]byte{}, requests: map[string]int{}, status: map[int]int{}}
	u.srv = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) url(p string) string { return u.srv.URL + p }

func (u *upstream) set(p string, body []byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.files[p] = body
}

func (u *upstream) count(p string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.requests[p]
}

func (u *upstream) statuses(code int) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.status[code]
}

func (u *upstream) queries() []nvdQuery {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]nvdQuery(nil), u.nvdQ...)
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) { w.code = c; w.ResponseWriter.WriteHeader(c) }

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.requests[r.URL.Path]++
	fault := u.fault
	body, ok := u.files[r.URL.Path]
	u.mu.Unlock()
	if !strings.HasPrefix(r.Header.Get("User-Agent"), "medvigil") {
		http.Error(w, "no User-Agent naming medvigil", http.StatusBadRequest)
		return
	}
	if fault != nil && fault(w, r) {
		return
	}
	sw := &statusWriter{ResponseWriter: w, code: 200}
	defer func() {
		u.mu.Lock()
		u.status[sw.code]++
		u.mu.Unlock()
	}()
	if r.URL.Path == "/rest/json/cves/2.0" {
		u.serveNVD(sw, r)
		return
	}
	if !ok {
		http.NotFound(sw, r)
		return
	}
	sum := sha256.Sum256(body)
	sw.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(sw, r, filepath.Base(r.URL.Path), modTime, bytes.NewReader(body))
}

// serveNVD answers like the NVD CVE API 2.0 from the shared records.
func (u *upstream) serveNVD(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	si, _ := strconv.Atoi(q.Get("startIndex"))
	n, _ := strconv.Atoi(q.Get("resultsPerPage"))
	if n <= 0 || n > 2000 {
		http.Error(w, "bad resultsPerPage", http.StatusBadRequest)
		return
	}
	recs := u.nvd
	qs, qe := q.Get("lastModStartDate"), q.Get("lastModEndDate")
	if (qs == "") != (qe == "") {
		http.Error(w, "both lastModStartDate and lastModEndDate are required", http.StatusBadRequest)
		return
	}
	if qs != "" {
		const layout = "2006-01-02T15:04:05.000Z07:00"
		s, err1 := time.Parse(layout, qs)
		e, err2 := time.Parse(layout, qe)
		if err1 != nil || err2 != nil || e.Before(s) || e.Sub(s) > 120*24*time.Hour {
			http.Error(w, "bad date range", http.StatusNotFound) // the NVD answers 404 here
			return
		}
		recs = nil
		for _, x := range u.nvd {
			if !x.lastModified.Before(s) && !x.lastModified.After(e) {
				recs = append(recs, x)
			}
		}
	}
	u.mu.Lock()
	u.nvdQ = append(u.nvdQ, nvdQuery{start: qs, end: qe, startIndex: si, apiKey: r.Header.Get("apiKey")})
	u.mu.Unlock()
	page := []json.RawMessage{}
	for i := si; i < len(recs) && i < si+n; i++ {
		page = append(page, recs[i].raw)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"resultsPerPage": len(page), "startIndex": si, "totalResults": len(recs),
		"format": "NVD_CVE", "version": "2.0", "timestamp": "2026-11-25T22:27:26.618",
		"vulnerabilities": page,
	})
}

// loadNVD reads the records of the shared NVD pages.
func (u *upstream) loadNVD(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "nvdcve-2.0-page-*.json"))
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			u.t.Fatal(err)
		}
		var page struct {
			Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			u.t.Fatal(err)
		}
		for _, v := range page.Vulnerabilities {
			var rec struct {
				CVE struct {
					LastModified string `json:"lastModified"`
				} `json:"cve"`
			}
			json.Unmarshal(v, &rec)
			lm, err := time.Parse("2006-01-02T15:04:05.000", rec.CVE.LastModified)
			if err != nil {
				u.t.Fatalf("%s: %v", f, err)
			}
			u.nvd = append(u.nvd, nvdRecord{raw: v, lastModified: lm})
		}
	}
}

// osvZips serves <eco>/all.zip for every ecosystem folder of the shared
// OSV data, built on the fly, and returns the ecosystems.
func (u *upstream) osvZips(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		u.t.Fatal(err)
	}
	var ecos []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		files, _ := filepath.Glob(filepath.Join(dir, e.Name(), "*.json"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				u.t.Fatal(err)
			}
			w, _ := zw.Create(filepath.Base(f))
			w.Write(data)
		}
		if err := zw.Close(); err != nil {
			u.t.Fatal(err)
		}
		u.set("/osv/"+e.Name()+"/all.zip", buf.Bytes())
		ecos = append(ecos, e.Name())
	}
	return ecos
}

func gz(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testConfig points every source at u, with fast retries and no NVD wait.
func testConfig(u *upstream, dir string) Config {
	return Config{
		Dir:          dir,
		OSVBase:      u.url("/osv"),
		NVDURL:       u.url("/rest/json/cves/2.0"),
		NVDRate:      RateLimit{Requests: 1000, Window: time.Second},
		NVDPageSize:  50,
		KEVURL:       u.url("/kev/known_exploited_vulnerabilities.json"),
		EPSSURL:      u.url("/epss/epss_scores-current.csv.gz"),
		RetryBase:    time.Millisecond,
		RetryMax:     2 * time.Second,
		Retries:      3,
		StallTimeout: 5 * time.Second,
		Now:          func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
	}
}

// sharedUpstream serves OSV, NVD, KEV and EPSS (the CSAF provider is
// added by the tests that need it).
func sharedUpstream(t *testing.T) (*upstream, []string) {
	u := newUpstream(t)
	ecos := u.osvZips(realdata.Data(t, "osv"))
	u.loadNVD(realdata.Data(t, "nvd"))
	u.set("/kev/known_exploited_vulnerabilities.json", mustRead(t, filepath.Join(realdata.Data(t, "kev"), "known_exploited_vulnerabilities.json")))
	u.set("/epss/epss_scores-current.csv.gz", gz(t, mustRead(t, filepath.Join("testdata", "epss_scores-2026-11-25.csv"))))
	return u, ecos
}

func failOn(t *testing.T, res Result) {
	t.Helper()
	if err := res.Err(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func source(res Result, s Source) SourceResult {
	for _, r := range res.Sources {
		if r.Source == s {
			return r
		}
	}
	return SourceResult{}
}
