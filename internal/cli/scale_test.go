package cli

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to read job_runs

	"medvigil/internal/realdata"
)

// The scale test's feed fixtures: phase 1 serves an advisory that does not
// affect the uploaded SBOM; phase 2 adds one that does (and lists its CVE in
// KEV), so the sync after the switch must re-evaluate the version once.
const (
	scaleBenign   = "MVSCALE-0001"
	scaleAffects  = "MVSCALE-0002"
	scaleCVE      = "CVE-2099-0002"
	scaleInterval = 2 * time.Second
	scaleSBOM     = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
 "metadata":{"component":{"type":"device","name":"scale-pump","version":"1.0","bom-ref":"pump"}},
 "components":[
  {"type":"library","bom-ref":"lodash","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"},
  {"type":"library","bom-ref":"ms","name":"ms","version":"2.1.3","purl":"pkg:npm/ms@2.1.3"}]}`
)

func osvRecord(id, alias, pkg, fixed string) string {
	return fmt.Sprintf(`{"schema_version":"1.6.0","id":%q,"modified":"2026-11-01T00:00:00Z","published":"2026-11-01T00:00:00Z",
 "aliases":[%q],"summary":"scale test advisory %s","database_specific":{"severity":"HIGH"},
 "affected":[{"package":{"ecosystem":"npm","name":%q},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":%q}]}]}]}`,
		id, alias, id, pkg, fixed)
}

func osvZip(t *testing.T, records map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for id, rec := range records {
		w, err := zw.Create(id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func kevCatalog(cves ...string) []byte {
	var vs []string
	for _, c := range cves {
		vs = append(vs, fmt.Sprintf(`{"cveID":%q,"vendorProject":"lodash","product":"lodash","vulnerabilityName":"scale test",
 "dateAdded":"2026-11-01","shortDescription":"scale test","requiredAction":"update","dueDate":"2026-11-22","knownRansomwareCampaignUse":"Unknown","notes":""}`, c))
	}
	return []byte(fmt.Sprintf(`{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.11.01",
 "dateReleased":"2026-11-01T00:00:00.000Z","count":%d,"vulnerabilities":[%s]}`, len(cves), strings.Join(vs, ",")))
}

// upstream serves the OSV npm archive and the KEV catalog with ETags,
// answering If-None-Match with 304, and records every request.
type upstream struct {
	mu    sync.Mutex
	files map[string][]byte // path → body
	hits  map[string][]time.Time
}

func (u *upstream) set(path string, body []byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.files[path] = body
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	body, ok := u.files[r.URL.Path]
	u.hits[r.URL.Path] = append(u.hits[r.URL.Path], time.Now())
	u.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(body)
}

func (u *upstream) requests(path string) []time.Time {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]time.Time(nil), u.hits[path]...)
}

// scalePostgres creates a fresh database from MEDVIGIL_TEST_POSTGRES (skips
// without it; fails under CI=true) and returns its URL and a connection.
func scalePostgres(t *testing.T) (string, *sql.DB) {
	t.Helper()
	admin := os.Getenv("MEDVIGIL_TEST_POSTGRES")
	if admin == "" {
		realdata.Missing(t, "MEDVIGIL_TEST_POSTGRES (a PostgreSQL URL allowed to CREATE DATABASE, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("MEDVIGIL_TEST_POSTGRES: %v", err)
	}
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("admin connection: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "medvigil_scale_" + hex.EncodeToString(b[:])
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		_ = adb.Close()
		t.Fatalf("create database: %v", err)
	}
	u.Path = "/" + name
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = db.Close()
		defer adb.Close()
		if _, err := adb.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return u.String(), db
}

// lockedBuffer collects a process's stderr (its JSON log).
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the log records whose msg is msg.
func (b *lockedBuffer) records(msg string) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type serveProc struct {
	cmd  *exec.Cmd
	url  string
	log  *lockedBuffer
	done chan error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// api calls the API with the token and decodes a JSON answer into out.
func api(t *testing.T, method, u, token string, body []byte, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, u, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, u, err, data)
		}
	}
}

type scaleEvent struct {
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	Subject string `json:"subject"`
}

func allEvents(t *testing.T, base, token string) []scaleEvent {
	t.Helper()
	var all []scaleEvent
	cursor := ""
	for {
		var page struct {
			Items      []scaleEvent `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		api(t, "GET", base+"/api/v1/events?limit=1000&cursor="+url.QueryEscape(cursor), token, nil, http.StatusOK, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// countEvents counts the events of a type about the scale advisory (the
// subject is its vulnerability's ID: the advisory ID or its CVE alias).
func countEvents(es []scaleEvent, typ string) int {
	n := 0
	for _, e := range es {
		if e.Type == typ && (e.Subject == scaleAffects || e.Subject == scaleCVE) {
			n++
		}
	}
	return n
}

// TestTwoServersSharePostgres starts two `medvigil serve` processes on one
// PostgreSQL database with a scheduled sync every 2 s against a local
// upstream, and proves they share the work: each sync slot runs once (one
// claim row per slot, one upstream request per claim), a knowledge-base
// change re-evaluates once (one finding.new event), both serve the same
// knowledge base, and both stop cleanly on SIGTERM.
func TestTwoServersSharePostgres(t *testing.T) {
	dsn, db := scalePostgres(t)
	root := realdata.Root(t)
	bin := filepath.Join(t.TempDir(), "medvigil")
	build := exec.Command("go", "build", "-o", bin, "./cmd/medvigil")
	build.Dir = root
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	up := &upstream{files: map[string][]byte{}, hits: map[string][]time.Time{}}
	up.set("/osv/npm/all.zip", osvZip(t, map[string]string{scaleBenign: osvRecord(scaleBenign, "CVE-2099-0001", "left-pad", "1.3.0")}))
	up.set("/kev.json", kevCatalog("CVE-2099-0001"))
	feeds := httptest.NewServer(up)
	defer feeds.Close()

	bootstrap := exec.Command(bin, "admin", "bootstrap", "--db", dsn, "--org", "Scale Test Medical", "--slug", "scale",
		"--kind", "manufacturer", "--email", "admin@scale.example", "--password", "scale-test-password")
	bootstrap.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := bootstrap.CombinedOutput()
	if err != nil {
		t.Fatalf("admin bootstrap: %v\n%s", err, out)
	}
	_, token, ok := strings.Cut(string(out), "API token (shown once): ")
	if !ok {
		t.Fatalf("admin bootstrap printed no token:\n%s", out)
	}
	token = strings.TrimSpace(token)

	start := func(name string) *serveProc {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "serve", "--db", dsn, "--data", filepath.Join(t.TempDir(), name), "--addr", addr,
			"--log-level", "debug", "--sync-interval", scaleInterval.String(), "--refresh-interval", "1s",
			"--sync-sources", "osv,kev", "--osv-base-url", feeds.URL+"/osv", "--osv-ecosystems", "npm",
			"--kev-url", feeds.URL+"/kev.json", "--shutdown-grace", "5s")
		p := &serveProc{cmd: cmd, url: "http://" + addr, log: &lockedBuffer{}, done: make(chan error, 1)}
		cmd.Stderr = p.log
		cmd.Stdout = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		go func() { p.done <- cmd.Wait() }()
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
				<-p.done
			}
		})
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := http.Get(p.url + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return p
				}
			}
			select {
			case err := <-p.done:
				t.Fatalf("%s exited: %v\n%s", name, err, p.log)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not ready after 15 s:\n%s", name, p.log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	a, b := start("a"), start("b")

	// Upload through the process that does not run the syncs (the one that
	// lost the newest slot), so that the re-evaluation must see an SBOM
	// another process stored.
	var winner string
	deadline := time.Now().Add(3 * scaleInterval)
	for winner == "" {
		err := db.QueryRow("SELECT owner FROM job_runs WHERE name = 'kb-sync' ORDER BY slot DESC LIMIT 1").Scan(&winner)
		if err != nil && err != sql.ErrNoRows {
			t.Fatalf("job_runs: %v", err)
		}
		if winner == "" && time.Now().After(deadline) {
			t.Fatal("no sync slot claimed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.HasSuffix(winner, fmt.Sprintf(":%d", a.cmd.Process.Pid)) {
		a, b = b, a
	}

	// A product version with an SBOM, uploaded through process a.
	var prod struct{ ID int64 }
	api(t, "POST", a.url+"/api/v1/products", token, []byte(`{"name":"Scale Pump","vendor":"Scale Test Medical"}`), http.StatusCreated, &prod)
	var ver struct{ ID int64 }
	api(t, "POST", fmt.Sprintf("%s/api/v1/products/%d/versions", a.url, prod.ID), token, []byte(`{"version":"1.0"}`), http.StatusCreated, &ver)
	api(t, "POST", fmt.Sprintf("%s/api/v1/versions/%d/sboms?filename=pump.cdx.json", a.url, ver.ID), token, []byte(scaleSBOM), http.StatusCreated, nil)

	// Let a couple of slots pass on phase 1, then publish the advisory that
	// affects lodash 4.17.20 and mark its CVE as exploited.
	time.Sleep(2 * scaleInterval)
	if n := countEvents(allEvents(t, b.url, token), "finding.new"); n != 0 {
		t.Fatalf("%d finding.new events for %s before it was published", n, scaleAffects)
	}
	up.set("/osv/npm/all.zip", osvZip(t, map[string]string{
		scaleBenign:  osvRecord(scaleBenign, "CVE-2099-0001", "left-pad", "1.3.0"),
		scaleAffects: osvRecord(scaleAffects, scaleCVE, "lodash", "4.17.21"),
	}))
	up.set("/kev.json", kevCatalog("CVE-2099-0001", scaleCVE))
	published := time.Now()

	// Wait for the finding, then for several more slots in which both
	// processes keep syncing.
	deadline = time.Now().Add(4 * scaleInterval)
	for countEvents(allEvents(t, b.url, token), "finding.new") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no finding.new event for %s within %s of publishing it\nlog a:\n%s\nlog b:\n%s", scaleAffects, 4*scaleInterval, a.log, b.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * scaleInterval)

	// Re-evaluation ran once: one finding.new event, one finding, and
	// exactly one knowledge-base replacement (in either process) that
	// made a new finding.
	events := allEvents(t, a.url, token)
	if n := countEvents(events, "finding.new"); n != 1 {
		t.Errorf("%d finding.new events for %s, want exactly 1", n, scaleAffects)
	}
	var findings struct {
		Items []struct {
			VulnID string `json:"vuln_id"`
			KEV    bool   `json:"kev"`
			Status string `json:"status"`
		} `json:"items"`
	}
	api(t, "GET", b.url+"/api/v1/findings?vulnerability="+scaleAffects, token, nil, http.StatusOK, &findings)
	if len(findings.Items) != 1 || !findings.Items[0].KEV || findings.Items[0].Status != "open" {
		t.Errorf("findings of %s = %+v, want one open KEV finding", scaleAffects, findings.Items)
	}
	newFindingRuns, reevaluator := 0, ""
	for name, p := range map[string]*serveProc{"the uploader": a, "the other process": b} {
		for _, rec := range p.log.records("knowledge base replaced") {
			if n, _ := rec["new"].(float64); n > 0 {
				newFindingRuns++
				reevaluator = name
			}
		}
	}
	t.Logf("the new finding was made by %s", reevaluator)
	if newFindingRuns != 1 {
		t.Errorf("%d knowledge-base replacements made new findings, want exactly 1", newFindingRuns)
	}

	// Both processes serve the same knowledge base: the syncs keep making
	// snapshots, so within a few refresh intervals both must report the same
	// one (and the newest in the database).
	same := false
	var kbA, kbB struct {
		SnapshotID int64 `json:"snapshot_id"`
		Advisories int   `json:"advisories"`
		KEV        int   `json:"kev"`
	}
	for i := 0; i < 100 && !same; i++ {
		api(t, "GET", a.url+"/api/v1/kb", token, nil, http.StatusOK, &kbA)
		api(t, "GET", b.url+"/api/v1/kb", token, nil, http.StatusOK, &kbB)
		var latest int64
		if err := db.QueryRow("SELECT max(id) FROM kb_snapshots").Scan(&latest); err != nil {
			t.Fatal(err)
		}
		same = kbA.SnapshotID == kbB.SnapshotID && kbA.SnapshotID == latest
		if !same {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !same || kbA.Advisories != 2 || kbA.KEV != 2 || kbB != kbA {
		t.Errorf("knowledge bases differ or are not the newest: a %+v, b %+v", kbA, kbB)
	}

	// Stop both, then count: no claim or request can come after.
	for _, p := range []*serveProc{a, b} {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
	}
	for name, p := range map[string]*serveProc{"a": a, "b": b} {
		select {
		case err := <-p.done:
			if err != nil {
				t.Errorf("serve %s after SIGTERM: %v (want exit 0)\n%s", name, err, p.log)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve %s did not stop within 10 s of SIGTERM", name)
		}
	}
	// Each slot's sync ran once: one claim row per slot (the primary key),
	// and the upstream saw exactly one KEV and one OSV request per claim.
	// Both processes tried slots they lost.
	rows, err := db.Query("SELECT slot, owner FROM job_runs WHERE name = 'kb-sync' ORDER BY slot")
	if err != nil {
		t.Fatalf("job_runs: %v", err)
	}
	claims := map[string]string{}
	owners := map[string]int{}
	for rows.Next() {
		var slot, owner string
		if err := rows.Scan(&slot, &owner); err != nil {
			t.Fatal(err)
		}
		claims[slot] = owner
		owners[owner]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(claims) < 5 {
		t.Errorf("%d sync slots claimed over the run, want at least 5: %v", len(claims), claims)
	}
	for _, path := range []string{"/kev.json", "/osv/npm/all.zip"} {
		hits := up.requests(path)
		// One request per claim; a claim won just before SIGTERM may have
		// been cancelled before its request.
		if len(hits) > len(claims) || len(hits) < len(claims)-1 {
			t.Errorf("%s requested %d times for %d claimed slots, want one request per slot", path, len(hits), len(claims))
		}
	}
	lost := len(a.log.records("scheduled sync runs elsewhere")) + len(b.log.records("scheduled sync runs elsewhere"))
	if lost == 0 {
		t.Errorf("no process ever lost a slot to the other: the test did not exercise sharing (owners %v)", owners)
	}
	t.Logf("%d slots claimed (owners %v), %d claims lost, finding published %s before the end",
		len(claims), owners, lost, time.Since(published).Round(time.Millisecond))
}
