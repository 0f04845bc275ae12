package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"medvigil/internal/match"
	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

// Scan is one scanned SBOM and its findings.
type Scan struct {
	// File is the SBOM's path as the user named it. SARIF writes it as a
	// relative URI, so pass a path relative to the repository root.
	File string
	// Doc is the SBOM as read; nil is allowed (component details then come
	// from the findings alone).
	Doc *sbom.Document
	// Findings are the matcher's findings for Doc, in any order. Write
	// never modifies them.
	Findings []match.Finding
}

// KBInfo describes the knowledge base the scan used.
type KBInfo struct {
	// Advisories, KEV and EPSS count the advisories, CISA KEV entries and
	// EPSS scores loaded.
	Advisories, KEV, EPSS int
	// Sources names the feeds loaded ("osv", "nvd", "csaf", "kev", "epss").
	Sources []string
}

// AdvisoryLookup finds every advisory of the vulnerability an ID belongs
// to, from all sources. *vuln.KB implements it; call its Freeze first when
// other goroutines read the KB at the same time.
type AdvisoryLookup interface {
	GroupAdvisories(id string) []*vuln.Advisory
}

// Result is everything one `medvigil scan` produced.
type Result struct {
	// Tool and Version name the scanner ("medvigil", "0.4.0"); Tool defaults
	// to "medvigil".
	Tool    string
	Version string
	// InformationURI, when set, is an absolute URL about the tool: SARIF
	// tool.driver.informationUri and the VDR tool's website reference.
	InformationURI string
	// Time, when not zero, is when the scan ran: the JSON "timestamp" and
	// the VDR metadata.timestamp.
	Time  time.Time
	KB    KBInfo
	Scans []Scan
	// Lookup, when not nil, gives the advisories behind each finding for
	// what findings do not carry: CWEs, references, details, publication
	// dates and the CSAF publisher. The SARIF and VDR outputs use it;
	// without it they still validate but say less.
	Lookup AdvisoryLookup
}

// Format is an output format of Write.
type Format string

// The formats Write renders.
const (
	FormatTable        Format = "table"
	FormatJSON         Format = "json"
	FormatSARIF        Format = "sarif"
	FormatCycloneDXVDR Format = "cyclonedx-vdr"
	FormatCSV          Format = "csv"
)

// Formats returns every format, in the order to list them in help texts.
func Formats() []Format {
	return []Format{FormatTable, FormatJSON, FormatSARIF, FormatCycloneDXVDR, FormatCSV}
}

// ParseFormat returns the format named s (case-insensitive, surrounding
// spaces ignored), or an error that lists the valid names.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Formats(), f) {
		return f, nil
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("report: unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// Write renders r to w in format. It returns the first error of w, wrapped;
// it does not modify r.
func Write(w io.Writer, r *Result, format Format) error {
	if r == nil {
		return errors.New("report: nil result")
	}
	var err error
	switch format {
	case FormatTable:
		err = writeTable(w, r)
	case FormatJSON:
		err = writeJSON(w, r)
	case FormatSARIF:
		err = writeSARIF(w, r)
	case FormatCycloneDXVDR:
		err = writeVDR(w, r)
	case FormatCSV:
		err = writeCSV(w, r)
	default:
		return fmt.Errorf("report: unknown format %q", format)
	}
	if err != nil {
		return fmt.Errorf("report: write %s: %w", format, err)
	}
	return nil
}

// Compare orders findings patient safety first: known exploited (KEV)
// before the rest, then by severity rating (critical, high, medium, low,
// then none and unknown), then by EPSS score (highest first, none last),
// then by component name, version and ref, then by vulnerability ID. It
// returns a negative number when a comes first.
func Compare(a, b *match.Finding) int {
	if c := cmp.Compare(kevRank(b), kevRank(a)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Severity.Rank(), a.Severity.Rank()); c != 0 {
		return c
	}
	if c := cmp.Compare(epssScore(b), epssScore(a)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Component.Name, b.Component.Name); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Component.Version, b.Component.Version); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Component.Ref, b.Component.Ref); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Sorted returns a copy of findings in Compare order (stable).
