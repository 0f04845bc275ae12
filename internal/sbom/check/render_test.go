package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// manyDoc is fullDoc with 12 more components that have neither supplier nor
// purl, one of them marked unknown, and a reading warning.
func manyDoc() *sbom.Document {
	d := fullDoc()
	for i := range 12 {
		d.Components = append(d.Components, sbom.Component{Ref: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("c%02d", i), Version: "1"})
	}
	d.Components[2].Unknown = []sbom.Element{sbom.ElementSupplier}
	d.Tools = nil
	d.Warnings = []*input.Error{input.AtPointer("bom.json", "/components/3/purl", errors.New("invalid purl \"x\""))}
	return d
}

func TestWriteText(t *testing.T) {
	rep := Run(manyDoc(), ProfileNTIA2021)
	rep.File = "bom.json"
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want := `File:       bom.json
Format:     CycloneDX 1.6 json
Profile:    ntia-2021
Components: 14
Result:     2 of 8 required elements MISSING

STATUS    ELEMENT                                      RESULT
covered   Machine-readable format                      present
MISSING   SBOM generation tool                         missing; not required
covered   Author of SBOM data                          present
covered   Timestamp                                    present
covered   Dependency relationship (primary component)  present
MISSING   Supplier name                                missing in 12 of 14 components; 1 explicitly marked unknown or withheld (not accepted by this profile)
                                                       - c00
                                                       - c01
                                                       - c02
                                                       - c03
                                                       - c04
                                                       - c05
                                                       - c06
                                                       - c07
                                                       - c08
                                                       - c09
                                                       … and 2 more
covered   Component name                               covered in all 14 components
covered   Version of the component                     covered in all 14 components
MISSING   Other unique identifiers                     missing in 12 of 14 components
                                                       - c00
                                                       - c01
                                                       - c02
                                                       - c03
                                                       - c04
                                                       - c05
                                                       - c06
                                                       - c07
                                                       - c08
                                                       - c09
                                                       … and 2 more

Warnings (1):
  /components/3/purl: invalid purl "x"
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteText (-want +got):\n%s", diff)
	}
}

func TestWriteTextCovered(t *testing.T) {
	d := fullDoc()
	d.Components[1].Hashes = nil
	d.Components[1].Unknown = []sbom.Element{sbom.ElementHash}
	rep := Run(d, ProfileCISA2026)
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"File:       -\n",
		"Result:     all 13 required elements covered\n",
		fmt.Sprintf("%-8s  %-28s  %s\n", "covered", "Component hash", "covered in all 2 components; 1 explicitly marked unknown or withheld (accepted)"),
	} {
		if !strings.Contains(buf.String(), line) {
			t.Errorf("WriteText lacks %q; got:\n%s", line, buf.String())
		}
	}
	if strings.Contains(buf.String(), "Warnings") {
		t.Errorf("WriteText lists warnings for a document without any:\n%s", buf.String())
	}
}

func TestWriteJSON(t *testing.T) {
	rep := Run(manyDoc(), ProfileFDAPremarket)
	rep.File = "bom.json"
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("WriteJSON output does not read back: %v", err)
	}
	if diff := cmp.Diff(rep, back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	var raw map[string]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	wantKeys := []string{"components", "covered", "elements", "encoding", "file", "format", "profile", "spec_version", "warnings"}
	if diff := cmp.Diff(wantKeys, keys, cmpSorted); diff != "" {
		t.Errorf("report keys (-want +got):\n%s", diff)
	}
	if !strings.Contains(buf.String(), `"missing_ids": [`) || !strings.Contains(buf.String(), `"marking_accepted": `) {
		t.Errorf("element fields not in snake_case:\n%s", buf.String())
	}
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// TestJSONSchema validates reports of every profile, as one object and as the
// array the CLI prints, against docs/schemas/sbom-check-report.schema.json.
func TestJSONSchema(t *testing.T) {
	path := filepath.Join(realdata.Root(t), "docs", "schemas", "sbom-check-report.schema.json")
	sch, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	var reports []Report
	for _, p := range Profiles() {
		for _, d := range []*sbom.Document{fullDoc(), spdxDoc(), manyDoc(), {Format: sbom.FormatSPDX, SpecVersion: "2.2", Encoding: sbom.EncodingTagValue}} {
			rep := Run(d, p)
			rep.File = "x.json"
			reports = append(reports, rep)
			var buf bytes.Buffer
			if err := rep.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			validate(t, sch, buf.Bytes())
		}
	}
	all, err := json.Marshal(reports)
	if err != nil {
		t.Fatal(err)
	}
	validate(t, sch, all)

	// The schema must reject what it promises to exclude.
	bad := strings.Replace(string(all), `"missing_ids"`, `"missingIds"`, 1)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate(inst) == nil {
		t.Error("schema accepts a report with a camelCase field")
	}
}

func validate(t *testing.T, sch *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("report does not match the schema: %v\n%s", err, data)
	}
}
