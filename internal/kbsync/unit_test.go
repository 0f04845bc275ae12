package kbsync

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, header string
		want         time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "7", 7 * time.Second},
		{"zero", "0", 0},
		{"negative", "-3", 0},
		{"http date", "Wed, 25 Nov 2026 12:01:30 GMT", 90 * time.Second},
		{"date in the past", "Wed, 25 Nov 2026 11:00:00 GMT", 0},
		{"garbage", "soon", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryAfter(tc.header, now); got != tc.want {
				t.Errorf("retryAfter(%q) = %s, want %s", tc.header, got, tc.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	f := &fetcher{base: 100 * time.Millisecond, maxWait: time.Second}
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 200 * time.Millisecond, 400 * time.Millisecond},
		{10, 500 * time.Millisecond, time.Second}, // capped
	} {
		for range 50 {
			if d := f.backoff(tc.attempt); d < tc.min || d > tc.max {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", tc.attempt, d, tc.min, tc.max)
			}
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"429", &StatusError{Status: 429}, true},
		{"503", &StatusError{Status: 503}, true},
		{"404", &StatusError{Status: 404}, false},
		{"cut body", errors.Join(errors.New("GET x"), &readError{errors.New("unexpected EOF")}), true},
		{"no response", &netError{errors.New("connection refused")}, true},
		{"too large", errTooLarge, false},
		{"invalid content", errors.New("invalid content: not a zip"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryable(tc.err); got != tc.want {
				t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// TestCSAFDiscovery: provider-metadata.json found through security.txt,
// and a key whose fingerprint differs from the listed one is not trusted.
func TestCSAFDiscovery(t *testing.T) {
	docs := csafDocs(t)[:3]
	t.Run("security.txt", func(t *testing.T) {
		u := newUpstream(t)
		newProvider(t, u, "changes", docs)
		u.mu.Lock()
		u.files["/csaf/provider-metadata.json"] = u.files["/.well-known/csaf/provider-metadata.json"]
		delete(u.files, "/.well-known/csaf/provider-metadata.json")
		u.files["/.well-known/security.txt"] = []byte("Contact: mailto:psirt@example.com\nCSAF: " + u.url("/csaf/provider-metadata.json") + "\n")
		u.mu.Unlock()
		cfg := testConfig(u, t.TempDir())
		cfg.Sources = []Source{SourceCSAF}
		cfg.CSAFProviders = []string{u.srv.URL}
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		failOn(t, res)
		if got := source(res, SourceCSAF).FilesWritten; got != len(docs) {
			t.Errorf("%d documents stored, want %d", got, len(docs))
		}
	})
	t.Run("fingerprint mismatch", func(t *testing.T) {
		u := newUpstream(t)
		p := newProvider(t, u, "rolie", docs)
		p.publish(t, strings.Repeat("ab", 20)) // lists a fingerprint the served key does not have
		real := hex.EncodeToString(p.key.PrimaryKey.Fingerprint)
		u.set("/.well-known/csaf/openpgp/"+strings.Repeat("ab", 20)+".asc", armoredPublic(t, p.key))
		dir := t.TempDir()
		cfg := testConfig(u, dir)
		cfg.Sources = []Source{SourceCSAF}
		cfg.CSAFProviders = []string{u.url("/.well-known/csaf/provider-metadata.json")}
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		r := source(res, SourceCSAF)
		if r.Err == nil || r.FilesWritten != 0 {
			t.Errorf("err %v, %d files; want an error and nothing stored", r.Err, r.FilesWritten)
		}
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], real) {
			t.Errorf("warnings %q, want one naming fingerprint %s", r.Warnings, real)
		}
		if _, err := os.Stat(filepath.Join(dir, "csaf")); err == nil {
			t.Error("csaf folder written for an unverifiable provider")
		}
	})
}

// TestInvalidContentNotStored: a 200 answer that is not what the source
// publishes never replaces the mirror file.
func TestInvalidContentNotStored(t *testing.T) {
	u := newUpstream(t)
	u.set("/kev/known_exploited_vulnerabilities.json", []byte(`<html>maintenance</html>`))
	u.set("/osv/Go/all.zip", []byte("PK\x03\x04 truncated"))
	dir := t.TempDir()
	cfg := testConfig(u, dir)
	cfg.Sources = []Source{SourceKEV, SourceOSV}
	cfg.OSVEcosystems = []string{"Go"}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Source{SourceKEV, SourceOSV} {
		r := source(res, s)
		if r.Err == nil || !strings.Contains(r.Err.Error(), "invalid content") || r.Retries != 0 {
			t.Errorf("%s: err %v, retries %d; want an invalid-content error, not retried", s, r.Err, r.Retries)
		}
	}
	if got := visible(t, dir); len(got) != 0 {
		t.Errorf("files written: %q", got)
	}
}
