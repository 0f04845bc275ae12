package portfolio

import (
	"strings"
	"unicode"

	"github.com/package-url/packageurl-go"

	"medvigil/internal/match"
	"medvigil/internal/match/cpe"
	"medvigil/internal/sbom"
)

// keyKind says what a key names.
type keyKind uint8

const (
	// kindPackage: OSV base ecosystem ("Debian", not "Debian:12") and the
	// package name, case-folded (PEP 503 for PyPI).
	kindPackage keyKind = iota
	// kindCPE: CPE vendor and product, as cpe.Parse lower-cases them.
	kindCPE
	// kindPURL: "type/namespace/name" of a purl whose type names no OSV
	// ecosystem (pkg:generic/…, pkg:github/…), case-folded.
	kindPURL
	// kindName: a component or CSAF product name (see nameKeys).
	kindName
)

// key is one package identity in the inverted index.
//
// Keys are deliberately looser than the match package's rules (names are
// case-folded in every ecosystem, for example): a key only selects the
// components to evaluate, and the index decides. Looser keys cost a few
// extra evaluations; stricter ones would lose findings.
type key struct {
	kind keyKind
	a, b string
}

// packageKey keys an OSV package: ecosystem (a release suffix such as
// ":12" dropped, as the match index does) and name.
func packageKey(eco, name string) key {
	base, _, _ := strings.Cut(eco, ":")
	if base == "PyPI" {
		name = match.PEP503Name(name)
	}
	return key{kind: kindPackage, a: base, b: strings.ToLower(name)}
}

// purlKeys returns the key of a purl: its OSV package when its type names an
// ecosystem, else its type, namespace and name.
func purlKeys(purl string, add func(key)) {
	if purl == "" {
		return
	}
	if p, ok := match.PackageOf(purl); ok {
		add(packageKey(p.Ecosystem, p.Name))
		return
	}
	p, err := packageurl.FromString(purl)
	if err != nil || p.Name == "" {
		return
	}
	add(key{kind: kindPURL, b: strings.ToLower(p.Type + "/" + p.Namespace + "/" + p.Name)})
}

// cpeKey keys a CPE name by vendor and product; ok is false when either is
// not one definite value (such names never match: see cpe.Match).
func cpeKey(n cpe.Name) (key, bool) {
	if !n.Vendor.IsLiteral() || !n.Product.IsLiteral() {
		return key{}, false
	}
	return key{kind: kindCPE, a: n.Vendor.Text, b: n.Product.Text}, true
}

// nameKeys calls add with the keys of a product or component name: its
// letters and digits in lower case ("Alaris PC-Unit" → "alarispcunit"),
// and the same without its first word ("pcunit"), which the match index's
// CSAF name matching drops when it is a word of the vendor or supplier.
// Equal names there (match/csaf.go, productNameKey) have equal keys here.
func nameKeys(name string, add func(key)) {
	words := strings.FieldsFunc(strings.Map(unicode.ToLower, name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return
	}
	add(key{kind: kindName, b: strings.Join(words, "")})
	if len(words) > 1 {
		add(key{kind: kindName, b: strings.Join(words[1:], "")})
	}
}

// componentKeys calls add with every key under which c can match: its purl's
// package, its own CPEs' vendor and product (or, when none parses, those of
// the candidate CPEs the match index guesses from its name and purl), and
// its name, also after its group (for CSAF products named by vendor and
// product).
func componentKeys(c *sbom.Component, add func(key)) {
	purlKeys(c.PURL, add)
	own := false
	for _, s := range c.CPEs {
		n, err := cpe.Parse(s)
		if err != nil {
			continue
		}
		own = true
		if k, ok := cpeKey(n); ok {
			add(k)
		}
	}
	if !own && c.Name != "" {
		for _, n := range cpe.Candidates(c.Name, c.Version, c.Group, c.PURL) {
			if k, ok := cpeKey(n); ok {
				add(k)
			}
		}
	}
	nameKeys(c.Name, add)
	if c.Group != "" {
		nameKeys(c.Group+" "+c.Name, add)
	}
}
