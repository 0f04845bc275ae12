package cpe

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/nvd"
)

// sharedAdvisories decodes the three NVD API pages of ../shared/data/nvd.
func sharedAdvisories(tb testing.TB) []*vuln.Advisory {
	tb.Helper()
	dir := realdata.Data(tb, "nvd")
	var advs []*vuln.Advisory
	for _, name := range []string{"nvdcve-2.0-page-000.json", "nvdcve-2.0-page-001.json", "nvdcve-2.0-page-002.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		p, warns, err := nvd.DecodePage(name, data)
		if err != nil {
			tb.Fatal(err)
		}
		for _, w := range warns {
			tb.Errorf("%v", w)
		}
		advs = append(advs, p.Advisories...)
	}
	return advs
}

// TestSharedCriteriaParse checks that every criterion of the 121 real NVD
// records parses and that binding it again gives NVD's own string: NVD
// writes the formatted string binding as NISTIR 7695 section 6.2.2 does.
func TestSharedCriteriaParse(t *testing.T) {
	n := 0
	for _, a := range sharedAdvisories(t) {
		for _, m := range a.CPEConfigs {
			n++
			name, err := Parse(m.Criteria)
			if err != nil {
				t.Errorf("%s: %v", a.ID, err)
				continue
			}
			if got := name.String(); got != m.Criteria {
				t.Errorf("%s: Parse(%s).String() = %s", a.ID, m.Criteria, got)
			}
		}
	}
	if n != 1447 {
		t.Errorf("%d criteria, want 1447", n)
	}
}

// sbomComponent is what the oracle test reads of a CycloneDX component (JSON
// or XML; encoding/xml matches the tags in any namespace).
type sbomComponent struct {
	Name       string          `json:"name" xml:"name"`
	Version    string          `json:"version" xml:"version"`
	Group      string          `json:"group" xml:"group"`
	PURL       string          `json:"purl" xml:"purl"`
	CPE        string          `json:"cpe" xml:"cpe"`
	Components []sbomComponent `json:"components" xml:"components>component"`
}

type sbomDoc struct {
	Metadata struct {
		Component *sbomComponent `json:"component" xml:"component"`
	} `json:"metadata" xml:"metadata"`
	Components []sbomComponent `json:"components" xml:"components>component"`
}

// readSBOM returns every component of a CycloneDX file, the metadata
// component first, nested components flattened.
func readSBOM(tb testing.TB, path string) []sbomComponent {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var d sbomDoc
	if strings.HasSuffix(path, ".xml") {
		err = xml.Unmarshal(data, &d)
	} else {
		err = json.Unmarshal(data, &d)
	}
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []sbomComponent
	var walk func([]sbomComponent)
	walk = func(cs []sbomComponent) {
		for _, c := range cs {
			out = append(out, c)
			walk(c.Components)
		}
	}
	if d.Metadata.Component != nil {
		walk([]sbomComponent{*d.Metadata.Component})
	}
	walk(d.Components)
	return out
}

// The three SBOMs of ../shared/data/nvd/README.md, "SBOM components and the
// matching records".
const (
	extended  = "sboms/cyclonedx/medical-device-sbom-completeness/extended.sbom.json"
	mediawiki = "sboms/cyclonedx/bom-shelter/in-the-wild/mediawiki-cdx.xml"
	traefik   = "sboms/cyclonedx/bom-shelter/in-the-wild/traefix-cdx.xml"
)

