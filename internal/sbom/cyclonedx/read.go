package cyclonedx

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// reader converts one decoded BOM into an sbom.Document.
type reader struct {
	name string
	enc  sbom.Encoding
	bom  *cdx.BOM
	doc  *sbom.Document

	// nodes are the components in document order: metadata.component, then
	// the components list, depth-first pre-order.
	nodes []node
	// taken holds every bom-ref of the document (components and services)
	// and every synthesized one, so that synthesized refs never collide.
	taken map[string]struct{}
	// byRef maps a component's (final) ref to its index in nodes.
	byRef map[string]int
	// services holds the bom-refs of services, which the model does not keep.
	services map[string]struct{}
	nextRef  int
}

// node is one component of the document and its position.
type node struct {
	c   *cdx.Component
	ref string
	// parent is the index in nodes of the enclosing component, -1 if none.
	parent int
	// index is the position in the enclosing components list.
	index int
	// meta is set for metadata.component.
	meta bool
}

// document builds the Document. Its only fatal fault is nesting deeper than
// maxNesting.
func (r *reader) document(enc sbom.Encoding, w *wire) (*sbom.Document, error) {
	r.enc = enc
	r.doc = &sbom.Document{
		Format:       sbom.FormatCycloneDX,
		Encoding:     enc,
		SerialNumber: r.bom.SerialNumber,
		Version:      r.bom.Version,
	}
	r.specVersion(w)
	if err := r.collect(); err != nil {
		return nil, err
	}
	r.assignRefs()
	r.metadata()
	r.components()
	r.dependencies()
	return r.doc, nil
}

// warn records a recoverable defect at pointer (a JSON pointer, also used
// as a path for XML documents).
func (r *reader) warn(pointer string, err error) {
	r.doc.Warn(input.AtPointer(r.name, pointer, fmt.Errorf("cyclonedx: %w", err)))
}

func (r *reader) specVersion(w *wire) {
	v := r.bom.SpecVersion
	switch {
	case w.unknownVersion != "" && r.enc == sbom.EncodingXML:
		r.doc.SpecVersion = cdx.SpecVersion1_6.String()
		r.doc.Warn(&input.Error{File: r.name, Err: fmt.Errorf("cyclonedx: unknown namespace %q (no known CycloneDX version); read as 1.6", w.unknownVersion)})
	case w.unknownVersion != "":
		r.doc.SpecVersion = cdx.SpecVersion1_6.String()
		r.warn("/specVersion", fmt.Errorf("unknown specVersion %s; read as 1.6", w.unknownVersion))
	case v == 0:
		r.doc.SpecVersion = cdx.SpecVersion1_6.String()
		r.doc.Warn(&input.Error{File: r.name, Err: fmt.Errorf("cyclonedx: no specVersion; read as 1.6")})
	default:
		r.doc.SpecVersion = v.String()
		if v < cdx.SpecVersion1_2 || v > cdx.SpecVersion1_6 {
			r.doc.Warn(&input.Error{File: r.name, Err: fmt.Errorf("cyclonedx: CycloneDX %s is outside the supported 1.2 to 1.6; fields it adds are ignored", v)})
		}
	}
	if r.enc == sbom.EncodingJSON && r.bom.BOMFormat != cdx.BOMFormat {
		r.warn("/bomFormat", fmt.Errorf("bomFormat is %q, want %q", r.bom.BOMFormat, cdx.BOMFormat))
	}
}

// collect flattens the component tree into r.nodes.
func (r *reader) collect() error {
	if md := r.bom.Metadata; md != nil && md.Component != nil {
		r.nodes = append(r.nodes, node{c: md.Component, parent: -1, meta: true})
		if err := r.flatten(md.Component.Components, 0, 1); err != nil {
			return err
		}
	}
	return r.flatten(r.bom.Components, -1, 0)
}

