package snapshot

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"medvigil/internal/vuln"
)

// decoder reads a payload. The first fault is kept in err and every later
// read returns zero values, so that the decoding functions stay linear; the
// caller checks err once per record.
type decoder struct {
	buf  []byte
	pos  int
	strs []string
	err  error

	// Slabs the lists are cut from, a few allocations instead of one per
	// list.
	strSlab slab[string]
	sevSlab slab[vuln.Severity]
	refSlab slab[vuln.Reference]
	affSlab slab[vuln.Affected]
	rngSlab slab[vuln.Range]
	evSlab  slab[vuln.Event]
	cpeSlab slab[vuln.CPEMatch]
	remSlab slab[vuln.Remediation]
}

// slab hands out slices of one larger allocation. Each slice's capacity is
// its length, so that appending to it never writes into its neighbour.
type slab[T any] struct{ free []T }

func (s *slab[T]) take(n int) []T {
	if n > len(s.free) {
		s.free = make([]T, max(n, 1024))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("snapshot: %w: at payload byte %d: %s", ErrCorrupt, d.pos, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.buf[d.pos:])
	if k <= 0 {
		d.fail("bad or missing unsigned integer")
		return 0
	}
	d.pos += k
	return n
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Varint(d.buf[d.pos:])
	if k <= 0 {
		d.fail("bad or missing integer")
		return 0
	}
	d.pos += k
	return n
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.pos >= len(d.buf) {
		d.fail("missing byte")
		return 0
	}
	d.pos++
	return d.buf[d.pos-1]
}

func (d *decoder) bool() bool {
	switch b := d.byte(); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("boolean %d", b)
		return false
	}
}

func (d *decoder) float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.buf)-d.pos < 8 {
		d.fail("missing float")
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.buf[d.pos:]))
	d.pos += 8
	return f
}

func (d *decoder) str() string {
	i := d.uvarint()
	if i >= uint64(len(d.strs)) {
		d.fail("string %d of %d", i, len(d.strs))
		return ""
	}
	return d.strs[i]
}

// length reads a list's length; isNil is set for a nil list. A list cannot
// have more elements than bytes remain, which bounds what is allocated.
func (d *decoder) length() (n int, isNil bool) {
	v := d.uvarint()
	if v == 0 {
		return 0, true
	}
	if v-1 > uint64(len(d.buf)-d.pos) {
		d.fail("list of %d elements in %d bytes", v-1, len(d.buf)-d.pos)
		return 0, true
	}
	return int(v - 1), false
}

func (d *decoder) strList() []string {
	n, isNil := d.length()
	if isNil {
		return nil
	}
	list := d.strSlab.take(n)
	for i := range list {
		list[i] = d.str()
	}
	return list
}

