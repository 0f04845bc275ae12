package cyclonedx

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"medvigil/internal/sbom"
)

// writer converts an sbom.Document into a CycloneDX 1.6 BOM.
type writer struct {
	doc *sbom.Document
	// refs is the bom-ref written for each component.
	refs []string
	// index maps a model ref to the index of the first component with it.
	index map[string]int
	// primary is the index of the primary component, -1 if none.
	primary int
	// children lists, per component, the components nested in it.
	children [][]int
	// nested marks components written inside their parent.
	nested  []bool
	visited []bool
	// cpeRE is cpePattern, compiled on first use.
	cpeRE *regexp.Regexp
}

func newWriter(doc *sbom.Document) *writer {
	n := len(doc.Components)
	w := &writer{
		doc:      doc,
		refs:     make([]string, n),
		index:    make(map[string]int, n),
		primary:  -1,
		children: make([][]int, n),
		nested:   make([]bool, n),
		visited:  make([]bool, n),
	}
	taken := make(map[string]struct{}, n)
	for i := range doc.Components {
		if ref := doc.Components[i].Ref; ref != "" {
			taken[ref] = struct{}{}
		}
	}
	next := 0
	for i := range doc.Components {
		ref := doc.Components[i].Ref
		if _, dup := w.index[ref]; ref != "" && !dup {
			w.index[ref] = i
			w.refs[i] = ref
			continue
		}
		for {
			next++
			ref = "medvigil-ref-" + strconv.Itoa(next)
			if _, ok := taken[ref]; !ok {
				taken[ref] = struct{}{}
				break
			}
		}
		w.refs[i] = ref
	}
	if p, ok := w.index[doc.PrimaryRef]; ok && doc.PrimaryRef != "" {
		w.primary = p
	}
	for i := range doc.Components {
		parent := doc.Components[i].Parent
		if i == w.primary || parent == "" {
			continue
		}
		if p, ok := w.index[parent]; ok && p != i {
			w.children[p] = append(w.children[p], i)
			w.nested[i] = true
		}
	}
	return w
}

// cpePattern is the pattern of the CycloneDX 1.6 XSD simpleType "cpe"
// (bom-1.6.xsd), anchored as XSD patterns are: a CPE 2.2 URI or a CPE 2.3
// formatted string. The JSON schema has no pattern; the XSD does.
const cpePattern = `^(?:(?:[c][pP][eE]:/[AHOaho]?(?::[A-Za-z0-9._\-~%]*){0,6})|` +
	`(?:cpe:2\.3:[aho*\-](?::(?:(?:(?:\?*|\*?)(?:[a-zA-Z0-9\-._]|(?:\\[\\*?!"#$%&'()+,/:;<=>@\[\]^` + "`" + `{|}~]))+(?:\?*|\*?))|[*\-])){5}` +
	`(?::(?:(?:[a-zA-Z]{2,3}(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?)|[*\-]))` +
	`(?::(?:(?:(?:\?*|\*?)(?:[a-zA-Z0-9\-._]|(?:\\[\\*?!"#$%&'()+,/:;<=>@\[\]^` + "`" + `{|}~]))+(?:\?*|\*?))|[*\-])){4}))$`

// xsdCPE reports whether cpe matches the CPE pattern of the 1.6 XSD.
func (w *writer) xsdCPE(cpe string) bool {
	if w.cpeRE == nil {
		w.cpeRE = regexp.MustCompile(cpePattern)
	}
	return w.cpeRE.MatchString(cpe)
}

// bom builds the BOM.
func (w *writer) bom() *cdx.BOM {
	doc := w.doc
	bom := &cdx.BOM{
		JSONSchema:  "http://cyclonedx.org/schema/bom-1.6.schema.json",
		XMLNS:       "http://cyclonedx.org/schema/bom/1.6",
		BOMFormat:   cdx.BOMFormat,
		SpecVersion: cdx.SpecVersion1_6,
		Version:     max(doc.Version, 1),
	}
	var extra []cdx.Property
	serial, derived := serialNumber(doc.SerialNumber)
	bom.SerialNumber = serial
	if derived {
		extra = append(extra, cdx.Property{Name: PropSourceSerial, Value: doc.SerialNumber})
	}
	md := w.metadata(&extra)
	// Components: the primary one in metadata, the others nested under
	// their parents; components not reached from a top-level one (a cycle
	// of parents, or nesting too deep) go to the top level.
	if w.primary >= 0 {
		c := w.build(w.primary, 0)
		md.Component = &c
	}
	var top []cdx.Component
	for i := range doc.Components {
		if !w.visited[i] && !w.nested[i] {
			top = append(top, w.build(i, 0))
		}
	}
	for i := range doc.Components {
		if !w.visited[i] {
			top = append(top, w.build(i, 0))
		}
	}
	if len(top) > 0 {
		bom.Components = &top
	}
	if *md != (cdx.Metadata{}) {
		bom.Metadata = md
	}
	bom.Dependencies = w.dependencies()
	return bom
}

// build converts component i and, below maxNesting, the components nested
// in it.
func (w *writer) build(i, depth int) cdx.Component {
	w.visited[i] = true
	c := w.component(i)
	if depth+1 >= maxNesting {
		return c
	}
	var kids []cdx.Component
	for _, k := range w.children[i] {
		if !w.visited[k] {
			kids = append(kids, w.build(k, depth+1))
		}
	}
	if len(kids) > 0 {
		c.Components = &kids
	}
	return c
}

