package server

// The shared fixture of the server tests: a real store (SQLite in a
// temporary directory, and PostgreSQL when MEDVIGIL_TEST_POSTGRES is set), a
// started monitor with a small knowledge base from testdata/osv, and two
// organizations A and B with one of everything, served by a real Server.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"medvigil/internal/auth"
	"medvigil/internal/feeds"
	"medvigil/internal/input"
	"medvigil/internal/monitor"
	"medvigil/internal/store"
	"medvigil/internal/store/storetest"
	"medvigil/internal/vuln"
)

// password is the password of every fixture user.
const password = "correct horse battery staple"

// opener returns a store on a new, empty database that is closed when t ends.
type opener func(t *testing.T) store.Store

// forEachStore runs fn once per backend: SQLite always, PostgreSQL when
// MEDVIGIL_TEST_POSTGRES is set (skipped without it, failed under CI=true).
func forEachStore(t *testing.T, fn func(t *testing.T, open opener)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		postgresAdmin(t)
		fn(t, openPostgres)
	})
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	return openDSN(t, filepath.Join(t.TempDir(), "medvigil.db"))
}

func openPostgres(t *testing.T) store.Store {
	t.Helper()
	return openDSN(t, freshPostgres(t))
}

// closeOnce lets a test close the store itself (readyz) while the cleanup
// still closes it when the test did not.
type closeOnce struct {
	store.Store
	closed atomic.Bool
}

func (c *closeOnce) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.Store.Close()
}

func openDSN(t *testing.T, dsn string) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), dsn, nil)
	if err != nil {
		t.Fatalf("open store %s: %v", dsn, err)
	}
	c := &closeOnce{Store: s}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return c
}

func postgresAdmin(t testing.TB) string { t.Helper(); return storetest.PostgresAdmin(t) }

func freshPostgres(t testing.TB) string { t.Helper(); return storetest.FreshPostgres(t) }

// victims are objects of an organization that requests expected to be
// refused aim at: they must survive the walk.
type victims struct {
	user    store.User
	token   store.Token
	product store.Product
	version store.Version // under the main product
	webhook store.Webhook
}

// orgData is one organization of the fixture.
type orgData struct {
	org      store.Org
	users    map[store.Role]store.User
	tokens   map[store.Role]string // a token secret per role, of the user with that role
	tokenIDs map[store.Role]int64
	revoked  string // a revoked token of the admin
	product  store.Product
	version  store.Version // version 1.0: its SBOM has vulnerable components
	version2 store.Version // A only: version 2.0, its SBOM has fixed ones
	sbom     store.SBOM    // the SBOM of version
	findings []store.Finding
	webhook  store.Webhook
	delivery store.Delivery
	victims  victims
}

// fixture is a server over a populated store.
type fixture struct {
	st   store.Store
	mon  *monitor.Monitor
	srv  *Server
	reg  *prometheus.Registry
	now  time.Time
	hash string // argon2id hash of password, shared by the fixture users
	a, b *orgData
	seq  atomic.Int64
}

// next returns a number unique within the fixture, for unique names.
func (f *fixture) next() int64 { return f.seq.Add(1) }

