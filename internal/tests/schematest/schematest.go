// Package schematest compiles the official JSON schemas (CycloneDX, SPDX,
// OSV, CSAF, … in ../shared/data/schemas) for tests, offline, and validates
// documents against them. It is imported by tests only.
//
// It may import santhosh-tekuri/jsonschema.
package schematest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Compile compiles the schema dir/main, registering every other *.json file
// of dir under its own $id (else file:///NAME) so that relative references
// resolve offline. Formats are asserted, as the schemas intend.
func Compile(t testing.TB, dir, main string) *jsonschema.Schema {
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
	if mainID == "" {
		t.Fatalf("schema %s not found in %s", main, dir)
	}
	s, err := c.Compile(mainID)
	if err != nil {
		t.Fatalf("compile %s: %v", main, err)
	}
	return s
}

// Validate reports (t.Errorf) when data is not JSON or fails s; long
// validation messages are cut at 2,000 bytes.
func Validate(t testing.TB, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: not JSON: %v", name, err)
		return
	}
	if err := s.Validate(inst); err != nil {
		msg := err.Error()
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		t.Errorf("%s fails the official schema:\n%s", name, msg)
	}
}
