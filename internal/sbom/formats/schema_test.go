package formats_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/realdata"
	"medvigil/internal/tests/schematest"
)

func compileSchema(t *testing.T, dir, main string) *jsonschema.Schema {
	t.Helper()
	return schematest.Compile(t, dir, main)
}

func validateJSON(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	schematest.Validate(t, s, name, data)
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
