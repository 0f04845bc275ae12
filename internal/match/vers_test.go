package match

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match/cpe"
	"medvigil/internal/vuln"
)

func (v verdict) String() string {
	return [...]string{verdictOut: "out", verdictIn: "in", verdictUnknown: "unknown"}[v]
}

// TestVersSpec checks vers strings against the examples and the containment
// algorithm of purl-spec VERSION-RANGE-SPEC ("Checking if a version is
// contained within a range").
func TestVersSpec(t *testing.T) {
	tests := []struct {
		name, text string
		in, out    []string
	}{
		{"npm range", "vers:npm/>=1.0.0|<2.0.0", []string{"1.0.0", "1.5.3", "1.99.99"}, []string{"0.9.9", "2.0.0", "2.1.0"}},
		{"exclusion alone", "vers:generic/!=1.2.3", []string{"1.2.2", "1.2.4", "0.1"}, []string{"1.2.3"}},
		{"two open ends", "vers:pypi/<1|>=2", []string{"0.9", "0.0.1", "2", "2.0", "3.1"}, []string{"1", "1.0", "1.5"}},
		{"single version", "vers:npm/1.2.3", []string{"1.2.3"}, []string{"1.2.4", "1.2.2"}},
		{"enumeration", "vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1", []string{"0.0.1", "2.0pre1", "1.0.0"}, []string{"0.0.4", "2.0"}},
		{"version or range", "vers:npm/1.2.3|>=2.0.0|<5.0.0", []string{"1.2.3", "2.0.0", "4.9"}, []string{"1.2.4", "5.0.0", "1.0"}},
		{"tomee branches, unsorted input", "vers:maven/>=7.0.0-M1|<=7.0.7|>=1.0.0-beta1|<=1.7.5|>=8.0.0-M1|<=8.0.1|>=7.1.0|<=7.1.2",
			[]string{"1.0.0", "1.7.5", "7.0.7", "7.1.1", "8.0.0-M2"}, []string{"1.8.0", "7.0.8", "7.1.3", "8.0.2", "0.9"}},
		{"gem with spaces and exclusion", "vers:gem/>=2.2.0|!= 2.2.1|<2.3.0", []string{"2.2.0", "2.2.2"}, []string{"2.2.1", "2.3.0", "2.1"}},
		{"all", "vers:all/*", []string{"1.0", "anything", "V9"}, nil},
		{"none", "vers:none/*", nil, []string{"1.0"}},
		{"CISA vers:all with constraints reads as generic", "vers:all/>=V11.5.1|<V11.6.2", []string{"V11.5.1", "11.6.1", "v11.5.9"}, []string{"V11.6.2", "V11.5.0", "V12"}},
		{"percent-encoded version", "vers:generic/1.0%7C2", []string{"1.0|2"}, []string{"1.0"}},
		{"pipes ignored at the ends", "vers:npm/|>=1.0.0||<2.0.0|", []string{"1.0.0"}, []string{"2.0.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSet(t, tt.text, tt.in, tt.out)
		})
	}
}

