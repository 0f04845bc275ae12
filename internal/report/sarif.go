package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"medvigil/internal/match"
	"medvigil/internal/vuln"
)

// SARIF constants. GitHub code scanning rejects a run with more than
// maxSARIFResults results ("SARIF results exceed one or more limits",
// GitHub Docs).
const (
	sarifSchema      = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion     = "2.1.0"
	fingerprintKey   = "medvigil/v1"
	maxSARIFResults  = 25000
	sarifTextMaxRune = 1000 // shortDescription length cap; GitHub shows one line
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 sarifMessage       `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	// SecuritySeverity is the CVSS base score as a string, which GitHub maps
	// to critical (≥ 9.0), high, medium and low.
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Tags             []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	ComponentRef string   `json:"componentRef,omitempty"`
	PURL         string   `json:"purl,omitempty"`
	Confidence   string   `json:"confidence,omitempty"`
	Methods      []string `json:"methods,omitempty"`
	Fixed        []string `json:"fixed,omitempty"`
	KEV          bool     `json:"kev"`
	EPSS         *float64 `json:"epss,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// writeSARIF writes one SARIF 2.1.0 run: one rule per vulnerability ID, one
// result per finding in Compare order, at most maxSARIFResults of them.
func writeSARIF(w io.Writer, r *Result) error {
	lk := newLookup(r.Lookup)
	items := sortedItems(r)
	var inv []sarifInvocation
	if len(items) > maxSARIFResults {
		inv = []sarifInvocation{{
			ExecutionSuccessful: true,
			ToolExecutionNotifications: []sarifNotification{{
				Level: "warning",
				Message: sarifMessage{Text: fmt.Sprintf(
					"%d findings; only the first %d (known exploited and most severe first) are reported, the most GitHub code scanning accepts in one run. Use the json, csv or cyclonedx-vdr format for all of them.",
					len(items), maxSARIFResults)},
			}},
		}}
		items = items[:maxSARIFResults]
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           toolName(r),
			InformationURI: informationURI(r),
			Version:        r.Version,
			Rules:          []sarifRule{},
		}},
		Invocations: inv,
		Results:     make([]sarifResult, 0, len(items)),
	}
	ruleIndex := map[string]int{}
	uris := make([]string, len(r.Scans))
	for i := range r.Scans {
		uris[i] = artifactURI(r.Scans[i].File)
	}
	// Rules first, so each rule sees every finding of its vulnerability.
	byID := map[string][]*match.Finding{}
	for _, it := range items {
		if _, ok := ruleIndex[it.f.ID]; !ok {
			ruleIndex[it.f.ID] = len(ruleIndex)
		}
		byID[it.f.ID] = append(byID[it.f.ID], it.f)
	}
	run.Tool.Driver.Rules = make([]sarifRule, len(ruleIndex))
	for id, i := range ruleIndex {
		run.Tool.Driver.Rules[i] = sarifRuleFor(byID[id], lk.advisories(byID[id][0]))
	}
	for _, it := range items {
		f := it.f
		uri := uris[it.scan]
		run.Results = append(run.Results, sarifResult{
			RuleID:    f.ID,
			RuleIndex: ruleIndex[f.ID],
			Level:     sarifLevel(f),
			Message:   sarifMessage{Text: sarifResultText(f)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: uri},
				Region:           sarifRegion{StartLine: 1},
			}}},
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(uri, f.Component.Ref, f.ID)},
			Properties: sarifResultProps{
				ComponentRef: f.Component.Ref,
				PURL:         f.Component.PURL,
				Confidence:   string(f.Confidence),
				Methods:      methods(f),
				Fixed:        f.Fixed,
				KEV:          f.KEV != nil,
				EPSS:         epssPtr(f),
			},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// informationURI is Result.InformationURI when it is an absolute http(s)
// URL (the schema requires a URI), else "".
func informationURI(r *Result) string {
	if absoluteURL(r.InformationURI) {
		return r.InformationURI
	}
	return ""
}

func epssPtr(f *match.Finding) *float64 {
	if f.EPSS == nil {
		return nil
	}
	s := f.EPSS.Score
	return &s
}

// sarifLevel is error for critical, high or known exploited, warning for
// medium, note otherwise.
func sarifLevel(f *match.Finding) string {
	if f.KEV != nil {
		return "error"
	}
	switch rating(f) {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	}
	return "note"
}

// sarifResultText is "log4j-core@2.14.1 is affected by CVE-2021-44228
// (GHSA-jfh8-c2jp-5v3q); fixed in 2.15.0." with a review note for
// low-confidence matches.
func sarifResultText(f *match.Finding) string {
	var b strings.Builder
	b.WriteString(nameVersion(f.Component))
	b.WriteString(" is affected by ")
	b.WriteString(f.ID)
	if al := aliases(f); len(al) > 0 {
		b.WriteString(" (" + strings.Join(al, ", ") + ")")
	}
	if len(f.Fixed) > 0 {
		b.WriteString("; fixed in " + strings.Join(f.Fixed, ", ") + ".")
	} else {
		b.WriteString("; no fixed version is known.")
	}
	if f.KEV != nil {
		b.WriteString(" Known exploited (CISA KEV, added " + f.KEV.DateAdded + ").")
	}
	if f.Confidence == match.ConfidenceLow {
		b.WriteString(" Low-confidence match (" + strings.Join(methods(f), ", ") + "): review it.")
	}
	return b.String()
}

