package cyclonedx

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"

	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// encodeBoth writes doc as JSON (checked against the schema) and XML
// (checked against the XSD) and returns both outputs.
func encodeBoth(t *testing.T, doc *sbom.Document) map[sbom.Encoding][]byte {
	t.Helper()
	out := map[sbom.Encoding][]byte{}
	for _, enc := range []sbom.Encoding{sbom.EncodingJSON, sbom.EncodingXML} {
		var buf bytes.Buffer
		if err := Encode(&buf, doc, enc); err != nil {
			t.Fatalf("Encode %s: %v", enc, err)
		}
		out[enc] = buf.Bytes()
	}
	validateJSON(t, bomSchema(t), out[sbom.EncodingJSON])
	xsdValidator(t)(t, out[sbom.EncodingXML])
	return out
}

// mappingDoc exercises every rule of Encode.
func mappingDoc() *sbom.Document {
	return &sbom.Document{
		Format:       sbom.FormatSPDX,
		SpecVersion:  "2.3",
		SerialNumber: "https://example.com/spdxdocs/pump-7.0",
		Name:         "pump-7.0",
		DataLicense:  "CC0-1.0",
		Authors:      []sbom.Party{{Name: "Jane Roe", Email: "jane@example.com", Kind: "person"}, {Name: "Acme", Kind: "organization"}},
		Tools:        []sbom.Tool{{Vendor: "acme", Name: "gen", Version: "1"}, {Vendor: "acme", Name: "gen", Version: "1"}},
		Timestamp:    time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC),
		Lifecycles:   []string{"build", "field-service"},
		Supplier:     &sbom.Party{Name: "Acme", URLs: []string{"https://acme.example", "not a url"}, Email: "psirt@acme.example"},
		PrimaryRef:   "SPDXRef-pump",
		Properties:   []sbom.Property{{Name: sbom.PropUnknownInformation, Value: "stale"}, {Name: "acme:site", Value: "2"}},
		Unknown:      []sbom.Element{sbom.ElementTimestamp},
		Components: []sbom.Component{
			{Ref: "SPDXRef-pump", Type: "device", Name: "pump", Version: "7.0", Parent: "SPDXRef-lib"},
			{
				Ref: "SPDXRef-lib", Parent: "SPDXRef-pump", Type: "source", Name: "lib", Version: "1.2",
				Scope: "runtime", // not a CycloneDX scope: dropped
				PURL:  "pkg:generic/lib@1.2",
				CPEs:  []string{"cpe:2.3:a:acme:lib:1.2:*:*:*:*:*:*:*", "cpe:/a:acme:lib:1.2"},
				Hashes: []sbom.Hash{
					{Algorithm: "SHA-256", Value: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"},
					{Algorithm: "SHA-224", Value: "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"},
					{Algorithm: "MD5", Value: "xyz"},
				},
				Licenses:    []string{"MIT", "LicenseRef-acme"},
				Identifiers: []sbom.Identifier{{Type: "swid", Value: "tag-1"}, {Type: "swid", Value: "tag-2"}, {Type: "omnibor", Value: "gitoid:blob:sha1:aa"}, {Type: "gitoid", Value: "x"}},
				ExternalRefs: []sbom.ExternalRef{
					{Type: "vcs", URL: "git@github.com:acme/lib.git"},
					{Type: "website", URL: "https://acme.example/lib", Comment: "home"},
					{Type: "purl", URL: "pkg:generic/lib@1.2"},
				},
				Originator: &sbom.Party{Name: "Lib Authors", Email: "lib@example.com"},
				Properties: []sbom.Property{
					{Name: sbom.PropLevelOfSupport, Value: "abandoned"}, // stale copy: Lifecycle wins
					{Name: sbom.PropMilestoneEOS, Value: "2020-01-01"},
					{Name: "acme:tier", Value: "1"},
				},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2030-01-01"},
				Unknown:   []sbom.Element{sbom.ElementSupplier},
				Withheld:  []sbom.Element{sbom.ElementHash},
			},
			{Ref: "", Name: "no-ref", Licenses: []string{"Apache-2.0 OR MIT"}},
			{Ref: "SPDXRef-lib", Name: "same-ref", Licenses: []string{"Custom License 1"}},
			{Ref: "orphan", Parent: "SPDXRef-gone", Name: "orphan"},
			{Ref: "cycle-a", Parent: "cycle-b", Name: "a"},
			{Ref: "cycle-b", Parent: "cycle-a", Name: "b"},
		},
		Dependencies: []sbom.Dependency{
			{Ref: "SPDXRef-pump", DependsOn: []string{"SPDXRef-lib", "SPDXRef-lib", "SPDXRef-gone"}},
			{Ref: "SPDXRef-gone", DependsOn: []string{"SPDXRef-lib"}},
			{Ref: "SPDXRef-pump", DependsOn: []string{"orphan"}},
			{Ref: "orphan"},
		},
	}
}

