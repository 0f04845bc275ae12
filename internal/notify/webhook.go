package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"medvigil/internal/store"
)

// Webhook request headers.
const (
	HeaderEvent     = "X-Medvigil-Event"     // the event type, e.g. finding.new
	HeaderDelivery  = "X-Medvigil-Delivery"  // unique per (event, webhook); the same on every retry
	HeaderTimestamp = "X-Medvigil-Timestamp" // Unix seconds when this attempt was signed
	HeaderSignature = "X-Medvigil-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
)

// Envelope is the JSON body of a webhook request. Data is the event's data
// as stored (a FindingEvent for finding events).
type Envelope struct {
	ID           int64           `json:"id"` // the event ID: the same event is never sent twice under two IDs
	Type         string          `json:"type"`
	Created      time.Time       `json:"created"`
	Organization int64           `json:"organization"` // the organization ID
	Subject      string          `json:"subject,omitempty"`
	Data         json.RawMessage `json:"data"`
}

// maxResponse is how much of a response body is read (and kept for the error
// text of a failed attempt).
const maxResponse = 64 << 10

type webhookJob struct {
	n    *Notifier
	hook store.Webhook
	ev   parsed
}

func (j *webhookJob) run(ctx context.Context) error {
	n, h, ev := j.n, j.hook, j.ev.ev
	data := ev.Data
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	body, err := json.Marshal(Envelope{ID: ev.ID, Type: ev.Type, Created: ev.Created.UTC(), Organization: ev.OrgID, Subject: ev.Subject, Data: data})
	if err != nil {
		// Data is not valid JSON: the server wrote a broken event.
		err = fmt.Errorf("notify: encode event %d: %w", ev.ID, err)
		return errors.Join(err, n.record(ctx, store.Delivery{OrgID: h.OrgID, WebhookID: h.ID, EventID: ev.ID, Attempt: 1, Error: err.Error(), Created: n.now()}))
	}
	deliveryID := newID()
	what := fmt.Sprintf("webhook %d event %d", h.ID, ev.ID)
	try := func(ctx context.Context, attempt int) outcome {
		return n.post(ctx, h, ev.Type, deliveryID, body)
	}
	rec := func(attempt int, o outcome) error {
		d := store.Delivery{OrgID: h.OrgID, WebhookID: h.ID, EventID: ev.ID, Attempt: attempt, Status: o.status, Created: n.now()}
		if o.err != nil {
			d.Error = o.err.Error()
		}
		return n.record(ctx, d)
	}
	return n.attempts(ctx, what, try, rec)
}

// post makes one attempt.
func (n *Notifier) post(ctx context.Context, h store.Webhook, typ, deliveryID string, body []byte) outcome {
	u, err := checkURL(ctx, h.URL, n.cfg.AllowPrivate, n.resolver)
	if err != nil {
		var dnsErr *net.DNSError
		return outcome{err: err, retry: errors.As(err, &dnsErr)}
	}
	ts := strconv.FormatInt(n.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return outcome{err: fmt.Errorf("notify: webhook request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "medvigil")
	req.Header.Set(HeaderEvent, oneLine(typ, 100))
	req.Header.Set(HeaderDelivery, deliveryID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(h.Secret, ts, body))
	resp, err := n.client.Do(req)
	if err != nil {
		// Transport errors (refused, reset, timeout, closed) are worth a retry,
		// except a refusal by the SSRF guard.
		return outcome{err: fmt.Errorf("notify: post %s: %w", u.Redacted(), err), retry: !errors.Is(err, ErrForbiddenAddress) && ctx.Err() == nil}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return outcome{status: resp.StatusCode}
	}
	o := outcome{status: resp.StatusCode, err: fmt.Errorf("notify: post %s: %s%s", u.Redacted(), resp.Status, bodyExcerpt(snippet))}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		o.retry = true
		o.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), n.now())
	}
	return o
}

// bodyExcerpt is the start of a response body for an error message.
func bodyExcerpt(b []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "?"))
	if s == "" {
		return ""
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return ": " + strings.Join(strings.Fields(s), " ")
}

// parseRetryAfter reads a Retry-After header (RFC 9110 section 10.2.3):
// delay-seconds or an HTTP date. It returns 0 for a missing or malformed one.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > 1<<31 {
			secs = 1 << 31
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// newID returns a random 128-bit ID in UUID form.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
