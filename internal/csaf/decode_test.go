package csaf

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestDecodeNested reads testdata/nested.json, a hand-written, schema-valid
// CSAF 2.0 document with nested branches (vendor → product_family →
// product_name → product_version / product_version_range), a vers range, a
// free-text range, a CISA-style "vers:all/*" product_version, a
// full_product_names entry, two relationships in reverse order, a product
// group used in remediations, threats and flags, all eight product statuses,
// CVSS v2 and v3 scores and the three ways an advisory gets its ID.
func TestDecodeNested(t *testing.T) {
	const name = "testdata/nested.json"
	doc, warns, err := Decode(name, readFixture(t, "nested.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}

	const (
		publisher = "Example Medical PSIRT"
		pumpPURL  = "pkg:generic/example/pumpos@4.2.1"
		pumpCPE   = "cpe:2.3:o:example:pumpos:4.2.1:*:*:*:*:*:*:*"
		winCPE    = "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*"
		vendor    = "Example Medical"
	)
	docRefs := []vuln.Reference{
		{Type: "self", URL: "https://psirt.example.com/advisories/EXAMPLE-MED-2024-001.json"},
		{Type: "external", URL: "https://psirt.example.com/security"},
	}
	pump421 := func(status string) vuln.Affected {
		return vuln.Affected{PURL: pumpPURL, CPE: pumpCPE, Vendor: vendor, Product: "PumpOS", Versions: []string{"4.2.1"}, ProductID: "CSAFPID-0001", Status: status}
	}
	onWindows := func(id, status string) vuln.Affected {
		a := pump421(status)
		a.ProductID = id
		return a
	}
	want := &Document{
		TrackingID: "EXAMPLE-MED-2024-001",
		Title:      "Example Medical PumpOS and Gateway vulnerabilities",
		Publisher:  publisher,
		Version:    "2",
		Status:     "final",
		Initial:    date("2024-02-01T12:00:00Z"),
		Current:    date("2024-03-01T08:30:00Z"),
		TLP:        "GREEN",
		Notes: []Note{
			{Category: "summary", Title: "Summary", Text: "PumpOS and the Example Gateway have hard-coded credentials and an information leak."},
			{Category: "legal_disclaimer", Text: "Provided as is."},
		},
		Products: map[string]Product{
			"CSAFPID-0001": {
				ID: "CSAFPID-0001", Name: "Example Medical PumpOS 4.2.1",
				Vendor: vendor, ProductName: "PumpOS", Version: "4.2.1", Family: "Infusion",
				PURL: pumpPURL, CPE: pumpCPE, ModelNumbers: []string{"PX-100", "PX-200"}, SKUs: []string{"SKU-PUMP-01"},
			},
			"CSAFPID-0002": {
				ID: "CSAFPID-0002", Name: "Example Medical PumpOS >=4.0.0 <4.2.1",
				Vendor: vendor, ProductName: "PumpOS", VersRange: "vers:generic/>=4.0.0|<4.2.1", Family: "Infusion",
			},
			"CSAFPID-0003": {
				ID: "CSAFPID-0003", Name: "Example Medical PumpOS <= 3.0",
				Vendor: vendor, ProductName: "PumpOS", VersRange: "<= 3.0", Family: "Infusion",
			},
			"CSAFPID-0004": {
				ID: "CSAFPID-0004", Name: "Example Gateway: all versions",
				Vendor: vendor, ProductName: "Example Gateway", VersRange: "vers:all/*",
			},
			"CSAFPID-0005": {ID: "CSAFPID-0005", Name: "Hospital Windows 10 Workstation", CPE: winCPE},
			"CSAFPID-0007": {
				ID: "CSAFPID-0007", Name: "PumpOS 4.2.1 installed on Hospital Windows 10 Workstation",
				Vendor: vendor, ProductName: "PumpOS", Version: "4.2.1", Family: "Infusion",
				PURL: pumpPURL, CPE: pumpCPE, ModelNumbers: []string{"PX-100", "PX-200"}, SKUs: []string{"SKU-PUMP-WIN"},
				Relationship: "installed_on CSAFPID-0005",
			},
			"CSAFPID-0008": {
				ID: "CSAFPID-0008", Name: "PumpOS 4.2.1 on the workstation as part of Example Gateway",
				Vendor: vendor, ProductName: "PumpOS", Version: "4.2.1", Family: "Infusion",
				PURL: pumpPURL, CPE: pumpCPE, ModelNumbers: []string{"PX-100", "PX-200"}, SKUs: []string{"SKU-PUMP-WIN"},
				Relationship: "default_component_of CSAFPID-0004",
			},
		},
		Advisories: []*vuln.Advisory{
			{
				ID:      "CVE-2024-0001",
				Aliases: []string{"EX-SA-2024-001"},
				Summary: "Hard-coded credentials in PumpOS",
				Details: "PumpOS contains a hard-coded service password.\n\n" +
					"Impact: An attacker on the clinical network could change infusion parameters.\n" +
					"Exploit status: No known public exploitation.",
				Published: date("2024-02-01T12:00:00Z"),
				Modified:  date("2024-03-01T08:30:00Z"),
				Severities: []vuln.Severity{
					{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 8.8, Rating: "high", Source: publisher},
					{Type: vuln.CVSSv2, Vector: "AV:A/AC:L/Au:N/C:C/I:C/A:C", Score: 8.3, Source: publisher},
				},
				CWEs: []string{"CWE-798"},
				References: []vuln.Reference{
					{Type: "external", URL: "https://www.cve.org/CVERecord?id=CVE-2024-0001"},
					{Type: "external", URL: "https://psirt.example.com/security"},
					{Type: "self", URL: "https://psirt.example.com/advisories/EXAMPLE-MED-2024-001.json"},
				},
				Affected: []vuln.Affected{
					pump421("first_fixed"),
					pump421("fixed"),
					{Vendor: vendor, Product: "PumpOS", VersRange: "vers:generic/>=4.0.0|<4.2.1", ProductID: "CSAFPID-0002", Status: "known_affected"},
					{Vendor: vendor, Product: "PumpOS", VersRange: "<= 3.0", ProductID: "CSAFPID-0003", Status: "known_affected"},
					onWindows("CSAFPID-0007", "known_affected"),
					{Vendor: vendor, Product: "Example Gateway", VersRange: "vers:all/*", ProductID: "CSAFPID-0004", Status: "known_not_affected"},
					pump421("recommended"),
				},
				Remediations: []vuln.Remediation{
					{
						Category: "vendor_fix", Details: "Update PumpOS to 4.2.1.",
						URL:      "https://psirt.example.com/downloads/pumpos-4.2.1",
						Products: []string{"CSAFPID-0002", "CSAFPID-0007", "CSAFPID-0001", "CSAFPID-0003"},
					},
					{
						Category: "mitigation", Details: "Keep pumps on an isolated clinical VLAN.",
						Products: []string{"CSAFPID-0001", "CSAFPID-0002", "CSAFPID-0003"},
					},
				},
				Source:   vuln.SourceCSAF,
				Document: "EXAMPLE-MED-2024-001",
				Origin:   vuln.Origin{File: name, Pointer: "/vulnerabilities/0"},
			},
			{
				ID:        "EX-SA-2024-002",
				Aliases:   []string{"COORD-7"},
				Summary:   "The Example Gateway leaks patient identifiers in its logs.",
				Details:   "Logs are readable by any local user.",
				Published: date("2024-02-01T12:00:00Z"),
				Modified:  date("2024-03-01T08:30:00Z"),
				Severities: []vuln.Severity{
					{Type: vuln.CVSSv3, Vector: "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", Score: 5.5, Rating: "medium", Source: publisher},
				},
				References: docRefs,
				Affected: []vuln.Affected{
					{Vendor: vendor, Product: "Example Gateway", VersRange: "vers:all/*", ProductID: "CSAFPID-0004", Status: "first_affected"},
					{Vendor: vendor, Product: "Example Gateway", VersRange: "vers:all/*", ProductID: "CSAFPID-0004", Status: "last_affected"},
					onWindows("CSAFPID-0008", "under_investigation"),
				},
				Remediations: []vuln.Remediation{
					{Category: "none_available", Details: "No fix is available yet.", Products: []string{"CSAFPID-0004"}},
				},
				Source:   vuln.SourceCSAF,
				Document: "EXAMPLE-MED-2024-001",
				Origin:   vuln.Origin{File: name, Pointer: "/vulnerabilities/1"},
			},
			{
				ID:         "EXAMPLE-MED-2024-001#2",
				Summary:    "The workstation image ships an outdated browser.",
				Details:    "Browser 1.0 is end of life.",
				Published:  date("2024-02-01T12:00:00Z"),
				Modified:   date("2024-03-01T08:30:00Z"),
				References: docRefs,
				Affected: []vuln.Affected{
					{CPE: winCPE, Product: "Hospital Windows 10 Workstation", ProductID: "CSAFPID-0005", Status: "known_affected"},
				},
				Remediations: []vuln.Remediation{
					{Category: "workaround", Details: "Do not browse the web from the workstation.", Products: []string{"CSAFPID-0005"}},
				},
				Source:   vuln.SourceCSAF,
				Document: "EXAMPLE-MED-2024-001",
				Origin:   vuln.Origin{File: name, Pointer: "/vulnerabilities/2"},
			},
		},
	}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("Decode(%s) mismatch (-want +got):\n%s", name, diff)
	}
}

// TestDecodeBase reads a csaf_base document without product tree or
// vulnerabilities.
func TestDecodeBase(t *testing.T) {
	doc, warns, err := Decode("base.json", readFixture(t, "base.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Document{
		TrackingID: "EXAMPLE-NOTE-1",
		Title:      "Maintenance window for the Example Gateway fleet",
		Publisher:  "Example Medical PSIRT",
		Version:    "1.0.0",
		Status:     "interim",
		Initial:    date("2024-05-02T00:00:00Z"),
		Current:    date("2024-05-02T00:00:00Z"),
		Notes:      []Note{{Category: "general", Text: "Gateways restart on 2024-05-10."}},
		Products:   map[string]Product{},
	}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
}

// place is where an input.Error points, for comparison.
type place struct {
	Pointer      string
	Line, Column int
}

func placeOf(e *input.Error) place { return place{e.Pointer, e.Line, e.Column} }
