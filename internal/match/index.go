package match

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/osv-scalibr/semantic"

	"medvigil/internal/match/cpe"
	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

// pkgKey indexes OSV affected entries.
type pkgKey struct{ eco, name string }

// entry is one OSV affected package of one advisory, prepared for matching.
type entry struct {
	adv      *vuln.Advisory
	eco      string
	name     string
	versions []string
	ranges   []preparedRange
}

// Stats describe an index.
type Stats struct {
	Advisories     int // advisories indexed
	Withdrawn      int // skipped: withdrawn by their source
	PackageEntries int // (advisory, package) pairs in the purl index
	GitRanges      int // GIT ranges, ignored (commit ranges need the source tree)
	// UnparsedRanges counts ranges whose versions do not parse in their
	// ecosystem, among the packages looked up so far (ranges are parsed on
	// first use).
	UnparsedRanges int
	CPECriteria    int // NVD criteria in the CPE index
	CSAFProducts   int // CSAF affected products indexed
}

// Index is the in-memory matching index over a knowledge base. Build it with
// NewIndex; it is read-only afterwards and safe for concurrent use.
type Index struct {
	kb     *vuln.KB
	byPkg  map[pkgKey]*bucket
	cpes   *cpe.Index
	csaf   *csafIndex
	groups map[string]*groupInfo // vulnerability group → shared finding facts
	// unparsed counts ranges that did not parse, as buckets are prepared.
	unparsed atomic.Int64
	stats    Stats
	// candidates enables candidate CPEs for components without one.
	candidates bool
}

// Options tune matching.
type Options struct {
	// NoCPECandidates turns off candidate CPEs guessed from purls and names
	// for components that carry no CPE (lower-confidence findings).
	NoCPECandidates bool
}

// NewIndex indexes every advisory of kb that is not withdrawn.
func NewIndex(kb *vuln.KB) *Index { return NewIndexWith(kb, Options{}) }

// NewIndexWith indexes kb with options.
func NewIndexWith(kb *vuln.KB, opts Options) *Index {
	kb.Freeze()
	ix := &Index{kb: kb, byPkg: map[pkgKey]*bucket{}, candidates: !opts.NoCPECandidates}
	ix.cpes = cpe.NewIndex(kb.Advisories())
	ix.csaf = newCSAFIndex(kb.Advisories())
	ix.stats.CSAFProducts = ix.csaf.indexed()
	ix.stats.CPECriteria = ix.cpes.Len()
	ix.groups = map[string]*groupInfo{}
	for _, a := range kb.Advisories() {
		g := kb.Group(a.ID)
		if _, ok := ix.groups[g]; !ok {
			ix.groups[g] = ix.newGroupInfo(a.ID)
		}
	}
	for _, a := range kb.Advisories() {
		if a.IsWithdrawn() {
			ix.stats.Withdrawn++
			continue
		}
		ix.stats.Advisories++
		for i := range a.Affected {
			ix.addAffected(a, &a.Affected[i])
		}
	}
	return ix
}

// Stats returns counts of what the index holds and skipped.
func (ix *Index) Stats() Stats {
	st := ix.stats
	st.UnparsedRanges = int(ix.unparsed.Load())
	return st
}

// KB returns the knowledge base the index was built from.
func (ix *Index) KB() *vuln.KB { return ix.kb }

// bucket holds the OSV entries of one package. Their ranges are parsed on
// the first look-up of the package, not when the index is built: a scan pays
// only for the packages its SBOMs contain (osv-scanner likewise loads only the
// advisories of packages it sees).
type bucket struct {
	once    sync.Once
	raw     []rawAffected
	entries []*entry
}

type rawAffected struct {
	adv *vuln.Advisory
	af  *vuln.Affected
}

func (ix *Index) addAffected(a *vuln.Advisory, af *vuln.Affected) {
	if af.Ecosystem == "" || af.Name == "" || af.Status != "" {
		return // not an OSV package entry (CSAF products and NVD CPEs are indexed elsewhere)
	}
	eco := baseEcosystem(af.Ecosystem)
	usable := len(af.Versions) > 0
	for _, r := range af.Ranges {
		if r.Type == vuln.RangeGit {
			ix.stats.GitRanges++
			continue
		}
		usable = true
	}
	if !usable {
		return
	}
	k := pkgKey{eco, nameKey(eco, normalizeAffectedName(eco, af.Name))}
	b := ix.byPkg[k]
	if b == nil {
		b = &bucket{}
		ix.byPkg[k] = b
	}
	b.raw = append(b.raw, rawAffected{a, af})
	ix.stats.PackageEntries++
}

