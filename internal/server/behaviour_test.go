package server

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/store"
)

// idPage is a list answer reduced to its item IDs.
type idPage struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// TestPagination walks every list route of the table with limit 1, 2 and
// 1000: each item comes exactly once, in ascending ID order, and a bad
// cursor or limit is a 400.
func TestPagination(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		f := newFixture(t, open, nil)
		exs := examples()
		admin := bearer(f.a.tokens[store.RoleAdmin])
		longest := 0
		for i := range f.srv.routes {
			rt := &f.srv.routes[i]
			if !rt.list {
				continue
			}
			t.Run(rt.op, func(t *testing.T) {
				base := exs[rt.op].build(t, f, rt, f.a, false)
				var want []int64
				for _, limit := range []int{1000, 1, 2} {
					var got []int64
					req := base
					req.target = base.target + sep(base.target) + fmt.Sprintf("limit=%d", limit)
					for pages := 0; ; pages++ {
						if pages > 1000 {
							t.Fatalf("limit=%d: more than 1000 pages", limit)
						}
						r := f.sendAs(t, admin, req)
						if r.status != 200 {
							t.Fatalf("%s: %s", req.target, r)
						}
						p := decode[idPage](t, r)
						if len(p.Items) > limit {
							t.Errorf("%s: %d items, limit %d", req.target, len(p.Items), limit)
						}
						for _, it := range p.Items {
							got = append(got, it.ID)
						}
						link := r.header.Get("Link")
						if (p.NextCursor != "") != (link != "") {
							t.Errorf("%s: next_cursor %q but Link %q", req.target, p.NextCursor, link)
						}
						if p.NextCursor == "" {
							break
						}
						if !strings.Contains(link, "cursor="+p.NextCursor) || !strings.HasSuffix(link, `>; rel="next"`) {
							t.Errorf("%s: Link %q does not point at the next page", req.target, link)
						}
						req.target = base.target + sep(base.target) + fmt.Sprintf("limit=%d&cursor=%s", limit, p.NextCursor)
					}
					if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
						t.Errorf("limit=%d: IDs not strictly ascending: %v", limit, got)
					}
					if limit == 1000 {
						want = got
						longest = max(longest, len(got))
						continue
					}
					if d := cmp.Diff(want, got); d != "" {
						t.Errorf("limit=%d walks other items than one page of 1000 (-want +got):\n%s", limit, d)
					}
				}
				for _, bad := range []string{"cursor=%21%21", "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("id:x")),
					"cursor=" + base64.RawURLEncoding.EncodeToString([]byte("offset:5")), "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("id:-1")),
					"limit=0", "limit=1001", "limit=two"} {
					req := base
					req.target = base.target + sep(base.target) + bad
					wantProblem(t, req.target, f.sendAs(t, admin, req), http.StatusBadRequest)
				}
			})
		}
		if longest < 3 {
			t.Errorf("no list has 3 items or more (longest %d): the pagination test proves little", longest)
		}
	})
}

