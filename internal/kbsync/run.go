package kbsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"medvigil/internal/feeds"
)

// SourceResult is what one source did in a run.
type SourceResult struct {
	Source Source `json:"source"`
	// Fetched counts 200 responses taken, NotModified 304 answers to
	// conditional requests, Retries requests sent again.
	Fetched     int `json:"fetched"`
	NotModified int `json:"not_modified"`
	Retries     int `json:"retries"`
	// FilesWritten counts mirror files replaced or created.
	FilesWritten int   `json:"files_written"`
	Bytes        int64 `json:"bytes"`
	// Warnings name what was rejected or skipped (a CSAF document failing
	// its hash or signature check, an unusable key, a bad index line).
	Warnings []string `json:"warnings,omitempty"`
	// Err is why the source did not finish, nil when it did.
	Err      error         `json:"-"`
	Duration time.Duration `json:"duration_ns"`
}

func (r *SourceResult) warn(log *slog.Logger, msg string, args ...any) {
	w := fmt.Sprintf(msg, args...)
	r.Warnings = append(r.Warnings, w)
	log.Warn("kbsync: "+w, "source", string(r.Source))
}

// Result is what a run did, one entry per source synced, in AllSources order.
type Result struct {
	Sources  []SourceResult `json:"sources"`
	Duration time.Duration  `json:"duration_ns"`
}

// Err joins the sources' errors; nil when every source finished.
func (r Result) Err() error {
	var errs []error
	for _, s := range r.Sources {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Source, s.Err))
		}
	}
	return errors.Join(errs...)
}

// syncer holds what the sources share during one run.
type syncer struct {
	cfg Config
	f   *fetcher
	st  *state
	log *slog.Logger
}

// Run syncs the configured sources into cfg.Dir, all at once, each in its
// own goroutine: one failing source never stops the others, and its error
// is in its SourceResult. Run itself fails only when the mirror directory or
// its state file cannot be used, or cfg is invalid.
func Run(ctx context.Context, cfg Config) (Result, error) {
	start := time.Now()
	if cfg.Dir == "" {
		return Result{}, errors.New("kbsync: no mirror directory")
	}
	for _, s := range cfg.Sources {
		if !validSource(s) {
			return Result{}, fmt.Errorf("kbsync: unknown source %q", s)
		}
	}
	cfg = withDefaults(cfg)
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("kbsync: %w", err)
	}
	// Downloads a killed run left behind are never resumed byte-wise;
	// drop them.
	if err := os.RemoveAll(filepath.Join(cfg.Dir, tmpDir)); err != nil {
		return Result{}, fmt.Errorf("kbsync: %w", err)
	}
	st, err := loadState(cfg.Dir)
	if err != nil {
		return Result{}, err
	}
	s := &syncer{cfg: cfg, st: st, log: cfg.Logger, f: &fetcher{
		client: cfg.HTTPClient, ua: cfg.UserAgent, retries: cfg.Retries,
		base: cfg.RetryBase, maxWait: cfg.RetryMax, stall: cfg.StallTimeout,
		dir: cfg.Dir, st: st, log: cfg.Logger,
	}}
	runs := map[Source]func(context.Context, *SourceResult) error{
		SourceOSV: s.osv, SourceNVD: s.nvd, SourceKEV: s.kev, SourceEPSS: s.epss, SourceCSAF: s.csaf,
	}
	var res Result
	for _, src := range AllSources() {
		if cfg.wants(src) {
			res.Sources = append(res.Sources, SourceResult{Source: src})
		}
	}
	var wg sync.WaitGroup
	for i := range res.Sources {
		wg.Add(1)
		go func(r *SourceResult) {
			defer wg.Done()
			t := time.Now()
			r.Err = runs[r.Source](ctx, r)
			r.Duration = time.Since(t)
			if r.Err != nil {
				s.log.Error("kbsync: source failed", "source", string(r.Source), "error", r.Err)
			} else {
				s.log.Info("kbsync: source synced", "source", string(r.Source), "fetched", r.Fetched,
					"not_modified", r.NotModified, "files_written", r.FilesWritten, "bytes", r.Bytes,
					"warnings", len(r.Warnings), "duration_ms", r.Duration.Milliseconds())
			}
		}(&res.Sources[i])
	}
	wg.Wait()
	os.Remove(filepath.Join(cfg.Dir, tmpDir)) // only when empty
	res.Duration = time.Since(start)
	return res, nil
}

func validSource(s Source) bool {
	for _, x := range AllSources() {
		if x == s {
			return true
		}
	}
	return false
}

func withDefaults(c Config) Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.OSVBase, DefaultOSVBase)
	def(&c.NVDURL, DefaultNVDURL)
	def(&c.KEVURL, DefaultKEVURL)
	def(&c.EPSSURL, DefaultEPSSURL)
	def(&c.UserAgent, DefaultUserAgent)
	if len(c.OSVEcosystems) == 0 {
		c.OSVEcosystems = DefaultOSVEcosystems()
	}
	if c.NVDRate == (RateLimit{}) {
		c.NVDRate = RateLimit{Requests: NVDRequestsNoKey, Window: NVDRateWindow}
		if c.NVDAPIKey != "" {
			c.NVDRate.Requests = NVDRequestsWithKey
		}
	}
	if c.NVDPageSize <= 0 || c.NVDPageSize > NVDPageSize {
		c.NVDPageSize = NVDPageSize
	}
	if c.NVDMaxWindow <= 0 || c.NVDMaxWindow > NVDMaxWindow {
		c.NVDMaxWindow = NVDMaxWindow
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   30 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		}}
	}
	if c.Retries == 0 {
		c.Retries = 5
	} else if c.Retries < 0 {
		c.Retries = 0
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 2 * time.Minute
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = time.Minute
	}
	if c.MaxArchive <= 0 {
		c.MaxArchive = 4 << 30
	}
	if c.MaxFile <= 0 {
		c.MaxFile = feeds.MaxFile
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

func (s *syncer) progress(src Source, done, total int, item string) {
	if s.cfg.Progress != nil {
		s.cfg.Progress(src, done, total, item)
	}
}
