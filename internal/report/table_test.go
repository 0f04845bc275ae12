package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/match"
)

func TestWriteTable(t *testing.T) {
	out := string(render(t, fixture(), FormatTable))
	lines := strings.Split(out, "\n")

	// The findings appear in Compare order, per SBOM, each after its header.
	var got [][]string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "== "):
			got = append(got, nil)
		case len(got) > 0 && (strings.Contains(l, "CVE-") || strings.Contains(l, "DLA-")) && !strings.Contains(l, ": "):
			for _, w := range strings.Fields(l) {
				if strings.HasPrefix(w, "CVE-") || strings.HasPrefix(w, "DLA-") {
					got[len(got)-1] = append(got[len(got)-1], w)
					break
				}
			}
		}
	}
	if diff := cmp.Diff(wantOrder(), got); diff != "" {
		t.Errorf("row order (-want +got):\n%s\n%s", diff, out)
	}

	for _, want := range []string{
		"== sboms/infusion-pump.cdx.json (CycloneDX 1.6, 6 components) ==",
		"== sboms/monitor.spdx.json (SPDX 2.3, 2 components) ==",
		"KEV  SEVERITY",
		"CVE-2021-44228 (+1 alias)",
		"CVE-2023-32681 (+2 aliases)",
		"log4j-core@2.14.1",
		"1.0.2zd, 1.1.1n",
		"94.4%",
		"purl+cpe (high)",
		"cpe-candidate (low)",
		"csaf-name (low)",
		"sboms/infusion-pump.cdx.json: 7 findings (1 KEV): 3 critical, 1 high, 1 medium, 1 low, 1 unknown; 1 low-confidence to review",
		"sboms/monitor.spdx.json: 2 findings (0 KEV): 0 critical, 2 high, 0 medium, 0 low, 0 unknown; 1 low-confidence to review",
		"total (2 SBOMs): 9 findings (1 KEV): 3 critical, 3 high, 1 medium, 1 low, 1 unknown; 2 low-confidence to review",
		"(low) marks a low-confidence match",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	// Rows are aligned: within a table, every row's ID starts in the
	// header's ID column.
	for _, l := range lines {
		if strings.HasPrefix(l, "KEV  SEVERITY") {
			col := strings.Index(l, "ID ")
			for _, row := range lines {
				if strings.Contains(row, "CVE-2021-44228 (") {
					if got := strings.Index(row, "CVE-2021-44228"); got != col {
						t.Errorf("ID column at %d in %q; header has it at %d", got, row, col)
					}
				}
			}
			break
		}
	}

	// The KEV row is marked; the others are not.
	for _, l := range lines {
		if strings.Contains(l, "CVE-2021-44228 (") && !strings.HasPrefix(l, "KEV ") {
			t.Errorf("KEV row not marked: %q", l)
		}
		if strings.Contains(l, "CVE-2021-45046") && strings.HasPrefix(l, "KEV") {
			t.Errorf("non-KEV row marked: %q", l)
		}
		if strings.Contains(l, "CVE-2024-47081") && !strings.Contains(l, "  low ") {
			t.Errorf("qualitative rating not shown alone: %q", l)
		}
		if strings.Contains(l, "DLA-3008-1") && !(strings.Contains(l, "unknown") && strings.Contains(l, "  -  ")) {
			t.Errorf("unknown rating without a fix should read unknown and -: %q", l)
		}
	}
}

func TestWriteTableNoFindings(t *testing.T) {
	r := &Result{Scans: []Scan{{File: "clean.cdx.json", Doc: pumpDoc()}}}
	want := "== clean.cdx.json (CycloneDX 1.6, 6 components) ==\n" +
		"  no known vulnerabilities\n" +
		"clean.cdx.json: 0 findings\n"
	if diff := cmp.Diff(want, string(render(t, r, FormatTable))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestWriteTableCleansText checks that SBOM text cannot inject terminal
// escapes, break the columns or reorder the line.
func TestWriteTableCleansText(t *testing.T) {
	r := &Result{Scans: []Scan{{File: "x\x1b]0;pwned\a.json", Findings: []match.Finding{{
		Component: match.ComponentRef{Ref: "r", Name: "evil\x1b[2J\tname\u202e", Version: "1\r\n2"},
		ID:        "CVE-2024-0001", IDs: []string{"CVE-2024-0001"},
		Severity: match.Severity{Rating: "high", Score: 7.5}, Confidence: match.ConfidenceHigh,
		Evidence: []match.Evidence{{Method: match.MethodPURL, Confidence: match.ConfidenceHigh}},
	}}}}}
	out := string(render(t, r, FormatTable))
	for _, bad := range []string{"\x1b", "\a", "\r", "\u202e", "\t"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%q", bad, out)
		}
	}
	if !strings.Contains(out, "evil?[2J?name?@1??2") {
		t.Errorf("component name not cleaned as expected:\n%s", out)
	}
}