// prepared returns the bucket's entries, parsing their ranges once.
func (ix *Index) prepared(b *bucket) []*entry {
	b.once.Do(func() {
		for _, r := range b.raw {
			eco := baseEcosystem(r.af.Ecosystem)
			e := &entry{adv: r.adv, eco: r.af.Ecosystem, name: r.af.Name, versions: r.af.Versions}
			for _, rg := range r.af.Ranges {
				if rg.Type == vuln.RangeGit {
					continue
				}
				pr, ok := prepareRange(eco, rg)
				if !ok {
					ix.unparsed.Add(1)
					continue
				}
				e.ranges = append(e.ranges, pr)
			}
			if len(e.ranges) > 0 || len(e.versions) > 0 {
				b.entries = append(b.entries, e)
			}
		}
		b.raw = nil
	})
	return b.entries
}

// baseEcosystem drops an OSV ecosystem's release suffix ("Debian:12" →
// "Debian").
func baseEcosystem(eco string) string {
	base, _, _ := strings.Cut(eco, ":")
	return base
}

func normalizeAffectedName(eco, name string) string {
	if eco == "PyPI" {
		return PEP503Name(name)
	}
	return name
}

// Query is a component prepared for look-ups: its identity parsed once.
type Query struct {
	Component ComponentRef
	pkg       Package
	hasPkg    bool
	// parsed is set once version and semver hold the parsed versions
	// (always by NewQuery; by Index.MatchPrepared when its index has the
	// package).
	parsed  bool
	key     pkgKey
	version semantic.Version // nil when the version does not parse
	semver  semantic.Version // the version read as SemVer, for SEMVER ranges
	cpes    []cpe.Name       // the component's own CPEs that parse
	// candidates are CPEs guessed from purl and name when cpes is empty.
	candidates []cpe.Name
	// supplier is the component's supplier or manufacturer name, for CSAF
	// vendor + product matching.
	supplier string
	group    string
}

// NewQuery prepares a component for matching.
func NewQuery(c *sbom.Component) Query { return newQuery(c, nil) }

// newQuery prepares c; with an index, it leaves out what that index will
// not look at: candidate CPEs when it has no CPE criteria or candidates are
// off, and the parsed versions when no OSV package of that name is
// indexed (most components of most SBOMs).
func newQuery(c *sbom.Component, ix *Index) Query {
	q := prepareQuery(c, ix == nil || ix.candidates && ix.cpes.Len() > 0)
	if q.hasPkg && (ix == nil || ix.byPkg[q.key] != nil) {
		q.parseVersions()
	}
	return q
}

// parseVersions parses the package version, for the ecosystem's order and
// as SemVer.
func (q *Query) parseVersions() {
	q.parsed = true
	v := q.pkg.Version
	if v == "" {
		return
	}
	if sv, err := semantic.Parse(v, q.key.eco); err == nil {
		q.version = sv
	}
	q.semver = semantic.ParseSemverVersion(v)
}

// hit is one matching (advisory, rule) for a component.
type hit struct {
	adv   *vuln.Advisory
	ev    Evidence
	fixed []string
}

// lookupPURL returns the OSV entries that affect q's package version.
func (ix *Index) lookupPURL(q *Query, out []hit) []hit {
	if !q.hasPkg || q.pkg.Version == "" {
		return out
	}
	b := ix.byPkg[q.key]
	if b == nil {
		return out
	}
	for _, e := range ix.prepared(b) {
		if rule, ok := e.affects(q); ok {
			out = append(out, hit{
				adv: e.adv,
				ev: Evidence{Advisory: e.adv.ID, Source: e.adv.Source, Method: MethodPURL, Confidence: ConfidenceHigh,
					Rule: e.eco + "/" + e.name + " " + rule},
				fixed: e.fixedVersions(),
			})
		}
	}
	return out
}

func (e *entry) affects(q *Query) (string, bool) {
	if slices.Contains(e.versions, q.pkg.Version) {
		return "versions list contains " + q.pkg.Version, true
	}
	for _, r := range e.ranges {
		v := q.version
		if r.typ == vuln.RangeSemver {
			v = q.semver
		}
		if v == nil {
			continue
		}
		if ok, rule := r.contains(v, q.pkg.Version); ok {
			return rule, true
		}
	}
	return "", false
}

