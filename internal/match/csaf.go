package match

import (
	"slices"
	"strings"
	"unicode"

	"github.com/package-url/packageurl-go"

	"medvigil/internal/match/cpe"
	"medvigil/internal/vuln"
)

// CSAF product matching.
//
// A CSAF advisory (internal/csaf) lists, per vulnerability, products with a
// product status (CSAF 2.0 section 3.2.3.9). Only the statuses that say a
// product is affected produce findings: "known_affected", "first_affected"
// and "last_affected" (the last two name one affected product version each,
// and are read as that product, not as an open range). "fixed",
// "first_fixed", "known_not_affected", "recommended" and
// "under_investigation" never do; they are counted as skipped.
//
// An affected product is found three ways, in this order:
//
//  1. csaf-purl (high confidence): the product's
//     product_identification_helper.purl has the component purl's type,
//     namespace and name (compared without case; PyPI names per PEP 503),
//     and the component version is the purl's version, or, when the purl
//     has none, one of the product's versions or in its range.
//  2. csaf-cpe (high): the helper CPE has the vendor and product of one of
//     the component's own CPEs; the version is the helper CPE's version
//     when it is a plain value, else the product's versions or range.
//  3. csaf-name (low): only for a component whose identifiers identified
//     nothing: no OSV or NVD hit came from its purl or own CPEs, and no
//     CSAF product has its purl identity or CPE vendor and product, at any
//     version (a product found by identifier at another version is not
//     found again by name). Its name, normalized (lower case,
//     every run of characters other than letters and digits one space,
//     trimmed), or "group name", equals the product name normalized. When
//     the component has a supplier (or manufacturer) and the product a
//     vendor, they must share a significant word (see vendorWords). A
//     product name that starts with a word of its vendor ("BD Alaris
//     Systems Manager") is also indexed without it ("alaris systems
//     manager"), and a component name that starts with a word of its
//     supplier is also tried without it; such a match needs the supplier
//     and the vendor to share a word. So does a component whose purl names
//     a package of a public ecosystem (npm, PyPI, Maven, Go, Debian, …):
//     CISA's products are devices and vendor applications, and a library
//     that shares a product's name is another thing (npm "config" is not
//     Phoenix Contact's "Config+", ICSA-19-302-01).
//
// Versions follow parseVersions. When the product's versions cannot be
// read, when the component has no version, or when the two cannot be
// compared, the product is still reported, with low confidence and a rule
// that ends in "needs review": an unreadable version never means "not
// affected". A product with no version information at all is reported the
// same way.

// csafProduct is one affected product of one advisory, prepared.
type csafProduct struct {
	adv *vuln.Advisory
	af  *vuln.Affected
	// purlVersion is the version of the helper purl; cpeVersion the helper
	// CPE's version when it is a plain value.
	purlVersion string
	cpeVersion  string
	// sets are the product's versions (product_version) and range
	// (product_version_range), read.
	sets []productVersions
	// vendor holds the significant words of the vendor name.
	vendor []string
	// head starts every rule: the document and the product name.
	head string
}

// productVersions is one version text of a product, read.
type productVersions struct {
	text    string
	isRange bool
	set     versionSet
}

// nameEntry is a product under one normalized name; stripped is set when
// the name is the product name without its leading vendor word.
type nameEntry struct {
	p        *csafProduct
	stripped bool
}

type vendorProduct struct{ vendor, product string }

// csafIndex matches components against the products of CSAF advisories
// (vuln.Affected entries with a Status). It is read-only after
// newCSAFIndex.
type csafIndex struct {
	byPURL map[string][]*csafProduct
	byCPE  map[vendorProduct][]*csafProduct
	byName map[string][]nameEntry
	// products counts the (advisory, affected product) pairs indexed;
	// skipped those whose status never produces findings.
	products int
	skipped  int
}

// affectedStatuses are the CSAF product statuses that produce findings.
var affectedStatuses = map[string]bool{"known_affected": true, "first_affected": true, "last_affected": true}

