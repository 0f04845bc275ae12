package nvd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// Page is one NVD CVE API 2.0 response page.
type Page struct {
	// ResultsPerPage, StartIndex and TotalResults are the API's paging
	// fields: a client fetches pages until StartIndex+ResultsPerPage
	// reaches TotalResults.
	ResultsPerPage int
	StartIndex     int
	TotalResults   int
	// Timestamp is the time the API answered, as it wrote it
	// ("2026-11-25T22:27:26.618", UTC).
	Timestamp string
	// Advisories are the page's records, in page order, without the
	// malformed ones.
	Advisories []*vuln.Advisory
}

// DecodePage reads one NVD CVE API 2.0 response page (the JSON object with
// resultsPerPage, startIndex, totalResults, format "NVD_CVE", version "2.0",
// timestamp and vulnerabilities[].cve).
//
// name is the file name as the user gave it; it goes into every error and
// into each advisory's Origin, whose Pointer is "/vulnerabilities/<i>/cve".
// A record that cannot be read is skipped with a warning at its pointer;
// doubtful values inside a kept record (an unparsable date, a criterion that
// is no CPE 2.3 name, a CVSS vector that does not parse) are warnings too.
// The error, an *input.Error, is for a file that is not a page at all: not
// JSON (with line and column), data after the page object, not an object,
// a format other than "NVD_CVE", or no vulnerabilities array.
//
// Unknown fields inside records are ignored and an unknown page field is a
// warning, not an error: NVD adds fields without changing the API version
// (the shared records carry cveTags, cvssMetricV40, ssvcV203, affected and
// evaluatorComment beside the fields read here), and refusing them would
// drop every record.
//
// A record whose vulnStatus is "Rejected" is kept with Withdrawn set to its
// lastModified time (published, or the Unix epoch, when that is missing).
func DecodePage(name string, data []byte) (*Page, []*input.Error, error) {
	// One pass with a streaming decoder: each record is decoded straight
	// into the wire type, and a record of the wrong shape costs only that
	// record.
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(err error) (*Page, []*input.Error, error) {
		var ie *input.Error
		if errors.As(err, &ie) {
			return nil, nil, ie
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			// The streaming decoder's offsets are not positions in data;
			// the validating scan of Unmarshal finds the same first fault
			// and says where it is.
			var v json.RawMessage
			if verr := json.Unmarshal(data, &v); verr != nil {
				err = verr
			}
		}
		return nil, nil, jsonError(name, data, err, "an NVD CVE API 2.0 response page")
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	if tok != json.Delim('{') {
		return nil, nil, &input.Error{File: name, Err: fmt.Errorf("nvd: want a JSON object (an NVD CVE API 2.0 response page), got %s", tokenKind(tok))}
	}
	d := decoder{name: name}
	p := &Page{}
	records, vulns := 0, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		ptr := input.Pointer(key)
		if key == "vulnerabilities" {
			vulns = true
			n, err := d.records(dec, p)
			if err != nil {
				return fail(err)
			}
			records = n
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(err)
		}
		switch key {
		case "resultsPerPage":
			p.ResultsPerPage = d.int(raw, ptr)
		case "startIndex":
			p.StartIndex = d.int(raw, ptr)
		case "totalResults":
			p.TotalResults = d.int(raw, ptr)
		case "timestamp":
			p.Timestamp = d.string(raw, ptr)
		case "format":
			if f := d.string(raw, ptr); f != "NVD_CVE" {
				return nil, nil, input.AtPointer(name, ptr, fmt.Errorf("nvd: format %q is not an NVD CVE API page (want \"NVD_CVE\")", f))
			}
		case "version":
			if v := d.string(raw, ptr); v != "2.0" {
				d.warn(ptr, fmt.Errorf("version %q: read as NVD CVE API 2.0", v))
			}
		default:
			d.warn(ptr, errors.New("unknown field, ignored"))
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return fail(err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		for end < int64(len(data)) && strings.IndexByte(" \t\r\n", data[end]) >= 0 {
			end++
		}
		line, col := input.LineColumn(data, end)
		return nil, nil, input.AtLine(name, line, col, errors.New("nvd: not valid JSON: data after the page object"))
	}
	if !vulns {
		return nil, nil, &input.Error{File: name, Err: errors.New("nvd: no \"vulnerabilities\" array: not an NVD CVE API 2.0 response page")}
	}
	if p.ResultsPerPage > 0 && records > p.ResultsPerPage {
		d.warn("/resultsPerPage", fmt.Errorf("the page has %d records, more than resultsPerPage %d", records, p.ResultsPerPage))
	}
	return p, d.warns, nil
}

// records decodes the vulnerabilities array, the decoder standing before
// it, into p, and returns how many items it had. The error is for a
// syntax error, which ends the page, or for a value that is not an array.
func (d *decoder) records(dec *json.Decoder, p *Page) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, err
	}
	if tok == nil {
		return 0, nil // null: no records
	}
	if tok != json.Delim('[') {
		return 0, input.AtPointer(d.name, "/vulnerabilities", fmt.Errorf("nvd: want an array, got %s", tokenKind(tok)))
	}
	i := 0
	for ; dec.More(); i++ {
		ptr := "/vulnerabilities/" + strconv.Itoa(i)
		var item struct {
			CVE *wireCVE `json:"cve"`
		}
		if err := dec.Decode(&item); err != nil {
			var typ *json.UnmarshalTypeError
			if !errors.As(err, &typ) {
				return i, err
			}
			// The decoder has read past the item; only it is lost.
			field, isCVE := strings.CutPrefix(typ.Field, "cve")
			switch {
			case typ.Field == "":
				d.warn(ptr, errors.New(`want {"cve": {…}}; record skipped`))
			case isCVE && (field == "" || field[0] == '.'):
				typ.Field = strings.TrimPrefix(field, ".")
				d.warn(ptr+"/cve", fmt.Errorf("%s; record skipped", describeJSONError(typ)))
			default:
				d.warn(ptr, fmt.Errorf("%s; record skipped", describeJSONError(typ)))
			}
			continue
		}
		if item.CVE == nil {
			d.warn(ptr, errors.New(`want {"cve": {…}}; record skipped`))
			continue
		}
		if a := d.convert(item.CVE, ptr+"/cve"); a != nil {
			p.Advisories = append(p.Advisories, a)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return i, err
	}
	return i, nil
}

// tokenKind names the JSON kind of a token for messages.
func tokenKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

// DecodeCVE reads one bare CVE record (the "cve" object of the API, as the
// fkie-cad nvd-json-data-feeds mirror stores each CVE in its own file), or
// one {"cve": {…}} item. The advisory's Origin.Pointer is "" or "/cve".
// Doubtful values are warnings as in DecodePage; a record that cannot be
// read is the error.
func DecodeCVE(name string, data []byte) (*vuln.Advisory, []*input.Error, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, nil, jsonError(name, data, err, "an NVD CVE record")
	}
	ptr := ""
	if inner, ok := probe["cve"]; ok && probe["id"] == nil {
		data, ptr = inner, "/cve"
	}
	d := decoder{name: name}
	a := d.cve(data, ptr)
	if a == nil {
		// The record's own fault is the last warning.
		last := d.warns[len(d.warns)-1]
		return nil, d.warns[:len(d.warns)-1], last
	}
	return a, d.warns, nil
}

