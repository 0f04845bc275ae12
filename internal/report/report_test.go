package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match"
	"medvigil/internal/vuln"
)

func render(t *testing.T, r *Result, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, f); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

func ids(fs []match.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
	}{
		{"table", FormatTable},
		{"json", FormatJSON},
		{"sarif", FormatSARIF},
		{"cyclonedx-vdr", FormatCycloneDXVDR},
		{"csv", FormatCSV},
		{" SARIF ", FormatSARIF},
		{"CycloneDX-VDR", FormatCycloneDXVDR},
	} {
		got, err := ParseFormat(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "xml", "cyclonedx", "sarif2"} {
		_, err := ParseFormat(bad)
		if err == nil || !strings.Contains(err.Error(), "table, json, sarif, cyclonedx-vdr, csv") {
			t.Errorf("ParseFormat(%q) error = %v; want one listing the formats", bad, err)
		}
	}
	if diff := cmp.Diff([]Format{"table", "json", "sarif", "cyclonedx-vdr", "csv"}, Formats()); diff != "" {
		t.Errorf("Formats() (-want +got):\n%s", diff)
	}
}

func TestSortedOrder(t *testing.T) {
	r := fixture()
	for i, s := range r.Scans {
		if diff := cmp.Diff(wantOrder()[i], ids(Sorted(s.Findings))); diff != "" {
			t.Errorf("scan %d order (-want +got):\n%s", i, diff)
		}
	}
}

func TestCompareTieBreaks(t *testing.T) {
	base := func(name, version, ref, id string) match.Finding {
		return match.Finding{Component: match.ComponentRef{Ref: ref, Name: name, Version: version}, ID: id,
			Severity: match.Severity{Rating: "high", Score: 7}}
	}
	withEPSS := base("z", "1", "r", "CVE-9")
	withEPSS.EPSS = &vuln.EPSS{Score: 0.001}
	none := base("a", "1", "r", "CVE-1")
	none.Severity = match.Severity{Rating: "none"}
	unknown := base("a", "1", "r", "CVE-0")
	unknown.Severity = match.Severity{Rating: "unknown"}
	moderate := base("a", "1", "r", "GHSA-m")
	moderate.Severity = match.Severity{Rating: "moderate"}
	in := []match.Finding{
		unknown, none, moderate,
		base("b", "2", "r2", "CVE-5"),
		base("b", "10", "r1", "CVE-5"),
		base("b", "10", "r0", "CVE-6"),
		base("b", "10", "r0", "CVE-4"),
		base("a", "9", "r", "CVE-7"),
		withEPSS,
	}
	got := Sorted(in)
	var keys []string
	for _, f := range got {
		keys = append(keys, f.Component.Name+"@"+f.Component.Version+"/"+f.Component.Ref+"/"+f.ID)
	}
	want := []string{
		"z@1/r/CVE-9",                                     // EPSS beats no EPSS within a rating
		"a@9/r/CVE-7",                                     // then name
		"b@10/r0/CVE-4", "b@10/r0/CVE-6", "b@10/r1/CVE-5", // version (as text), ref, ID
		"b@2/r2/CVE-5",
		"a@1/r/GHSA-m",               // moderate ranks as medium
		"a@1/r/CVE-0", "a@1/r/CVE-1", // none and unknown rank together, by ID
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if in[0].ID != "CVE-0" || in[8].ID != "CVE-9" {
		t.Error("Sorted modified its input")
	}
}

func TestWriteErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, nil, FormatJSON); err == nil {
		t.Error("Write(nil result) = nil error")
	}
	if err := Write(&buf, fixture(), "xml"); err == nil {
		t.Error("Write(unknown format) = nil error")
	}
	for _, f := range Formats() {
		err := Write(failingWriter{}, fixture(), f)
		if !errors.Is(err, errDiskFull) {
			t.Errorf("Write(%s) to a failing writer = %v; want it to wrap the writer's error", f, err)
		}
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// TestWriteDoesNotModify checks that every format leaves the findings as
// they were: Write sorts copies.
func TestWriteDoesNotModify(t *testing.T) {
	r := fixture()
	before := fixture()
	for _, f := range Formats() {
		render(t, r, f)
	}
	if diff := cmp.Diff(before.Scans, r.Scans); diff != "" {
		t.Errorf("Write modified the scans (-before +after):\n%s", diff)
	}
}

// TestEmptyResult renders a scan without findings and a result without
// scans in every format.
func TestEmptyResult(t *testing.T) {
	for _, r := range []*Result{
		{Tool: "medvigil", Version: "0.4.0"},
		{Tool: "medvigil", Version: "0.4.0", Scans: []Scan{{File: "a.cdx.json", Doc: pumpDoc()}}},
		{Scans: []Scan{{File: "nodoc.json"}}},
	} {
		for _, f := range Formats() {
			if out := render(t, r, f); len(out) == 0 {
				t.Errorf("%s: empty output", f)
			}
		}
	}
}
