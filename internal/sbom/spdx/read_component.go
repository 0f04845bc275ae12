package spdx

import (
	"fmt"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"medvigil/internal/sbom"
)

// Properties that keep SPDX package fields the model has no field for.
const (
	propSourceInfo      = "spdx:sourceInfo"
	propPackageFileName = "spdx:packageFileName"
	propSummary         = "spdx:summary" // only when there is a description too
	propReleaseDate     = "spdx:releaseDate"
	propBuiltDate       = "spdx:builtDate"
	propValidUntilDate  = "spdx:validUntilDate"
	propLicenseComments = "spdx:licenseComments"
	propComment         = "spdx:comment"
)

// component converts the i-th package, reporting defects to warn. It only
// reads the reader, so packages may be converted concurrently.
func (r *reader) component(i int, p *v2_3.Package, licenseNames map[string]string, warn func(place, error)) sbom.Component {
	s := r.src
	c := sbom.Component{
		Ref:         s.elementID(p.PackageSPDXIdentifier),
		Name:        p.PackageName,
		Copyright:   assertion(p.PackageCopyrightText),
		Description: p.PackageDescription,
	}
	var unknown []sbom.Element
	switch v := strings.TrimSpace(p.PackageVersion); v {
	case noAssertion:
		unknown = append(unknown, sbom.ElementVersion)
	default:
		c.Version = v
	}
	if c.Description == "" {
		c.Description = p.PackageSummary
	}
	if t := strings.TrimSpace(p.PrimaryPackagePurpose); t != "" {
		c.Type = strings.ReplaceAll(strings.ToLower(t), "_", "-")
	}
	if sup := p.PackageSupplier; sup != nil {
		var ok bool
		c.Supplier, ok = r.party(i, "supplier", "PackageSupplier", sup.SupplierType, sup.Supplier, warn)
		if !ok {
			unknown = append(unknown, sbom.ElementSupplier)
		}
	}
	if org := p.PackageOriginator; org != nil {
		var ok bool
		c.Originator, ok = r.party(i, "originator", "PackageOriginator", org.OriginatorType, org.Originator, warn)
		if !ok {
			unknown = append(unknown, sbom.ElementProducer)
		}
	}
	for k, cs := range p.PackageChecksums {
		alg, ok := modelHash(cs.Algorithm)
		if !ok {
			warn(s.loc.pkg(i, "checksums", "PackageChecksum", k), fmt.Errorf("checksum algorithm %q is not one SPDX defines; kept as written", cs.Algorithm))
		}
		c.Hashes = append(c.Hashes, sbom.Hash{Algorithm: alg, Value: strings.TrimSpace(cs.Value)})
	}
	r.externalRefs(i, p, &c, warn)
	if licensesUnknown := r.licenses(p, &c, licenseNames); licensesUnknown {
		unknown = append(unknown, sbom.ElementLicense)
	}
	for _, l := range []struct{ kind, url string }{{"distribution", p.PackageDownloadLocation}, {"website", p.PackageHomePage}} {
		if u := assertion(l.url); u != "" {
			c.ExternalRefs = append(c.ExternalRefs, sbom.ExternalRef{Type: l.kind, URL: u})
		}
	}
	r.notes(i, p, &c, warn)
	c.Unknown = mergeElements(unknown, c.Unknown)
	r.fieldProperties(p, &c)
	return c
}

// assertion returns s trimmed, or "" for NOASSERTION and NONE.
func assertion(s string) string {
	s = strings.TrimSpace(s)
	if s == noAssertion || s == noneID {
		return ""
	}
	return s
}

// party reads a supplier or originator. It returns nil and false for
// NOASSERTION. A type other than Person or Organization (which the JSON
// reader of tools-golang lets through) is read as fixParty reads it.
func (r *reader) party(i int, field, tag, typ, value string, warn func(place, error)) (*sbom.Party, bool) {
	s := r.src
	typ, value = s.text(typ), s.text(value)
	if strings.TrimSpace(value) == noAssertion && typ == "" {
		return nil, false
	}
	if typ != "Person" && typ != "Organization" {
		orig := value
		if typ != "" {
			orig = typ + ":" + value
		}
		fixed, why := fixParty(orig)
		if why != nil {
			warn(s.loc.pkg(i, field, tag, -1), fmt.Errorf("%s %w", field, why))
		}
		typ, value, _ = strings.Cut(fixed, ": ")
	}
	return partyFrom(typ, value), true
}

// externalRefs reads purl, CPEs and other identifiers.
func (r *reader) externalRefs(i int, p *v2_3.Package, c *sbom.Component, warn func(place, error)) {
	s := r.src
	for k, ref := range p.PackageExternalReferences {
		if ref == nil {
			continue
		}
		typ, loc := strings.TrimSpace(ref.RefType), strings.TrimSpace(ref.Locator)
		switch strings.ToLower(typ) {
		case "purl":
			if _, err := packageurl.FromString(loc); err != nil {
				warn(s.loc.pkg(i, "externalRefs", "ExternalRef", k), fmt.Errorf("purl %q is no package URL (%w); kept as an identifier of type purl", loc, err))
			} else if c.PURL == "" {
				c.PURL = loc
				continue
			}
			c.Identifiers = append(c.Identifiers, sbom.Identifier{Type: "purl", Value: loc})
		case "cpe23type", "cpe22type":
			c.CPEs = append(c.CPEs, loc)
		default:
			c.Identifiers = append(c.Identifiers, sbom.Identifier{Type: identifierType(typ), Value: loc})
		}
	}
}

