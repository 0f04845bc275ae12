package spdx

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// defects lists the real files that carry defects, with the place and a
// piece of the text of their first warning. Every other real file must read
// with no warning at all.
func defects() map[string]struct{ place, text string } {
	return map[string]struct{ place, text string }{
		// The seven files tools-golang refuses.
		"bom-shelter/in-the-wild/grype-sbom.spdx.json":                              {"/packages/1/originator", `"Georg Brandl <georg@python.org>" has none of the prefixes`},
		"bom-shelter/in-the-wild/helm-controller_0.16.0_sbom.spdx.json":             {"/files/0/SPDXID", `"1fba54c80561c201" lacks the "SPDXRef-" prefix`},
		"bom-shelter/in-the-wild/image-automation-controller_0.20.0_sbom.spdx.json": {"/files/0/SPDXID", `"9c9ebe424f09bf0e" lacks the "SPDXRef-" prefix`},
		"bom-shelter/in-the-wild/notification-controller_0.21.0_sbom.spdx.json":     {"/files/0/SPDXID", `"1fba54c80561c201" lacks the "SPDXRef-" prefix`},
		"bom-shelter/in-the-wild/missionlz.spdx.json":                               {"/packages/0/supplier", `"Microsoft/GitHub" has none of the prefixes`},
		"bom-shelter/in-the-wild/vast-sbom.spdx":                                    {"line 7", `SPDXID "SPDXRef-File" comes before the FileName on line 8`},
		"bom-shelter/in-the-wild/xml2json-sbom.spdx":                                {"line 1", "bare carriage return"},
		// Files the library reads whose content is defective all the same.
		"bom-shelter/in-the-lab/spdx-trivy-amazon_aws-sam-cli-build-image-python3.8-sha256_ca3ad925bdd423fc215b4c93e719bb4154ae02126133d2695f91a2fb2da2525e.json": {"/relationships/0", "DESCRIBE is no SPDX type"},
		"bom-shelter/in-the-lab/spdx-trivy-astronomerinc_ap-airflow-sha256_0391030ae110b49ad233e08e8655b28bf45ac92468e1ba0164d5c343e9d4cb98.json":                 {"/relationships/0", "DESCRIBE is no SPDX type"},
		"bom-shelter/in-the-lab/spdx-trivy-bitnami_airflow-sha256_54f8f50a65031baf541301b7461a9bb8e02b19c01914d9713f182838441f60f4.json":                          {"/relationships/0", "DESCRIBE is no SPDX type"},
		"bom-shelter/in-the-lab/spdx-trivy-bitnami_jupyter-base-notebook-sha256_b831bfa3de4718272ffbf8e1aa409f90bd19ee92ff0cbb04d36029c7eae154fc.json":            {"/relationships/0", "DESCRIBE is no SPDX type"},
		"bom-shelter/in-the-wild/chronicle-sbom.spdx.json":      {"/packages/27/SPDXID", "also identifies an earlier package"},
		"bom-shelter/in-the-wild/microsoft-sbom-tool.spdx.json": {"/packages/61/externalRefs/0", "is no package URL"},
	}
}

func TestDecodeRealFiles(t *testing.T) {
	dir := realdata.Data(t, "sboms", "spdx")
	files := realFiles(t, dir)
	want := defects()
	for f := range want {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("expected real file: %v", err)
		}
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Decode(f, data, encodingOf(data))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got, want := len(doc.Components), packageCount(t, data); got != want {
				t.Errorf("%d components, want %d (the packages in the file)", got, want)
			}
			if doc.Format != sbom.FormatSPDX || doc.Encoding != encodingOf(data) || !strings.HasPrefix(doc.SpecVersion, "2.") {
				t.Errorf("format %q %q %q", doc.Format, doc.Encoding, doc.SpecVersion)
			}
			w, defective := want[f]
			switch {
			case !defective && len(doc.Warnings) > 0:
				t.Errorf("%d warnings on a well-formed file, first: %v", len(doc.Warnings), doc.Warnings[0])
			case defective && len(doc.Warnings) == 0:
				t.Errorf("no warning, want one at %s", w.place)
			case defective:
				first := doc.Warnings[0]
				if first.File != f || first.Place() != w.place || !strings.Contains(first.Message(), w.text) {
					t.Errorf("first warning %q, want at %s, containing %q", first, w.place, w.text)
				}
			}
		})
	}
}

// TestRoundTripRealFiles reads every real file, writes it as SPDX 2.3 JSON
// (which must pass the official schema) and reads that again: components,
// edges, the primary component, lifecycle fields and markings must survive.
func TestRoundTripRealFiles(t *testing.T) {
	dir := realdata.Data(t, "sboms", "spdx")
	sch := schemaValidator(t)
	for _, f := range realFiles(t, dir) {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			first, err := Decode(f, data, encodingOf(data))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var buf bytes.Buffer
			if err := Encode(&buf, first); err != nil {
				t.Fatalf("Encode: %v", err)
			}
			validate(t, sch, buf.Bytes())
			second, err := Decode("out.spdx.json", buf.Bytes(), sbom.EncodingJSON)
			if err != nil {
				t.Fatalf("Decode of the output: %v", err)
			}
			compareRoundTrip(t, first, second)
			// Re-reading may repeat a defect the model keeps (an invalid
			// purl), never add one.
			seen := make(map[string]bool)
			for _, w := range first.Warnings {
				seen[w.Message()] = true
			}
			for _, w := range second.Warnings {
				if !seen[w.Message()] {
					t.Errorf("new warning on the output: %v", w)
				}
			}
		})
	}
}

func compareRoundTrip(t *testing.T, first, second *sbom.Document) {
	t.Helper()
	var a, b []summary
	for _, c := range first.Components {
		a = append(a, summarize(c))
	}
	for _, c := range second.Components {
		b = append(b, summarize(c))
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("components changed (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(edgeIndexes(first), edgeIndexes(second)); diff != "" {
		t.Errorf("dependency edges changed (-first +second):\n%s", diff)
	}
	if p, q := primaryIndex(first), primaryIndex(second); p != q {
		t.Errorf("primary component %d, then %d", p, q)
	}
}
