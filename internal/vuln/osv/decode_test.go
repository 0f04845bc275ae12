package osv_test

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
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// The expected scores are the ones the CVSS specifications' calculators
// give for these vectors (FIRST CVSS v2, v3.0, v3.1 and v4.0 calculators).
func TestDecode(t *testing.T) {
	tests := []struct {
		file string
		want *vuln.Advisory
	}{
		{
			file: "GHSA-xxxx-test-0001.json",
			want: &vuln.Advisory{
				ID:        "GHSA-xxxx-test-0001",
				Aliases:   []string{"CVE-2023-0001"},
				Related:   []string{"CVE-2023-0002"},
				Summary:   "Prototype pollution in examplelib",
				Details:   "examplelib before 1.2.3 lets an attacker\nset `__proto__`.",
				Published: date("2023-11-02T08:00:00Z"),
				Modified:  date("2024-03-05T12:30:45.123456Z"),
				Severities: []vuln.Severity{
					{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "critical"},
					{Type: vuln.CVSSv4, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Score: 9.3, Rating: "critical"},
					{Type: vuln.Qualitative, Rating: "medium"},
				},
				CWEs: []string{"CWE-1321", "CWE-20"},
				References: []vuln.Reference{
					{Type: "ADVISORY", URL: "https://nvd.nist.gov/vuln/detail/CVE-2023-0001"},
					{Type: "FIX", URL: "https://example.test/examplelib/commit/abc"},
				},
				Affected: []vuln.Affected{{
					Ecosystem: "npm",
					Name:      "examplelib",
					PURL:      "pkg:npm/examplelib",
					Ranges: []vuln.Range{{
						Type:   vuln.RangeEcosystem,
						Events: []vuln.Event{{Introduced: "0"}, {Fixed: "1.2.3"}},
					}},
					Versions: []string{"1.0.0", "1.2.2"},
				}},
				Source: vuln.SourceOSV,
				Origin: vuln.Origin{File: "testdata/GHSA-xxxx-test-0001.json"},
			},
		},
		{
			file: "GO-2099-0001.json",
			want: &vuln.Advisory{
				ID:         "GO-2099-0001",
				Aliases:    []string{"CVE-2099-1234", "GHSA-yyyy-test-0002"},
				Summary:    "Withdrawn: not a vulnerability in example.test/mod",
				Details:    "This report was withdrawn.",
				Published:  date("2022-01-10T10:11:12Z"),
				Modified:   date("2024-05-20T00:00:00Z"),
				Withdrawn:  date("2024-05-20T00:00:00Z"),
				References: []vuln.Reference{{Type: "WEB", URL: "https://example.test/issue/1"}},
				Affected: []vuln.Affected{{
					Ecosystem: "Go",
					Name:      "example.test/mod",
					Ranges: []vuln.Range{
						{Type: vuln.RangeSemver, Events: []vuln.Event{{Introduced: "0"}, {Fixed: "1.4.0"}, {Introduced: "2.0.0"}, {Fixed: "2.0.3"}}},
						{Type: vuln.RangeGit, Repo: "https://example.test/mod.git", Events: []vuln.Event{{Introduced: "0"}, {Limit: "1111111111111111111111111111111111111111"}}},
					},
				}},
				Source: vuln.SourceOSV,
				Origin: vuln.Origin{File: "testdata/GO-2099-0001.json"},
			},
		},
		{
			file: "PYSEC-2099-1.json",
			want: &vuln.Advisory{
				ID:       "PYSEC-2099-1",
				Details:  "Buffer overflow in examplepy.",
				Modified: date("2021-06-30T22:00:00Z"),
				Severities: []vuln.Severity{
					{Type: vuln.CVSSv2, Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", Score: 7.5, Rating: "high"},
					{Type: vuln.CVSSv3, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Score: 6.1, Rating: "medium"},
				},
				Affected: []vuln.Affected{{
					Ecosystem: "PyPI",
					Name:      "examplepy",
					PURL:      "pkg:pypi/examplepy",
					Ranges:    []vuln.Range{{Type: vuln.RangeEcosystem, Events: []vuln.Event{{Introduced: "1.0"}, {LastAffected: "1.9"}}}},
				}},
				Source: vuln.SourceOSV,
				Origin: vuln.Origin{File: "testdata/PYSEC-2099-1.json"},
			},
		},
		{
			file: "minimal.json",
			want: &vuln.Advisory{ID: "OSV-2099-1", Source: vuln.SourceOSV, Origin: vuln.Origin{File: "testdata/minimal.json"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			name := filepath.Join("testdata", tt.file)
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !osv.Looks(data) && tt.file != "minimal.json" {
				t.Errorf("Looks(%s) = false, want true", tt.file)
			}
			got, err := osv.Decode(name, data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Decode(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

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

func TestDecodeFaults(t *testing.T) {
	tests := []struct {
		name string
		data string
		want place
		msg  string // a part of the message
	}{
		{
			name: "truncated",
			data: "{\n  \"id\": \"GO-1\",\n  \"aliases\": [\"CVE-1\",",
			want: place{File: "r.json", Line: 3, Column: 23},
			msg:  "unexpected end of JSON input",
		},
		{
			name: "syntax error inside",
			data: "{\n  \"id\": \"GO-1\",\n  \"summary\": \"x\" \"y\"\n}",
			want: place{File: "r.json", Line: 3, Column: 18},
			msg:  "invalid character",
		},
		{
			name: "empty file",
			data: "",
			want: place{File: "r.json", Line: 1, Column: 1},
			msg:  "unexpected end of JSON input",
		},
		{
			name: "trailing data",
			data: `{"id":"GO-1"} x`,
			want: place{File: "r.json", Line: 1, Column: 15},
			msg:  "after top-level value",
		},
		{
			name: "no id",
			data: `{"modified":"2024-01-01T00:00:00Z","affected":[]}`,
			want: place{File: "r.json", Pointer: "/id"},
			msg:  "no id",
		},
		{
			name: "blank id",
			data: `{"id":"  "}`,
			want: place{File: "r.json", Pointer: "/id"},
			msg:  "no id",
		},
		{
			name: "id of the wrong type",
			data: `{"id":7}`,
			want: place{File: "r.json", Pointer: "/id"},
			msg:  "id is a JSON number, want a string",
		},
		{
			name: "summary of the wrong type",
			data: `{"id":"GO-1","summary":["a"]}`,
			want: place{File: "r.json", Pointer: "/summary"},
			msg:  "summary is a JSON array, want a string",
		},
		{
			name: "deep value of the wrong type",
			data: `{"id":"GO-1","affected":[{"package":{"name":"a"}},{"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":1.5}]}]}]}`,
			want: place{File: "r.json", Pointer: "/affected/1/ranges/0/events/1/fixed"},
			msg:  "affected.ranges.events.fixed is a JSON number, want a string",
		},
		{
			name: "aliases not an array",
			data: `{"id":"GO-1","aliases":{"a":1}}`,
			want: place{File: "r.json", Pointer: "/aliases"},
			msg:  "aliases is a JSON object, want an array",
		},
		{
			name: "not an object",
			data: `["GO-1"]`,
			want: place{File: "r.json"},
			msg:  "the document is a JSON array, want an object",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := osv.Decode("r.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("Decode = %+v, want an error", got)
			}
			if diff := cmp.Diff(tt.want, placeOf(t, err)); diff != "" {
				t.Errorf("error %q at the wrong place (-want +got):\n%s", err, diff)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "osv: ") {
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
		{"osv record", `{"id":"GO-1","modified":"2024-01-01T00:00:00Z"}`, true},
		{"aliases after a big value", `{"details":{"x":[1,{"id":2}]},"id":"X","aliases":[]}`, true},
		{"byte order mark", "\ufeff{\"schema_version\":\"1.6.0\",\"id\":\"X\"}", true},
		{"head of a record", `{"schema_version":"1.6.0","id":"GO-1","summary":"trunc`, true},
		{"id only", `{"id":"X"}`, false},
		{"nested id", `{"vulnerabilities":[{"id":"X","modified":"y"}]}`, false},
		{"id as a value", `{"name":"id","modified":"x"}`, false},
		{"kev", `{"title":"CISA","catalogVersion":"1","vulnerabilities":[]}`, false},
		{"cyclonedx", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`, false},
		{"array", `[{"id":"X","modified":"y"}]`, false},
		{"not json", "id,modified\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := osv.Looks([]byte(tt.data)); got != tt.want {
				t.Errorf("Looks(%q) = %v, want %v", tt.data, got, tt.want)
			}
		})
	}
}
