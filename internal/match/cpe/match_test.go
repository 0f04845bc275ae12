package cpe

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/vuln"
)

const opensslAll = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"

func TestMatch(t *testing.T) {
	rng := func(si, se, ei, ee string) vuln.CPEMatch {
		return vuln.CPEMatch{Criteria: opensslAll, Vulnerable: true, VersionStartIncluding: si, VersionStartExcluding: se, VersionEndIncluding: ei, VersionEndExcluding: ee}
	}
	crit := func(s string) vuln.CPEMatch { return vuln.CPEMatch{Criteria: s, Vulnerable: true} }
	tests := []struct {
		name      string
		criteria  vuln.CPEMatch
		component string
		ok        bool
		why       string // the whole Why for a match, a substring otherwise
	}{
		// Version bounds (NVD CVE API 2.0 cpeMatch versionStart*/versionEnd*).
		{"inside [1.0.2, 1.0.2u)", rng("1.0.2", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", true,
			"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionStartIncluding 1.0.2 versionEndExcluding 1.0.2u"},
		{"start including: the start itself", rng("1.0.2", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", true,
			"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionStartIncluding 1.0.2 versionEndExcluding 1.0.2u"},
		{"start including: before it", rng("1.0.2", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:1.0.1u:*:*:*:*:*:*:*", false,
			"version 1.0.1u is outside cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionStartIncluding 1.0.2 versionEndExcluding 1.0.2u"},
		{"end excluding: the end itself", rng("1.0.2", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:1.0.2u:*:*:*:*:*:*:*", false, "version 1.0.2u is outside"},
		{"start excluding: the start itself", rng("", "1.0.2", "", ""), "cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", false, "outside"},
		{"start excluding: just after", rng("", "1.0.2", "", ""), "cpe:2.3:a:openssl:openssl:1.0.2a:*:*:*:*:*:*:*", true,
			"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionStartExcluding 1.0.2"},
		{"end including: the end itself", rng("", "", "1.0.2u", ""), "cpe:2.3:a:openssl:openssl:1.0.2u:*:*:*:*:*:*:*", true,
			"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionEndIncluding 1.0.2u"},
		{"end including: just after", rng("", "", "1.0.2u", ""), "cpe:2.3:a:openssl:openssl:1.0.2v:*:*:*:*:*:*:*", false, "outside"},
		{"only an end: old versions match", rng("", "", "", "3.0.5"), "cpe:2.3:a:openssl:openssl:0.9.8:*:*:*:*:*:*:*", true,
			"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* versionEndExcluding 3.0.5"},
		{"Alpine revision compares as upstream", rng("", "", "1.2.12", ""), "cpe:2.3:a:openssl:openssl:1.2.12-r1:*:*:*:*:*:*:*", true, ""},
		{"component version ANY never satisfies a range", rng("1.0.2", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", false,
			"component version is ANY: a bounded range needs a known version"},
		{"component version NA never satisfies a range", rng("", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:-:*:*:*:*:*:*:*", false,
			"component version is NA"},
		{"component version with wildcards never satisfies a range", rng("", "", "", "1.0.2u"), "cpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*", false,
			"version: criterion * is UNDEFINED of component 1.0.*"},
		{"component version without digits", rng("", "", "", "2.9.6"), `cpe:2.3:a:openssl:openssl:\(devel\):*:*:*:*:*:*:*`, false,
			`component version "(devel)" has no digits`},
		{"bound without digits", rng("", "", "", "latest"), "cpe:2.3:a:openssl:openssl:1.0:*:*:*:*:*:*:*", false, `bound "latest" has no digits`},

		// Single versions, NISTIR 7696 relations.
		{"criteria version ANY without bounds: every version", crit(opensslAll), "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", true, opensslAll},
		{"criteria version ANY without bounds: unknown version too", crit(opensslAll), "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", true, opensslAll},
		{"exact version", crit("cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:*"), "cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:*", true,
			"cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:*"},
		{"exact version: a hotfix level is another version", crit("cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:*"), "cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9-hotfix.7:*:*:*:*:*:*:*", false,
			`version: criterion 2.0.9 is DISJOINT of component 2.0.9-hotfix.7`},
		{"exact version: equal as versions", crit("cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:*"), "cpe:2.3:o:ui:edgemax_edgerouter_firmware:v2.0.9:*:*:*:*:*:*:*", true,
			"cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:* (version v2.0.9 equals 2.0.9)"},
		{"exact version: unknown component version is SUBSET", crit("cpe:2.3:o:ui:edgemax_edgerouter_firmware:2.0.9:*:*:*:*:*:*:*"), "cpe:2.3:o:ui:edgemax_edgerouter_firmware:*:*:*:*:*:*:*:*", false,
			"version: criterion 2.0.9 is SUBSET of component *"},
		{"criteria version with wildcard (7696 8.* example)", crit("cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*"), "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*", true, ""},
		{"NA version and update: Windows XP SP3", crit("cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*"), "cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*", true, ""},
		{"update sp3 does not cover an unknown update", crit("cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*"), "cpe:2.3:o:microsoft:windows_xp:-:*:*:*:*:*:*:*", false,
			"update: criterion sp3 is SUBSET of component *"},
		{"edition x64 (CVE-2012-0002)", crit("cpe:2.3:o:microsoft:windows_7:*:sp1:x64:*:*:*:*:*"), "cpe:2.3:o:microsoft:windows_7:-:sp1:x86:*:*:*:*:*", false,
			"edition: criterion x64 is DISJOINT of component x86"},
		{"NA sw_edition in the component (extended.sbom.json FreeRTOS)", crit("cpe:2.3:o:amazon:freertos:*:*:*:*:*:*:*:*"), "cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*", true, ""},
		{"part differs", vuln.CPEMatch{Criteria: "cpe:2.3:a:amazon:freertos:*:*:*:*:*:*:*:*", VersionEndIncluding: "10.0.1"}, "cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*", false,
			"part: criterion a is DISJOINT of component o"},
		{"escaped slash in criteria and URI component (CVE-2021-38394)",
			crit(`cpe:2.3:o:bostonscientific:zoom_latitude_pogrammer\/recorder\/monitor_3120_firmware:*:*:*:*:*:*:*:*`),
			"cpe:/o:bostonscientific:zoom_latitude_pogrammer%2frecorder%2fmonitor_3120_firmware:1.0", true, ""},

		// False-positive guard (Dependency-Track issue #3178).
		{"component vendor ANY vs a vendor-wide criterion (DT #3178)", crit("cpe:2.3:a:pascom_cloud_phone_system:*:*:*:*:*:*:*:*:*"), "cpe:2.3:a:*:zstandard:1.5.2:*:*:*:*:*:*:*", false,
			`component vendor is ANY: the false-positive guard needs a definite vendor`},
		{"component vendor ANY, product equal", vuln.CPEMatch{Criteria: "cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*", VersionEndExcluding: "3.4.0"}, "cpe:2.3:a:*:jquery:3.1.1:*:*:*:*:*:*:*", false,
			"component vendor is ANY"},
		{"component product NA", crit(opensslAll), "cpe:2.3:a:openssl:-:1.0:*:*:*:*:*:*:*", false, "component product is NA"},
		{"component vendor with wildcards", crit(opensslAll), "cpe:2.3:a:open*:openssl:1.0:*:*:*:*:*:*:*", false, `component vendor is "open*" with wildcards`},
		{"criterion product ANY (vendor-wide)", crit("cpe:2.3:a:pascom_cloud_phone_system:*:*:*:*:*:*:*:*:*"), "cpe:2.3:a:pascom_cloud_phone_system:pbx:1.0:*:*:*:*:*:*:*", false,
			"criterion product is ANY"},
		{"criterion vendor with wildcards", crit("cpe:2.3:a:*soft:word:*:*:*:*:*:*:*:*"), "cpe:2.3:a:microsoft:word:1.0:*:*:*:*:*:*:*", false, "criterion vendor is"},
		{"vendor differs (README: the_jquery_foundation vs jquery)", vuln.CPEMatch{Criteria: "cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*", VersionEndExcluding: "3.4.0"}, "cpe:2.3:a:the_jquery_foundation:jquery:3.1.1:*:*:*:*:*:*:*", false,
			`vendor differs: criterion "jquery", component "the_jquery_foundation"`},
		{"unparsable criterion", crit("cpe:2.3:a:broken"), "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*", false, "criterion cpe: parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := Match(tt.criteria, MustParse(tt.component))
			if ok != tt.ok {
				t.Fatalf("Match = %v (%s), want %v", ok, why, tt.ok)
			}
			if tt.ok && tt.why != "" && why != tt.why {
				t.Errorf("why\n got %s\nwant %s", why, tt.why)
			}
			if !tt.ok && !strings.Contains(why, tt.why) {
				t.Errorf("why %q does not contain %q", why, tt.why)
			}
		})
	}
}

// carefusion is CVE-2018-5457's configuration (../shared/data/nvd): the
// utility is vulnerable only with Windows XP as platform. A negated node is
// added to check that its criteria never hit.
var carefusion = []vuln.CPEMatch{
	{Criteria: "cpe:2.3:a:vyaire:carefusion_upgrade_utility:*:*:*:*:*:*:*:*", Vulnerable: true, VersionEndIncluding: "2.0.2.2", Operator: "OR", ConfigOperator: "AND"},
	{Criteria: "cpe:2.3:o:microsoft:windows_xp:-:*:*:*:*:*:*:*", Node: 1, Operator: "OR", ConfigOperator: "AND"},
	{Criteria: "cpe:2.3:a:vyaire:carefusion_upgrade_utility:3.0:*:*:*:*:*:*:*", Vulnerable: true, Config: 1, Operator: "OR", Negate: true},
}

func TestMatchAdvisory(t *testing.T) {
	tests := []struct {
		name      string
		component string
		want      []Hit
	}{
		{"vulnerable node hits; the platform is reported", "cpe:2.3:a:vyaire:carefusion_upgrade_utility:2.0.2.1:*:*:*:*:*:*:*", []Hit{{
			Criteria: carefusion[0],
			Why:      "cpe:2.3:a:vyaire:carefusion_upgrade_utility:*:*:*:*:*:*:*:* versionEndIncluding 2.0.2.2",
			Platform: []vuln.CPEMatch{carefusion[1]},
		}}},
		{"fixed version", "cpe:2.3:a:vyaire:carefusion_upgrade_utility:2.0.2.3:*:*:*:*:*:*:*", nil},
		{"the platform alone is not vulnerable", "cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*", nil},
		{"negated node never hits", "cpe:2.3:a:vyaire:carefusion_upgrade_utility:3.0:*:*:*:*:*:*:*", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, MatchAdvisory(carefusion, MustParse(tt.component))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	jq := &vuln.Advisory{ID: "CVE-2019-11358", CPEConfigs: []vuln.CPEMatch{
		{Criteria: "cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*", Vulnerable: true, VersionEndExcluding: "3.4.0"},
		{Criteria: "cpe:2.3:o:debian:debian_linux:8.0:*:*:*:*:*:*:*", Vulnerable: true, Config: 1},
	}}
	jq2 := &vuln.Advisory{ID: "CVE-2020-11022", CPEConfigs: []vuln.CPEMatch{
		{Criteria: "cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*", Vulnerable: true, VersionStartIncluding: "1.2", VersionEndExcluding: "3.5.0"},
	}}
	withdrawn := &vuln.Advisory{ID: "CVE-2099-0001", Withdrawn: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), CPEConfigs: []vuln.CPEMatch{
		{Criteria: "cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*", Vulnerable: true},
	}}
	skipped := &vuln.Advisory{ID: "CVE-2099-0002", CPEConfigs: []vuln.CPEMatch{
		{Criteria: "cpe:2.3:a:pascom_cloud_phone_system:*:*:*:*:*:*:*:*:*", Vulnerable: true}, // vendor-wide
		{Criteria: "cpe:2.3:a:broken", Vulnerable: true},
		{Criteria: "cpe:2.3:h:jquery:jquery:-:*:*:*:*:*:*:*"}, // not vulnerable
	}}
	ix := NewIndex([]*vuln.Advisory{jq, jq2, withdrawn, skipped, nil, {ID: "CVE-2024-5176"}, carefusionAdvisory()})
	if ix.Len() != 4 {
		t.Errorf("Len = %d, want 4 (two jquery, debian, carefusion)", ix.Len())
	}
	ids := func(hits []IndexHit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, h.Advisory.ID)
		}
		return out
	}
	tests := []struct {
		name, component string
		want            []string
	}{
		{"both jQuery ranges", "cpe:2.3:a:jquery:jquery:3.1.1:*:*:*:*:*:*:*", []string{"CVE-2019-11358", "CVE-2020-11022"}},
		{"between the fixes", "cpe:2.3:a:jquery:jquery:3.4.1:*:*:*:*:*:*:*", []string{"CVE-2020-11022"}},
		{"before the second range", "cpe:2.3:a:jquery:jquery:1.1:*:*:*:*:*:*:*", []string{"CVE-2019-11358"}},
		{"fixed", "cpe:2.3:a:jquery:jquery:3.5.0:*:*:*:*:*:*:*", nil},
		{"other vendor", "cpe:2.3:a:the_jquery_foundation:jquery:3.1.1:*:*:*:*:*:*:*", nil},
		{"vendor ANY is not looked up", "cpe:2.3:a:*:jquery:3.1.1:*:*:*:*:*:*:*", nil},
		{"OS criterion", "cpe:2.3:o:debian:debian_linux:8.0:*:*:*:*:*:*:*", []string{"CVE-2019-11358"}},
		{"vendor-wide criterion is not indexed", "cpe:2.3:a:pascom_cloud_phone_system:pbx:1:*:*:*:*:*:*:*", nil},
		{"platform with AND", "cpe:2.3:a:vyaire:carefusion_upgrade_utility:2.0:*:*:*:*:*:*:*", []string{"CVE-2018-5457"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(ix.Lookup(MustParse(tt.component)))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	hits := ix.Lookup(MustParse("cpe:2.3:a:vyaire:carefusion_upgrade_utility:2.0:*:*:*:*:*:*:*"))
	if len(hits) != 1 || len(hits[0].Platform) != 1 || hits[0].Platform[0].Criteria != "cpe:2.3:o:microsoft:windows_xp:-:*:*:*:*:*:*:*" {
		t.Errorf("carefusion hit: want Windows XP as platform, got %+v", hits)
	}
}

func carefusionAdvisory() *vuln.Advisory {
	return &vuln.Advisory{ID: "CVE-2018-5457", CPEConfigs: carefusion}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name                        string
		pname, version, group, purl string
		want                        []string
	}{
		{"npm (brief)", "jquery", "3.1.1", "", "pkg:npm/jquery@3.1.1",
			[]string{"cpe:2.3:a:jquery:jquery:3.1.1:*:*:*:*:*:*:*"}},
		{"npm scope", "core", "", "", "pkg:npm/%40angular/core@12.0.0",
			[]string{"cpe:2.3:a:angular:core:12.0.0:*:*:*:*:*:*:*", "cpe:2.3:a:core:core:12.0.0:*:*:*:*:*:*:*"}},
		{"nuget dotted name (brief)", "Newtonsoft.Json", "9.0.1", "", "pkg:nuget/Newtonsoft.Json@9.0.1",
			[]string{"cpe:2.3:a:newtonsoft:newtonsoft.json:9.0.1:*:*:*:*:*:*:*", "cpe:2.3:a:newtonsoft.json:newtonsoft.json:9.0.1:*:*:*:*:*:*:*"}},
		{"nuget jQuery (extended.sbom.json)", "jQuery", "3.1.1", "", "pkg:nuget/jQuery@3.1.1",
			[]string{"cpe:2.3:a:jquery:jquery:3.1.1:*:*:*:*:*:*:*"}},
		{"golang.org/x (brief)", "golang.org/x/text", "v0.3.7", "", "pkg:golang/golang.org/x/text@v0.3.7",
			[]string{"cpe:2.3:a:golang:text:v0.3.7:*:*:*:*:*:*:*", "cpe:2.3:a:text:text:v0.3.7:*:*:*:*:*:*:*"}},
		{"golang major suffix", "github.com/traefik/traefik/v2", "(devel)", "", "pkg:golang/github.com/traefik/traefik/v2@(devel)",
			[]string{`cpe:2.3:a:traefik:traefik:\(devel\):*:*:*:*:*:*:*`}},
		{"golang github", "", "", "", "pkg:golang/github.com/containerd/containerd@v1.5.9",
			[]string{"cpe:2.3:a:containerd:containerd:v1.5.9:*:*:*:*:*:*:*"}},
		{"golang other host", "", "", "", "pkg:golang/go.uber.org/zap@v1.21.0",
			[]string{"cpe:2.3:a:uber:zap:v1.21.0:*:*:*:*:*:*:*", "cpe:2.3:a:zap:zap:v1.21.0:*:*:*:*:*:*:*"}},
		{"gopkg.in", "", "", "", "pkg:golang/gopkg.in/yaml.v3@v3.0.1",
			[]string{"cpe:2.3:a:yaml:yaml:v3.0.1:*:*:*:*:*:*:*"}},
		{"maven", "", "", "", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
			[]string{"cpe:2.3:a:apache:log4j-core:2.14.1:*:*:*:*:*:*:*", "cpe:2.3:a:log4j:log4j-core:2.14.1:*:*:*:*:*:*:*", "cpe:2.3:a:log4j-core:log4j-core:2.14.1:*:*:*:*:*:*:*"}},
		{"composer", "guzzlehttp/guzzle", "7.4.1", "", "pkg:composer/guzzlehttp/guzzle@7.4.1",
			[]string{"cpe:2.3:a:guzzlehttp:guzzle:7.4.1:*:*:*:*:*:*:*", "cpe:2.3:a:guzzle:guzzle:7.4.1:*:*:*:*:*:*:*"}},
		{"apk: the namespace is the distribution", "zlib", "1.2.12-r1", "", "pkg:alpine/zlib@1.2.12-r1?arch=x86_64&upstream=zlib&distro=alpine-3.16.0",
			[]string{"cpe:2.3:a:zlib:zlib:1.2.12-r1:*:*:*:*:*:*:*"}},
		{"github purl without version", "FreeRTOS", "10.0.1", "", "pkg:github/freertos/freertos",
			[]string{"cpe:2.3:a:freertos:freertos:10.0.1:*:*:*:*:*:*:*"}},
		{"no purl, spaces", "UniFi Network Application", "8.3.32", "", "",
			[]string{"cpe:2.3:a:unifi_network_application:unifi_network_application:8.3.32:*:*:*:*:*:*:*"}},
		{"no purl, no version (traefik metadata component)", "traefik", "2.8.0-rc1", "", "",
			[]string{"cpe:2.3:a:traefik:traefik:2.8.0-rc1:*:*:*:*:*:*:*"}},
		{"no purl, Maven-style group", "log4j-core", "2.14.1", "org.apache.logging.log4j", "",
			[]string{"cpe:2.3:a:apache:log4j-core:2.14.1:*:*:*:*:*:*:*", "cpe:2.3:a:log4j:log4j-core:2.14.1:*:*:*:*:*:*:*", "cpe:2.3:a:log4j-core:log4j-core:2.14.1:*:*:*:*:*:*:*"}},
		{"no version", "zlib", "", "", "", []string{"cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*"}},
		{"nothing", "", "", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range Candidates(tt.pname, tt.version, tt.group, tt.purl) {
				got = append(got, n.String())
				if back, err := Parse(n.String()); err != nil || back != n {
					t.Errorf("candidate %s does not survive Parse: %v", n, err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
