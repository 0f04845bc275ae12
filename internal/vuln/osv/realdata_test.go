package osv_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

// countJSON counts the *.json files under root, per top folder.
func countJSON(t *testing.T, root string) (int, map[string]int) {
	t.Helper()
	total, per := 0, map[string]int{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json") {
			rel, _ := filepath.Rel(root, p)
			per[strings.Split(rel, string(filepath.Separator))[0]]++
			total++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total, per
}

// TestLoadSharedOSV reads every record of ../shared/data/osv (see its
// README: Go 4291, PyPI 2661, crates.io 1206, npm 21, Maven 8, NuGet 1,
// Packagist 1). None is skipped: the 7 PyPI records that fail the OSV schema
// (GIT ranges with short or suffixed commit hashes) are valid JSON with an
// id, and the reader does not check commit hashes.
func TestLoadSharedOSV(t *testing.T) {
	root := realdata.Data(t, "osv")
	files, per := countJSON(t, root)
	var warnings []*input.Error
	advs, st, err := osv.Load(context.Background(), root, func(w *input.Error) { warnings = append(warnings, w) })
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warnings {
		t.Errorf("warning: %v", w)
	}
	want := osv.Stats{Files: files, Records: files, Skipped: 0, Withdrawn: 40}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Stats mismatch (-want +got):\n%s", diff)
	}
	wantPer := map[string]int{"Go": 4291, "PyPI": 2661, "crates.io": 1206, "npm": 21, "Maven": 8, "NuGet": 1, "Packagist": 1}
	if diff := cmp.Diff(wantPer, per); diff != "" {
		t.Errorf("files per ecosystem (-want +got):\n%s", diff)
	}
	if files != 8189 || len(advs) != 8189 {
		t.Errorf("read %d advisories from %d files, want 8189 from 8189", len(advs), files)
	}
	if !slices.IsSortedFunc(advs, func(a, b *vuln.Advisory) int { return strings.Compare(a.Origin.File, b.Origin.File) }) {
		t.Errorf("advisories are not sorted by file")
	}

	byID := make(map[string]*vuln.Advisory, len(advs))
	for _, a := range advs {
		if byID[a.ID] != nil {
			t.Errorf("ID %s read twice", a.ID)
		}
		byID[a.ID] = a
		if slices.Contains(a.Aliases, a.ID) {
			t.Errorf("%s lists itself as an alias", a.ID)
		}
		if base := strings.TrimSuffix(filepath.Base(a.Origin.File), ".json"); base != a.ID {
			t.Errorf("%s read from %s", a.ID, a.Origin.File)
		}
	}
	get := func(id string) *vuln.Advisory {
		t.Helper()
		a := byID[id]
		if a == nil {
			t.Fatalf("%s not read", id)
		}
		return a
	}

	t.Run("GHSA aliases its CVE", func(t *testing.T) {
		a := get("GHSA-35jh-r3h4-6jhm") // lodash command injection
		if !slices.Contains(a.Aliases, "CVE-2021-23337") {
			t.Errorf("aliases %v lack CVE-2021-23337", a.Aliases)
		}
		wantSev := []vuln.Severity{
			{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", Score: 7.2, Rating: "high"},
			{Type: vuln.Qualitative, Rating: "high"},
		}
		if diff := cmp.Diff(wantSev, a.Severities); diff != "" {
			t.Errorf("severities (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"CWE-77", "CWE-94"}, a.CWEs); diff != "" {
			t.Errorf("CWEs (-want +got):\n%s", diff)
		}
	})
	t.Run("withdrawn Go record", func(t *testing.T) {
		a := get("GO-2024-2442")
		if got := a.Withdrawn.Format("2006-01-02T15:04:05Z07:00"); got != "2024-01-23T12:50:23Z" {
			t.Errorf("Withdrawn = %s, want 2024-01-23T12:50:23Z", got)
		}
	})
	t.Run("schema-invalid PyPI record", func(t *testing.T) {
		a := get("PYSEC-2019-155")
		want := []vuln.Range{
			{Type: vuln.RangeGit, Repo: "https://github.com/martinpitt/python-dbusmock", Events: []vuln.Event{{Introduced: "0"}, {Fixed: "4e7d0df9093"}}},
			{Type: vuln.RangeEcosystem, Events: []vuln.Event{{Introduced: "0"}, {Fixed: "0.15.1"}}},
		}
		if len(a.Affected) != 1 {
			t.Fatalf("affected = %+v", a.Affected)
		}
		if diff := cmp.Diff(want, a.Affected[0].Ranges); diff != "" {
			t.Errorf("ranges (-want +got):\n%s", diff)
		}
	})
	t.Run("duplicate aliases", func(t *testing.T) {
		// GO-2025-3828 lists an alias twice upstream.
		a := get("GO-2025-3828")
		seen := map[string]bool{}
		for _, id := range a.Aliases {
			if seen[id] {
				t.Errorf("alias %s kept twice", id)
			}
			seen[id] = true
		}
	})
}

// TestLoadZipMatchesFolder builds an osv.dev-style all.zip from a few shared
// records and checks that it reads as the same advisories as the files.
func TestLoadZipMatchesFolder(t *testing.T) {
	root := realdata.Data(t, "osv")
	names := []string{
		"Go/GO-2024-2442.json",
		"Go/GO-2022-0231.json",
		"PyPI/PYSEC-2019-155.json",
		"crates.io/RUSTSEC-2020-0053.json",
		"npm/GHSA-35jh-r3h4-6jhm.json",
		"Maven/GHSA-57j2-w4cx-62h2.json",
	}
	dir := t.TempDir()
	var entries []entry
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(n)))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "tree", filepath.FromSlash(n)), string(data))
		entries = append(entries, entry{filepath.Base(n), string(data)})
	}
	zipName := filepath.Join(dir, "all.zip")
	writeZip(t, zipName, entries...)

	fromTree, treeAdvs, _ := load(t, filepath.Join(dir, "tree"))
	fromZip, zipAdvs, _ := load(t, zipName)
	if want := (osv.Stats{Files: len(names), Records: len(names), Withdrawn: 2}); fromTree.Stats != want {
		t.Errorf("tree Stats = %+v, want %+v", fromTree.Stats, want)
	}
	if want := (osv.Stats{Files: 1, Records: len(names), Withdrawn: 2}); fromZip.Stats != want {
		t.Errorf("zip Stats = %+v, want %+v", fromZip.Stats, want)
	}
	index := func(advs []*vuln.Advisory) map[string]vuln.Advisory {
		m := map[string]vuln.Advisory{}
		for _, a := range advs {
			c := *a
			c.Origin = vuln.Origin{}
			m[a.ID] = c
		}
		return m
	}
	if diff := cmp.Diff(index(treeAdvs), index(zipAdvs)); diff != "" {
		t.Errorf("zip and folder differ (-folder +zip):\n%s", diff)
	}
	for _, a := range zipAdvs {
		if want := zipName + "!" + a.ID + ".json"; a.Origin.File != want {
			t.Errorf("Origin.File = %q, want %q", a.Origin.File, want)
		}
	}
}

// BenchmarkLoadSharedOSV loads ../shared/data/osv (8,189 records, 35 MB).
// It reports records/s of wall time and cpu-ns/op (all threads), since wall
// time on a shared machine depends on the other load.
func BenchmarkLoadSharedOSV(b *testing.B) {
	root := realdata.Data(b, "osv")
	records, ops := 0, 0
	cpu0 := cpuTime()
	for b.Loop() {
		advs, _, err := osv.Load(context.Background(), root, nil)
		if err != nil {
			b.Fatal(err)
		}
		records += len(advs)
		ops++
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(ops), "cpu-ns/op")
	}
}
