package spdx

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"medvigil/internal/sbom"
)

// jsonOut adds documentDescribes, which the tools-golang v2_3 model does not
// write, to the document.
type jsonOut struct {
	*v2_3.Document
	DocumentDescribes []common.DocElementID `json:"documentDescribes,omitempty"`
}

// builder turns the model into the tools-golang v2_3 model.
type builder struct {
	doc     *sbom.Document
	created string
	ids     *idMap
	pkgIDs  []string
	lic     *licenseRefs
}

// buildDocument converts doc to SPDX 2.3.
func buildDocument(doc *sbom.Document) (*jsonOut, error) {
	created := doc.Timestamp
	if created.IsZero() {
		created = time.Now()
	}
	b := &builder{
		doc:     doc,
		created: created.UTC().Format(time.RFC3339),
		ids:     newIDMap(len(doc.Components)),
		pkgIDs:  make([]string, len(doc.Components)),
		lic:     &licenseRefs{byName: make(map[string]string), used: make(map[string]bool)},
	}
	for i := range doc.Components {
		b.pkgIDs[i] = b.ids.assign(i, doc.Components[i].Ref)
		for _, l := range doc.Components[i].Licenses {
			if l = strings.TrimSpace(l); sbom.IsLicenseExpression(l) {
				b.lic.expression(l) // LicenseRefs of the source first, so names do not take their ids
			}
		}
	}
	out := &v2_3.Document{
		SPDXVersion:       v2_3.Version,
		DataLicense:       v2_3.DataLicense,
		SPDXIdentifier:    documentID,
		DocumentName:      b.name(),
		DocumentNamespace: b.namespace(),
		CreationInfo: &v2_3.CreationInfo{
			Creators:       b.creators(),
			Created:        b.created,
			CreatorComment: doc.Comment,
		},
		Packages: make([]*v2_3.Package, len(doc.Components)),
	}
	for i := range doc.Components {
		out.Packages[i] = b.pkg(i, &doc.Components[i])
	}
	var describes []common.DocElementID
	if id, ok := b.ids.byRef[doc.PrimaryRef]; ok && doc.PrimaryRef != "" {
		ref := elementRef(id)
		describes = append(describes, ref)
		out.Relationships = append(out.Relationships, &v2_3.Relationship{
			RefA: elementRef(documentID), RefB: ref, Relationship: common.TypeRelationshipDescribe})
	}
	out.Relationships = append(out.Relationships, b.dependencies()...)
	if a := b.annotation(b.documentNotes()); a != nil {
		out.Annotations = []*v2_3.Annotation{a}
	}
	out.OtherLicenses = b.lic.entries
	return &jsonOut{Document: out, DocumentDescribes: describes}, nil
}

func writeJSON(w io.Writer, out *jsonOut) error {
	if err := spdxjson.Write(out, w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return fmt.Errorf("spdx: encode: %w", err)
	}
	return nil
}

// elementRef refers to the element with the full identifier id (see pkg).
func elementRef(id string) common.DocElementID {
	return common.DocElementID{ElementRefID: common.ElementID(id)}
}

// name is the document name: the model's, else the primary component's,
// else "sbom".
func (b *builder) name() string {
	if n := strings.TrimSpace(b.doc.Name); n != "" {
		return n
	}
	if p := b.doc.Primary(); p != nil && p.Name != "" {
		return p.NameVersion()
	}
	return "sbom"
}

// namespace is the SerialNumber when it is an absolute URI without a "#"
// (SPDX 2.3 section 6.5), else a URI under https://medvigil.invalid/spdx/
// made from the document name and a hash of the document's identity.
func (b *builder) namespace() string {
	s := strings.TrimSpace(b.doc.SerialNumber)
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "") && !strings.Contains(s, "#") {
		return s
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", s, b.doc.Name, b.created)
	for _, c := range b.doc.Components {
		fmt.Fprintf(h, "%s\n", c.Ref)
	}
	sum := h.Sum(nil)
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	return "https://medvigil.invalid/spdx/" + sanitizeID(b.name()) + "-" + uuid
}

// creators lists the authors, the tools, and medvigil.
func (b *builder) creators() []common.Creator {
	var out []common.Creator
	for i := range b.doc.Authors {
		if s := partyString(&b.doc.Authors[i]); s != "" {
			typ, v, _ := strings.Cut(s, ": ")
			out = append(out, common.Creator{CreatorType: typ, Creator: v})
		}
	}
	self := false
	for _, t := range b.doc.Tools {
		if s := toolString(t); s != "" {
			out = append(out, common.Creator{CreatorType: "Tool", Creator: s})
			self = self || t.Name == annotator && t.Version == ""
		}
	}
	if !self {
		out = append(out, common.Creator{CreatorType: "Tool", Creator: annotator})
	}
	return out
}

// dependencies writes every edge A -> B as "A DEPENDS_ON B", and a
// dependency entry without edges as "A DEPENDS_ON NONE". Edges naming no
// component are left out.
func (b *builder) dependencies() []*v2_3.Relationship {
	var out []*v2_3.Relationship
	for _, d := range b.doc.Dependencies {
		from, ok := b.ids.byRef[d.Ref]
		if !ok {
			continue
		}
		if len(d.DependsOn) == 0 {
			out = append(out, &v2_3.Relationship{RefA: elementRef(from), RefB: common.DocElementID{SpecialID: noneID},
				Relationship: common.TypeRelationshipDependsOn})
			continue
		}
		for _, t := range d.DependsOn {
			if to, ok := b.ids.byRef[t]; ok {
				out = append(out, &v2_3.Relationship{RefA: elementRef(from), RefB: elementRef(to),
					Relationship: common.TypeRelationshipDependsOn})
			}
		}
	}
	return out
}

// documentNotes holds what the document-level annotation carries.
func (b *builder) documentNotes() *notes {
	d := b.doc
	n := &notes{props: sbom.MarkingProperties(d.Unknown, d.Withheld)}
	n.add(keySupplier, partyString(d.Supplier))
	n.add(keyManufacturer, partyString(d.Manufacturer))
	for _, l := range d.Lifecycles {
		n.add(keyLifecycle, l)
	}
	if d.Version != 0 {
		n.add(keySBOMVersion, strconv.Itoa(d.Version))
	}
	for _, p := range d.Properties {
		if !sbom.IsLifecycleProperty(p.Name) {
			n.add(keyPropPrefix+p.Name, p.Value)
		}
	}
	return n
}

// annotation wraps notes in a medvigil annotation, or returns nil.
func (b *builder) annotation(n *notes) *v2_3.Annotation {
	if n.empty() {
		return nil
	}
	return &v2_3.Annotation{
		Annotator:         common.Annotator{AnnotatorType: "Tool", Annotator: annotator},
		AnnotationDate:    b.created,
		AnnotationType:    "OTHER",
		AnnotationComment: n.text(),
	}
}

// purpose returns the SPDX 2.3 primaryPackagePurpose for a component type
// ("operating-system" is OPERATING_SYSTEM), if there is one.
func purpose(t string) (string, bool) {
	u := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(t), "-", "_"))
	ok := slices.Contains([]string{"APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER", "OPERATING_SYSTEM", "DEVICE",
		"FIRMWARE", "SOURCE", "ARCHIVE", "FILE", "INSTALL", "OTHER"}, u)
	return u, ok
}