// metadata builds the metadata but its component; extra are document
// properties to add (derived serial number).
func (w *writer) metadata(extra *[]cdx.Property) *cdx.Metadata {
	doc := w.doc
	md := &cdx.Metadata{
		Supplier:     entity(doc.Supplier),
		Manufacturer: entity(doc.Manufacturer),
	}
	if ts := timestamp(doc.Timestamp); ts != "" {
		md.Timestamp = ts
	} else if doc.TimestampRaw != "" {
		*extra = append(*extra, cdx.Property{Name: PropSourceTimestamp, Value: doc.TimestampRaw})
	}
	if doc.Name != "" {
		*extra = append(*extra, cdx.Property{Name: PropDocumentName, Value: doc.Name})
	}
	if doc.Comment != "" {
		*extra = append(*extra, cdx.Property{Name: PropDocumentComment, Value: doc.Comment})
	}
	if len(doc.Lifecycles) > 0 {
		var ls []cdx.Lifecycle
		for _, l := range doc.Lifecycles {
			switch {
			case l == "":
			case isLifecyclePhase(l):
				ls = append(ls, cdx.Lifecycle{Phase: cdx.LifecyclePhase(l)})
			default:
				ls = append(ls, cdx.Lifecycle{Name: l})
			}
		}
		if len(ls) > 0 {
			md.Lifecycles = &ls
		}
	}
	md.Tools = toolsChoice(doc.Tools)
	if as := contactsOut(doc.Authors); len(as) > 0 {
		md.Authors = &as
	}
	if doc.DataLicense != "" {
		md.Licenses = licenseChoices([]string{doc.DataLicense})
	}
	var props []cdx.Property
	regenerated := func(name string) bool {
		for _, p := range *extra {
			if p.Name == name {
				return true
			}
		}
		return name == sbom.PropUnknownInformation || name == sbom.PropWithheldInformation
	}
	for _, p := range doc.Properties {
		if !regenerated(p.Name) {
			props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
		}
	}
	for _, p := range sbom.MarkingProperties(doc.Unknown, doc.Withheld) {
		props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
	}
	props = append(props, *extra...)
	if len(props) > 0 {
		md.Properties = &props
	}
	return md
}

// timestamp formats t as RFC 3339 in UTC (xs:dateTime allows offsets up to
// 14 hours only), or "" when t is zero or its year is
// outside 1 to 9999 (which RFC 3339 and xs:dateTime cannot hold).
func timestamp(t time.Time) string {
	if t.IsZero() || t.Year() < 1 || t.Year() > 9999 {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func isLifecyclePhase(s string) bool {
	switch cdx.LifecyclePhase(s) {
	case cdx.LifecyclePhaseDesign, cdx.LifecyclePhasePreBuild, cdx.LifecyclePhaseBuild, cdx.LifecyclePhasePostBuild,
		cdx.LifecyclePhaseOperations, cdx.LifecyclePhaseDiscovery, cdx.LifecyclePhaseDecommission:
		return true
	}
	return false
}

// toolsChoice writes the tools in the 1.5+ form, as components of type
// application with Vendor as group; identical tools are written once (the
// schema wants unique items).
func toolsChoice(tools []sbom.Tool) *cdx.ToolsChoice {
	var comps []cdx.Component
	seen := map[sbom.Tool]bool{}
	for _, t := range tools {
		if t == (sbom.Tool{}) || seen[t] {
			continue
		}
		seen[t] = true
		comps = append(comps, cdx.Component{Type: cdx.ComponentTypeApplication, Group: t.Vendor, Name: t.Name, Version: t.Version})
	}
	if len(comps) == 0 {
		return nil
	}
	return &cdx.ToolsChoice{Components: &comps}
}

// dependencies merges the dependencies per ref, in order of first
// appearance, keeping only refs of written components, each edge once.
func (w *writer) dependencies() *[]cdx.Dependency {
	if len(w.doc.Dependencies) == 0 {
		return nil
	}
	var out []cdx.Dependency
	pos := make(map[int]int, len(w.doc.Dependencies))
	edges := make(map[[2]int]struct{})
	for _, d := range w.doc.Dependencies {
		from, ok := w.index[d.Ref]
		if !ok {
			continue
		}
		k, ok := pos[from]
		if !ok {
			k = len(out)
			pos[from] = k
			out = append(out, cdx.Dependency{Ref: w.refs[from]})
		}
		for _, on := range d.DependsOn {
			to, ok := w.index[on]
			if !ok {
				continue
			}
			if _, dup := edges[[2]int{from, to}]; dup {
				continue
			}
			edges[[2]int{from, to}] = struct{}{}
			if out[k].Dependencies == nil {
				out[k].Dependencies = &[]string{}
			}
			*out[k].Dependencies = append(*out[k].Dependencies, w.refs[to])
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// writeBOM encodes bom with cyclonedx-go.
func writeBOM(w io.Writer, bom *cdx.BOM, enc sbom.Encoding) error {
	var format cdx.BOMFileFormat
	switch enc {
	case sbom.EncodingJSON:
		format = cdx.BOMFileFormatJSON
	case sbom.EncodingXML:
		format = cdx.BOMFileFormatXML
	default:
		return fmt.Errorf("cyclonedx: encode: unsupported encoding %q (want json or xml)", enc)
	}
	e := cdx.NewBOMEncoder(w, format).SetPretty(true).SetEscapeHTML(false)
	if err := e.Encode(bom); err != nil {
		return fmt.Errorf("cyclonedx: encode: %w", err)
	}
	return nil
}
