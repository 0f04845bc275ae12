package cyclonedx

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	packageurl "github.com/package-url/packageurl-go"

	"medvigil/internal/sbom"
)

// components converts every node into doc.Components.
func (r *reader) components() {
	r.doc.Components = make([]sbom.Component, len(r.nodes))
	for i := range r.nodes {
		r.doc.Components[i] = r.component(i)
	}
	if len(r.nodes) > 0 && r.nodes[0].meta {
		r.doc.PrimaryRef = r.nodes[0].ref
	}
}

// component converts node i. Warnings name the component's pointer, which is
// built only when there is something to report.
func (r *reader) component(i int) sbom.Component {
	n := &r.nodes[i]
	c := n.c
	out := sbom.Component{
		Ref:          n.ref,
		Type:         string(c.Type),
		Group:        c.Group,
		Name:         c.Name,
		Version:      c.Version,
		Description:  c.Description,
		Scope:        string(c.Scope),
		Supplier:     party(c.Supplier),
		Manufacturer: party(c.Manufacturer),
		Publisher:    c.Publisher,
		PURL:         strings.TrimSpace(c.PackageURL),
		Copyright:    c.Copyright,
	}
	if n.parent >= 0 {
		out.Parent = r.nodes[n.parent].ref
	}
	if c.Authors != nil {
		out.Authors = contacts(*c.Authors)
	}
	if c.Author != "" {
		out.Authors = append(out.Authors, sbom.Party{Name: c.Author})
	}
	r.checkPURL(out.PURL, i, "/purl")
	if cpe := strings.TrimSpace(c.CPE); cpe != "" {
		out.CPEs = r.addCPE(out.CPEs, cpe, i, "/cpe")
	}
	r.evidenceCPEs(&out, i)
	if c.Hashes != nil {
		out.Hashes = make([]sbom.Hash, 0, len(*c.Hashes))
		for _, h := range *c.Hashes {
			out.Hashes = append(out.Hashes, sbom.Hash{Algorithm: string(h.Algorithm), Value: strings.TrimSpace(h.Value)})
		}
	}
	out.Licenses = licenses(c.Licenses)
	noAssertion := false
	if n := len(out.Licenses); n > 0 {
		out.Licenses = slices.DeleteFunc(out.Licenses, sbom.IsNoAssertion)
		noAssertion = len(out.Licenses) < n
	}
	out.Identifiers = identifiers(c)
	if c.ExternalReferences != nil {
		out.ExternalRefs = make([]sbom.ExternalRef, 0, len(*c.ExternalReferences))
		for _, e := range *c.ExternalReferences {
			out.ExternalRefs = append(out.ExternalRefs, sbom.ExternalRef{Type: string(e.Type), URL: e.URL, Comment: e.Comment})
		}
	}
	if c.Properties != nil {
		r.properties(&out, *c.Properties, i)
	}
	if noAssertion && len(out.Licenses) == 0 {
		out.MarkUnknown(sbom.ElementLicense)
	}
	return out
}

// properties reads a component's properties: all of them into Properties,
// except the medvigil carrier properties, which go to their typed fields;
// the lifecycle fields and the unknown/withheld markings from all of them.
func (r *reader) properties(out *sbom.Component, list []cdx.Property, i int) {
	props := make([]sbom.Property, len(list))
	carriers := false
	for k, p := range list {
		props[k] = sbom.Property{Name: p.Name, Value: p.Value}
		carriers = carriers || isCarrierProperty(p.Name)
	}
	lc, errs := sbom.LifecycleFromProperties(props)
	out.Lifecycle = lc
	for _, e := range errs {
		r.warn(r.pointer(i)+"/properties/"+strconv.Itoa(e.Index)+"/value", e)
	}
	out.Unknown, out.Withheld = sbom.MarkingsFromProperties(props)
	if !carriers {
		out.Properties = props
		return
	}
	kept := props[:0:0]
	for k, p := range props {
		switch {
		case p.Name == PropPURL && out.PURL == "":
			out.PURL = strings.TrimSpace(p.Value)
			r.checkPURL(out.PURL, i, "/properties/"+strconv.Itoa(k)+"/value")
		case p.Name == PropPURL:
		case p.Name == PropCPE:
			out.CPEs = r.addCPE(out.CPEs, strings.TrimSpace(p.Value), i, "/properties/"+strconv.Itoa(k)+"/value")
		case strings.HasPrefix(p.Name, PropHashPrefix):
			out.Hashes = append(out.Hashes, sbom.Hash{Algorithm: strings.TrimPrefix(p.Name, PropHashPrefix), Value: strings.TrimSpace(p.Value)})
		case strings.HasPrefix(p.Name, PropIdentifierPrefix):
			out.Identifiers = append(out.Identifiers, sbom.Identifier{Type: strings.TrimPrefix(p.Name, PropIdentifierPrefix), Value: p.Value})
		case strings.HasPrefix(p.Name, PropExternalRefPrefix):
			out.ExternalRefs = append(out.ExternalRefs, sbom.ExternalRef{Type: strings.TrimPrefix(p.Name, PropExternalRefPrefix), URL: p.Value})
		default:
			kept = append(kept, p)
		}
	}
	out.Properties = kept
}

