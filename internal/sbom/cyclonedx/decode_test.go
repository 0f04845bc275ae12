package cyclonedx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// readFixture decodes testdata/<file>, by its extension.
func readFixture(t *testing.T, file string) (*sbom.Document, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return Decode(file, data, encodingOf(file))
}

// warning is a warning's place and a part of its message.
type warning struct{ Place, Contains string }

func checkWarnings(t *testing.T, got []*input.Error, want []warning) {
	t.Helper()
	var places, wantPlaces []string
	for _, w := range got {
		places = append(places, w.Place())
	}
	for _, w := range want {
		wantPlaces = append(wantPlaces, w.Place)
	}
	if diff := cmp.Diff(wantPlaces, places); diff != "" {
		t.Errorf("warning places (-want +got):\n%s\nwarnings: %v", diff, got)
		return
	}
	for i, w := range want {
		if !strings.Contains(got[i].Error(), w.Contains) {
			t.Errorf("warning %d = %q, want it to contain %q", i, got[i], w.Contains)
		}
		if !strings.HasPrefix(got[i].Message(), "cyclonedx: ") {
			t.Errorf("warning %d = %q, want the cyclonedx: prefix", i, got[i].Message())
		}
	}
}

// TestDecodeFixtures checks components (ref, parent, name, in order) and
// warnings of the hand-written fixtures.
func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		file       string
		spec       string
		primary    string
		components []string // ref|parent|name
		deps       []sbom.Dependency
		warnings   []warning
	}{
		{
			file: "nested.json", spec: "1.4", primary: "app",
			components: []string{
				"app||monitor-app", "plugin|app|plugin", "outer||outer",
				// No bom-ref: synthesized, skipping medvigil-ref-1, which a component uses.
				"medvigil-ref-2|outer|middle", "inner|medvigil-ref-2|inner.so",
				"medvigil-ref-3||anonymous", "medvigil-ref-1||squatter",
			},
			deps: []sbom.Dependency{{Ref: "app", DependsOn: []string{"outer", "plugin"}}, {Ref: "outer", DependsOn: []string{"inner"}}},
		},
		{
			file: "nested.xml", spec: "1.2", primary: "pkg:maven/org.example/app@1.0",
			components: []string{
				"pkg:maven/org.example/app@1.0||app",
				"pkg:maven/org.example/lib@2.0||lib",
				"pkg:maven/org.example/shaded@0.9|pkg:maven/org.example/lib@2.0|shaded",
				"medvigil-ref-1||no-ref", // its pedigree ancestor is not a component
			},
			deps: []sbom.Dependency{
				{Ref: "pkg:maven/org.example/app@1.0", DependsOn: []string{"pkg:maven/org.example/lib@2.0"}},
				{Ref: "pkg:maven/org.example/lib@2.0", DependsOn: []string{"pkg:maven/org.example/shaded@0.9"}},
			},
			warnings: []warning{{"/dependencies/1/dependsOn/1", `"pkg:maven/org.example/missing@1" names no component`}},
		},
		{
			file: "tools-1.5.xml", spec: "1.5", primary: "root",
			// metadata/tools/components are tools, not components.
			components: []string{"root||root", "dep||dep"},
			deps:       []sbom.Dependency{{Ref: "root", DependsOn: []string{"dep"}}, {Ref: "dep"}},
			warnings:   []warning{{"/metadata/component/properties/1/value", `invalid date "2020-13-45"`}},
		},
		{
			file: "duplicate-ref.json", spec: "1.5",
			components: []string{"pkg:npm/a@1||a", "pkg:npm/b@1||b", "medvigil-ref-1||a-copy"},
			deps:       []sbom.Dependency{{Ref: "pkg:npm/b@1", DependsOn: []string{"pkg:npm/a@1"}}},
			warnings:   []warning{{"/components/2/bom-ref", `duplicate bom-ref "pkg:npm/a@1" (first at /components/0); renamed "medvigil-ref-1"`}},
		},
		{
			file: "dangling-dependency.json", spec: "1.5",
			components: []string{"a||a", "b||b"},
			deps:       []sbom.Dependency{{Ref: "a", DependsOn: []string{"b"}}, {Ref: "b", DependsOn: []string{}}},
			warnings: []warning{
				{"/dependencies/0/dependsOn/1", `"ghost" names no component; dropped`},
				{"/dependencies/0/dependsOn/2", `"api" names a service`},
				{"/dependencies/1/ref", `"phantom" names no component; dropped`},
			},
		},
		{
			file: "bad-identifiers.json", spec: "1.6",
			components: []string{"ok||ok", "badpurl||badpurl", "badcpe||badcpe", "oldcpe||oldcpe"},
			warnings: []warning{
				{"/metadata/timestamp", `timestamp "yesterday" is not RFC 3339`},
				{"/components/1/purl", `invalid purl "npm/badpurl@1"`},
				{"/components/2/cpe", `invalid CPE "cpe:2.3:a:vendor:product"`},
			},
		},
		{
			file: "unknown-version.json", spec: "1.6",
			components: []string{"a||a"},
			warnings:   []warning{{"/specVersion", `unknown specVersion "1.9"; read as 1.6`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := readFixture(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != sbom.FormatCycloneDX || doc.SpecVersion != tt.spec || doc.Encoding != encodingOf(tt.file) {
				t.Errorf("format = %s %s %s, want CycloneDX %s %s", doc.Format, doc.SpecVersion, doc.Encoding, tt.spec, encodingOf(tt.file))
			}
			if doc.PrimaryRef != tt.primary {
				t.Errorf("PrimaryRef = %q, want %q", doc.PrimaryRef, tt.primary)
			}
			var got []string
			for _, c := range doc.Components {
				got = append(got, c.Ref+"|"+c.Parent+"|"+c.Name)
			}
			if diff := cmp.Diff(tt.components, got); diff != "" {
				t.Errorf("components (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.deps, doc.Dependencies); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
			checkWarnings(t, doc.Warnings, tt.warnings)
		})
	}
}

// TestDecodeLifecycle checks the FDA lifecycle fields (cdx:fda:* winning
// over cdx:lifecycle:milestone:*, tolerant spellings, bad values as
// warnings) and the CISA unknown/withheld markings.
func TestDecodeLifecycle(t *testing.T) {
	doc, err := readFixture(t, "lifecycle.json")
	if err != nil {
		t.Fatal(err)
	}
	type fields struct {
		Lifecycle         sbom.Lifecycle
		Unknown, Withheld []sbom.Element
	}
	got := map[string]fields{}
	for _, c := range doc.Components {
		got[c.Ref] = fields{c.Lifecycle, c.Unknown, c.Withheld}
	}
	want := map[string]fields{
		"pump": {Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2031-12-31"}},
		"rtos": {Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportNoLonger, EndOfSupport: "2027-06-30", EndOfLife: "2028-06-30"}},
		"tls":  {Lifecycle: sbom.Lifecycle{EndOfSupport: "2030-01-01", Justification: "vendor gave no date"}},
		"blob": {
			Unknown:  []sbom.Element{sbom.ElementSupplier, sbom.ElementVersion, sbom.ElementLicense},
			Withheld: []sbom.Element{sbom.ElementHash, sbom.ElementLicense},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lifecycle and markings (-want +got):\n%s", diff)
	}
	checkWarnings(t, doc.Warnings, []warning{
		{"/components/1/properties/2/value", `unknown level of support "sometimes"`},
		{"/components/1/properties/3/value", `invalid date "next year"`},
	})
	// Properties are kept as given, lifecycle ones included.
	if n := len(doc.Component("tls").Properties); n != 5 {
		t.Errorf("tls has %d properties, want 5", n)
	}
}

// TestDecodeDocumentFields checks the document-level fields.
func TestDecodeDocumentFields(t *testing.T) {
	doc, err := readFixture(t, "lifecycle.json")
	if err != nil {
		t.Fatal(err)
	}
	want := &sbom.Document{
		Format:       sbom.FormatCycloneDX,
		SpecVersion:  "1.6",
		Encoding:     sbom.EncodingJSON,
		SerialNumber: "urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427",
		Version:      3,
		Authors:      []sbom.Party{{Name: "Jane Roe", Email: "jane@example.com", Kind: "person"}},
		Tools:        []sbom.Tool{{Vendor: "acme", Name: "sbom-maker", Version: "2.1"}},
		Supplier:     &sbom.Party{Name: "Acme Medical Supply", Kind: "organization"},
		Manufacturer: &sbom.Party{Name: "Acme Medical", URLs: []string{"https://acme.example"}, Kind: "organization"},
		Timestamp:    time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		TimestampRaw: "2026-03-01T12:00:00Z",
		Lifecycles:   []string{"build", "field-service"},
		PrimaryRef:   "pump",
		Properties: []sbom.Property{
			{Name: "cdx:cisa:unknown-information", Value: "timestamp"},
			{Name: "cdx:cisa:withheld-information", Value: "tool"},
			{Name: "acme:site", Value: "lab 2"},
		},
		Unknown:  []sbom.Element{sbom.ElementTimestamp},
		Withheld: []sbom.Element{sbom.ElementTool},
	}
	got := *doc
	got.Components, got.Dependencies, got.Warnings = nil, nil, nil
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}

	doc, err = readFixture(t, "nested.xml")
	if err != nil {
		t.Fatal(err)
	}
	if doc.SerialNumber != "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79" || doc.Version != 2 {
		t.Errorf("serial, version = %q, %d", doc.SerialNumber, doc.Version)
	}
	if diff := cmp.Diff([]sbom.Tool{{Vendor: "CycloneDX", Name: "cyclonedx-maven-plugin", Version: "2.0.0"}}, doc.Tools); diff != "" {
		t.Errorf("legacy XML tools (-want +got):\n%s", diff)
	}
	if c := doc.Component("pkg:maven/org.example/lib@2.0"); c == nil ||
		cmp.Diff([]sbom.Hash{{Algorithm: "SHA-1", Value: "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"}}, c.Hashes) != "" {
		t.Errorf("lib hashes = %+v (XML whitespace around the value must go)", c)
	}
}

// TestDecodeComponentFields checks the mapping of component fields.
func TestDecodeComponentFields(t *testing.T) {
	doc, err := readFixture(t, "bad-identifiers.json")
	if err != nil {
		t.Fatal(err)
	}
	want := sbom.Component{
		Ref: "oldcpe", Type: "library", Name: "oldcpe", Version: "1",
		// The cpe field first, then the CPE concluded by identity evidence.
		CPEs: []string{"cpe:/a:vendor:product:1.0", "cpe:2.3:a:vendor:oldcpe:1:*:*:*:*:*:*:*"},
		Identifiers: []sbom.Identifier{
			{Type: "swid", Value: "swidgen-1234"},
			{Type: "omnibor", Value: "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"},
			{Type: "swhid", Value: "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"},
		},
		Hashes: []sbom.Hash{
			{Algorithm: "SHA-1", Value: "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3"},
			{Algorithm: "Streebog-256", Value: "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb"},
			{Algorithm: "SHA-256", Value: "not-hex"},
		},
	}
	if diff := cmp.Diff(want, *doc.Component("oldcpe")); diff != "" {
		t.Errorf("component (-want +got):\n%s", diff)
	}

	doc, err = readFixture(t, "nested.json")
	if err != nil {
		t.Fatal(err)
	}
	want = sbom.Component{
		Ref: "outer", Type: "library", Group: "org.example", Name: "outer", Version: "2.0",
		Authors:  []sbom.Party{{Name: "Outer Team"}}, // the deprecated author string
		Hashes:   []sbom.Hash{{Algorithm: "SHA-256", Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
		Licenses: []string{"Apache-2.0", "Acme Proprietary"},
	}
	if diff := cmp.Diff(want, *doc.Component("outer")); diff != "" {
		t.Errorf("component (-want +got):\n%s", diff)
	}
	if got := doc.Component("medvigil-ref-2").Licenses; cmp.Diff([]string{"MIT OR (GPL-2.0-only WITH Classpath-exception-2.0)"}, got) != "" {
		t.Errorf("expression licenses = %q", got)
	}
}

// TestDecodeErrors checks that fatal faults are *input.Error naming the
// file and the place.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name      string
		file      string // a fixture, or
		data      string // inline data
		enc       sbom.Encoding
		wantPlace string
		wantText  string
	}{
		{name: "truncated JSON", file: "truncated.json", wantPlace: "line 7, column 42", wantText: "unexpected end of JSON input"},
		{name: "wrong type", file: "wrong-type.json", wantPlace: "/components/1/components/0/name", wantText: "wrong type: a number where a string is expected"},
		{name: "XML syntax error", file: "syntax-error.xml", wantPlace: "line 6, column 26", wantText: "element <version> closed by </versio>"},
		{name: "empty JSON", data: "", enc: sbom.EncodingJSON, wantPlace: "line 1, column 1", wantText: "unexpected end of JSON input"},
		{name: "JSON array", data: "[1]", enc: sbom.EncodingJSON, wantPlace: "line 1, column 2", wantText: "wrong type: an array where an object is expected"},
		{name: "trailing data", data: `{"bomFormat":"CycloneDX","specVersion":"1.6"} {}`, enc: sbom.EncodingJSON, wantPlace: "line 1, column 48", wantText: "after top-level value"},
		{name: "specVersion number", data: `{"bomFormat":"CycloneDX","specVersion":1.5}`, enc: sbom.EncodingJSON, wantPlace: "/specVersion", wantText: "specVersion 1.5 is not a string"},
		{name: "version string", data: "{\n\"specVersion\": \"1.5\",\n\"version\": \"2\"}", enc: sbom.EncodingJSON, wantPlace: "/version", wantText: "a string where a number is expected"},
		{name: "legacy tool wrong type", data: `{"specVersion":"1.4","metadata":{"tools":[{"name":"a"},{"name":7}]}}`, enc: sbom.EncodingJSON, wantPlace: "/metadata/tools/1/name", wantText: "wrong type"},
		{name: "XML wrong root", data: "<?xml version=\"1.0\"?>\n<sbom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>", enc: sbom.EncodingXML, wantPlace: "line 2", wantText: "expected element type <bom>"},
		{name: "XML bad version attribute", data: "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"\n version=\"x\"><components/></bom>", enc: sbom.EncodingXML, wantPlace: "line 3", wantText: "invalid syntax"},
		{name: "XML truncated", data: "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n<component type=\"library\"><name>a", enc: sbom.EncodingXML, wantPlace: "line 4", wantText: "unexpected EOF"},
		{name: "unknown encoding", data: "{}", enc: sbom.EncodingTagValue, wantText: "unsupported encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data, enc := "inline", []byte(tt.data), tt.enc
			if tt.file != "" {
				var err error
				name, enc = tt.file, encodingOf(tt.file)
				if data, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			doc, err := Decode(name, data, enc)
			var ie *input.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Decode = %v, %v; want an *input.Error", doc, err)
			}
			if ie.File != name {
				t.Errorf("File = %q, want %q", ie.File, name)
			}
			if !strings.HasPrefix(tt.wantPlace, "line") || strings.Contains(tt.wantPlace, "column") {
				if ie.Place() != tt.wantPlace {
					t.Errorf("place = %q, want %q (%v)", ie.Place(), tt.wantPlace, err)
				}
			} else if !strings.HasPrefix(ie.Place(), tt.wantPlace) {
				t.Errorf("place = %q, want %q… (%v)", ie.Place(), tt.wantPlace, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.HasPrefix(ie.Message(), "cyclonedx: ") {
				t.Errorf("err = %q, want cyclonedx: …%s…", err, tt.wantText)
			}
		})
	}
}

// TestDecodeDeepNesting checks that absurdly nested components give a clean
// error, fast, and never exhaust the stack; nesting within the limit reads.
func TestDecodeDeepNesting(t *testing.T) {
	jsonDoc := func(depth int) []byte {
		var b strings.Builder
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`)
		for range depth - 1 {
			b.WriteString(`{"type":"library","name":"n","components":[`)
		}
		b.WriteString(`{"type":"library","name":"leaf"}`)
		for range depth - 1 {
			b.WriteString(`]}`)
		}
		b.WriteString(`]}`)
		return []byte(b.String())
	}
	xmlDoc := func(depth int) []byte {
		var b strings.Builder
		b.WriteString("<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" version=\"1\">\n<components>")
		for range depth {
			b.WriteString(`<component type="library"><name>n</name><components>`)
		}
		for range depth {
			b.WriteString(`</components></component>`)
		}
		b.WriteString("</components></bom>")
		return []byte(b.String())
	}
	tests := []struct {
		name           string
		data           []byte
		enc            sbom.Encoding
		wantComponents int
		wantText       string
	}{
		{"JSON 10,000 deep", jsonDoc(10_000), sbom.EncodingJSON, 0, "exceeded max depth"},
		{"JSON 1,001 deep", jsonDoc(1001), sbom.EncodingJSON, 0, "components nested more than 1000 deep"},
		{"JSON 1,000 deep", jsonDoc(1000), sbom.EncodingJSON, 1000, ""},
		{"XML 10,000 deep", xmlDoc(10_000), sbom.EncodingXML, 0, "exceeded max depth"},
		{"XML 1,001 deep", xmlDoc(1001), sbom.EncodingXML, 0, "components nested more than 1000 deep"},
		{"XML 1,000 deep", xmlDoc(1000), sbom.EncodingXML, 1000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			doc, err := Decode("deep", tt.data, tt.enc)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Decode took %v", d)
			}
			if tt.wantText == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(doc.Components) != tt.wantComponents {
					t.Errorf("%d components, want %d", len(doc.Components), tt.wantComponents)
				}
				return
			}
			var ie *input.Error
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("err = %.300v, want an *input.Error about %q", err, tt.wantText)
			}
			if ie.Place() == "" {
				t.Errorf("err = %.300v names no place", err)
			}
		})
	}
}
