package notify

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"medvigil/internal/store"
)

// Recorder stores one delivery attempt. store.Queries implements it.
type Recorder interface {
	RecordDelivery(ctx context.Context, d store.Delivery) (store.Delivery, error)
}

// RetryPolicy says how often and how long to retry a failed delivery.
// Attempt n (n ≥ 1) that fails transiently is followed, before attempt n+1,
// by a wait drawn uniformly from [b/2, b] where b = min(BaseBackoff·2^(n-1),
// MaxBackoff) ("equal jitter"), or by the server's Retry-After when that is
// longer.
type RetryPolicy struct {
	MaxAttempts int           // total attempts per delivery; 0 means 5
	BaseBackoff time.Duration // 0 means 1s
	MaxBackoff  time.Duration // 0 means 5m; a longer Retry-After ends the retries
}

func (r RetryPolicy) withDefaults() RetryPolicy {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 5
	}
	if r.BaseBackoff <= 0 {
		r.BaseBackoff = time.Second
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = 5 * time.Minute
	}
	if r.MaxBackoff < r.BaseBackoff {
		r.MaxBackoff = r.BaseBackoff
	}
	return r
}

// backoff is the wait after failed attempt n (1-based), jittered with rnd in
// [0, 1).
func (r RetryPolicy) backoff(n int, rnd float64) time.Duration {
	b := r.BaseBackoff
	for i := 1; i < n && b < r.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, r.MaxBackoff)
	return b/2 + time.Duration(rnd*float64(b/2))
}

// TLSMode is how the SMTP connection is secured.
type TLSMode string

// SMTP security modes.
const (
	TLSNone     TLSMode = "none"     // plain text (only for a relay on a trusted network)
	TLSStartTLS TLSMode = "starttls" // plain connect, then STARTTLS (port 587); the default
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig is how e-mail subscriptions are sent.
type SMTPConfig struct {
	Host string // empty disables e-mail: e-mail deliveries fail with an error
	Port int    // 0 means 587, or 465 for TLSImplicit
	// Username and Password authenticate with AUTH PLAIN when Username is set.
	Username string
	Password string
	// From is the sender, an RFC 5322 address ("medvigil <alerts@example.org>").
	From string
	Mode TLSMode // empty means TLSStartTLS
	// InsecureSkipVerify accepts any server certificate. Only for tests.
	InsecureSkipVerify bool
	// Timeout bounds one SMTP session (connect to QUIT); 0 means 30s.
	Timeout time.Duration
	// HelloName is the EHLO name; empty means "localhost".
	HelloName string
}

// Config configures a Notifier. The zero value is usable for webhooks; e-mail
// needs SMTP.Host and SMTP.From.
type Config struct {
	// HTTPClient sends webhooks. Nil means a client with a 10s timeout,
	// no proxy and no redirects. With the SSRF guard on (AllowPrivate false)
	// the client's *http.Transport, if it has one, is cloned and given a
	// dialer that refuses non-public addresses.
	HTTPClient *http.Client
	SMTP       SMTPConfig
	Retry      RetryPolicy
	// Workers bounds concurrent deliveries within one Deliver call; 0 means 4.
	Workers int
	// AllowPrivate lets webhooks reach loopback, private and link-local
	// addresses. Keep it false in production (server-side request forgery);
	// tests set it true.
	AllowPrivate bool
	// Recorder stores every attempt; nil records nothing.
	Recorder Recorder
	// Logger receives one record per failed attempt; nil discards.
	Logger *slog.Logger
	// Now is the clock (delivery times, signature timestamps, Date headers);
	// nil means time.Now.
	Now func() time.Time
	// Resolver resolves webhook host names for the SSRF guard; nil means
	// net.DefaultResolver.
	Resolver *net.Resolver
}

// Notifier delivers events. It is safe for concurrent use.
type Notifier struct {
	cfg      Config
	retry    RetryPolicy
	client   *http.Client
	log      *slog.Logger
	now      func() time.Time
	resolver *net.Resolver
	tmpl     *template.Template

	mu  sync.Mutex // guards rnd
	rnd *rand.Rand
}

// New returns a Notifier for cfg, filling in defaults.
func New(cfg Config) *Notifier {
	n := &Notifier{
		cfg:      cfg,
		retry:    cfg.Retry.withDefaults(),
		log:      cfg.Logger,
		now:      cfg.Now,
		resolver: cfg.Resolver,
		rnd:      rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		tmpl:     parseMailTemplate(),
	}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if n.now == nil {
		n.now = time.Now
	}
	if n.resolver == nil {
		n.resolver = net.DefaultResolver
	}
	if n.cfg.Workers <= 0 {
		n.cfg.Workers = 4
	}
	n.client = httpClient(cfg.HTTPClient, cfg.AllowPrivate)
	return n
}

func httpClient(c *http.Client, allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = guardControl
	}
	if c == nil {
		return &http.Client{
			Timeout: 10 * time.Second,
			Transport: &http.Transport{
				DialContext:           dialer.DialContext,
				TLSHandshakeTimeout:   5 * time.Second,
				ResponseHeaderTimeout: 10 * time.Second,
				MaxIdleConns:          16,
				IdleConnTimeout:       60 * time.Second,
				ForceAttemptHTTP2:     true,
			},
			CheckRedirect: noRedirect,
		}
	}
	cc := *c
	if cc.CheckRedirect == nil {
		cc.CheckRedirect = noRedirect
	}
	if t, ok := cc.Transport.(*http.Transport); ok && !allowPrivate {
		t = t.Clone()
		t.Proxy = nil
		t.DialContext = dialer.DialContext
		cc.Transport = t
	}
	return &cc
}

