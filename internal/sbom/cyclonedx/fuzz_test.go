package cyclonedx

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// FuzzDecodeJSON checks that no JSON input makes Decode panic or fail
// without an *input.Error, and that whatever it reads is written as valid
// CycloneDX 1.6 that reads back with the same number of components.
func FuzzDecodeJSON(f *testing.F) { fuzzDecode(f, sbom.EncodingJSON) }

// FuzzDecodeXML is FuzzDecodeJSON for XML input.
func FuzzDecodeXML(f *testing.F) { fuzzDecode(f, sbom.EncodingXML) }

func fuzzDecode(f *testing.F, enc sbom.Encoding) {
	ext := "." + string(enc)
	seeds, err := filepath.Glob(filepath.Join("testdata", "*"+ext))
	if err != nil {
		f.Fatal(err)
	}
	// The shared real SBOMs are seeds too when they are there (their
	// absence must not skip the fuzz target), up to maxSeedSize: mutating
	// and minimizing megabyte inputs stalls the fuzzer.
	const maxSeedSize = 32 << 10
	shared := filepath.Join(realdata.Root(f), "..", "shared", "data")
	_ = filepath.WalkDir(filepath.Join(shared, "sboms", "cyclonedx"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Size() <= maxSeedSize {
			seeds = append(seeds, p)
		}
		return nil
	})
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	schema := fuzzSchema(filepath.Join(shared, "schemas", "cyclonedx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode("fuzz", data, enc)
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.File != "fuzz" {
				t.Fatalf("Decode error %v (%T) is not an *input.Error naming the file", err, err)
			}
			return
		}
		for _, out := range []sbom.Encoding{sbom.EncodingJSON, sbom.EncodingXML} {
			var buf bytes.Buffer
			if err := Encode(&buf, doc, out); err != nil {
				t.Fatalf("Encode %s: %v", out, err)
			}
			if out == sbom.EncodingJSON && schema != nil {
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatalf("JSON output does not parse: %v", err)
				}
				if err := schema.Validate(inst); err != nil {
					t.Fatalf("JSON output fails the 1.6 schema: %v\n%s", err, buf.Bytes())
				}
			}
			back, err := Decode("again", buf.Bytes(), out)
			if err != nil {
				t.Fatalf("Decode the %s output: %v\n%s", out, err, buf.Bytes())
			}
			if len(back.Components) != len(doc.Components) {
				t.Fatalf("%s round trip: %d components, want %d", out, len(back.Components), len(doc.Components))
			}
		}
	})
}

// fuzzSchema compiles the 1.6 JSON schema from dir, or returns nil when
// the shared schemas are not there.
func fuzzSchema(dir string) *jsonschema.Schema {
	if _, err := os.Stat(filepath.Join(dir, "bom-1.6.schema.json")); err != nil {
		return nil
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(schemaLoader{dir: dir})
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		return nil
	}
	return s
}