// Looks reports whether data (a whole file or its head) looks like an NVD
// CVE API response page: a JSON object whose top level has "format":
// "NVD_CVE", or both "vulnerabilities" and "resultsPerPage". It reads no
// further than it needs to decide.
func Looks(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	var vulns, paged bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case "format":
			var f string
			if err := dec.Decode(&f); err != nil {
				return false
			}
			if f == "NVD_CVE" {
				return true
			}
			continue
		case "vulnerabilities":
			vulns = true
		case "resultsPerPage":
			paged = true
		}
		if vulns && paged {
			return true
		}
		if skipValue(dec) != nil {
			return false
		}
	}
	return false
}

// skipValue reads past one JSON value.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// jsonError turns a json.Unmarshal error for the whole file into an
// *input.Error with a line and column where there is one.
func jsonError(name string, data []byte, err error, want string) *input.Error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := input.LineColumn(data, syntaxOffset(data, syn))
		return input.AtLine(name, line, col, fmt.Errorf("nvd: not valid JSON: %w", err))
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return &input.Error{File: name, Err: fmt.Errorf("nvd: want a JSON object (%s), got %s", want, typ.Value)}
	}
	return &input.Error{File: name, Err: fmt.Errorf("nvd: %w", err)}
}

// syntaxOffset returns the offset of the character a syntax error from
// json.Unmarshal is about: its Offset counts that character, so an "invalid
// character" is one byte earlier; an unexpected end is at the end.
func syntaxOffset(data []byte, syn *json.SyntaxError) int64 {
	off := syn.Offset
	if strings.HasPrefix(syn.Error(), "invalid character") && off > 0 && off <= int64(len(data)) {
		off--
	}
	return off
}

