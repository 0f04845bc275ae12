package server

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/store"
)

// docURL is where the OpenAPI document is registered with the schema
// compiler.
const docURL = "mem:///openapi.json"

// openAPIDoc fetches /api/v1/openapi.json and decodes it as the schema
// compiler reads JSON (numbers as json.Number).
func openAPIDoc(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/openapi.json", "", nil, "")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json: %s", r)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatalf("openapi.json is not an object")
	}
	return m
}

// pointer resolves a JSON pointer (RFC 6901) in doc.
func pointer(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// refs collects every $ref value in v with the JSON pointer where it is.
func refs(v any, at string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				out[at+"/$ref"] = s
				continue
			}
			refs(e, at+"/"+escapePointer(k), out)
		}
	case []any:
		for i, e := range x {
			refs(e, at+"/"+strconv.Itoa(i), out)
		}
	}
}

var (
	httpMethods  = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	templateVar  = regexp.MustCompile(`\{([^{}]+)\}`)
	responseCode = regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]XX|default)$`)
)

func asObj(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object: %v", what, v)
	}
	return m
}

// operations lists the documented operations as "METHOD path".
func operations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for path, item := range asObj(t, doc["paths"], "paths") {
		for method, op := range asObj(t, item, path) {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			out[strings.ToUpper(method)+" "+path] = asObj(t, op, method+" "+path)
		}
	}
	return out
}

// TestOpenAPIDocument checks that the document is a structurally valid
// OpenAPI 3.1.0 document whose schemas compile as JSON Schema 2020-12, and
// that it documents exactly the routes that are served.
func TestOpenAPIDocument(t *testing.T) {
	f := newFixture(t, openSQLite, nil)
	doc := openAPIDoc(t, f)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info := asObj(t, doc["info"], "info")
	for _, k := range []string{"title", "version"} {
		if s, _ := info[k].(string); s == "" {
			t.Errorf("info.%s is missing", k)
		}
	}
	schemes := asObj(t, asObj(t, doc["components"], "components")["securitySchemes"], "securitySchemes")

	ids := map[string]string{}
	for key, op := range operations(t, doc) {
		method, path, _ := strings.Cut(key, " ")
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", key)
		} else if other, dup := ids[id]; dup {
			t.Errorf("operationId %s is used by %s and %s", id, other, key)
		}
		ids[id] = key
		resp, _ := op["responses"].(map[string]any)
		if len(resp) == 0 {
			t.Errorf("%s: no responses", key)
		}
		for code, r := range resp {
			if !responseCode.MatchString(code) {
				t.Errorf("%s: response key %q is not a status code", key, code)
			}
			if d, _ := asObj(t, r, key+" "+code)["description"].(string); d == "" {
				t.Errorf("%s: response %s has no description (required by OpenAPI 3.1 section 4.8.17)", key, code)
			}
		}
		// Path template variables ⇔ required path parameters.
		var want, got []string
		for _, m := range templateVar.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			pm := asObj(t, p, key+" parameter")
			if pm["in"] == "path" {
				got = append(got, pm["name"].(string))
				if pm["required"] != true {
					t.Errorf("%s: path parameter %v is not required", key, pm["name"])
				}
			}
			if _, ok := pm["schema"]; !ok {
				t.Errorf("%s: parameter %v has no schema", key, pm["name"])
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: path parameters (-template +documented):\n%s", key, d)
		}
		if sec, ok := op["security"].([]any); ok {
			for _, s := range sec {
				for name := range asObj(t, s, key+" security") {
					if _, ok := schemes[name]; !ok {
						t.Errorf("%s: security scheme %s is not defined", key, name)
					}
				}
			}
		}
		_ = method
	}

	// Every $ref resolves.
	all := map[string]string{}
	refs(doc, "", all)
	if len(all) == 0 {
		t.Errorf("the document has no $ref at all")
	}
	for at, ref := range all {
		if !strings.HasPrefix(ref, "#") {
			t.Errorf("%s: $ref %q is not local", at, ref)
			continue
		}
		if _, ok := pointer(doc, strings.TrimPrefix(ref, "#")); !ok {
			t.Errorf("%s: $ref %q does not resolve", at, ref)
		}
	}

	// Every component schema compiles as JSON Schema 2020-12.
	c := schemaCompiler(t, doc)
	for name := range asObj(t, asObj(t, doc["components"], "components")["schemas"], "schemas") {
		if _, err := c.Compile(docURL + "#/components/schemas/" + escapePointer(name)); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}

	// Documented operations = the route table + the document itself.
	var documented, served []string
	for key := range operations(t, doc) {
		documented = append(documented, key)
	}
	for _, rt := range f.srv.routes {
		served = append(served, rt.method+" "+rt.path)
	}
	served = append(served, "GET /api/v1/openapi.json")
	sort.Strings(documented)
	sort.Strings(served)
	if d := cmp.Diff(served, documented); d != "" {
		t.Errorf("documented operations differ from the served routes (-served +documented):\n%s", d)
	}
}

// schemaCompiler returns a JSON Schema 2020-12 compiler that knows the
// document at docURL (so "#/components/schemas/…" references resolve) and
// asserts formats.
func schemaCompiler(t *testing.T, doc map[string]any) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatalf("add openapi.json: %v", err)
	}
	return c
}

// validate checks body against the schema at the JSON pointer ptr of the
// document.
func validate(t *testing.T, c *jsonschema.Compiler, what, ptr string, body []byte) {
	t.Helper()
	sch, err := c.Compile(docURL + "#" + ptr)
	if err != nil {
		t.Errorf("%s: compile %s: %v", what, ptr, err)
		return
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: body is not JSON: %v", what, err)
		return
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s: body does not match %s:\n%v\nbody: %.600s", what, ptr, err, body)
	}
}

// TestOpenAPIAnswers calls every documented operation as A's admin on A's
// objects and checks that the status is documented for it and the body
// matches the documented schema of that status and media type.
func TestOpenAPIAnswers(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		f := newFixture(t, open, nil)
		doc := openAPIDoc(t, f)
		c := schemaCompiler(t, doc)
		exs := examples()
		byKey := map[string]*route{}
		for i := range f.srv.routes {
			rt := &f.srv.routes[i]
			byKey[rt.method+" "+rt.path] = rt
		}
		for key, op := range operations(t, doc) {
			method, path, _ := strings.Cut(key, " ")
			var req request
			if rt := byKey[key]; rt != nil {
				ex, ok := exs[rt.op]
				if !ok {
					t.Errorf("%s: no example (see examples())", rt.op)
					continue
				}
				req = ex.build(t, f, rt, f.a, method == "DELETE")
			} else {
				req = request{method: method, target: path}
			}
			r := f.sendAs(t, bearer(f.a.tokens[store.RoleAdmin]), req)
			what := fmt.Sprintf("%s %s", req.method, req.target)
			checkDocumented(t, c, what, key, op, r)
		}

		// The validation itself rejects what the schemas forbid.
		for _, tc := range []struct{ name, ptr, body string }{
			{"product without id", "/components/schemas/Product", `{"org_id":1,"name":"x","vendor":"","created":"2026-01-01T00:00:00Z"}`},
			{"user with a bad role", "/components/schemas/User", `{"id":1,"org_id":1,"email":"a@b.c","name":"","role":"root","created":"2026-01-01T00:00:00Z"}`},
			{"page of findings without items", "/paths/~1api~1v1~1findings/get/responses/200/content/application~1json/schema", `{"next_cursor":"x"}`},
			{"problem without status", "/components/schemas/Problem", `{"type":"https://x/y","title":"Not Found"}`},
		} {
			sch, err := c.Compile(docURL + "#" + tc.ptr)
			if err != nil {
				t.Fatalf("%s: %v", tc.ptr, err)
			}
			inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(tc.body))
			if sch.Validate(inst) == nil {
				t.Errorf("%s: %s validates against %s", tc.name, tc.body, tc.ptr)
			}
		}

		// Problems of a 404, a 400 and an undocumented path.
		for _, tc := range []struct {
			name, target string
			status       int
		}{
			{"unknown product", "/api/v1/products/999999", 404},
			{"non-numeric id", "/api/v1/products/abc", 404},
			{"bad cursor", "/api/v1/products?cursor=%21%21", 400},
			{"bad limit", "/api/v1/events?limit=0", 400},
			{"undocumented path", "/api/v1/nope", 404},
			{"undocumented sub-path", "/api/v1/organization/x", 404},
		} {
			r := f.do(t, "GET", tc.target, f.a.tokens[store.RoleAdmin], nil, "")
			wantProblem(t, tc.name, r, tc.status)
			validate(t, c, tc.name, "/components/schemas/Problem", r.body)
		}
		// A documented path with an undocumented method: 405 with Allow
		// (RFC 9110 section 15.5.6).
		for _, tc := range []struct{ method, target, allow string }{
			{"DELETE", "/api/v1/organization", "GET"},
			{"PUT", fmt.Sprintf("/api/v1/products/%d", f.a.product.ID), "GET, PATCH, DELETE"},
			{"POST", "/api/v1/openapi.json", "GET"},
			{"DELETE", "/api/v1/vulnerabilities/CVE-2099-1001", "GET"},
		} {
			r := f.do(t, tc.method, tc.target, f.a.tokens[store.RoleAdmin], nil, "")
			wantProblem(t, tc.method+" "+tc.target, r, 405)
			validate(t, c, tc.method+" "+tc.target, "/components/schemas/Problem", r.body)
			if got := r.header.Get("Allow"); got != tc.allow {
				t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.target, got, tc.allow)
			}
		}
	})
}

// checkDocumented checks r against the documented responses of op.
func checkDocumented(t *testing.T, c *jsonschema.Compiler, what, key string, op map[string]any, r *response) {
	t.Helper()
	code := strconv.Itoa(r.status)
	resp, ok := op["responses"].(map[string]any)[code].(map[string]any)
	if !ok {
		t.Errorf("%s: status %d is not documented for %s (%s)", what, r.status, key, r)
		return
	}
	if r.status >= 300 {
		t.Errorf("%s: %s, want a success", what, r)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(r.body) != 0 {
			t.Errorf("%s: %d is documented without content but has a body", what, r.status)
		}
		return
	}
	ct, _, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil {
		t.Errorf("%s: Content-Type %q: %v", what, r.header.Get("Content-Type"), err)
		return
	}
	media, ok := content[ct].(map[string]any)
	if !ok {
		var types []string
		for k := range content {
			types = append(types, k)
		}
		sort.Strings(types)
		t.Errorf("%s: Content-Type %s is not documented for %d (documented: %s)", what, ct, r.status, strings.Join(types, ", "))
		return
	}
	if _, ok := media["schema"]; !ok || (ct != "application/json" && ct != "application/problem+json") {
		return
	}
	_, p, _ := strings.Cut(key, " ")
	m, _, _ := strings.Cut(key, " ")
	ptr := "/paths/" + escapePointer(p) + "/" + strings.ToLower(m) + "/responses/" + code + "/content/" + escapePointer(ct) + "/schema"
	validate(t, c, what, ptr, r.body)
}
