package kbsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// StatusError is an HTTP answer the sync cannot use (after retries, for
// 429 and 5xx).
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// errTooLarge reports a body over the size limit.
var errTooLarge = errors.New("response exceeds the size limit")

// readError marks a failure while reading a response body (a cut
// connection, a stall): the request is retried.
type readError struct{ err error }

func (e *readError) Error() string { return "read body: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// fetcher performs HTTP GETs with retries, conditional requests and atomic
// file writes.
type fetcher struct {
	client  *http.Client
	ua      string
	retries int
	base    time.Duration
	maxWait time.Duration
	stall   time.Duration
	dir     string
	st      *state
	log     *slog.Logger
}

// request is one GET.
type request struct {
	url     string
	header  http.Header
	limiter *limiter
	max     int64
	res     *SourceResult // counters to update
	// conditional sends the validators stored for url (fetchFile: only
	// while the file they belong to exists).
	conditional bool
	validators  Validators
}

// response is what a GET produced: Status 200 or 304.
type response struct {
	status     int
	validators Validators
}

// do sends req, retrying on 429, 5xx and network or body-read errors with
// exponential backoff and full jitter, honoring Retry-After. On 200 it
// calls consume with the body (bounded by req.max); consume's errors that
// wrap a readError are retried, others are returned.
func (f *fetcher) do(ctx context.Context, req request, consume func(body io.Reader) error) (response, error) {
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if req.res != nil {
				req.res.Retries++
			}
		}
		if err := req.limiter.wait(ctx); err != nil {
			return response{}, err
		}
		resp, retryAfter, err := f.once(ctx, req, consume)
		if err == nil {
			return resp, nil
		}
		if !retryable(err) || attempt >= f.retries || ctx.Err() != nil {
			if ctx.Err() != nil {
				return response{}, ctx.Err()
			}
			return response{}, err
		}
		last = err
		delay := f.backoff(attempt)
		if retryAfter > 0 {
			delay = min(retryAfter, f.maxWait)
		}
		f.log.Debug("kbsync: retrying", "url", req.url, "attempt", attempt+1, "delay_ms", delay.Milliseconds(), "error", last)
		if err := sleep(ctx, delay); err != nil {
			return response{}, err
		}
	}
}

func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status == http.StatusTooManyRequests || se.Status >= 500
	}
	var re *readError
	if errors.As(err, &re) {
		return true
	}
	var ne *netError
	return errors.As(err, &ne)
}

// netError marks a transport failure (no response).
type netError struct{ err error }

