package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/epss"
	"medvigil/internal/vuln/kev"
	"medvigil/internal/vuln/osv"
)

// files holds the demo data; it is read-only.
//
//go:embed data
var files embed.FS

// Paths of the data files inside FS.
const (
	ManifestFile  = "manifest.json"
	AdvisoriesDir = "advisories"
	KEVFile       = "advisories/kev.json"
	EPSSFile      = "advisories/epss.csv"
)

const (
	dateLayout = time.DateOnly
	// demoPrefix starts every demo vulnerability ID; readerIDPrefix is
	// what the KEV and EPSS readers require instead.
	demoPrefix     = "DEMO-"
	readerIDPrefix = "CVE-"
)

// FS returns the demo data as a read-only file system rooted at the data
// folder: manifest.json, sboms/*.json and advisories/ (DEMO-*.json OSV
// records, kev.json, epss.csv).
func FS() fs.FS {
	sub, err := fs.Sub(files, "data")
	if err != nil { // "data" is a valid path; fs.Sub fails only on invalid ones
		return files
	}
	return sub
}

// Open returns the content of the demo file name, a slash-separated path
// inside FS such as "sboms/ip-400-4.1.0.cdx.json". A missing file is an
// error wrapping fs.ErrNotExist.
func Open(name string) ([]byte, error) {
	data, err := fs.ReadFile(FS(), name)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return data, nil
}

// Catalog is the parsed manifest: the fictional manufacturer and its
// products.
type Catalog struct {
	// Note says that the data is fictional demo data.
	Note string
	// ReferenceDate is the day the demo data describes ("today" in the
	// demo's story): lifecycle states such as Version.SupportEnded are
	// meant to be read at this day.
	ReferenceDate time.Time
	Organization  Organization
	Products      []Product
}

// Organization is the manufacturer.
type Organization struct {
	Name       string
	Fictional  bool
	Role       string // "manufacturer"
	Website    string
	PSIRTEmail string
	Country    string
}

// Product is one product of the manufacturer.
type Product struct {
	// ID is a short stable key ("ip-400").
	ID          string
	Name        string
	Kind        string
	Description string
	// Versions are in release order.
	Versions []Version
}

// Version is one released version of a product with its lifecycle (dates
// are UTC midnight) and its SBOM.
type Version struct {
	Version      string
	Released     time.Time
	EndOfLife    time.Time
	EndOfSupport time.Time
	// SupportLevel is the FDA level of support of the version as a whole.
	SupportLevel sbom.SupportLevel
	// SupportNote explains the support state; may be empty.
	SupportNote string
	// SBOM is the path of the version's SBOM inside FS.
	SBOM string
	// SBOMFormat is "cyclonedx-json" or "spdx-json".
	SBOMFormat string
}

// SupportEnded reports whether day falls after the version's end-of-support
// date (the end-of-support day itself is still supported): a legacy device
// in the FDA and IMDRF N70 sense.
func (v Version) SupportEnded(day time.Time) bool {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(v.EndOfSupport)
}

type wireManifest struct {
	Note          string `json:"note"`
	ReferenceDate string `json:"reference_date"`
	Organization  struct {
		Name       string `json:"name"`
		Fictional  bool   `json:"fictional"`
		Role       string `json:"role"`
		Website    string `json:"website"`
		PSIRTEmail string `json:"psirt_email"`
		Country    string `json:"country"`
	} `json:"organization"`
	Products []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Kind        string `json:"kind"`
		Description string `json:"description"`
		Versions    []struct {
			Version       string `json:"version"`
			Released      string `json:"released"`
			EndOfLife     string `json:"end_of_life"`
			EndOfSupport  string `json:"end_of_support"`
			SupportLevel  string `json:"support_level"`
			SupportNote   string `json:"support_note"`
			SBOM          string `json:"sbom"`
			SBOMFormat    string `json:"sbom_format"`
			SBOMTimestamp string `json:"sbom_timestamp"`
		} `json:"versions"`
	} `json:"products"`
	KnowledgeBase struct {
		Advisories string `json:"advisories"`
		KEV        string `json:"kev"`
		EPSS       string `json:"epss"`
	} `json:"knowledge_base"`
}

// Manifest parses manifest.json. Every call returns a new Catalog the
// caller may change. It fails only if the embedded manifest is broken (unknown
// fields, a bad date or support level, a missing SBOM file), which the
// package's tests rule out.
func Manifest() (*Catalog, error) {
	data, err := Open(ManifestFile)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wireManifest
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("demo: %s: %w", ManifestFile, err)
	}
	if kb := w.KnowledgeBase; kb.Advisories != AdvisoriesDir || kb.KEV != KEVFile || kb.EPSS != EPSSFile {
		return nil, fmt.Errorf("demo: %s: knowledge_base names %q, %q, %q; LoadKB reads %q, %q, %q",
			ManifestFile, kb.Advisories, kb.KEV, kb.EPSS, AdvisoriesDir, KEVFile, EPSSFile)
	}
	m := &Catalog{Note: w.Note}
	if m.ReferenceDate, err = time.Parse(dateLayout, w.ReferenceDate); err != nil {
		return nil, fmt.Errorf("demo: %s: reference_date: %w", ManifestFile, err)
	}
	o := w.Organization
	m.Organization = Organization{Name: o.Name, Fictional: o.Fictional, Role: o.Role, Website: o.Website, PSIRTEmail: o.PSIRTEmail, Country: o.Country}
	for i, wp := range w.Products {
		p := Product{ID: wp.ID, Name: wp.Name, Kind: wp.Kind, Description: wp.Description}
		for j, wv := range wp.Versions {
			where := fmt.Sprintf("%s: /products/%d/versions/%d", ManifestFile, i, j)
			v := Version{Version: wv.Version, SupportNote: wv.SupportNote, SBOM: wv.SBOM, SBOMFormat: wv.SBOMFormat}
			for _, d := range []struct {
				field string
				value string
				to    *time.Time
			}{{"released", wv.Released, &v.Released}, {"end_of_life", wv.EndOfLife, &v.EndOfLife}, {"end_of_support", wv.EndOfSupport, &v.EndOfSupport}} {
				if *d.to, err = time.Parse(dateLayout, d.value); err != nil {
					return nil, fmt.Errorf("demo: %s/%s: %w", where, d.field, err)
				}
			}
			if v.SupportLevel, err = sbom.ParseSupportLevel(wv.SupportLevel); err != nil {
				return nil, fmt.Errorf("demo: %s/support_level: %w", where, err)
			}
			if _, err := fs.Stat(FS(), v.SBOM); err != nil {
				return nil, fmt.Errorf("demo: %s/sbom: %w", where, err)
			}
			p.Versions = append(p.Versions, v)
		}
		m.Products = append(m.Products, p)
	}
	return m, nil
}

