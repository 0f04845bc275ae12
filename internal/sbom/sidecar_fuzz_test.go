package sbom

import (
	"bytes"
	"errors"
	"testing"

	"medvigil/internal/input"
)

// FuzzReadSidecar checks that no CSV makes ReadSidecar panic, that every
// failure is an *input.Error naming the file, and that accepted rows can be
// applied to a document.
func FuzzReadSidecar(f *testing.F) {
	f.Add([]byte("purl,name,version,level_of_support,end_of_support_date,end_of_life_date,justification\npkg:npm/a@1,,,unknown,2030-01-01,,why\n"))
	f.Add([]byte("name,version\nzlib,1.2.13\n\"bad\n"))
	f.Add([]byte("\ufeffNAME;x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadSidecar("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.File != "fuzz.csv" {
				t.Fatalf("error %v is not an *input.Error naming the file", err)
			}
			return
		}
		doc := &Document{Components: []Component{{Ref: "a", Name: "a", Version: "1", PURL: "pkg:npm/a@1"}}}
		ApplySidecar(doc, "fuzz.csv", rows)
	})
}