// sarifRuleFor describes one vulnerability; fs are its findings, the first
// the most urgent.
func sarifRuleFor(fs []*match.Finding, advs []*vuln.Advisory) sarifRule {
	f := fs[0]
	short := f.Summary
	if short == "" {
		short = f.ID
	}
	full := details(advs)
	if full == "" {
		full = short
	}
	tags := []string{"security", "vulnerability"}
	for _, g := range fs {
		for _, m := range methods(g) {
			if !slices.Contains(tags, m) {
				tags = append(tags, m)
			}
		}
	}
	if len(tags) > 20 { // GitHub keeps at most 20 tags per rule
		tags = tags[:20]
	}
	rule := sarifRule{
		ID:                   f.ID,
		ShortDescription:     sarifMessage{Text: truncateRunes(short, sarifTextMaxRune)},
		FullDescription:      sarifMessage{Text: full},
		Help:                 sarifHelp(f, advs),
		HelpURI:              helpURI(f, advs),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(f)},
		Properties:           sarifRuleProps{Tags: tags},
	}
	if f.Severity.Score > 0 {
		rule.Properties.SecuritySeverity = strconv.FormatFloat(f.Severity.Score, 'f', 1, 64)
	}
	return rule
}

// sarifHelp is the rule's help in text and Markdown: IDs, severity, KEV,
// EPSS, the summary and references.
func sarifHelp(f *match.Finding, advs []*vuln.Advisory) sarifMessage {
	var t, m strings.Builder
	al := aliases(f)
	fmt.Fprintf(&t, "%s", f.ID)
	fmt.Fprintf(&m, "**%s**", f.ID)
	if len(al) > 0 {
		fmt.Fprintf(&t, " (also %s)", strings.Join(al, ", "))
		fmt.Fprintf(&m, " (also %s)", strings.Join(al, ", "))
	}
	t.WriteString("\n")
	m.WriteString("\n\n")
	sev := severityCell(f)
	if f.Severity.Vector != "" {
		sev += " (" + f.Severity.Vector + ")"
	}
	fmt.Fprintf(&t, "Severity: %s\n", sev)
	fmt.Fprintf(&m, "| | |\n|---|---|\n| Severity | %s |\n", mdCell(sev))
	if f.KEV != nil {
		k := "yes, added " + f.KEV.DateAdded
		if f.KEV.DueDate != "" {
			k += ", due " + f.KEV.DueDate
		}
		fmt.Fprintf(&t, "Known exploited (CISA KEV): %s\n", k)
		fmt.Fprintf(&m, "| Known exploited (CISA KEV) | %s |\n", mdCell(k))
	}
	if f.EPSS != nil {
		e := fmt.Sprintf("%s (percentile %s)", strconv.FormatFloat(f.EPSS.Score, 'f', -1, 64), strconv.FormatFloat(f.EPSS.Percentile, 'f', -1, 64))
		fmt.Fprintf(&t, "EPSS: %s\n", e)
		fmt.Fprintf(&m, "| EPSS | %s |\n", mdCell(e))
	}
	if f.Summary != "" {
		fmt.Fprintf(&t, "\n%s\n", f.Summary)
		fmt.Fprintf(&m, "\n%s\n", f.Summary)
	}
	refs := references(f, advs)
	if len(refs) > 0 {
		t.WriteString("\nReferences:\n")
		m.WriteString("\n#### References\n")
		for _, u := range refs {
			fmt.Fprintf(&t, "- %s\n", u)
			fmt.Fprintf(&m, "- <%s>\n", u)
		}
	}
	return sarifMessage{Text: t.String(), Markdown: m.String()}
}

// mdCell escapes a Markdown table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// references returns the absolute http(s) reference URLs of the
// vulnerability's advisories, once each, then the record page of each ID.
func references(f *match.Finding, advs []*vuln.Advisory) []string {
	var out []string
	add := func(u string) {
		if absoluteURL(u) && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	for _, a := range advs {
		for _, ref := range a.References {
			add(ref.URL)
		}
	}
	for _, id := range append([]string{f.ID}, aliases(f)...) {
		_, u := idSource(id)
		add(u)
	}
	return out
}

// helpURI is the first reference of the vulnerability's advisories, else
// its OSV page.
func helpURI(f *match.Finding, advs []*vuln.Advisory) string {
	for _, a := range advs {
		for _, ref := range a.References {
			if absoluteURL(ref.URL) {
				return ref.URL
			}
		}
	}
	return osvURL(f.ID)
}

// details returns the first non-empty details of advs, or "".
func details(advs []*vuln.Advisory) string {
	for _, a := range advs {
		if d := strings.TrimSpace(a.Details); d != "" {
			return d
		}
	}
	return ""
}

// artifactURI turns an SBOM path into the relative URI GitHub places
// alerts by: forward slashes, no leading "./", percent-encoded. An absolute
// path is kept absolute (a file: URI), which GitHub cannot place; pass
// paths relative to the repository root.
func artifactURI(file string) string {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) || path.IsAbs(p) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // Windows drive letter
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	p = path.Clean(p)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return (&url.URL{Path: p}).String()
}

// fingerprint is the hex SHA-256 of the artifact URI, component ref and
// vulnerability ID: stable across runs while all three stay the same.
func fingerprint(uri, ref, id string) string {
	h := sha256.New()
	for _, s := range []string{uri, ref, id} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// truncateRunes cuts s to at most n runes, ending with "…" when cut.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
