package osv_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln/osv"
)

// FuzzDecode checks that no input makes Decode or Looks panic, that every
// error is an *input.Error naming the file, and that a decoded record has an
// id that is not among its aliases.
func FuzzDecode(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	// A few real records, when the shared data is beside the repository
	// (their absence only makes the corpus smaller).
	shared := filepath.Join(realdata.Root(f), "..", "shared", "data", "osv")
	for _, n := range []string{
		"Go/GO-2024-2442.json", "PyPI/PYSEC-2019-155.json", "crates.io/RUSTSEC-2020-0053.json",
		"npm/GHSA-35jh-r3h4-6jhm.json", "Maven/GHSA-57j2-w4cx-62h2.json",
	} {
		seeds = append(seeds, filepath.Join(shared, filepath.FromSlash(n)))
	}
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"id":"X","severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"},{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A"}]}`))
	f.Add([]byte(`{"id":"X","affected":[{"ranges":[{"events":[{},{"fixed":1}]}]}]}`))
	f.Add([]byte("{\n\"id\": \"X\",\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		osv.Looks(data)
		a, err := osv.Decode("fuzz.json", data)
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.File != "fuzz.json" {
				t.Fatalf("error %v (%T) is not an *input.Error naming the file", err, err)
			}
			return
		}
		if a.ID == "" || slices.Contains(a.Aliases, a.ID) {
			t.Fatalf("decoded %+v: empty id or self alias", a)
		}
		for _, s := range a.Severities {
			if s.Score < 0 || s.Score > 10 {
				t.Fatalf("severity %+v out of range", s)
			}
		}
	})
}
