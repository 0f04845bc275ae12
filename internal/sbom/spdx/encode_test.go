package spdx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/sbom"
)

// cdxLikeDoc has what a CycloneDX document brings that SPDX has no field
// for: refs that are no SPDX identifiers, groups, scopes, free license
// names, a third license, a hash algorithm SPDX lacks, identifiers of
// several schemes, nested components, properties, markings.
func cdxLikeDoc() *sbom.Document {
	return &sbom.Document{
		Format:       sbom.FormatCycloneDX,
		SpecVersion:  "1.6",
		Encoding:     sbom.EncodingJSON,
		SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		Version:      3,
		Authors:      []sbom.Party{{Name: "Jane Doe", Email: "jane@example.com", Kind: "person"}, {Name: "Example Medical"}},
		Tools:        []sbom.Tool{{Vendor: "CycloneDX", Name: "cyclonedx-gomod", Version: "1.6.0"}},
		Supplier:     &sbom.Party{Name: "Example Medical", URLs: []string{"https://example.com"}},
		Manufacturer: &sbom.Party{Name: "Example Medical Devices GmbH", Kind: "organization"},
		Timestamp:    time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
		Lifecycles:   []string{"build", "my custom phase"},
		PrimaryRef:   "pkg:generic/example/pump@4.2.0",
		Components: []sbom.Component{
			{
				Ref:       "pkg:generic/example/pump@4.2.0",
				Type:      "device",
				Name:      "pump",
				Version:   "4.2.0",
				Supplier:  &sbom.Party{Name: "Example Medical", Email: "psirt@example.com", Kind: "organization"},
				PURL:      "pkg:generic/example/pump@4.2.0",
				Licenses:  []string{"LicenseRef-Proprietary"},
				Hashes:    []sbom.Hash{{Algorithm: "SHA-256", Value: "aa"}, {Algorithm: "SHA3-224", Value: "bb"}},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2030-12-31"},
				Unknown:   []sbom.Element{sbom.ElementProducer},
				Withheld:  []sbom.Element{sbom.ElementIdentifiers},
			},
			{
				Ref:          "openssl",
				Parent:       "pkg:generic/example/pump@4.2.0",
				Type:         "library",
				Group:        "org.openssl",
				Name:         "openssl",
				Version:      "3.0.13",
				Description:  "TLS library",
				Scope:        "required",
				Authors:      []sbom.Party{{Name: "Eric Young", Email: "eay@cryptsoft.com", Kind: "person"}},
				Manufacturer: &sbom.Party{Name: "OpenSSL Software Foundation", Kind: "organization"},
				Publisher:    "OpenSSL Project",
				Originator:   &sbom.Party{Name: "OpenSSL Project", Kind: "organization"},
				PURL:         "pkg:generic/openssl@3.0.13",
				CPEs:         []string{"cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*", "cpe:/a:openssl:openssl:3.0.13"},
				Identifiers: []sbom.Identifier{
					{Type: "swid", Value: "swid:2df9de35"},
					{Type: "omnibor", Value: "gitoid:blob:sha1:261eeb9e"},
					{Type: "swhid", Value: "swh:1:cnt:94a9ed02"},
					{Type: "gav", Value: "org.openssl:openssl:3.0.13"},
				},
				Licenses:  []string{"Apache-2.0", "OpenSSL", "ASL 2.0 and BSD"},
				Copyright: "Copyright The OpenSSL Project Authors",
				ExternalRefs: []sbom.ExternalRef{
					{Type: "vcs", URL: "https://github.com/openssl/openssl"},
					{Type: "distribution", URL: "https://www.openssl.org/source/openssl-3.0.13.tar.gz"},
					{Type: "website", URL: "https://www.openssl.org"},
					{Type: "website", URL: "https://openssl-library.org"},
				},
				Properties: []sbom.Property{
					{Name: "cdx:npm:package:development", Value: "false; x=y\nsecond line"},
					{Name: propSourceInfo, Value: "built from source"},
					{Name: sbom.PropLevelOfSupport, Value: "this copy is regenerated"},
				},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportNoLonger, EndOfSupport: "2026-09-07", Justification: "LTS ends"},
			},
			{
				Name:     "anomaly-detector",
				Type:     "machine-learning-model",
				Licenses: []string{"ASL 2.0 and BSD"},
				Unknown:  []sbom.Element{sbom.ElementVersion, sbom.ElementSupplier, sbom.ElementLicense},
			},
			{Ref: "dup", Name: "x", Version: "1"},
			{Ref: "dup", Name: "y", Version: "2", Withheld: []sbom.Element{sbom.ElementSupplier}},
		},
		Dependencies: []sbom.Dependency{
			{Ref: "pkg:generic/example/pump@4.2.0", DependsOn: []string{"openssl", "dup", "nowhere"}},
			{Ref: "openssl"},
			{Ref: "nowhere", DependsOn: []string{"openssl"}},
		},
		Properties: []sbom.Property{{Name: "custom", Value: "v"}, {Name: sbom.PropUnknownInformation, Value: "stale copy"}},
		Unknown:    []sbom.Element{sbom.ElementGenerationContext},
	}
}

