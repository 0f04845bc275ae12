package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"medvigil/internal/match"
)

// csvHeader returns the CSV header row; the package documentation
// describes the columns. Add columns at the end only.
func csvHeader() []string {
	return []string{
		"file", "component_ref", "component_name", "component_version", "purl",
		"vulnerability_id", "aliases", "severity", "cvss_score", "cvss_vector",
		"kev", "kev_date_added", "epss_score", "epss_percentile", "fixed_versions",
		"method", "confidence", "rule",
	}
}

func writeCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader()); err != nil {
		return err
	}
	for i := range r.Scans {
		s := &r.Scans[i]
		for _, f := range Sorted(s.Findings) {
			if err := cw.Write(csvRow(s.File, &f)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(file string, f *match.Finding) []string {
	kev, kevDate := "no", ""
	if f.KEV != nil {
		kev, kevDate = "yes", f.KEV.DateAdded
	}
	epss, pct := "", ""
	if f.EPSS != nil {
		epss = strconv.FormatFloat(f.EPSS.Score, 'f', -1, 64)
		pct = strconv.FormatFloat(f.EPSS.Percentile, 'f', -1, 64)
	}
	score := ""
	if f.Severity.Score > 0 {
		score = strconv.FormatFloat(f.Severity.Score, 'f', -1, 64)
	}
	method, rule := "", ""
	if ev := primaryEvidence(f); ev != nil {
		method, rule = string(ev.Method), ev.Rule
	}
	row := []string{
		file, f.Component.Ref, f.Component.Name, f.Component.Version, f.Component.PURL,
		f.ID, strings.Join(aliases(f), " "), rating(f), score, f.Severity.Vector,
		kev, kevDate, epss, pct, strings.Join(f.Fixed, " "),
		method, string(f.Confidence), rule,
	}
	for i := range row {
		row[i] = defuseFormula(row[i])
	}
	return row
}

// defuseFormula prefixes an apostrophe to a cell that a spreadsheet would
// evaluate as a formula (OWASP "CSV Injection"): one starting with =, +, -,
// @, tab or carriage return. No value medvigil itself writes starts so; the
// cells at risk are names, versions and refs copied from SBOMs.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
