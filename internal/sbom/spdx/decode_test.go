package spdx

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// lifecycleDoc is what testdata/lifecycle.spdx.json and its tag-value twin
// hold: lifecycle pairs in an annotation and in a package comment, a
// NOASSERTION supplier, version and license, every kind of edge.
func lifecycleDoc(enc sbom.Encoding) *sbom.Document {
	comment := "Patched for CVE-2024-0727.\ncdx:fda:level-of-support=no-longer-maintained\n" +
		"cdx:fda:end-of-support-date=2026-09-07\ncdx:fda:justification=Upstream LTS ends, vendor backports until then"
	return &sbom.Document{
		Format:       sbom.FormatSPDX,
		SpecVersion:  "2.3",
		Encoding:     enc,
		SerialNumber: "https://example.com/spdx/infusion-pump-4.2.0",
		Name:         "infusion-pump-firmware-4.2.0",
		DataLicense:  "CC0-1.0",
		Authors: []sbom.Party{
			{Name: "Example Medical", Email: "psirt@example.com", Kind: "organization"},
			{Name: "Jane Doe", Email: "jane@example.com", Kind: "person"},
		},
		Tools:        []sbom.Tool{{Name: "sbom-tool", Version: "2.1.18"}},
		Timestamp:    time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
		TimestampRaw: "2025-03-01T10:00:00Z",
		Comment:      "Built for the premarket submission.",
		PrimaryRef:   "SPDXRef-firmware",
		Components: []sbom.Component{
			{
				Ref:       "SPDXRef-firmware",
				Type:      "firmware",
				Name:      "pump-firmware",
				Version:   "4.2.0",
				Supplier:  &sbom.Party{Name: "Example Medical", Email: "psirt@example.com", Kind: "organization"},
				PURL:      "pkg:generic/example/pump-firmware@4.2.0",
				Licenses:  []string{"LicenseRef-Proprietary"},
				Copyright: "Copyright 2025 Example Medical",
				Properties: []sbom.Property{
					{Name: sbom.PropLevelOfSupport, Value: "actively-maintained"},
					{Name: sbom.PropEndOfSupportDate, Value: "2030-12-31"},
					{Name: sbom.PropWithheldInformation, Value: "hash"},
				},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2030-12-31"},
				Withheld:  []sbom.Element{sbom.ElementHash},
			},
			{
				Ref:        "SPDXRef-openssl",
				Name:       "openssl",
				Version:    "3.0.13",
				Supplier:   &sbom.Party{Name: "OpenSSL Software Foundation", Kind: "organization"},
				Originator: &sbom.Party{Name: "Eric Young", Email: "eay@cryptsoft.com", Kind: "person"},
				PURL:       "pkg:generic/openssl@3.0.13",
				CPEs:       []string{"cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*", "cpe:/a:openssl:openssl:3.0.13"},
				Identifiers: []sbom.Identifier{
					{Type: "swid", Value: "swid:2df9de35-0aff-4a86-ace6-f7dddd1ade4c"},
					{Type: "omnibor", Value: "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"},
				},
				Hashes: []sbom.Hash{
					{Algorithm: "SHA-1", Value: "b5ae10b5e1ad2f2e17a8e4f2a1f1e3c3d0a1b2c3"},
					{Algorithm: "SHA-256", Value: "88525753f79d3bec27d2fa7c66aa0b92b3aa9498dafd93d7cfa4b3780cdae313"},
					{Algorithm: "BLAKE2b-256", Value: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"},
				},
				Licenses: []string{"Apache-2.0"},
				ExternalRefs: []sbom.ExternalRef{
					{Type: "distribution", URL: "https://www.openssl.org/source/openssl-3.0.13.tar.gz"},
					{Type: "website", URL: "https://www.openssl.org"},
				},
				Properties: []sbom.Property{
					{Name: sbom.PropLevelOfSupport, Value: "no-longer-maintained"},
					{Name: sbom.PropEndOfSupportDate, Value: "2026-09-07"},
					{Name: sbom.PropJustification, Value: "Upstream LTS ends, vendor backports until then"},
					{Name: propComment, Value: comment},
				},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportNoLonger, EndOfSupport: "2026-09-07",
					Justification: "Upstream LTS ends, vendor backports until then"},
			},
			{
				Ref:  "SPDXRef-zlib",
				Name: "zlib",
				Properties: []sbom.Property{
					{Name: sbom.PropLevelOfSupport, Value: "sometimes"},
					{Name: propComment, Value: "cdx:fda:level-of-support=sometimes"},
				},
				Unknown: []sbom.Element{sbom.ElementVersion, sbom.ElementSupplier, sbom.ElementLicense},
			},
			{
				Ref:      "SPDXRef-freertos",
				Type:     "operating-system",
				Name:     "FreeRTOS-Kernel",
				Version:  "10.5.1",
				Supplier: &sbom.Party{Name: "Amazon Web Services", Kind: "organization"},
				Licenses: []string{"MIT", "MIT OR Apache-2.0"},
			},
		},
		Dependencies: []sbom.Dependency{
			{Ref: "SPDXRef-firmware", DependsOn: []string{"SPDXRef-openssl", "SPDXRef-zlib", "SPDXRef-freertos"}},
			{Ref: "SPDXRef-openssl", DependsOn: []string{"SPDXRef-zlib"}},
			{Ref: "SPDXRef-freertos"},
		},
	}
}

