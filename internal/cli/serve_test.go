package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"medvigil/internal/realdata"
	"medvigil/internal/store"
)

// syncBuffer is a goroutine-safe buffer for the server's log.
type lockedWriter struct {
	ch chan []byte
}

func (w lockedWriter) Write(p []byte) (int, error) {
	select {
	case w.ch <- append([]byte(nil), p...):
	default:
	}
	return len(p), nil
}

// startServe runs `medvigil serve args...` in-process and returns its base
// URL and a stop function that returns the exit code.
func startServe(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...), strings.NewReader(""), pw, lockedWriter{make(chan []byte, 1)})
		pw.Close()
		done <- code
	}()
	urlRE := regexp.MustCompile(`serving on (http://\S+)`)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var base string
	var out []string
	deadline := time.After(60 * time.Second)
	for base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended before serving (exit %d): %q", <-done, out)
			}
			out = append(out, l)
			if m := urlRE.FindStringSubmatch(l); m != nil {
				base = m[1]
			}
		case <-deadline:
			t.Fatal("serve did not print its URL within 60 s")
		}
	}
	go func() {
		for l := range lines {
			_ = l
		}
	}()
	t.Cleanup(cancel)
	return base, func() int {
		cancel()
		select {
		case c := <-done:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop within 30 s of cancellation")
			return -1
		}
	}
}

func getJSON(t *testing.T, url, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// TestServeDemo is the README's main job: serve --demo on the embedded
// SQLite default, log in with the printed demo login, and see findings.
func TestServeDemo(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	base, stop := startServe(t, "--demo", "--data", data)
	body, _ := json.Marshal(map[string]string{"email": demoEmail, "password": demoPassword})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Secret string }
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 201 || !strings.HasPrefix(tok.Secret, "mvg_") {
		t.Fatalf("login: %d %+v", resp.StatusCode, tok)
	}
	var org struct {
		Name string
		Demo bool
	}
	if getJSON(t, base+"/api/v1/organization", tok.Secret, &org); !org.Demo || !strings.Contains(org.Name, "DEMO") {
		t.Errorf("organization %+v: want demo flag and a DEMO name", org)
	}
	var prods struct{ Items []store.Product }
	getJSON(t, base+"/api/v1/products", tok.Secret, &prods)
	if len(prods.Items) != 3 {
		t.Errorf("demo products: %d, want 3", len(prods.Items))
	}
	var kev struct{ Items []store.Finding }
	getJSON(t, base+"/api/v1/findings?kev=true", tok.Secret, &kev)
	if len(kev.Items) == 0 {
		t.Fatal("no KEV findings in the demo")
	}
	for _, f := range kev.Items {
		if !f.KEV || !strings.HasPrefix(f.VulnID, "DEMO-") {
			t.Errorf("KEV finding %+v: want kev and a DEMO- id", f)
		}
	}
	if code := getJSON(t, base+"/readyz", "", nil); code != 200 {
		t.Errorf("readyz %d", code)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d after cancellation, want 0", code)
	}
	// A second start on the same data keeps the data and does not seed twice.
	base, stop = startServe(t, "--demo", "--data", data)
	getJSON(t, base+"/api/v1/products", tok.Secret, &prods)
	if len(prods.Items) != 3 {
		t.Errorf("after restart: %d products, want 3", len(prods.Items))
	}
	stop()
}