func Sorted(findings []match.Finding) []match.Finding {
	// Sort pointers: a stable sort moves elements many times, and a
	// Finding is large.
	ptrs := make([]*match.Finding, len(findings))
	for i := range findings {
		ptrs[i] = &findings[i]
	}
	slices.SortStableFunc(ptrs, Compare)
	out := make([]match.Finding, len(findings))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out
}

func kevRank(f *match.Finding) int {
	if f.KEV != nil {
		return 1
	}
	return 0
}

func epssScore(f *match.Finding) float64 {
	if f.EPSS == nil {
		return -1
	}
	return f.EPSS.Score
}

// item is one finding of one scan.
type item struct {
	scan int // index in Result.Scans
	f    *match.Finding
}

// sortedItems returns the findings of every scan in Compare order; ties
// keep scan order.
func sortedItems(r *Result) []item {
	var items []item
	for i := range r.Scans {
		fs := r.Scans[i].Findings
		for j := range fs {
			items = append(items, item{scan: i, f: &fs[j]})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int { return Compare(a.f, b.f) })
	return items
}

func toolName(r *Result) string {
	if r.Tool == "" {
		return "medvigil"
	}
	return r.Tool
}

// aliases returns the finding's IDs other than its ID, once each, in order.
func aliases(f *match.Finding) []string {
	var out []string
	for _, id := range f.IDs {
		if id != f.ID && id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// primaryEvidence returns the first evidence whose confidence is the
// finding's (so a high-confidence finding names a high-confidence rule), or
// the first evidence, or nil when there is none.
func primaryEvidence(f *match.Finding) *match.Evidence {
	for i := range f.Evidence {
		if f.Evidence[i].Confidence == f.Confidence {
			return &f.Evidence[i]
		}
	}
	if len(f.Evidence) > 0 {
		return &f.Evidence[0]
	}
	return nil
}

// methods returns the distinct match methods of f, in evidence order.
func methods(f *match.Finding) []string {
	var out []string
	for _, e := range f.Evidence {
		if e.Method != "" && !slices.Contains(out, string(e.Method)) {
			out = append(out, string(e.Method))
		}
	}
	return out
}

// nameVersion is "name@version", or the name alone.
func nameVersion(c match.ComponentRef) string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + "@" + c.Version
}

// rating is the finding's rating, "unknown" when empty.
func rating(f *match.Finding) string {
	if f.Severity.Rating == "" {
		return "unknown"
	}
	if f.Severity.Rating == "moderate" {
		return "medium"
	}
	return f.Severity.Rating
}

// counts tallies findings by rating, KEV and confidence.
type counts struct {
	total, kev, lowConfidence              int
	critical, high, medium, low, none, unk int
}

func (c *counts) add(f *match.Finding) {
	c.total++
	if f.KEV != nil {
		c.kev++
	}
	if f.Confidence == match.ConfidenceLow {
		c.lowConfidence++
	}
	switch rating(f) {
	case "critical":
		c.critical++
	case "high":
		c.high++
	case "medium":
		c.medium++
	case "low":
		c.low++
	case "none":
		c.none++
	default:
		c.unk++
	}
}

// lookup caches the advisories of each vulnerability for one Write.
type lookup struct {
	src   AdvisoryLookup
	cache map[string][]*vuln.Advisory
}

func newLookup(src AdvisoryLookup) *lookup {
	return &lookup{src: src, cache: map[string][]*vuln.Advisory{}}
}

// advisories returns the advisories of f's vulnerability, or nil.
func (l *lookup) advisories(f *match.Finding) []*vuln.Advisory {
	if l.src == nil {
		return nil
	}
	if a, ok := l.cache[f.ID]; ok {
		return a
	}
	a := l.src.GroupAdvisories(f.ID)
	l.cache[f.ID] = a
	return a
}
