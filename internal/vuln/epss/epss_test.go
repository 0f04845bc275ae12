package epss_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/epss"
)

// place is an input.Error without its message, for comparing where a fault is.
type place struct {
	File   string
	Line   int
	Column int
}

func placeOf(t *testing.T, err error) place {
	t.Helper()
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *input.Error", err, err)
	}
	if ie.Pointer != "" {
		t.Errorf("error %v has a JSON pointer", err)
	}
	return place{ie.File, ie.Line, ie.Column}
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRead(t *testing.T) {
	day := fixture(t, "epss_scores-2099-01-02.csv")
	dayScores := &epss.Scores{
		ModelVersion: "v2025.03.14",
		Date:         "2099-01-02",
		Entries: map[string]vuln.EPSS{
			"CVE-2021-44228":  {Score: 0.94358, Percentile: 0.99957, Date: "2099-01-02"},
			"CVE-1999-0001":   {Score: 0.0116, Percentile: 0.77823, Date: "2099-01-02"},
			"CVE-2099-123456": {Score: 0, Percentile: 0.00001, Date: "2099-01-02"},
		},
	}
	// Drop the comment line: the date then comes from the file name.
	_, noComment, _ := bytes.Cut(day, []byte("\n"))

	tests := []struct {
		name     string
		file     string
		data     []byte
		want     *epss.Scores
		warnings []place
		unlike   bool // Looks does not recognise the data
	}{
		{name: "plain", file: "epss_scores-2099-01-02.csv", data: day, want: dayScores},
		{name: "gzip", file: "epss_scores-2099-01-02.csv.gz", data: gz(t, day), want: dayScores},
		{name: "byte order mark", file: "scores.csv", data: append([]byte("\ufeff"), day...), want: dayScores},
		{name: "CRLF", file: "scores.csv", data: bytes.ReplaceAll(day, []byte("\n"), []byte("\r\n")), want: dayScores},
		{
			name: "no comment, date from the name",
			file: "epss_scores-2099-01-05.csv.gz",
			data: gz(t, noComment),
			want: &epss.Scores{
				Date: "2099-01-05",
				Entries: map[string]vuln.EPSS{
					"CVE-2021-44228":  {Score: 0.94358, Percentile: 0.99957, Date: "2099-01-05"},
					"CVE-1999-0001":   {Score: 0.0116, Percentile: 0.77823, Date: "2099-01-05"},
					"CVE-2099-123456": {Score: 0, Percentile: 0.00001, Date: "2099-01-05"},
				},
			},
		},
		{
			name: "no comment, no header, no date",
			file: "no-header.csv",
			data: fixture(t, "no-header.csv"),
			want: &epss.Scores{Entries: map[string]vuln.EPSS{
				"CVE-2021-44228": {Score: 0.9, Percentile: 0.99},
				"CVE-2020-0001":  {Score: 0.5, Percentile: 0.6},
			}},
			warnings: []place{{}},
			unlike:   true,
		},
		{
			name: "columns in another order, no percentile",
			file: "epss_scores-2022-01-01.csv",
			data: []byte("epss,cve\n0.125,CVE-2021-0001\n"),
			want: &epss.Scores{Date: "2022-01-01", Entries: map[string]vuln.EPSS{
				"CVE-2021-0001": {Score: 0.125, Date: "2022-01-01"},
			}},
			unlike: true,
		},
		{
			name: "bad rows",
			file: "bad-rows.csv",
			data: fixture(t, "bad-rows.csv"),
			want: &epss.Scores{
				ModelVersion: "v2025.03.14",
				Date:         "2099-01-03",
				Entries: map[string]vuln.EPSS{
					"CVE-2021-44228": {Score: 0.94358, Percentile: 0.99957, Date: "2099-01-03"},
					"CVE-2020-0007":  {Score: 0.25, Percentile: 0.5, Date: "2099-01-03"},
				},
			},
			warnings: []place{
				{Line: 4, Column: 1},   // CVE-21-1
				{Line: 5, Column: 15},  // epss 1.5
				{Line: 6, Column: 15},  // epss abc
				{Line: 7, Column: 1},   // two fields
				{Line: 8, Column: 23},  // four fields
				{Line: 9, Column: 19},  // percentile NaN
				{Line: 10, Column: 1},  // CVE-2021-44228 again
				{Line: 11, Column: 16}, // bare quote
			},
		},
		{
			name: "bad score date",
			file: "scores.csv",
			data: []byte("#model_version:v1,score_date:soon\ncve,epss,percentile\nCVE-2021-0001,0.5,0.5\n"),
			want: &epss.Scores{ModelVersion: "v1", Entries: map[string]vuln.EPSS{
				"CVE-2021-0001": {Score: 0.5, Percentile: 0.5},
			}},
			warnings: []place{{Line: 1}, {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := epss.Looks(tt.data); got == tt.unlike {
				t.Errorf("Looks = %v, want %v", got, !tt.unlike)
			}
			got, warnings, err := epss.Read(tt.file, bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Read mismatch (-want +got):\n%s", diff)
			}
			var gotPlaces []place
			for _, w := range warnings {
				gotPlaces = append(gotPlaces, placeOf(t, w))
				if !strings.HasPrefix(w.Message(), "epss: ") {
					t.Errorf("warning %q lacks the package prefix", w)
				}
			}
			for i := range tt.warnings {
				tt.warnings[i].File = tt.file
			}
			if diff := cmp.Diff(tt.warnings, gotPlaces, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadFaults(t *testing.T) {
	good := gz(t, fixture(t, "epss_scores-2099-01-02.csv"))
	tests := []struct {
		name string
		data []byte
		want place
		msg  string
	}{
		{"empty", nil, place{File: "f"}, "no header row"},
		{"only a comment", []byte("#model_version:v1,score_date:2099-01-01T00:00:00+0000\n"), place{File: "f"}, "no header row"},
		{"another CSV", []byte("name,version\nlodash,4.17.20\n"), place{File: "f", Line: 1, Column: 1}, "names no cve and epss columns"},
		{"header after the comment", []byte("#c\nid,score\n"), place{File: "f", Line: 2, Column: 1}, "names no cve and epss columns"},
		{"broken gzip header", []byte{0x1f, 0x8b, 0, 1, 2}, place{File: "f"}, "gzip"},
		{"truncated gzip", good[:len(good)-10], place{File: "f"}, "unexpected EOF"},
		{"bad quote in the header", []byte("cve,\"epss\n"), place{File: "f", Line: 1, Column: 11}, "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := epss.Read("f", bytes.NewReader(tt.data))
			if err == nil {
				t.Fatalf("Read = %+v, %v; want an error", got, warnings)
			}
			if got != nil || warnings != nil {
				t.Errorf("Read returned scores or warnings with an error")
			}
			if diff := cmp.Diff(tt.want, placeOf(t, err)); diff != "" {
				t.Errorf("error %q at the wrong place (-want +got):\n%s", err, diff)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "epss: ") {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

// TestReadLimit checks that a small gzip file cannot expand past the limit.
func TestReadLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("cve,epss,percentile\n")
	for b.Len() < 100_000 {
		b.WriteString("CVE-2021-0001,0.5,0.5\n")
	}
	bomb := gz(t, []byte(b.String()))
	for _, data := range [][]byte{bomb, []byte(b.String())} {
		_, _, err := epss.ReadMax("bomb.csv.gz", bytes.NewReader(data), 10_000)
		if err == nil || !strings.Contains(err.Error(), "more than 10000 bytes") {
			t.Errorf("ReadMax error = %v, want the limit named", err)
		}
	}
	// Under the limit the same data reads, with duplicate rows warned about.
	_, warnings, err := epss.ReadMax("bomb.csv.gz", bytes.NewReader(bomb), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	// 1,000 duplicate warnings, one counting the rest, one for the missing date.
	if len(warnings) != 1001 || !strings.Contains(warnings[1000].Error(), "more rows skipped") {
		t.Errorf("%d warnings, the last %v; want 1001 ending with a count", len(warnings), warnings[len(warnings)-1])
	}
}

func TestLooks(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"comment", "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\n", true},
		{"header", "cve,epss,percentile\n", true},
		{"upper-case header", "CVE,EPSS\n", true},
		{"gzip", "\x1f\x8b\x08\x00", true},
		{"another comment", "# notes\ncve,epss\n", false},
		{"another CSV", "purl,name\n", false},
		{"json", `{"cve":"x"}`, false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := epss.Looks([]byte(tt.head)); got != tt.want {
				t.Errorf("Looks(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, n := range []string{"epss_scores-2099-01-02.csv", "bad-rows.csv", "no-header.csv"} {
		data := fixture(f, n)
		f.Add(data)
		f.Add(gz(f, data))
	}
	f.Add([]byte("#model_version:v1,score_date:2099-01-01T00:00:00+0000\ncve,epss\nCVE-2021-0001,\"0.5\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		epss.Looks(data)
		s, warnings, err := epss.ReadMax("fuzz.csv", bytes.NewReader(data), 1<<20)
		if err != nil {
			var ie *input.Error
			if !errors.As(err, &ie) || ie.File != "fuzz.csv" {
				t.Fatalf("error %v (%T) is not an *input.Error naming the file", err, err)
			}
			return
		}
		for _, w := range warnings {
			if w.File != "fuzz.csv" {
				t.Fatalf("warning %v does not name the file", w)
			}
		}
		for id, e := range s.Entries {
			if !strings.HasPrefix(id, "CVE-") || e.Score < 0 || e.Score > 1 || e.Percentile < 0 || e.Percentile > 1 || e.Date != s.Date {
				t.Fatalf("entry %s: %+v", id, e)
			}
		}
	})
}
