package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// Document is one CSAF 2.0 document (CSAF 2.0 section 3.2.1) as medvigil
// uses it.
type Document struct {
	// TrackingID is document/tracking/id, e.g. "ICSMA-23-194-01".
	TrackingID string
	Title      string
	// Publisher is document/publisher/name.
	Publisher string
	// Version is document/tracking/version ("2", "1.0.0") and Status
	// document/tracking/status ("final", "interim", "draft").
	Version string
	Status  string
	// Initial and Current are the initial and current release dates of the
	// document; zero when missing or unparsable.
	Initial time.Time
	Current time.Time
	// TLP is document/distribution/tlp/label ("WHITE", "GREEN", …), or "".
	TLP string
	// Notes are the document notes in document order.
	Notes []Note
	// Products holds every product the product tree defines, by product_id:
	// branch products, full_product_names and the products relationships
	// create.
	Products map[string]Product
	// Advisories holds one advisory per vulnerabilities[] entry that could be
	// read, in document order.
	Advisories []*vuln.Advisory
}

// Note is a document note (CSAF 2.0 section 3.1.5).
type Note struct {
	// Category is "description", "details", "faq", "general",
	// "legal_disclaimer", "other" or "summary".
	Category string
	Title    string
	Text     string
}

// Product is one product of the product tree with what its branches,
// identification helper or relationship say about it.
type Product struct {
	// ID is the product_id and Name the full product name. A product a
	// relationship creates without a name is named "<component name>
	// <category> <platform name>".
	ID   string
	Name string
	// Vendor, ProductName, Version, VersRange and Family are the names of
	// the branches above the product (CSAF 2.0 section 3.1.2.2 categories
	// vendor, product_name, product_version, product_version_range and
	// product_family); the nearest branch of a category wins.
	//
	// Version is an exact version and VersRange a range. A product_version
	// whose name starts with "vers:" (CISA writes "vers:all/*" there, which
	// CSAF 2.0 test 6.1.31 forbids) is read as the range it is, into
	// VersRange. Both keep the document's text as written: VersRange holds
	// either a vers string (https://github.com/package-url/purl-spec, VERSION-
	// RANGE-SPEC) or free text such as "<= 1.86", "All versions < V14" or
	// "< august 28"; the package documentation says how to read them.
	Vendor      string
	ProductName string
	Version     string
	VersRange   string
	Family      string
	// PURL, CPE, ModelNumbers and SKUs come from the product identification
	// helper (CSAF 2.0 section 3.1.3.3).
	PURL         string
	CPE          string
	ModelNumbers []string
	SKUs         []string
	// Relationship is set on a product a relationship creates (CSAF 2.0
	// section 3.2.2.4) as "<category> <product id of the other side>", e.g.
	// "default_component_of CSAFPID-0002"; such a product takes its vendor,
	// product name, version, range, family and helpers from the component
	// side (product_reference), except the helpers its own
	// full_product_name gives.
	Relationship string
}

// decoder holds the state of one Decode.
type decoder struct {
	name     string
	warnings []*input.Error
	doc      *Document
	groups   map[string][]string // product group id → product ids
	docRefs  []vuln.Reference    // the document references
}

func (d *decoder) warn(pointer string, err error) {
	d.warnings = append(d.warnings, input.AtPointer(d.name, pointer, err))
}

