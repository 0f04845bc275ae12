package portfolio

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/google/osv-scalibr/semantic"

	"medvigil/internal/match"
	"medvigil/internal/vuln"
)

// Hit is one stored SBOM an advisory affects.
type Hit struct {
	// SBOM is the ID the SBOM was added under.
	SBOM string
	// Findings are the SBOM's findings for the advisory's vulnerability, in
	// component order, one per affected component.
	Findings []match.Finding
}

// Affected returns the stored SBOMs that a's vulnerability affects, sorted
// by SBOM ID, with their findings: exactly what ix.Match would report for
// each stored SBOM, kept to the findings of the vulnerability a belongs to
// in ix's knowledge base (a finding whose evidence names a or any other
// advisory of its group), without rescanning.
//
// a must be in ix.KB() (build the index after adding or changing it);
// Affected evaluates the advisories the knowledge base holds for a's
// vulnerability (kb.GroupAdvisories(a.ID)), so an ID the knowledge base
// does not know yields nil, and a withdrawn advisory yields the SBOMs that
// only its aliases still affect.
//
// It reads only the components stored under the packages those advisories
// name: OSV packages (ecosystem and name), NVD criteria (CPE vendor and
// product, which also finds the candidate CPEs the index guesses for
// components without one), and CSAF products (purl, CPE, and a product name
// equal to the component's name but for case and punctuation: a CSAF
// matcher that matches names more loosely would find components Affected
// does not read). The components of one OSV package are evaluated once per
// class of versions the ranges cannot tell apart.
//
// For a vulnerability of a package most stored SBOMs hold, building the
// findings (one per affected component) is most of the cost; AffectedSBOMs
// returns the SBOM IDs alone. Findings returned by one call may share their
// slices (IDs, Evidence, Fixed, Component.CPEs) and KEV and EPSS marks;
// treat them as read-only.
func (p *Portfolio) Affected(a *vuln.Advisory, ix *match.Index) []Hit {
	e, ok := newEvaluation(a, ix)
	if !ok {
		return nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	members, found := p.evaluate(e)
	if len(members) == 0 {
		return nil
	}
	// Each member's finding, but for the component's ref.
	tmpls := make([]match.Finding, len(members))
	for i, m := range members {
		tmpls[i] = found[m.eval]
		tmpls[i].Component = p.variants[m.v].ref()
	}
	return p.fanOut(members, tmpls)
}

// AffectedSBOMs returns the IDs of the SBOMs Affected returns, sorted,
// without building their findings: for a vulnerability of a package in
// most stored SBOMs, the findings are most of Affected's cost.
func (p *Portfolio) AffectedSBOMs(a *vuln.Advisory, ix *match.Index) []string {
	e, ok := newEvaluation(a, ix)
	if !ok {
		return nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	members, _ := p.evaluate(e)
	if len(members) == 0 {
		return nil
	}
	rank, slots := p.ranks()
	hit := make([]bool, len(p.slots))
	for _, m := range members {
		for _, ps := range p.variants[m.v].posts {
			hit[rank[ps.slot]] = true
		}
	}
	var out []string
	for r, ok := range hit {
		if ok {
			out = append(out, p.sboms[slots[r]].id)
		}
	}
	return out
}

// evaluation is what Affected evaluates for an advisory.
type evaluation struct {
	pl   *plan
	gx   *match.Index // the advisory's vulnerability alone
	ix   *match.Index
	root string // its group in ix.KB()
}

func newEvaluation(a *vuln.Advisory, ix *match.Index) (*evaluation, bool) {
	kb := ix.KB()
	group := kb.GroupAdvisories(a.ID)
	if len(group) == 0 {
		return nil, false
	}
	pl := newPlan(group, false)
	if len(pl.pkgs) == 0 && len(pl.other) == 0 {
		return nil, false
	}
	return &evaluation{pl: pl, gx: groupIndex(kb, group), ix: ix, root: kb.Group(a.ID)}, true
}

// evaluate returns the affected variants, each with the index of its
// finding in found. The caller holds the read lock.
func (p *Portfolio) evaluate(e *evaluation) ([]member, []match.Finding) {
	// evals are the variants evaluated; members the variants that take the
	// finding of evals[member.eval].
	var evals []uint32
	var members []member
	alone := p.lookup(e.pl.other)
	if e.pl.csaf {
		alone = p.lookup(e.pl.keys())
	}
	for _, v := range alone {
		members = append(members, member{v, int32(len(evals))})
		evals = append(evals, v)
	}
	if !e.pl.csaf {
		for k, ck := range e.pl.pkgs {
			if o := p.orders[k]; o != nil {
				evals, members = p.classify(o, ck, alone, evals, members)
			}
		}
	}
	if len(evals) == 0 {
		return nil, nil
	}
	found := make([]match.Finding, len(evals))
	hit := make([]bool, len(evals))
	parallel(len(evals), 64, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			q := p.variants[evals[i]].query()
			if e.pl.csaf {
				found[i], hit[i] = findingOf(e.ix, q, e.root)
				continue
			}
			fs := e.gx.MatchQuery(q)
			if len(fs) == 0 {
				continue
			}
			f := fs[0] // gx holds one vulnerability: at most one finding
			if byCandidate(&f) {
				// Only variants evaluated alone get here (a candidate
				// CPE's key is among pl.other). ix may have candidate
				// CPEs turned off (match.Options.NoCPECandidates): ask it.
				var ok bool
				if f, ok = findingOf(e.ix, q, e.root); !ok {
					continue
				}
			}
			found[i], hit[i] = f, true
		}
	})
	members = slices.DeleteFunc(members, func(m member) bool { return !hit[m.eval] })
	return members, found
}

