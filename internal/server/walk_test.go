package server

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"medvigil/internal/auth"
	"medvigil/internal/store"
)

// example says how to call one operation of the route table: which object
// its {id} names, with what query and body. Every route needs one: a new
// route without an example fails TestAccessWalk.
type example struct {
	// id returns the path's {id} naming an object of o. destroy is true when
	// the request is expected to succeed on a destructive route: id must
	// then return a throwaway object made for this call; otherwise it
	// returns an object that must survive (a victim).
	id func(t *testing.T, f *fixture, o *orgData, destroy bool) string
	// query returns the query string (without "?") for objects of o.
	query func(f *fixture, o *orgData) string
	// body returns the request body for objects of o; ctype is its type
	// (default application/json).
	body  func(t *testing.T, f *fixture, o *orgData) []byte
	ctype string
	// foreign is the status a caller of A with the route's right gets when
	// the request names B's objects: 0 means 404 for routes with an {id}
	// and "no such request" for routes without one.
	foreign int
	// checkForeign inspects a 2xx answer to the foreign request.
	checkForeign func(t *testing.T, f *fixture, r *response)
}

func idOf(n int64) string { return strconv.FormatInt(n, 10) }

func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of plain values are marshalled
	}
	return b
}

func fixedID(get func(o *orgData) int64) func(*testing.T, *fixture, *orgData, bool) string {
	return func(_ *testing.T, _ *fixture, o *orgData, _ bool) string { return idOf(get(o)) }
}

func productID(o *orgData) int64 { return o.product.ID }
func versionID(o *orgData) int64 { return o.version.ID }
func sbomID(o *orgData) int64    { return o.sbom.ID }

