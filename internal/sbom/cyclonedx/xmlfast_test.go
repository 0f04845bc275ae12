package cyclonedx

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/synth"
)

// decodeBoth decodes data with the fast XML path and with cyclonedx-go,
// each followed by the same conversion; fast is false when the fast path
// gave up.
func decodeBoth(t *testing.T, name string, data []byte) (fastDoc, refDoc *sbom.Document, fast bool) {
	t.Helper()
	convert := func(w *wire) *sbom.Document {
		doc, err := (&reader{name: name, bom: w.bom}).document(sbom.EncodingXML, w)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return doc
	}
	ref, err := decodeXMLReference(name, data)
	w, ok := decodeXMLFast(data)
	if err != nil {
		if ok {
			t.Errorf("%s: the fast path read a document cyclonedx-go rejects (%v)", name, err)
		}
		return nil, nil, false
	}
	if !ok {
		return nil, convert(ref), false
	}
	return convert(w), convert(ref), true
}

// docOpts compare documents, warnings by their text.
var docOpts = cmp.Options{cmp.Comparer(func(a, b *input.Error) bool { return a.Error() == b.Error() })}

// TestFastXMLMatchesCycloneDXGo decodes every CycloneDX XML file of the
// shared data and of testdata both ways and wants the same document,
// warnings included. Every shared file must take the fast path.
func TestFastXMLMatchesCycloneDXGo(t *testing.T) {
	var files []string
	root := realdata.Data(t, "sboms")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".xml") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("%d CycloneDX XML files under %s, want the 8 shared ones", len(files), root)
	}
	shared := len(files)
	local, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	files = append(files, local...)
	for i, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fastDoc, refDoc, fast := decodeBoth(t, path, data)
			if !fast {
				if i < shared {
					t.Errorf("the fast path gave up on a shared SBOM")
				}
				return
			}
			if diff := cmp.Diff(refDoc, fastDoc, docOpts); diff != "" {
				t.Errorf("fast path (-cyclonedx-go +fast):\n%s", diff)
			}
		})
	}
}

// TestFastXMLSynthetic checks the fields the shared files lack (suppliers,
// lifecycle properties, CPEs, licenses) on a generated SBOM written by
// Encode, and edge cases of the scanner.
func TestFastXMLSynthetic(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, synth.Generate(300, 3), sbom.EncodingXML); err != nil {
		t.Fatal(err)
	}
	gen := buf.String()
	const head = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	const ns = `<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">`
	tests := []struct {
		name string
		doc  string
		fast bool // whether the fast path must take it
	}{
		{"generated", gen, true},
		{"entities, CDATA, comments, CRLF", head + ns + "<components><component type=\"library\" bom-ref=\"a&amp;b\">\r\n<name>x &lt;&#x41;&#66;&gt; <![CDATA[<raw&>]]><!-- c --> y</name><version>1\r2</version>" +
			"<purl>pkg:npm/x@1</purl><description>a<b>skipped</b>c</description></component></components></bom>", true},
		{"single quotes, spaces around =", head + `<bom xmlns='http://cyclonedx.org/schema/bom/1.5' version = ' 2 '><components><component type='library'><name>n</name></component></components></bom>`, true},
		{"prefixed root attributes", head + `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x"><components/></bom>`, true},
		{"unknown spec version", head + `<bom xmlns="urn:example" version="1"><components><component type="library"><name>n</name></component></components></bom>`, true},
		{"trailing data after the root", head + ns + `</bom>garbage`, true},
		{"prefixed elements", head + `<c:bom xmlns:c="http://cyclonedx.org/schema/bom/1.6"><c:components/></c:bom>`, false},
		{"DOCTYPE", `<!DOCTYPE bom>` + ns + `</bom>`, false},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + ns + `</bom>`, false},
		{"unknown entity", head + ns + `<components><component type="library"><name>&nbsp;</name></component></components></bom>`, false},
		{"evidence", head + ns + `<components><component type="library"><name>n</name><evidence/></component></components></bom>`, false},
		{"services", head + ns + `<services/></bom>`, false},
		{"bad version", head + `<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="x"></bom>`, false},
		{"mismatched tag", head + ns + `<components></component></bom>`, false},
		{"unclosed", head + ns + `<components>`, false},
		{"control character", head + ns + "<components><component type=\"library\"><name>a\x01</name></component></components></bom>", false},
		{"not the bom", head + `<sbom/>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fastDoc, refDoc, fast := decodeBoth(t, tt.name, []byte(tt.doc))
			if fast != tt.fast {
				t.Fatalf("fast path taken = %v, want %v", fast, tt.fast)
			}
			if !fast {
				return
			}
			if diff := cmp.Diff(refDoc, fastDoc, docOpts); diff != "" {
				t.Errorf("fast path (-cyclonedx-go +fast):\n%s", diff)
			}
		})
	}
}

// FuzzFastXML is differential: whenever the fast path takes a document,
// cyclonedx-go must read it too, to the same document.
func FuzzFastXML(f *testing.F) {
	local, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, p := range local {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	var buf bytes.Buffer
	if err := Encode(&buf, synth.Generate(5, 1), sbom.EncodingXML); err == nil {
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>a&amp;b</name><licenses><expression>MIT</expression></licenses></component></components></bom>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, ok := decodeXMLFast(data)
		if !ok {
			return
		}
		ref, err := decodeXMLReference("fuzz.xml", data)
		if err != nil {
			t.Fatalf("the fast path read a document cyclonedx-go rejects: %v", err)
		}
		fastDoc, err1 := (&reader{name: "fuzz.xml", bom: w.bom}).document(sbom.EncodingXML, w)
		refDoc, err2 := (&reader{name: "fuzz.xml", bom: ref.bom}).document(sbom.EncodingXML, ref)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("conversion errors differ: fast %v, cyclonedx-go %v", err1, err2)
		}
		if diff := cmp.Diff(refDoc, fastDoc, docOpts); diff != "" {
			t.Fatalf("fast path (-cyclonedx-go +fast):\n%s", diff)
		}
	})
}
