package spdx

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
)

// encodingOf tells JSON from tag-value by the first non-blank byte.
func encodingOf(data []byte) sbom.Encoding {
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("{")) {
		return sbom.EncodingJSON
	}
	return sbom.EncodingTagValue
}

// realFiles lists the SPDX files under dir, relative to it, sorted.
func realFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// packageCount counts packages without the decoder: the length of the JSON
// "packages" array, or the lines starting with "PackageName:".
func packageCount(tb testing.TB, data []byte) int {
	tb.Helper()
	if encodingOf(data) == sbom.EncodingJSON {
		var d struct {
			Packages []any `json:"packages"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			tb.Fatal(err)
		}
		return len(d.Packages)
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "PackageName:") {
			n++
		}
	}
	return n
}

// schemaValidator compiles the official SPDX 2.3 JSON schema.
func schemaValidator(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	path := realdata.Data(tb, "schemas", "spdx-2.3", "spdx-schema.json")
	sch, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		tb.Fatalf("compile %s: %v", path, err)
	}
	return sch
}

func validate(tb testing.TB, sch *jsonschema.Schema, out []byte) {
	tb.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		tb.Fatalf("encoded output is no JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		tb.Errorf("encoded output fails the SPDX 2.3 schema: %v", err)
	}
}

// summary is what a round trip must keep of a component.
type summary struct {
	Name, Version, PURL string
	CPEs                []string
	Hashes              []sbom.Hash
	Licenses            []string
	Lifecycle           sbom.Lifecycle
	Unknown, Withheld   []sbom.Element
}

func summarize(c sbom.Component) summary {
	sorted := func(es []sbom.Element) []sbom.Element {
		es = slices.Clone(es)
		slices.Sort(es)
		return es
	}
	return summary{c.Name, c.Version, c.PURL, c.CPEs, c.Hashes, c.Licenses, c.Lifecycle, sorted(c.Unknown), sorted(c.Withheld)}
}

// edgeIndexes returns the dependency edges as pairs of component indexes
// ([from, -1] for an entry without edges), sorted.
func edgeIndexes(d *sbom.Document) [][2]int {
	idx := make(map[string]int, len(d.Components))
	for i, c := range d.Components {
		if _, ok := idx[c.Ref]; !ok {
			idx[c.Ref] = i
		}
	}
	var out [][2]int
	for _, dep := range d.Dependencies {
		if len(dep.DependsOn) == 0 {
			out = append(out, [2]int{idx[dep.Ref], -1})
		}
		for _, to := range dep.DependsOn {
			out = append(out, [2]int{idx[dep.Ref], idx[to]})
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return out
}

func primaryIndex(d *sbom.Document) int {
	for i, c := range d.Components {
		if c.Ref == d.PrimaryRef {
			return i
		}
	}
	return -1
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func commonAlg(s string) common.ChecksumAlgorithm { return common.ChecksumAlgorithm(s) }