func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		file     string
		enc      sbom.Encoding
		warnings []string
	}{
		{"lifecycle.spdx.json", sbom.EncodingJSON, []string{
			`lifecycle.spdx.json: /packages/2/comment: spdx: property cdx:fda:level-of-support: unknown level of support "sometimes" (want actively-maintained, no-longer-maintained, abandoned or unknown); ignored`,
			`lifecycle.spdx.json: /relationships/6: spdx: DEPENDS_ON relationship refers to "SPDXRef-missing", which the document does not define; ignored`,
		}},
		{"lifecycle.spdx", sbom.EncodingTagValue, []string{
			`lifecycle.spdx: line 57, column 1: spdx: property cdx:fda:level-of-support: unknown level of support "sometimes" (want actively-maintained, no-longer-maintained, abandoned or unknown); ignored`,
			`lifecycle.spdx: line 83, column 1: spdx: DEPENDS_ON relationship refers to "SPDXRef-missing", which the document does not define; ignored`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Decode(tt.file, readTestdata(t, tt.file), tt.enc)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var warnings []string
			for _, w := range got.Warnings {
				warnings = append(warnings, w.Error())
			}
			if diff := cmp.Diff(tt.warnings, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			got.Warnings = nil
			if diff := cmp.Diff(lifecycleDoc(tt.enc), got); diff != "" {
				t.Errorf("document (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeCROnly(t *testing.T) {
	data := readTestdata(t, "cr-only.spdx")
	if strings.Contains(string(data), "\n") || !strings.Contains(string(data), "\r") {
		t.Fatal("testdata/cr-only.spdx must end its lines in CR only (was it converted on checkout?)")
	}
	got, err := Decode("cr-only.spdx", data, sbom.EncodingTagValue)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	var warnings []string
	for _, w := range got.Warnings {
		warnings = append(warnings, w.Error())
	}
	want := []string{"cr-only.spdx: line 1: spdx: lines end in a bare carriage return (CR); read as line feeds"}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	wantComps := []sbom.Component{{
		Ref:         "SPDXRef-libcr",
		Name:        "libcr",
		Version:     "1.0",
		Supplier:    &sbom.Party{Name: "CR Inc.", Kind: "organization"},
		Description: "A package\nwhose summary spans lines.",
		Licenses:    []string{"MIT"},
	}}
	if diff := cmp.Diff(wantComps, got.Components); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if got.SpecVersion != "2.2" {
		t.Errorf("SpecVersion %q, want 2.2", got.SpecVersion)
	}
}

// TestDecodeErrors checks that fatal faults name the file and the place.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		enc   sbom.Encoding
		place string
		text  string
	}{
		{"truncated JSON", readTestdata(t, "truncated.spdx.json"), sbom.EncodingJSON, "line 51, column 26", "unexpected end of JSON input"},
		{"wrong type", readTestdata(t, "wrongtype.spdx.json"), sbom.EncodingJSON, "/packages/1/versionInfo", "is a JSON number, want a string"},
		{"wrong type after a repair", []byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[` +
			`{"SPDXID":"a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b","checksums":{}}]}`), sbom.EncodingJSON,
			"/packages/1/checksums", "is a JSON object, want an array"},
		{"not an object", []byte(`["SPDXID"]`), sbom.EncodingJSON, "", "is a JSON array, want an object"},
		{"identifier of the wrong type", []byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"SPDXID":7}]}`),
			sbom.EncodingJSON, "/packages/0/SPDXID", "SPDXID is a number, want a string"},
		{"JSON version", []byte(`{"spdxVersion":"SPDX-3.0","SPDXID":"SPDXRef-DOCUMENT"}`), sbom.EncodingJSON, "/spdxVersion", `unsupported spdxVersion "SPDX-3.0"`},
		{"garbage tag-value", readTestdata(t, "garbage.spdx"), sbom.EncodingTagValue, "line 4", `no colon in "this line is no tag-value pair"`},
		{"library error located", readTestdata(t, "bad-checksum.spdx"), sbom.EncodingTagValue, "line 12, column 1", "unknown checksum type SHA999"},
		{"unclosed text", []byte("SPDXVersion: SPDX-2.3\nDocumentComment: <text>never\nclosed\n"), sbom.EncodingTagValue, "line 2, column 1", "never closed"},
		{"tag-value version", []byte("SPDXVersion: SPDX-1.2\n"), sbom.EncodingTagValue, "line 1, column 1", `unsupported SPDXVersion "SPDX-1.2"`},
		{"no version", []byte("DataLicense: CC0-1.0\n"), sbom.EncodingTagValue, "", "no SPDXVersion tag"},
		{"encoding", []byte("{}"), sbom.EncodingXML, "", "unsupported encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("f", tt.data, tt.enc)
			var ie *input.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *input.Error", err, err)
			}
			if ie.File != "f" || ie.Place() != tt.place || !strings.Contains(ie.Message(), tt.text) || !strings.HasPrefix(ie.Message(), "spdx: ") {
				t.Errorf("error %q, want at %q, containing %q", err, tt.place, tt.text)
			}
		})
	}
}

