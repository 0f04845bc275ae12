package osv_test

import (
	"archive/zip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

type entry struct{ name, data string }

// writeZip writes a zip archive; an entry whose name ends in "/" is a
// folder.
func writeZip(t *testing.T, name string, entries ...entry) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// loaded is what a test compares of a load: the advisories' IDs and files,
// the stats, and the places of the warnings.
type loaded struct {
	Records  []string // "ID FILE"
	Stats    osv.Stats
	Warnings []place
}

func load(t *testing.T, path string) (loaded, []*vuln.Advisory, []*input.Error) {
	t.Helper()
	var l loaded
	var warnings []*input.Error
	advs, st, err := osv.Load(context.Background(), path, func(w *input.Error) {
		warnings = append(warnings, w)
		l.Warnings = append(l.Warnings, placeOf(t, w))
	})
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	l.Stats = st
	for _, a := range advs {
		l.Records = append(l.Records, a.ID+" "+a.Origin.File)
	}
	return l, advs, warnings
}

func rec(id string, more ...string) string {
	return `{"id":"` + id + `","modified":"2024-01-01T00:00:00Z"` + strings.Join(more, "") + `}`
}

func TestLoad(t *testing.T) {
	root := t.TempDir()
	at := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	writeFile(t, at("Go/GO-1.json"), rec("GO-1"))
	writeFile(t, at("Go/GO-2.json"), "{\n\"id\": \"GO-2\",\n")
	writeFile(t, at("PyPI/PYSEC-1.json"), rec("PYSEC-1", `,"withdrawn":"2024-02-02T00:00:00Z"`))
	writeFile(t, at("PyPI/notes.txt"), "not a record")
	writeFile(t, at("README.md"), "# not a record")
	writeFile(t, at(".git/objects.json"), "not read: hidden folder")
	writeZip(t, at("crates.io/all.zip"),
		entry{"RUSTSEC-1.json", rec("RUSTSEC-1")},
		entry{"bad.json", `{"modified":"2024-01-01T00:00:00Z"}`},
		entry{"docs/", ""},
		entry{"docs/readme.txt", "not a record"},
		entry{"sub/RUSTSEC-2.json", rec("RUSTSEC-2")},
	)
	writeFile(t, at("npm/broken.zip"), "not a zip archive")

	got, _, warnings := load(t, root)
	want := loaded{
		Records: []string{
			"GO-1 " + at("Go/GO-1.json"),
			"PYSEC-1 " + at("PyPI/PYSEC-1.json"),
			"RUSTSEC-1 " + at("crates.io/all.zip") + "!RUSTSEC-1.json",
			"RUSTSEC-2 " + at("crates.io/all.zip") + "!sub/RUSTSEC-2.json",
		},
		Stats: osv.Stats{Files: 5, Records: 4, Skipped: 3, Withdrawn: 1},
		Warnings: []place{
			{File: at("Go/GO-2.json"), Line: 3, Column: 1},
			{File: at("crates.io/all.zip") + "!bad.json", Pointer: "/id"},
			{File: at("npm/broken.zip")},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	for _, w := range warnings {
		if !strings.Contains(w.Error(), w.File) || !strings.Contains(w.Error(), "osv: ") {
			t.Errorf("warning %q does not name its file or package", w)
		}
	}
}

func TestLoadArchives(t *testing.T) {
	root := t.TempDir()
	at := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	// osv-scanner's offline database layout.
	writeZip(t, at("db/osv-scalibr/Go/all.zip"), entry{"GO-2.json", rec("GO-2")}, entry{"GO-1.json", rec("GO-1")})
	writeZip(t, at("db/osv-scalibr/PyPI/all.zip"), entry{"PYSEC-1.json", rec("PYSEC-1")})
	// A zip archive without the .zip extension, named directly.
	writeZip(t, at("download.bin"), entry{"GHSA-1.json", rec("GHSA-1")})

	tests := []struct {
		name string
		path string
		want loaded
	}{
		{
			name: "offline database",
			path: at("db"),
			want: loaded{
				Records: []string{
					"GO-1 " + at("db/osv-scalibr/Go/all.zip") + "!GO-1.json",
					"GO-2 " + at("db/osv-scalibr/Go/all.zip") + "!GO-2.json",
					"PYSEC-1 " + at("db/osv-scalibr/PyPI/all.zip") + "!PYSEC-1.json",
				},
				Stats: osv.Stats{Files: 2, Records: 3},
			},
		},
		{
			name: "one archive",
			path: at("db/osv-scalibr/PyPI/all.zip"),
			want: loaded{
				Records: []string{"PYSEC-1 " + at("db/osv-scalibr/PyPI/all.zip") + "!PYSEC-1.json"},
				Stats:   osv.Stats{Files: 1, Records: 1},
			},
		},
		{
			name: "archive known by its signature",
			path: at("download.bin"),
			want: loaded{
				Records: []string{"GHSA-1 " + at("download.bin") + "!GHSA-1.json"},
				Stats:   osv.Stats{Files: 1, Records: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, _ := load(t, tt.path)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadOneFile(t *testing.T) {
	name := filepath.Join("testdata", "GO-2099-0001.json")
	got, advs, _ := load(t, name)
	want := loaded{
		Records: []string{"GO-2099-0001 " + name},
		Stats:   osv.Stats{Files: 1, Records: 1, Withdrawn: 1},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	one, err := osv.Decode(name, data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(one, advs[0]); diff != "" {
		t.Errorf("Load and Decode differ (-Decode +Load):\n%s", diff)
	}
}

func TestLoadTooLarge(t *testing.T) {
	name := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size is checked before anything is read.
	if err := f.Truncate(osv.MaxRecord + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, _, warnings := load(t, name)
	want := loaded{Stats: osv.Stats{Files: 1, Skipped: 1}, Warnings: []place{{File: name}}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if len(warnings) == 1 && !strings.Contains(warnings[0].Error(), "limit") {
		t.Errorf("warning %q does not name the limit", warnings[0])
	}
}

func TestLoadFails(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "GO-1.json"), rec("GO-1"))
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		is   error
	}{
		{"missing path", context.Background(), filepath.Join(dir, "missing"), fs.ErrNotExist},
		{"canceled", canceled, dir, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			advs, _, err := osv.Load(tt.ctx, tt.path, nil)
			if !errors.Is(err, tt.is) {
				t.Fatalf("Load error = %v, want %v", err, tt.is)
			}
			if advs != nil {
				t.Errorf("Load returned %d advisories with an error", len(advs))
			}
			if !strings.HasPrefix(err.Error(), "osv: load") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// TestLoadWarnings checks content that Decode drops without failing, and
// that Load reports it at its place while keeping the record.
func TestLoadWarnings(t *testing.T) {
	tests := []struct {
		name     string
		record   string
		want     []place
		severity []vuln.Severity
		affected []vuln.Affected
	}{
		{
			name:   "unparsable timestamp",
			record: `{"id":"X-1","published":"yesterday","modified":"2024-01-01"}`,
			want:   []place{{Pointer: "/published"}},
		},
		{
			name:   "bad CVSS v3 vector",
			record: `{"id":"X-1","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"},{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"}]}`,
			want:   []place{{Pointer: "/severity/0/score"}},
			severity: []vuln.Severity{
				{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", Score: 0, Rating: "none"},
			},
		},
		{
			name:   "CVSS v4 vector under CVSS_V3",
			record: `{"id":"X-1","severity":[{"type":"CVSS_V3","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]}`,
			want:   []place{{Pointer: "/severity/0/score"}},
		},
		{
			name:   "empty vector",
			record: `{"id":"X-1","severity":[{"type":"CVSS_V2"}]}`,
			want:   []place{{Pointer: "/severity/0/score"}},
		},
		{
			name:   "unknown severity type",
			record: `{"id":"X-1","severity":[{"type":"CVSS_V9","score":"CVSS:9/X"}]}`,
			want:   []place{{Pointer: "/severity/0/type"}},
		},
		{
			name:     "Ubuntu priority",
			record:   `{"id":"X-1","severity":[{"type":"Ubuntu","score":"negligible"}]}`,
			severity: []vuln.Severity{{Type: vuln.Qualitative, Rating: "low", Source: "Ubuntu"}},
		},
		{
			name:   "unknown GitHub severity",
			record: `{"id":"X-1","database_specific":{"severity":"SEVERE","cwe_ids":"CWE-79"}}`,
			want:   []place{{Pointer: "/database_specific/severity"}},
		},
		{
			name:   "free-form database_specific",
			record: `{"id":"X-1","database_specific":["anything"]}`,
		},
		{
			name: "affected severity once",
			record: `{"id":"X-1","affected":[
				{"package":{"ecosystem":"npm","name":"a"},"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]},
				{"package":{"ecosystem":"npm","name":"b"},"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]}]}`,
			severity: []vuln.Severity{{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Score: 7.5, Rating: "high"}},
			affected: []vuln.Affected{{Ecosystem: "npm", Name: "a"}, {Ecosystem: "npm", Name: "b"}},
		},
		{
			name: "odd events",
			record: `{"id":"X-1","affected":[{"package":{"ecosystem":"Go","name":"m"},
				"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{},{"fixed":"1.0.0","limit":"2.0.0"}]}]}]}`,
			want: []place{{Pointer: "/affected/0/ranges/0/events/1"}, {Pointer: "/affected/0/ranges/0/events/2"}},
			affected: []vuln.Affected{{Ecosystem: "Go", Name: "m", Ranges: []vuln.Range{{
				Type:   vuln.RangeSemver,
				Events: []vuln.Event{{Introduced: "0"}, {Fixed: "1.0.0", Limit: "2.0.0"}},
			}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "X-1.json")
			writeFile(t, name, tt.record)
			got, advs, _ := load(t, name)
			for i := range tt.want {
				tt.want[i].File = name
			}
			if diff := cmp.Diff(tt.want, got.Warnings, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			if got.Stats.Records != 1 {
				t.Fatalf("Stats = %+v, want the record kept", got.Stats)
			}
			if diff := cmp.Diff(tt.severity, advs[0].Severities, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("severities mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.affected, advs[0].Affected, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("affected mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