// TestEncodeMapping checks how each model field is written.
func TestEncodeMapping(t *testing.T) {
	out := encodeBoth(t, mappingDoc())
	var bom cdx.BOM
	if err := json.Unmarshal(out[sbom.EncodingJSON], &bom); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out[sbom.EncodingJSON]), "{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\",\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",") {
		t.Errorf("JSON output does not start as pretty CycloneDX 1.6:\n%.200s", out[sbom.EncodingJSON])
	}
	if bom.SerialNumber != "urn:uuid:"+uuidV5("https://example.com/spdxdocs/pump-7.0") || bom.Version != 1 {
		t.Errorf("serialNumber, version = %q, %d", bom.SerialNumber, bom.Version)
	}
	md := bom.Metadata
	wantProps := []cdx.Property{
		{Name: "acme:site", Value: "2"},
		{Name: sbom.PropUnknownInformation, Value: "timestamp"},
		{Name: PropSourceSerial, Value: "https://example.com/spdxdocs/pump-7.0"},
		{Name: PropDocumentName, Value: "pump-7.0"},
	}
	if diff := cmp.Diff(wantProps, *md.Properties); diff != "" {
		t.Errorf("metadata properties (-want +got):\n%s", diff)
	}
	if md.Timestamp != "2026-05-04T03:02:01Z" {
		t.Errorf("timestamp = %q", md.Timestamp)
	}
	wantMeta := map[string]any{
		"tools":      []cdx.Component{{Type: "application", Group: "acme", Name: "gen", Version: "1"}},
		"authors":    []cdx.OrganizationalContact{{Name: "Jane Roe", Email: "jane@example.com"}, {Name: "Acme"}},
		"lifecycles": []cdx.Lifecycle{{Phase: "build"}, {Name: "field-service"}},
		"supplier":   cdx.OrganizationalEntity{Name: "Acme", URL: &[]string{"https://acme.example"}, Contact: &[]cdx.OrganizationalContact{{Email: "psirt@acme.example"}}},
		"licenses":   cdx.Licenses{{License: &cdx.License{ID: "CC0-1.0"}}},
	}
	gotMeta := map[string]any{
		"tools": *md.Tools.Components, "authors": *md.Authors, "lifecycles": *md.Lifecycles,
		"supplier": *md.Supplier, "licenses": *md.Licenses,
	}
	if diff := cmp.Diff(wantMeta, gotMeta); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}

	// The primary component is metadata.component, even though it names a
	// parent; its child is nested in it. Refs are unique.
	pump := md.Component
	if pump.BOMRef != "SPDXRef-pump" || pump.Components == nil || len(*pump.Components) != 1 {
		t.Fatalf("metadata.component = %+v", pump)
	}
	lib := (*pump.Components)[0]
	var top []string
	for _, c := range *bom.Components {
		top = append(top, c.BOMRef+" "+c.Name)
		if c.Components != nil {
			for _, k := range *c.Components {
				top = append(top, "  "+k.BOMRef+" "+k.Name)
			}
		}
	}
	wantTop := []string{"medvigil-ref-1 no-ref", "medvigil-ref-2 same-ref", "orphan orphan", "cycle-a a", "  cycle-b b"}
	if diff := cmp.Diff(wantTop, top); diff != "" {
		t.Errorf("top-level components (-want +got):\n%s", diff)
	}
	if got := *(*bom.Components)[0].Licenses; cmp.Diff(cdx.Licenses{{Expression: "Apache-2.0 OR MIT"}}, got) != "" {
		t.Errorf("expression license = %+v", got)
	}

	wantLib := cdx.Component{
		BOMRef: "SPDXRef-lib", Type: "library", Name: "lib", Version: "1.2",
		PackageURL: "pkg:generic/lib@1.2",
		CPE:        "cpe:2.3:a:acme:lib:1.2:*:*:*:*:*:*:*",
		Hashes:     &[]cdx.Hash{{Algorithm: "SHA-256", Value: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"}},
		Licenses:   &cdx.Licenses{{License: &cdx.License{ID: "MIT"}}, {License: &cdx.License{Name: "LicenseRef-acme"}}},
		SWID:       &cdx.SWID{TagID: "tag-1", Name: "lib", Version: "1.2"},
		OmniborID:  &[]string{"gitoid:blob:sha1:aa"},
		ExternalReferences: &[]cdx.ExternalReference{
			{Type: "website", URL: "https://acme.example/lib", Comment: "home"},
			{Type: "other", URL: "pkg:generic/lib@1.2", Comment: "purl"},
		},
		Properties: &[]cdx.Property{
			{Name: "acme:tier", Value: "1"},
			{Name: sbom.PropLevelOfSupport, Value: "actively-maintained"},
			{Name: sbom.PropEndOfSupportDate, Value: "2030-01-01"},
			{Name: sbom.PropUnknownInformation, Value: "supplier"},
			{Name: sbom.PropWithheldInformation, Value: "hash"},
			{Name: PropComponentType, Value: "source"},
			{Name: PropOriginator, Value: "Lib Authors (lib@example.com)"},
			{Name: PropHashPrefix + "SHA-224", Value: "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"},
			{Name: PropHashPrefix + "MD5", Value: "xyz"},
			{Name: PropCPE, Value: "cpe:/a:acme:lib:1.2"},
			{Name: PropIdentifierPrefix + "swid", Value: "tag-2"},
			{Name: PropIdentifierPrefix + "gitoid", Value: "x"},
			{Name: PropExternalRefPrefix + "vcs", Value: "git@github.com:acme/lib.git"},
		},
	}
	if diff := cmp.Diff(wantLib, lib); diff != "" {
		t.Errorf("component (-want +got):\n%s", diff)
	}

	wantDeps := []cdx.Dependency{
		{Ref: "SPDXRef-pump", Dependencies: &[]string{"SPDXRef-lib", "orphan"}},
		{Ref: "orphan"},
	}
	if diff := cmp.Diff(wantDeps, *bom.Dependencies); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}

	// Both outputs read back to the same document, and the carrier
	// properties come back as typed fields.
	for enc, data := range out {
		back, err := Decode("out", data, enc)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		if len(back.Warnings) != 0 {
			t.Errorf("%s: warnings %v", enc, back.Warnings)
		}
		got := back.Component("SPDXRef-lib")
		want := sbom.Component{
			Ref: "SPDXRef-lib", Parent: "SPDXRef-pump", Type: "library", Name: "lib", Version: "1.2",
			PURL: "pkg:generic/lib@1.2",
			CPEs: []string{"cpe:2.3:a:acme:lib:1.2:*:*:*:*:*:*:*", "cpe:/a:acme:lib:1.2"},
			Hashes: []sbom.Hash{
				{Algorithm: "SHA-256", Value: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"},
				{Algorithm: "SHA-224", Value: "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"},
				{Algorithm: "MD5", Value: "xyz"},
			},
			Licenses: []string{"MIT", "LicenseRef-acme"},
			Identifiers: []sbom.Identifier{
				{Type: "swid", Value: "tag-1"}, {Type: "omnibor", Value: "gitoid:blob:sha1:aa"},
				{Type: "swid", Value: "tag-2"}, {Type: "gitoid", Value: "x"},
			},
			ExternalRefs: []sbom.ExternalRef{
				{Type: "website", URL: "https://acme.example/lib", Comment: "home"},
				{Type: "other", URL: "pkg:generic/lib@1.2", Comment: "purl"},
				{Type: "vcs", URL: "git@github.com:acme/lib.git"},
			},
			Properties: []sbom.Property{
				{Name: "acme:tier", Value: "1"},
				{Name: sbom.PropLevelOfSupport, Value: "actively-maintained"},
				{Name: sbom.PropEndOfSupportDate, Value: "2030-01-01"},
				{Name: sbom.PropUnknownInformation, Value: "supplier"},
				{Name: sbom.PropWithheldInformation, Value: "hash"},
				{Name: PropComponentType, Value: "source"},
				{Name: PropOriginator, Value: "Lib Authors (lib@example.com)"},
			},
			Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2030-01-01"},
			Unknown:   []sbom.Element{sbom.ElementSupplier},
			Withheld:  []sbom.Element{sbom.ElementHash},
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("%s: component read back (-want +got):\n%s", enc, diff)
		}
		if len(back.Components) != 7 || back.PrimaryRef != "SPDXRef-pump" {
			t.Errorf("%s: %d components, primary %q", enc, len(back.Components), back.PrimaryRef)
		}
	}
}

// TestEncodeRoundTripFixtures writes every fixture that reads as JSON and
// XML and reads it back: components, hashes, licenses, CPEs, dependency
// edges, lifecycle fields and markings must survive.
func TestEncodeRoundTripFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		file := filepath.Base(f)
		doc, err := readFixture(t, file)
		if err != nil {
			continue // the fixtures of fatal faults
		}
		t.Run(file, func(t *testing.T) {
			want := factsOf(doc)
			for enc, data := range encodeBoth(t, doc) {
				back, err := Decode("out", data, enc)
				if err != nil {
					t.Fatalf("%s: %v", enc, err)
				}
				if diff := cmp.Diff(want, factsOf(back)); diff != "" {
					t.Errorf("%s round trip (-want +got):\n%s", enc, diff)
				}
			}
		})
	}
}