// Decode reads one CSAF 2.0 document from data; name is the file it came
// from, used in errors, warnings and each advisory's Origin.
//
// The product tree is flattened into Document.Products. Each
// vulnerabilities[] entry becomes one *vuln.Advisory with Source
// vuln.SourceCSAF, Document the tracking ID and Origin {name,
// "/vulnerabilities/<i>"}:
//   - ID is the CVE, else the first ids[].text, else "<tracking id>#<i>" (i
//     counts from 0, as in the pointer); Aliases are the other ids[] texts.
//   - Summary is the vulnerability title, else its first summary note, else
//     its first description note. Details are its description and details
//     notes (or, when there are none, its summary notes), except a note
//     already used as Summary, followed by one "Impact: …" or
//     "Exploit status: …" line per threat of that category.
//   - Published is release_date, else discovery_date, else the document's
//     initial release date; Modified is the document's current release date.
//   - Severities come from scores (cvss_v3 and cvss_v2, each distinct vector
//     once) with Source the publisher name; the rating is the cvss_v3
//     baseSeverity in lower case, and empty for cvss_v2, which has none.
//   - References are the vulnerability's, then the document's, each URL once,
//     with Type the reference category ("external" when absent).
//   - Remediations keep category, details and url, with Products the
//     product_ids followed by the members of group_ids.
//   - Affected has one entry per product and status of product_status, in
//     the order first_affected, first_fixed, fixed, known_affected,
//     known_not_affected, last_affected, recommended, under_investigation,
//     with Status the status key and the product's PURL, CPE, Vendor,
//     Product (its product_name branch, else its full product name),
//     Versions ([Version] when it has one), VersRange and ProductID.
//
// The returned error, when not nil, is an *input.Error naming name: a JSON
// syntax error or trailing data at its line and column; a document that is
// not a CSAF 2.0 document (not a JSON object, no document, no
// document/category or document/csaf_version, another csaf_version) or
// whose document property cannot be read, at its JSON pointer.
//
// Warnings are *input.Error values at a JSON pointer for content that was
// skipped or ignored while the rest was read: a vulnerability, branch,
// product, relationship, product group, note or reference that cannot be
// decoded (skipped); a reference to a product id or group id the product
// tree does not define (dropped); a second definition of a product id (the
// first wins); an unknown field (ignored); an unparsable date (read as zero).
// Decode validates nothing else: it is not a CSAF validator.
func Decode(name string, data []byte) (*Document, []*input.Error, error) {
	d := &decoder{name: name}
	doc, err := d.decode(data)
	if err != nil {
		return nil, d.warnings, err
	}
	return doc, d.warnings, nil
}

func (d *decoder) decode(data []byte) (*Document, *input.Error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	top, unknownTop, ferr := d.top(data)
	if ferr != nil {
		return nil, ferr
	}
	if isNull(top.Document) {
		return nil, &input.Error{File: d.name, Err: errors.New("csaf: not a CSAF document: it has no document property")}
	}
	var head wireHead
	if err := json.Unmarshal(top.Document, &head); err != nil {
		rel, msg := partError(top.Document, err)
		return nil, input.AtPointer(d.name, "/document"+rel, msg)
	}
	switch {
	case head.Category == nil || strings.TrimSpace(*head.Category) == "":
		return nil, input.AtPointer(d.name, "/document", errors.New("csaf: not a CSAF document: document has no category"))
	case head.CSAFVersion == nil:
		return nil, input.AtPointer(d.name, "/document", errors.New("csaf: not a CSAF document: document has no csaf_version"))
	case *head.CSAFVersion != string(gocsaf.CSAFVersion20):
		return nil, input.AtPointer(d.name, "/document/csaf_version",
			fmt.Errorf("csaf: csaf_version %q is not supported; want %q", *head.CSAFVersion, gocsaf.CSAFVersion20))
	}
	d.unknown("", unknownTop)
	wd, unknown, err := decodePart[wireDocument](top.Document)
	if err != nil {
		rel, msg := partError(top.Document, err)
		return nil, input.AtPointer(d.name, "/document"+rel, fmt.Errorf("%w (the document property cannot be read)", msg))
	}
	d.unknown("/document", unknown)
	d.doc = d.document(&wd)
	d.productTree(top.ProductTree)
	for i, raw := range top.Vulnerabilities {
		if a := d.vulnerability(i, raw); a != nil {
			d.doc.Advisories = append(d.doc.Advisories, a)
		}
	}
	return d.doc, nil
}

// top reads the top level of data, which must be one JSON object, and
// returns the first unknown field in it, if any.
func (d *decoder) top(data []byte) (wireAdvisory, string, *input.Error) {
	var top wireAdvisory
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&top)
	if field, ok := unknownFieldErr(err); ok {
		top = wireAdvisory{}
		if err := json.Unmarshal(data, &top); err != nil {
			return top, "", d.jsonFault(data, err)
		}
		return top, field, nil
	}
	if err != nil {
		return top, "", d.jsonFault(data, err)
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		line, col := input.LineColumn(data, int64(len(data)-len(rest)))
		return top, "", input.AtLine(d.name, line, col, errors.New("csaf: trailing data after the JSON object"))
	}
	return top, "", nil
}