// TestETag checks conditional GETs: 304 with an empty body for a matching
// If-None-Match, 200 with a new ETag after a change.
func TestETag(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		f := newFixture(t, open, nil)
		tok := f.a.tokens[store.RoleAdmin]
		get := func(target, inm string) *response {
			h := http.Header{"Authorization": {bearer(tok)}}
			if inm != "" {
				h.Set("If-None-Match", inm)
			}
			return f.send(t, "GET", target, h, nil)
		}
		for _, target := range []string{fmt.Sprintf("/api/v1/products/%d", f.a.product.ID), "/api/v1/products"} {
			first := get(target, "")
			etag := first.header.Get("ETag")
			if first.status != 200 || !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
				t.Fatalf("GET %s: %s, ETag %q", target, first, etag)
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				r := get(target, inm)
				if r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != etag {
					t.Errorf("GET %s If-None-Match %s: %d, body %q, ETag %q; want 304, empty, %s", target, inm, r.status, r.body, r.header.Get("ETag"), etag)
				}
			}
			if r := get(target, `"stale"`); r.status != 200 || !bytes.Equal(r.body, first.body) {
				t.Errorf("GET %s with a non-matching ETag: %s", target, r)
			}
			// A change makes a new ETag.
			r := f.do(t, "PATCH", fmt.Sprintf("/api/v1/products/%d", f.a.product.ID), tok,
				[]byte(fmt.Sprintf(`{"description":"changed %d"}`, f.next())), "application/json")
			if r.status != 200 {
				t.Fatalf("PATCH: %s", r)
			}
			after := get(target, etag)
			if after.status != 200 || after.header.Get("ETag") == etag || after.header.Get("ETag") == "" {
				t.Errorf("GET %s after a change with the old ETag: %d, ETag %q (old %s)", target, after.status, after.header.Get("ETag"), etag)
			}
		}
		// Problems and writes carry no ETag.
		if r := get("/api/v1/products/999999", ""); r.header.Get("ETag") != "" {
			t.Errorf("404 has an ETag")
		}
	})
}

// TestLimits checks body size limits, content types, strict JSON and
// refused SBOMs: none of them stores anything.
func TestLimits(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		const maxSBOM = 4 << 10
		f := newFixture(t, open, func(c *Config) { c.MaxSBOM = maxSBOM })
		tok := f.a.tokens[store.RoleAdmin]
		before := storeCounts(t, f.st, f.a.org.ID)
		sbomData, err := os.ReadFile(filepath.Join("testdata", "sbom-a-1.0.cdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(sbomData) >= maxSBOM {
			t.Fatalf("fixture SBOM of %d bytes is not under the test limit %d", len(sbomData), maxSBOM)
		}
		truncated, err := os.ReadFile(filepath.Join("testdata", "sbom-truncated.cdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		big := append(bytes.TrimRight(slices.Clone(sbomData), "\n"), bytes.Repeat([]byte(" "), maxSBOM)...)
		upload := fmt.Sprintf("/api/v1/versions/%d/sboms?filename=x.cdx.json", f.a.version.ID)
		tests := []struct {
			name          string
			method, path  string
			body          []byte
			ctype         string
			status        int
			detailMatches string
		}{
			{"JSON body over 1 MiB", "POST", "/api/v1/products",
				[]byte(`{"name":"big","description":"` + strings.Repeat("x", 1<<20) + `"}`), "application/json", 413, `1048576`},
			{"SBOM over MaxSBOM", "POST", upload, big, "application/vnd.cyclonedx+json", 413, `4096`},
			{"wrong Content-Type", "POST", "/api/v1/products", []byte(`{"name":"text"}`), "text/plain", 415, `text/plain`},
			{"form Content-Type", "PATCH", fmt.Sprintf("/api/v1/products/%d", f.a.product.ID), []byte(`name=x`), "application/x-www-form-urlencoded", 415, ``},
			{"unknown JSON field", "POST", "/api/v1/products", []byte(`{"name":"p","colour":"red"}`), "application/json", 400, `colour`},
			{"two JSON values", "POST", "/api/v1/products", []byte(`{"name":"p"}{"name":"q"}`), "application/json", 400, `more than one`},
			{"not JSON", "POST", "/api/v1/products", []byte(`{"name":`), "application/json", 400, ``},
			{"wrong JSON type", "POST", "/api/v1/products", []byte(`{"name":42}`), "application/json", 400, `name`},
			{"missing required field", "POST", "/api/v1/products", []byte(`{"vendor":"v"}`), "application/json", 400, `name`},
			{"bad date", "POST", fmt.Sprintf("/api/v1/products/%d/versions", f.a.product.ID), []byte(`{"version":"7.0","release_date":"1 May 2026"}`), "application/json", 400, `release_date`},
			{"malformed SBOM", "POST", upload, truncated, "application/vnd.cyclonedx+json", 422, `x\.cdx\.json: line 1, column [0-9]+`},
			{"not an SBOM", "POST", upload, []byte(`{"hello":"world"}`), "application/json", 422, ``},
			{"empty SBOM upload", "POST", upload, nil, "application/json", 400, `empty`},
			{"bad SBOM file name", "POST", strings.Replace(upload, "x.cdx.json", "..%2Fetc%2Fpasswd", 1), sbomData, "application/json", 400, `filename`},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := f.do(t, tc.method, tc.path, tok, tc.body, tc.ctype)
				p := wantProblem(t, tc.name, r, tc.status)
				if tc.detailMatches != "" && !regexp.MustCompile(tc.detailMatches).MatchString(p.Detail) {
					t.Errorf("detail %q does not match %q", p.Detail, tc.detailMatches)
				}
			})
		}
		sameData(t, "row counts after refused requests", before, storeCounts(t, f.st, f.a.org.ID))
		// The malformed SBOM's problem names where it is broken.
		r := f.do(t, "POST", upload, tok, truncated, "application/vnd.cyclonedx+json")
		p := wantProblem(t, "malformed SBOM", r, 422)
		t.Logf("malformed SBOM: %s", p.Detail)
		// An SBOM just under the limit is accepted.
		if r := f.do(t, "POST", upload, tok, sbomData, "application/vnd.cyclonedx+json"); r.status != 201 {
			t.Errorf("SBOM of %d bytes under a limit of %d: %s", len(sbomData), maxSBOM, r)
		}
	})
}

