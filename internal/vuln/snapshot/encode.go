package snapshot

import (
	"encoding/binary"
	"math"
	"slices"
	"time"

	"medvigil/internal/vuln"
)

// encoder builds the body while collecting the string table.
type encoder struct {
	body []byte
	ids  map[string]uint64
	strs []string
	size int // bytes of all strings
}

func newEncoder() *encoder { return &encoder{ids: map[string]uint64{"": 0}, strs: []string{""}} }

// encode returns the uncompressed version 1 payload of kb and a header
// with its counts.
func encode(kb *vuln.KB) ([]byte, Header, error) {
	e := newEncoder()
	advs := kb.Advisories()
	e.uvarint(uint64(len(advs)) + 1)
	for _, a := range advs {
		e.advisory(a)
	}
	kev, epss := e.marks(kb)
	return e.appendTo(nil), Header{Advisories: len(advs), KEV: kev, EPSS: epss}, nil
}

// marks writes the KEV and EPSS marks of kb, sorted by CVE, and returns
// how many of each.
func (e *encoder) marks(kb *vuln.KB) (int, int) {
	kev := kb.KEVEntries()
	e.uvarint(uint64(len(kev)) + 1)
	for _, id := range sortedKeys(kev) {
		e.str(id)
		e.kev(kev[id])
	}
	epss := kb.EPSSEntries()
	e.uvarint(uint64(len(epss)) + 1)
	for _, id := range sortedKeys(epss) {
		e.str(id)
		e.epss(epss[id])
	}
	return len(kev), len(epss)
}

// appendTo appends the string table and the body to out.
func (e *encoder) appendTo(out []byte) []byte {
	out = slices.Grow(out, binary.MaxVarintLen64*(len(e.strs)+1)+e.size+len(e.body))
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.strs {
		out = append(out, s...)
	}
	return append(out, e.body...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (e *encoder) uvarint(n uint64) { e.body = binary.AppendUvarint(e.body, n) }
func (e *encoder) varint(n int64)   { e.body = binary.AppendVarint(e.body, n) }

func (e *encoder) bool(b bool) {
	if b {
		e.body = append(e.body, 1)
	} else {
		e.body = append(e.body, 0)
	}
}

func (e *encoder) float(f float64) {
	e.body = binary.LittleEndian.AppendUint64(e.body, math.Float64bits(f))
}

func (e *encoder) str(s string) {
	id, ok := e.ids[s]
	if !ok {
		id = uint64(len(e.strs))
		e.ids[s] = id
		e.strs = append(e.strs, s)
		e.size += len(s)
	}
	e.uvarint(id)
}

// length writes a list's length: 0 for nil, else length + 1.
func (e *encoder) length(n int, isNil bool) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

func (e *encoder) strList(list []string) {
	e.length(len(list), list == nil)
	for _, s := range list {
		e.str(s)
	}
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.body = append(e.body, 0)
		return
	}
	_, off := t.Zone()
	if t.Location() == time.UTC {
		e.body = append(e.body, 1)
	} else {
		e.body = append(e.body, 2)
	}
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	if t.Location() != time.UTC {
		e.varint(int64(off))
	}
}

func (e *encoder) advisory(a *vuln.Advisory) {
	e.str(a.ID)
	e.strList(a.Aliases)
	e.strList(a.Related)
	e.str(a.Summary)
	e.str(a.Details)
	e.time(a.Published)
	e.time(a.Modified)
	e.time(a.Withdrawn)
	e.length(len(a.Severities), a.Severities == nil)
	for _, s := range a.Severities {
		e.str(string(s.Type))
		e.str(s.Vector)
		e.float(s.Score)
		e.str(s.Rating)
		e.str(s.Source)
	}
	e.strList(a.CWEs)
	e.length(len(a.References), a.References == nil)
	for _, r := range a.References {
		e.str(r.Type)
		e.str(r.URL)
	}
	e.length(len(a.Affected), a.Affected == nil)
	for i := range a.Affected {
		e.affected(&a.Affected[i])
	}
	e.length(len(a.CPEConfigs), a.CPEConfigs == nil)
	for i := range a.CPEConfigs {
		e.cpeMatch(&a.CPEConfigs[i])
	}
	e.length(len(a.Remediations), a.Remediations == nil)
	for _, r := range a.Remediations {
		e.str(r.Category)
		e.str(r.Details)
		e.str(r.URL)
		e.strList(r.Products)
	}
	e.bool(a.KEV != nil)
	if a.KEV != nil {
		e.kev(*a.KEV)
	}
	e.bool(a.EPSS != nil)
	if a.EPSS != nil {
		e.epss(*a.EPSS)
	}
	e.str(string(a.Source))
	e.str(a.Document)
	e.str(a.Origin.File)
	e.str(a.Origin.Pointer)
}

func (e *encoder) affected(af *vuln.Affected) {
	e.str(af.Ecosystem)
	e.str(af.Name)
	e.str(af.PURL)
	e.str(af.CPE)
	e.str(af.Vendor)
	e.str(af.Product)
	e.str(af.ProductID)
	e.length(len(af.Ranges), af.Ranges == nil)
	for _, r := range af.Ranges {
		e.str(string(r.Type))
		e.str(r.Repo)
		e.length(len(r.Events), r.Events == nil)
		for _, ev := range r.Events {
			e.str(ev.Introduced)
			e.str(ev.Fixed)
			e.str(ev.LastAffected)
			e.str(ev.Limit)
		}
	}
	e.strList(af.Versions)
	e.str(af.VersRange)
	e.str(af.Status)
}

func (e *encoder) cpeMatch(m *vuln.CPEMatch) {
	e.str(m.Criteria)
	e.str(m.MatchCriteriaID)
	e.bool(m.Vulnerable)
	e.str(m.VersionStartIncluding)
	e.str(m.VersionStartExcluding)
	e.str(m.VersionEndIncluding)
	e.str(m.VersionEndExcluding)
	e.varint(int64(m.Config))
	e.varint(int64(m.Node))
	e.str(m.Operator)
	e.bool(m.Negate)
	e.str(m.ConfigOperator)
}

func (e *encoder) kev(k vuln.KEV) {
	e.str(k.DateAdded)
	e.str(k.DueDate)
	e.str(k.RansomwareUse)
	e.str(k.VendorProject)
	e.str(k.Product)
	e.str(k.Name)
	e.str(k.RequiredAction)
	e.str(k.CatalogVersion)
}

func (e *encoder) epss(s vuln.EPSS) {
	e.float(s.Score)
	e.float(s.Percentile)
	e.str(s.Date)
}