// newCSAFIndex indexes the affected products of the CSAF advisories among
// advs; withdrawn advisories and entries without a Status (OSV packages,
// NVD) are passed over.
func newCSAFIndex(advs []*vuln.Advisory) *csafIndex {
	ix := &csafIndex{byPURL: map[string][]*csafProduct{}, byCPE: map[vendorProduct][]*csafProduct{}, byName: map[string][]nameEntry{}}
	sets := map[string]versionSet{} // the same texts recur across a document's vulnerabilities
	read := func(text string) versionSet {
		s, ok := sets[text]
		if !ok {
			s = parseVersions(text)
			sets[text] = s
		}
		return s
	}
	for _, a := range advs {
		if a.IsWithdrawn() {
			continue
		}
		for i := range a.Affected {
			af := &a.Affected[i]
			if af.Status == "" {
				continue
			}
			if !affectedStatuses[af.Status] {
				ix.skipped++
				continue
			}
			doc := a.Document
			if doc == "" {
				doc = a.ID
			}
			p := &csafProduct{adv: a, af: af, vendor: vendorWords(af.Vendor), head: doc + " product " + quote(af.Product)}
			for _, v := range af.Versions {
				p.sets = append(p.sets, productVersions{text: v, set: read(v)})
			}
			if af.VersRange != "" {
				p.sets = append(p.sets, productVersions{text: af.VersRange, isRange: true, set: read(af.VersRange)})
			}
			ix.add(p)
		}
	}
	return ix
}

// add indexes p by purl, CPE and name.
func (ix *csafIndex) add(p *csafProduct) {
	ix.products++
	af := p.af
	if key, version, ok := purlKey(af.PURL); ok {
		p.purlVersion = version
		ix.byPURL[key] = append(ix.byPURL[key], p)
	}
	if af.CPE != "" {
		if n, err := cpe.Parse(af.CPE); err == nil && n.Vendor.IsLiteral() && n.Product.IsLiteral() {
			if n.Version.IsLiteral() {
				p.cpeVersion = n.Version.Text
			}
			k := vendorProduct{n.Vendor.Text, n.Product.Text}
			ix.byCPE[k] = append(ix.byCPE[k], p)
		}
	}
	name := productNameKey(af.Product)
	if name == "" {
		return
	}
	ix.byName[name] = append(ix.byName[name], nameEntry{p: p})
	if rest, ok := stripLeadingWord(name, p.vendor); ok {
		ix.byName[rest] = append(ix.byName[rest], nameEntry{p: p, stripped: true})
	}
}

// indexed returns the number of affected products indexed, for
// Stats.CSAFProducts.
func (ix *csafIndex) indexed() int { return ix.products }

// purlKey returns the identity of a purl without version, qualifiers and
// subpath ("type/namespace/name", lower case, PyPI names per PEP 503) and
// its version.
func purlKey(s string) (key, version string, ok bool) {
	if s == "" {
		return "", "", false
	}
	p, err := packageurl.FromString(s)
	if err != nil || p.Type == "" || p.Name == "" {
		return "", "", false
	}
	typ, ns, name := strings.ToLower(p.Type), strings.ToLower(p.Namespace), strings.ToLower(p.Name)
	if typ == "pypi" {
		name = PEP503Name(name)
	}
	return typ + "/" + ns + "/" + name, p.Version, true
}

