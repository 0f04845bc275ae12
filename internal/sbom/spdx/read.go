package spdx

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// source is an SPDX document as tools-golang read it, with what the model
// needs besides: where its parts are in the file, and the repairs made
// before the library saw it.
type source struct {
	name string
	enc  sbom.Encoding
	// version is the spdxVersion as written (the library's conversion to
	// v2_3 overwrites the document's).
	version string
	doc     *v2_3.Document
	// describes is the JSON documentDescribes list (tag-value has none).
	describes []common.DocElementID
	// otherIDs holds the identifiers of files and snippets: relationships to
	// them are no dependencies but are not dangling either.
	otherIDs map[string]bool
	loc      locator
	// rawJSON says that identifiers, creators and parties still carry JSON
	// escapes: tools-golang unmarshals them from the raw bytes.
	rawJSON  bool
	warnings []*input.Error
}

// reader turns a source into the model.
type reader struct {
	src  *source
	out  *sbom.Document
	byID map[string]int  // SPDX identifier as written -> index of its first component
	refs map[string]bool // component refs given, renamed ones included
	ids  map[string]bool // every package identifier, made when a duplicate needs it
	// annotations holds the tag-value annotations on elements other than
	// the document, by element identifier.
	annotations map[string][]int
	docID       string
}

func (s *source) warn(p place, err error) {
	s.warnings = append(s.warnings, p.at(s.name, err))
}