// TestEncodeDeepParents checks that a chain of parents deeper than the
// nesting limit is written (the excess at the top level) and reads back.
func TestEncodeDeepParents(t *testing.T) {
	const n = 2500
	doc := &sbom.Document{}
	for i := range n {
		c := sbom.Component{Ref: "c" + strconv.Itoa(i), Name: "n"}
		if i > 0 {
			c.Parent = "c" + strconv.Itoa(i-1)
		}
		doc.Components = append(doc.Components, c)
	}
	for _, enc := range []sbom.Encoding{sbom.EncodingJSON, sbom.EncodingXML} {
		var buf bytes.Buffer
		if err := Encode(&buf, doc, enc); err != nil {
			t.Fatal(err)
		}
		back, err := Decode("deep", buf.Bytes(), enc)
		if err != nil {
			t.Fatalf("%s: %.300v", enc, err)
		}
		if len(back.Components) != n {
			t.Errorf("%s: %d components, want %d", enc, len(back.Components), n)
		}
	}
}

func TestEncodeUnknownEncoding(t *testing.T) {
	if err := Encode(&bytes.Buffer{}, &sbom.Document{}, sbom.EncodingTagValue); err == nil || !strings.HasPrefix(err.Error(), "cyclonedx: ") {
		t.Fatalf("err = %v, want a cyclonedx: error", err)
	}
}