// Document reads the demo SBOM at name (a path inside FS, such as
// Version.SBOM) into the normalized model.
func Document(name string) (*sbom.Document, error) {
	data, err := Open(name)
	if err != nil {
		return nil, err
	}
	doc, err := formats.Decode(name, data)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return doc, nil
}

// demoID matches a DEMO- vulnerability ID in the form the KEV and EPSS
// readers take for CVE IDs (year, then four or more digits).
var demoID = regexp.MustCompile(`\bDEMO-([0-9]{4}-[0-9]{4,19})\b`)

// LoadKB adds the demo knowledge base to kb: every DEMO- OSV advisory under
// advisories/, the KEV marks of advisories/kev.json and the EPSS scores of
// advisories/epss.csv, read with the OSV, KEV and EPSS readers of
// internal/vuln.
//
// The KEV and EPSS formats key their entries by CVE ID and their readers
// reject anything else, while the demo data uses no CVE IDs at all. LoadKB
// therefore hands the readers the files with each DEMO-YYYY-NNNN written as
// CVE-YYYY-NNNN and keys the marks it adds to kb by the DEMO- ID again; kb
// never holds a CVE- key from the demo. A file that already holds a CVE- ID
// is refused, so the rewriting cannot mix real and demo IDs.
//
// Any warning of a reader is an error here: the demo data is ours and must
// read cleanly. LoadKB stops when ctx ends.
func LoadKB(ctx context.Context, kb *vuln.KB) error {
	fsys := FS()
	entries, err := fs.ReadDir(fsys, AdvisoriesDir)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	var advs []*vuln.Advisory
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("demo: load advisories: %w", err)
		}
		name := path.Join(AdvisoriesDir, e.Name())
		if e.IsDir() || !strings.HasPrefix(e.Name(), demoPrefix) || path.Ext(name) != ".json" {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		a, err := osv.Decode(name, data)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		advs = append(advs, a)
	}
	sort.Slice(advs, func(i, j int) bool { return advs[i].ID < advs[j].ID })

	if err := ctx.Err(); err != nil {
		return fmt.Errorf("demo: load KEV: %w", err)
	}
	data, err := readerForm(KEVFile)
	if err != nil {
		return err
	}
	cat, warnings, err := kev.Decode(KEVFile, data)
	if err := readerFault(err, warnings); err != nil {
		return err
	}
	marks := make(map[string]vuln.KEV, len(cat.Entries))
	for id, k := range cat.Entries {
		marks[demoKey(id)] = k
	}

	if err := ctx.Err(); err != nil {
		return fmt.Errorf("demo: load EPSS: %w", err)
	}
	if data, err = readerForm(EPSSFile); err != nil {
		return err
	}
	scores, warnings, err := epss.Read(EPSSFile, bytes.NewReader(data))
	if err := readerFault(err, warnings); err != nil {
		return err
	}
	epssByID := make(map[string]vuln.EPSS, len(scores.Entries))
	for id, s := range scores.Entries {
		epssByID[demoKey(id)] = s
	}

	kb.Add(advs...)
	kb.SetKEV(marks)
	kb.SetEPSS(epssByID)
	return nil
}

// readerForm returns the file name with its DEMO- IDs written as CVE- IDs.
func readerForm(name string) ([]byte, error) {
	data, err := Open(name)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(data, []byte(readerIDPrefix)) {
		return nil, fmt.Errorf("demo: %s holds a %s ID; demo data uses DEMO- IDs only", name, readerIDPrefix)
	}
	return demoID.ReplaceAll(data, []byte(readerIDPrefix+"$1")), nil
}

// demoKey turns a key of the reader form back into its DEMO- ID.
func demoKey(id string) string {
	if rest, ok := strings.CutPrefix(id, readerIDPrefix); ok {
		return demoPrefix + rest
	}
	return id
}

// readerFault folds a reader's error and warnings into one error, with the
// reader-form IDs written back as DEMO- IDs.
func readerFault[W error](err error, warnings []W) error {
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, w := range warnings {
		errs = append(errs, w)
	}
	if len(errs) == 0 {
		return nil
	}
	return &readerError{errors.Join(errs...)}
}

// readerError is a fault a KEV or EPSS reader found in the reader form of a
// demo file; its message names the DEMO- IDs, Unwrap gives the reader's
// errors (*input.Error).
type readerError struct{ err error }

func (e *readerError) Error() string {
	return "demo: " + strings.ReplaceAll(e.err.Error(), readerIDPrefix, demoPrefix)
}

func (e *readerError) Unwrap() error { return e.err }