// noRedirect makes a 3xx the final response: a webhook answers where it was
// configured, and following a redirect would let it point the server at an
// internal address.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (n *Notifier) jitter() float64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.rnd.Float64()
}

// Deliver delivers every event to every matching active subscription in
// hooks (see FindingEvent and docs/notifications.md for the matching rules)
// and records every attempt through the Recorder. Webhooks get one request
// per event; e-mail subscriptions get one message per organization and
// recipient address per call, listing all its events. Deliveries run on at
// most Config.Workers goroutines; Deliver returns when all are done, retries
// included. The error joins one error per delivery that failed for good and
// per attempt that could not be recorded; nil means everything was delivered
// and recorded. Cancelling ctx stops waiting between retries.
func (n *Notifier) Deliver(ctx context.Context, hooks []store.Webhook, events []store.Event) error {
	jobs := n.plan(hooks, events)
	if len(jobs) == 0 {
		return nil
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	ch := make(chan job)
	for range min(n.cfg.Workers, len(jobs)) {
		wg.Go(func() {
			for j := range ch {
				if err := j.run(ctx); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	return errors.Join(errs...)
}

// job is one unit of work for a worker.
type job interface {
	run(ctx context.Context) error
}

// plan matches events to hooks and groups the work: one webhookJob per (hook,
// event), one emailJob per (organization, recipient).
func (n *Notifier) plan(hooks []store.Webhook, events []store.Event) []job {
	ps := make([]parsed, len(events))
	for i, ev := range events {
		ps[i] = parseEvent(ev)
		if p := ps[i]; p.ok && p.fe.OrganizationID != 0 && p.fe.OrganizationID != ev.OrgID {
			n.log.Error("notify: event payload names another organization; not delivered",
				"event_id", ev.ID, "org_id", ev.OrgID, "payload_org_id", p.fe.OrganizationID)
		}
	}
	var jobs []job
	mail := map[string]*emailJob{}
	var mailOrder []string
	for _, h := range hooks {
		for _, p := range ps {
			if ok, _ := matches(h, p); !ok {
				continue
			}
			if strings.TrimSpace(h.Email) == "" {
				jobs = append(jobs, &webhookJob{n: n, hook: h, ev: p})
				continue
			}
			key := fmt.Sprintf("%d\x00%s", h.OrgID, strings.ToLower(strings.TrimSpace(h.Email)))
			ej := mail[key]
			if ej == nil {
				ej = &emailJob{n: n, org: h.OrgID, to: strings.TrimSpace(h.Email)}
				mail[key] = ej
				mailOrder = append(mailOrder, key)
			}
			ej.add(h, p)
		}
	}
	for _, k := range mailOrder {
		jobs = append(jobs, mail[k])
	}
	return jobs
}

// record stores one attempt, returning the error to report if storing failed.
func (n *Notifier) record(ctx context.Context, d store.Delivery) error {
	if n.cfg.Recorder == nil {
		return nil
	}
	if _, err := n.cfg.Recorder.RecordDelivery(ctx, d); err != nil {
		n.log.Error("notify: record delivery", "webhook_id", d.WebhookID, "event_id", d.EventID, "attempt", d.Attempt, "err", err)
		return fmt.Errorf("notify: record delivery of event %d to webhook %d attempt %d: %w", d.EventID, d.WebhookID, d.Attempt, err)
	}
	return nil
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// outcome is the result of one attempt.
type outcome struct {
	status     int           // HTTP status, SMTP code, or 0
	err        error         // nil on success
	retry      bool          // a later attempt may succeed
	retryAfter time.Duration // the server's Retry-After, if any
}

// attempts runs try up to MaxAttempts times with backoff, calling rec after
// each attempt. It returns the last failure, or nil.
func (n *Notifier) attempts(ctx context.Context, what string, try func(ctx context.Context, attempt int) outcome, rec func(attempt int, o outcome) error) error {
	var recErrs []error
	for attempt := 1; ; attempt++ {
		o := try(ctx, attempt)
		if err := rec(attempt, o); err != nil {
			recErrs = append(recErrs, err)
		}
		if o.err == nil {
			return errors.Join(recErrs...)
		}
		n.log.Warn("notify: delivery attempt failed", "delivery", what, "attempt", attempt, "status", o.status, "retry", o.retry && attempt < n.retry.MaxAttempts, "err", o.err)
		fail := func(reason string) error {
			return errors.Join(append(recErrs, fmt.Errorf("notify: %s: %s after %d attempt(s): %w", what, reason, attempt, o.err))...)
		}
		if !o.retry {
			return fail("not retryable")
		}
		if attempt >= n.retry.MaxAttempts {
			return fail("gave up")
		}
		wait := n.retry.backoff(attempt, n.jitter())
		if o.retryAfter > n.retry.MaxBackoff {
			return fail(fmt.Sprintf("retry-after %s exceeds the maximum backoff %s", o.retryAfter, n.retry.MaxBackoff))
		}
		wait = max(wait, o.retryAfter)
		if err := sleep(ctx, wait); err != nil {
			return errors.Join(append(recErrs, fmt.Errorf("notify: %s: stopped after %d attempt(s): %w", what, attempt, err))...)
		}
	}
}
