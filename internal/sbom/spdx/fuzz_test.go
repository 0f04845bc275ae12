package spdx

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// addSeeds adds the testdata fixtures and, when the shared data is checked
// out beside the repository, the real SPDX files of encoding enc.
func addSeeds(f *testing.F, enc sbom.Encoding) {
	add := func(path string) {
		data, err := os.ReadFile(path)
		if err == nil && encodingOf(data) == enc {
			f.Add(data)
		}
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			add(filepath.Join("testdata", e.Name()))
		}
	}
	shared := filepath.Join(realdata.Root(f), "..", "shared", "data", "sboms", "spdx")
	_ = filepath.WalkDir(shared, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			add(p)
		}
		return nil // a missing directory only means fewer seeds
	})
}

// fuzzDecode checks that Decode never panics, fails only with an
// *input.Error, and that what it reads survives Encode and Decode with the
// same number of components.
func fuzzDecode(t *testing.T, data []byte, enc sbom.Encoding) {
	data = bytes.ToValidUTF8(data, []byte("\uFFFD")) // as formats.Decode hands it over
	doc, err := Decode("fuzz", data, enc)
	if err != nil {
		var ie *input.Error
		if !errors.As(err, &ie) {
			t.Fatalf("error %v (%T) is no *input.Error", err, err)
		}
		return
	}
	var buf bytes.Buffer
	if err := Encode(&buf, doc); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	again, err := Decode("again", buf.Bytes(), sbom.EncodingJSON)
	if err != nil {
		t.Fatalf("Decode of the output: %v\n%s", err, buf.Bytes())
	}
	if len(again.Components) != len(doc.Components) {
		t.Fatalf("%d components, then %d", len(doc.Components), len(again.Components))
	}
}

func FuzzDecodeJSON(f *testing.F) {
	addSeeds(f, sbom.EncodingJSON)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, data, sbom.EncodingJSON) })
}

func FuzzDecodeTagValue(f *testing.F) {
	addSeeds(f, sbom.EncodingTagValue)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, data, sbom.EncodingTagValue) })
}