// examples are the example requests, keyed by operationId.
func examples() map[string]example {
	return map[string]example{
		"login": {body: func(_ *testing.T, _ *fixture, o *orgData) []byte {
			return jsonBody(map[string]string{"email": o.users[store.RoleAnalyst].Email, "password": password})
		}},
		"getOrganization": {},
		"listUsers":       {},
		"createUser": {body: func(_ *testing.T, f *fixture, o *orgData) []byte {
			return jsonBody(map[string]string{"email": fmt.Sprintf("walk%d@%s.example", f.next(), o.org.Slug), "name": "Walk", "role": "viewer", "password": password})
		}},
		"getUser": {id: fixedID(func(o *orgData) int64 { return o.users[store.RoleViewer].ID })},
		"updateUser": {id: fixedID(func(o *orgData) int64 { return o.users[store.RoleViewer].ID }),
			body: func(*testing.T, *fixture, *orgData) []byte {
				return jsonBody(map[string]string{"name": "Renamed by the walk"})
			}},
		"deleteUser": {id: func(t *testing.T, f *fixture, o *orgData, destroy bool) string {
			if destroy {
				return idOf(f.user(t, o, store.RoleAnalyst).ID)
			}
			return idOf(o.victims.user.ID)
		}},
		"listTokens": {},
		"createToken": {body: func(*testing.T, *fixture, *orgData) []byte {
			return jsonBody(map[string]string{"name": "walk", "role": "viewer"})
		}},
		"revokeToken": {id: func(t *testing.T, f *fixture, o *orgData, destroy bool) string {
			if destroy {
				tok, _ := f.token(t, o.org.ID, o.users[store.RoleAnalyst].ID, store.RoleAnalyst, "throwaway")
				return idOf(tok.ID)
			}
			return idOf(o.victims.token.ID)
		}},
		"listProducts": {},
		"createProduct": {body: func(_ *testing.T, f *fixture, _ *orgData) []byte {
			return jsonBody(map[string]string{"name": fmt.Sprintf("Walk product %d", f.next()), "vendor": "Walk"})
		}},
		"getProduct": {id: fixedID(productID)},
		"updateProduct": {id: fixedID(productID), body: func(*testing.T, *fixture, *orgData) []byte {
			return jsonBody(map[string]string{"description": "changed by the walk"})
		}},
		"deleteProduct": {id: func(t *testing.T, f *fixture, o *orgData, destroy bool) string {
			if destroy {
				return idOf(f.product(t, o).ID)
			}
			return idOf(o.victims.product.ID)
		}},
		"listVersions": {id: fixedID(productID)},
		"createVersion": {id: fixedID(productID), body: func(_ *testing.T, f *fixture, _ *orgData) []byte {
			return jsonBody(map[string]string{"version": fmt.Sprintf("9.%d", f.next()), "release_date": "2026-05-01", "end_of_support": "2031-05-01"})
		}},
		"getVersion": {id: fixedID(versionID)},
		"updateVersion": {id: fixedID(versionID), body: func(*testing.T, *fixture, *orgData) []byte {
			return jsonBody(map[string]string{"support_level": "limited support"})
		}},
		"deleteVersion": {id: func(t *testing.T, f *fixture, o *orgData, destroy bool) string {
			if destroy {
				return idOf(f.version(t, o).ID)
			}
			return idOf(o.victims.version.ID)
		}},
		"uploadSBOM": {id: fixedID(versionID), query: func(*fixture, *orgData) string { return "filename=walk.cdx.json" },
			ctype: "application/vnd.cyclonedx+json", body: func(t *testing.T, _ *fixture, _ *orgData) []byte {
				data, err := os.ReadFile(filepath.Join("testdata", "sbom-a-1.0.cdx.json"))
				if err != nil {
					t.Fatal(err)
				}
				return data
			}},
		"listSBOMs":       {id: fixedID(versionID)},
		"getSBOM":         {id: fixedID(sbomID)},
		"getSBOMDocument": {id: fixedID(sbomID)},
		"listComponents":  {id: fixedID(versionID)},
		// Filters naming B's product and version find nothing.
		"listFindings": {query: func(_ *fixture, o *orgData) string {
			return fmt.Sprintf("product=%d&version=%d", o.product.ID, o.version.ID)
		}, foreign: 200, checkForeign: func(t *testing.T, _ *fixture, r *response) {
			if p := decode[listPage[store.Finding]](t, r); len(p.Items) != 0 {
				t.Errorf("findings filtered by B's product: %d items, want none", len(p.Items))
			}
		}},
		"getFinding": {id: fixedID(func(o *orgData) int64 { return o.findings[0].ID })},
		"updateFinding": {id: fixedID(func(o *orgData) int64 { return o.findings[0].ID }), body: func(*testing.T, *fixture, *orgData) []byte {
			return jsonBody(map[string]string{"status": "acknowledged"})
		}},
		"evaluateVersion": {id: fixedID(versionID)},
		// Vulnerabilities are shared knowledge; B's "object" is a
		// vulnerability only B's components have: A sees it with no
		// affected versions.
		"getVulnerability": {id: func(_ *testing.T, f *fixture, o *orgData, _ bool) string {
			if o == f.b {
				return "TEST-2026-0003"
			}
			return "CVE-2099-1001"
		}, foreign: 200, checkForeign: func(t *testing.T, _ *fixture, r *response) {
			v := decode[vulnerability](t, r)
			if len(v.Affected) != 0 || v.Findings != 0 {
				t.Errorf("A sees B's affected versions of TEST-2026-0003: %+v", v)
			}
		}},
		"getKnowledgeBase": {},
		"listWebhooks":     {},
		// A product of B in the body is a bad reference.
		"createWebhook": {body: func(_ *testing.T, f *fixture, o *orgData) []byte {
			return jsonBody(map[string]any{"url": fmt.Sprintf("https://walk%d.example/hook", f.next()), "min_severity": "high", "product_id": o.product.ID})
		}, foreign: 400},
		"getWebhook": {id: fixedID(func(o *orgData) int64 { return o.webhook.ID })},
		"deleteWebhook": {id: func(t *testing.T, f *fixture, o *orgData, destroy bool) string {
			if destroy {
				return idOf(f.webhook(t, o).ID)
			}
			return idOf(o.victims.webhook.ID)
		}},
		"listDeliveries": {id: fixedID(func(o *orgData) int64 { return o.webhook.ID })},
		"listEvents":     {},
	}
}

// rights pins what each operation needs, as docs/api.md states it: viewers
// read; analysts also write products, versions, SBOMs and finding statuses;
// admins also manage users, tokens and webhooks (and see their deliveries).
// The walk derives its expectations from the route table, so this table is
// what catches a route whose right was changed by mistake.
func rights() map[string]string {
	const R, W, A, public = "read", "write", "administer", "public"
	return map[string]string{
		"login": public, "getOrganization": R,
		"listUsers": R, "createUser": A, "getUser": R, "updateUser": A, "deleteUser": A,
		"listTokens": A, "createToken": A, "revokeToken": A,
		"listProducts": R, "createProduct": W, "getProduct": R, "updateProduct": W, "deleteProduct": W,
		"listVersions": R, "createVersion": W, "getVersion": R, "updateVersion": W, "deleteVersion": W,
		"uploadSBOM": W, "listSBOMs": R, "getSBOM": R, "getSBOMDocument": R, "listComponents": R,
		"listFindings": R, "getFinding": R, "updateFinding": W, "evaluateVersion": W,
		"getVulnerability": R, "getKnowledgeBase": R,
		"listWebhooks": R, "createWebhook": A, "getWebhook": R, "deleteWebhook": A, "listDeliveries": A,
		"listEvents": R,
	}
}

// request is one request of the walk.
type request struct {
	method, target, ctype string
	body                  []byte
}

