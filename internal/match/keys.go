package match

import (
	"slices"

	"medvigil/internal/match/cpe"
	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

// KeyScheme names the index keys IndexKeys and ComponentKeys make. A
// knowledge-base snapshot written with IndexKeys records it
// (snapshot.Options.KeyScheme); a reader selects advisories by
// ComponentKeys only when the names agree. Change it whenever either
// function changes what it returns.
const KeyScheme = "medvigil-match/1"

// Key prefixes: an OSV package, a CPE vendor and product, and the key every
// component asks for.
const (
	keyPackage = "p\x00"
	keyCPE     = "c\x00"
	// KeyAlways is asked for by every component. CSAF products are indexed
	// under it: their name matching (see csafIndex) compares normalized
	// names, group + name and vendor-stripped names, so every CSAF product
	// must be at hand for every component.
	KeyAlways = "*"
)

// IndexKeys returns the keys under which a's findings can be found: one per
// OSV package (base ecosystem and name, normalized as the index compares
// them), one per CPE criterion with a definite vendor and product, and
// KeyAlways for CSAF products. A component can match a only if
// ComponentKeys of the component and IndexKeys(a) share a key; knowledge
// bases selected that way (with every advisory of each vulnerability
// group) give exactly the findings of the whole knowledge base.
func IndexKeys(a *vuln.Advisory) []string {
	var keys []string
	for i := range a.Affected {
		af := &a.Affected[i]
		switch {
		case af.Status != "":
			keys = append(keys, KeyAlways)
		case af.Ecosystem != "" && af.Name != "":
			eco := baseEcosystem(af.Ecosystem)
			keys = append(keys, packageKey(pkgKey{eco, nameKey(eco, normalizeAffectedName(eco, af.Name))}))
		}
	}
	for i := range a.CPEConfigs {
		if n, err := cpe.Parse(a.CPEConfigs[i].Criteria); err == nil {
			if k, ok := cpeKey(n); ok {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// ComponentKeys returns the keys c is looked up under with opts (see
// IndexKeys): its purl's package, its CPEs' vendor and product (or, when
// it has none and candidates are on, its candidate CPEs'), and KeyAlways.
func ComponentKeys(c *sbom.Component, opts Options) []string {
	q := prepareQuery(c, !opts.NoCPECandidates)
	return q.keys([]string{KeyAlways})
}

// keys appends the keys of q (see ComponentKeys) but KeyAlways.
func (q *Query) keys(out []string) []string {
	if q.hasPkg {
		out = append(out, packageKey(q.key))
	}
	names := q.cpes
	if len(names) == 0 {
		names = q.candidates
	}
	for _, n := range names {
		if k, ok := cpeKey(n); ok {
			out = append(out, k)
		}
	}
	return out
}

// prepareQuery prepares c as NewQuery does, but leaves the versions
// unparsed and makes candidate CPEs only when candidates is set.
func prepareQuery(c *sbom.Component, candidates bool) Query {
	q := Query{Component: ComponentRef{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, CPEs: c.CPEs}, group: c.Group}
	for _, s := range c.CPEs {
		if n, err := cpe.Parse(s); err == nil {
			q.cpes = append(q.cpes, n)
		}
	}
	switch {
	case !c.Supplier.IsZero():
		q.supplier = c.Supplier.Name
	case !c.Manufacturer.IsZero():
		q.supplier = c.Manufacturer.Name
	}
	if candidates && len(q.cpes) == 0 && c.Name != "" && c.Version != "" {
		q.candidates = cpe.Candidates(c.Name, c.Version, c.Group, c.PURL)
	}
	p, ok := PackageOf(c.PURL)
	if !ok {
		return q
	}
	if p.Version == "" {
		p.Version = c.Version
	}
	q.pkg, q.hasPkg = p, true
	base := baseEcosystem(p.Ecosystem)
	q.key = pkgKey{base, nameKey(base, p.Name)}
	return q
}

// Prepared is an SBOM's components prepared once, for both selecting the
// advisories they can match (Keys, e.g. from an indexed snapshot) and
// matching them (Index.MatchPrepared): each purl and CPE is parsed once.
// Versions are parsed only for components whose package the matching
// index holds.
type Prepared struct {
	qs   []Query
	keys []string
}

// Prepare prepares the components of doc with opts (which must be the
// options of the index that will match them).
func Prepare(doc *sbom.Document, opts Options) *Prepared {
	p := &Prepared{qs: make([]Query, len(doc.Components)), keys: []string{KeyAlways}}
	seen := map[string]bool{KeyAlways: true}
	var buf []string
	for i := range doc.Components {
		p.qs[i] = prepareQuery(&doc.Components[i], !opts.NoCPECandidates)
		buf = p.qs[i].keys(buf[:0])
		for _, k := range buf {
			if !seen[k] {
				seen[k] = true
				p.keys = append(p.keys, k)
			}
		}
	}
	return p
}

// Keys returns the distinct ComponentKeys of the prepared components.
func (p *Prepared) Keys() []string { return p.keys }

// MatchPrepared returns the findings for every prepared component, in
// component order: what Match returns for the document.
func (ix *Index) MatchPrepared(p *Prepared) []Finding {
	var out []Finding
	for i := range p.qs {
		q := &p.qs[i]
		if q.hasPkg && !q.parsed && ix.byPkg[q.key] != nil {
			q.parseVersions()
		}
		out = append(out, ix.MatchQuery(q)...)
	}
	return out
}

func packageKey(k pkgKey) string { return keyPackage + k.eco + "\x00" + k.name }

func cpeKey(n cpe.Name) (string, bool) {
	if !n.Vendor.IsLiteral() || !n.Product.IsLiteral() {
		return "", false
	}
	return keyCPE + n.Vendor.Text + "\x00" + n.Product.Text, true
}
