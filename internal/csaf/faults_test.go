package csaf

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// minimal is the document property of a small valid CSAF 2.0 document.
const minimal = `"document": {
  "category": "csaf_security_advisory",
  "csaf_version": "2.0",
  "publisher": {"category": "vendor", "name": "P", "namespace": "https://p.example"},
  "title": "T",
  "tracking": {
    "current_release_date": "2024-01-02T00:00:00Z",
    "id": "DOC-1",
    "initial_release_date": "2024-01-01T00:00:00Z",
    "revision_history": [{"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "s"}],
    "status": "final",
    "version": "1"
  }
}`

// twoProducts is a product tree with CSAFPID-1 and CSAFPID-2.
const twoProducts = `"product_tree": {"branches": [{"category": "vendor", "name": "V", "branches": [
  {"category": "product_name", "name": "A", "product": {"name": "V A", "product_id": "CSAFPID-1"}},
  {"category": "product_name", "name": "B", "product": {"name": "V B", "product_id": "CSAFPID-2"}}
]}]}`

// csafDoc joins the top-level members into a document.
func csafDoc(members ...string) string { return "{" + strings.Join(members, ",\n") + "}" }

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    place
		message string // a part of the error message
	}{
		{"empty file", "", place{Line: 1, Column: 1}, "unexpected end of JSON input"},
		{"syntax error", "{\n  \"document\": {,}\n}", place{Line: 2, Column: 17}, "invalid character ','"},
		{"truncated", `{"document": {"category": "x"`, place{Line: 1, Column: 30}, "unexpected end"},
		{"trailing data", csafDoc(minimal) + "\n{}", place{Line: 15, Column: 1}, "trailing data"},
		{"array", `[{"document": {}}]`, place{}, "holds a JSON array"},
		{"string", `"csaf"`, place{}, "holds a JSON string"},
		{"null", `null`, place{}, "no document property"},
		{"no document", `{"vulnerabilities": []}`, place{}, "no document property"},
		{"document not an object", `{"document": 7}`, place{Pointer: "/document"}, "a JSON number, want an object"},
		{"no category", `{"document": {"csaf_version": "2.0"}}`, place{Pointer: "/document"}, "no category"},
		{"no csaf_version", `{"document": {"category": "csaf_base"}}`, place{Pointer: "/document"}, "no csaf_version"},
		{"csaf 2.1", `{"document": {"category": "csaf_base", "csaf_version": "2.1"}}`, place{Pointer: "/document/csaf_version"}, `"2.1" is not supported`},
		{"title not a string", csafDoc(strings.Replace(minimal, `"title": "T"`, `"title": 5`, 1)), place{Pointer: "/document/title"}, "a JSON number, want a string"},
		{"bad tracking status", csafDoc(strings.Replace(minimal, `"final"`, `"done"`, 1)), place{Pointer: "/document"}, "done not in"},
		{"vulnerabilities not an array", csafDoc(minimal, `"vulnerabilities": {}`), place{Pointer: "/vulnerabilities"}, "want an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, err := Decode("f.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("Decode = %+v, want an error", doc)
			}
			var ie *input.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *input.Error", err, err)
			}
			if ie.File != "f.json" {
				t.Errorf("File = %q, want f.json", ie.File)
			}
			if diff := cmp.Diff(tt.want, placeOf(ie)); diff != "" {
				t.Errorf("place of %q (-want +got):\n%s", err, diff)
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), "csaf: ") {
				t.Errorf("error %q does not say %q with the csaf: prefix", err, tt.message)
			}
			if doc != nil {
				t.Errorf("document %+v returned with the error", doc)
			}
		})
	}
}