// TestCISAVersionText checks the free-text forms of real CISA advisories
// (../shared/data/csaf; internal/csaf's package documentation lists them).
func TestCISAVersionText(t *testing.T) {
	tests := []struct {
		name, text string
		in, out    []string
	}{
		{"upper bound", "<= 1.86", []string{"1.86", "1.85", "1.8", "1"}, []string{"1.87", "2.0"}},
		{"no space", "<=12.1.3", []string{"12.1.3", "12.0", "9.19"}, []string{"12.1.4", "12.2"}},
		{"leading zeros", "< 012U000040", []string{"012U000039", "011U000099"}, []string{"012U000040", "012U000041", "013"}},
		{"two-sided, extra spaces", ">= 1.0.0  | <= 1.3.1", []string{"1.0.0", "1.2", "1.3.1"}, []string{"0.9", "1.3.2"}},
		{"V-prefixed bounds", ">=V0|<=V2", []string{"V0", "V1", "1.5", "V2"}, []string{"V3", "2.1"}},
		{"All versions", "All versions < V14", []string{"V13.9", "13", "V1.0"}, []string{"V14", "V14.0.1"}},
		{"All BIOS versions", "All BIOS versions < V25.02.06", []string{"V25.02.05", "V24.99"}, []string{"V25.02.06", "V26"}},
		{"All versions alone", "All versions", []string{"1", "x"}, nil},
		// SpaceCom (ICSMA-20-296-02): "U61 and earlier (United States) L81
		// and earlier (outside the United States)": two series.
		{"two upper bounds: union per series", "<= U61 |<= L81", []string{"U61", "U60", "L81", "L20"}, []string{"U62", "L82"}},
		{"wildcard bound", "<= 12.2.x.x", []string{"12.2.9.9", "12.2", "12.1.7", "11"}, []string{"12.3", "12.3.0.1", "13"}},
		{"wildcard major", "<= 11.x", []string{"11.9", "11", "10.2"}, []string{"12.0"}},
		{"letters-only bound, equal", "<=N", []string{"N", "n"}, nil},
		{"exact", "12.1.3", []string{"12.1.3", "v12.1.3"}, []string{"12.1.2", "12.1.4"}},
		{"alternatives", "1.1 | 1.2 | 1.4 | 1.5", []string{"1.1", "1.4", "1.5.0"}, []string{"1.3", "1.6", "2"}},
		{"wildcard version", "2.X", []string{"2", "2.0", "2.10.3"}, []string{"1.9", "3.0", "20"}},
		{"wildcard alternatives", "4.X | 5.X", []string{"4.1", "5.9.9"}, []string{"3.9", "6.0"}},
		{"wildcard segments", "5.x.x", []string{"5.2.1"}, []string{"6.0.0"}},
		{"and below", "2.3.6 and  below", []string{"2.3.6", "2.3.5", "1"}, []string{"2.3.7", "2.4"}},
		{"or later", "4.0 or later", []string{"4.0", "5"}, []string{"3.9"}},
		{"letter alternatives", "BT03 | BT04 | BT06", []string{"BT04", "bt06"}, []string{"BT05"}},
		{"letter range", ">=BT02 | <= BT06", []string{"BT02", "BT05", "BT06"}, []string{"BT01", "BT07"}},
		{"lower bound only", ">= 4.0.1", []string{"4.0.1", "10"}, []string{"4.0.0"}},
		{"build suffix", "<=5.17.1-754993421", []string{"5.17.1", "5.17.0-1"}, []string{"5.17.2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSet(t, tt.text, tt.in, tt.out)
		})
	}
}

// TestUndecidableVersions checks that texts naming no comparable version,
// components without a version, and orders that cannot be decided are
// "unknown", never "out".
func TestUndecidableVersions(t *testing.T) {
	tests := []struct{ text, version string }{
		{"< august 28", "1.0"},
		{"<May 2018", "1.0"},
		{"<  july 1 2017", "2017"},
		{"<= 2015 SP1", "2014"},
		{"v9.x (with Wireless Battery Module >= v22D19 | <= v22D28)", "9.1"},
		{"053L000091 (global) / 054U000091 (U.S.) and 053L000092 (global) / 054U000092 (U.S.)", "053L000091"},
		{"A.01 <= C.0x | 4.0", "4.0"},
		{"<= 6.01.00/29.03.2007", "6.01.00"},
		{"882160 Gemini Dual", "882160"},
		{"2nd Edition", "2"},
		{"MMT-554 / MMT-754 MiniMed Veo", "MMT-554"},
		{"1.3.1 Build 13", "1.3.1"},
		{"HD 16 | HD23", "HD23"},
		{"x.1", "1.1"},
		{"1.x.3", "1.2.3"},
		{"vers:generic/", "1.0"},
		{"vers:npm/>=1.0|*", "1.0"},
		{"", "1.0"},
		// A version without digits cannot be ordered.
		{"<= K", "J"},
		{"<=N", "M"},
		{"<= 1.86", "latest"},
		// A version of neither series of a union.
		{"<= U61 |<= L81", "61"},
		// No component version.
		{"<=12.1.3", ""},
		{"2.X", ""},
	}
	for _, tt := range tests {
		set := parseVersions(tt.text)
		if got := set.contains(tt.version); got != verdictUnknown {
			t.Errorf("parseVersions(%q).contains(%q) = %v, want unknown", tt.text, tt.version, got)
		}
	}
}

