package vuln

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKBGroupsAliases(t *testing.T) {
	kb := NewKB()
	kb.Add(
		&Advisory{ID: "GHSA-aaaa", Aliases: []string{"CVE-2022-1"}},
		&Advisory{ID: "GO-2022-0001", Aliases: []string{"CVE-2022-1", "GHSA-aaaa"}},
		&Advisory{ID: "PYSEC-2021-9", Aliases: []string{"CVE-2021-9"}},
		&Advisory{ID: "RUSTSEC-2020-1"},
	)
	kb.SetKEV(map[string]KEV{"CVE-2022-1": {DateAdded: "2022-05-01"}})
	kb.SetEPSS(map[string]EPSS{"CVE-2021-9": {Score: 0.2}, "CVE-2022-1": {Score: 0.9}})
	tests := []struct {
		id      string
		wantIDs []string
		kev     bool
		epss    float64
	}{
		{"GO-2022-0001", []string{"CVE-2022-1", "GHSA-aaaa", "GO-2022-0001"}, true, 0.9},
		{"GHSA-aaaa", []string{"CVE-2022-1", "GHSA-aaaa", "GO-2022-0001"}, true, 0.9},
		{"PYSEC-2021-9", []string{"CVE-2021-9", "PYSEC-2021-9"}, false, 0.2},
		{"RUSTSEC-2020-1", []string{"RUSTSEC-2020-1"}, false, 0},
		{"UNKNOWN-1", []string{"UNKNOWN-1"}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			ids := kb.IDs(tt.id)
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
			if got := kb.KEV(ids) != nil; got != tt.kev {
				t.Errorf("KEV = %v, want %v", got, tt.kev)
			}
			var score float64
			if e := kb.EPSS(ids); e != nil {
				score = e.Score
			}
			if score != tt.epss {
				t.Errorf("EPSS = %v, want %v", score, tt.epss)
			}
		})
	}
	if kb.Group("GHSA-aaaa") != kb.Group("GO-2022-0001") || kb.Group("GHSA-aaaa") == kb.Group("PYSEC-2021-9") {
		t.Error("groups are wrong")
	}
}

func TestKBMerge(t *testing.T) {
	build := func() *KB {
		kb := NewKB()
		kb.Add(&Advisory{ID: "GHSA-a", Aliases: []string{"CVE-1"}}, &Advisory{ID: "GO-1", Aliases: []string{"CVE-1"}})
		kb.SetKEV(map[string]KEV{"CVE-1": {DateAdded: "2024-01-01"}})
		return kb
	}
	empty := NewKB()
	empty.Merge(build())
	full := NewKB()
	full.Add(&Advisory{ID: "PYSEC-1", Aliases: []string{"CVE-2"}})
	full.Merge(build())
	for name, kb := range map[string]*KB{"into empty": empty, "into non-empty": full} {
		if diff := cmp.Diff([]string{"CVE-1", "GHSA-a", "GO-1"}, kb.IDs("GO-1")); diff != "" {
			t.Errorf("%s: IDs (-want +got):\n%s", name, diff)
		}
		if kb.KEV(kb.IDs("GHSA-a")) == nil {
			t.Errorf("%s: KEV lost", name)
		}
	}
	if full.Len() != 3 || full.KEV(full.IDs("PYSEC-1")) != nil {
		t.Errorf("non-empty merge: len %d", full.Len())
	}
}