// TestAuthentication checks login, role changes reaching existing tokens,
// deleted users and token rights.
func TestAuthentication(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		f := newFixture(t, open, nil)
		admin := f.a.tokens[store.RoleAdmin]
		login := func(email, pw string) *response {
			return f.do(t, "POST", "/api/v1/auth/login", "", jsonBody(map[string]string{"email": email, "password": pw}), "application/json")
		}

		// Login: a good password gives a working token of the user's role.
		r := login(" Viewer@A.example ", password)
		if r.status != 201 {
			t.Fatalf("login: %s", r)
		}
		tc := decode[tokenCreated](t, r)
		if tc.Token.Role != store.RoleViewer || tc.Token.UserID != f.a.users[store.RoleViewer].ID || !regexp.MustCompile(`^mvg_[A-Za-z0-9_-]{43}$`).MatchString(tc.Secret) {
			t.Errorf("login answer %+v", tc)
		}
		if r := f.do(t, "GET", "/api/v1/users", tc.Secret, nil, ""); r.status != 200 {
			t.Errorf("the login token cannot read: %s", r)
		}
		if r := f.do(t, "POST", "/api/v1/products", tc.Secret, []byte(`{"name":"by viewer"}`), "application/json"); r.status != 403 {
			t.Errorf("the viewer's login token may write: %s", r)
		}
		// Wrong password and unknown e-mail: 401, same problem.
		wrong := wantProblem(t, "wrong password", login("admin@a.example", "not the password at all"), 401)
		unknown := wantProblem(t, "unknown e-mail", login("nobody@a.example", password), 401)
		wrong.RequestID, unknown.RequestID = "", ""
		if d := cmp.Diff(wrong, unknown); d != "" {
			t.Errorf("wrong password and unknown e-mail answer differently (-wrong +unknown):\n%s", d)
		}
		wantProblem(t, "login with unknown field", f.do(t, "POST", "/api/v1/auth/login", "", []byte(`{"email":"admin@a.example","password":"`+password+`","role":"admin"}`), "application/json"), 400)

		// A demoted user's token is demoted.
		x := f.user(t, f.a, store.RoleAdmin)
		_, xTok := f.token(t, f.a.org.ID, x.ID, store.RoleAdmin, "x's admin token")
		if r := f.do(t, "GET", "/api/v1/tokens", xTok, nil, ""); r.status != 200 {
			t.Fatalf("admin token before demotion: %s", r)
		}
		if r := f.do(t, "PATCH", fmt.Sprintf("/api/v1/users/%d", x.ID), admin, []byte(`{"role":"viewer"}`), "application/json"); r.status != 200 {
			t.Fatalf("demote: %s", r)
		}
		if r := f.do(t, "GET", "/api/v1/products", xTok, nil, ""); r.status != 200 {
			t.Errorf("demoted token cannot read: %s", r)
		}
		wantProblem(t, "demoted token lists tokens", f.do(t, "GET", "/api/v1/tokens", xTok, nil, ""), 403)
		wantProblem(t, "demoted token writes", f.do(t, "POST", "/api/v1/products", xTok, []byte(`{"name":"by demoted"}`), "application/json"), 403)
		wantProblem(t, "demoted token creates an admin token", f.do(t, "POST", "/api/v1/tokens", xTok, []byte(`{"name":"escalate","role":"admin"}`), "application/json"), 403)

		// A deleted user's token stops working.
		if r := f.do(t, "DELETE", fmt.Sprintf("/api/v1/users/%d", x.ID), admin, nil, ""); r.status != 204 {
			t.Fatalf("delete user: %s", r)
		}
		r = f.do(t, "GET", "/api/v1/products", xTok, nil, "")
		wantProblem(t, "deleted user's token", r, 401)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}

		// Tokens never carry more rights than their creator.
		for _, role := range []store.Role{store.RoleAnalyst, store.RoleViewer} {
			wantProblem(t, string(role)+" creates an admin token",
				f.do(t, "POST", "/api/v1/tokens", f.a.tokens[role], []byte(`{"name":"escalate","role":"admin"}`), "application/json"), 403)
		}
		// An admin's analyst token is an analyst.
		r = f.do(t, "POST", "/api/v1/tokens", admin, []byte(`{"name":"ci","role":"analyst"}`), "application/json")
		if r.status != 201 {
			t.Fatalf("create analyst token: %s", r)
		}
		ci := decode[tokenCreated](t, r)
		if ci.Token.Role != store.RoleAnalyst {
			t.Errorf("created token role %s", ci.Token.Role)
		}
		if r := f.do(t, "POST", "/api/v1/products", ci.Secret, []byte(`{"name":"by ci"}`), "application/json"); r.status != 201 {
			t.Errorf("analyst token cannot write: %s", r)
		}
		wantProblem(t, "analyst token creates a token", f.do(t, "POST", "/api/v1/tokens", ci.Secret, []byte(`{"name":"more","role":"admin"}`), "application/json"), 403)
		wantProblem(t, "bad role", f.do(t, "POST", "/api/v1/tokens", admin, []byte(`{"name":"x","role":"root"}`), "application/json"), 400)
		// A token without a role gets its creator's.
		r = f.do(t, "POST", "/api/v1/tokens", admin, []byte(`{"name":"default role"}`), "application/json")
		if r.status != 201 || decode[tokenCreated](t, r).Token.Role != store.RoleAdmin {
			t.Errorf("token without a role: %s", r)
		}
		// A revoked token stops working at once.
		r = f.do(t, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", ci.Token.ID), admin, nil, "")
		if r.status != 204 {
			t.Fatalf("revoke: %s", r)
		}
		wantProblem(t, "revoked token", f.do(t, "GET", "/api/v1/products", ci.Secret, nil, ""), 401)
		// Administrators cannot lock themselves out.
		self := fmt.Sprintf("/api/v1/users/%d", f.a.users[store.RoleAdmin].ID)
		wantProblem(t, "admin demotes themselves", f.do(t, "PATCH", self, admin, []byte(`{"role":"viewer"}`), "application/json"), 400)
		wantProblem(t, "admin deletes themselves", f.do(t, "DELETE", self, admin, nil, ""), 400)
		// Token secrets never appear in lists.
		r = f.do(t, "GET", "/api/v1/tokens?limit=1000", admin, nil, "")
		if bytes.Contains(r.body, []byte(ci.Secret)) || bytes.Contains(r.body, []byte(admin)) || bytes.Contains(r.body, []byte(`"hash"`)) {
			t.Errorf("token list shows secrets: %s", r)
		}
	})
}

