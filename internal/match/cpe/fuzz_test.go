package cpe

import (
	"testing"

	"medvigil/internal/vuln"
)

// FuzzParse checks that Parse never panics and that the formatted string
// binding is stable: a Name that parses binds with String to a string that
// parses back to the same Name (NISTIR 7695 section 6.2: bind_to_fs and
// unbind_fs are inverses on well-formed names). It also exercises Compare
// and CompareVersions on what it parsed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`,
		`cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*`,
		`cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*`,
		`cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*`,
		`cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*`,
		`cpe:2.3:a:guzzlehttp\/guzzle:guzzlehttp\/guzzle:7.4.1:*:*:*:*:*:*:*`,
		`cpe:2.3:a:traefik:traefik\/v2:\(devel\):*:*:*:*:*:*:*`,
		`cpe:2.3:a:oracle:communications_diameter_signaling_router_idih\::*:*:*:*:*:*:*:*`,
		`cpe:2.3:a:v:p:\-:??1?:*:*:*:*:*:*`,
		`cpe:/a:microsoft:internet_explorer:8.%02:sp%01`,
		`cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~`,
		`cpe:/a:foo~bar:big%7emoney_2010`,
		`cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		fs := n.String()
		back, err := Parse(fs)
		if err != nil {
			t.Fatalf("Parse(%q) = %v; its binding %q does not parse: %v", s, n, fs, err)
		}
		if back != n {
			t.Fatalf("round trip changed the name:\n in  %q\n fs  %q\n got %#v\nwant %#v", s, fs, back, n)
		}
		if again := back.String(); again != fs {
			t.Fatalf("binding not stable: %q then %q", fs, again)
		}
		for _, v := range n.attrs() {
			if r := Compare(*v, *v); r != Equal && r != Undefined {
				t.Fatalf("Compare(%s, %s) = %s", v, v, r)
			}
		}
		if c, ok := CompareVersions(n.Version.Text, n.Version.Text); ok && c != 0 {
			t.Fatalf("CompareVersions(%q, itself) = %d", n.Version.Text, c)
		}
		_, _ = Match(vuln.CPEMatch{Criteria: fs, Vulnerable: true, VersionEndExcluding: n.Version.Text}, n)
	})
}