func (d *decoder) time() time.Time {
	kind := d.byte()
	if kind == 0 {
		return time.Time{}
	}
	sec, nsec := d.varint(), d.uvarint()
	if nsec >= 1e9 {
		d.fail("%d nanoseconds", nsec)
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	switch kind {
	case 1:
		return t.UTC()
	case 2:
		off := d.varint()
		if off < -1e6 || off > 1e6 {
			d.fail("zone offset %d s", off)
			return time.Time{}
		}
		return t.In(time.FixedZone("", int(off)))
	}
	d.fail("time kind %d", kind)
	return time.Time{}
}

// table reads the string table: the strings become substrings of one copy.
func (d *decoder) table() {
	n := d.uvarint()
	if n > uint64(len(d.buf)-d.pos) {
		d.fail("%d strings in %d bytes", n, len(d.buf)-d.pos)
		return
	}
	// The lengths, once to find the bytes, then again to cut them.
	lengths := d.pos
	total := uint64(0)
	for range n {
		total += d.uvarint()
		if total > uint64(len(d.buf)) {
			d.fail("strings of %d bytes or more in a payload of %d", total, len(d.buf))
			return
		}
	}
	if d.err != nil {
		return
	}
	if total > uint64(len(d.buf)-d.pos) {
		d.fail("strings of %d bytes in %d", total, len(d.buf)-d.pos)
		return
	}
	blob := string(d.buf[d.pos : d.pos+int(total)])
	end := d.pos + int(total)
	d.pos = lengths
	// The slice is only an index into blob: reuse it from record to
	// record (version 2 decodes one table per record).
	if uint64(cap(d.strs)) >= n {
		d.strs = d.strs[:n]
	} else {
		d.strs = make([]string, n)
	}
	start := 0
	for i := range d.strs {
		l := int(d.uvarint())
		d.strs[i] = blob[start : start+l]
		start += l
	}
	d.pos = end
}

// decode reads an uncompressed payload into a knowledge base and checks the
// header's counts.
func decode(raw []byte, h Header) (*vuln.KB, error) {
	d := &decoder{buf: raw}
	d.table()
	n, _ := d.length()
	if d.err != nil {
		return nil, d.err
	}
	if n != h.Advisories {
		return nil, fmt.Errorf("snapshot: %w: %d advisories, the header says %d", ErrCorrupt, n, h.Advisories)
	}
	slab := make([]vuln.Advisory, n)
	advs := make([]*vuln.Advisory, n)
	for i := range slab {
		d.advisory(&slab[i])
		if d.err != nil {
			return nil, fmt.Errorf("%w (advisory %d)", d.err, i)
		}
		advs[i] = &slab[i]
	}
	kev, epss, err := d.marks(h)
	if err != nil {
		return nil, err
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.pos != len(d.buf) {
		return nil, fmt.Errorf("snapshot: %w: %d bytes after the last record", ErrCorrupt, len(d.buf)-d.pos)
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	kb.SetKEV(kev)
	kb.SetEPSS(epss)
	return kb, nil
}

// marks reads the KEV and EPSS lists and checks them against the
// header's counts.
func (d *decoder) marks(h Header) (map[string]vuln.KEV, map[string]vuln.EPSS, error) {
	n, _ := d.length()
	if d.err == nil && n != h.KEV {
		return nil, nil, fmt.Errorf("snapshot: %w: %d KEV marks, the header says %d", ErrCorrupt, n, h.KEV)
	}
	kev := make(map[string]vuln.KEV, n)
	for range n {
		id := d.str()
		kev[id] = d.kev()
	}
	n, _ = d.length()
	if d.err == nil && n != h.EPSS {
		return nil, nil, fmt.Errorf("snapshot: %w: %d EPSS marks, the header says %d", ErrCorrupt, n, h.EPSS)
	}
	epss := make(map[string]vuln.EPSS, n)
	for range n {
		id := d.str()
		epss[id] = d.epss()
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	if len(kev) != h.KEV || len(epss) != h.EPSS {
		return nil, nil, fmt.Errorf("snapshot: %w: a KEV or EPSS mark is listed twice", ErrCorrupt)
	}
	return kev, epss, nil
}

func (d *decoder) advisory(a *vuln.Advisory) {
	a.ID = d.str()
	a.Aliases = d.strList()
	a.Related = d.strList()
	a.Summary = d.str()
	a.Details = d.str()
	a.Published = d.time()
	a.Modified = d.time()
	a.Withdrawn = d.time()
	if n, isNil := d.length(); !isNil {
		a.Severities = d.sevSlab.take(n)
		for i := range a.Severities {
			s := &a.Severities[i]
			s.Type = vuln.SeverityType(d.str())
			s.Vector = d.str()
			s.Score = d.float()
			s.Rating = d.str()
			s.Source = d.str()
		}
	}
	a.CWEs = d.strList()
	if n, isNil := d.length(); !isNil {
		a.References = d.refSlab.take(n)
		for i := range a.References {
			a.References[i] = vuln.Reference{Type: d.str(), URL: d.str()}
		}
	}
	if n, isNil := d.length(); !isNil {
		a.Affected = d.affSlab.take(n)
		for i := range a.Affected {
			d.affected(&a.Affected[i])
		}
	}
	if n, isNil := d.length(); !isNil {
		a.CPEConfigs = d.cpeSlab.take(n)
		for i := range a.CPEConfigs {
			d.cpeMatch(&a.CPEConfigs[i])
		}
	}
	if n, isNil := d.length(); !isNil {
		a.Remediations = d.remSlab.take(n)
		for i := range a.Remediations {
			r := &a.Remediations[i]
			r.Category = d.str()
			r.Details = d.str()
			r.URL = d.str()
			r.Products = d.strList()
		}
	}
	if d.bool() {
		k := d.kev()
		a.KEV = &k
	}
	if d.bool() {
		s := d.epss()
		a.EPSS = &s
	}
	a.Source = vuln.Source(d.str())
	a.Document = d.str()
	a.Origin.File = d.str()
	a.Origin.Pointer = d.str()
}

func (d *decoder) affected(af *vuln.Affected) {
	af.Ecosystem = d.str()
	af.Name = d.str()
	af.PURL = d.str()
	af.CPE = d.str()
	af.Vendor = d.str()
	af.Product = d.str()
	af.ProductID = d.str()
	if n, isNil := d.length(); !isNil {
		af.Ranges = d.rngSlab.take(n)
		for i := range af.Ranges {
			r := &af.Ranges[i]
			r.Type = vuln.RangeType(d.str())
			r.Repo = d.str()
			if n, isNil := d.length(); !isNil {
				r.Events = d.evSlab.take(n)
				for j := range r.Events {
					r.Events[j] = vuln.Event{Introduced: d.str(), Fixed: d.str(), LastAffected: d.str(), Limit: d.str()}
				}
			}
		}
	}
	af.Versions = d.strList()
	af.VersRange = d.str()
	af.Status = d.str()
}

func (d *decoder) cpeMatch(m *vuln.CPEMatch) {
	m.Criteria = d.str()
	m.MatchCriteriaID = d.str()
	m.Vulnerable = d.bool()
	m.VersionStartIncluding = d.str()
	m.VersionStartExcluding = d.str()
	m.VersionEndIncluding = d.str()
	m.VersionEndExcluding = d.str()
	m.Config = int(d.varint())
	m.Node = int(d.varint())
	m.Operator = d.str()
	m.Negate = d.bool()
	m.ConfigOperator = d.str()
}

func (d *decoder) kev() vuln.KEV {
	return vuln.KEV{
		DateAdded: d.str(), DueDate: d.str(), RansomwareUse: d.str(), VendorProject: d.str(),
		Product: d.str(), Name: d.str(), RequiredAction: d.str(), CatalogVersion: d.str(),
	}
}

func (d *decoder) epss() vuln.EPSS {
	return vuln.EPSS{Score: d.float(), Percentile: d.float(), Date: d.str()}
}