// TestOperations checks /healthz, /readyz, /metrics and X-Request-ID.
func TestOperations(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		f := newFixture(t, open, nil)
		r := f.do(t, "GET", "/healthz", "", nil, "")
		if r.status != 200 || decode[map[string]string](t, r)["status"] != "ok" {
			t.Errorf("/healthz: %s", r)
		}
		r = f.do(t, "GET", "/readyz", "", nil, "")
		if r.status != 200 || decode[map[string]any](t, r)["ready"] != true {
			t.Errorf("/readyz: %s", r)
		}

		// Metrics are labelled with the route pattern, not the raw path.
		for range 3 {
			f.do(t, "GET", fmt.Sprintf("/api/v1/products/%d", f.a.product.ID), f.a.tokens[store.RoleViewer], nil, "")
		}
		f.do(t, "GET", "/api/v1/products/987654", f.a.tokens[store.RoleViewer], nil, "")
		r = f.do(t, "GET", "/metrics", "", nil, "")
		if r.status != 200 {
			t.Fatalf("/metrics: %s", r)
		}
		text := string(r.body)
		for _, want := range []string{
			`medvigil_http_request_duration_seconds_count{code="200",method="GET",route="/api/v1/products/{id}"} 3`,
			`medvigil_http_request_duration_seconds_count{code="404",method="GET",route="/api/v1/products/{id}"} 1`,
			`medvigil_http_request_duration_seconds_bucket{code="200",method="GET",route="/api/v1/products/{id}",le="+Inf"} 3`,
			`medvigil_kb_advisories 3`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if m := regexp.MustCompile(`route="[^"]*/[0-9]+[^"]*"`).FindString(text); m != "" {
			t.Errorf("/metrics has a raw path as route label: %s", m)
		}

		// X-Request-ID is echoed when sane, generated otherwise.
		for _, tc := range []struct {
			name, sent string
			echoed     bool
		}{
			{"sent", "req-4711-abc", true},
			{"none", "", false},
			{"too long", strings.Repeat("x", 65), false},
		} {
			h := http.Header{"Authorization": {bearer(f.a.tokens[store.RoleViewer])}}
			if tc.sent != "" {
				h.Set("X-Request-ID", tc.sent)
			}
			r := f.send(t, "GET", "/api/v1/products/987654", h, nil)
			got := r.header.Get("X-Request-ID")
			p := wantProblem(t, tc.name, r, 404)
			if tc.echoed && got != tc.sent {
				t.Errorf("%s: X-Request-ID %q, want %q", tc.name, got, tc.sent)
			}
			if !tc.echoed && (got == "" || got == tc.sent || len(got) > 64) {
				t.Errorf("%s: generated X-Request-ID %q", tc.name, got)
			}
			if p.RequestID != got {
				t.Errorf("%s: problem request_id %q, header %q", tc.name, p.RequestID, got)
			}
		}
		a := f.do(t, "GET", "/healthz", "", nil, "").header.Get("X-Request-ID")
		b := f.do(t, "GET", "/healthz", "", nil, "").header.Get("X-Request-ID")
		if a == "" || a == b {
			t.Errorf("generated request IDs %q and %q are not unique", a, b)
		}

		// With the database gone, /readyz says so.
		if err := f.st.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		r = f.do(t, "GET", "/readyz", "", nil, "")
		ready := decode[struct {
			Ready  bool              `json:"ready"`
			Checks map[string]string `json:"checks"`
		}](t, r)
		if r.status != http.StatusServiceUnavailable || ready.Ready || ready.Checks["database"] == "ok" || ready.Checks["knowledge_base"] != "ok" {
			t.Errorf("/readyz with a closed store: %s", r)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("/readyz Cache-Control %q", r.header.Get("Cache-Control"))
		}
		if r := f.do(t, "GET", "/healthz", "", nil, ""); r.status != 200 {
			t.Errorf("/healthz with a closed store: %s", r)
		}
	})
}