// flatten appends list and its nested components in depth-first pre-order.
// depth is the nesting depth of the components in list.
func (r *reader) flatten(list *[]cdx.Component, parent, depth int) error {
	if list == nil {
		return nil
	}
	if depth >= maxNesting {
		return input.AtPointer(r.name, r.pointer(parent)+"/components",
			fmt.Errorf("cyclonedx: components nested more than %d deep", maxNesting))
	}
	for i := range *list {
		c := &(*list)[i]
		idx := len(r.nodes)
		r.nodes = append(r.nodes, node{c: c, parent: parent, index: i})
		if err := r.flatten(c.Components, idx, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// pointer returns the JSON pointer of component i.
func (r *reader) pointer(i int) string {
	var chain []int
	for j := i; j >= 0; j = r.nodes[j].parent {
		chain = append(chain, j)
	}
	var b strings.Builder
	for k := len(chain) - 1; k >= 0; k-- {
		n := r.nodes[chain[k]]
		if n.meta {
			b.WriteString("/metadata/component")
			continue
		}
		b.WriteString("/components/")
		b.WriteString(strconv.Itoa(n.index))
	}
	return b.String()
}

// assignRefs gives every component a unique ref: its bom-ref, or a
// synthesized one when it has none or repeats an earlier component's.
func (r *reader) assignRefs() {
	r.taken = make(map[string]struct{}, len(r.nodes))
	for _, n := range r.nodes {
		if n.c.BOMRef != "" {
			r.taken[n.c.BOMRef] = struct{}{}
		}
	}
	r.services = map[string]struct{}{}
	r.collectServices(r.bom.Services, 0)
	r.byRef = make(map[string]int, len(r.nodes))
	for i := range r.nodes {
		n := &r.nodes[i]
		ref := n.c.BOMRef
		if first, dup := r.byRef[ref]; dup {
			ref = r.synthRef()
			r.warn(r.pointer(i)+"/bom-ref", fmt.Errorf("duplicate bom-ref %q (first at %s); renamed %q", n.c.BOMRef, r.pointer(first), ref))
		} else if ref == "" {
			ref = r.synthRef()
		}
		n.ref = ref
		r.byRef[ref] = i
	}
}

func (r *reader) collectServices(list *[]cdx.Service, depth int) {
	if list == nil || depth >= maxNesting {
		return
	}
	for i := range *list {
		s := &(*list)[i]
		if s.BOMRef != "" {
			r.taken[s.BOMRef] = struct{}{}
			r.services[s.BOMRef] = struct{}{}
		}
		r.collectServices(s.Services, depth+1)
	}
}

// synthRef returns a ref "medvigil-ref-<n>" that no element of the
// document uses.
func (r *reader) synthRef() string {
	for {
		r.nextRef++
		ref := "medvigil-ref-" + strconv.Itoa(r.nextRef)
		if _, ok := r.taken[ref]; !ok {
			r.taken[ref] = struct{}{}
			return ref
		}
	}
}

// metadata reads the document-level fields.
func (r *reader) metadata() {
	doc := r.doc
	var props []sbom.Property
	if md := r.bom.Metadata; md != nil {
		if md.Authors != nil {
			doc.Authors = contacts(*md.Authors)
		}
		doc.Tools = tools(md.Tools)
		doc.Supplier = party(md.Supplier)
		doc.Manufacturer = party(md.Manufacturer)
		if doc.Manufacturer == nil {
			doc.Manufacturer = party(md.Manufacture)
		}
		if md.Timestamp != "" {
			doc.TimestampRaw = md.Timestamp
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(md.Timestamp))
			if err != nil {
				r.warn("/metadata/timestamp", fmt.Errorf("timestamp %q is not RFC 3339: %w", md.Timestamp, err))
			} else {
				doc.Timestamp = t
			}
		}
		if md.Lifecycles != nil {
			for _, l := range *md.Lifecycles {
				switch {
				case l.Phase != "":
					doc.Lifecycles = append(doc.Lifecycles, string(l.Phase))
				case l.Name != "":
					doc.Lifecycles = append(doc.Lifecycles, l.Name)
				}
			}
		}
		if ls := licenses(md.Licenses); len(ls) > 0 {
			doc.DataLicense = ls[0]
		}
		props = appendProperties(props, md.Properties)
	}
	props = appendProperties(props, r.bom.Properties)
	doc.Properties = props
	doc.Unknown, doc.Withheld = sbom.MarkingsFromProperties(props)
}

func appendProperties(dst []sbom.Property, src *[]cdx.Property) []sbom.Property {
	if src == nil {
		return dst
	}
	for _, p := range *src {
		dst = append(dst, sbom.Property{Name: p.Name, Value: p.Value})
	}
	return dst
}

// tools reads metadata.tools: the legacy list and the 1.5+ components and
// services. Vendor is the group, else the publisher, supplier, manufacturer
// or author (for services the group, else the provider).
func tools(tc *cdx.ToolsChoice) []sbom.Tool {
	if tc == nil {
		return nil
	}
	var out []sbom.Tool
	if tc.Tools != nil {
		for _, t := range *tc.Tools {
			out = append(out, sbom.Tool{Vendor: t.Vendor, Name: t.Name, Version: t.Version})
		}
	}
	if tc.Components != nil {
		for _, c := range *tc.Components {
			vendor := firstNonEmpty(c.Group, c.Publisher, entityName(c.Supplier), entityName(c.Manufacturer), c.Author)
			out = append(out, sbom.Tool{Vendor: vendor, Name: c.Name, Version: c.Version})
		}
	}
	if tc.Services != nil {
		for _, s := range *tc.Services {
			out = append(out, sbom.Tool{Vendor: firstNonEmpty(s.Group, entityName(s.Provider)), Name: s.Name, Version: s.Version})
		}
	}
	return out
}

func entityName(e *cdx.OrganizationalEntity) string {
	if e == nil {
		return ""
	}
	return e.Name
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// party reads an organizational entity; Email is that of its first contact
// with one. It returns nil for an entity that names nobody.
func party(e *cdx.OrganizationalEntity) *sbom.Party {
	if e == nil {
		return nil
	}
	p := &sbom.Party{Name: e.Name, Kind: "organization"}
	if e.URL != nil {
		p.URLs = *e.URL
	}
	if e.Contact != nil {
		for _, c := range *e.Contact {
			if c.Email != "" {
				p.Email = c.Email
				break
			}
		}
	}
	if p.IsZero() {
		return nil
	}
	return p
}

// contacts reads organizational contacts as persons.
func contacts(list []cdx.OrganizationalContact) []sbom.Party {
	var out []sbom.Party
	for _, c := range list {
		if c.Name == "" && c.Email == "" {
			continue
		}
		out = append(out, sbom.Party{Name: c.Name, Email: c.Email, Kind: "person"})
	}
	return out
}
