package portfolio

import (
	"slices"
	"sort"

	"github.com/google/osv-scalibr/semantic"
)

// order keeps the variants of one OSV package sorted by version, in each of
// the two schemes OSV ranges are evaluated in, so that Affected finds where
// a range's events fall by binary search instead of comparing every
// variant's version with every event.
//
// It relies on the semantic package's Compare being a total order within an
// ecosystem, as the version schemes it implements are (SemVer 2.0, PEP 440,
// Maven ComparableVersion, NuGet, dpkg, rpm, …).
type order struct {
	eco    string   // the package's base ecosystem
	semver []uint32 // variants with a version, in SemVer order
	native []uint32 // variants whose version parses in the ecosystem, in its order
	noVers []uint32 // variants with no version (no range applies)
}

// semOf and ecoOf parse a variant's version as the match index does for
// SEMVER and ECOSYSTEM ranges.
func semOf(vr *variant) semantic.Version { return semantic.ParseSemverVersion(vr.pv) }

func (o *order) ecoOf(vr *variant) semantic.Version {
	v, err := semantic.Parse(vr.pv, o.eco)
	if err != nil {
		return nil // not in o.native
	}
	return v
}

// insert adds v in both schemes.
func (o *order) insert(vs []variant, v uint32) {
	vr := &vs[v]
	if vr.pv == "" {
		o.noVers = append(o.noVers, v)
		return
	}
	sv := semOf(vr)
	o.semver = insertSorted(o.semver, v, func(u uint32) int { c, _ := semOf(&vs[u]).Compare(sv); return c })
	if vr.ecoOK {
		ev := o.ecoOf(vr)
		o.native = insertSorted(o.native, v, func(u uint32) int { c, _ := o.ecoOf(&vs[u]).Compare(ev); return c })
	}
}

// insertSorted inserts v after the elements that cmp says are not above it.
func insertSorted(list []uint32, v uint32, cmp func(u uint32) int) []uint32 {
	i := sort.Search(len(list), func(i int) bool { return cmp(list[i]) > 0 })
	return slices.Insert(list, i, v)
}

// remove drops v.
func (o *order) remove(v uint32) {
	o.semver = deleteValue(o.semver, v)
	o.native = deleteValue(o.native, v)
	o.noVers = deleteValue(o.noVers, v)
}

func deleteValue(list []uint32, v uint32) []uint32 {
	if i := slices.Index(list, v); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

func (o *order) empty() bool { return len(o.semver) == 0 && len(o.noVers) == 0 }

// cuts returns, sorted and without repeats, the positions in list where the
// result of comparing the variant's version with an event changes: for each
// event, the first variant not below it and the first above it. Variants
// between two consecutive cuts compare alike with every event.
func cuts(list []uint32, events []semantic.Version, version func(v uint32) semantic.Version) []int {
	// Binary searches parse the same middle versions again and again:
	// remember them for this call.
	parsed := map[uint32]semantic.Version{}
	version0 := version
	version = func(v uint32) semantic.Version {
		x, ok := parsed[v]
		if !ok {
			x = version0(v)
			parsed[v] = x
		}
		return x
	}
	var out []int
	for _, ev := range events {
		cmp := func(i int) int { c, _ := version(list[i]).Compare(ev); return c }
		out = append(out,
			sort.Search(len(list), func(i int) bool { return cmp(i) >= 0 }),
			sort.Search(len(list), func(i int) bool { return cmp(i) > 0 }))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// equalRange returns the positions of the variants whose SemVer version
// compares equal to s parsed as SemVer: the only ones whose version can be
// the text s.
func equalRange(list []uint32, vs []variant, s string) (lo, hi int) {
	ev := semantic.ParseSemverVersion(s)
	cmp := func(i int) int { c, _ := semOf(&vs[list[i]]).Compare(ev); return c }
	lo = sort.Search(len(list), func(i int) bool { return cmp(i) >= 0 })
	hi = lo + sort.Search(len(list)-lo, func(i int) bool { return cmp(lo+i) > 0 })
	return lo, hi
}
