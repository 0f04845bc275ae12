package kev_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"medvigil/internal/input"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/kev"
)

// place is an input.Error without its message, for comparing where a fault is.
type place struct {
	File    string
	Pointer string
	Line    int
	Column  int
}

func placeOf(t *testing.T, err error) place {
	t.Helper()
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *input.Error", err, err)
	}
	return place{ie.File, ie.Pointer, ie.Line, ie.Column}
}

func places(t *testing.T, list []*input.Error) []place {
	t.Helper()
	var out []place
	for _, w := range list {
		out = append(out, placeOf(t, w))
	}
	return out
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecode(t *testing.T) {
	tests := []struct {
		file     string
		want     *kev.Catalog
		warnings []place
	}{
		{
			file: "catalog.json",
			want: &kev.Catalog{
				Title:    "CISA Catalog of Known Exploited Vulnerabilities",
				Version:  "2099.01.02",
				Released: time.Date(2099, 1, 2, 15, 4, 5, 123e6, time.UTC),
				Entries: map[string]vuln.KEV{
					"CVE-2099-0001": {
						DateAdded:      "2099-01-02",
						DueDate:        "2099-01-23",
						RansomwareUse:  "Known",
						VendorProject:  "Example Medical",
						Product:        "Infusion Pump Gateway",
						Name:           "Example Medical Gateway Hard-coded Credentials Vulnerability",
						RequiredAction: "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.",
						CatalogVersion: "2099.01.02",
					},
					"CVE-2098-123456": {
						DateAdded:      "2098-12-31",
						DueDate:        "2099-01-21",
						RansomwareUse:  "Unknown",
						VendorProject:  "Example",
						Product:        "Imaging Viewer",
						Name:           "Example Imaging Viewer Path Traversal Vulnerability",
						RequiredAction: "Apply updates per vendor instructions.",
						CatalogVersion: "2099.01.02",
					},
					"CVE-2097-0003": {
						DateAdded:      "2097-06-30",
						DueDate:        "2097-07-21",
						RansomwareUse:  "Unknown",
						VendorProject:  "Example",
						Product:        "Lab Server",
						Name:           "Example Lab Server Command Injection Vulnerability",
						RequiredAction: "Apply updates per vendor instructions.",
						CatalogVersion: "2099.01.02",
					},
				},
			},
		},
		{
			file: "bad-entries.json",
			want: &kev.Catalog{
				Title:   "CISA Catalog of Known Exploited Vulnerabilities",
				Version: "2099.02.03",
				Entries: map[string]vuln.KEV{
					"CVE-2099-0001": {
						DateAdded:      "2099-02-03",
						DueDate:        "2099-02-24",
						RansomwareUse:  "Unknown",
						VendorProject:  "Example",
						Product:        "Good",
						Name:           "Good",
						RequiredAction: "Update.",
						CatalogVersion: "2099.02.03",
					},
					"CVE-2099-0005": {
						DateAdded:      "2099-02-03",
						VendorProject:  "Example",
						Product:        "No due date",
						Name:           "No due date",
						RequiredAction: "Update.",
						CatalogVersion: "2099.02.03",
					},
				},
			},
			warnings: []place{
				{Pointer: "/dateReleased"},
				{Pointer: "/count"},
				{Pointer: "/vulnerabilities/1/cveID"},
				{Pointer: "/vulnerabilities/2/dateAdded"},
				{Pointer: "/vulnerabilities/3/dueDate"},
				{Pointer: "/vulnerabilities/4/vendorProject"},
				{Pointer: "/vulnerabilities/5"},
				{Pointer: "/vulnerabilities/6/cveID"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			name := filepath.Join("testdata", tt.file)
			data := read(t, name)
			if !kev.Looks(data) {
				t.Errorf("Looks(%s) = false", tt.file)
			}
			got, warnings, err := kev.Decode(name, data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", diff)
			}
			for i := range tt.warnings {
				tt.warnings[i].File = name
			}
			if diff := cmp.Diff(tt.warnings, places(t, warnings), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			for _, w := range warnings {
				if !strings.HasPrefix(w.Message(), "kev: ") {
					t.Errorf("warning %q lacks the package prefix", w)
				}
			}
		})
	}
}

func TestDecodeFaults(t *testing.T) {
	tests := []struct {
		name string
		data string
		want place
		msg  string
	}{
		{
			name: "truncated",
			data: "{\n  \"catalogVersion\": \"1\",\n  \"vulnerabilities\": [\n    {\"cveID\": \"CVE-2099-0001\"",
			want: place{File: "kev.json", Line: 4, Column: 30},
			msg:  "unexpected end of JSON input",
		},
		{
			name: "not an object",
			data: `[1, 2]`,
			want: place{File: "kev.json"},
			msg:  "the document is a JSON array, want an object",
		},
		{
			name: "no catalogVersion",
			data: `{"vulnerabilities": []}`,
			want: place{File: "kev.json", Pointer: "/catalogVersion"},
			msg:  "not a KEV catalog",
		},
		{
			name: "no vulnerabilities",
			data: `{"catalogVersion": "1", "vulnerabilities": null}`,
			want: place{File: "kev.json", Pointer: "/vulnerabilities"},
			msg:  "not a KEV catalog",
		},
		{
			name: "vulnerabilities not an array",
			data: `{"catalogVersion": "1", "vulnerabilities": {"CVE-2099-0001": {}}}`,
			want: place{File: "kev.json", Pointer: "/vulnerabilities"},
			msg:  "is a JSON object, want an array",
		},
		{
			name: "catalogVersion not a string",
			data: `{"catalogVersion": 2025.08, "vulnerabilities": []}`,
			want: place{File: "kev.json", Pointer: "/catalogVersion"},
			msg:  "is a JSON number, want a string",
		},
		{
			name: "title not a string",
			data: `{"title": {}, "catalogVersion": "1", "vulnerabilities": []}`,
			want: place{File: "kev.json", Pointer: "/title"},
			msg:  "title is a JSON object, want a string",
		},
		{
			name: "an OSV record",
			data: `{"id": "GO-2024-1", "modified": "2024-01-01T00:00:00Z"}`,
			want: place{File: "kev.json", Pointer: "/catalogVersion"},
			msg:  "not a KEV catalog",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := kev.Decode("kev.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("Decode = %+v, %v; want an error", got, warnings)
			}
			if got != nil || warnings != nil {
				t.Errorf("Decode returned a catalog or warnings with an error")
			}
			if diff := cmp.Diff(tt.want, placeOf(t, err)); diff != "" {
				t.Errorf("error %q at the wrong place (-want +got):\n%s", err, diff)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "kev: ") {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestLooks(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"catalog", `{"title":"t","catalogVersion":"1","dateReleased":"x","count":0,"vulnerabilities":[]}`, true},
		{"head of a catalog", `{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-`, true},
		{"no version", `{"vulnerabilities":[]}`, false},
		{"nested keys", `{"data":{"catalogVersion":"1","vulnerabilities":[]}}`, false},
		{"osv", `{"id":"GO-1","modified":"x"}`, false},
		{"csv", "cveID,vendorProject\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kev.Looks([]byte(tt.data)); got != tt.want {
				t.Errorf("Looks(%q) = %v, want %v", tt.data, got, tt.want)
			}
		})
	}
}

func TestDecodeSharedCatalog(t *testing.T) {
	name := realdata.Data(t, "kev", "known_exploited_vulnerabilities.json")
	data := read(t, name)
	if !kev.Looks(data) {
		t.Errorf("Looks = false")
	}
	c, warnings, err := kev.Decode(name, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warnings {
		t.Errorf("warning: %v", w)
	}
	if c.Version != "2025.08.25" || len(c.Entries) != 1404 {
		t.Errorf("catalog %s with %d entries, want 2025.08.25 with 1404", c.Version, len(c.Entries))
	}
	if want := time.Date(2025, 8, 25, 17, 4, 19, 979600000, time.UTC); !c.Released.Equal(want) {
		t.Errorf("Released = %v, want %v", c.Released, want)
	}
	want := vuln.KEV{
		DateAdded:      "2025-08-25",
		DueDate:        "2025-09-15",
		RansomwareUse:  "Unknown",
		VendorProject:  "Git",
		Product:        "Git",
		Name:           "Git Link Following Vulnerability",
		RequiredAction: "Apply mitigations per vendor instructions, follow applicable BOD 22-01 guidance for cloud services, or discontinue use of the product if mitigations are unavailable.",
		CatalogVersion: "2025.08.25",
	}
	if diff := cmp.Diff(want, c.Entries["CVE-2025-48384"]); diff != "" {
		t.Errorf("CVE-2025-48384 (-want +got):\n%s", diff)
	}
	if _, ok := c.Entries["CVE-2021-44228"]; !ok {
		t.Errorf("Log4Shell (CVE-2021-44228) missing")
	}
	known := 0
	for _, e := range c.Entries {
		if e.RansomwareUse == "Known" {
			known++
		}
	}
	if known != 293 {
		t.Errorf("%d entries with known ransomware use, want 293", known)
	}
}

func FuzzDecode(f *testing.F) {
	for _, n := range []string{"catalog.json", "bad-entries.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"catalogVersion":"1","vulnerabilities":[null,{"cveID":7},{"cveID":"CVE-2024-0001","dateAdded":"2024-02-30"}],"count":"x"}`))
	f.Add([]byte("{\"catalogVersion\":"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kev.Looks(data)
		c, warnings, err := kev.Decode("fuzz.json", data)
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.File != "fuzz.json" {
				t.Fatalf("error %v (%T) is not an *input.Error naming the file", err, err)
			}
			if c != nil || warnings != nil {
				t.Fatalf("catalog or warnings with an error")
			}
			return
		}
		for _, w := range warnings {
			if w.File != "fuzz.json" || w.Pointer == "" {
				t.Fatalf("warning %v does not name the file and a place", w)
			}
		}
		for id, e := range c.Entries {
			if !strings.HasPrefix(id, "CVE-") || e.CatalogVersion != c.Version {
				t.Fatalf("entry %s: %+v", id, e)
			}
		}
	})
}