// member is a variant to report and the evaluation whose finding it takes
// (its own, or that of a variant of its class).
type member struct {
	v    uint32
	eval int32
}

// classify splits the variants of one OSV package (o) into classes that
// the package's checks cannot tell apart, and appends one evaluation per
// class and a member per variant; variants in alone are already planned,
// and variants whose version is named as text are evaluated on their own.
// The caller holds the read lock.
func (p *Portfolio) classify(o *order, ck *checks, alone, evals []uint32, members []member) ([]uint32, []member) {
	vs := p.variants
	skip := func(v uint32) bool {
		if len(alone) == 0 {
			return false
		}
		_, found := slices.BinarySearch(alone, v)
		return found
	}
	members = slices.Grow(members, len(o.noVers)+len(o.semver))
	// Versionless variants: no range applies, one class.
	cls := int32(-1)
	for _, v := range o.noVers {
		if skip(v) {
			continue
		}
		if cls < 0 {
			cls = int32(len(evals))
			evals = append(evals, v)
		}
		members = append(members, member{v, cls})
	}
	// Variants whose version is named as text.
	var named []uint32
	for _, s := range slices.Concat(ck.versions, ck.lastAffected) {
		lo, hi := equalRange(o.semver, vs, s)
		for _, v := range o.semver[lo:hi] {
			if vs[v].pv == s {
				named = append(named, v)
			}
		}
	}
	slices.Sort(named)
	named = slices.Compact(named)
	// Segment in the ecosystem's order (by variant; 0 when the version does
	// not parse in the ecosystem).
	var segE []int32
	nE := 1
	if ck.ecoRanges {
		ecoCuts := cuts(o.native, ck.eco, func(v uint32) semantic.Version { return o.ecoOf(&vs[v]) })
		nE = len(ecoCuts) + 2
		segE = p.segBuffer(len(vs))
		defer p.putSegBuffer(segE, o.native)
		c := 0
		for i, v := range o.native {
			for c < len(ecoCuts) && ecoCuts[c] <= i {
				c++
			}
			segE[v] = int32(c) + 1
		}
	}
	// Segment in SemVer order, and the class of each variant.
	semCuts := cuts(o.semver, ck.sem, func(v uint32) semantic.Version { return semOf(&vs[v]) })
	classes := make([]int32, (len(semCuts)+1)*nE)
	for i := range classes {
		classes[i] = -1
	}
	c := 0
	for i, v := range o.semver {
		for c < len(semCuts) && semCuts[c] <= i {
			c++
		}
		if skip(v) {
			continue
		}
		if _, found := slices.BinarySearch(named, v); found {
			members = append(members, member{v, int32(len(evals))})
			evals = append(evals, v)
			continue
		}
		idx := c * nE
		if segE != nil {
			idx += int(segE[v])
		}
		if classes[idx] < 0 {
			classes[idx] = int32(len(evals))
			evals = append(evals, v)
		}
		members = append(members, member{v, classes[idx]})
	}
	return evals, members
}

// segBuffer returns a zeroed buffer of n entries from the scratch pool.
func (p *Portfolio) segBuffer(n int) []int32 {
	if b, ok := p.segScratch.Get().(*[]int32); ok && len(*b) >= n {
		return (*b)[:n]
	}
	return make([]int32, n)
}

// putSegBuffer zeroes the entries classify wrote (those of written) and
// returns buf to the pool.
func (p *Portfolio) putSegBuffer(buf []int32, written []uint32) {
	for _, v := range written {
		buf[v] = 0
	}
	p.segScratch.Put(&buf)
}

// groupIndex indexes the advisories of one vulnerability alone, with the
// knowledge base's KEV and EPSS marks for its IDs. Its findings equal the
// full index's findings for that vulnerability: matching is per advisory,
// and a vulnerability's IDs, severity, summary and marks depend only on its
// own advisories (every alias link is made by one of them).
func groupIndex(kb *vuln.KB, group []*vuln.Advisory) *match.Index {
	gkb := vuln.NewKB()
	gkb.Add(group...)
	kev := map[string]vuln.KEV{}
	epss := map[string]vuln.EPSS{}
	for _, id := range gkb.IDs(group[0].ID) {
		if k := kb.KEV([]string{id}); k != nil {
			kev[id] = *k
		}
		if e := kb.EPSS([]string{id}); e != nil {
			epss[id] = *e
		}
	}
	gkb.SetKEV(kev)
	gkb.SetEPSS(epss)
	return match.NewIndex(gkb)
}

