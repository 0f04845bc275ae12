package portfolio

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/osv-scalibr/semantic"

	"medvigil/internal/match"
	"medvigil/internal/sbom"
)

// Portfolio holds the components of many SBOMs, indexed by package identity
// so that Affected, AffectedSBOMs and Candidates read only the components an
// advisory names.
//
// Components that are the same for matching (same purl, name, version,
// group, supplier and CPEs) are stored once, as a variant, with the versions
// of each OSV package kept in version order; each SBOM keeps, per
// component, only its ref and its variant (about 50 bytes per component).
// Shared strings (names, versions, suppliers) are interned.
//
// A Portfolio is safe for concurrent use: readers (Affected,
// AffectedSBOMs, Candidates, Len, Stats) run in parallel, and writers (Add,
// Remove) wait for them.
type Portfolio struct {
	mu sync.RWMutex

	strs     map[string]string // interned strings (names, versions, suppliers, keys)
	keys     map[key][]uint32  // package identity → variants
	orders   map[key]*order    // OSV package key → its variants by version
	variants []variant         // by variant id; a freed one has no postings
	byComp   map[string]uint32 // compKey → the first variant with it (see variant.next)
	freeVar  []uint32          // freed variant ids
	sboms    []*stored         // by slot; nil when free
	slots    map[string]uint32 // SBOM ID → slot
	free     []uint32          // free slots
	comps    int               // components of the stored SBOMs

	// rank orders the live slots by SBOM ID, built on the first read after
	// a write (readers share mu's read lock, so rankMu guards the build).
	rankMu     sync.Mutex
	rank       []uint32 // by slot
	bySlotRank []uint32 // the slot of each rank
	rankOK     bool

	// segScratch holds []int32 buffers of one entry per variant for
	// classify, zero between uses: evaluations run on all cores, and a fresh
	// buffer per evaluation cost more than the evaluation.
	segScratch sync.Pool
}

// ident is what makes components the same for matching: the fields
// match.NewQuery reads, but Ref. Strings are interned.
type ident struct {
	name, version, purl, group, supplier string
	cpes                                 []string
}

// component returns the component match.NewQuery reads.
func (id *ident) component() sbom.Component {
	c := sbom.Component{Name: id.name, Version: id.version, PURL: id.purl, CPEs: id.cpes, Group: id.group}
	if id.supplier != "" {
		c.Supplier = &sbom.Party{Name: id.supplier}
	}
	return c
}

// variant is one distinct component identity.
type variant struct {
	ident
	posts []posting // where the variant occurs
	next  uint32    // the next variant with the same byComp key, or noVariant

	// What OSV ranges are evaluated on (see match.NewQuery): the purl's
	// version, else the component's (pv), when the purl names an OSV
	// package (hasPkg); ecoOK says whether pv parses in its ecosystem. The
	// parsed versions are not kept: they cost more memory than parsing the
	// few that a look-up compares.
	hasPkg, ecoOK bool
	pv            string

	// q is the variant prepared for matching, made when first evaluated.
	q atomic.Pointer[match.Query]
}

// query returns the variant prepared for matching. Readers may call it
// concurrently; two may prepare the same variant, and one result is kept.
func (vr *variant) query() *match.Query {
	if q := vr.q.Load(); q != nil {
		return q
	}
	c := vr.component()
	q := match.NewQuery(&c)
	if vr.q.CompareAndSwap(nil, &q) {
		return &q
	}
	return vr.q.Load()
}

// ref returns the variant as a finding's component, without its ref.
func (id *ident) ref() match.ComponentRef {
	return match.ComponentRef{Name: id.name, Version: id.version, PURL: id.purl, CPEs: id.cpes}
}

// posting is one occurrence of a variant: the SBOM's slot and the
// component's position in the document.
type posting struct{ slot, pos uint32 }

// stored is one stored SBOM.
type stored struct {
	id   string
	refs string   // the component refs, concatenated
	ends []uint32 // ends[i] is where component i's ref ends in refs
	vars []uint32 // vars[i] is component i's variant, noVariant if none
}

// noVariant marks a component that no key names (no purl, CPE or name), so
// that no advisory can match it.
const noVariant = ^uint32(0)

func (s *stored) ref(pos uint32) string {
	start := uint32(0)
	if pos > 0 {
		start = s.ends[pos-1]
	}
	return s.refs[start:s.ends[pos]]
}

// New returns an empty portfolio.
func New() *Portfolio {
	return &Portfolio{
		strs:   map[string]string{},
		keys:   map[key][]uint32{},
		orders: map[key]*order{},
		byComp: map[string]uint32{},
		slots:  map[string]uint32{},
	}
}

