package cyclonedx

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/realdata"
	"medvigil/internal/tests/schematest"
)

// schemaLoader loads the CycloneDX schemas from the shared copy: it maps
// each $id URL to the file of that name in dir, so $refs resolve offline.
type schemaLoader struct{ dir string }

// Load implements jsonschema.URLLoader.
func (l schemaLoader) Load(url string) (any, error) {
	files := map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	}
	name, ok := files[url]
	if !ok {
		return nil, fmt.Errorf("no local copy of %s", url)
	}
	f, err := os.Open(filepath.Join(l.dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// bomSchema compiles the official CycloneDX 1.6 JSON schema, with format
// assertions on as the schema (draft-07) intends.
func bomSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.Compile(t, realdata.Data(t, "schemas", "cyclonedx"), "bom-1.6.schema.json")
}

// validateJSON fails the test when data does not validate against s.
func validateJSON(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := s.Validate(inst); err != nil {
		msg := err.Error()
		if len(msg) > 3000 {
			msg = msg[:3000] + "…"
		}
		t.Errorf("output fails bom-1.6.schema.json:\n%s", msg)
	}
}

// xsdValidator returns a function that validates CycloneDX XML against
// bom-1.6.xsd with xmllint (Debian package libxml2-utils), the reference
// XSD validator; without xmllint the calling test fails under CI and skips
// elsewhere. The XSD imports the SPDX license list from
// http://cyclonedx.org/schema/spdx; an XML catalog maps it to the local
// spdx.xsd, so xmllint runs with --nonet.
func xsdValidator(t *testing.T) func(t *testing.T, data []byte) {
	t.Helper()
	dir := realdata.Data(t, "schemas", "cyclonedx")
	xsd := filepath.Join(dir, "bom-1.6.xsd")
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		realdata.Missing(t, "xmllint (Debian package libxml2-utils), to validate CycloneDX XML against bom-1.6.xsd")
	}
	spdx, err := filepath.Abs(filepath.Join(dir, "spdx.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	catalog := filepath.Join(t.TempDir(), "catalog.xml")
	err = os.WriteFile(catalog, []byte(`<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="http://cyclonedx.org/schema/spdx" uri="file://`+filepath.ToSlash(spdx)+`"/>
  <system systemId="http://cyclonedx.org/schema/spdx" uri="file://`+filepath.ToSlash(spdx)+`"/>
</catalog>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return func(t *testing.T, data []byte) {
		t.Helper()
		f := filepath.Join(t.TempDir(), "bom.xml")
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(lint, "--noout", "--nonet", "--schema", xsd, f)
		cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+catalog)
		out, err := cmd.CombinedOutput()
		if err != nil {
			msg := string(out)
			if len(msg) > 3000 {
				msg = msg[:3000] + "…"
			}
			t.Errorf("output fails bom-1.6.xsd: %v\n%s", err, msg)
		}
	}
}
