package spdx

import (
	"slices"
	"strings"

	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"medvigil/internal/sbom"
)

// pkg converts the i-th component.
func (b *builder) pkg(i int, c *sbom.Component) *v2_3.Package {
	p := &v2_3.Package{
		PackageName: c.Name,
		// The full identifier: tools-golang adds "SPDXRef-" only when it is
		// missing, and "SPDXRef-SPDXRef-x" stripped once would lose one.
		PackageSPDXIdentifier:   common.ElementID(b.pkgIDs[i]),
		PackageVersion:          c.Version,
		PackageDownloadLocation: noAssertion,
		PackageCopyrightText:    c.Copyright,
		PackageDescription:      c.Description,
	}
	// Unknown elements that a NOASSERTION field says are not repeated in
	// the annotation.
	var said []sbom.Element
	unknown := func(e sbom.Element) bool { return slices.Contains(c.Unknown, e) }
	if c.Version == "" && unknown(sbom.ElementVersion) {
		p.PackageVersion = noAssertion
		said = append(said, sbom.ElementVersion)
	}
	if s := partyString(c.Supplier); s != "" {
		typ, v, _ := strings.Cut(s, ": ")
		p.PackageSupplier = &common.Supplier{SupplierType: typ, Supplier: v}
	} else if unknown(sbom.ElementSupplier) {
		p.PackageSupplier = &common.Supplier{Supplier: noAssertion}
		said = append(said, sbom.ElementSupplier)
	}
	if s := partyString(c.Originator); s != "" {
		typ, v, _ := strings.Cut(s, ": ")
		p.PackageOriginator = &common.Originator{OriginatorType: typ, Originator: v}
	} else if unknown(sbom.ElementProducer) {
		p.PackageOriginator = &common.Originator{Originator: noAssertion}
		said = append(said, sbom.ElementProducer)
	}
	if b.licenses(c, p, unknown(sbom.ElementLicense)) {
		said = append(said, sbom.ElementLicense)
	}
	var rest []sbom.Element
	for _, e := range c.Unknown {
		if !slices.Contains(said, e) {
			rest = append(rest, e)
		}
	}
	n := &notes{props: append(c.Lifecycle.Properties(), sbom.MarkingProperties(rest, c.Withheld)...)}
	for _, l := range extraLicenses(c.Licenses) {
		n.add(keyLicense, l)
	}
	for _, h := range c.Hashes {
		if alg, ok := spdxHash(h.Algorithm); ok {
			p.PackageChecksums = append(p.PackageChecksums, common.Checksum{Algorithm: alg, Value: h.Value})
		} else {
			n.add(keyHashPrefix+h.Algorithm, h.Value)
		}
	}
	b.externalRefs(c, p)
	for _, r := range c.ExternalRefs {
		switch {
		case r.Type == "distribution" && p.PackageDownloadLocation == noAssertion && r.URL != "":
			p.PackageDownloadLocation = r.URL
		case r.Type == "website" && p.PackageHomePage == "" && r.URL != "":
			p.PackageHomePage = r.URL
		default:
			n.add(keyRefPrefix+r.Type, r.URL)
		}
	}
	if t, ok := purpose(c.Type); ok {
		p.PrimaryPackagePurpose = t
	} else {
		n.add(keyType, c.Type)
	}
	b.properties(c, p, n)
	if c.Parent != "" {
		parent, ok := b.ids.byRef[c.Parent]
		if !ok {
			parent = c.Parent
		}
		n.add(keyParent, parent)
	}
	n.add(keyGroup, c.Group)
	n.add(keyScope, c.Scope)
	n.add(keyPublisher, c.Publisher)
	for k := range c.Authors {
		n.add(keyAuthor, partyString(&c.Authors[k]))
	}
	n.add(keyManufacturer, partyString(c.Manufacturer))
	if a := b.annotation(n); a != nil {
		p.Annotations = []v2_3.Annotation{*a}
	}
	return p
}