// Add stores doc's components under the SBOM ID id, replacing any SBOM
// stored under that ID. The portfolio keeps no reference to doc: it copies
// the fields matching reads (ref, name, version, purl, CPEs, group, and the
// supplier's or else the manufacturer's name).
func (p *Portfolio) Add(id string, doc *sbom.Document) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if slot, ok := p.slots[id]; ok {
		p.remove(slot)
	}
	n := len(doc.Components)
	s := &stored{id: strings.Clone(id), ends: make([]uint32, n), vars: make([]uint32, n)}
	var slot uint32
	if k := len(p.free); k > 0 {
		slot = p.free[k-1]
		p.free = p.free[:k-1]
		p.sboms[slot] = s
	} else {
		slot = uint32(len(p.sboms))
		p.sboms = append(p.sboms, s)
	}
	p.slots[s.id] = slot
	size := 0
	for i := range doc.Components {
		size += len(doc.Components[i].Ref)
	}
	var refs strings.Builder
	refs.Grow(size)
	for i := range doc.Components {
		c := &doc.Components[i]
		refs.WriteString(c.Ref)
		s.ends[i] = uint32(refs.Len())
		v := p.variantOf(c)
		s.vars[i] = v
		if v != noVariant {
			p.variants[v].posts = append(p.variants[v].posts, posting{slot, uint32(i)})
		}
	}
	s.refs = refs.String()
	p.comps += n
	p.rankOK = false
}

// Remove drops the SBOM stored under id, if any.
func (p *Portfolio) Remove(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if slot, ok := p.slots[id]; ok {
		p.remove(slot)
	}
}

func (p *Portfolio) remove(slot uint32) {
	s := p.sboms[slot]
	vars := slices.Clone(s.vars)
	slices.Sort(vars)
	vars = slices.Compact(vars)
	for _, v := range vars {
		if v == noVariant {
			continue
		}
		vr := &p.variants[v]
		vr.posts = slices.DeleteFunc(vr.posts, func(ps posting) bool { return ps.slot == slot })
		if len(vr.posts) == 0 {
			p.dropVariant(v)
		}
	}
	p.sboms[slot] = nil
	delete(p.slots, s.id)
	p.free = append(p.free, slot)
	p.comps -= len(s.vars)
	p.rankOK = false
}

// supplierOf returns the supplier name match.NewQuery reads: the supplier's
// when a supplier is given, else the manufacturer's.
func supplierOf(c *sbom.Component) string {
	switch {
	case !c.Supplier.IsZero():
		return c.Supplier.Name
	case !c.Manufacturer.IsZero():
		return c.Manufacturer.Name
	}
	return ""
}

// compKey is the byComp key of a component: its purl, or when it has none
// its name and version.
func compKey(purl, name, version string) string {
	if purl != "" {
		return purl
	}
	return "\x00" + name + "\x00" + version
}

// same reports whether c (whose supplier name NewQuery reads is supplier)
// is the same for matching.
func (id *ident) same(c *sbom.Component, supplier string) bool {
	return id.purl == c.PURL && id.name == c.Name && id.version == c.Version && id.group == c.Group &&
		id.supplier == supplier && (id.cpes == nil) == (c.CPEs == nil) && slices.Equal(id.cpes, c.CPEs)
}

func (p *Portfolio) intern(s string) string {
	if s == "" {
		return ""
	}
	if t, ok := p.strs[s]; ok {
		return t
	}
	s = strings.Clone(s)
	p.strs[s] = s
	return s
}