// checkPURL warns (at the component's pointer + at) when purl is set and
// not a valid package URL.
func (r *reader) checkPURL(purl string, i int, at string) {
	if purl == "" {
		return
	}
	if _, err := packageurl.FromString(purl); err != nil {
		r.warn(r.pointer(i)+at, fmt.Errorf("invalid purl %q: %w", purl, err))
	}
}

// addCPE appends cpe unless it is empty or already there, warning (at the
// component's pointer + at) when it is not a CPE 2.3 or 2.2 name.
func (r *reader) addCPE(list []string, cpe string, i int, at string) []string {
	if cpe == "" {
		return list
	}
	for _, x := range list {
		if x == cpe {
			return list
		}
	}
	if err := checkCPE(cpe); err != nil {
		r.warn(r.pointer(i)+at, err)
	}
	return append(list, cpe)
}

// evidenceCPEs adds the CPEs concluded by component identity evidence
// (CycloneDX 1.5+ evidence.identity with field "cpe").
func (r *reader) evidenceCPEs(out *sbom.Component, i int) {
	ev := r.nodes[i].c.Evidence
	if ev == nil || ev.Identity == nil {
		return
	}
	if id := ev.Identity.Identity; id != nil && id.Field == cdx.EvidenceIdentityFieldTypeCPE {
		out.CPEs = r.addCPE(out.CPEs, strings.TrimSpace(id.ConcludedValue), i, "/evidence/identity/concludedValue")
	}
	if ids := ev.Identity.Identities; ids != nil {
		for k, id := range *ids {
			if id.Field == cdx.EvidenceIdentityFieldTypeCPE {
				out.CPEs = r.addCPE(out.CPEs, strings.TrimSpace(id.ConcludedValue), i, "/evidence/identity/"+strconv.Itoa(k)+"/concludedValue")
			}
		}
	}
}

// licenses reads a license list: an expression as it is, a license by its
// id, else by its name.
func licenses(ls *cdx.Licenses) []string {
	if ls == nil {
		return nil
	}
	var out []string
	for _, ch := range *ls {
		switch {
		case strings.TrimSpace(ch.Expression) != "":
			out = append(out, strings.TrimSpace(ch.Expression))
		case ch.License != nil && ch.License.ID != "":
			out = append(out, ch.License.ID)
		case ch.License != nil && ch.License.Name != "":
			out = append(out, ch.License.Name)
		}
	}
	return out
}

// identifiers reads swid (its tagId), omniborId and swhid.
func identifiers(c *cdx.Component) []sbom.Identifier {
	var out []sbom.Identifier
	if c.SWID != nil && c.SWID.TagID != "" {
		out = append(out, sbom.Identifier{Type: "swid", Value: c.SWID.TagID})
	}
	if c.OmniborID != nil {
		for _, v := range *c.OmniborID {
			out = append(out, sbom.Identifier{Type: "omnibor", Value: v})
		}
	}
	if c.SWHID != nil {
		for _, v := range *c.SWHID {
			out = append(out, sbom.Identifier{Type: "swhid", Value: v})
		}
	}
	return out
}