// TestEncodeModel writes a CycloneDX-like model, checks the output against
// the SPDX 2.3 schema, and reads it back.
func TestEncodeModel(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, cdxLikeDoc()); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	validate(t, schemaValidator(t), buf.Bytes())
	got, err := Decode("out.spdx.json", buf.Bytes(), sbom.EncodingJSON)
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, buf.String())
	}
	pump := "SPDXRef-pkg-generic-example-pump-4.2.0"
	want := &sbom.Document{
		Format:       sbom.FormatSPDX,
		SpecVersion:  "2.3",
		Encoding:     sbom.EncodingJSON,
		SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		Version:      3,
		Name:         "pump@4.2.0",
		DataLicense:  "CC0-1.0",
		Authors:      []sbom.Party{{Name: "Jane Doe", Email: "jane@example.com", Kind: "person"}, {Name: "Example Medical", Kind: "organization"}},
		Tools:        []sbom.Tool{{Name: "cyclonedx-gomod", Version: "1.6.0"}, {Name: "medvigil"}},
		Supplier:     &sbom.Party{Name: "Example Medical", Kind: "organization"},
		Manufacturer: &sbom.Party{Name: "Example Medical Devices GmbH", Kind: "organization"},
		Timestamp:    time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
		TimestampRaw: "2025-03-01T10:00:00Z",
		Lifecycles:   []string{"build", "my custom phase"},
		PrimaryRef:   pump,
		Components: []sbom.Component{
			{
				Ref:      pump,
				Type:     "device",
				Name:     "pump",
				Version:  "4.2.0",
				Supplier: &sbom.Party{Name: "Example Medical", Email: "psirt@example.com", Kind: "organization"},
				PURL:     "pkg:generic/example/pump@4.2.0",
				Licenses: []string{"LicenseRef-Proprietary"},
				Hashes:   []sbom.Hash{{Algorithm: "SHA-256", Value: "aa"}, {Algorithm: "SHA3-224", Value: "bb"}},
				Properties: []sbom.Property{
					{Name: sbom.PropLevelOfSupport, Value: "actively-maintained"},
					{Name: sbom.PropEndOfSupportDate, Value: "2030-12-31"},
					{Name: sbom.PropWithheldInformation, Value: "identifiers"},
				},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2030-12-31"},
				Unknown:   []sbom.Element{sbom.ElementProducer},
				Withheld:  []sbom.Element{sbom.ElementIdentifiers},
			},
			{
				Ref:          "SPDXRef-openssl",
				Parent:       pump,
				Type:         "library",
				Group:        "org.openssl",
				Name:         "openssl",
				Version:      "3.0.13",
				Description:  "TLS library",
				Scope:        "required",
				Authors:      []sbom.Party{{Name: "Eric Young", Email: "eay@cryptsoft.com", Kind: "person"}},
				Manufacturer: &sbom.Party{Name: "OpenSSL Software Foundation", Kind: "organization"},
				Publisher:    "OpenSSL Project",
				Originator:   &sbom.Party{Name: "OpenSSL Project", Kind: "organization"},
				PURL:         "pkg:generic/openssl@3.0.13",
				CPEs:         []string{"cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*", "cpe:/a:openssl:openssl:3.0.13"},
				Identifiers: []sbom.Identifier{
					{Type: "swid", Value: "swid:2df9de35"},
					{Type: "omnibor", Value: "gitoid:blob:sha1:261eeb9e"},
					{Type: "swhid", Value: "swh:1:cnt:94a9ed02"},
					{Type: "gav", Value: "org.openssl:openssl:3.0.13"},
				},
				Licenses:  []string{"Apache-2.0", "OpenSSL", "ASL 2.0 and BSD"},
				Copyright: "Copyright The OpenSSL Project Authors",
				ExternalRefs: []sbom.ExternalRef{
					{Type: "distribution", URL: "https://www.openssl.org/source/openssl-3.0.13.tar.gz"},
					{Type: "website", URL: "https://www.openssl.org"},
					{Type: "vcs", URL: "https://github.com/openssl/openssl"},
					{Type: "website", URL: "https://openssl-library.org"},
				},
				Properties: []sbom.Property{
					{Name: sbom.PropLevelOfSupport, Value: "no-longer-maintained"},
					{Name: sbom.PropEndOfSupportDate, Value: "2026-09-07"},
					{Name: sbom.PropJustification, Value: "LTS ends"},
					{Name: "cdx:npm:package:development", Value: "false; x=y\nsecond line"},
					{Name: propSourceInfo, Value: "built from source"},
				},
				Lifecycle: sbom.Lifecycle{LevelOfSupport: sbom.SupportNoLonger, EndOfSupport: "2026-09-07", Justification: "LTS ends"},
			},
			{
				Ref:      "SPDXRef-Package-3",
				Name:     "anomaly-detector",
				Type:     "machine-learning-model",
				Licenses: []string{"ASL 2.0 and BSD"},
				// Version and supplier say NOASSERTION; the license, which is
				// there and yet marked unknown, needs the annotation.
				Properties: []sbom.Property{{Name: sbom.PropUnknownInformation, Value: "license"}},
				Unknown:    []sbom.Element{sbom.ElementVersion, sbom.ElementSupplier, sbom.ElementLicense},
			},
			{Ref: "SPDXRef-dup", Name: "x", Version: "1"},
			{
				Ref: "SPDXRef-dup-2", Name: "y", Version: "2",
				Properties: []sbom.Property{{Name: sbom.PropWithheldInformation, Value: "supplier"}},
				Withheld:   []sbom.Element{sbom.ElementSupplier},
			},
		},
		Dependencies: []sbom.Dependency{
			{Ref: pump, DependsOn: []string{"SPDXRef-openssl", "SPDXRef-dup"}},
			{Ref: "SPDXRef-openssl"},
		},
		Properties: []sbom.Property{{Name: sbom.PropUnknownInformation, Value: "generation-context"}, {Name: "custom", Value: "v"}},
		Unknown:    []sbom.Element{sbom.ElementGenerationContext},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s\n%s", diff, buf.String())
	}
}

