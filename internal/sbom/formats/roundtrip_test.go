package formats_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
)

// sharedSBOMs returns every SBOM file under ../shared/data/sboms, relative to it.
func sharedSBOMs(t *testing.T) (string, []string) {
	t.Helper()
	root := realdata.Data(t, "sboms")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 73 {
		t.Fatalf("found %d shared SBOMs, want 73", len(files))
	}
	return root, files
}

// facts is what a conversion must not lose, keyed by component identity so
// that differently spelled refs (SPDX ids, bom-refs) compare equal.
type facts struct {
	Components []string // name@version purl, sorted
	PURLs      []string
	CPEs       []string
	Hashes     []string
	Licenses   []string
	Edges      []string // "from -> to" by component identity
	Lifecycle  []string
	Markings   []string
}

func key(c *sbom.Component) string { return c.Name + "@" + c.Version + " " + c.PURL }

func factsOf(d *sbom.Document) facts {
	var f facts
	byRef := map[string]*sbom.Component{}
	for i := range d.Components {
		c := &d.Components[i]
		byRef[c.Ref] = c
		k := key(c)
		f.Components = append(f.Components, k)
		if c.PURL != "" {
			f.PURLs = append(f.PURLs, c.PURL)
		}
		for _, x := range c.CPEs {
			f.CPEs = append(f.CPEs, k+" "+x)
		}
		for _, h := range c.Hashes {
			f.Hashes = append(f.Hashes, k+" "+h.Algorithm+":"+strings.ToLower(h.Value))
		}
		for _, l := range c.Licenses {
			f.Licenses = append(f.Licenses, k+" "+l)
		}
		if !c.Lifecycle.IsZero() {
			f.Lifecycle = append(f.Lifecycle, fmt.Sprintf("%s %+v", k, c.Lifecycle))
		}
		for _, e := range c.Unknown {
			f.Markings = append(f.Markings, k+" unknown "+string(e))
		}
		for _, e := range c.Withheld {
			f.Markings = append(f.Markings, k+" withheld "+string(e))
		}
	}
	for _, dep := range d.Dependencies {
		from, ok := byRef[dep.Ref]
		if !ok {
			continue
		}
		for _, to := range dep.DependsOn {
			if tc, ok := byRef[to]; ok {
				f.Edges = append(f.Edges, key(from)+" -> "+key(tc))
			}
		}
	}
	for _, s := range []*[]string{&f.Components, &f.PURLs, &f.CPEs, &f.Hashes, &f.Licenses, &f.Edges, &f.Lifecycle, &f.Markings} {
		sort.Strings(*s)
		*s = slices.Compact(*s)
	}
	return f
}

// TestRoundTripSharedSBOMs reads every shared SBOM, converts it to every
// output format, validates the output against the official schema, reads it
// back and checks that no component, purl, CPE, hash, license, dependency
// edge, lifecycle field or marking was lost. Converting the converted document
// again (the other direction) must give the same facts too.
func TestRoundTripSharedSBOMs(t *testing.T) {
	root, files := sharedSBOMs(t)
	schemas := realdata.Data(t, "schemas")
	cdxSchema := compileSchema(t, filepath.Join(schemas, "cyclonedx"), "bom-1.6.schema.json")
	spdxSchema := compileSchema(t, filepath.Join(schemas, "spdx-2.3"), "spdx-schema.json")
	lint := xmllint(t)
	xsd := filepath.Join(schemas, "cyclonedx", "bom-1.6.xsd")
	ctx := context.Background()
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			doc, err := formats.ReadFile(ctx, filepath.Join(root, rel), formats.Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := factsOf(doc)
			for _, target := range formats.Targets() {
				out := convert(t, doc, target)
				switch target {
				case formats.TargetCycloneDXJSON:
					validateJSON(t, cdxSchema, string(target), out)
				case formats.TargetSPDXJSON:
					validateJSON(t, spdxSchema, string(target), out)
				case formats.TargetCycloneDXXML:
					validateXML(t, lint, xsd, string(target), out)
				}
				back, err := formats.Decode(string(target), out)
				if err != nil {
					t.Fatalf("%s: read back: %v", target, err)
				}
				if diff := cmp.Diff(want, factsOf(back)); diff != "" {
					t.Errorf("%s: facts changed (-original +converted):\n%s", target, diff)
				}
				if len(back.Components) != len(doc.Components) {
					t.Errorf("%s: %d components, want %d", target, len(back.Components), len(doc.Components))
				}
				// The other direction: from the converted document to every other format.
				for _, again := range formats.Targets() {
					if again == target {
						continue
					}
					twice, err := formats.Decode(string(again), convert(t, back, again))
					if err != nil {
						t.Fatalf("%s → %s: read back: %v", target, again, err)
					}
					if diff := cmp.Diff(want, factsOf(twice)); diff != "" {
						t.Errorf("%s → %s: facts changed (-original +converted):\n%s", target, again, diff)
					}
				}
			}
		})
	}
}

func convert(t *testing.T, doc *sbom.Document, target formats.Target) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := formats.Write(&buf, doc, target); err != nil {
		t.Fatalf("write %s: %v", target, err)
	}
	return buf.Bytes()
}