func checkSet(t *testing.T, text string, in, out []string) {
	t.Helper()
	set := parseVersions(text)
	want := map[string]verdict{}
	got := map[string]verdict{}
	for _, v := range in {
		want[v] = verdictIn
		got[v] = set.contains(v)
	}
	for _, v := range out {
		want[v] = verdictOut
		got[v] = set.contains(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseVersions(%q) (-want +got):\n%s", text, diff)
	}
}

// TestConstraintSetUnion checks which lists are valid vers lists and which
// are read as a union of one-sided constraints.
func TestConstraintSetUnion(t *testing.T) {
	tests := []struct {
		text  string
		union bool
	}{
		{">=1.0|<2.0", false},
		{"<1|>=2", false},
		{"1.0|1.1|>=2.0", false},
		{"!=1.5|>=1.0|<2.0", false},
		{"<= U61 |<= L81", true},
		{"<1.0|<2.0", true},
		{">=1.0|>=2.0", true},
		{"1.0|<2.0", true},
		{"<=K|<=3", true}, // cannot be ordered
	}
	for _, tt := range tests {
		if got := parseVersions(tt.text); got.kind != setConstraints || got.union != tt.union {
			t.Errorf("parseVersions(%q): kind %d, union %v; want constraints, union %v", tt.text, got.kind, got.union, tt.union)
		}
	}
}

// TestCSAFIndexCounts checks what newCSAFIndex indexes and skips.
func TestCSAFIndexCounts(t *testing.T) {
	withdrawn := &vuln.Advisory{ID: "CVE-2", Source: vuln.SourceCSAF, Withdrawn: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Affected: []vuln.Affected{{Product: "Pump", Status: "known_affected"}}}
	advs := []*vuln.Advisory{
		{ID: "CVE-1", Source: vuln.SourceCSAF, Affected: []vuln.Affected{
			{Product: "Pump", Vendor: "Acme", PURL: "pkg:generic/acme/pump@1.0", Status: "known_affected"},
			{Product: "Pump", Vendor: "Acme", PURL: "pkg:generic/acme/pump@1.1", Status: "fixed"},
			{Product: "Gateway", Vendor: "Acme", CPE: "cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*", Status: "first_affected"},
			{Product: "Gateway", Vendor: "Acme", CPE: "cpe:2.3:a:acme:gateway:2.0:*:*:*:*:*:*:*", Status: "last_affected"},
			{Product: "Acme Monitor", Vendor: "Acme", VersRange: "vers:all/*", Status: "known_affected"},
			{Product: "Monitor", Vendor: "Acme", Status: "known_not_affected"},
			{Product: "Monitor", Vendor: "Acme", Status: "under_investigation"},
			{Product: "Monitor", Vendor: "Acme", Status: "recommended"},
			{Product: "Monitor", Vendor: "Acme", Status: "first_fixed"},
		}},
		withdrawn,
		{ID: "GHSA-1", Source: vuln.SourceOSV, Affected: []vuln.Affected{{Ecosystem: "npm", Name: "x"}}},
	}
	ix := newCSAFIndex(advs)
	// names: pump, gateway, acme monitor and monitor (without the vendor
	// word).
	got := []int{ix.indexed(), ix.skipped, len(ix.byPURL), len(ix.byCPE), len(ix.byName)}
	if diff := cmp.Diff([]int{4, 5, 1, 1, 4}, got); diff != "" {
		t.Errorf("indexed, skipped, purls, cpes, names (-want +got):\n%s", diff)
	}
}

// FuzzParseVersions checks that no version text and no tested version
// makes parseVersions or contains panic, and that a text read as a valid
// vers list is sorted.
func FuzzParseVersions(f *testing.F) {
	for _, s := range []string{"vers:all/*", "vers:npm/>=1.0.0|<2.0.0", "vers:generic/1.0%7C2", "<= U61 |<= L81", "All BIOS versions < V25.02.06",
		"2.3.6 and  below", "<= 12.2.x.x", "4.X | 5.X", "< august 28", "v9.x (with Wireless Battery Module >= v22D19 | <= v22D28)", "x.1", "|||", "vers:/"} {
		f.Add(s, "12.1.2")
	}
	f.Fuzz(func(t *testing.T, text, version string) {
		set := parseVersions(text)
		set.contains(version)
		if set.kind == setConstraints && !set.union {
			for i := 1; i < len(set.cs); i++ {
				if n, ok := cpe.CompareVersions(set.cs[i-1].version, set.cs[i].version); ok && n > 0 {
					t.Errorf("parseVersions(%q): constraints not sorted: %v", text, set.cs)
				}
			}
		}
	})
}