// text undoes the JSON escapes that tools-golang leaves in strings it
// unmarshals itself (identifiers, creators, suppliers, originators).
func (s *source) text(v string) string {
	if !s.rawJSON || !strings.Contains(v, `\`) {
		return v
	}
	var u string
	if err := json.Unmarshal([]byte(`"`+v+`"`), &u); err != nil {
		return v
	}
	return u
}

func (s *source) elementID(id common.ElementID) string {
	return s.text(refPrefix + string(id))
}

func (s *source) docElementID(id common.DocElementID) string {
	return s.text(common.RenderDocElementID(id))
}

// model converts the source into the normalized document.
func (s *source) model() *sbom.Document {
	d := s.doc
	r := &reader{
		src: s,
		out: &sbom.Document{
			Format:       sbom.FormatSPDX,
			SpecVersion:  strings.TrimPrefix(s.version, "SPDX-"),
			Encoding:     s.enc,
			SerialNumber: strings.TrimSpace(d.DocumentNamespace),
			Name:         d.DocumentName,
			DataLicense:  d.DataLicense,
		},
		byID:  make(map[string]int, len(d.Packages)),
		refs:  make(map[string]bool, len(d.Packages)),
		docID: s.elementID(d.SPDXIdentifier),
	}
	if d.SPDXIdentifier == "" {
		r.docID = documentID
	}
	r.creationInfo()
	r.indexAnnotations()
	r.documentAnnotations()
	comps, warnings := r.components(r.licenseNames())
	n := 0 // components kept; null packages leave gaps in comps
	for i := range comps {
		s.warnings = append(s.warnings, warnings[i]...)
		if d.Packages[i] == nil {
			continue
		}
		c := &comps[i]
		if j, dup := r.byID[c.Ref]; dup {
			ref := r.uniqueRef(c.Ref)
			s.warn(s.loc.pkg(i, "SPDXID", "SPDXID", -1), fmt.Errorf("SPDX identifier %q also identifies an earlier package (%s); read as %q", c.Ref, comps[j].NameVersion(), ref))
			c.Ref = ref
		} else {
			r.byID[c.Ref] = n
		}
		r.refs[c.Ref] = true
		comps[n] = *c
		n++
	}
	r.out.Components = comps[:n]
	r.relationships()
	r.out.Warnings = s.warnings
	return r.out
}

// components converts the packages, concurrently when there are many,
// with the warnings of each.
func (r *reader) components(names map[string]string) ([]sbom.Component, [][]*input.Error) {
	pkgs := r.src.doc.Packages
	comps := make([]sbom.Component, len(pkgs))
	warnings := make([][]*input.Error, len(pkgs))
	convert := func(from, to int) {
		for i := from; i < to; i++ {
			warn := func(p place, err error) { warnings[i] = append(warnings[i], p.at(r.src.name, err)) }
			if pkgs[i] == nil {
				warn(r.src.loc.pkg(i, "", "PackageName", -1), errors.New("package is null; ignored"))
				continue
			}
			comps[i] = r.component(i, pkgs[i], names, warn)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(pkgs) < parallelMinPackages {
		convert(0, len(pkgs))
		return comps, warnings
	}
	var wg sync.WaitGroup
	chunk := (len(pkgs) + workers - 1) / workers
	for from := 0; from < len(pkgs); from += chunk {
		wg.Go(func() { convert(from, min(from+chunk, len(pkgs))) })
	}
	wg.Wait()
	return comps, warnings
}

// uniqueRef returns ref with the first "-2", "-3", ... suffix that is no
// identifier or ref in the document. Relationships keep naming the first
// package with the identifier.
func (r *reader) uniqueRef(ref string) string {
	for n := 2; ; n++ {
		c := ref + "-" + strconv.Itoa(n)
		if _, taken := r.byID[c]; !taken && !r.refs[c] && !r.idTaken(c) {
			return c
		}
	}
}

// idTaken reports whether a later package has id as its identifier.
func (r *reader) idTaken(id string) bool {
	if r.ids == nil {
		r.ids = make(map[string]bool, len(r.src.doc.Packages))
		for _, p := range r.src.doc.Packages {
			if p != nil {
				r.ids[r.src.elementID(p.PackageSPDXIdentifier)] = true
			}
		}
	}
	return r.ids[id]
}

// creationInfo reads the creators, the creation time and the comment.
func (r *reader) creationInfo() {
	ci := r.src.doc.CreationInfo
	if ci == nil {
		return
	}
	for i, c := range ci.Creators {
		typ, value := r.src.text(c.CreatorType), r.src.text(c.Creator)
		switch typ {
		case "Person", "Organization", "Tool":
		default:
			fixed, why := fixCreator(typ + ":" + value)
			r.src.warn(r.src.loc.doc("creationInfo/creators", "Creator", i), fmt.Errorf("creator %w", why))
			typ, value, _ = strings.Cut(fixed, ": ")
		}
		if typ == "Tool" {
			if t := toolFrom(value); t.Name != "" {
				r.out.Tools = append(r.out.Tools, t)
			}
			continue
		}
		if p := partyFrom(typ, value); p != nil {
			r.out.Authors = append(r.out.Authors, *p)
		}
	}
	created := strings.TrimSpace(ci.Created)
	r.out.TimestampRaw = created
	if created != "" {
		t, err := time.Parse(time.RFC3339, created)
		if err != nil {
			r.src.warn(r.src.loc.doc("creationInfo/created", "Created", -1), fmt.Errorf("created %q is no RFC 3339 date and time; kept as text only", created))
		} else {
			r.out.Timestamp = t
		}
	}
	r.out.Comment = ci.CreatorComment
}

// indexAnnotations files the document-level annotations (all of tag-value's)
// under the element they annotate.
func (r *reader) indexAnnotations() {
	r.annotations = make(map[string][]int)
	for j, a := range r.src.doc.Annotations {
		if a == nil {
			continue
		}
		id := r.annotationTarget(a)
		if id != r.docID {
			r.annotations[id] = append(r.annotations[id], j)
		}
	}
}

func (r *reader) annotationTarget(a *v2_3.Annotation) string {
	t := a.AnnotationSPDXIdentifier
	if t.ElementRefID == "" && t.DocumentRefID == "" && t.SpecialID == "" {
		return r.docID // JSON: top-level annotations are the document's
	}
	return r.src.docElementID(t)
}

// documentAnnotations reads the document's annotations: markings and
// properties in key=value form, and the medvigil facts.
func (r *reader) documentAnnotations() {
	for j, a := range r.src.doc.Annotations {
		if a == nil || r.annotationTarget(a) != r.docID {
			continue
		}
		props := sbom.ParseKeyValues(a.AnnotationComment)
		r.out.Properties = append(r.out.Properties, props...)
		for _, kv := range parseMedvigil(a.AnnotationComment) {
			r.documentFact(j, kv)
		}
	}
	r.out.Unknown, r.out.Withheld = sbom.MarkingsFromProperties(r.out.Properties)
}

func (r *reader) documentFact(j int, kv keyValue) {
	switch {
	case kv.key == keySupplier:
		r.out.Supplier = parsePartyString(kv.value)
	case kv.key == keyManufacturer:
		r.out.Manufacturer = parsePartyString(kv.value)
	case kv.key == keyLifecycle:
		r.out.Lifecycles = append(r.out.Lifecycles, kv.value)
	case kv.key == keySBOMVersion:
		v, err := strconv.Atoi(kv.value)
		if err != nil {
			r.src.warn(r.src.loc.annotation(j), fmt.Errorf("%s=%q is no number; ignored", keySBOMVersion, kv.value))
			return
		}
		r.out.Version = v
	case strings.HasPrefix(kv.key, keyPropPrefix):
		r.out.Properties = append(r.out.Properties, sbom.Property{Name: strings.TrimPrefix(kv.key, keyPropPrefix), Value: kv.value})
	}
}

// licenseNames maps the LicenseRefs medvigil wrote for license names back
// to the names.
func (r *reader) licenseNames() map[string]string {
	var m map[string]string
	for _, l := range r.src.doc.OtherLicenses {
		if l == nil || l.LicenseComment != licenseNameComment || l.ExtractedText == "" {
			continue
		}
		if m == nil {
			m = make(map[string]string)
		}
		m[l.LicenseIdentifier] = l.ExtractedText
	}
	return m
}
