package cyclonedx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// facts is what a round trip must keep, keyed by component ref.
type facts struct {
	Serial       string
	Version      int
	Timestamp    string
	Primary      string
	Lifecycles   []string
	Tools        []string
	Authors      []string
	DocMarkings  []string
	Components   []string // ref, parent, type, group, name, version, purl
	CPEs         []string
	Hashes       []string
	Licenses     []string
	Identifiers  []string
	ExternalRefs []string
	Properties   []string
	Edges        []string
	Lifecycle    []string
	Markings     []string
}

func factsOf(d *sbom.Document) facts {
	f := facts{Version: d.Version, Primary: d.PrimaryRef, Lifecycles: d.Lifecycles}
	if strings.HasPrefix(d.SerialNumber, "urn:uuid:") {
		f.Serial = strings.ToLower(d.SerialNumber)
	}
	if !d.Timestamp.IsZero() {
		f.Timestamp = d.Timestamp.UTC().String()
	}
	for _, t := range d.Tools {
		f.Tools = append(f.Tools, t.Vendor+"/"+t.Name+"@"+t.Version)
	}
	for _, a := range d.Authors {
		f.Authors = append(f.Authors, a.Name+" <"+a.Email+">")
	}
	for _, e := range d.Unknown {
		f.DocMarkings = append(f.DocMarkings, "unknown "+string(e))
	}
	for _, e := range d.Withheld {
		f.DocMarkings = append(f.DocMarkings, "withheld "+string(e))
	}
	for i := range d.Components {
		c := &d.Components[i]
		k := c.Ref + " "
		f.Components = append(f.Components, strings.Join([]string{c.Ref, c.Parent, c.Type, c.Group, c.Name, c.Version, c.PURL}, "|"))
		for _, x := range c.CPEs {
			f.CPEs = append(f.CPEs, k+x)
		}
		for _, h := range c.Hashes {
			f.Hashes = append(f.Hashes, k+h.Algorithm+":"+h.Value)
		}
		for _, l := range c.Licenses {
			f.Licenses = append(f.Licenses, k+l)
		}
		for _, id := range c.Identifiers {
			f.Identifiers = append(f.Identifiers, k+id.Type+":"+id.Value)
		}
		for _, e := range c.ExternalRefs {
			f.ExternalRefs = append(f.ExternalRefs, k+e.Type+" "+e.URL)
		}
		for _, p := range c.Properties {
			if !sbom.IsLifecycleProperty(p.Name) {
				f.Properties = append(f.Properties, k+p.Name+"="+p.Value)
			}
		}
		if !c.Lifecycle.IsZero() {
			f.Lifecycle = append(f.Lifecycle, k+string(c.Lifecycle.LevelOfSupport)+"|"+c.Lifecycle.EndOfSupport+"|"+c.Lifecycle.EndOfLife+"|"+c.Lifecycle.Justification)
		}
		for _, e := range c.Unknown {
			f.Markings = append(f.Markings, k+"unknown "+string(e))
		}
		for _, e := range c.Withheld {
			f.Markings = append(f.Markings, k+"withheld "+string(e))
		}
	}
	for _, dep := range d.Dependencies {
		for _, to := range dep.DependsOn {
			f.Edges = append(f.Edges, dep.Ref+" -> "+to)
		}
	}
	for _, s := range []*[]string{&f.Components, &f.CPEs, &f.Hashes, &f.Licenses, &f.Identifiers, &f.ExternalRefs,
		&f.Properties, &f.Edges, &f.Lifecycle, &f.Markings, &f.DocMarkings, &f.Tools} {
		sort.Strings(*s)
		*s = slices.Compact(*s)
	}
	return f
}

// sharedCycloneDX returns the CycloneDX files under ../shared/data/sboms/cyclonedx.
func sharedCycloneDX(t *testing.T) []string {
	t.Helper()
	root := realdata.Data(t, "sboms", "cyclonedx")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".xml")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no CycloneDX files under %s", root)
	}
	return files
}

func encodingOf(path string) sbom.Encoding {
	if strings.HasSuffix(path, ".xml") {
		return sbom.EncodingXML
	}
	return sbom.EncodingJSON
}

// TestRoundTripSharedFiles reads every shared CycloneDX file, checks its
// component count against an independent count of the raw document, writes
// it as CycloneDX 1.6 JSON (validated against the official schema) and XML
// (validated against the XSD), reads each back and checks that nothing was
// lost.
func TestRoundTripSharedFiles(t *testing.T) {
	schema := bomSchema(t)
	validateXML := xsdValidator(t)
	for _, path := range sharedCycloneDX(t) {
		rel, _ := filepath.Rel(realdata.Data(t, "sboms"), path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			enc := encodingOf(path)
			doc, err := Decode(rel, data, enc)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want, err := countComponents(data, enc)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Components) != want {
				t.Errorf("Decode found %d components, the raw document has %d", len(doc.Components), want)
			}
			for _, w := range doc.Warnings {
				t.Logf("warning: %v", w)
			}
			orig := factsOf(doc)
			for _, out := range []sbom.Encoding{sbom.EncodingJSON, sbom.EncodingXML} {
				var buf bytes.Buffer
				if err := Encode(&buf, doc, out); err != nil {
					t.Fatalf("Encode %s: %v", out, err)
				}
				if out == sbom.EncodingJSON {
					validateJSON(t, schema, buf.Bytes())
				} else {
					validateXML(t, buf.Bytes())
				}
				back, err := Decode("out."+string(out), buf.Bytes(), out)
				if err != nil {
					t.Fatalf("Decode the %s output: %v", out, err)
				}
				if diff := cmp.Diff(orig, factsOf(back)); diff != "" {
					t.Errorf("%s round trip changed the document (-read +written and read again):\n%s", out, diff)
				}
				for _, w := range back.Warnings {
					if !strings.Contains(w.Error(), "invalid purl") && !strings.Contains(w.Error(), "invalid CPE") {
						t.Errorf("%s output read back with warning: %v", out, w)
					}
				}
			}
		})
	}
}

// countComponents counts the components of a raw CycloneDX document
// without cyclonedx-go: metadata.component and the components list, with
// the components nested in them, but not tools (metadata.tools.components)
// nor pedigree ancestors, descendants or variants.
func countComponents(data []byte, enc sbom.Encoding) (int, error) {
	if enc == sbom.EncodingXML {
		return countXMLComponents(data)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, err
	}
	var count func(v any) int
	count = func(v any) int {
		list, _ := v.([]any)
		n := 0
		for _, c := range list {
			n++
			if m, ok := c.(map[string]any); ok {
				n += count(m["components"])
			}
		}
		return n
	}
	n := count(doc["components"])
	if md, ok := doc["metadata"].(map[string]any); ok {
		if c, ok := md["component"].(map[string]any); ok {
			n += 1 + count(c["components"])
		}
	}
	return n, nil
}

// countXMLComponents counts <component> elements that are bom/metadata/component,
// or inside a <components> that is bom/components or the child of a counted
// component.
func countXMLComponents(data []byte) (int, error) {
	type elem struct {
		name    string
		counted bool
	}
	var stack []elem
	dec := xml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := elem{name: tok.Name.Local}
			if e.name == "component" && len(stack) >= 2 {
				parent, grand := stack[len(stack)-1], stack[len(stack)-2]
				switch {
				case parent.name == "metadata" && grand.name == "bom":
					e.counted = true
				case parent.name == "components" && grand.name == "bom":
					e.counted = true
				case parent.name == "components" && grand.name == "component" && grand.counted:
					e.counted = true
				}
			}
			if e.counted {
				n++
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}