// lookup appends the CSAF products that q matches to out. out holds the
// hits already found for q (MatchQuery's purl and CPE look-ups). Name
// matching runs only when q's own identifiers identified nothing: no hit in
// out came from q's purl or own CPE, and no CSAF product has q's purl
// identity or CPE vendor and product (whatever the version).
func (ix *csafIndex) lookup(q *Query, out []hit) []hit {
	if ix == nil || ix.products == 0 {
		return out
	}
	identified := false
	for _, h := range out {
		if h.ev.Method == MethodPURL || h.ev.Method == MethodCPE {
			identified = true
		}
	}
	if len(ix.byPURL) > 0 {
		if key, version, ok := purlKey(q.Component.PURL); ok {
			if version == "" {
				version = q.Component.Version
			}
			for _, p := range ix.byPURL[key] {
				identified = true
				out = p.match(out, MethodCSAFPURL, "purl "+p.af.PURL, p.versionsFor(p.purlVersion), version, "")
			}
		}
	}
	if len(ix.byCPE) > 0 {
		for _, c := range q.cpes {
			if !c.Vendor.IsLiteral() || !c.Product.IsLiteral() {
				continue
			}
			version := q.Component.Version
			if c.Version.IsLiteral() {
				version = c.Version.Text
			}
			for _, p := range ix.byCPE[vendorProduct{c.Vendor.Text, c.Product.Text}] {
				identified = true
				out = p.match(out, MethodCSAFCPE, "cpe "+p.af.CPE, p.versionsFor(p.cpeVersion), version, "")
			}
		}
	}
	if identified {
		return out
	}
	return ix.lookupName(q, out)
}

// lookupName appends the products whose name q's name matches.
func (ix *csafIndex) lookupName(q *Query, out []hit) []hit {
	supplier := vendorWords(q.supplier)
	type key struct {
		name     string
		stripped bool
	}
	var keys []key
	if name := productNameKey(q.Component.Name); name != "" {
		keys = append(keys, key{name, false})
		if q.group != "" {
			if g := productNameKey(q.group + " " + q.Component.Name); g != name {
				keys = append(keys, key{g, false})
			}
		}
		if rest, ok := stripLeadingWord(name, supplier); ok {
			keys = append(keys, key{rest, true})
		}
	}
	version := q.Component.Version
	if version == "" {
		_, version, _ = purlKey(q.Component.PURL)
	}
	var seen []*csafProduct
	for _, k := range keys {
		for _, e := range ix.byName[k.name] {
			p := e.p
			if slices.Contains(seen, p) {
				continue
			}
			shared := sharedWord(supplier, p.vendor)
			switch {
			case shared == "" && len(supplier) > 0 && len(p.vendor) > 0:
				continue // both known, nothing in common
			case shared == "" && (k.stripped || e.stripped):
				continue // a name without its vendor word needs the vendor confirmed
			case shared == "" && q.hasPkg:
				continue // a package of a public ecosystem needs the vendor confirmed
			}
			seen = append(seen, p)
			var note string
			switch {
			case shared != "":
				note = "; supplier " + quote(q.supplier) + " shares " + quote(shared) + " with the vendor"
			case len(supplier) == 0:
				note = "; vendor not checked: the component names no supplier"
			default:
				note = "; vendor not checked: the advisory names no vendor"
			}
			out = p.match(out, MethodCSAFName, "", p.nameVersions(), version, note)
		}
	}
	return out
}

// versionsFor returns the versions to compare with: the identifier's own
// version when it has one, else the product's versions and range.
func (p *csafProduct) versionsFor(exact string) []productVersions {
	if exact == "" {
		return p.sets
	}
	return []productVersions{{text: exact, set: versionSet{kind: setConstraints, cs: []constraint{{op: opEQ, version: exact}}}}}
}

// nameVersions returns the versions to compare with for a name match: the
// product's versions and range, else its purl's or CPE's version.
func (p *csafProduct) nameVersions() []productVersions {
	switch {
	case len(p.sets) > 0:
		return p.sets
	case p.purlVersion != "":
		return p.versionsFor(p.purlVersion)
	}
	return p.versionsFor(p.cpeVersion)
}

// match appends a hit when version v is (or may be) among sets. ident
// names the identifier that matched ("purl …", "cpe …"; empty for a name
// match) and note ends the rule.
func (p *csafProduct) match(out []hit, method Method, ident string, sets []productVersions, v, note string) []hit {
	clause, conf, ok := versionClause(sets, v)
	if !ok {
		return out
	}
	if method == MethodCSAFName {
		conf = ConfidenceLow
	}
	var rule string
	switch {
	case ident != "":
		rule = p.head + " " + ident + " " + clause + note
	case p.af.Vendor != "":
		rule = p.head + " (" + p.af.Vendor + ") " + clause + note
	default:
		rule = p.head + " " + clause + note
	}
	return append(out, hit{adv: p.adv, ev: Evidence{Advisory: p.adv.ID, Source: p.adv.Source, Method: method, Confidence: conf, Rule: rule}})
}