func TestAdminBootstrapTokenBackup(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"admin", "bootstrap", "--data", data, "--org", "St. Elsewhere Hospital", "--slug", "st-elsewhere",
		"--kind", "hospital", "--email", "Admin@Example.org"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("bootstrap exit %d: %s", code, stderr.String())
	}
	tokRE := regexp.MustCompile(`API token \(shown once\): (mvg_\S+)`)
	m := tokRE.FindStringSubmatch(stdout.String())
	if m == nil || !strings.Contains(stdout.String(), "password: ") {
		t.Fatalf("bootstrap output lacks a generated password or token:\n%s", stdout.String())
	}
	// The same slug again fails and changes nothing.
	stdout.Reset()
	if code := Run(context.Background(), []string{"admin", "bootstrap", "--data", data, "--org", "X", "--slug", "st-elsewhere", "--email", "b@example.org"},
		strings.NewReader(""), &stdout, &stderr); code != ExitError {
		t.Errorf("second bootstrap with the same slug: exit %d, want %d", code, ExitError)
	}
	stdout.Reset()
	if code := Run(context.Background(), []string{"admin", "token", "--data", data, "--email", "admin@example.org", "--name", "ci", "--role", "viewer"},
		strings.NewReader(""), &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "mvg_") {
		t.Fatalf("admin token: exit %d, %q %s", code, stdout.String(), stderr.String())
	}
	viewer := strings.TrimSpace(stdout.String())

	base, stop := startServe(t, "--data", data)
	var org store.Org
	if c := getJSON(t, base+"/api/v1/organization", m[1], &org); c != 200 || org.Kind != store.KindHospital || org.Slug != "st-elsewhere" {
		t.Errorf("bootstrap token: %d %+v", c, org)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/products", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Authorization", "Bearer "+viewer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("viewer token creating a product: %d, want 403", resp.StatusCode)
	}
	stop()

	backup := filepath.Join(dir, "backup.db")
	if code := Run(context.Background(), []string{"backup", "--data", data, "-o", backup}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("backup exit %d: %s", code, stderr.String())
	}
	// The backup is a working database with the organization in it.
	st, err := store.Open(context.Background(), backup, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if o, err := st.GetOrgBySlug(context.Background(), "st-elsewhere"); err != nil || o.Name != "St. Elsewhere Hospital" {
		t.Errorf("backup: %+v %v", o, err)
	}
	if code := Run(context.Background(), []string{"backup", "--data", data, "-o", backup}, strings.NewReader(""), &stdout, &stderr); code != ExitError {
		t.Errorf("backup over an existing file: exit %d, want %d", code, ExitError)
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "medvigil.conf")
	if err := os.WriteFile(cfg, []byte("# test\nslug = from-file\norg = File Org\nemail = file@example.org\nkind = both\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MEDVIGIL_ORG", "Env Org")
	var stdout, stderr bytes.Buffer
	data := filepath.Join(dir, "data")
	code := Run(context.Background(), []string{"admin", "bootstrap", "--config", cfg, "--data", data, "--email", "flag@example.org"},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	st, err := store.Open(context.Background(), filepath.Join(data, "medvigil.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o, err := st.GetOrgBySlug(context.Background(), "from-file")
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "Env Org" || o.Kind != store.KindBoth {
		t.Errorf("org %+v: want name from the environment, kind from the file", o)
	}
	if _, err := st.GetUserByEmail(context.Background(), "flag@example.org"); err != nil {
		t.Errorf("the flag's e-mail was not used: %v", err)
	}
	// Unknown settings and bad values name the file and line.
	if err := os.WriteFile(cfg, []byte("slug = x\nbogus = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := Run(context.Background(), []string{"admin", "bootstrap", "--config", cfg, "--data", data}, strings.NewReader(""), &stdout, &stderr); code != ExitError ||
		!strings.Contains(stderr.String(), "medvigil.conf:2") {
		t.Errorf("unknown setting: exit %d, stderr %q", code, stderr.String())
	}
}

func TestKBImport(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	kbDir := filepath.Join(realdata.Root(t), "examples", "kb")
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"kb", "import", "--data", data, kbDir}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("kb import exit %d: %s", code, stderr.String())
	}
	re := regexp.MustCompile(`knowledge base (\d+): (\d+) advisories \((\d+) added`)
	m := re.FindStringSubmatch(stdout.String())
	if m == nil || m[1] != "1" || m[2] == "0" || m[2] != m[3] {
		t.Fatalf("first import: %q", stdout.String())
	}
	stdout.Reset()
	// Importing the same files again changes nothing.
	if code := Run(context.Background(), []string{"kb", "import", "--data", data, kbDir}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("second kb import exit %d: %s", code, stderr.String())
	}
	if m2 := re.FindStringSubmatch(stdout.String()); m2 == nil || m2[1] != "2" || m2[2] != m[2] || m2[3] != "0" {
		t.Errorf("second import: %q", stdout.String())
	}
	if code := Run(context.Background(), []string{"kb", "import", "--data", data, filepath.Join(data, "nope")}, strings.NewReader(""), &stdout, &stderr); code != ExitError {
		t.Errorf("import of a missing path: exit %d", code)
	}
}