func TestLicenseChoices(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want *cdx.Licenses
	}{
		{"none", nil, nil},
		{"blank", []string{" "}, nil},
		{"SPDX id", []string{"Apache-2.0"}, &cdx.Licenses{{License: &cdx.License{ID: "Apache-2.0"}}}},
		{"exception id alone", []string{"Classpath-exception-2.0"}, &cdx.Licenses{{License: &cdx.License{ID: "Classpath-exception-2.0"}}}},
		{"unknown id", []string{"MIT-ish"}, &cdx.Licenses{{License: &cdx.License{Name: "MIT-ish"}}}},
		{"wrong case is not an id", []string{"mit"}, &cdx.Licenses{{License: &cdx.License{Name: "mit"}}}},
		{"free name", []string{"Apache License, Version 2.0"}, &cdx.Licenses{{License: &cdx.License{Name: "Apache License, Version 2.0"}}}},
		{"name with parentheses", []string{"BSD (3-clause)"}, &cdx.Licenses{{License: &cdx.License{Name: "BSD (3-clause)"}}}},
		{"expression", []string{"(MIT OR Apache-2.0) AND BSD-3-Clause"}, &cdx.Licenses{{Expression: "(MIT OR Apache-2.0) AND BSD-3-Clause"}}},
		{"WITH", []string{"GPL-2.0-only WITH Classpath-exception-2.0"}, &cdx.Licenses{{Expression: "GPL-2.0-only WITH Classpath-exception-2.0"}}},
		{"plus", []string{"Apache-2.0+"}, &cdx.Licenses{{Expression: "Apache-2.0+"}}},
		{"LicenseRef", []string{"LicenseRef-acme-1"}, &cdx.Licenses{{Expression: "LicenseRef-acme-1"}}},
		{"DocumentRef", []string{"DocumentRef-ext:LicenseRef-x"}, &cdx.Licenses{{Expression: "DocumentRef-ext:LicenseRef-x"}}},
		{"dangling operator", []string{"MIT OR"}, &cdx.Licenses{{License: &cdx.License{Name: "MIT OR"}}}},
		{"lower-case operator", []string{"MIT or Apache-2.0"}, &cdx.Licenses{{License: &cdx.License{Name: "MIT or Apache-2.0"}}}},
		{"unbalanced", []string{"(MIT OR Apache-2.0"}, &cdx.Licenses{{License: &cdx.License{Name: "(MIT OR Apache-2.0"}}}},
		{"too deep", []string{strings.Repeat("(", 100) + "MIT" + strings.Repeat(")", 100)}, &cdx.Licenses{{License: &cdx.License{Name: strings.Repeat("(", 100) + "MIT" + strings.Repeat(")", 100)}}}},
		{"several, expression among them", []string{"MIT", "MIT OR Apache-2.0"}, &cdx.Licenses{{License: &cdx.License{ID: "MIT"}}, {License: &cdx.License{Name: "MIT OR Apache-2.0"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, licenseChoices(tt.in)); diff != "" {
				t.Errorf("licenseChoices(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCheckCPE(t *testing.T) {
	tests := []struct {
		cpe string
		ok  bool
	}{
		{"cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*", true},
		{`cpe:2.3:a:acme:web\:server:1.0:*:*:*:*:*:*:*`, true},
		{"cpe:2.3:a:openssl:openssl:1.1.1k", false},
		{"cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*:*", false},
		{"cpe:/a:openssl:openssl:1.1.1k", true},
		{"cpe:/o:linux", true},
		{"cpe:/x:linux", false},
		{"cpe:/", false},
		{"cpe:/a:1:2:3:4:5:6:7", false},
		{"openssl 1.1.1k", false},
		{"CPE:2.3:a:o:o:1:*:*:*:*:*:*:*", false},
	}
	for _, tt := range tests {
		if err := checkCPE(tt.cpe); (err == nil) != tt.ok {
			t.Errorf("checkCPE(%q) = %v, want ok=%v", tt.cpe, err, tt.ok)
		}
	}
}

func TestSerialNumber(t *testing.T) {
	tests := []struct {
		in, want string
		derived  bool
	}{
		{"", "", false},
		{"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", false},
		{"urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79", "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", false},
		// The RFC 9562 test vector: UUIDv5 of "www.example.com" in the DNS
		// namespace is 2ed6657d-e927-568b-95e1-2665a8aea6a2; in the URL
		// namespace of "http://example.com/" it is:
		{"http://example.com/", "urn:uuid:0a300ee9-f9e4-5697-a51a-efc7fafaba67", true},
		{"urn:uuid:not-a-uuid", "urn:uuid:" + uuidV5("urn:uuid:not-a-uuid"), true},
	}
	for _, tt := range tests {
		got, derived := serialNumber(tt.in)
		if got != tt.want || derived != tt.derived {
			t.Errorf("serialNumber(%q) = %q, %v; want %q, %v", tt.in, got, derived, tt.want, tt.derived)
		}
	}
}

// TestSPDXLicenseIDsMatchSchema checks the generated identifier list
// against the schema it was generated from.
func TestSPDXLicenseIDsMatchSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(realdata.Data(t, "schemas", "cyclonedx"), "spdx.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct{ Enum []string }
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	for _, id := range schema.Enum {
		if !isSPDXLicenseID(id) {
			t.Errorf("isSPDXLicenseID(%q) = false", id)
		}
	}
	if len(schema.Enum) != 811 {
		t.Errorf("the schema lists %d identifiers; spdxids.go was generated from 811: regenerate it", len(schema.Enum))
	}
	for _, id := range []string{"", "mit", "MIT OR Apache-2.0", "LicenseRef-x", "Apache-2.0+"} {
		if isSPDXLicenseID(id) {
			t.Errorf("isSPDXLicenseID(%q) = true", id)
		}
	}
}

// TestEncodeOddValues checks that values the schemas restrict (URIs, CPEs,
// timestamps, types) never make the output invalid, and that the ones moved
// to carrier properties read back in place.
func TestEncodeOddValues(t *testing.T) {
	odd := []string{"%zz", "a[b]", "git@github.com:a/b.git", "1abc:x", "#a#b", "http://x:port/", "a b", `a\b`, "x\x01y"}
	good := []string{"pkg:npm/%40scope/x@1", "pkg:npm/é@1", "http://[::1]/x", "mailto:a@b", "a:b", "pkg:a/b@1#sub/path"}
	doc := &sbom.Document{
		SerialNumber: "urn:uuid:{3e671687-395b-41f5-a30f-a58921a69b79}",
		Timestamp:    time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("far", 20*3600)),
		Tools:        []sbom.Tool{{Name: ""}, {Vendor: "v"}},
		Lifecycles:   []string{"", "operations", "Build"},
		Manufacturer: &sbom.Party{URLs: odd},
	}
	for i, s := range append(odd, good...) {
		doc.Components = append(doc.Components, sbom.Component{
			Ref:          "c" + strconv.Itoa(i),
			Type:         "archive",
			Name:         "n",
			PURL:         s,
			CPEs:         []string{"cpe:2.3:a:v:p", "cpe:/a:v:p:" + strconv.Itoa(i), "cpe:2.3:a:v:p:" + strconv.Itoa(i) + ":*:*:*:*:*:*:*"},
			ExternalRefs: []sbom.ExternalRef{{Type: "website", URL: s}},
			Hashes:       []sbom.Hash{{Algorithm: "SHA-1", Value: "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3"}, {Algorithm: "sha1", Value: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"}},
			Licenses:     []string{" ", " MIT "},
		})
	}
	for _, y := range []int{0, 10000} {
		d := *doc
		d.Timestamp = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		d.TimestampRaw = "raw"
		encodeBoth(t, &d)
	}
	for enc, data := range encodeBoth(t, doc) {
		back, err := Decode("odd", data, enc)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		if !back.Timestamp.Equal(doc.Timestamp) {
			t.Errorf("%s: timestamp %v, want %v", enc, back.Timestamp, doc.Timestamp)
		}
		for i, c := range back.Components {
			want := doc.Components[i]
			if enc == sbom.EncodingXML && strings.ContainsRune(want.PURL, '\x01') {
				continue // XML cannot hold U+0001; encoding/xml writes U+FFFD
			}
			if c.PURL != want.PURL || len(c.ExternalRefs) != 1 || c.ExternalRefs[0].URL != want.PURL {
				t.Errorf("%s: component %d: purl %q, external refs %+v; want %q", enc, i, c.PURL, c.ExternalRefs, want.PURL)
			}
			if diff := cmp.Diff(want.CPEs, c.CPEs, sortedStrings()); diff != "" {
				t.Errorf("%s: component %d CPEs (-want +got):\n%s", enc, i, diff)
			}
			if len(c.Hashes) != 2 || c.Type != "library" {
				t.Errorf("%s: component %d: hashes %v, type %q", enc, i, c.Hashes, c.Type)
			}
		}
	}
}

// sortedStrings makes cmp compare string slices as sets.
func sortedStrings() cmp.Option {
	return cmp.Transformer("sorted", func(s []string) []string {
		out := append([]string(nil), s...)
		sort.Strings(out)
		return out
	})
}
