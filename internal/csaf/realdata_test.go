package csaf

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
)

// rawCount is what a plain walk of a document's JSON counts, independently
// of Decode and gocsaf.
type rawCount struct {
	Vulnerabilities int
	Products        int // branch products, full_product_names, relationships
	Affected        int // distinct product ids per status per vulnerability
	Remediations    int
	Scores          int // distinct (cvss version, vector) per vulnerability
	Ranges          int // products with a product_version_range or a "vers:" product_version
	Versions        int // products with another product_version
	CVEs            []string
}

func countRaw(t *testing.T, data []byte) rawCount {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var c rawCount
	tree, _ := doc["product_tree"].(map[string]any)
	var walk func(branches []any)
	walk = func(branches []any) {
		for _, b := range branches {
			b := b.(map[string]any)
			cat, name := b["category"].(string), b["name"].(string)
			if _, ok := b["product"]; ok {
				c.Products++
				switch {
				case cat == "product_version_range" || cat == "product_version" && strings.HasPrefix(name, "vers:"):
					c.Ranges++
				case cat == "product_version":
					c.Versions++
				}
			}
			sub, _ := b["branches"].([]any)
			walk(sub)
		}
	}
	if tree != nil {
		branches, _ := tree["branches"].([]any)
		walk(branches)
		fpns, _ := tree["full_product_names"].([]any)
		rels, _ := tree["relationships"].([]any)
		c.Products += len(fpns) + len(rels)
	}
	vulns, _ := doc["vulnerabilities"].([]any)
	c.Vulnerabilities = len(vulns)
	for _, v := range vulns {
		v := v.(map[string]any)
		if cve, ok := v["cve"].(string); ok {
			c.CVEs = append(c.CVEs, cve)
		}
		status, _ := v["product_status"].(map[string]any)
		for _, ids := range status {
			seen := map[any]bool{}
			for _, id := range ids.([]any) {
				if !seen[id] {
					seen[id] = true
					c.Affected++
				}
			}
		}
		rems, _ := v["remediations"].([]any)
		c.Remediations += len(rems)
		seen := map[string]bool{}
		scores, _ := v["scores"].([]any)
		for _, s := range scores {
			for _, key := range []string{"cvss_v2", "cvss_v3"} {
				if cv, ok := s.(map[string]any)[key].(map[string]any); ok {
					seen[key+" "+cv["vectorString"].(string)] = true
				}
			}
		}
		c.Scores += len(seen)
	}
	return c
}

func countDecoded(doc *Document) rawCount {
	c := rawCount{Vulnerabilities: len(doc.Advisories), Products: len(doc.Products)}
	for _, p := range doc.Products {
		switch {
		case p.VersRange != "":
			c.Ranges++
		case p.Version != "":
			c.Versions++
		}
	}
	for _, a := range doc.Advisories {
		c.Affected += len(a.Affected)
		c.Remediations += len(a.Remediations)
		c.Scores += len(a.Severities)
		if strings.HasPrefix(a.ID, "CVE-") {
			c.CVEs = append(c.CVEs, a.ID)
		}
	}
	return c
}

// TestSharedCSAF decodes every CISA advisory of the shared data and compares
// each with a plain walk of its JSON.
func TestSharedCSAF(t *testing.T) {
	dir := realdata.Data(t, "csaf")
	var warns []*input.Error
	docs, st, err := Load(context.Background(), dir, func(e *input.Error) { warns = append(warns, e) })
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("%d warnings:\n%s", len(warns), joinErrors(warns))
	}
	// Numbers observed in the snapshot (cisagov/CSAF 6960219, see
	// ../shared/data/README.md), each also checked per file below.
	wantStats := Stats{Files: 126, Documents: 126, Vulnerabilities: 379, Products: 634}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	var total rawCount
	icsma := 0
	for _, doc := range docs {
		file := doc.Advisories[0].Origin.File
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(countRaw(t, data), countDecoded(doc)); diff != "" {
			t.Errorf("%s (-raw +decoded):\n%s", file, diff)
		}
		if strings.HasPrefix(doc.TrackingID, "ICSMA-") {
			icsma++
		}
		if !strings.EqualFold(doc.TrackingID+".json", filepath.Base(file)) {
			t.Errorf("%s: tracking id %q does not match the file name", file, doc.TrackingID)
		}
		for _, a := range doc.Advisories {
			if a.Document != doc.TrackingID || a.Source != vuln.SourceCSAF || a.Published.IsZero() || a.Modified.IsZero() {
				t.Errorf("%s %s: document %q, source %q, published %v, modified %v", file, a.ID, a.Document, a.Source, a.Published, a.Modified)
			}
		}
		c := countDecoded(doc)
		total.Affected += c.Affected
		total.Remediations += c.Remediations
		total.Scores += c.Scores
		total.Ranges += c.Ranges
		total.Versions += c.Versions
		total.CVEs = append(total.CVEs, c.CVEs...)
	}
	if icsma != 96 {
		t.Errorf("%d ICSMA documents, want 96", icsma)
	}
	got := []int{total.Affected, total.Remediations, total.Scores, total.Ranges, total.Versions, len(total.CVEs)}
	if diff := cmp.Diff([]int{1682, 1972, 380, 494, 140, 379}, got); diff != "" {
		t.Errorf("affected, remediations, severities, ranges, versions, CVEs (-want +got):\n%s", diff)
	}
}

