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
	keys := []string{KeyAlways}
	if p, ok := PackageOf(c.PURL); ok {
		base := baseEcosystem(p.Ecosystem)
		keys = append(keys, packageKey(pkgKey{base, nameKey(base, p.Name)}))
	}
	own := false
	for _, s := range c.CPEs {
		if n, err := cpe.Parse(s); err == nil {
			own = true
			if k, ok := cpeKey(n); ok {
				keys = append(keys, k)
			}
		}
	}
	if !own && !opts.NoCPECandidates && c.Name != "" && c.Version != "" {
		for _, n := range cpe.Candidates(c.Name, c.Version, c.Group, c.PURL) {
			if k, ok := cpeKey(n); ok {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func packageKey(k pkgKey) string { return keyPackage + k.eco + "\x00" + k.name }

func cpeKey(n cpe.Name) (string, bool) {
	if !n.Vendor.IsLiteral() || !n.Product.IsLiteral() {
		return "", false
	}
	return keyCPE + n.Vendor.Text + "\x00" + n.Product.Text, true
}