func (e *netError) Error() string { return e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

func (f *fetcher) backoff(attempt int) time.Duration {
	d := f.base << min(attempt, 20)
	if d <= 0 || d > f.maxWait {
		d = f.maxWait
	}
	// Full jitter within the upper half keeps retries apart without ever
	// retrying at once.
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (f *fetcher) once(ctx context.Context, req request, consume func(io.Reader) error) (response, time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(f.stall, cancel)
	defer timer.Stop()

	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.url, nil)
	if err != nil {
		return response{}, 0, fmt.Errorf("kbsync: %w", err)
	}
	for k, v := range req.header {
		hr.Header[k] = v
	}
	hr.Header.Set("User-Agent", f.ua)
	if req.conditional {
		if v := req.validators.ETag; v != "" {
			hr.Header.Set("If-None-Match", v)
		}
		if v := req.validators.LastModified; v != "" {
			hr.Header.Set("If-Modified-Since", v)
		}
	}
	resp, err := f.client.Do(hr)
	if err != nil {
		return response{}, 0, &netError{fmt.Errorf("GET %s: %w", req.url, err)}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && req.conditional:
		if req.res != nil {
			req.res.NotModified++
		}
		return response{status: http.StatusNotModified, validators: req.validators}, 0, nil
	case resp.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return response{}, retryAfter(resp.Header.Get("Retry-After"), time.Now()), &StatusError{URL: req.url, Status: resp.StatusCode}
	}
	if req.max > 0 && resp.ContentLength > req.max {
		return response{}, 0, fmt.Errorf("GET %s: %d bytes: %w", req.url, resp.ContentLength, errTooLarge)
	}
	body := &bodyReader{r: resp.Body, timer: timer, stall: f.stall, max: req.max}
	if err := consume(body); err != nil {
		return response{}, 0, fmt.Errorf("GET %s: %w", req.url, err)
	}
	if req.res != nil {
		req.res.Fetched++
		req.res.Bytes += body.n
	}
	return response{status: http.StatusOK, validators: Validators{
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}}, 0, nil
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 section 10.2.3).
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// bodyReader counts, bounds and watches a response body: each read resets
// the stall timer, and read failures become readErrors.
type bodyReader struct {
	r     io.Reader
	timer *time.Timer
	stall time.Duration
	max   int64
	n     int64
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	b.timer.Reset(b.stall)
	if b.max > 0 && b.n > b.max {
		return n, errTooLarge
	}
	if err != nil && err != io.EOF {
		return n, &readError{err}
	}
	return n, err
}

// fetchBytes GETs req.url into memory.
func (f *fetcher) fetchBytes(ctx context.Context, req request) ([]byte, response, error) {
	var data []byte
	resp, err := f.do(ctx, req, func(body io.Reader) error {
		var err error
		data, err = io.ReadAll(body)
		return err
	})
	return data, resp, err
}

// fetchFile GETs req.url into the mirror file rel (relative to the mirror
// directory): the body goes to a temp file under .tmp, validate checks it,
// and it is renamed into place; the response validators are recorded for
// the next conditional request. With req.conditional, the stored
// validators are sent while rel exists.
func (f *fetcher) fetchFile(ctx context.Context, req request, rel string, validate func(path string) error) (response, error) {
	dest := filepath.Join(f.dir, rel)
	if req.conditional {
		f.st.view(func(s *state) { req.validators = s.URLs[req.url] })
		if _, err := os.Stat(dest); err != nil || req.validators.File != filepath.ToSlash(rel) {
			req.conditional = false
		}
	}
	tmp := filepath.Join(f.dir, tmpDir)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return response{}, fmt.Errorf("kbsync: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return response{}, fmt.Errorf("kbsync: %w", err)
	}
	resp, err := f.do(ctx, req, func(body io.Reader) error {
		t, err := os.CreateTemp(tmp, filepath.Base(rel)+"-*")
		if err != nil {
			return err
		}
		name := t.Name()
		_, err = io.Copy(t, body)
		if err == nil {
			err = t.Sync()
		}
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err == nil && validate != nil {
			if verr := validate(name); verr != nil {
				err = fmt.Errorf("invalid content: %w", verr)
			}
		}
		if err == nil {
			err = os.Rename(name, dest)
		}
		if err != nil {
			os.Remove(name)
		}
		return err
	})
	if err != nil {
		return resp, err
	}
	if resp.status == http.StatusOK {
		if req.res != nil {
			req.res.FilesWritten++
		}
		v := resp.validators
		v.File = filepath.ToSlash(rel)
		err = f.st.update(func(s *state) {
			if v.ETag == "" && v.LastModified == "" {
				delete(s.URLs, req.url)
				return
			}
			s.URLs[req.url] = v
		})
	}
	return resp, err
}

// limiter allows n requests per rolling window.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	times  []time.Time
}

func newLimiter(r RateLimit) *limiter {
	if r.Requests <= 0 || r.Window <= 0 {
		return nil
	}
	return &limiter{n: r.Requests, window: r.Window}
}

// wait blocks until a request may be sent, then counts it.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	for {
		l.mu.Lock()
		now := time.Now()
		for len(l.times) > 0 && now.Sub(l.times[0]) >= l.window {
			l.times = l.times[1:]
		}
		if len(l.times) < l.n {
			l.times = append(l.times, now)
			l.mu.Unlock()
			return nil
		}
		d := l.times[0].Add(l.window).Sub(now)
		l.mu.Unlock()
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