// build makes the request of rt for objects of o.
func (ex example) build(t *testing.T, f *fixture, rt *route, o *orgData, destroy bool) request {
	t.Helper()
	target := rt.path
	if strings.Contains(target, "{id}") {
		if ex.id == nil {
			t.Fatalf("%s: the example has no id for %s", rt.op, rt.path)
		}
		target = strings.ReplaceAll(target, "{id}", ex.id(t, f, o, destroy))
	}
	if strings.ContainsAny(target, "{}") {
		t.Fatalf("%s: path %s has a parameter the walk does not know: teach example.id about it", rt.op, target)
	}
	if ex.query != nil {
		target += "?" + ex.query(f, o)
	}
	req := request{method: rt.method, target: target}
	if ex.body != nil {
		req.body = ex.body(t, f, o)
		req.ctype = ex.ctype
		if req.ctype == "" {
			req.ctype = "application/json"
		}
	}
	return req
}

// caller is who sends a request of the walk.
type caller struct {
	name  string
	role  store.Role // "" for callers that are not authenticated
	authz func(f *fixture) string
}

func callers() []caller {
	tok := func(role store.Role) func(f *fixture) string {
		return func(f *fixture) string { return bearer(f.a.tokens[role]) }
	}
	return []caller{
		{"admin", store.RoleAdmin, tok(store.RoleAdmin)},
		{"analyst", store.RoleAnalyst, tok(store.RoleAnalyst)},
		{"viewer", store.RoleViewer, tok(store.RoleViewer)},
		{"no token", "", func(*fixture) string { return "" }},
		{"bad token", "", func(*fixture) string {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			return bearer(auth.TokenPrefix + base64.RawURLEncoding.EncodeToString(b))
		}},
		{"revoked token", "", func(f *fixture) string { return bearer(f.a.revoked) }},
		{"not a bearer token", "", func(f *fixture) string {
			return "Basic " + base64.StdEncoding.EncodeToString([]byte("admin@a.example:"+password))
		}},
	}
}

func (f *fixture) sendAs(t *testing.T, authz string, req request) *response {
	t.Helper()
	h := http.Header{}
	if authz != "" {
		h.Set("Authorization", authz)
	}
	if req.ctype != "" {
		h.Set("Content-Type", req.ctype)
	}
	return f.send(t, req.method, req.target, h, req.body)
}

// apiSnapshot is every GET answer of the route table as o's admin, naming
// o's objects.
func apiSnapshot(t *testing.T, f *fixture, o *orgData) map[string]string {
	t.Helper()
	exs := examples()
	out := map[string]string{}
	for i := range f.srv.routes {
		rt := &f.srv.routes[i]
		if rt.method != "GET" {
			continue
		}
		ex := exs[rt.op]
		req := ex.build(t, f, rt, o, false)
		if rt.list {
			req.target += sep(req.target) + "limit=1000"
		}
		r := f.sendAs(t, bearer(o.tokens[store.RoleAdmin]), req)
		if r.status != 200 {
			t.Fatalf("snapshot %s as %s's admin: %s", req.target, o.org.Slug, r)
		}
		out[rt.op+" "+req.target] = string(r.body)
	}
	return out
}

func sep(target string) string {
	if strings.Contains(target, "?") {
		return "&"
	}
	return "?"
}

// TestAccessWalk walks every route of the table × every kind of caller ×
// A's and B's objects (issue 4): unauthenticated callers get 401 with
// WWW-Authenticate, roles without the route's right 403, B's objects 404,
// A's objects the documented status; refused requests change nothing and
// nothing of B changes at all.
func TestAccessWalk(t *testing.T) {
	forEachStore(t, testAccessWalk)
}

