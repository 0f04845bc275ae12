package spdx

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/sbom"
)

func TestToolFrom(t *testing.T) {
	tests := []struct {
		in   string
		want sbom.Tool
	}{
		{"syft-0.40.1", sbom.Tool{Name: "syft", Version: "0.40.1"}},
		{"Microsoft.SBOMTool-2.1.18", sbom.Tool{Name: "Microsoft.SBOMTool", Version: "2.1.18"}},
		{"spdx-sbom-generator-0.0.10", sbom.Tool{Name: "spdx-sbom-generator", Version: "0.0.10"}},
		{"trivy", sbom.Tool{Name: "trivy"}},
		{"reuse-tool", sbom.Tool{Name: "reuse-tool"}},
		{"https://pub.dev/packages/sbom", sbom.Tool{Name: "https://pub.dev/packages/sbom"}},
		{"go-1", sbom.Tool{Name: "go", Version: "1"}},
	}
	for _, tt := range tests {
		if got := toolFrom(tt.in); got != tt.want {
			t.Errorf("toolFrom(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestFixParty(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"Organization: ACME", "Organization: ACME", false},
		{"Person: Jo (jo@example.com)", "Person: Jo (jo@example.com)", false},
		{"NOASSERTION", "NOASSERTION", false},
		{"Microsoft/GitHub", "Organization: Microsoft/GitHub", true},
		{"Georg Brandl <georg@python.org>", "Person: Georg Brandl <georg@python.org>", true},
		{"Jo (jo@example.com)", "Person: Jo (jo@example.com)", true},
		{"person:  Jo", "Person: Jo", true},
		{"Tool: x", "Organization: Tool: x", true},
	}
	for _, tt := range tests {
		got, why := fixParty(tt.in)
		if got != tt.want || (why != nil) != tt.changed {
			t.Errorf("fixParty(%q) = %q, %v; want %q, changed %v", tt.in, got, why, tt.want, tt.changed)
		}
	}
}

func TestSplitEmail(t *testing.T) {
	tests := []struct{ in, name, email string }{
		{"Jo Bloggs (jo@example.com)", "Jo Bloggs", "jo@example.com"},
		{"Jo Bloggs <jo@example.com>", "Jo Bloggs", "jo@example.com"},
		{"ACME (Europe)", "ACME (Europe)", ""},
		{"(jo@example.com)", "", "jo@example.com"},
		{"ACME", "ACME", ""},
	}
	for _, tt := range tests {
		if name, email := splitEmail(tt.in); name != tt.name || email != tt.email {
			t.Errorf("splitEmail(%q) = %q, %q; want %q, %q", tt.in, name, email, tt.name, tt.email)
		}
	}
}

func TestFixID(t *testing.T) {
	tests := []struct {
		in      string
		special bool
		want    string
		changed bool
	}{
		{"SPDXRef-a", false, "SPDXRef-a", false},
		{"1fba54c80561c201", false, "SPDXRef-1fba54c80561c201", true},
		{"DocumentRef-ext:SPDXRef-a", false, "DocumentRef-ext:SPDXRef-a", false},
		{"DocumentRef-ext:a", false, "DocumentRef-ext:SPDXRef-a", true},
		{"NONE", true, "NONE", false},
		{"NOASSERTION", true, "NOASSERTION", false},
		{"NONE", false, "SPDXRef-NONE", true},
		{"", false, "", false},
	}
	for _, tt := range tests {
		got, changed := fixID(tt.in, tt.special)
		if got != tt.want || changed != tt.changed {
			t.Errorf("fixID(%q, %v) = %q, %v; want %q, %v", tt.in, tt.special, got, changed, tt.want, tt.changed)
		}
	}
}

func TestIDMap(t *testing.T) {
	m := newIDMap(0)
	var got []string
	for i, ref := range []string{"SPDXRef-a", "pkg:npm/a@1", "", "SPDXRef-a", "SPDXRef-DOCUMENT", "SPDXRef-pkg-npm-a-1"} {
		got = append(got, m.assign(i, ref))
	}
	want := []string{"SPDXRef-a", "SPDXRef-pkg-npm-a-1", "SPDXRef-Package-3", "SPDXRef-a-2", "SPDXRef-DOCUMENT-2", "SPDXRef-pkg-npm-a-1-2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if m.byRef["SPDXRef-a"] != "SPDXRef-a" {
		t.Errorf("relationships must use the first component with a ref")
	}
}

func TestIsExpression(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"MIT", true},
		{"GPL-2.0+", true},
		{"MIT OR Apache-2.0", true},
		{"(MIT AND BSD-3-Clause) OR GPL-2.0-only WITH Classpath-exception-2.0", true},
		{"LicenseRef-Proprietary", true},
		{"DocumentRef-ext:LicenseRef-x", true},
		{"ASL 2.0 and BSD", false},
		{"MIT and BSD", false},
		{"(MIT", false},
		{"MIT OR", false},
		{"GPL-2.0 WITH", false},
		{"", false},
		{"Apache License 2.0", false},
	}
	for _, tt := range tests {
		if got := sbom.IsLicenseExpression(tt.in); got != tt.want {
			t.Errorf("isExpression(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHashNames(t *testing.T) {
	for _, p := range hashNames() {
		if got, ok := modelHash(commonAlg(p[0])); !ok || got != p[1] {
			t.Errorf("modelHash(%s) = %s, %v", p[0], got, ok)
		}
		if got, ok := spdxHash(p[1]); !ok || string(got) != p[0] {
			t.Errorf("spdxHash(%s) = %s, %v", p[1], got, ok)
		}
	}
	if got, ok := modelHash("sha256"); !ok || got != "SHA-256" {
		t.Errorf("modelHash(sha256) = %s, %v", got, ok)
	}
	if _, ok := spdxHash("SHA3-224"); ok {
		t.Errorf("SHA3-224 has no SPDX algorithm")
	}
}

func TestKeyValueEscaping(t *testing.T) {
	n := &notes{}
	n.add(keyPropPrefix+"a=b;c", "x;y=z\n%\r")
	got := parseMedvigil("prose\n" + n.text())
	want := []keyValue{{keyPropPrefix + "a=b;c", "x;y=z\n%\r"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(keyValue{})); diff != "" {
		t.Errorf("parseMedvigil (-want +got):\n%s", diff)
	}
	if props := sbom.ParseKeyValues(n.text()); len(props) != 0 {
		t.Errorf("medvigil facts read as lifecycle pairs: %v", props)
	}
}