// byCandidate reports whether any evidence of f is a candidate CPE.
func byCandidate(f *match.Finding) bool {
	for _, e := range f.Evidence {
		if e.Method == match.MethodCPECandidate {
			return true
		}
	}
	return false
}

// findingOf returns ix's finding on q for the vulnerability whose group is
// root.
func findingOf(ix *match.Index, q *match.Query, root string) (match.Finding, bool) {
	for _, f := range ix.MatchQuery(q) {
		if ix.KB().Group(f.ID) == root {
			return f, true
		}
	}
	return match.Finding{}, false
}

// lookup returns the distinct variants stored under keys, sorted. The
// caller holds the read lock.
func (p *Portfolio) lookup(keys []key) []uint32 {
	var out []uint32
	for _, k := range keys {
		out = append(out, p.keys[k]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// entry is one finding to place: the component's SBOM slot and position,
// and its member.
type entry struct {
	slot, pos uint32
	member    int32
}

// fanOut turns the findings of members (tmpls, by member) into the hits of
// the SBOMs that hold them, in SBOM ID order and component order. The
// caller holds the read lock.
func (p *Portfolio) fanOut(members []member, tmpls []match.Finding) []Hit {
	rank, _ := p.ranks()
	n := len(p.slots)
	// Counting sort by SBOM rank.
	start := make([]int32, n+1)
	total := 0
	for _, m := range members {
		posts := p.variants[m.v].posts
		for _, ps := range posts {
			start[rank[ps.slot]+1]++
		}
		total += len(posts)
	}
	nhits := 0
	for r := 1; r <= n; r++ {
		if start[r] > 0 {
			nhits++
		}
		start[r] += start[r-1]
	}
	next := slices.Clone(start[:n])
	ents := make([]entry, total)
	for i, m := range members {
		for _, ps := range p.variants[m.v].posts {
			r := rank[ps.slot]
			ents[next[r]] = entry{slot: ps.slot, pos: ps.pos, member: int32(i)}
			next[r]++
		}
	}
	hits := make([]Hit, 0, nhits)
	ranks := make([]int32, 0, nhits)
	for r := range n {
		if start[r] < start[r+1] {
			hits = append(hits, Hit{SBOM: p.sboms[ents[start[r]].slot].id})
			ranks = append(ranks, int32(r))
		}
	}
	findings := make([]match.Finding, total)
	// Filling the findings is the bulk of the work for a widespread
	// package: split it over SBOMs.
	parallel(len(hits), 512, func(lo, hi int) {
		for h := lo; h < hi; h++ {
			b, e := start[ranks[h]], start[ranks[h]+1]
			bucket := ents[b:e]
			if len(bucket) > 1 {
				sortByPos(bucket)
			}
			s := p.sboms[bucket[0].slot]
			for j, en := range bucket {
				f := &findings[int(b)+j]
				*f = tmpls[en.member]
				f.Component.Ref = s.ref(en.pos)
			}
			hits[h].Findings = findings[b:e:e]
		}
	})
	return hits
}

// sortByPos orders one SBOM's entries by component position.
func sortByPos(es []entry) {
	if len(es) <= 16 {
		for i := 1; i < len(es); i++ {
			for j := i; j > 0 && es[j].pos < es[j-1].pos; j-- {
				es[j], es[j-1] = es[j-1], es[j]
			}
		}
		return
	}
	slices.SortFunc(es, func(a, b entry) int { return int(a.pos) - int(b.pos) })
}

// parallel calls fn over [0, n) in up to GOMAXPROCS chunks of at least
// chunk/2 items when n reaches chunk, else once.
func parallel(n, chunk int, fn func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < chunk || w < 2 {
		fn(0, n)
		return
	}
	w = max(1, min(w, n/(chunk/2)))
	var wg sync.WaitGroup
	for i := range w {
		lo, hi := i*n/w, (i+1)*n/w
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}

// Candidates returns the IDs of the stored SBOMs that hold a component of
// any package a names (see Affected), sorted, whatever the versions, for
// callers that rescan them themselves. It ignores withdrawal, so the SBOMs
// an advisory's withdrawal may clear are among the candidates.
func (p *Portfolio) Candidates(a *vuln.Advisory) []string {
	keys := newPlan([]*vuln.Advisory{a}, true).keys()
	p.mu.RLock()
	defer p.mu.RUnlock()
	seen := map[uint32]bool{}
	var out []string
	for _, v := range p.lookup(keys) {
		for _, ps := range p.variants[v].posts {
			if !seen[ps.slot] {
				seen[ps.slot] = true
				out = append(out, p.sboms[ps.slot].id)
			}
		}
	}
	slices.SortFunc(out, strings.Compare)
	return out
}
