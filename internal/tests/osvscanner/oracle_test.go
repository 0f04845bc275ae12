package osvscanner

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"medvigil/internal/input"
	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

// shortName compares package names as the oracle README says: osv-scanner
// shortens Maven names to the artifact and SPDX-read names to the last purl
// path element, so names are compared by their last "/" or ":" part.
func shortName(n string) string {
	if i := strings.LastIndexAny(n, "/:"); i >= 0 {
		return n[i+1:]
	}
	return n
}

type pair struct{ eco, name, version, id string }

func (p pair) String() string { return p.eco + "\t" + p.name + "\t" + p.version + "\t" + p.id }

func readTSV(t *testing.T, path string, cols int) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first || line == "" || strings.HasPrefix(line, "#") {
			first = false
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < cols {
			t.Fatalf("%s: %q has %d fields, want %d", path, line, len(fields), cols)
		}
		rows = append(rows, fields)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAgreeWithOSVScanner checks, for every SBOM osv-scanner read, that the
// set of (ecosystem, name, version, OSV id) purl findings equals
// osv-scanner's, apart from the listed, reasoned differences.
func TestAgreeWithOSVScanner(t *testing.T) {
	oracle := realdata.Oracle(t, "osv-scanner")
	sboms := realdata.Data(t, "sboms")
	advs, stats, err := osv.Load(context.Background(), realdata.Data(t, "osv"), func(e *input.Error) { t.Logf("osv warning: %v", e) })
	if err != nil {
		t.Fatal(err)
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	ix := match.NewIndex(kb)
	t.Logf("OSV: %+v; index: %+v", stats, ix.Stats())

	// differences.tsv: sbom, direction (medvigil-only | osv-scanner-only), ecosystem, name, version, id, reason
	listed := map[string]string{}
	for _, r := range readTSV(t, filepath.Join("testdata", "differences.tsv"), 7) {
		listed[strings.Join(r[:6], "\t")] = r[6]
	}
	used := map[string]bool{}

	summary := readTSV(t, filepath.Join(oracle, "SUMMARY.tsv"), 3)
	compared, agreed := 0, 0
	for _, row := range summary {
		rel, exit := row[0], row[2]
		if exit == "127" {
			continue // osv-scanner could not read it: no verdict
		}
		compared++
		want := map[pair]bool{}
		for _, r := range readTSV(t, filepath.Join(oracle, rel+".tsv"), 4) {
			want[pair{r[0], shortName(r[1]), r[2], r[3]}] = true
		}
		doc, err := formats.ReadFile(context.Background(), filepath.Join(sboms, rel), formats.Options{})
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		got := map[pair]bool{}
		for i := range doc.Components {
			c := &doc.Components[i]
			q := match.NewQuery(c)
			pkg, ok := match.PackageOf(c.PURL)
			if !ok {
				continue
			}
			version := pkg.Version
			if version == "" {
				version = c.Version
			}
			for _, f := range ix.MatchQuery(&q) {
				for _, ev := range f.Evidence {
					if ev.Method == match.MethodPURL {
						got[pair{pkg.Ecosystem, shortName(pkg.Name), version, ev.Advisory}] = true
					}
				}
			}
		}
		var diffs []string
		check := func(p pair, dir string) {
			k := rel + "\t" + dir + "\t" + p.String()
			if _, ok := listed[k]; ok {
				used[k] = true
				return
			}
			diffs = append(diffs, dir+"\t"+p.String())
		}
		for p := range got {
			if !want[p] {
				check(p, "medvigil-only")
			}
		}
		for p := range want {
			if !got[p] {
				check(p, "osv-scanner-only")
			}
		}
		if len(diffs) > 0 {
			sort.Strings(diffs)
			t.Errorf("%s: %d unexplained differences from osv-scanner (add a fix, or a line with a reason to testdata/differences.tsv):\n%s\t%s",
				rel, len(diffs), rel, strings.Join(diffs, "\n"+rel+"\t"))
		} else {
			agreed++
		}
	}
	var stale []string
	for k := range listed {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	slices.Sort(stale)
	if len(stale) > 0 {
		t.Errorf("listed differences that no longer occur (remove them):\n%s", strings.Join(stale, "\n"))
	}
	if compared != 66 {
		t.Errorf("compared %d SBOMs, want the 66 osv-scanner read", compared)
	}
	t.Logf("%d of %d SBOMs agree with osv-scanner (with %d listed differences)", agreed, compared, len(listed))
}
