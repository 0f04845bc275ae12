package cpe

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lit, pat, anyV and naV build values tersely for the tables.
func lit(s string) Value            { return Value{Kind: Literal, Text: s} }
func pat(pre, s, post string) Value { return Value{Kind: Literal, Text: s, Pre: pre, Post: post} }

var (
	anyV = Value{Kind: Any}
	naV  = Value{Kind: NA}
)

// wfn builds a Name from part, vendor, product, version, update and the
// optional trailing attributes; missing ones are ANY.
func wfn(vals ...Value) Name {
	var n Name
	for i, v := range n.attrs() {
		if i < len(vals) {
			*v = vals[i]
		}
	}
	return n
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Name
	}{
		// NISTIR 7695 section 6.2.3.3, examples of unbinding formatted
		// strings.
		{"7695 FS example 1", `cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`,
			wfn(lit("a"), lit("microsoft"), lit("internet_explorer"), lit("8.0.6001"), lit("beta"))},
		{"7695 FS example 2: unquoted wildcards", `cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*`,
			wfn(lit("a"), lit("microsoft"), lit("internet_explorer"), pat("", "8.", "*"), pat("", "sp", "?"))},
		{"brief: quoted asterisk is a literal", `cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*`,
			wfn(lit("a"), lit("microsoft"), lit("internet_explorer"), lit("8.*"), pat("", "sp", "?"))},
		{"7695 FS example 3: NA and extended attributes", `cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*`,
			wfn(lit("a"), lit("hp"), lit("insight_diagnostics"), lit("7.4.0.1570"), naV, anyV, anyV, lit("online"), lit("win2003"), lit("x64"))},
		{"7695 FS example 4", `cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*`,
			wfn(lit("a"), lit("hp"), lit("openview_network_manager"), lit("7.51"), anyV, anyV, anyV, anyV, lit("linux"))},
		{"7695 FS example 5: quoted backslash and dollar", `cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*`,
			wfn(lit("a"), lit(`foo\bar`), lit("big$money_2010"), anyV, anyV, anyV, anyV, lit("special"), lit("ipod_touch"), lit("80gb"))},
		{"leading and trailing ? runs", `cpe:2.3:a:v:p:??1.0?:*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("v"), lit("p"), pat("??", "1.0", "?"))},
		{"only question marks", `cpe:2.3:a:v:p:???:*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("v"), lit("p"), pat("???", "", ""))},
		{"quoted hyphen is a literal, not NA", `cpe:2.3:a:v:p:\-:*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("v"), lit("p"), lit("-"))},
		{"upper case is lowered", `CPE:2.3:A:Microsoft:IE:8.0:*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("microsoft"), lit("ie"), lit("8.0"))},
		{"empty component reads as ANY", `cpe:2.3:a:v:p::*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("v"), lit("p"))},
		// Real CPEs from ../shared/data (SBOMs and NVD criteria).
		{"SBOM: escaped slash (mediawiki-cdx.xml)", `cpe:2.3:a:guzzlehttp\/guzzle:guzzlehttp\/guzzle:7.4.1:*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("guzzlehttp/guzzle"), lit("guzzlehttp/guzzle"), lit("7.4.1"))},
		{"SBOM: escaped plus and parentheses (traefix-cdx.xml)", `cpe:2.3:a:traefik:traefik\/v2:\(devel\):*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("traefik"), lit("traefik/v2"), lit("(devel)"))},
		{"SBOM: NA sw_edition (extended.sbom.json)", `cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*`,
			wfn(lit("o"), lit("amazon"), lit("freertos"), lit("10.0.1"), anyV, anyV, anyV, naV)},
		{"NVD: escaped colon at the end of a product (CVE-2020-11022)", `cpe:2.3:a:oracle:communications_diameter_signaling_router_idih\::*:*:*:*:*:*:*:*`,
			wfn(lit("a"), lit("oracle"), lit("communications_diameter_signaling_router_idih:"))},
		{"NVD: architecture in the edition field (CVE-2012-0002)", `cpe:2.3:o:microsoft:windows_7:*:sp1:x64:*:*:*:*:*`,
			wfn(lit("o"), lit("microsoft"), lit("windows_7"), anyV, lit("sp1"), lit("x64"))},

		// NISTIR 7695 section 6.1.3.3, examples of unbinding URIs.
		{"7695 URI example 1", `cpe:/a:microsoft:internet_explorer:8.0.6001:beta`,
			wfn(lit("a"), lit("microsoft"), lit("internet_explorer"), lit("8.0.6001"), lit("beta"))},
		{"7695 URI example 2: encoded special characters are literals", `cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f`,
			wfn(lit("a"), lit("microsoft"), lit("internet_explorer"), lit("8.*"), lit("sp?"))},
		{"7695 URI example 3: %02 and %01 are wildcards", `cpe:/a:microsoft:internet_explorer:8.%02:sp%01`,
			wfn(lit("a"), lit("microsoft"), lit("internet_explorer"), pat("", "8.", "*"), pat("", "sp", "?"))},
		{"7695 URI example 4: packed edition", `cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~`,
			wfn(lit("a"), lit("hp"), lit("insight_diagnostics"), lit("7.4.0.1570"), anyV, anyV, anyV, lit("online"), lit("win2003"), lit("x64"))},
		{"7695 URI example 5: NA update, packed target_sw", `cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~`,
			wfn(lit("a"), lit("hp"), lit("openview_network_manager"), lit("7.51"), naV, anyV, anyV, anyV, lit("linux"))},
		{"7695 URI example 7: tilde outside a packed edition", `cpe:/a:foo~bar:big%7emoney_2010`,
			wfn(lit("a"), lit("foo~bar"), lit("big~money_2010"))},
		{"URI: short, upper case", `CPE:/O:Microsoft:Windows_XP::SP3`,
			wfn(lit("o"), lit("microsoft"), lit("windows_xp"), anyV, lit("sp3"))},
		{"URI: part only", `cpe:/h`, wfn(lit("h"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%s) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"7695 URI example 6: %07 is not printable", `cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~`,
			`cpe: parse "cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~": invalid CPE name: product: %07 is not printable ASCII`},
		{"7695 URI example 8: embedded %02", `cpe:/a:foo:bar:12.%02.1234`,
			`cpe: parse "cpe:/a:foo:bar:12.%02.1234": invalid CPE name: version: unquoted '*' inside a value (quote it as \*)`},
		{"embedded unquoted asterisk (7695 section 5.3.2)", `cpe:2.3:a:foo:bar:1*2:*:*:*:*:*:*:*`,
			`cpe: parse "cpe:2.3:a:foo:bar:1*2:*:*:*:*:*:*:*": invalid CPE name: version: unquoted '*' inside a value (quote it as \*)`},
		{"two asterisks", `cpe:2.3:a:foo:bar:**:*:*:*:*:*:*:*`,
			`cpe: parse "cpe:2.3:a:foo:bar:**:*:*:*:*:*:*:*": invalid CPE name: version: wildcards "**" and "": use one '*' or a run of '?' at each end`},
		{"too few components", `cpe:2.3:a:the_jquery_foundation:jquery:3.1.1`,
			`cpe: parse "cpe:2.3:a:the_jquery_foundation:jquery:3.1.1": invalid CPE name: a formatted string has 13 colon-separated components, this has 6`},
		{"too many components", `cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:*`,
			`cpe: parse "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:*": invalid CPE name: a formatted string has 13 colon-separated components, this has 14`},
		{"lone backslash", `cpe:2.3:a:v:p:1:*:*:*:*:*:*:x\`,
			`cpe: parse "cpe:2.3:a:v:p:1:*:*:*:*:*:*:x\\": invalid CPE name: other: ends in a lone backslash`},
		{"space", `cpe:2.3:a:v:my product:1:*:*:*:*:*:*:*`,
			`cpe: parse "cpe:2.3:a:v:my product:1:*:*:*:*:*:*:*": invalid CPE name: product: character ' ' is not printable ASCII`},
		{"bad part", `cpe:2.3:x:v:p:1:*:*:*:*:*:*:*`,
			`cpe: parse "cpe:2.3:x:v:p:1:*:*:*:*:*:*:*": invalid CPE name: part must be "a", "o", "h" or "*", not "x"`},
		{"bad percent", `cpe:/a:v:p%zz`, `cpe: parse "cpe:/a:v:p%zz": invalid CPE name: product: '%' must start a percent-encoded byte`},
		{"packed edition with 4 fields", `cpe:/a:v:p:1::~a~b~c~d`,
			`cpe: parse "cpe:/a:v:p:1::~a~b~c~d": invalid CPE name: a packed edition has 5 '~'-separated fields (edition~sw_edition~target_sw~target_hw~other), this has 4`},
		{"URI with 8 components", `cpe:/a:v:p:1:u:e:l:x`, `cpe: parse "cpe:/a:v:p:1:u:e:l:x": invalid CPE name: a URI has at most 7 components after "cpe:/", this has 8`},
		{"not a CPE", `pkg:npm/jquery@3.1.1`, `cpe: parse "pkg:npm/jquery@3.1.1": invalid CPE name: want "cpe:2.3:" (formatted string) or "cpe:/" (URI)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%s) = %v, want an error", tt.in, n)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error %v does not wrap ErrSyntax", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestString checks the formatted string binding (NISTIR 7695 section
// 6.2.2): what it quotes, and that the URI binding converts to it (section
// 6.3, convert_uri_to_fs).
func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`, `cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`},
		{`cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*`, `cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*`},
		{`cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*`, `cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*`},
		{`cpe:2.3:a:v:p:\-:*:*:*:*:*:*:*`, `cpe:2.3:a:v:p:\-:*:*:*:*:*:*:*`},
		{`cpe:2.3:a:v:p:1.0-beta:*:*:*:*:*:*:*`, `cpe:2.3:a:v:p:1.0-beta:*:*:*:*:*:*:*`},
		{`cpe:2.3:a:guzzlehttp/guzzle:p:*:*:*:*:*:*:*:*`, `cpe:2.3:a:guzzlehttp\/guzzle:p:*:*:*:*:*:*:*:*`},
		{`cpe:/a:microsoft:internet_explorer:8.%02:sp%01`, `cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*`},
		{`cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~`, `cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*`},
		{`cpe:/a:foo~bar:big%7emoney_2010`, `cpe:2.3:a:foo\~bar:big\~money_2010:*:*:*:*:*:*:*:*`},
		{`cpe:/o:microsoft:windows_xp:-:sp3`, `cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*`},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.String(); got != tt.want {
			t.Errorf("Parse(%s).String()\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	if got, want := (Name{}).String(), "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*"; got != want {
		t.Errorf("zero Name = %s, want %s", got, want)
	}
}