// fixedNow is the server's clock: fixed, so token "last used" marks are set
// once and snapshots of the data compare equal.
var fixedNow = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// newFixture builds the fixture on a store from open; cfg, if not nil, may
// change the server's Config before the server is built.
func newFixture(t *testing.T, open opener, cfg func(*Config)) *fixture {
	t.Helper()
	ctx := t.Context()
	st := open(t)
	f := &fixture{st: st, now: fixedNow, reg: prometheus.NewRegistry()}
	f.mon = monitor.New(monitor.Config{Store: st, Observer: Observer(f.reg), Now: func() time.Time { return f.now }})
	if err := f.mon.Start(ctx); err != nil {
		t.Fatalf("monitor start: %v", err)
	}
	kb := vuln.NewKB()
	if _, _, err := feeds.Load(ctx, kb, []string{filepath.Join("testdata", "osv")}, func(e *input.Error) {
		t.Errorf("knowledge base fixture: %v", e)
	}, nil); err != nil {
		t.Fatalf("load testdata/osv: %v", err)
	}
	if kb.Len() != 3 {
		t.Fatalf("testdata/osv: %d advisories, want 3", kb.Len())
	}
	if _, err := f.mon.ReplaceKB(ctx, kb, json.RawMessage(`{"test":"testdata/osv"}`)); err != nil {
		t.Fatalf("replace knowledge base: %v", err)
	}
	h, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	f.hash = h
	f.a = f.populate(t, "a", "Org A Medical", []string{"sbom-a-1.0.cdx.json", "sbom-a-2.0.cdx.json"})
	f.b = f.populate(t, "b", "Org B Hospital", []string{"sbom-b-1.0.cdx.json"})

	c := Config{Store: st, Monitor: f.mon, Registry: f.reg, Version: "test", Now: func() time.Time { return f.now }}
	if cfg != nil {
		cfg(&c)
	}
	srv, err := New(c)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	f.srv = srv
	// Use every token once, so that its "last used" mark (kept to the
	// minute of the fixed clock) does not change during a test.
	for _, o := range []*orgData{f.a, f.b} {
		for _, role := range roleList {
			if r := f.do(t, "GET", "/api/v1/organization", o.tokens[role], nil, ""); r.status != 200 {
				t.Fatalf("warm-up as %s of %s: %d %s", role, o.org.Slug, r.status, r.body)
			}
		}
	}
	return f
}

var roleList = []store.Role{store.RoleAdmin, store.RoleAnalyst, store.RoleViewer}

func must[T any](t *testing.T, what string) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// populate creates an organization with users, tokens, a product, versions
// with uploaded SBOMs (one per file in sboms, version 1.0, 2.0, …), findings,
// events, a webhook with a delivery and the victims.
func (f *fixture) populate(t *testing.T, slug, name string, sboms []string) *orgData {
	t.Helper()
	ctx := t.Context()
	st := f.st
	o := &orgData{users: map[store.Role]store.User{}, tokens: map[store.Role]string{}, tokenIDs: map[store.Role]int64{}}
	o.org = must[store.Org](t, "org")(st.CreateOrg(ctx, store.Org{Slug: "org-" + slug, Name: name, Kind: store.KindManufacturer, Created: f.now}))
	for _, role := range roleList {
		u := must[store.User](t, "user")(st.CreateUser(ctx, store.User{OrgID: o.org.ID, Email: string(role) + "@" + slug + ".example",
			Name: string(role) + " of " + slug, Role: role, PasswordHash: f.hash, Created: f.now}))
		o.users[role] = u
		tok, secret := f.token(t, o.org.ID, u.ID, role, "fixture "+string(role))
		o.tokens[role], o.tokenIDs[role] = secret, tok.ID
	}
	rt, secret := f.token(t, o.org.ID, o.users[store.RoleAdmin].ID, store.RoleAdmin, "revoked")
	if err := st.RevokeToken(ctx, o.org.ID, rt.ID, f.now); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	o.revoked = secret
	o.product = must[store.Product](t, "product")(st.CreateProduct(ctx, store.Product{OrgID: o.org.ID, Name: "Device of " + slug, Vendor: name, Created: f.now}))
	for i, file := range sboms {
		v := must[store.Version](t, "version")(st.CreateVersion(ctx, store.Version{OrgID: o.org.ID, ProductID: o.product.ID,
			Version: fmt.Sprintf("%d.0", i+1), ReleaseDate: "2026-01-15", SupportLevel: "full support", Created: f.now}))
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.mon.ImportSBOM(ctx, o.org.ID, v.ID, file, data)
		if err != nil {
			t.Fatalf("import %s: %v", file, err)
		}
		o.findings = append(o.findings, res.Findings.New...)
		if i == 0 {
			o.version, o.sbom = v, res.SBOM
		} else {
			o.version2 = v
		}
	}
	if len(o.findings) == 0 {
		t.Fatalf("org %s: the fixture SBOMs gave no findings", slug)
	}
	o.webhook = must[store.Webhook](t, "webhook")(st.CreateWebhook(ctx, store.Webhook{OrgID: o.org.ID, URL: "https://hooks." + slug + ".example/medvigil",
		Secret: "fixture secret", MinSeverity: "high", Active: true, Created: f.now}))
	evs := must[[]store.Event](t, "events")(st.ListEvents(ctx, o.org.ID, store.Page{Limit: 1}))
	o.delivery = must[store.Delivery](t, "delivery")(st.RecordDelivery(ctx, store.Delivery{OrgID: o.org.ID, WebhookID: o.webhook.ID,
		EventID: evs[0].ID, Attempt: 1, Status: 200, Created: f.now}))

	// Victims: the targets of refused destructive requests.
	o.victims.user = f.user(t, o, store.RoleViewer)
	o.victims.token, _ = f.token(t, o.org.ID, o.users[store.RoleViewer].ID, store.RoleViewer, "victim")
	o.victims.product = f.product(t, o)
	o.victims.version = f.version(t, o)
	o.victims.webhook = f.webhook(t, o)
	return o
}

