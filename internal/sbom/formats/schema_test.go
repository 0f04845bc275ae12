package formats_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/realdata"
)

// compileSchema compiles the official JSON schema at dir/main, registering
// every other *.json file in dir under its own $id so relative $refs resolve
// offline. Formats are asserted, as the schemas intend.
func compileSchema(t *testing.T, dir, main string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var mainID string
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".json" {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("schema %s: %v", e.Name(), err)
		}
		id := "file:///" + e.Name()
		if m, ok := doc.(map[string]any); ok {
			if s, ok := m["$id"].(string); ok && s != "" {
				id = s
			}
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatalf("schema %s: %v", e.Name(), err)
		}
		if e.Name() == main {
			mainID = id
		}
	}
	s, err := c.Compile(mainID)
	if err != nil {
		t.Fatalf("compile %s: %v", main, err)
	}
	return s
}

func validateJSON(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: output is not JSON: %v", name, err)
		return
	}
	if err := s.Validate(inst); err != nil {
		msg := err.Error()
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		t.Errorf("%s: output fails the official schema:\n%s", name, msg)
	}
}

// xmllint returns the path of xmllint (libxml2-utils), the reference XSD
// validator; CI installs it, elsewhere its absence skips the XML checks.
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		realdata.Missing(t, "xmllint (Debian package libxml2-utils), to validate CycloneDX XML against bom-1.6.xsd")
	}
	return p
}

func validateXML(t *testing.T, lint, xsd, name string, data []byte) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "bom.xml")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// bom-1.6.xsd imports the SPDX license schema by its URL; a catalog maps
	// that URL to the copy beside it, so validation works offline.
	catalog := filepath.Join(t.TempDir(), "catalog.xml")
	spdxXSD := filepath.Join(filepath.Dir(xsd), "spdx.xsd")
	cat := `<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="http://cyclonedx.org/schema/spdx" uri="file://` + spdxXSD + `"/>
  <system systemId="http://cyclonedx.org/schema/spdx" uri="file://` + spdxXSD + `"/>
</catalog>`
	if err := os.WriteFile(catalog, []byte(cat), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lint, "--noout", "--nonet", "--schema", xsd, f)
	cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+catalog)
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := string(out)
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		t.Errorf("%s: XML output fails bom-1.6.xsd: %v\n%s", name, err, msg)
	}
}
