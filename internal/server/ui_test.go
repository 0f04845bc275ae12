package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestUI: the dashboard is served from the binary with a strict content
// security policy, names no outside resource, labels demo data, and reads
// only API routes that exist.
func TestUI(t *testing.T) {
	f := newFixture(t, openSQLite, nil)
	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, index := get("/")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if !strings.Contains(index, `id="demo-banner"`) || !strings.Contains(index, "DEMO DATA") {
		t.Error("the page has no demo-data banner")
	}
	var all strings.Builder
	all.WriteString(index)
	for _, asset := range []string{"/ui/app.js", "/ui/style.css"} {
		resp, body := get(asset)
		if resp.StatusCode != 200 || body == "" {
			t.Fatalf("GET %s: %d", asset, resp.StatusCode)
		}
		all.WriteString(body)
	}
	// No CDN, no internet: the only absolute URL allowed is the SVG namespace.
	for _, u := range regexp.MustCompile(`https?://[^"'\s)]+`).FindAllString(all.String(), -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the UI names an outside resource: %s", u)
		}
	}
	// Every API path the script reads is a served route.
	served := map[string]bool{"/api/v1/openapi.json": true}
	for _, rt := range f.srv.routes {
		if rt.method == "GET" || rt.method == "POST" {
			served[regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(rt.path, "")] = true
		}
	}
	for _, m := range regexp.MustCompile(`"(/api/v1/[a-z/]+)`).FindAllStringSubmatch(all.String(), -1) {
		p := m[1]
		ok := served[p]
		for s := range served {
			ok = ok || strings.HasPrefix(s, p)
		}
		if !ok {
			t.Errorf("the UI reads %s, which is no API route", p)
		}
	}
	if resp, _ := get("/ui/nope.js"); resp.StatusCode != 404 {
		t.Errorf("missing asset: %d", resp.StatusCode)
	}
	if resp, _ := get("/ui/..%2fui.go"); resp.StatusCode != 404 {
		t.Errorf("path escape: %d", resp.StatusCode)
	}
}
