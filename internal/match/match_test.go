package match

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

func adv(id string, aliases []string, aff ...vuln.Affected) *vuln.Advisory {
	return &vuln.Advisory{ID: id, Aliases: aliases, Affected: aff, Source: vuln.SourceOSV}
}

func rng(typ vuln.RangeType, evs ...vuln.Event) []vuln.Range {
	return []vuln.Range{{Type: typ, Events: evs}}
}

func TestMatchPURL(t *testing.T) {
	kb := vuln.NewKB()
	withdrawn := adv("GHSA-gone", nil, vuln.Affected{Ecosystem: "npm", Name: "lodash", Ranges: rng(vuln.RangeSemver, vuln.Event{Introduced: "0"})})
	withdrawn.Withdrawn = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	kb.Add(
		adv("GHSA-lodash", []string{"CVE-2021-23337"}, vuln.Affected{Ecosystem: "npm", Name: "lodash",
			Ranges: rng(vuln.RangeSemver, vuln.Event{Introduced: "0"}, vuln.Event{Fixed: "4.17.21"})}),
		adv("PYSEC-1", []string{"CVE-2023-32681"}, vuln.Affected{Ecosystem: "PyPI", Name: "Requests",
			Ranges: rng(vuln.RangeEcosystem, vuln.Event{Introduced: "2.3.0"}, vuln.Event{Fixed: "2.31.0"})}),
		adv("GHSA-py", []string{"CVE-2023-32681"}, vuln.Affected{Ecosystem: "PyPI", Name: "requests",
			Ranges: rng(vuln.RangeEcosystem, vuln.Event{Introduced: "2.3.0"}, vuln.Event{Fixed: "2.31.0"})}),
		adv("GHSA-jackson", nil, vuln.Affected{Ecosystem: "Maven", Name: "com.fasterxml.jackson.core:jackson-databind",
			Ranges: rng(vuln.RangeEcosystem, vuln.Event{Introduced: "2.9.0"}, vuln.Event{LastAffected: "2.9.10"})}),
		adv("GO-2022-1", nil, vuln.Affected{Ecosystem: "Go", Name: "golang.org/x/text",
			Ranges: rng(vuln.RangeSemver, vuln.Event{Introduced: "0"}, vuln.Event{Fixed: "0.3.7"})}),
		adv("GO-stdlib", nil, vuln.Affected{Ecosystem: "Go", Name: "stdlib",
			Ranges: rng(vuln.RangeSemver, vuln.Event{Introduced: "1.20.0"}, vuln.Event{Fixed: "1.20.5"})}),
		adv("RUSTSEC-list", nil, vuln.Affected{Ecosystem: "crates.io", Name: "smallvec", Versions: []string{"1.6.0"}}),
		adv("GHSA-nuget", nil, vuln.Affected{Ecosystem: "NuGet", Name: "Newtonsoft.Json",
			Ranges: rng(vuln.RangeEcosystem, vuln.Event{Introduced: "0"}, vuln.Event{Fixed: "13.0.1"})}),
		adv("GHSA-git", nil, vuln.Affected{Ecosystem: "npm", Name: "ws",
			Ranges: []vuln.Range{{Type: vuln.RangeGit, Events: []vuln.Event{{Introduced: "0"}}}, {Type: vuln.RangeSemver, Events: []vuln.Event{{Introduced: "0"}, {Fixed: "7.4.6"}}}}}),
		adv("GHSA-limit", nil, vuln.Affected{Ecosystem: "npm", Name: "minimist",
			Ranges: rng(vuln.RangeSemver, vuln.Event{Introduced: "0"}, vuln.Event{Limit: "1.0.0"})}),
		withdrawn,
	)
	ix := NewIndex(kb)
	tests := []struct {
		name string
		purl string
		want []string // finding IDs
	}{
		{"npm below fix", "pkg:npm/lodash@4.17.20", []string{"CVE-2021-23337"}},
		{"npm at fix", "pkg:npm/lodash@4.17.21", nil},
		{"pypi PEP 503 and alias merge", "pkg:pypi/REQUESTS@2.30.0", []string{"CVE-2023-32681"}},
		{"pypi below introduced", "pkg:pypi/requests@2.2.0", nil},
		{"maven last_affected inclusive", "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10", []string{"GHSA-jackson"}},
		{"maven after last_affected", "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10.1", nil},
		{"go module path with v prefix", "pkg:golang/golang.org/x/text@v0.3.6", []string{"GO-2022-1"}},
		{"go toolchain is stdlib", "pkg:golang/go@1.20.4", []string{"GO-stdlib"}},
		{"versions list", "pkg:cargo/smallvec@1.6.0", []string{"RUSTSEC-list"}},
		{"versions list miss", "pkg:cargo/smallvec@1.6.1", nil},
		{"nuget case-insensitive", "pkg:nuget/newtonsoft.json@9.0.1", []string{"GHSA-nuget"}},
		{"git range ignored, semver range used", "pkg:npm/ws@7.4.5", []string{"GHSA-git"}},
		{"limit closes the range", "pkg:npm/minimist@1.2.0", nil},
		{"below limit", "pkg:npm/minimist@0.2.0", []string{"GHSA-limit"}},
		{"no version: no finding", "pkg:npm/lodash", nil},
		{"unknown type", "pkg:generic/lodash@1.0.0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &sbom.Component{Ref: "c", Name: "x", PURL: tt.purl}
			q := NewQuery(c)
			var got []string
			for _, f := range ix.MatchQuery(&q) {
				got = append(got, f.ID)
				if len(f.Evidence) == 0 || f.Evidence[0].Rule == "" {
					t.Errorf("finding %s has no rule", f.ID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
	if s := ix.Stats(); s.Withdrawn != 1 || s.GitRanges != 1 {
		t.Errorf("stats = %+v, want 1 withdrawn and 1 git range", s)
	}
}

func TestFindingMergesAliases(t *testing.T) {
	kb := vuln.NewKB()
	kb.Add(
		adv("GHSA-py", []string{"CVE-2023-32681"}, vuln.Affected{Ecosystem: "PyPI", Name: "requests",
			Ranges: rng(vuln.RangeEcosystem, vuln.Event{Introduced: "0"}, vuln.Event{Fixed: "2.31.0"})}),
		adv("PYSEC-2023-74", []string{"CVE-2023-32681", "GHSA-py"}, vuln.Affected{Ecosystem: "PyPI", Name: "requests",
			Ranges: rng(vuln.RangeEcosystem, vuln.Event{Introduced: "2.3.0"}, vuln.Event{Fixed: "2.31.0"})}),
		&vuln.Advisory{ID: "CVE-2023-32681", Source: vuln.SourceNVD, Summary: "Requests leaks Proxy-Authorization",
			Severities: []vuln.Severity{{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", Score: 6.1}}},
	)
	kb.SetKEV(map[string]vuln.KEV{"CVE-2023-32681": {DateAdded: "2024-01-01"}})
	ix := NewIndex(kb)
	q := NewQuery(&sbom.Component{Ref: "r", Name: "requests", Version: "2.30.0", PURL: "pkg:pypi/requests@2.30.0"})
	fs := ix.MatchQuery(&q)
	if len(fs) != 1 {
		t.Fatalf("findings = %d, want 1 (one vulnerability, three IDs)", len(fs))
	}
	f := fs[0]
	if diff := cmp.Diff([]string{"CVE-2023-32681", "GHSA-py", "PYSEC-2023-74"}, f.IDs); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
	if f.Severity.Rating != "medium" || f.Severity.Score != 6.1 || f.KEV == nil || f.Summary == "" {
		t.Errorf("finding = %+v", f)
	}
	if len(f.Evidence) != 2 || f.Fixed[0] != "2.31.0" || f.Confidence != ConfidenceHigh {
		t.Errorf("evidence = %+v fixed = %v", f.Evidence, f.Fixed)
	}
}