func unknownFieldErr(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	return unknownField(err)
}

// jsonFault places a decode error of the whole file.
func (d *decoder) jsonFault(data []byte, err error) *input.Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := input.LineColumn(data, se.Offset)
		return input.AtLine(d.name, line, col, fmt.Errorf("csaf: %w", err))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := input.LineColumn(data, int64(len(data)))
		return input.AtLine(d.name, line, col, errors.New("csaf: unexpected end of JSON input"))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "" {
		return &input.Error{File: d.name, Err: fmt.Errorf("csaf: not a CSAF document: the file holds a JSON %s, want an object", te.Value)}
	}
	rel, msg := partError(data, err)
	return input.AtPointer(d.name, rel, msg)
}

// unknown warns about an unknown field of the part at pointer.
func (d *decoder) unknown(pointer, field string) {
	if field != "" {
		d.warn(pointer, fmt.Errorf("csaf: unknown field %q ignored", field))
	}
}

// document converts the document property.
func (d *decoder) document(wd *wireDocument) *Document {
	doc := &Document{
		Title:    str(wd.Title),
		Products: map[string]Product{},
	}
	if p := wd.Publisher; p != nil {
		doc.Publisher = str(p.Name)
	}
	if dist := wd.Distribution; dist != nil && dist.TLP != nil && dist.TLP.DocumentTLPLabel != nil {
		doc.TLP = string(*dist.TLP.DocumentTLPLabel)
	}
	if t := wd.Tracking; t != nil {
		if t.ID != nil {
			doc.TrackingID = strings.TrimSpace(string(*t.ID))
		}
		if t.Version != nil {
			doc.Version = string(*t.Version)
		}
		if t.Status != nil {
			doc.Status = string(*t.Status)
		}
		doc.Initial = d.date("/document/tracking/initial_release_date", t.InitialReleaseDate)
		doc.Current = d.date("/document/tracking/current_release_date", t.CurrentReleaseDate)
	}
	if doc.TrackingID == "" {
		d.warn("/document/tracking/id", errors.New("csaf: the document has no tracking id"))
	}
	for i, raw := range wd.Notes {
		ptr := input.Pointer("document", "notes", i)
		n, ok := decodeInto[gocsaf.Note](d, ptr, raw)
		if !ok {
			continue
		}
		doc.Notes = append(doc.Notes, note(&n))
	}
	d.docRefs = d.documentReferences(wd.References)
	return doc
}

// documentReferences reads the document references (CSAF 2.0 section
// 3.2.1.9), each once.
func (d *decoder) documentReferences(raws []json.RawMessage) []vuln.Reference {
	var refs []vuln.Reference
	for i, raw := range raws {
		r, ok := decodeInto[gocsaf.Reference](d, input.Pointer("document", "references", i), raw)
		if ok {
			refs = appendReference(refs, &r)
		}
	}
	return refs
}

// decodeInto decodes one part at pointer, warning about an unknown field and
// reporting false, with a warning, when it cannot be decoded.
func decodeInto[T any](d *decoder, pointer string, raw []byte) (T, bool) {
	v, unknown, err := decodePart[T](raw)
	if err != nil {
		rel, msg := partError(raw, err)
		d.warn(pointer+rel, fmt.Errorf("%w; skipped", msg))
		return v, false
	}
	d.unknown(pointer, unknown)
	return v, true
}

func note(n *gocsaf.Note) Note {
	out := Note{Title: str(n.Title), Text: str(n.Text)}
	if n.NoteCategory != nil {
		out.Category = string(*n.NoteCategory)
	}
	return out
}

// date parses a CSAF date-time (JSON schema format date-time: RFC 3339 with
// a time zone). A missing date is the zero time; an unparsable one is warned about
// and also the zero time.
func (d *decoder) date(pointer string, s *string) time.Time {
	if s == nil || strings.TrimSpace(*s) == "" {
		return time.Time{}
	}
	v := strings.TrimSpace(*s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	d.warn(pointer, fmt.Errorf("csaf: date %q is not an RFC 3339 date-time; ignored", v))
	return time.Time{}
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