// TestVulnerability checks GET /api/v1/vulnerabilities/{id}: all IDs of the
// vulnerability, and exactly the affected versions of the caller's
// organization.
func TestVulnerability(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		f := newFixture(t, open, nil)
		type affected struct {
			Product, Version int64
			Components       []string
		}
		tests := []struct {
			name     string
			org      *orgData
			id       string
			aliases  []string
			affected []affected
		}{
			{"A by CVE", f.a, "CVE-2099-1001", []string{"TEST-2026-0001"},
				[]affected{{f.a.product.ID, f.a.version.ID, []string{"pkg:npm/lodash@4.17.20"}}}},
			{"A by OSV ID", f.a, "TEST-2026-0001", []string{"CVE-2099-1001"},
				[]affected{{f.a.product.ID, f.a.version.ID, []string{"pkg:npm/lodash@4.17.20"}}}},
			{"B by CVE", f.b, "CVE-2099-1001", []string{"TEST-2026-0001"},
				[]affected{{f.b.product.ID, f.b.version.ID, []string{"pkg:npm/lodash@4.17.15"}}}},
			{"A, only its requests", f.a, "CVE-2099-1002", []string{"TEST-2026-0002"},
				[]affected{{f.a.product.ID, f.a.version.ID, []string{"pkg:pypi/requests@2.31.0"}}}},
			{"B, not A's requests", f.b, "CVE-2099-1002", []string{"TEST-2026-0002"}, []affected{}},
			{"A, not B's gin", f.a, "TEST-2026-0003", []string{"CVE-2099-1003"}, []affected{}},
			{"B, its gin", f.b, "TEST-2026-0003", []string{"CVE-2099-1003"},
				[]affected{{f.b.product.ID, f.b.version.ID, []string{"pkg:golang/github.com/gin-gonic/gin@v1.9.0"}}}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := f.do(t, "GET", "/api/v1/vulnerabilities/"+tc.id, tc.org.tokens[store.RoleViewer], nil, "")
				if r.status != 200 {
					t.Fatalf("%s", r)
				}
				v := decode[vulnerability](t, r)
				if v.ID != tc.id {
					t.Errorf("id %q, want %q", v.ID, tc.id)
				}
				if d := cmp.Diff(tc.aliases, v.Aliases); d != "" {
					t.Errorf("aliases (-want +got):\n%s", d)
				}
				got := []affected{}
				findings := 0
				for _, a := range v.Affected {
					got = append(got, affected{a.ProductID, a.VersionID, a.Components})
					findings += len(a.Findings)
					for _, fid := range a.Findings {
						if _, err := f.st.GetFinding(t.Context(), tc.org.org.ID, fid); err != nil {
							t.Errorf("finding %d is not the caller's: %v", fid, err)
						}
					}
				}
				if d := cmp.Diff(tc.affected, got); d != "" {
					t.Errorf("affected versions (-want +got):\n%s", d)
				}
				if v.Findings != findings {
					t.Errorf("findings %d, listed %d", v.Findings, findings)
				}
				if len(v.Advisories) != 1 || v.Summary == "" {
					t.Errorf("advisories %+v, summary %q", v.Advisories, v.Summary)
				}
			})
		}
		wantProblem(t, "unknown vulnerability", f.do(t, "GET", "/api/v1/vulnerabilities/CVE-2099-9999", f.a.tokens[store.RoleViewer], nil, ""), 404)
		// The finding filter by vulnerability stays in the organization too.
		r := f.do(t, "GET", "/api/v1/findings?vulnerability=CVE-2099-1001", f.a.tokens[store.RoleViewer], nil, "")
		p := decode[listPage[store.Finding]](t, r)
		if len(p.Items) != 1 || p.Items[0].OrgID != f.a.org.ID || p.Items[0].VulnID != "CVE-2099-1001" {
			t.Errorf("findings of CVE-2099-1001 for A: %s", r)
		}
	})
}
