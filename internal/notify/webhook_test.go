package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"medvigil/internal/store"
)

// arrival is what the receiver saw of one request.
type arrival struct {
	at       time.Time
	path     string
	header   http.Header
	body     []byte
	verified error
}

// receiver is an httptest webhook endpoint that checks every signature with
// Verify and answers with script[i] for the i-th request (the last entry
// repeats). An entry "close" hijacks and closes the connection.
type receiver struct {
	t      *testing.T
	secret string
	script []string
	mu     sync.Mutex
	got    []arrival
	srv    *httptest.Server
}

func newReceiver(t *testing.T, secret string, script ...string) *receiver {
	r := &receiver{t: t, secret: secret, script: script}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		r.t.Errorf("receiver: read body: %v", err)
	}
	a := arrival{at: time.Now(), path: req.URL.Path, header: req.Header.Clone(), body: body}
	a.verified = Verify(r.secret, req.Header.Get(HeaderTimestamp), body, req.Header.Get(HeaderSignature), time.Now(), 0)
	r.mu.Lock()
	i := len(r.got)
	r.got = append(r.got, a)
	r.mu.Unlock()
	step := "200"
	if len(r.script) > 0 {
		step = r.script[min(i, len(r.script)-1)]
	}
	switch {
	case step == "close":
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			r.t.Errorf("hijack: %v", err)
			return
		}
		conn.Close()
	case strings.HasPrefix(step, "429 retry-after "):
		w.Header().Set("Retry-After", strings.TrimPrefix(step, "429 retry-after "))
		w.WriteHeader(http.StatusTooManyRequests)
	default:
		code, _ := strconv.Atoi(step)
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", code)
	}
}

func (r *receiver) arrivals() []arrival {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arrival(nil), r.got...)
}

// newTestNotifier may reach the loopback receiver and keeps the wall clock,
// so that the receiver's Verify (with time.Now) accepts the timestamps.
func newTestNotifier(rec Recorder, retry RetryPolicy) *Notifier {
	return New(Config{AllowPrivate: true, Recorder: rec, Retry: retry})
}