// token creates an API token and returns it with its secret.
func (f *fixture) token(t *testing.T, org, user int64, role store.Role, name string) (store.Token, string) {
	t.Helper()
	secret, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	tok := must[store.Token](t, "token")(f.st.CreateToken(t.Context(), store.Token{OrgID: org, UserID: user, Name: name, Role: role,
		Prefix: auth.DisplayPrefix(secret), Hash: hash, Created: f.now}))
	return tok, secret
}

// Throwaway objects, for destructive requests.

func (f *fixture) user(t *testing.T, o *orgData, role store.Role) store.User {
	t.Helper()
	n := f.next()
	return must[store.User](t, "user")(f.st.CreateUser(t.Context(), store.User{OrgID: o.org.ID, Email: fmt.Sprintf("extra%d@%s.example", n, o.org.Slug),
		Name: fmt.Sprintf("extra %d", n), Role: role, PasswordHash: f.hash, Created: f.now}))
}

func (f *fixture) product(t *testing.T, o *orgData) store.Product {
	t.Helper()
	return must[store.Product](t, "product")(f.st.CreateProduct(t.Context(), store.Product{OrgID: o.org.ID,
		Name: fmt.Sprintf("Extra product %d", f.next()), Vendor: "Extra", Created: f.now}))
}

func (f *fixture) version(t *testing.T, o *orgData) store.Version {
	t.Helper()
	return must[store.Version](t, "version")(f.st.CreateVersion(t.Context(), store.Version{OrgID: o.org.ID, ProductID: o.product.ID,
		Version: fmt.Sprintf("0.%d", f.next()), Created: f.now}))
}

func (f *fixture) webhook(t *testing.T, o *orgData) store.Webhook {
	t.Helper()
	return must[store.Webhook](t, "webhook")(f.st.CreateWebhook(t.Context(), store.Webhook{OrgID: o.org.ID,
		URL: fmt.Sprintf("https://extra%d.example/hook", f.next()), Secret: "s", Active: true, Created: f.now}))
}

// response is a recorded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) String() string {
	b := r.body
	if len(b) > 600 {
		b = append(b[:600:600], "…"...)
	}
	return fmt.Sprintf("%d %s %s", r.status, r.header.Get("Content-Type"), b)
}

// bearer is the Authorization header of a token secret.
func bearer(secret string) string { return "Bearer " + secret }

// do sends a request as the holder of token secret ("" sends none).
func (f *fixture) do(t *testing.T, method, target, token string, body []byte, ctype string) *response {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", bearer(token))
	}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return f.send(t, method, target, h, body)
}

// send sends a request with the given headers.
func (f *fixture) send(t *testing.T, method, target string, h http.Header, body []byte) *response {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequestWithContext(t.Context(), method, target, rd)
	for k, vs := range h {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// decode unmarshals a JSON answer.
func decode[T any](t *testing.T, r *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer is not the expected JSON: %v\n%s", err, r)
	}
	return v
}

// wantProblem checks an RFC 9457 problem answer with status.
func wantProblem(t *testing.T, what string, r *response, status int) Problem {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d (%s)", what, r.status, status, r)
		return Problem{}
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	var p Problem
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Errorf("%s: problem body: %v (%s)", what, err, r)
		return p
	}
	if p.Status != status || p.Title == "" || p.Type == "" || p.RequestID == "" || p.Instance == "" {
		t.Errorf("%s: incomplete problem %+v", what, p)
	}
	if id := r.header.Get("X-Request-ID"); id != p.RequestID {
		t.Errorf("%s: problem request_id %q, X-Request-ID %q", what, p.RequestID, id)
	}
	return p
}