// licenses writes the first license as licenseConcluded and the second as
// licenseDeclared (a sole license as licenseDeclared), each as an SPDX
// expression (see licenseRefs); extraLicenses lists the others. With no
// license and the license marked unknown, both fields say NOASSERTION, and
// licenses reports it.
func (b *builder) licenses(c *sbom.Component, p *v2_3.Package, unknown bool) bool {
	ls := cleanLicenses(c.Licenses)
	switch len(ls) {
	case 0:
		if unknown {
			p.PackageLicenseConcluded, p.PackageLicenseDeclared = noAssertion, noAssertion
		}
		return unknown
	case 1:
		p.PackageLicenseDeclared = b.lic.expression(ls[0])
	default:
		p.PackageLicenseConcluded = b.lic.expression(ls[0])
		p.PackageLicenseDeclared = b.lic.expression(ls[1])
	}
	return false
}

// extraLicenses returns the licenses past the second, which are kept as
// medvigil facts.
func extraLicenses(licenses []string) []string {
	ls := cleanLicenses(licenses)
	if len(ls) <= 2 {
		return nil
	}
	return ls[2:]
}

// cleanLicenses trims the licenses and drops empty ones and repeats.
func cleanLicenses(licenses []string) []string {
	var ls []string
	for _, l := range licenses {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(ls, l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// externalRefs writes the purl, the CPEs and the other identifiers (SPDX 2.3
// Annex F): swid is SECURITY, OmniBOR (gitoid) and SWHID (swh) are
// PERSISTENT-ID, the package manager types are PACKAGE-MANAGER, and any
// other type is OTHER.
func (b *builder) externalRefs(c *sbom.Component, p *v2_3.Package) {
	add := func(cat, typ, loc string) {
		if loc != "" && typ != "" {
			p.PackageExternalReferences = append(p.PackageExternalReferences,
				&v2_3.PackageExternalReference{Category: cat, RefType: typ, Locator: loc})
		}
	}
	add(common.CategoryPackageManager, common.TypePackageManagerPURL, c.PURL)
	for _, cpe := range c.CPEs {
		if strings.HasPrefix(cpe, "cpe:2.3:") {
			add(common.CategorySecurity, common.TypeSecurityCPE23Type, cpe)
		} else {
			add(common.CategorySecurity, common.TypeSecurityCPE22Type, cpe)
		}
	}
	for _, id := range c.Identifiers {
		switch strings.ToLower(id.Type) {
		case "swid":
			add(common.CategorySecurity, common.TypeSecuritySwid, id.Value)
		case "omnibor", "gitoid":
			add(common.CategoryPersistentId, common.TypePersistentIdGitoid, id.Value)
		case "swhid", "swh":
			add(common.CategoryPersistentId, common.TypePersistentIdSwh, id.Value)
		case "purl", "maven-central", "npm", "nuget", "bower":
			add(common.CategoryPackageManager, id.Type, id.Value)
		case "advisory", "fix", "url", "cpe22type", "cpe23type":
			add(common.CategorySecurity, id.Type, id.Value)
		default:
			add(common.CategoryOther, id.Type, id.Value)
		}
	}
}

// properties writes the spdx:* properties back to their fields and keeps
// every other property, except the lifecycle and marking ones the
// annotation regenerates, as a medvigil fact.
func (b *builder) properties(c *sbom.Component, p *v2_3.Package, n *notes) {
	for _, pr := range c.Properties {
		dst := propertyField(p, pr.Name)
		switch {
		case sbom.IsLifecycleProperty(pr.Name):
		case dst != nil && *dst == "":
			*dst = pr.Value
		default:
			n.add(keyPropPrefix+pr.Name, pr.Value)
		}
	}
}

// propertyField returns the package field an spdx:* property keeps, or nil.
func propertyField(p *v2_3.Package, name string) *string {
	switch name {
	case propSourceInfo:
		return &p.PackageSourceInfo
	case propPackageFileName:
		return &p.PackageFileName
	case propSummary:
		return &p.PackageSummary
	case propReleaseDate:
		return &p.ReleaseDate
	case propBuiltDate:
		return &p.BuiltDate
	case propValidUntilDate:
		return &p.ValidUntilDate
	case propLicenseComments:
		return &p.PackageLicenseComments
	case propComment:
		return &p.PackageComment
	}
	return nil
}
