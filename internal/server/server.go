package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"medvigil/internal/monitor"
	"medvigil/internal/store"
)

// Config configures a Server.
type Config struct {
	Store   store.Store
	Monitor *monitor.Monitor
	Log     *slog.Logger
	// Registry receives the server's metrics; nil makes a new one.
	Registry *prometheus.Registry
	// MaxBody limits JSON request bodies (default 1 MiB); MaxSBOM limits SBOM
	// uploads (default 64 MiB).
	MaxBody int64
	MaxSBOM int64
	// Version is the medvigil version reported by /healthz.
	Version string
	// Demo marks the data as demo data in /api/v1/organization responses.
	Demo bool
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// LoginSlots bounds password checks running at once (each argon2id
	// check takes 64 MiB): default 4. A login waits up to LoginWait
	// (default 10 s) for a slot, then answers 503 with Retry-After.
	LoginSlots int
	LoginWait  time.Duration
}

// Server is the HTTP service. Build it with New; it is an http.Handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []route
	metrics *metrics
	openapi []byte
	// dummyHash is hashed against for unknown e-mails at login, so the
	// answer takes as long as for a known one.
	dummyHash func() string
	// loginSlots holds a token per password check running.
	loginSlots chan struct{}
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Monitor == nil {
		return nil, errors.New("server: Store and Monitor are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxSBOM == 0 {
		cfg.MaxSBOM = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LoginSlots <= 0 {
		cfg.LoginSlots = 4
	}
	if cfg.LoginWait <= 0 {
		cfg.LoginWait = 10 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Log, mux: http.NewServeMux(), dummyHash: sync.OnceValue(newDummyHash),
		loginSlots: make(chan struct{}, cfg.LoginSlots)}
	m, err := newMetrics(cfg.Registry, cfg.Monitor)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.routes = s.apiRoutes()
	for i := range s.routes {
		rt := &s.routes[i]
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	doc, err := json.MarshalIndent(s.openAPI(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	s.openapi = doc
	s.mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		writeBytes(w, r, http.StatusOK, "application/json", s.openapi)
	})
	s.routeUI()
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", m.handler())
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		// The catch-all also gets known paths with another method: those
		// answer 405 with Allow (RFC 9110 section 15.5.6), not 404.
		if allow := s.allowed(r.URL.Path); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, r, Problem{Type: problemBase + "method-not-allowed", Title: "Method Not Allowed", Status: http.StatusMethodNotAllowed,
				Detail: r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + strings.Join(allow, ", ")})
			return
		}
		writeProblem(w, r, Problem{Type: problemBase + "not-found", Title: "Not Found", Status: http.StatusNotFound,
			Detail: "no such API route: " + r.Method + " " + r.URL.Path})
	})
	return s, nil
}

// allowed returns the methods of the API routes whose pattern matches path
// (a {name} matches one segment), in route-table order.
func (s *Server) allowed(path string) []string {
	var out []string
	add := func(method, pattern string) {
		ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
		if len(ps) != len(xs) {
			return
		}
		for i := range ps {
			if ps[i] != xs[i] && !(strings.HasPrefix(ps[i], "{") && xs[i] != "") {
				return
			}
		}
		for _, m := range out {
			if m == method {
				return
			}
		}
		out = append(out, method)
	}
	for _, rt := range s.routes {
		add(rt.method, rt.path)
	}
	add(http.MethodGet, "/api/v1/openapi.json")
	return out
}

// Observer returns the monitor hooks that feed the server's metrics.
func Observer(reg *prometheus.Registry) monitor.Observer {
	return observerFor(reg)
}

// ServeHTTP adds a request ID, JSON access logs and panic recovery around
// every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-ID")
	if id == "" || len(id) > 64 || strings.ContainsAny(id, "\r\n") {
		id = newRequestID()
	}
	ctx := context.WithValue(r.Context(), requestIDKey{}, id)
	r = r.WithContext(ctx)
	w.Header().Set("X-Request-ID", id)
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic", "request_id", id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !rec.wrote {
				writeProblem(rec, r, problemOf(errors.New("panic")))
			}
		}
		s.log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000, "remote", remoteIP(r))
	}()
	s.mux.ServeHTTP(rec, r)
}

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// writeJSON writes v with status; GET answers carry a strong ETag of the body
// and answer 304 to a matching If-None-Match.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeProblem(w, r, problemOf(fmt.Errorf("encode response: %w", err)))
		return
	}
	writeBytes(w, r, status, "application/json", buf.Bytes())
}

func writeBytes(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	if r.Method == http.MethodGet && status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, no-cache")
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// etagMatch implements If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// decodeBody reads a JSON request body into v, refusing unknown fields and
// bodies over the limit.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &httpError{http.StatusUnsupportedMediaType, "unsupported-media-type", "send application/json, not " + ct}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("request body: %v", err)
	}
	if dec.More() {
		return badRequest("request body: more than one JSON value")
	}
	return nil
}

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish for up to grace.
func (s *Server) ListenAndServe(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