// readmeExpectations is the table "SBOM components and the matching
// records" of ../shared/data/nvd/README.md, one row per (component, CVE).
// component is the component's CPE exactly as the SBOM writes it (the README
// shortens them), or "name@version" for a component without CPE. expected
// is the README's "expected": affected, not affected, or undecidable (which
// a matcher must not report as affected).
var readmeExpectations = []struct {
	sbom, component, cve, expected string
}{
	{extended, `cpe:2.3:a:the_jquery_foundation:jquery:3.1.1:*:*:*:*:*:*:*`, "CVE-2019-11358", "affected"},
	{extended, `cpe:2.3:a:the_jquery_foundation:jquery:3.1.1:*:*:*:*:*:*:*`, "CVE-2020-11022", "affected"},
	{extended, `cpe:2.3:a:the_jquery_foundation:jquery:3.1.1:*:*:*:*:*:*:*`, "CVE-2020-11023", "affected"},
	{extended, `cpe:2.3:a:james_newton-king:newtonsoftjson:9.0.1:*:*:*:*:*:*:*`, "CVE-2024-21907", "affected"},
	{extended, `cpe:2.3:a:the_apache_software_foundation:log4net:2.0.8:*:*:*:*:*:*:*`, "CVE-2018-1285", "affected"},
	{extended, `cpe:2.3:a:the_legion_of_the_bouncy_castle_inc.:bouncycastle:1.8.1:*:*:*:*:*:*:*`, "CVE-2020-15522", "affected"},
	{extended, `cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*`, "CVE-2018-16525", "affected"},
	{extended, `cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*`, "CVE-2021-31571", "affected"},
	{extended, `cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*`, "CVE-2018-16522", "not affected"},
	{extended, `cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*`, "CVE-2018-16528", "not affected"},
	{extended, `cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*`, "CVE-2021-44718", "affected"},
	{extended, `cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*`, "CVE-2022-25638", "affected"},
	{extended, `cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*`, "CVE-2022-42905", "affected"},
	{extended, `cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*`, "CVE-2021-38597", "not affected"},
	{extended, `cpe:2.3:o:ubiquiti:edgeos:2.0.9-hotfix.7:*:*:*:*:*:*:*`, "CVE-2023-31998", "undecidable"},
	{mediawiki, `cpe:2.3:a:openssl:openssl:1.1.1o-r0:*:*:*:*:*:*:*`, "CVE-2022-2097", "affected"},
	{mediawiki, `cpe:2.3:a:zlib:zlib:1.2.12-r1:*:*:*:*:*:*:*`, "CVE-2022-37434", "affected"},
	{mediawiki, `cpe:2.3:a:expat:expat:2.4.8-r0:*:*:*:*:*:*:*`, "CVE-2022-40674", "affected"},
	{mediawiki, `cpe:2.3:a:guzzlehttp\/guzzle:guzzlehttp\/guzzle:7.4.1:*:*:*:*:*:*:*`, "CVE-2022-29248", "affected"},
	{traefik, `cpe:2.3:a:golang:x\/text:v0.3.7:*:*:*:*:*:*:*`, "CVE-2022-32149", "affected"},
	{traefik, `cpe:2.3:a:containerd:containerd:v1.5.9:*:*:*:*:*:*:*`, "CVE-2022-23648", "affected"},
	{traefik, `cpe:2.3:a:docker:docker:v20.10.7\+incompatible:*:*:*:*:*:*:*`, "CVE-2021-41091", "affected"},
	{traefik, `cpe:2.3:a:zlib:zlib:1.2.12-r0:*:*:*:*:*:*:*`, "CVE-2022-37434", "affected"},
	// "metadata component traefik 2.8.0-rc1 (component CPE
	// traefik:traefik\/v2:\(devel\))": affected for 2.8.0-rc1; "the
	// component CPE has no usable version", so from that CPE it is
	// undecidable.
	{traefik, `traefik@2.8.0-rc1`, "CVE-2022-46153", "affected"},
	{traefik, `cpe:2.3:a:traefik:traefik\/v2:\(devel\):*:*:*:*:*:*:*`, "CVE-2022-46153", "undecidable"},
}

// Outcomes of looking a component up.
const (
	viaCPE       = "cpe"       // found through the CPE the SBOM states
	viaCandidate = "candidate" // found only through Candidates (lower confidence)
	notFound     = "none"
)

// deviation is a line of testdata/readme-deviations.tsv: a README
// expectation our matcher does not reproduce, what it gives instead, and
// why we think the matcher, not the README row, is right for a CPE matcher.
type deviation struct{ got, reason string }