func (e *entry) fixedVersions() []string {
	var out []string
	for _, r := range e.ranges {
		out = append(out, r.fixedVersions()...)
	}
	return out
}

// lookupCPE returns the NVD criteria that match the component's own CPEs,
// or, when it has none, candidate CPEs guessed from its purl and name
// (reported as low confidence, never mixed with exact matches).
func (ix *Index) lookupCPE(q *Query, out []hit) []hit {
	if ix.cpes.Len() == 0 {
		return out
	}
	names, method, conf := q.cpes, MethodCPE, ConfidenceHigh
	if len(names) == 0 {
		if !ix.candidates {
			return out
		}
		names, method, conf = q.candidates, MethodCPECandidate, ConfidenceLow
	}
	for _, n := range names {
		for _, h := range ix.cpes.Lookup(n) {
			rule := h.Why
			if method == MethodCPECandidate {
				rule = "candidate " + n.String() + ": " + rule
			}
			if len(h.Platform) > 0 {
				rule += " (only when running on/with " + h.Platform[0].Criteria
				if len(h.Platform) > 1 {
					rule += " or another listed platform"
				}
				rule += ")"
			}
			out = append(out, hit{adv: h.Advisory, ev: Evidence{Advisory: h.Advisory.ID, Source: h.Advisory.Source, Method: method, Confidence: conf, Rule: rule}})
		}
	}
	return out
}

// MatchQuery returns the findings for one prepared component, one per
// vulnerability, sorted by ID.
func (ix *Index) MatchQuery(q *Query) []Finding {
	hits := ix.lookupPURL(q, nil)
	hits = ix.lookupCPE(q, hits)
	hits = ix.csaf.lookup(q, hits)
	if len(hits) == 0 {
		return nil
	}
	return ix.findings(q.Component, hits)
}

// Match returns the findings for every component of doc, in component order.
func (ix *Index) Match(doc *sbom.Document) []Finding {
	var out []Finding
	for i := range doc.Components {
		q := newQuery(&doc.Components[i], ix)
		out = append(out, ix.MatchQuery(&q)...)
	}
	return out
}

// groupInfo is what every finding of one vulnerability shares, computed
// once per vulnerability when the index is built.
type groupInfo struct {
	ids      []string
	severity Severity
	summary  string
	kev      *vuln.KEV
	epss     *vuln.EPSS
}

// group returns the shared facts of the vulnerability id belongs to.
func (ix *Index) group(id string) *groupInfo {
	if g, ok := ix.groups[ix.kb.Group(id)]; ok {
		return g
	}
	return ix.newGroupInfo(id)
}

func (ix *Index) newGroupInfo(id string) *groupInfo {
	advs := ix.kb.GroupAdvisories(id)
	ids := ix.kb.IDs(id)
	return &groupInfo{ids: ids, severity: severityOf(advs), summary: summaryOf(advs), kev: ix.kb.KEV(ids), epss: ix.kb.EPSS(ids)}
}

// findings groups hits by vulnerability and fills in severity, KEV, EPSS.
func (ix *Index) findings(c ComponentRef, hits []hit) []Finding {
	out := make([]Finding, 0, len(hits))
	groups := make([]string, 0, len(hits))
	for _, h := range hits {
		g := ix.kb.Group(h.adv.ID)
		k := slices.Index(groups, g)
		if k < 0 {
			info := ix.group(h.adv.ID)
			out = append(out, Finding{Component: c, ID: info.ids[0], IDs: info.ids, Confidence: ConfidenceLow,
				Severity: info.severity, Summary: info.summary, KEV: info.kev, EPSS: info.epss})
			groups = append(groups, g)
			k = len(out) - 1
		}
		f := &out[k]
		if !slices.ContainsFunc(f.Evidence, func(e Evidence) bool { return e == h.ev }) {
			f.Evidence = append(f.Evidence, h.ev)
		}
		if h.ev.Confidence == ConfidenceHigh {
			f.Confidence = ConfidenceHigh
		}
		for _, fx := range h.fixed {
			if !slices.Contains(f.Fixed, fx) {
				f.Fixed = append(f.Fixed, fx)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func summaryOf(advs []*vuln.Advisory) string {
	for _, a := range advs {
		if a.Summary != "" {
			return a.Summary
		}
	}
	for _, a := range advs {
		if a.Details != "" {
			s, _, _ := strings.Cut(a.Details, "\n")
			if len(s) > 200 {
				s = s[:200] + "…"
			}
			return s
		}
	}
	return ""
}