// decoder collects warnings for one file.
type decoder struct {
	name  string
	warns []*input.Error
}

func (d *decoder) warn(pointer string, err error) {
	d.warns = append(d.warns, input.AtPointer(d.name, pointer, fmt.Errorf("nvd: %w", err)))
}

func (d *decoder) int(raw json.RawMessage, pointer string) int {
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		d.warn(pointer, fmt.Errorf("want an integer, got %s", truncate(string(raw), 40)))
	}
	return n
}

func (d *decoder) string(raw json.RawMessage, pointer string) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.warn(pointer, fmt.Errorf("want a string, got %s", truncate(string(raw), 40)))
	}
	return s
}

// cve converts one CVE object at pointer; it returns nil, with a warning,
// for a record that cannot be read.
func (d *decoder) cve(raw json.RawMessage, pointer string) *vuln.Advisory {
	var w wireCVE
	if err := json.Unmarshal(raw, &w); err != nil {
		d.warn(pointer, fmt.Errorf("%s; record skipped", describeJSONError(err)))
		return nil
	}
	return d.convert(&w, pointer)
}

// convert turns one decoded record at pointer into an Advisory; it returns
// nil, with a warning, for a record without id.
func (d *decoder) convert(w *wireCVE, pointer string) *vuln.Advisory {
	id := strings.TrimSpace(w.ID)
	if id == "" {
		d.warn(pointer+"/id", errors.New("record has no id; record skipped"))
		return nil
	}
	a := &vuln.Advisory{
		ID:     id,
		Source: vuln.SourceNVD,
		Origin: vuln.Origin{File: d.name, Pointer: pointer},
	}
	a.Published = d.time(w.Published, pointer+"/published")
	a.Modified = d.time(w.LastModified, pointer+"/lastModified")
	if w.VulnStatus == "Rejected" {
		a.Withdrawn = a.Modified
		if a.Withdrawn.IsZero() {
			a.Withdrawn = a.Published
		}
		if a.Withdrawn.IsZero() {
			a.Withdrawn = time.Unix(0, 0).UTC() // withdrawn, time unknown
		}
	}
	for _, desc := range w.Descriptions {
		if strings.EqualFold(desc.Lang, "en") || strings.HasPrefix(strings.ToLower(desc.Lang), "en-") {
			a.Details = strings.TrimSpace(desc.Value)
			a.Summary = summarize(a.Details)
			break
		}
	}
	a.Severities = d.severities(&w.Metrics, pointer+"/metrics")
	a.CWEs = cwes(w.Weaknesses)
	a.References = references(w.References)
	a.CPEConfigs = d.configs(w.Configurations, pointer+"/configurations")
	if w.CISAExploitAdd != "" || w.CISAActionDue != "" || w.CISARequiredAction != "" || w.CISAVulnerabilityName != "" {
		a.KEV = &vuln.KEV{
			DateAdded:      w.CISAExploitAdd,
			DueDate:        w.CISAActionDue,
			RequiredAction: w.CISARequiredAction,
			Name:           w.CISAVulnerabilityName,
		}
	}
	return a
}