func readDeviations(t *testing.T) map[[2]string]deviation {
	f, err := os.Open(filepath.Join("testdata", "readme-deviations.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make(map[[2]string]deviation)
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 4 || f[3] == "" {
			t.Fatalf("readme-deviations.tsv:%d: want component, CVE, outcome, reason separated by tabs", line)
		}
		out[[2]string{f[0], f[1]}] = deviation{f[2], f[3]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestREADMEExpectations decodes the shared NVD pages, indexes them, and
// for every component the README lists looks up the SBOM's CPE (then the
// Candidates from its name, version and purl): the CVEs found must be
// exactly those the README expects, except for the rows explained in
// testdata/readme-deviations.tsv.
func TestREADMEExpectations(t *testing.T) {
	ix := NewIndex(sharedAdvisories(t))
	deviations := readDeviations(t)
	used := make(map[[2]string]bool)

	// found[component] maps each CVE found for it to the outcome.
	found := make(map[string]map[string]string)
	components := make(map[string]sbomComponent)
	lookup := func(sbom, key string) map[string]string {
		if f, ok := found[key]; ok {
			return f
		}
		var comp *sbomComponent
		for _, c := range readSBOM(t, realdata.Data(t, sbom)) {
			if c.CPE == key || c.CPE == "" && c.Name+"@"+c.Version == key {
				comp = &c
				break
			}
		}
		if comp == nil {
			t.Fatalf("%s: no component %s", sbom, key)
		}
		components[key] = *comp
		f := make(map[string]string)
		if comp.CPE != "" {
			for _, h := range ix.Lookup(MustParse(comp.CPE)) {
				f[h.Advisory.ID] = viaCPE
			}
		}
		for _, cand := range Candidates(comp.Name, comp.Version, comp.Group, comp.PURL) {
			for _, h := range ix.Lookup(cand) {
				if f[h.Advisory.ID] == "" {
					f[h.Advisory.ID] = viaCandidate
				}
			}
		}
		found[key] = f
		return f
	}

	var report strings.Builder
	listed := make(map[string][]string)
	for _, row := range readmeExpectations {
		f := lookup(row.sbom, row.component)
		listed[row.component] = append(listed[row.component], row.cve)
		got := f[row.cve]
		if got == "" {
			got = notFound
		}
		agrees := (row.expected == "affected") == (got != notFound)
		key := [2]string{row.component, row.cve}
		d, explained := deviations[key]
		used[key] = explained
		fmt.Fprintf(&report, "%-80s %-15s README %-13s got %-9s %s\n", row.component, row.cve, row.expected, got, map[bool]string{true: "agrees", false: "DEVIATES: " + d.reason}[agrees])
		switch {
		case agrees && explained:
			t.Errorf("%s %s: README expects %s and the matcher agrees (%s); remove the stale line from readme-deviations.tsv", row.component, row.cve, row.expected, got)
		case !agrees && !explained:
			t.Errorf("%s %s: README expects %s, matcher gives %s; fix the matcher or explain it in readme-deviations.tsv", row.component, row.cve, row.expected, got)
		case !agrees && d.got != got:
			t.Errorf("%s %s: readme-deviations.tsv says %s, matcher gives %s", row.component, row.cve, d.got, got)
		}
	}
	// Nothing beyond the README's rows may be found for these components.
	for key, f := range found {
		for cve, how := range f {
			if slices.Contains(listed[key], cve) {
				continue
			}
			k := [2]string{key, cve}
			if d, ok := deviations[k]; ok && d.got == how {
				used[k] = true
				continue
			}
			t.Errorf("%s: found %s (%s), which the README does not list for it", key, cve, how)
		}
	}
	for k := range deviations {
		if !used[k] {
			t.Errorf("readme-deviations.tsv: %s %s matches no README row or finding", k[0], k[1])
		}
	}
	t.Logf("README expectations:\n%s", report.String())
}

// TestSharedSBOMsOtherComponents looks up every other CPE of the three
// SBOMs: none may find a record of the shared set through its own CPE (the
// README lists every CPE-bearing component that has one), and what the
// candidates find is logged.
func TestSharedSBOMsOtherComponents(t *testing.T) {
	ix := NewIndex(sharedAdvisories(t))
	listed := make(map[string]bool)
	for _, r := range readmeExpectations {
		listed[r.component] = true
	}
	for _, sbom := range []string{extended, mediawiki, traefik} {
		comps := readSBOM(t, realdata.Data(t, sbom))
		cpes, candidateHits := 0, 0
		for _, c := range comps {
			if listed[c.CPE] || listed[c.Name+"@"+c.Version] {
				continue
			}
			if c.CPE != "" {
				cpes++
				n, err := Parse(c.CPE)
				if err != nil {
					t.Errorf("%s: %v", sbom, err)
					continue
				}
				for _, h := range ix.Lookup(n) {
					t.Errorf("%s: %s finds %s (%s), which the README does not list", sbom, c.CPE, h.Advisory.ID, h.Why)
				}
			}
			for _, cand := range Candidates(c.Name, c.Version, c.Group, c.PURL) {
				for _, h := range ix.Lookup(cand) {
					candidateHits++
					t.Logf("%s: %s@%s candidate %s finds %s (%s)", sbom, c.Name, c.Version, cand, h.Advisory.ID, h.Why)
				}
			}
		}
		t.Logf("%s: %d components, %d other CPEs looked up, %d candidate hits", sbom, len(comps), cpes, candidateHits)
	}
}
