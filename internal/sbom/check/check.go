package check

import (
	"fmt"

	"medvigil/internal/sbom"
)

// Report is the result of checking one document against one profile. Its
// JSON form is docs/schemas/sbom-check-report.schema.json.
type Report struct {
	Profile Profile `json:"profile"`
	// File names the checked file; Run leaves it empty for the caller to set.
	File        string        `json:"file"`
	Format      sbom.Format   `json:"format"`
	SpecVersion string        `json:"spec_version"`
	Encoding    sbom.Encoding `json:"encoding"`
	// Components counts every component of the document, the primary
	// component included.
	Components int `json:"components"`
	// Covered reports whether every required element is covered.
	Covered bool `json:"covered"`
	// Elements holds one result per element of the profile, in the
	// profile's documented order.
	Elements []ElementResult `json:"elements"`
	// Warnings are the recoverable defects found while reading the document.
	Warnings []Warning `json:"warnings"`
}

// ElementResult is the verdict on one minimum element.
type ElementResult struct {
	Element sbom.Element `json:"element"`
	// Title is the element's name in the profile's own words.
	Title    string `json:"title"`
	Level    Level  `json:"level"`
	Required bool   `json:"required"`
	// Checked counts the components looked at (1 for a document-level
	// element).
	Checked int `json:"checked"`
	// Missing counts the components (or the document, as 1) that fail the
	// element; MissingIDs names those components by Component.ID, all of
	// them, in document order. It is empty for document-level elements.
	Missing    int      `json:"missing"`
	MissingIDs []string `json:"missing_ids"`
	// Marked counts the components (or the document) that lack the
	// information but mark it explicitly: as unknown or withheld (CISA 2026),
	// as SPDX NOASSERTION, or, for the FDA lifecycle fields, with a
	// justification. MarkedIDs names them.
	Marked    int      `json:"marked"`
	MarkedIDs []string `json:"marked_ids"`
	// MarkingAccepted reports whether the profile takes an explicit marking
	// in place of the information for this element. When true the marked
	// components are covered and not counted in Missing; when false they
	// are counted in Missing too.
	MarkingAccepted bool `json:"marking_accepted"`
	// Covered reports that no component (or the document) misses the
	// element. A component-level element is never covered by a document
	// that lists no component at all.
	Covered bool `json:"covered"`
}

// Warning is a recoverable defect found while reading the document.
type Warning struct {
	// Place is a JSON pointer or "line L, column C"; empty when the defect
	// concerns the whole file.
	Place   string `json:"place"`
	Message string `json:"message"`
}

// state is what one component (or the document) holds for an element.
type state int

const (
	absent  state = iota // the information is not there
	present              // the information is there
	marked               // not there, but explicitly marked unknown or withheld
)

// rule checks one element. Exactly one of doc and comp is set.
type rule struct {
	element         sbom.Element
	title           string
	required        bool
	markingAccepted bool
	// skipPrimary leaves the primary component out of a component-level
	// element (the FDA lifecycle fields concern off-the-shelf components).
	skipPrimary bool
	doc         func(d *env) state
	comp        func(d *env, c *sbom.Component) state
}

// env is the document under check with the look-ups rules share.
type env struct {
	*sbom.Document
	refs     map[string]bool // refs of the components
	depRefs  map[string]bool // refs that have an entry in the dependency graph
	contains map[string]bool // refs of components that other components are nested in
}

func newEnv(doc *sbom.Document) *env {
	e := &env{
		Document: doc,
		refs:     make(map[string]bool, len(doc.Components)),
		depRefs:  make(map[string]bool, len(doc.Dependencies)),
		contains: map[string]bool{},
	}
	for i := range doc.Components {
		c := &doc.Components[i]
		e.refs[c.Ref] = true
		if c.Parent != "" && c.Parent != c.Ref {
			e.contains[c.Parent] = true
		}
	}
	for _, d := range doc.Dependencies {
		e.depRefs[d.Ref] = true
	}
	return e
}

func (r rule) level() Level {
	if r.doc != nil {
		return LevelDocument
	}
	return LevelComponent
}

// Run checks doc against profile p. p must be one of Profiles (use
// ParseProfile on user input); Run panics otherwise, as that is a
// programming error. doc is not modified. The Report's File is left empty.
func Run(doc *sbom.Document, p Profile) Report {
	rules := profileRules(p)
	if rules == nil {
		panic(fmt.Sprintf("check: Run called with unknown profile %q", p))
	}
	rep := Report{
		Profile:     p,
		Format:      doc.Format,
		SpecVersion: doc.SpecVersion,
		Encoding:    doc.Encoding,
		Components:  len(doc.Components),
		Covered:     true,
		Elements:    make([]ElementResult, 0, len(rules)),
		Warnings:    make([]Warning, 0, len(doc.Warnings)),
	}
	e := newEnv(doc)
	for _, r := range rules {
		res := evaluate(e, r)
		if r.required && !res.Covered {
			rep.Covered = false
		}
		rep.Elements = append(rep.Elements, res)
	}
	for _, w := range doc.Warnings {
		if w == nil {
			continue
		}
		rep.Warnings = append(rep.Warnings, Warning{Place: w.Place(), Message: w.Message()})
	}
	return rep
}

func evaluate(doc *env, r rule) ElementResult {
	res := ElementResult{
		Element:         r.element,
		Title:           r.title,
		Level:           r.level(),
		Required:        r.required,
		MissingIDs:      []string{},
		MarkedIDs:       []string{},
		MarkingAccepted: r.markingAccepted,
	}
	tally := func(s state, id string) {
		switch s {
		case absent:
			res.Missing++
			if id != "" {
				res.MissingIDs = append(res.MissingIDs, id)
			}
		case marked:
			res.Marked++
			if id != "" {
				res.MarkedIDs = append(res.MarkedIDs, id)
			}
			if !r.markingAccepted {
				res.Missing++
				if id != "" {
					res.MissingIDs = append(res.MissingIDs, id)
				}
			}
		}
	}
	if r.doc != nil {
		res.Checked = 1
		tally(r.doc(doc), "")
		res.Covered = res.Missing == 0
		return res
	}
	for i := range doc.Components {
		c := &doc.Components[i]
		if r.skipPrimary && doc.PrimaryRef != "" && c.Ref == doc.PrimaryRef {
			continue
		}
		res.Checked++
		tally(r.comp(doc, c), c.ID())
	}
	res.Covered = res.Missing == 0 && len(doc.Components) > 0
	return res
}
