package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"medvigil/internal/store"
)

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"93.184.215.14", true},
		{"2606:4700::6810:85e5", true},
		{"8.8.8.8", true},
		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fd00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"100.64.0.1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
	}
	for _, tc := range tests {
		t.Run(tc.ip, func(t *testing.T) {
			if got := publicAddr(netip.MustParseAddr(tc.ip)); got != tc.want {
				t.Errorf("publicAddr(%s) = %v, want %v", tc.ip, got, tc.want)
			}
		})
	}
}

func TestGuardControl(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"93.184.215.14:443", true},
		{"127.0.0.1:80", false},
		{"[::1]:80", false},
		{"[fe80::1%eth0]:80", false},
		{"10.0.0.1:8080", false},
		{"not an address", false},
	}
	for _, tc := range tests {
		err := guardControl("tcp", tc.addr, nil)
		if (err == nil) != tc.ok {
			t.Errorf("guardControl(%s) = %v, want ok=%v", tc.addr, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("guardControl(%s) = %v, want ErrForbiddenAddress", tc.addr, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url          string
		allowPrivate bool
		wantErr      string
	}{
		{"https://93.184.215.14/hook", false, ""},
		{"http://127.0.0.1:8080/hook", true, ""},
		{"http://127.0.0.1:8080/hook", false, "not allowed"},
		{"http://[::1]/hook", false, "not allowed"},
		{"http://169.254.169.254/latest/meta-data/", false, "not allowed"},
		{"http://localhost/hook", false, "not allowed"},
		{"http://api.localhost/hook", false, "not allowed"},
		{"ftp://93.184.215.14/hook", true, "scheme"},
		{"file:///etc/passwd", true, "scheme"},
		{"https:///hook", true, "no host"},
		{"https://user:pw@93.184.215.14/hook", true, "credentials"},
		{"://bad", true, "webhook url"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			_, err := checkURL(context.Background(), tc.url, tc.allowPrivate, net.DefaultResolver)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("checkURL: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("checkURL: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestGuardRefusesLoopbackReceiver: with AllowPrivate unset (the production
// default), a hook on a loopback receiver is refused without a request,
// recorded once and not retried.
func TestGuardRefusesLoopbackReceiver(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	for _, client := range []*http.Client{nil, srv.Client()} {
		rec := &fakeRecorder{}
		n := New(Config{HTTPClient: client, Recorder: rec, Now: fixedClock(), Retry: RetryPolicy{MaxAttempts: 3, BaseBackoff: 1}})
		hooks := []store.Webhook{{ID: 1, OrgID: 1, URL: srv.URL, Secret: "s", Active: true}}
		err := n.Deliver(context.Background(), hooks, []store.Event{findingEvent(t, 1, 1, EventFindingNew, nil)})
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Deliver: %v, want ErrForbiddenAddress", err)
		}
		ds := rec.all()
		if len(ds) != 1 || ds[0].Status != 0 || !strings.Contains(ds[0].Error, "not allowed") {
			t.Errorf("deliveries = %+v, want one refused attempt", ds)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("receiver got %d requests, want 0", hits.Load())
	}
}

// TestGuardDialer: the dialer check holds even when the URL check is passed
// (a host name that resolves to a public address at check time and to a
// private one at dial time: DNS rebinding). Simulated by dialing directly.
func TestGuardDialer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := httpClient(srv.Client(), false)
	resp, err := c.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatal("guarded client reached a loopback server")
	}
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("Get: %v, want ErrForbiddenAddress", err)
	}
	open := httpClient(srv.Client(), true)
	resp, err = open.Get(srv.URL)
	if err != nil {
		t.Fatalf("AllowPrivate client: %v", err)
	}
	resp.Body.Close()
}