// TestDecodeRepairs checks each repair and its warning on small documents.
func TestDecodeRepairs(t *testing.T) {
	const head = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: d\nDocumentNamespace: https://example.com/d\nCreator: Tool: t\nCreated: 2024-01-01T00:00:00Z\n"
	jsonDoc := func(pkgs, rels string) []byte {
		return []byte(`{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"d",` +
			`"documentNamespace":"https://example.com/d","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: t"]},` +
			`"packages":[` + pkgs + `],"relationships":[` + rels + `]}`)
	}
	tests := []struct {
		name     string
		data     []byte
		enc      sbom.Encoding
		warnings []string
		check    func(t *testing.T, d *sbom.Document)
	}{
		{
			name: "json ids without SPDXRef-",
			data: jsonDoc(`{"SPDXID":"a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b"}`,
				`{"spdxElementId":"a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-b"},`+
					`{"spdxElementId":"SPDXRef-b","relationshipType":"DEPENDENCY_OF","relatedSpdxElement":"a"}`),
			enc:      sbom.EncodingJSON,
			warnings: []string{`f: /packages/0/SPDXID: spdx: SPDX identifier "a" lacks the "SPDXRef-" prefix; read as "SPDXRef-a"`},
			check: func(t *testing.T, d *sbom.Document) {
				want := []sbom.Dependency{{Ref: "SPDXRef-a", DependsOn: []string{"SPDXRef-b"}}}
				if diff := cmp.Diff(want, d.Dependencies); diff != "" {
					t.Errorf("dependencies (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "json parties without a type",
			data: jsonDoc(`{"SPDXID":"SPDXRef-a","name":"a","supplier":"ACME Corp","originator":"Jo Bloggs <jo@example.com>"},`+
				`{"SPDXID":"SPDXRef-b","name":"b","supplier":"organization: Lower Case Inc."}`, ``),
			enc: sbom.EncodingJSON,
			warnings: []string{
				`f: /packages/0/supplier: spdx: supplier "ACME Corp" has none of the prefixes "Person: ", "Organization: "; read as "Organization: ACME Corp"`,
				`f: /packages/0/originator: spdx: originator "Jo Bloggs <jo@example.com>" has none of the prefixes "Person: ", "Organization: "; read as "Person: Jo Bloggs <jo@example.com>"`,
				`f: /packages/1/supplier: spdx: supplier type "organization" is spelled "Organization"; read as "Organization: Lower Case Inc."`,
			},
			check: func(t *testing.T, d *sbom.Document) {
				want := []*sbom.Party{{Name: "ACME Corp", Kind: "organization"}, {Name: "Jo Bloggs", Email: "jo@example.com", Kind: "person"},
					{Name: "Lower Case Inc.", Kind: "organization"}}
				got := []*sbom.Party{d.Components[0].Supplier, d.Components[0].Originator, d.Components[1].Supplier}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("parties (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:     "json supplier type the library lets through",
			data:     jsonDoc(`{"SPDXID":"SPDXRef-a","name":"a","supplier":"https://example.com"}`, ``),
			enc:      sbom.EncodingJSON,
			warnings: []string{`f: /packages/0/supplier: spdx: supplier "https://example.com" has none of the prefixes "Person: ", "Organization: "; read as "Organization: https://example.com"`},
		},
		{
			name: "tag-value tags, ids and parties",
			data: []byte(head + "packagename: a\nSPDXID: a\nPackageSupplier: ACME Corp\nPackageLicenseComment: tag lacks its s\n" +
				"Bogus: dropped\nPackageName: b\nSPDXID: SPDXRef-b\nRelationship: a DEPENDS_ON SPDXRef-b\n"),
			enc: sbom.EncodingTagValue,
			warnings: []string{
				`f: line 8, column 1: spdx: tag "packagename" read as "PackageName"`,
				`f: line 9: spdx: SPDX identifier "a" lacks the "SPDXRef-" prefix; read as "SPDXRef-a"`,
				`f: line 10: spdx: PackageSupplier "ACME Corp" has none of the prefixes "Person: ", "Organization: "; read as "Organization: ACME Corp"`,
				`f: line 11, column 1: spdx: tag "PackageLicenseComment" read as "PackageLicenseComments"`,
				`f: line 12, column 1: spdx: unknown tag "Bogus" in the package section; ignored`,
			},
			check: func(t *testing.T, d *sbom.Document) {
				want := []sbom.Dependency{{Ref: "SPDXRef-a", DependsOn: []string{"SPDXRef-b"}}}
				if diff := cmp.Diff(want, d.Dependencies); diff != "" {
					t.Errorf("dependencies (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "tag-value SPDXID before its package",
			data: []byte(head + "SPDXID: SPDXRef-a\nPackageName: a\nPackageVersion: 1\n\nSPDXID: SPDXRef-b\nPackageName: b\n"),
			enc:  sbom.EncodingTagValue,
			warnings: []string{
				`f: line 8: spdx: SPDXID "SPDXRef-a" comes before the PackageName on line 9 that it identifies; read after it`,
				`f: line 12: spdx: SPDXID "SPDXRef-b" comes before the PackageName on line 13 that it identifies; read after it`,
			},
			check: func(t *testing.T, d *sbom.Document) {
				if len(d.Components) != 2 || d.Components[0].Ref != "SPDXRef-a" || d.Components[0].Version != "1" || d.Components[1].Ref != "SPDXRef-b" {
					t.Errorf("components %+v", d.Components)
				}
			},
		},
		{
			name: "CRLF is no defect",
			data: []byte(strings.ReplaceAll(head+"PackageName: a\nSPDXID: SPDXRef-a\n", "\n", "\r\n")),
			enc:  sbom.EncodingTagValue,
		},
		{
			name:     "duplicate identifiers",
			data:     jsonDoc(`{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1"},{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"2"}`, ``),
			enc:      sbom.EncodingJSON,
			warnings: []string{`f: /packages/1/SPDXID: spdx: SPDX identifier "SPDXRef-a" also identifies an earlier package (a@1); read as "SPDXRef-a-2"`},
		},
		{
			name: "null package",
			data: jsonDoc(`null,{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-a","name":"b"}`,
				`{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-a-2"}`),
			enc: sbom.EncodingJSON,
			warnings: []string{
				`f: /packages/0: spdx: package is null; ignored`,
				`f: /packages/2/SPDXID: spdx: SPDX identifier "SPDXRef-a" also identifies an earlier package (a); read as "SPDXRef-a-2"`,
				`f: /relationships/0: spdx: DEPENDS_ON relationship refers to "SPDXRef-a-2", which the document does not define; ignored`,
			},
			check: func(t *testing.T, d *sbom.Document) {
				if len(d.Components) != 2 || d.Components[0].Name != "a" || d.Components[1].Ref != "SPDXRef-a-2" {
					t.Errorf("components %+v", d.Components)
				}
			},
		},
		{
			name: "json escapes in values tools-golang reads raw",
			data: jsonDoc(`{"SPDXID":"SPDXRef-a","name":"a","supplier":"Organization: ACME \"Widgets\" Caf\u00e9"}`, ``),
			enc:  sbom.EncodingJSON,
			check: func(t *testing.T, d *sbom.Document) {
				if got := d.Components[0].Supplier.Name; got != `ACME "Widgets" Café` {
					t.Errorf("supplier %q", got)
				}
			},
		},
		{
			name:     "created is no RFC 3339 time",
			data:     []byte(strings.Replace(head, "2024-01-01T00:00:00Z", "2024-01-01 00:00", 1)),
			enc:      sbom.EncodingTagValue,
			warnings: []string{`f: line 7, column 1: spdx: created "2024-01-01 00:00" is no RFC 3339 date and time; kept as text only`},
			check: func(t *testing.T, d *sbom.Document) {
				if !d.Timestamp.IsZero() || d.TimestampRaw != "2024-01-01 00:00" {
					t.Errorf("Timestamp %v, TimestampRaw %q", d.Timestamp, d.TimestampRaw)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decode("f", tt.data, tt.enc)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var warnings []string
			for _, w := range d.Warnings {
				warnings = append(warnings, w.Error())
			}
			if diff := cmp.Diff(tt.warnings, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}