// describeJSONError words a json.Unmarshal error of a record without Go type
// names.
func describeJSONError(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "record"
		}
		return fmt.Sprintf("%s: want %s, got %s", field, input.JSONKind(typ.Type), typ.Value)
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return "not valid JSON: " + syn.Error()
	}
	return err.Error()
}

// timeLayouts are the forms NVD writes times in: without a zone, meaning UTC
// ("2019-05-16T19:29:00.427"), and RFC 3339.
var timeLayouts = []string{"2006-01-02T15:04:05.999999999", time.RFC3339Nano, "2006-01-02"}

func (d *decoder) time(s, pointer string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	d.warn(pointer, fmt.Errorf("time %q is not an NVD timestamp (2006-01-02T15:04:05.000); left unset", truncate(s, 40)))
	return time.Time{}
}

// summarize returns the first sentence of an NVD description, shortened to
// at most 200 bytes at a word boundary. NVD has one description; it becomes
// Details whole.
func summarize(s string) string {
	const max = 200
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' && i > 0 && !strings.HasSuffix(s[:i], " e.g") && !strings.HasSuffix(s[:i], " i.e") && !strings.HasSuffix(s[:i], " etc") && !strings.HasSuffix(s[:i], " vs") {
			// a period before a digit or lower-case word is not a sentence end
			if i+2 < len(s) && 'A' <= s[i+2] && s[i+2] <= 'Z' {
				s = s[:i+1]
				break
			}
		}
	}
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut < max/2 {
		cut = max
		for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

// cwes returns the CWE IDs of weaknesses, once each, in order; NVD's
// placeholders NVD-CWE-Other and NVD-CWE-noinfo are left out.
func cwes(ws []wireWeakness) []string {
	var out []string
	seen := make(map[string]bool)
	for _, w := range ws {
		for _, d := range w.Description {
			v := strings.TrimSpace(d.Value)
			if !strings.HasPrefix(v, "CWE-") || seen[v] {
				continue
			}
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// references returns the references, once per URL, with NVD's tags joined
// by "," as the Type.
func references(rs []wireReference) []vuln.Reference {
	var out []vuln.Reference
	seen := make(map[string]bool)
	for _, r := range rs {
		u := strings.TrimSpace(r.URL)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, vuln.Reference{URL: u, Type: strings.Join(r.Tags, ",")})
	}
	return out
}

// configs flattens configurations → nodes → cpeMatch, keeping every
// criterion (vulnerable or not) with its configuration and node indices.
func (d *decoder) configs(cs []wireConfig, pointer string) []vuln.CPEMatch {
	var out []vuln.CPEMatch
	for ci, c := range cs {
		cp := pointer + "/" + strconv.Itoa(ci)
		op := strings.ToUpper(strings.TrimSpace(c.Operator))
		if op != "" && op != "AND" && op != "OR" {
			d.warn(cp+"/operator", fmt.Errorf("configuration operator %q is neither AND nor OR", truncate(c.Operator, 40)))
		}
		for ni, n := range c.Nodes {
			np := cp + "/nodes/" + strconv.Itoa(ni)
			nop := strings.ToUpper(strings.TrimSpace(n.Operator))
			if nop != "" && nop != "AND" && nop != "OR" {
				d.warn(np+"/operator", fmt.Errorf("node operator %q is neither AND nor OR", truncate(n.Operator, 40)))
			}
			for mi, m := range n.CPEMatch {
				crit := strings.TrimSpace(m.Criteria)
				if len(crit) < len("cpe:2.3:") || !strings.EqualFold(crit[:len("cpe:2.3:")], "cpe:2.3:") {
					d.warn(np+"/cpeMatch/"+strconv.Itoa(mi)+"/criteria", fmt.Errorf("criteria %q is not a CPE 2.3 formatted string; criterion skipped", truncate(crit, 80)))
					continue
				}
				out = append(out, vuln.CPEMatch{
					Criteria:              crit,
					MatchCriteriaID:       m.MatchCriteriaID,
					Vulnerable:            m.Vulnerable,
					VersionStartIncluding: m.VersionStartIncluding,
					VersionStartExcluding: m.VersionStartExcluding,
					VersionEndIncluding:   m.VersionEndIncluding,
					VersionEndExcluding:   m.VersionEndExcluding,
					Config:                ci,
					Node:                  ni,
					Operator:              nop,
					Negate:                n.Negate || c.Negate,
					ConfigOperator:        op,
				})
			}
		}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// The wire types follow the NVD CVE API 2.0 schema (cve_api_json_2.0.schema),
// fields medvigil reads only.
type wireCVE struct {
	ID                    string           `json:"id"`
	Published             string           `json:"published"`
	LastModified          string           `json:"lastModified"`
	VulnStatus            string           `json:"vulnStatus"`
	Descriptions          []wireLangString `json:"descriptions"`
	Metrics               wireMetrics      `json:"metrics"`
	Weaknesses            []wireWeakness   `json:"weaknesses"`
	Configurations        []wireConfig     `json:"configurations"`
	References            []wireReference  `json:"references"`
	CISAExploitAdd        string           `json:"cisaExploitAdd"`
	CISAActionDue         string           `json:"cisaActionDue"`
	CISARequiredAction    string           `json:"cisaRequiredAction"`
	CISAVulnerabilityName string           `json:"cisaVulnerabilityName"`
}

type wireLangString struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type wireMetrics struct {
	V40 []wireMetric `json:"cvssMetricV40"`
	V31 []wireMetric `json:"cvssMetricV31"`
	V30 []wireMetric `json:"cvssMetricV30"`
	V2  []wireMetric `json:"cvssMetricV2"`
}

type wireMetric struct {
	Source string `json:"source"`
	Type   string `json:"type"`
	// BaseSeverity is where CVSS v2 metrics keep the rating.
	BaseSeverity string `json:"baseSeverity"`
	CVSSData     struct {
		Version      string   `json:"version"`
		VectorString string   `json:"vectorString"`
		BaseScore    *float64 `json:"baseScore"`
		BaseSeverity string   `json:"baseSeverity"`
	} `json:"cvssData"`
}

type wireWeakness struct {
	Source      string           `json:"source"`
	Type        string           `json:"type"`
	Description []wireLangString `json:"description"`
}

type wireConfig struct {
	Operator string     `json:"operator"`
	Negate   bool       `json:"negate"`
	Nodes    []wireNode `json:"nodes"`
}

type wireNode struct {
	Operator string         `json:"operator"`
	Negate   bool           `json:"negate"`
	CPEMatch []wireCPEMatch `json:"cpeMatch"`
}

type wireCPEMatch struct {
	Vulnerable            bool   `json:"vulnerable"`
	Criteria              string `json:"criteria"`
	MatchCriteriaID       string `json:"matchCriteriaId"`
	VersionStartIncluding string `json:"versionStartIncluding"`
	VersionStartExcluding string `json:"versionStartExcluding"`
	VersionEndIncluding   string `json:"versionEndIncluding"`
	VersionEndExcluding   string `json:"versionEndExcluding"`
}

type wireReference struct {
	URL    string   `json:"url"`
	Source string   `json:"source"`
	Tags   []string `json:"tags"`
}