// variantOf returns c's variant, making it when new.
func (p *Portfolio) variantOf(c *sbom.Component) uint32 {
	supplier := supplierOf(c)
	ck := compKey(c.PURL, c.Name, c.Version)
	first, ok := p.byComp[ck]
	if ok {
		for v := first; v != noVariant; v = p.variants[v].next {
			if p.variants[v].same(c, supplier) {
				return v
			}
		}
	}
	id := ident{
		name:     p.intern(c.Name),
		version:  p.intern(c.Version),
		purl:     strings.Clone(c.PURL), // rarely shared: not interned
		group:    p.intern(c.Group),
		supplier: p.intern(supplier),
	}
	if c.CPEs != nil {
		id.cpes = make([]string, len(c.CPEs))
		for i, s := range c.CPEs {
			id.cpes[i] = strings.Clone(s)
		}
	}
	slim := id.component()
	var keys []key
	componentKeys(&slim, func(k key) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	})
	if len(keys) == 0 {
		return noVariant
	}
	var v uint32
	if k := len(p.freeVar); k > 0 {
		v = p.freeVar[k-1]
		p.freeVar = p.freeVar[:k-1]
	} else {
		v = uint32(len(p.variants))
		p.variants = append(p.variants, variant{})
	}
	next := noVariant
	if ok {
		next = first
	} else {
		ck = compKey(id.purl, id.name, id.version)
	}
	p.variants[v] = variant{ident: id, next: next}
	vr := &p.variants[v]
	pkgKey, hasPkg := p.parseVersion(vr)
	p.byComp[ck] = v
	for _, k := range keys {
		if _, ok := p.keys[k]; !ok {
			k.a, k.b = p.intern(k.a), p.intern(k.b)
		}
		p.keys[k] = append(p.keys[k], v)
	}
	if hasPkg {
		o := p.orders[pkgKey]
		if o == nil {
			o = &order{eco: pkgKey.a}
			p.orders[pkgKey] = o
		}
		o.insert(p.variants, v)
	}
	return v
}

// parseVersion sets what OSV ranges are evaluated on, as match.NewQuery
// and the match index's range evaluation do, and returns the variant's OSV
// package key; ok is false when its purl names no OSV package.
func (p *Portfolio) parseVersion(vr *variant) (_ key, ok bool) {
	pk, ok := match.PackageOf(vr.purl)
	if !ok {
		return key{}, false
	}
	k := packageKey(pk.Ecosystem, pk.Name)
	vr.hasPkg = true
	vr.pv = pk.Version
	if vr.pv == "" {
		vr.pv = vr.version
	}
	if vr.pv == "" {
		return k, true
	}
	vr.pv = p.intern(vr.pv)
	_, err := semantic.Parse(vr.pv, k.a)
	vr.ecoOK = err == nil
	return k, true
}

// dropVariant forgets a variant that no stored SBOM holds any more.
func (p *Portfolio) dropVariant(v uint32) {
	vr := &p.variants[v]
	if vr.hasPkg {
		pk, _ := match.PackageOf(vr.purl)
		k := packageKey(pk.Ecosystem, pk.Name)
		if o := p.orders[k]; o != nil {
			o.remove(v)
			if o.empty() {
				delete(p.orders, k)
			}
		}
	}
	slim := vr.component()
	componentKeys(&slim, func(k key) {
		list := p.keys[k]
		if i := slices.Index(list, v); i >= 0 {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
			if len(list) == 0 {
				delete(p.keys, k)
			} else {
				p.keys[k] = list
			}
		}
	})
	// Unlink v from its byComp chain.
	ck := compKey(vr.purl, vr.name, vr.version)
	if first := p.byComp[ck]; first == v {
		if vr.next == noVariant {
			delete(p.byComp, ck)
		} else {
			p.byComp[ck] = vr.next
		}
	} else {
		for u := first; u != noVariant; u = p.variants[u].next {
			if p.variants[u].next == v {
				p.variants[u].next = vr.next
				break
			}
		}
	}
	p.variants[v] = variant{}
	p.freeVar = append(p.freeVar, v)
}

// Len returns the number of stored SBOMs.
func (p *Portfolio) Len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.slots)
}

// Stats describe what a portfolio holds.
type Stats struct {
	SBOMs      int // stored SBOMs
	Components int // their components
	// Variants is the number of distinct components (same purl, name,
	// version, group, supplier and CPEs), each prepared for matching once.
	Variants int
	// Keys is the number of package identities indexed.
	Keys int
}

// Stats returns counts of what the portfolio holds.
func (p *Portfolio) Stats() Stats {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return Stats{SBOMs: len(p.slots), Components: p.comps, Variants: len(p.variants) - len(p.freeVar), Keys: len(p.keys)}
}

// ranks returns the rank of each live slot in SBOM ID order, and the slot
// of each rank. The caller holds the read lock.
func (p *Portfolio) ranks() (rank, slots []uint32) {
	p.rankMu.Lock()
	defer p.rankMu.Unlock()
	if !p.rankOK {
		live := make([]uint32, 0, len(p.slots))
		for _, s := range p.slots {
			live = append(live, s)
		}
		slices.SortFunc(live, func(a, b uint32) int { return strings.Compare(p.sboms[a].id, p.sboms[b].id) })
		rank := make([]uint32, len(p.sboms))
		for r, s := range live {
			rank[s] = uint32(r)
		}
		p.rank, p.bySlotRank, p.rankOK = rank, live, true
	}
	return p.rank, p.bySlotRank
}