func testAccessWalk(t *testing.T, open opener) {
	f := newFixture(t, open, nil)
	exs := examples()
	for i := range f.srv.routes {
		if _, ok := exs[f.srv.routes[i].op]; !ok {
			rt := f.srv.routes[i]
			t.Errorf("route %s %s (%s) has no example in the walk's table: add one to examples()", rt.method, rt.path, rt.op)
		}
	}
	pinned := rights()
	for _, rt := range f.srv.routes {
		got := rt.need.String()
		if rt.public {
			got = "public"
		}
		if want, ok := pinned[rt.op]; !ok {
			t.Errorf("route %s %s (%s) has no entry in rights(): add the right it needs", rt.method, rt.path, rt.op)
		} else if got != want {
			t.Errorf("route %s %s (%s) needs %s, the API's role model says %s", rt.method, rt.path, rt.op, got, want)
		}
	}
	if t.Failed() {
		return
	}
	beforeA, beforeB := storeSnapshot(t, f.st, f.a.org.ID), storeSnapshot(t, f.st, f.b.org.ID)
	apiB := apiSnapshot(t, f, f.b)
	counts := map[string]int{}
	doc := f.srv.openAPI()

	// Phase 1: everything that must be refused, on A's and B's objects.
	for i := range f.srv.routes {
		rt := &f.srv.routes[i]
		ex := exs[rt.op]
		t.Run("refused/"+rt.op, func(t *testing.T) {
			for _, c := range callers() {
				for _, foreign := range []bool{false, true} {
					o := f.a
					if foreign {
						o = f.b
					}
					hasForeign := strings.Contains(rt.path, "{") || ex.foreign != 0
					if foreign && (!hasForeign || rt.public) {
						continue
					}
					if rt.public {
						continue // login: phase 2
					}
					allowed := c.role != "" && auth.Allowed(c.role, rt.need)
					if allowed && !foreign {
						continue // phase 2
					}
					req := ex.build(t, f, rt, o, false)
					what := fmt.Sprintf("%s %s as %s", req.method, req.target, c.name)
					r := f.sendAs(t, c.authz(f), req)
					documentedStatus(t, doc, rt, r.status)
					switch {
					case c.role == "":
						wantProblem(t, what, r, http.StatusUnauthorized)
						if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer ") {
							t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", what, got)
						}
						counts["401"]++
					case !allowed:
						wantProblem(t, what, r, http.StatusForbidden)
						counts["403"]++
					case ex.foreign == 0:
						wantProblem(t, what, r, http.StatusNotFound)
						counts["404"]++
					case ex.foreign >= 400:
						wantProblem(t, what, r, ex.foreign)
						counts[strconv.Itoa(ex.foreign)]++
					default:
						if r.status != ex.foreign {
							t.Errorf("%s: %s, want %d", what, r, ex.foreign)
						} else if ex.checkForeign != nil {
							ex.checkForeign(t, f, r)
						}
						counts["foreign 2xx"]++
					}
				}
			}
		})
	}
	sameData(t, "A's data after refused requests", beforeA, storeSnapshot(t, f.st, f.a.org.ID))
	sameData(t, "B's data after refused requests", beforeB, storeSnapshot(t, f.st, f.b.org.ID))

	// Phase 2: what A's callers may do, on A's objects (destructive ones on
	// throwaway objects made for each call).
	for i := range f.srv.routes {
		rt := &f.srv.routes[i]
		ex := exs[rt.op]
		t.Run("allowed/"+rt.op, func(t *testing.T) {
			for _, c := range callers() {
				if !rt.public && (c.role == "" || !auth.Allowed(c.role, rt.need)) {
					continue
				}
				req := ex.build(t, f, rt, f.a, rt.method == "DELETE")
				what := fmt.Sprintf("%s %s as %s", req.method, req.target, c.name)
				r := f.sendAs(t, c.authz(f), req)
				if r.status != rt.status {
					t.Errorf("%s: %s, want %d", what, r, rt.status)
					continue
				}
				counts["success"]++
				switch {
				case rt.status == http.StatusNoContent:
					if len(r.body) != 0 {
						t.Errorf("%s: 204 with a body: %q", what, r.body)
					}
					// The object is gone for its organization.
					if get := f.getRoute(rt.path); get != nil {
						if g := f.do(t, "GET", req.target, f.a.tokens[store.RoleAdmin], nil, ""); g.status != http.StatusNotFound {
							t.Errorf("%s: GET after DELETE: %s, want 404", what, g)
						}
					}
				case rt.resp == "raw":
				default:
					if ct := r.header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("%s: Content-Type %q, want application/json", what, ct)
					}
					if !json.Valid(r.body) {
						t.Errorf("%s: body is not JSON: %s", what, r)
					}
				}
			}
		})
	}
	sameData(t, "B's data after A's walk", beforeB, storeSnapshot(t, f.st, f.b.org.ID))
	sameData(t, "B's API answers after A's walk", apiB, apiSnapshot(t, f, f.b))
	t.Logf("walked %d routes: %v", len(f.srv.routes), counts)
	for _, k := range []string{"401", "403", "404", "success"} {
		if counts[k] == 0 {
			t.Errorf("the walk saw no %s answer", k)
		}
	}
}

// documentedStatus fails when the OpenAPI document does not list status
// for rt.
func documentedStatus(t *testing.T, doc obj, rt *route, status int) {
	t.Helper()
	op := doc["paths"].(obj)[rt.path].(obj)[strings.ToLower(rt.method)].(obj)
	if _, ok := op["responses"].(obj)[strconv.Itoa(status)]; !ok {
		t.Errorf("%s %s answered %d, which its OpenAPI operation does not document", rt.method, rt.path, status)
	}
}

// getRoute returns the GET route with path, if any.
func (f *fixture) getRoute(path string) *route {
	for i := range f.srv.routes {
		if rt := &f.srv.routes[i]; rt.method == "GET" && rt.path == path {
			return rt
		}
	}
	return nil
}
