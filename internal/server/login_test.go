package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"medvigil/internal/store"
)

// TestLoginSlots: password checks are bounded (each argon2id check takes
// 64 MiB); a login that finds no free slot within LoginWait answers 503
// problem+json with Retry-After, and succeeds once a slot is free.
func TestLoginSlots(t *testing.T) {
	f := newFixture(t, openSQLite, func(c *Config) { c.LoginSlots = 1; c.LoginWait = 50 * time.Millisecond })
	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	login := func() (*http.Response, string) {
		t.Helper()
		body := `{"email":"` + f.a.users[store.RoleViewer].Email + `","password":"` + password + `"}`
		resp, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	f.srv.loginSlots <- struct{}{} // a check in progress
	start := time.Now()
	resp, body := login()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" ||
		resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, "too many logins") {
		t.Fatalf("login with no free slot: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("answered after %s, before LoginWait", waited)
	}
	<-f.srv.loginSlots
	if resp, body := login(); resp.StatusCode != http.StatusCreated {
		t.Fatalf("login with a free slot: %d %s", resp.StatusCode, body)
	}
	if len(f.srv.loginSlots) != 0 {
		t.Error("the login did not give its slot back")
	}
}