func TestDecodeWarnings(t *testing.T) {
	vulns := func(v ...string) string { return `"vulnerabilities": [` + strings.Join(v, ",") + `]` }
	tests := []struct {
		name     string
		data     string
		warnings []string // pointer + " " + a part of the message
		ids      []string // advisory IDs read
		products []string // product ids defined
	}{
		{
			name:     "undefined product in a status",
			data:     csafDoc(minimal, twoProducts, vulns(`{"cve": "CVE-2024-1111", "product_status": {"known_affected": ["CSAFPID-1", "CSAFPID-9", "CSAFPID-1"]}}`)),
			warnings: []string{`/vulnerabilities/0/product_status/known_affected/1 product id "CSAFPID-9" is not defined`},
			ids:      []string{"CVE-2024-1111"},
			products: []string{"CSAFPID-1", "CSAFPID-2"},
		},
		{
			name: "undefined product and group in a remediation and a score",
			data: csafDoc(minimal, twoProducts, vulns(`{"cve": "CVE-2024-1111",
				"remediations": [{"category": "vendor_fix", "details": "d", "product_ids": ["CSAFPID-8"], "group_ids": ["CSAFGID-1"]}],
				"scores": [{"cvss_v3": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"}, "products": ["CSAFPID-2", "CSAFPID-7"]}]}`)),
			warnings: []string{
				`/vulnerabilities/0/scores/0/products/1 "CSAFPID-7" is not defined`,
				`/vulnerabilities/0/remediations/0/product_ids/0 "CSAFPID-8" is not defined`,
				`/vulnerabilities/0/remediations/0/group_ids/0 group id "CSAFGID-1" is not defined`,
			},
			ids:      []string{"CVE-2024-1111"},
			products: []string{"CSAFPID-1", "CSAFPID-2"},
		},
		{
			name: "undefined product in a product group",
			data: csafDoc(minimal, strings.Replace(twoProducts, `]}]}`,
				`]}], "product_groups": [{"group_id": "G", "product_ids": ["CSAFPID-1", "CSAFPID-3"]}, {"group_id": "G", "product_ids": ["CSAFPID-1", "CSAFPID-2"]}]}`, 1)),
			warnings: []string{
				`/product_tree/product_groups/0/product_ids/1 "CSAFPID-3" is not defined`,
				`/product_tree/product_groups/1/group_id "G" is defined again`,
			},
			products: []string{"CSAFPID-1", "CSAFPID-2"},
		},
		{
			name:     "a bad CVE skips its vulnerability only",
			data:     csafDoc(minimal, vulns(`{"cve": "CVE-24-1", "title": "x"}`, `{"cve": "CVE-2024-2222"}`)),
			warnings: []string{`/vulnerabilities/0 CVE-24-1 does not match`},
			ids:      []string{"CVE-2024-2222"},
		},
		{
			name:     "a type error skips its vulnerability only",
			data:     csafDoc(minimal, twoProducts, vulns(`{"cve": "CVE-2024-1111", "product_status": {"fixed": [7]}}`, `{"cve": "CVE-2024-2222"}`)),
			warnings: []string{`/vulnerabilities/0/product_status/fixed/0 a JSON number, want a string`},
			ids:      []string{"CVE-2024-2222"},
			products: []string{"CSAFPID-1", "CSAFPID-2"},
		},
		{
			name:     "null and non-object vulnerabilities",
			data:     csafDoc(minimal, vulns(`null`, `"CVE-2024-1111"`, `{"cve": "CVE-2024-2222"}`)),
			warnings: []string{`/vulnerabilities/0 null`, `/vulnerabilities/1 a JSON string, want an object`},
			ids:      []string{"CVE-2024-2222"},
		},
		{
			name:     "unknown fields are read around",
			data:     csafDoc(minimal, `"x_vendor": 1`, vulns(`{"cve": "CVE-2024-1111", "x_extra": true}`)),
			warnings: []string{` unknown field "x_vendor"`, `/vulnerabilities/0 unknown field "x_extra"`},
			ids:      []string{"CVE-2024-1111"},
		},
		{
			name: "a product defined twice",
			data: csafDoc(minimal, strings.Replace(twoProducts, `"CSAFPID-2"`, `"CSAFPID-1"`, 1)),
			warnings: []string{
				`/product_tree/branches/0/branches/1/product/product_id "CSAFPID-1" is defined again (first at /product_tree/branches/0/branches/0/product)`,
			},
			products: []string{"CSAFPID-1"},
		},
		{
			name:     "a product without id",
			data:     csafDoc(minimal, `"product_tree": {"full_product_names": [{"name": "n"}, {"name": "m", "product_id": "P"}]}`),
			warnings: []string{`/product_tree/full_product_names/0 has no product_id`},
			products: []string{"P"},
		},
		{
			name:     "a bad branch skips its subtree only",
			data:     csafDoc(minimal, `"product_tree": {"branches": [{"category": "vendorr", "name": "V", "branches": [{"category": "product_name", "name": "A", "product": {"name": "A", "product_id": "P1"}}]}, {"category": "vendor", "name": "W", "product": {"name": "W", "product_id": "P2"}}]}`),
			warnings: []string{`/product_tree/branches/0 vendorr not in`},
			products: []string{"P2"},
		},
		{
			name:     "a bad purl skips its product only",
			data:     csafDoc(minimal, `"product_tree": {"full_product_names": [{"name": "n", "product_id": "P1", "product_identification_helper": {"purl": "npm/x"}}, {"name": "m", "product_id": "P2"}]}`),
			warnings: []string{`/product_tree/full_product_names/0 npm/x does not match`},
			products: []string{"P2"},
		},
		{
			name: "a relationship to an undefined product",
			data: csafDoc(minimal, strings.Replace(twoProducts, `]}]}`,
				`]}], "relationships": [{"category": "installed_on", "full_product_name": {"name": "r", "product_id": "R"}, "product_reference": "CSAFPID-1", "relates_to_product_reference": "NOPE"}]}`, 1)),
			warnings: []string{`/product_tree/relationships/0/relates_to_product_reference "NOPE" is not defined`},
			products: []string{"CSAFPID-1", "CSAFPID-2"},
		},
		{
			name: "relationships that refer to each other in a cycle",
			data: csafDoc(minimal, `"product_tree": {"relationships": [
				{"category": "installed_on", "full_product_name": {"name": "a", "product_id": "A"}, "product_reference": "B", "relates_to_product_reference": "B"},
				{"category": "installed_on", "full_product_name": {"name": "b", "product_id": "B"}, "product_reference": "A", "relates_to_product_reference": "A"}]}`),
			warnings: []string{
				`/product_tree/relationships/0/product_reference "B" is not defined`,
				`/product_tree/relationships/0/relates_to_product_reference "B" is not defined`,
				`/product_tree/relationships/1/product_reference "A" is not defined`,
				`/product_tree/relationships/1/relates_to_product_reference "A" is not defined`,
			},
		},
		{
			name:     "an unparsable date",
			data:     csafDoc(strings.Replace(minimal, `"initial_release_date": "2024-01-01T00:00:00Z"`, `"initial_release_date": "yesterday"`, 1), vulns(`{"cve": "CVE-2024-1111", "release_date": "soon"}`)),
			warnings: []string{`/document/tracking/initial_release_date "yesterday" is not an RFC 3339`, `/vulnerabilities/0/release_date "soon" is not an RFC 3339`},
			ids:      []string{"CVE-2024-1111"},
		},
		{
			name:     "no tracking id",
			data:     csafDoc(strings.Replace(minimal, `"id": "DOC-1",`, ``, 1), vulns(`{"title": "t"}`)),
			warnings: []string{`/document/tracking/id no tracking id`},
			ids:      []string{"f.json#0"},
		},
		{
			name:     "a bad note is skipped",
			data:     csafDoc(strings.Replace(minimal, `"title": "T",`, `"title": "T", "notes": [{"category": "gossip", "text": "x"}, {"category": "general", "text": "y"}],`, 1)),
			warnings: []string{`/document/notes/0 gossip not in`},
		},
		{
			name:     "branches nested too deep",
			data:     csafDoc(minimal, `"product_tree": {"branches": [`+strings.Repeat(`{"category": "vendor", "name": "V", "branches": [`, 40)+`{"category": "vendor", "name": "V"}`+strings.Repeat(`]}`, 40)+`]}`),
			warnings: []string{`/product_tree/branches/0` + strings.Repeat("/branches/0", maxBranchDepth) + ` nest deeper than 32 levels`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, warns, err := Decode("f.json", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != len(tt.warnings) {
				t.Errorf("got %d warnings, want %d:\n%s", len(warns), len(tt.warnings), joinErrors(warns))
			}
			for i, w := range warns {
				if w.File != "f.json" {
					t.Errorf("warning %q names file %q", w, w.File)
				}
				if !strings.HasPrefix(w.Message(), "csaf: ") {
					t.Errorf("warning %q lacks the csaf: prefix", w)
				}
				if i >= len(tt.warnings) {
					continue
				}
				ptr, msg, _ := strings.Cut(tt.warnings[i], " ")
				if w.Pointer != ptr || !strings.Contains(w.Message(), msg) {
					t.Errorf("warning %d = %q at %q, want %q at %q", i, w.Message(), w.Pointer, msg, ptr)
				}
			}
			var ids []string
			for _, a := range doc.Advisories {
				ids = append(ids, a.ID)
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("advisory IDs (-want +got):\n%s", diff)
			}
			var products []string
			for id := range doc.Products {
				products = append(products, id)
			}
			if diff := cmp.Diff(tt.products, products, sortStrings); diff != "" {
				t.Errorf("products (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeDedup checks that a product listed twice in a status, and a
// product named both directly and through a group, are listed once.
func TestDecodeDedup(t *testing.T) {
	data := csafDoc(minimal, strings.Replace(twoProducts, `]}]}`, `]}], "product_groups": [{"group_id": "G", "product_ids": ["CSAFPID-1", "CSAFPID-2"]}]}`, 1),
		`"vulnerabilities": [{"cve": "CVE-2024-1111",
		  "product_status": {"known_affected": ["CSAFPID-2", "CSAFPID-2"]},
		  "remediations": [{"category": "vendor_fix", "details": "d", "product_ids": ["CSAFPID-2"], "group_ids": ["G", "G"]}]}]`)
	doc, warns, err := Decode("f.json", []byte(data))
	if err != nil || len(warns) != 0 {
		t.Fatalf("Decode: %v, warnings %v", err, warns)
	}
	a := doc.Advisories[0]
	want := []vuln.Affected{{Vendor: "V", Product: "B", ProductID: "CSAFPID-2", Status: "known_affected"}}
	if diff := cmp.Diff(want, a.Affected); diff != "" {
		t.Errorf("Affected (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CSAFPID-2", "CSAFPID-1"}, a.Remediations[0].Products); diff != "" {
		t.Errorf("remediation products (-want +got):\n%s", diff)
	}
}

// TestRelationshipName checks the name a relationship product gets when its
// full_product_name has none.
func TestRelationshipName(t *testing.T) {
	data := csafDoc(minimal, strings.Replace(twoProducts, `]}]}`,
		`]}], "relationships": [{"category": "installed_on", "full_product_name": {"product_id": "R", "product_identification_helper": {"purl": "pkg:generic/v/a@1"}}, "product_reference": "CSAFPID-1", "relates_to_product_reference": "CSAFPID-2"}]}`, 1))
	doc, warns, err := Decode("f.json", []byte(data))
	if err != nil || len(warns) != 0 {
		t.Fatalf("Decode: %v, warnings %v", err, warns)
	}
	want := Product{ID: "R", Name: "V A installed_on V B", Vendor: "V", ProductName: "A", PURL: "pkg:generic/v/a@1", Relationship: "installed_on CSAFPID-2"}
	if diff := cmp.Diff(want, doc.Products["R"]); diff != "" {
		t.Errorf("product R (-want +got):\n%s", diff)
	}
}

func TestLooks(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"nested fixture", string(readFixture(t, "nested.json")), true},
		{"minimal", csafDoc(minimal), true},
		{"document first key after others", `{"vulnerabilities": [{"x": {"document": 1}}], "document": {"title": "t", "csaf_version": "2.0"}}`, true},
		{"byte order mark", "\ufeff" + csafDoc(minimal), true},
		{"head only", csafDoc(minimal)[:120], true},
		{"no csaf_version", `{"document": {"category": "csaf_base"}}`, false},
		{"csaf_version outside document", `{"csaf_version": "2.0", "document": {}}`, false},
		{"csaf_version nested deeper", `{"document": {"notes": [{"csaf_version": "2.0"}]}}`, false},
		{"OSV record", `{"id": "GHSA-xxxx", "modified": "2024-01-01T00:00:00Z", "affected": []}`, false},
		{"CycloneDX", `{"bomFormat": "CycloneDX", "specVersion": "1.6"}`, false},
		{"provider metadata", `{"canonical_url": "https://p/.well-known/csaf/provider-metadata.json", "metadata_version": "2.0"}`, false},
		{"array", `[{"document": {"csaf_version": "2.0"}}]`, false},
		{"empty", ``, false},
		{"garbage", `{"document": {"csaf_vers`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Looks([]byte(tt.data)); got != tt.want {
				t.Errorf("Looks = %v, want %v", got, tt.want)
			}
		})
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
})

func joinErrors(errs []*input.Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  ")
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestRelationshipChain resolves a long chain of relationships written in
// the reverse order of their dependencies, each product being a component of
// the next one's product.
func TestRelationshipChain(t *testing.T) {
	const n = 2000
	var rels []string
	for i := range n {
		comp := fmt.Sprintf("R%d", i+1)
		if i == n-1 {
			comp = "CSAFPID-1"
		}
		rels = append(rels, fmt.Sprintf(`{"category": "default_component_of", "full_product_name": {"name": "r%d", "product_id": "R%d"}, "product_reference": %q, "relates_to_product_reference": "CSAFPID-2"}`, i, i, comp))
	}
	data := csafDoc(minimal, strings.Replace(twoProducts, `]}]}`, `]}], "relationships": [`+strings.Join(rels, ",")+`]}`, 1))
	doc, warns, err := Decode("f.json", []byte(data))
	if err != nil || len(warns) != 0 {
		t.Fatalf("Decode: %v, warnings %v", err, warns)
	}
	if len(doc.Products) != n+2 {
		t.Errorf("%d products, want %d", len(doc.Products), n+2)
	}
	want := Product{ID: "R0", Name: "r0", Vendor: "V", ProductName: "A", Relationship: "default_component_of CSAFPID-2"}
	if diff := cmp.Diff(want, doc.Products["R0"]); diff != "" {
		t.Errorf("R0 (-want +got):\n%s", diff)
	}
}