// TestICSMA23194 spot-checks ICSMA-23-194-01 (BD Alaris System with
// Guardrails Suite MX, update A): 8 CVEs on 6 products, ranges and an exact
// version, mitigations and vendor fixes, and a CVE scored twice (CVSS 3.0
// before the fix, 3.1 after it).
func TestICSMA23194(t *testing.T) {
	file := filepath.Join(realdata.Data(t, "csaf", "icsma", "2023"), "icsma-23-194-01.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, warns, err := Decode(file, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("warnings:\n%s", joinErrors(warns))
	}
	head := []string{doc.TrackingID, doc.Title, doc.Publisher, doc.Version, doc.Status, doc.TLP,
		doc.Initial.Format("2006-01-02"), doc.Current.Format("2006-01-02")}
	if diff := cmp.Diff([]string{"ICSMA-23-194-01", "BD Alaris System with Guardrails Suite MX", "CISA", "2", "final", "WHITE",
		"2023-07-13", "2023-10-26"}, head); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}

	var ids []string
	for _, a := range doc.Advisories {
		ids = append(ids, a.ID)
	}
	wantIDs := []string{"CVE-2023-30559", "CVE-2023-30560", "CVE-2023-30561", "CVE-2023-30562",
		"CVE-2023-30563", "CVE-2023-30564", "CVE-2023-30565", "CVE-2018-1285"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("advisory IDs (-want +got):\n%s", diff)
	}

	const bd = "Becton, Dickinson and Company (BD)"
	// CVE-2023-30562 (GRE dataset tampering) is the only one that lists the
	// fixed Guardrails Editor 12.1.3 (CSAFPID-0006) as still affected.
	a := doc.Advisories[3]
	wantAffected := []vuln.Affected{
		{Vendor: bd, Product: "BD Alaris Point-of-Care Unit (PCU) Model 8015", VersRange: "<=12.1.3", ProductID: "CSAFPID-0001", Status: "known_affected"},
		{Vendor: bd, Product: "BD Alaris Guardrails Editor", VersRange: "<=12.1.2", ProductID: "CSAFPID-0002", Status: "known_affected"},
		{Vendor: bd, Product: "BD Alaris Systems Manager", VersRange: "<=12.3", ProductID: "CSAFPID-0003", Status: "known_affected"},
		{Vendor: bd, Product: "CQI Reporter", VersRange: "<=10.17", ProductID: "CSAFPID-0004", Status: "known_affected"},
		{Vendor: bd, Product: "Calculation Services", VersRange: "<=1.0", ProductID: "CSAFPID-0005", Status: "known_affected"},
		{Vendor: bd, Product: "BD Alaris Guardrails Editor", Versions: []string{"12.1.3"}, ProductID: "CSAFPID-0006", Status: "known_affected"},
	}
	if diff := cmp.Diff(wantAffected, a.Affected); diff != "" {
		t.Errorf("CVE-2023-30562 affected (-want +got):\n%s", diff)
	}
	wantSev := []vuln.Severity{
		{Type: vuln.CVSSv3, Vector: "CVSS:3.0/AV:A/AC:L/PR:L/UI:R/S:U/C:N/I:H/A:H", Score: 6.7, Rating: "medium", Source: "CISA"},
		{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:A/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N", Score: 3.0, Rating: "low", Source: "CISA"},
	}
	if diff := cmp.Diff(wantSev, a.Severities); diff != "" {
		t.Errorf("CVE-2023-30562 severities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CWE-345"}, a.CWEs); diff != "" {
		t.Errorf("CVE-2023-30562 CWEs (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(a.Summary, "BD Alaris Guardrails Editor (GRE) v12.1.2 and prior has a GRE dataset file") {
		t.Errorf("CVE-2023-30562 summary = %q", a.Summary)
	}

	// Remediation categories, in document order, and the vendor fixes.
	type rem struct {
		Category string
		Products []string
	}
	var cats []string
	var fixes []rem
	for _, r := range doc.Advisories[6].Remediations { // CVE-2023-30565
		cats = append(cats, r.Category)
		if r.Category == "vendor_fix" {
			fixes = append(fixes, rem{r.Category, r.Products})
		}
	}
	wantCats := []string{"mitigation", "vendor_fix", "vendor_fix", "vendor_fix"}
	for range 18 {
		wantCats = append(wantCats, "mitigation")
	}
	if diff := cmp.Diff(wantCats, cats); diff != "" {
		t.Errorf("CVE-2023-30565 remediation categories (-want +got):\n%s", diff)
	}
	wantFixes := []rem{{"vendor_fix", []string{"CSAFPID-0003"}}, {"vendor_fix", []string{"CSAFPID-0005"}}, {"vendor_fix", []string{"CSAFPID-0004"}}}
	if diff := cmp.Diff(wantFixes, fixes); diff != "" {
		t.Errorf("CVE-2023-30565 vendor fixes (-want +got):\n%s", diff)
	}
	last := doc.Advisories[6].Remediations[len(doc.Advisories[6].Remediations)-1]
	if last.URL != "https://www.bd.com/en-us/about-bd/cybersecurity/bulletin/bd-alaris-system-with-guardrails-suite-mx" {
		t.Errorf("last remediation URL = %q", last.URL)
	}
	// Vulnerability references come first, then the document's 10.
	refs := doc.Advisories[0].References
	if len(refs) != 12 || refs[0].URL != "http://web.nvd.nist.gov/view/vuln/detail?vulnId=CVE-2023-30559" || refs[2].Type != "self" {
		t.Errorf("CVE-2023-30559 references = %+v", refs)
	}
	if got := doc.Advisories[0].Origin; got != (vuln.Origin{File: file, Pointer: "/vulnerabilities/0"}) {
		t.Errorf("origin = %+v", got)
	}
}