func TestEncodeDetails(t *testing.T) {
	encode := func(t *testing.T, d *sbom.Document) map[string]any {
		t.Helper()
		var buf bytes.Buffer
		if err := Encode(&buf, d); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		var out map[string]any
		if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Run("namespace from a non-URI serial number", func(t *testing.T) {
		d := &sbom.Document{Name: "my sbom", SerialNumber: "not a uri", Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
		ns, _ := encode(t, d)["documentNamespace"].(string)
		if !strings.HasPrefix(ns, "https://medvigil.invalid/spdx/my-sbom-") || ns != encode(t, d)["documentNamespace"] {
			t.Errorf("documentNamespace %q: want a stable https://medvigil.invalid/spdx/my-sbom-<hash>", ns)
		}
	})
	t.Run("created is UTC with Z", func(t *testing.T) {
		d := &sbom.Document{Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 999, time.FixedZone("CET", 3600))}
		ci, _ := encode(t, d)["creationInfo"].(map[string]any)
		if ci["created"] != "2025-01-02T02:04:05Z" {
			t.Errorf("created %v", ci["created"])
		}
	})
	t.Run("nil document", func(t *testing.T) {
		if err := Encode(&bytes.Buffer{}, nil); err == nil || !strings.HasPrefix(err.Error(), "spdx: ") {
			t.Errorf("error %v", err)
		}
	})
}