// identifierType names an SPDX external reference type in the model:
// gitoid is an OmniBOR identifier, swh a SWHID.
func identifierType(refType string) string {
	switch strings.ToLower(refType) {
	case "swid":
		return "swid"
	case "gitoid":
		return "omnibor"
	case "swh":
		return "swhid"
	}
	return refType
}

// licenses reads licenseConcluded, then licenseDeclared, skipping
// NOASSERTION, NONE and repeats. It reports whether the licenses are
// unknown: none was found and one of the fields says NOASSERTION while
// neither says NONE.
func (r *reader) licenses(p *v2_3.Package, c *sbom.Component, names map[string]string) bool {
	noassert, none := false, false
	for _, l := range []string{p.PackageLicenseConcluded, p.PackageLicenseDeclared} {
		l = strings.TrimSpace(l)
		switch l {
		case noAssertion:
			noassert = true
			continue
		case noneID:
			none = true
			continue
		case "":
			continue
		}
		if n, ok := names[l]; ok {
			l = n
		}
		if !slices.Contains(c.Licenses, l) {
			c.Licenses = append(c.Licenses, l)
		}
	}
	return len(c.Licenses) == 0 && noassert && !none
}

// notes reads the package's annotations and comment: lifecycle and marking
// pairs in key=value form, and the medvigil facts.
func (r *reader) notes(i int, p *v2_3.Package, c *sbom.Component, warn func(place, error)) {
	s := r.src
	// The package comment is the author's text: lifecycle pairs are read
	// from it, medvigil facts only from annotations.
	// Places are made only for warnings: most packages need none.
	type text struct {
		s     string
		at    func() place
		facts bool
	}
	var texts []text
	for k, a := range p.Annotations {
		texts = append(texts, text{a.AnnotationComment, func() place { return s.loc.pkgAnnotation(i, k) }, true})
	}
	for _, j := range r.annotations[c.Ref] {
		texts = append(texts, text{s.doc.Annotations[j].AnnotationComment, func() place { return s.loc.annotation(j) }, true})
	}
	if p.PackageComment != "" {
		texts = append(texts, text{p.PackageComment, func() place { return s.loc.pkg(i, "comment", "PackageComment", -1) }, false})
	}
	var props []sbom.Property
	var from []func() place
	for _, t := range texts {
		kv := sbom.ParseKeyValues(t.s)
		props = append(props, kv...)
		for range kv {
			from = append(from, t.at)
		}
		if t.facts {
			for _, f := range parseMedvigil(t.s) {
				componentFact(t.at, f, c, warn)
			}
		}
	}
	if len(props) == 0 {
		return
	}
	lc, errs := sbom.LifecycleFromProperties(props)
	for _, e := range errs {
		warn(from[e.Index](), fmt.Errorf("%w; ignored", e))
	}
	c.Lifecycle = lc
	c.Unknown, c.Withheld = sbom.MarkingsFromProperties(props)
	c.Properties = append(props, c.Properties...)
}

// componentFact applies one medvigil fact to c.
func componentFact(at func() place, f keyValue, c *sbom.Component, warn func(place, error)) {
	switch {
	case f.key == keyParent:
		c.Parent = f.value
	case f.key == keyGroup:
		c.Group = f.value
	case f.key == keyScope:
		c.Scope = f.value
	case f.key == keyPublisher:
		c.Publisher = f.value
	case f.key == keyType:
		if c.Type == "" {
			c.Type = f.value
		}
	case f.key == keyAuthor:
		if p := parsePartyString(f.value); p != nil {
			c.Authors = append(c.Authors, *p)
		}
	case f.key == keyManufacturer:
		c.Manufacturer = parsePartyString(f.value)
	case f.key == keyLicense:
		if !slices.Contains(c.Licenses, f.value) {
			c.Licenses = append(c.Licenses, f.value)
		}
	case strings.HasPrefix(f.key, keyHashPrefix):
		c.Hashes = append(c.Hashes, sbom.Hash{Algorithm: strings.TrimPrefix(f.key, keyHashPrefix), Value: f.value})
	case strings.HasPrefix(f.key, keyRefPrefix):
		c.ExternalRefs = append(c.ExternalRefs, sbom.ExternalRef{Type: strings.TrimPrefix(f.key, keyRefPrefix), URL: f.value})
	case strings.HasPrefix(f.key, keyPropPrefix):
		c.Properties = append(c.Properties, sbom.Property{Name: strings.TrimPrefix(f.key, keyPropPrefix), Value: f.value})
	default:
		warn(at(), fmt.Errorf("unknown key %q; ignored", f.key))
	}
}

// fieldProperties keeps SPDX package fields without a model field as
// spdx:* properties.
func (r *reader) fieldProperties(p *v2_3.Package, c *sbom.Component) {
	summary := ""
	if p.PackageDescription != "" {
		summary = p.PackageSummary
	}
	for _, f := range []struct{ name, value string }{
		{propSourceInfo, p.PackageSourceInfo},
		{propPackageFileName, p.PackageFileName},
		{propSummary, summary},
		{propReleaseDate, p.ReleaseDate},
		{propBuiltDate, p.BuiltDate},
		{propValidUntilDate, p.ValidUntilDate},
		{propLicenseComments, p.PackageLicenseComments},
		{propComment, p.PackageComment},
	} {
		if f.value != "" {
			c.Properties = append(c.Properties, sbom.Property{Name: f.name, Value: f.value})
		}
	}
}

// mergeElements returns a followed by the elements of b not in a.
func mergeElements(a, b []sbom.Element) []sbom.Element {
	for _, e := range b {
		if !slices.Contains(a, e) {
			a = append(a, e)
		}
	}
	return a
}