// TestWebhookRetries: a receiver that fails with 500, then 429 with
// Retry-After, then drops the connection, then accepts. Every attempt is
// signed and recorded; waits follow the backoff and Retry-After.
func TestWebhookRetries(t *testing.T) {
	r := newReceiver(t, "whsec", "500", "429 retry-after 1", "close", "200")
	rec := &fakeRecorder{}
	retry := RetryPolicy{MaxAttempts: 5, BaseBackoff: 40 * time.Millisecond, MaxBackoff: 2 * time.Second}
	n := newTestNotifier(rec, retry)
	hooks := []store.Webhook{{ID: 4, OrgID: 1, URL: r.srv.URL + "/hook", Secret: "whsec", Active: true}}
	ev := findingEvent(t, 42, 1, EventFindingNew, nil)
	start := time.Now()
	if err := n.Deliver(context.Background(), hooks, []store.Event{ev}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	t.Logf("4 attempts in %v", time.Since(start))

	got := rec.all()
	type row struct {
		Attempt, Status int
		Failed          bool
	}
	var rows []row
	for _, d := range got {
		if d.OrgID != 1 || d.WebhookID != 4 || d.EventID != 42 {
			t.Errorf("delivery %+v is not of (org 1, webhook 4, event 42)", d)
		}
		rows = append(rows, row{d.Attempt, d.Status, d.Error != ""})
	}
	want := []row{{1, 500, true}, {2, 429, true}, {3, 0, true}, {4, 200, false}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if !strings.Contains(got[0].Error, "500") || !strings.Contains(got[0].Error, "answer 500") {
		t.Errorf("attempt 1 error %q does not name the status and body", got[0].Error)
	}

	as := r.arrivals()
	if len(as) != 4 {
		t.Fatalf("receiver got %d requests, want 4", len(as))
	}
	ids := map[string]bool{}
	for i, a := range as {
		if a.verified != nil {
			t.Errorf("request %d: signature: %v", i+1, a.verified)
		}
		ids[a.header.Get(HeaderDelivery)] = true
	}
	if len(ids) != 1 {
		t.Errorf("delivery IDs %v: want one ID for all attempts of one delivery", ids)
	}
	// Attempt n is followed by a wait in [b/2, b], b = 40ms·2^(n-1); after the
	// 429 the Retry-After of 1s is longer and wins.
	minGap := []time.Duration{20 * time.Millisecond, time.Second, 80 * time.Millisecond}
	maxGap := []time.Duration{40*time.Millisecond + 500*time.Millisecond, time.Second + 500*time.Millisecond, 160*time.Millisecond + 500*time.Millisecond}
	for i := range 3 {
		gap := as[i+1].at.Sub(as[i].at)
		if gap < minGap[i] || gap > maxGap[i] {
			t.Errorf("wait after attempt %d = %v, want within [%v, %v]", i+1, gap, minGap[i], maxGap[i])
		}
	}
}

func TestWebhookRequest(t *testing.T) {
	r := newReceiver(t, "whsec", "204")
	rec := &fakeRecorder{}
	clock := fixedClock()
	n := New(Config{AllowPrivate: true, Recorder: rec, Now: clock})
	ev := findingEvent(t, 42, 1, EventFindingNew, nil)
	ev.Created = time.Date(2026, 11, 26, 9, 0, 1, 0, time.UTC)
	hooks := []store.Webhook{{ID: 4, OrgID: 1, URL: r.srv.URL + "/hook", Secret: "whsec", Active: true}}
	if err := n.Deliver(context.Background(), hooks, []store.Event{ev}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	as := r.arrivals()
	if len(as) != 1 {
		t.Fatalf("receiver got %d requests", len(as))
	}
	a := as[0]
	ts := strconv.FormatInt(clock().Unix(), 10)
	for k, want := range map[string]string{
		"Content-Type":  "application/json",
		"User-Agent":    "medvigil",
		HeaderEvent:     "finding.new",
		HeaderTimestamp: ts,
		HeaderSignature: Sign("whsec", ts, a.body),
	} {
		if got := a.header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if err := Verify("whsec", ts, a.body, a.header.Get(HeaderSignature), clock(), 0); err != nil {
		t.Errorf("Verify at the sending time: %v", err)
	}
	if err := Verify("whsec", ts, a.body, a.header.Get(HeaderSignature), clock().Add(time.Hour), 0); !errors.Is(err, ErrStaleTimestamp) {
		t.Errorf("Verify an hour later: %v, want ErrStaleTimestamp", err)
	}
	if id := a.header.Get(HeaderDelivery); len(id) != 36 {
		t.Errorf("delivery ID %q is not a UUID", id)
	}
	var env struct {
		ID           int64        `json:"id"`
		Type         string       `json:"type"`
		Created      time.Time    `json:"created"`
		Organization int64        `json:"organization"`
		Subject      string       `json:"subject"`
		Data         FindingEvent `json:"data"`
	}
	if err := json.Unmarshal(a.body, &env); err != nil {
		t.Fatalf("body: %v\n%s", err, a.body)
	}
	if env.ID != 42 || env.Type != "finding.new" || env.Organization != 1 || !env.Created.Equal(ev.Created) || env.Subject != "CVE-2021-44228" {
		t.Errorf("envelope = %+v", env)
	}
	if env.Data.VulnID != "CVE-2021-44228" || !env.Data.KEV || env.Data.ProductName != "Infusion Pump" {
		t.Errorf("data = %+v", env.Data)
	}
	want := []store.Delivery{{ID: 1, OrgID: 1, WebhookID: 4, EventID: 42, Attempt: 1, Status: 204, Created: clock()}}
	if diff := cmp.Diff(want, rec.all()); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
}

// TestWebhookStatusPolicy: which answers are retried.
func TestWebhookStatusPolicy(t *testing.T) {
	tests := []struct {
		answer   string
		attempts int
		ok       bool
	}{
		{"200", 1, true},
		{"202", 1, true},
		{"400", 1, false},
		{"401", 1, false},
		{"404", 1, false},
		{"410", 1, false},
		{"422", 1, false},
		{"301", 1, false}, // redirects are not followed
		{"408", 3, false},
		{"429", 3, false},
		{"500", 3, false},
		{"503", 3, false},
		{"close", 3, false},
		{"429 retry-after 3600", 1, false}, // longer than the maximum backoff: give up now
	}
	for _, tc := range tests {
		t.Run(tc.answer, func(t *testing.T) {
			r := newReceiver(t, "s", tc.answer)
			rec := &fakeRecorder{}
			n := newTestNotifier(rec, RetryPolicy{MaxAttempts: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
			hooks := []store.Webhook{{ID: 1, OrgID: 1, URL: r.srv.URL, Secret: "s", Active: true}}
			err := n.Deliver(context.Background(), hooks, []store.Event{findingEvent(t, 1, 1, EventFindingNew, nil)})
			if (err == nil) != tc.ok {
				t.Errorf("Deliver: %v, want ok=%v", err, tc.ok)
			}
			if got := len(r.arrivals()); got != tc.attempts {
				t.Errorf("receiver got %d requests, want %d", got, tc.attempts)
			}
			if got := len(rec.all()); got != tc.attempts {
				t.Errorf("%d deliveries recorded, want %d", got, tc.attempts)
			}
		})
	}
}

// TestDeliverRouting: events of two organizations, hooks with every filter;
// each hook gets exactly the events it subscribes to, and nothing crosses
// organizations.
func TestDeliverRouting(t *testing.T) {
	r := newReceiver(t, "s", "200")
	ev := func(id, org int64, mod func(*FindingEvent)) store.Event {
		return findingEvent(t, id, org, EventFindingNew, mod)
	}
	events := []store.Event{
		ev(1, 1, nil), // critical, KEV, product 7
		ev(2, 1, func(fe *FindingEvent) { fe.Severity, fe.KEV = "low", false }),
		ev(3, 1, func(fe *FindingEvent) { fe.ProductID, fe.KEV, fe.Severity = 8, false, "high" }),
		ev(4, 2, nil),
		{ID: 5, OrgID: 1, Type: "sbom.imported", Subject: "pump.cdx.json", Data: mustJSON(t, map[string]any{"sbom_id": 3})},
	}
	hook := func(id, org int64, mod func(*store.Webhook)) store.Webhook {
		h := store.Webhook{ID: id, OrgID: org, URL: fmt.Sprintf("%s/h%d", r.srv.URL, id), Secret: "s", Active: true}
		if mod != nil {
			mod(&h)
		}
		return h
	}
	hooks := []store.Webhook{
		hook(10, 1, nil),
		hook(11, 1, func(h *store.Webhook) { h.MinSeverity = "high" }),
		hook(12, 1, func(h *store.Webhook) { h.KEVOnly = true }),
		hook(13, 1, func(h *store.Webhook) { h.ProductID = 8 }),
		hook(14, 1, func(h *store.Webhook) { h.Active = false }),
		hook(20, 2, nil),
		hook(21, 2, func(h *store.Webhook) { h.ProductID = 8 }),
	}
	rec := &fakeRecorder{}
	n := New(Config{AllowPrivate: true, Recorder: rec, Workers: 3})
	if err := n.Deliver(context.Background(), hooks, events); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := map[int64][]int64{}
	for _, d := range rec.all() {
		got[d.WebhookID] = append(got[d.WebhookID], d.EventID)
	}
	want := map[int64][]int64{
		10: {1, 2, 3, 5},
		11: {1, 3},
		12: {1},
		13: {3},
		20: {4},
	}
	sortInts := cmpopts.SortSlices(func(a, b int64) bool { return a < b })
	if diff := cmp.Diff(want, got, sortInts); diff != "" {
		t.Errorf("deliveries per hook (-want +got):\n%s", diff)
	}
	// The receiver saw the same, by path, with org IDs matching.
	seen := map[string][]int64{}
	for _, a := range r.arrivals() {
		var env Envelope
		if err := json.Unmarshal(a.body, &env); err != nil {
			t.Fatal(err)
		}
		if a.path == "/h20" && env.Organization != 2 || a.path != "/h20" && env.Organization != 1 {
			t.Errorf("%s got an event of organization %d", a.path, env.Organization)
		}
		seen[a.path] = append(seen[a.path], env.ID)
	}
	wantSeen := map[string][]int64{"/h10": {1, 2, 3, 5}, "/h11": {1, 3}, "/h12": {1}, "/h13": {3}, "/h20": {4}}
	if diff := cmp.Diff(wantSeen, seen, sortInts); diff != "" {
		t.Errorf("requests per path (-want +got):\n%s", diff)
	}
}

// TestDeliverBoundedWorkers: never more requests in flight than Workers.
func TestDeliverBoundedWorkers(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
	}))
	defer srv.Close()
	var hooks []store.Webhook
	for i := range 12 {
		hooks = append(hooks, store.Webhook{ID: int64(i + 1), OrgID: 1, URL: srv.URL, Active: true})
	}
	rec := &fakeRecorder{}
	n := New(Config{AllowPrivate: true, Recorder: rec, Workers: 3})
	if err := n.Deliver(context.Background(), hooks, []store.Event{findingEvent(t, 1, 1, EventFindingNew, nil)}); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrency %d, want 2..3 with 3 workers", p)
	}
	if got := len(rec.all()); got != 12 {
		t.Errorf("%d deliveries, want 12", got)
	}
}

// TestDeliverCancel: cancelling the context stops waiting between retries.
func TestDeliverCancel(t *testing.T) {
	r := newReceiver(t, "s", "503")
	rec := &fakeRecorder{}
	n := newTestNotifier(rec, RetryPolicy{MaxAttempts: 5, BaseBackoff: time.Minute, MaxBackoff: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := n.Deliver(ctx, []store.Webhook{{ID: 1, OrgID: 1, URL: r.srv.URL, Active: true}}, []store.Event{findingEvent(t, 1, 1, EventFindingNew, nil)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Deliver: %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Deliver took %v after cancellation", d)
	}
	if got := len(rec.all()); got != 1 {
		t.Errorf("%d deliveries, want 1", got)
	}
}

// TestDeliverRecorderFails: a failing store does not stop delivery, and the
// error says so.
func TestDeliverRecorderFails(t *testing.T) {
	r := newReceiver(t, "s", "200")
	n := newTestNotifier(&fakeRecorder{fail: true}, RetryPolicy{})
	err := n.Deliver(context.Background(), []store.Webhook{{ID: 1, OrgID: 1, URL: r.srv.URL, Active: true}}, []store.Event{findingEvent(t, 1, 1, EventFindingNew, nil)})
	if err == nil || !strings.Contains(err.Error(), "database is down") {
		t.Errorf("Deliver: %v, want the recorder's error", err)
	}
	if got := len(r.arrivals()); got != 1 {
		t.Errorf("receiver got %d requests, want 1", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"120", 2 * time.Minute},
		{" 3 ", 3 * time.Second},
		{"Thu, 26 Nov 2026 09:01:30 GMT", 90 * time.Second},
		{"Thu, 26 Nov 2026 08:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}.withDefaults()
	tests := []struct {
		attempt  int
		rnd      float64
		want     time.Duration
		wantName string
	}{
		{1, 0, 50 * time.Millisecond, "first, no jitter"},
		{1, 0.999999, 100 * time.Millisecond, "first, full jitter"},
		{2, 0, 100 * time.Millisecond, "doubles"},
		{3, 0.5, 300 * time.Millisecond, "400ms with half jitter"},
		{5, 0, 500 * time.Millisecond, "capped at max"},
		{60, 1, time.Second, "no overflow"},
	}
	for _, tc := range tests {
		got := p.backoff(tc.attempt, tc.rnd)
		if d := got - tc.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%s: backoff(%d, %v) = %v, want %v", tc.wantName, tc.attempt, tc.rnd, got, tc.want)
		}
	}
}

// BenchmarkDeliverWebhooks: one Deliver of 10 events to 10 hooks (100 signed
// requests) against a loopback receiver.
func BenchmarkDeliverWebhooks(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	defer srv.Close()
	var hooks []store.Webhook
	for i := range 10 {
		hooks = append(hooks, store.Webhook{ID: int64(i + 1), OrgID: 1, URL: srv.URL, Secret: "s", Active: true})
	}
	var events []store.Event
	for i := range 10 {
		events = append(events, findingEvent(b, int64(i+1), 1, EventFindingNew, nil))
	}
	n := New(Config{AllowPrivate: true, Recorder: &fakeRecorder{}})
	for b.Loop() {
		if err := n.Deliver(context.Background(), hooks, events); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/request")
}
