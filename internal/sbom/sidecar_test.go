package sbom

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
)

func TestReadSidecar(t *testing.T) {
	const good = `purl,name,version,level_of_support,end_of_support_date,end_of_life_date,justification
pkg:nuget/Newtonsoft.Json@9.0.1,,,Actively Maintained,2027-12-31,,
,openssl,1.0.2u,no_longer_maintained,2019-12-31T00:00:00Z,2019-12-31,"vendor ended 1.0.2 support"
# a comment line
,FreeRTOS,,unknown,,,"supplier does not publish a support date"
`
	rows, err := ReadSidecar("life.csv", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []SidecarRow{
		{Line: 2, PURL: "pkg:nuget/Newtonsoft.Json@9.0.1", Lifecycle: Lifecycle{LevelOfSupport: SupportActive, EndOfSupport: "2027-12-31"}},
		{Line: 3, Name: "openssl", Version: "1.0.2u", Lifecycle: Lifecycle{LevelOfSupport: SupportNoLonger, EndOfSupport: "2019-12-31", EndOfLife: "2019-12-31", Justification: "vendor ended 1.0.2 support"}},
		{Line: 5, Name: "FreeRTOS", Lifecycle: Lifecycle{LevelOfSupport: SupportUnknown, Justification: "supplier does not publish a support date"}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadSidecarErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		line, col int
		msg       string
	}{
		{"empty", "", 0, 0, "empty sidecar"},
		{"unknown column", "purl,colour\n", 1, 0, `unknown column "colour"`},
		{"no key column", "version,justification\n", 1, 0, "needs a purl or a name"},
		{"bad level", "name,level_of_support\nzlib,sometimes\n", 2, 6, "unknown level of support"},
		{"bad date", "name,end_of_support_date\nzlib,next year\n", 2, 6, "invalid date"},
		{"bad purl", "purl\nnot-a-purl\n", 2, 1, "invalid purl"},
		{"field count", "name,version\nzlib\n", 2, 0, "1 fields, the header has 2"},
		{"no key", "name,version\n,1.0\n", 2, 0, "names no component"},
		{"bad quote", "name\n\"zlib\n", 2, 0, "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadSidecar("life.csv", strings.NewReader(tt.csv))
			var ie *input.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *input.Error", err)
			}
			if ie.File != "life.csv" || (tt.line != 0 && ie.Line != tt.line) || (tt.col != 0 && ie.Column != tt.col) {
				t.Errorf("place = %s line %d col %d, want line %d col %d", ie.File, ie.Line, ie.Column, tt.line, tt.col)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
		})
	}
}

func TestApplySidecar(t *testing.T) {
	doc := &Document{Components: []Component{
		{Ref: "a", Name: "Newtonsoft.Json", Version: "9.0.1", PURL: "pkg:nuget/Newtonsoft.Json@9.0.1?arch=x64"},
		{Ref: "b", Name: "openssl", Version: "1.0.2u", Lifecycle: Lifecycle{LevelOfSupport: SupportActive}},
		{Ref: "c", Name: "openssl", Version: "3.0.0"},
	}}
	rows := []SidecarRow{
		{Line: 2, PURL: "pkg:nuget/Newtonsoft.Json@9.0.1", Lifecycle: Lifecycle{EndOfSupport: "2027-12-31"}},
		{Line: 3, Name: "openssl", Version: "1.0.2u", Lifecycle: Lifecycle{LevelOfSupport: SupportNoLonger}},
		{Line: 4, Name: "zlib", Lifecycle: Lifecycle{LevelOfSupport: SupportUnknown}},
	}
	if n := ApplySidecar(doc, "life.csv", rows); n != 2 {
		t.Errorf("changed = %d, want 2", n)
	}
	got := []Lifecycle{doc.Components[0].Lifecycle, doc.Components[1].Lifecycle, doc.Components[2].Lifecycle}
	want := []Lifecycle{{EndOfSupport: "2027-12-31"}, {LevelOfSupport: SupportNoLonger}, {}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lifecycles (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, w := range doc.Warnings {
		msgs = append(msgs, w.Error())
	}
	wantMsgs := []string{
		"life.csv: line 3: level of support of b overrides the SBOM's value",
		"life.csv: line 4: row selects no component of the SBOM",
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
