package cpe

import "medvigil/internal/vuln"

// IndexHit is a Hit together with the advisory whose criterion it is.
type IndexHit struct {
	Advisory *vuln.Advisory
	Hit
}

// Index holds the vulnerable criteria of many advisories keyed by (vendor,
// product), so that Lookup reads one map entry and compares only criteria
// for the component's own vendor and product. It is safe for concurrent
// Lookups once built.
type Index struct {
	byProduct map[vendorProduct][]entry
	n         int
}

type vendorProduct struct{ vendor, product string }

type entry struct {
	adv *vuln.Advisory
	i   int // the criterion's index in adv.CPEConfigs
	c   criterion
}

// NewIndex indexes the vulnerable criteria (vuln.Advisory.CPEConfigs) of
// advs. Withdrawn advisories are left out, and so are criteria that Match
// could never accept: those in negated nodes, those that do not parse, and
// those whose vendor or product is not a definite value (the false-positive
// guard of Match).
func NewIndex(advs []*vuln.Advisory) *Index {
	ix := &Index{byProduct: make(map[vendorProduct][]entry)}
	for _, a := range advs {
		if a == nil || a.IsWithdrawn() {
			continue
		}
		for i := range a.CPEConfigs {
			m := &a.CPEConfigs[i]
			if !m.Vulnerable || m.Negate {
				continue
			}
			c, err := newCriterion(m)
			if err != nil || !c.vendor.IsLiteral() || !c.product.IsLiteral() {
				continue
			}
			k := vendorProduct{c.vendor.Text, c.product.Text}
			ix.byProduct[k] = append(ix.byProduct[k], entry{adv: a, i: i, c: c})
			ix.n++
		}
	}
	return ix
}

// Len returns the number of criteria indexed.
func (ix *Index) Len() int { return ix.n }

// Lookup returns the hits on a component's CPE name, in the order the
// advisories and their criteria were given to NewIndex. An advisory appears
// once per matching criterion; callers that report advisories group by
// IndexHit.Advisory. A name whose vendor or product is not a definite value
// has no hits (see Match).
func (ix *Index) Lookup(n Name) []IndexHit {
	if !n.Vendor.IsLiteral() || !n.Product.IsLiteral() {
		return nil
	}
	var hits []IndexHit
	list := ix.byProduct[vendorProduct{n.Vendor.Text, n.Product.Text}]
	t := newTarget(&n)
	for i := range list {
		e := &list[i]
		if ok, why := e.c.match(t, false); ok {
			hits = append(hits, IndexHit{Advisory: e.adv, Hit: Hit{Criteria: *e.c.m, Why: why, Platform: platform(e.adv.CPEConfigs, e.i)}})
		}
	}
	return hits
}