// storeSnapshot reads everything of an organization through the store.
func storeSnapshot(t *testing.T, st store.Store, org int64) map[string]any {
	t.Helper()
	ctx := t.Context()
	out := map[string]any{}
	o, err := st.GetOrg(ctx, org)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	out["org"] = o
	out["users"] = all(t, func(p store.Page) ([]store.User, error) { return st.ListUsers(ctx, org, p) }, func(u store.User) int64 { return u.ID })
	out["tokens"] = all(t, func(p store.Page) ([]store.Token, error) { return st.ListTokens(ctx, org, p) }, func(x store.Token) int64 { return x.ID })
	products := all(t, func(p store.Page) ([]store.Product, error) { return st.ListProducts(ctx, org, p) }, func(x store.Product) int64 { return x.ID })
	out["products"] = products
	for _, pr := range products {
		vs := all(t, func(p store.Page) ([]store.Version, error) { return st.ListVersions(ctx, org, pr.ID, p) }, func(x store.Version) int64 { return x.ID })
		out[fmt.Sprintf("versions of %d", pr.ID)] = vs
		for _, v := range vs {
			sbs := all(t, func(p store.Page) ([]store.SBOM, error) { return st.ListSBOMs(ctx, org, v.ID, p) }, func(x store.SBOM) int64 { return x.ID })
			out[fmt.Sprintf("sboms of %d", v.ID)] = sbs
			for _, sb := range sbs {
				raw, err := st.GetSBOMRaw(ctx, org, sb.ID)
				if err != nil {
					t.Fatalf("snapshot: %v", err)
				}
				out[fmt.Sprintf("raw %d", sb.ID)] = raw
			}
			out[fmt.Sprintf("components of %d", v.ID)] = all(t, func(p store.Page) ([]store.Component, error) { return st.ListComponents(ctx, org, v.ID, p) },
				func(x store.Component) int64 { return x.ID })
		}
	}
	out["findings"] = all(t, func(p store.Page) ([]store.Finding, error) {
		return st.ListFindings(ctx, org, store.FindingFilter{}, p)
	},
		func(x store.Finding) int64 { return x.ID })
	out["events"] = all(t, func(p store.Page) ([]store.Event, error) { return st.ListEvents(ctx, org, p) }, func(x store.Event) int64 { return x.ID })
	hooks := all(t, func(p store.Page) ([]store.Webhook, error) { return st.ListWebhooks(ctx, org, p) }, func(x store.Webhook) int64 { return x.ID })
	out["webhooks"] = hooks
	for _, h := range hooks {
		out[fmt.Sprintf("deliveries of %d", h.ID)] = all(t, func(p store.Page) ([]store.Delivery, error) { return st.ListDeliveries(ctx, org, h.ID, p) },
			func(x store.Delivery) int64 { return x.ID })
	}
	return out
}

// all reads every page of a store listing.
func all[T any](t *testing.T, list func(store.Page) ([]T, error), id func(T) int64) []T {
	t.Helper()
	var out []T
	p := store.Page{Limit: 1000}
	for {
		xs, err := list(p)
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		out = append(out, xs...)
		if len(xs) < p.Limit {
			return out
		}
		p.After = id(xs[len(xs)-1])
	}
}

// storeCounts is the number of rows of each kind of an organization.
func storeCounts(t *testing.T, st store.Store, org int64) map[string]int {
	t.Helper()
	out := map[string]int{}
	for k, v := range storeSnapshot(t, st, org) {
		switch x := v.(type) {
		case []store.User:
			out[k] = len(x)
		case []store.Token:
			out[k] = len(x)
		case []store.Product:
			out[k] = len(x)
		case []store.Version:
			out[k] = len(x)
		case []store.SBOM:
			out[k] = len(x)
		case []store.Component:
			out[k] = len(x)
		case []store.Finding:
			out[k] = len(x)
		case []store.Event:
			out[k] = len(x)
		case []store.Webhook:
			out[k] = len(x)
		case []store.Delivery:
			out[k] = len(x)
		}
	}
	return out
}

// sameData fails when two snapshots differ.
func sameData(t *testing.T, what string, before, after any) {
	t.Helper()
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("%s changed (-before +after):\n%s", what, d)
	}
}
