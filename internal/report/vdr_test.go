package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/tests/schematest"
)

func compileCDXSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.Compile(t, realdata.Data(t, "schemas", "cyclonedx"), "bom-1.6.schema.json")
}

func TestVDRSchema(t *testing.T) {
	s := compileCDXSchema(t)
	single := fixture()
	single.Scans = single.Scans[:1]
	for name, r := range map[string]*Result{
		"two SBOMs":   fixture(),
		"one SBOM":    single,
		"no lookup":   func() *Result { r := fixture(); r.Lookup = nil; r.Time = time.Time{}; return r }(),
		"no doc":      {Scans: []Scan{{File: "a.json", Findings: fixture().Scans[0].Findings}}},
		"no findings": {Scans: []Scan{{File: "a.json", Doc: pumpDoc()}}},
		"no scans":    {},
		"big":         bigResult(2000),
	} {
		t.Run(name, func(t *testing.T) {
			validate(t, s, render(t, r, FormatCycloneDXVDR), "bom-1.6.schema.json")
		})
	}
}

// pair is one (SBOM file, component ref, vulnerability ID) fact.
type pair struct{ File, Ref, ID string }

// pairsFromVDR recomputes the pairs from VDR JSON with nothing but
// encoding/json, as another tool would: each vulnerability's affects name
// components by bom-ref, and each component names its SBOM file and ref
// in the medvigil:sbom-file and medvigil:sbom-ref properties.
func pairsFromVDR(t *testing.T, data []byte) []pair {
	t.Helper()
	type prop struct{ Name, Value string }
	var bom struct {
		BOMFormat   string `json:"bomFormat"`
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			BOMRef     string `json:"bom-ref"`
			Properties []prop `json:"properties"`
		} `json:"components"`
		Vulnerabilities []struct {
			ID      string `json:"id"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &bom); err != nil {
		t.Fatalf("decode VDR: %v", err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.6" {
		t.Errorf("bomFormat %q specVersion %q", bom.BOMFormat, bom.SpecVersion)
	}
	type origin struct{ file, ref string }
	comps := map[string]origin{}
	for _, c := range bom.Components {
		if _, dup := comps[c.BOMRef]; dup {
			t.Errorf("bom-ref %q used twice", c.BOMRef)
		}
		var o origin
		for _, p := range c.Properties {
			switch p.Name {
			case "medvigil:sbom-file":
				o.file = p.Value
			case "medvigil:sbom-ref":
				o.ref = p.Value
			}
		}
		comps[c.BOMRef] = o
	}
	var out []pair
	used := map[string]bool{}
	for _, v := range bom.Vulnerabilities {
		for _, a := range v.Affects {
			o, ok := comps[a.Ref]
			if !ok {
				t.Errorf("%s affects %q, which is no component", v.ID, a.Ref)
				continue
			}
			used[a.Ref] = true
			out = append(out, pair{o.file, o.ref, v.ID})
		}
	}
	for ref := range comps {
		if !used[ref] {
			t.Errorf("component %q is affected by nothing: the VDR must hold only affected components", ref)
		}
	}
	return out
}

func pairsFromFindings(r *Result) []pair {
	var out []pair
	for _, s := range r.Scans {
		for _, f := range s.Findings {
			out = append(out, pair{s.File, f.Component.Ref, f.ID})
		}
	}
	return out
}

func TestVDRRecomputesPairs(t *testing.T) {
	single := fixture()
	single.Scans = single.Scans[:1]
	sortPairs := cmp.Transformer("sort", func(in []pair) []pair {
		out := slices.Clone(in)
		slices.SortFunc(out, func(a, b pair) int {
			return strings.Compare(a.File+"\x00"+a.Ref+"\x00"+a.ID, b.File+"\x00"+b.Ref+"\x00"+b.ID)
		})
		return out
	})
	for name, r := range map[string]*Result{"two SBOMs": fixture(), "one SBOM": single, "big": bigResult(3000)} {
		t.Run(name, func(t *testing.T) {
			got := pairsFromVDR(t, render(t, r, FormatCycloneDXVDR))
			if diff := cmp.Diff(pairsFromFindings(r), got, sortPairs); diff != "" {
				t.Errorf("pairs (-findings +VDR):\n%s", diff)
			}
		})
	}
}

func TestVDRContent(t *testing.T) {
	data := render(t, fixture(), FormatCycloneDXVDR)
	var bom map[string]any
	if err := json.Unmarshal(data, &bom); err != nil {
		t.Fatal(err)
	}
	get := func(v any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				v = v.(map[string]any)[k]
			case int:
				v = v.([]any)[k]
			}
		}
		return v
	}
	if got := get(bom, "$schema"); got != "http://cyclonedx.org/schema/bom-1.6.schema.json" {
		t.Errorf("$schema %v", got)
	}
	if got := get(bom, "metadata", "timestamp"); got != "2026-07-02T10:30:00Z" {
		t.Errorf("timestamp %v", got)
	}
	if got := get(bom, "metadata", "tools", "components", 0, "name"); got != "medvigil" {
		t.Errorf("metadata.tools %v", got)
	}

	// Components: exactly the affected ones, prefixed by scan, in SBOM
	// order; zlib and the pump itself are not affected.
	var refs []string
	comps := map[string]map[string]any{}
	for _, c := range get(bom, "components").([]any) {
		m := c.(map[string]any)
		refs = append(refs, m["bom-ref"].(string))
		comps[m["bom-ref"].(string)] = m
	}
	wantRefs := []string{"s1:c-log4j", "s1:c-openssl", "s1:c-requests", "s1:c-busybox", "s2:SPDXRef-Package-firmware", "s2:SPDXRef-Package-openssl"}
	if diff := cmp.Diff(wantRefs, refs); diff != "" {
		t.Errorf("component bom-refs (-want +got):\n%s", diff)
	}
	ssl := comps["s1:c-openssl"]
	if ssl["cpe"] != "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*" || ssl["purl"] != "pkg:generic/openssl@1.0.2k" || ssl["name"] != "openssl" || ssl["version"] != "1.0.2k" {
		t.Errorf("openssl component %v", ssl)
	}
	wantProps := []any{
		map[string]any{"name": "medvigil:cpe", "value": "cpe:2.3:a:openssl_project:openssl:1.0.2k:*:*:*:*:*:*:*"},
		map[string]any{"name": "medvigil:sbom-file", "value": "sboms/infusion-pump.cdx.json"},
		map[string]any{"name": "medvigil:sbom-ref", "value": "c-openssl"},
	}
	if diff := cmp.Diff(wantProps, ssl["properties"]); diff != "" {
		t.Errorf("openssl properties (-want +got):\n%s", diff)
	}
	if got := comps["s1:c-log4j"]["group"]; got != "org.apache.logging.log4j" {
		t.Errorf("log4j group %v", got)
	}
	if got := comps["s2:SPDXRef-Package-firmware"]["type"]; got != "firmware" {
		t.Errorf("firmware type %v", got)
	}
	if got := comps["s2:SPDXRef-Package-openssl"]["type"]; got != "library" {
		t.Errorf("SPDX purpose 'source' became type %v; want library", got)
	}

	vulns := map[string]map[string]any{}
	var order []string
	for _, v := range get(bom, "vulnerabilities").([]any) {
		m := v.(map[string]any)
		vulns[m["id"].(string)] = m
		order = append(order, m["id"].(string))
	}
	wantOrder := []string{"CVE-2021-44228", "CVE-2021-45046", "CVE-2022-48174", "CVE-2022-0778", "CVE-2025-0626", "CVE-2023-32681", "CVE-2024-47081", "DLA-3008-1"}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("vulnerability order (-want +got):\n%s", diff)
	}

	log4j := vulns["CVE-2021-44228"]
	want := map[string]any{
		"id":     "CVE-2021-44228",
		"source": map[string]any{"name": "OSV", "url": "https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q"},
		"references": []any{map[string]any{"id": "GHSA-jfh8-c2jp-5v3q",
			"source": map[string]any{"name": "GitHub Advisory Database", "url": "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q"}}},
		"ratings": []any{
			map[string]any{"source": map[string]any{"name": "nvd@nist.gov"}, "score": 10.0, "severity": "critical", "method": "CVSSv31", "vector": v31Critical},
			map[string]any{"source": map[string]any{"name": "nvd@nist.gov"}, "score": 9.3, "severity": "high", "method": "CVSSv2", "vector": "AV:N/AC:M/Au:N/C:C/I:C/A:C"},
		},
		"cwes":           []any{20.0, 400.0, 502.0, 917.0},
		"description":    "Remote code injection in Log4j",
		"detail":         "Apache Log4j2 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.",
		"recommendation": "Upgrade log4j-core@2.14.1 to 2.15.0.",
		"published":      "2021-12-10T00:00:00Z",
		"updated":        "2025-10-27T00:00:00Z",
		"affects":        []any{map[string]any{"ref": "s1:c-log4j"}},
		"properties": []any{
			map[string]any{"name": "medvigil:kev:date-added", "value": "2021-12-10"},
			map[string]any{"name": "medvigil:kev:due-date", "value": "2021-12-24"},
			map[string]any{"name": "medvigil:epss:score", "value": "0.94358"},
			map[string]any{"name": "medvigil:epss:percentile", "value": "0.99957"},
			map[string]any{"name": "medvigil:match:ref", "value": "s1:c-log4j"},
			map[string]any{"name": "medvigil:match:method", "value": "purl"},
			map[string]any{"name": "medvigil:match:confidence", "value": "high"},
			map[string]any{"name": "medvigil:match:rule", "value": "Maven/org.apache.logging.log4j:log4j-core ECOSYSTEM introduced 2.13.0, fixed 2.15.0"},
		},
	}
	if diff := cmp.Diff(want, log4j); diff != "" {
		t.Errorf("CVE-2021-44228 (-want +got):\n%s", diff)
	}

	// A vulnerability in both SBOMs is one entry affecting both components,
	// with the match of each.
	ssl0778 := vulns["CVE-2022-0778"]
	if diff := cmp.Diff([]any{map[string]any{"ref": "s2:SPDXRef-Package-openssl"}, map[string]any{"ref": "s1:c-openssl"}}, ssl0778["affects"]); diff != "" {
		t.Errorf("CVE-2022-0778 affects (-want +got):\n%s", diff)
	}
	if got := ssl0778["recommendation"]; got != "Upgrade openssl@1.0.2k to 1.0.2zd or 1.1.1n." {
		t.Errorf("recommendation %q", got)
	}
	if got := ssl0778["source"]; !cmp.Equal(got, map[string]any{"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2022-0778"}) {
		t.Errorf("source %v", got)
	}
	var matchRefs []string
	for _, p := range ssl0778["properties"].([]any) {
		if m := p.(map[string]any); m["name"] == "medvigil:match:ref" {
			matchRefs = append(matchRefs, m["value"].(string))
		}
	}
	if diff := cmp.Diff([]string{"s2:SPDXRef-Package-openssl", "s1:c-openssl"}, matchRefs); diff != "" {
		t.Errorf("match refs (-want +got):\n%s", diff)
	}

	// Every alias is a reference, with the database that publishes it.
	reqs := vulns["CVE-2023-32681"]
	wantRefsReq := []any{
		map[string]any{"id": "GHSA-j8r2-6x86-q33q", "source": map[string]any{"name": "GitHub Advisory Database", "url": "https://github.com/advisories/GHSA-j8r2-6x86-q33q"}},
		map[string]any{"id": "PYSEC-2023-74", "source": map[string]any{"name": "PyPA Advisory Database", "url": "https://osv.dev/vulnerability/PYSEC-2023-74"}},
	}
	if diff := cmp.Diff(wantRefsReq, reqs["references"]); diff != "" {
		t.Errorf("CVE-2023-32681 references (-want +got):\n%s", diff)
	}

	// CSAF: the publisher is the source; the ICSMA alias links to CISA.
	contec := vulns["CVE-2025-0626"]
	if diff := cmp.Diff(map[string]any{"name": "CISA", "url": "https://www.cisa.gov/sites/default/files/csaf/ICSMA-25-030-01.json"}, contec["source"]); diff != "" {
		t.Errorf("CSAF source (-want +got):\n%s", diff)
	}
	wantICSMA := []any{map[string]any{"id": "ICSMA-25-030-01", "source": map[string]any{"name": "CISA", "url": "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-25-030-01"}}}
	if diff := cmp.Diff(wantICSMA, contec["references"]); diff != "" {
		t.Errorf("ICSMA reference (-want +got):\n%s", diff)
	}
	wantRating := []any{map[string]any{"source": map[string]any{"name": "CISA"}, "score": 7.7, "severity": "high", "method": "CVSSv4", "vector": v40High}}
	if diff := cmp.Diff(wantRating, contec["ratings"]); diff != "" {
		t.Errorf("CSAF ratings (-want +got):\n%s", diff)
	}
	if _, ok := contec["recommendation"]; ok {
		t.Error("recommendation written though no fix is known")
	}

	// Qualitative and unknown ratings.
	if got := get(vulns["CVE-2024-47081"], "ratings"); !cmp.Equal(got, []any{map[string]any{"severity": "low"}}) {
		t.Errorf("qualitative rating %v", got)
	}
	if _, ok := vulns["DLA-3008-1"]["ratings"]; ok {
		t.Error("ratings written for an unknown severity")
	}
}

func TestVDRSingleScanRefs(t *testing.T) {
	r := fixture()
	r.Scans = r.Scans[:1]
	var bom struct {
		Components []struct {
			BOMRef string `json:"bom-ref"`
		} `json:"components"`
	}
	if err := json.Unmarshal(render(t, r, FormatCycloneDXVDR), &bom); err != nil {
		t.Fatal(err)
	}
	for _, c := range bom.Components {
		if strings.HasPrefix(c.BOMRef, "s1:") {
			t.Errorf("bom-ref %q prefixed though only one SBOM was scanned", c.BOMRef)
		}
	}
}

// TestVDRComponentsWithoutRef checks bom-refs stay unique when findings
// name components without refs, as hand-made inputs may.
func TestVDRComponentsWithoutRef(t *testing.T) {
	fs := []match.Finding{
		{Component: match.ComponentRef{Name: "a", Version: "1"}, ID: "CVE-1", IDs: []string{"CVE-1"}},
		{Component: match.ComponentRef{Name: "a", Version: "1"}, ID: "CVE-2", IDs: []string{"CVE-2"}},
		{Component: match.ComponentRef{Name: "b", Version: "1"}, ID: "CVE-1", IDs: []string{"CVE-1"}},
		{Component: match.ComponentRef{Ref: "component-1", Name: "c"}, ID: "CVE-3", IDs: []string{"CVE-3"}},
	}
	r := &Result{Scans: []Scan{{File: "x.json", Findings: fs}}}
	data := render(t, r, FormatCycloneDXVDR)
	got := pairsFromVDR(t, data)
	if len(got) != 4 {
		t.Errorf("%d pairs; want 4:\n%s", len(got), data)
	}
	if !bytes.Contains(data, []byte(`"bom-ref": "component-1#2"`)) {
		t.Errorf("colliding synthesized bom-ref not made unique:\n%s", data)
	}
}
