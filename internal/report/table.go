package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"medvigil/internal/match"
)

// writeTable writes, per SBOM, a header line, the findings in aligned
// columns (KEV, severity and CVSS score, ID with its alias count, EPSS,
// component, fixed versions, match method and confidence) and a summary
// line; then a total line when there are several SBOMs, and a legend when a
// low-confidence row was shown.
func writeTable(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	var total counts
	if len(r.Scans) == 0 {
		fmt.Fprintln(tw, "no SBOMs scanned")
	}
	for i := range r.Scans {
		s := &r.Scans[i]
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw, scanHeader(s))
		var c counts
		if len(s.Findings) == 0 {
			fmt.Fprintln(tw, "  no known vulnerabilities")
		} else {
			fmt.Fprintln(tw, "KEV\tSEVERITY\tID\tEPSS\tCOMPONENT\tFIXED IN\tMATCH")
			for _, f := range Sorted(s.Findings) {
				c.add(&f)
				total.add(&f)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
					kevMark(&f), severityCell(&f), clean(idCell(&f)), epssCell(&f),
					clean(nameVersion(f.Component)), clean(fixedCell(&f)), clean(matchCell(&f)))
			}
		}
		fmt.Fprintln(tw, clean(s.File)+": "+summaryLine(&c))
	}
	if len(r.Scans) > 1 {
		fmt.Fprintf(tw, "\ntotal (%d SBOMs): %s\n", len(r.Scans), summaryLine(&total))
	}
	if total.lowConfidence > 0 {
		fmt.Fprintln(tw, "\n(low) marks a low-confidence match (a CPE guessed from the name or purl, or a CSAF name match): a person must review it.")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// scanHeader is "== file (CycloneDX 1.6, 42 components) ==".
func scanHeader(s *Scan) string {
	var parts []string
	if s.Doc != nil {
		format := strings.TrimSpace(string(s.Doc.Format) + " " + s.Doc.SpecVersion)
		if format != "" {
			parts = append(parts, format)
		}
		parts = append(parts, plural(len(s.Doc.Components), "component"))
	}
	h := "== " + clean(s.File)
	if len(parts) > 0 {
		h += " (" + strings.Join(parts, ", ") + ")"
	}
	return h + " =="
}

func summaryLine(c *counts) string {
	if c.total == 0 {
		return "0 findings"
	}
	s := fmt.Sprintf("%s (%d KEV): %d critical, %d high, %d medium, %d low",
		plural(c.total, "finding"), c.kev, c.critical, c.high, c.medium, c.low)
	if c.none > 0 {
		s += fmt.Sprintf(", %d none", c.none)
	}
	s += fmt.Sprintf(", %d unknown", c.unk)
	if c.lowConfidence > 0 {
		s += fmt.Sprintf("; %d low-confidence to review", c.lowConfidence)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func kevMark(f *match.Finding) string {
	if f.KEV != nil {
		return "KEV"
	}
	return ""
}

// severityCell is "critical 9.8", or the rating alone without a score.
func severityCell(f *match.Finding) string {
	if f.Severity.Score > 0 {
		return rating(f) + " " + strconv.FormatFloat(f.Severity.Score, 'f', 1, 64)
	}
	return rating(f)
}

// idCell is "CVE-2021-44228 (+2 aliases)".
func idCell(f *match.Finding) string {
	switch n := len(aliases(f)); n {
	case 0:
		return f.ID
	case 1:
		return f.ID + " (+1 alias)"
	default:
		return f.ID + " (+" + strconv.Itoa(n) + " aliases)"
	}
}

// epssCell is the EPSS probability as a percentage, "94.4%".
func epssCell(f *match.Finding) string {
	if f.EPSS == nil {
		return ""
	}
	return strconv.FormatFloat(f.EPSS.Score*100, 'f', 1, 64) + "%"
}

func fixedCell(f *match.Finding) string {
	if len(f.Fixed) == 0 {
		return "-"
	}
	return strings.Join(f.Fixed, ", ")
}

// matchCell is the match methods and the confidence, "purl (high)" or
// "cpe-candidate (low)".
func matchCell(f *match.Finding) string {
	m := strings.Join(methods(f), "+")
	if m == "" {
		m = "-"
	}
	conf := string(f.Confidence)
	if conf == "" {
		conf = "unknown"
	}
	return m + " (" + conf + ")"
}

// clean replaces control and bidirectional-formatting characters, which
// could move the cursor, recolor the terminal, break the columns or reorder
// the text a person reads, with "?".
func clean(s string) string {
	bad := func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar
	}
	if strings.IndexFunc(s, bad) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if bad(r) {
			return '?'
		}
		return r
	}, s)
}