// versionClause decides whether version v is among sets and says how; ok
// is false only when every set decides v is not in it.
func versionClause(sets []productVersions, v string) (clause string, conf Confidence, ok bool) {
	if len(sets) == 0 {
		return "with no version given: needs review", ConfidenceLow, true
	}
	var unknown string
	for _, s := range sets {
		kind := "version"
		if s.isRange {
			kind = "version range"
		}
		switch s.set.contains(v) {
		case verdictIn:
			if s.set.kind == setAll {
				return "all versions (" + quote(s.text) + ")", ConfidenceHigh, true
			}
			return kind + " " + quote(s.text), ConfidenceHigh, true
		case verdictUnknown:
			if unknown != "" {
				continue
			}
			switch {
			case s.set.kind == setUnknown:
				unknown = "version unknown (" + quote(s.text) + "): needs review"
			case strings.TrimSpace(v) == "":
				unknown = kind + " " + quote(s.text) + ", component version unknown: needs review"
			default:
				unknown = kind + " " + quote(s.text) + " cannot be compared with " + quote(v) + ": needs review"
			}
		}
	}
	if unknown != "" {
		return unknown, ConfidenceLow, true
	}
	return "", "", false
}

func quote(s string) string { return `"` + s + `"` }

// productNameKey lower-cases s and turns every run of characters other than
// letters and digits into one space, trimmed: "BD Alaris™ PC-Unit (8015)"
// → "bd alaris pc unit 8015".
func productNameKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}

// vendorStopWords are words of company names that say nothing about which
// company it is: legal forms, joiners, and the industry words many medical
// and industrial vendors share ("B. Braun Medical" and "Vyaire Medical" have
// nothing in common; "General Electric (GE)" keeps "ge"). Single letters
// are dropped too ("B. Braun").
var vendorStopWords = map[string]bool{
	// joiners
	"the": true, "and": true, "of": true, "for": true, "by": true, "an": true, "st": true,
	// legal forms
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true,
	"ltd": true, "limited": true, "llc": true, "llp": true, "lp": true, "plc": true,
	"gmbh": true, "mbh": true, "ag": true, "kg": true, "se": true, "sa": true, "spa": true, "srl": true,
	"sarl": true, "sas": true, "bv": true, "nv": true, "oy": true, "oyj": true, "ab": true, "as": true,
	"asa": true, "kk": true, "pty": true, "pte": true,
	// industry words
	"medical": true, "systems": true, "system": true, "healthcare": true, "health": true,
	"technologies": true, "technology": true, "tech": true, "solutions": true, "software": true,
	"international": true, "intl": true, "group": true, "holdings": true, "holding": true,
	"industries": true, "industrial": true, "electric": true, "electronics": true, "devices": true,
	"diagnostics": true, "laboratories": true, "labs": true, "scientific": true, "engineering": true,
	"energy": true, "automation": true, "controls": true, "computer": true, "mfg": true,
	"manufacturing": true, "services": true, "global": true, "general": true,
}

// vendorWords returns the significant words of a vendor or supplier name.
func vendorWords(name string) []string {
	var out []string
	for _, w := range strings.Fields(productNameKey(name)) {
		if len([]rune(w)) < 2 || vendorStopWords[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// sharedWord returns a word a and b share, or "".
func sharedWord(a, b []string) string {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return x
			}
		}
	}
	return ""
}

// stripLeadingWord returns name without its first word when that word is
// one of words and something is left.
func stripLeadingWord(name string, words []string) (string, bool) {
	first, rest, ok := strings.Cut(name, " ")
	if !ok || rest == "" {
		return "", false
	}
	for _, w := range words {
		if w == first {
			return rest, true
		}
	}
	return "", false
}
