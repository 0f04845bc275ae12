package vuln

import (
	"cmp"
	"slices"
	"strings"
)

// KB is a knowledge base: advisories from every source, grouped into
// vulnerabilities by their IDs and aliases, with KEV and EPSS marks by CVE.
// Build it with Add, SetKEV and SetEPSS, then read it; it is not safe for
// concurrent writes, and reads may run concurrently once writing is done.
type KB struct {
	advisories []*Advisory
	parent     map[string]string // union-find over IDs
	kev        map[string]KEV
	epss       map[string]EPSS
	members    map[string][]string    // group root → IDs, built lazily
	byGroup    map[string][]*Advisory // group root → advisories, built lazily
}

// NewKB returns an empty knowledge base.
func NewKB() *KB {
	return &KB{parent: map[string]string{}, kev: map[string]KEV{}, epss: map[string]EPSS{}}
}

// Add adds advisories. Two advisories that share an ID or alias become one
// vulnerability (OSV aliases are symmetric: GHSA-x aliasing CVE-y and GO-z
// aliasing CVE-y make one vulnerability of all three).
func (kb *KB) Add(advs ...*Advisory) {
	for _, a := range advs {
		kb.advisories = append(kb.advisories, a)
		kb.find(a.ID)
		for _, al := range a.Aliases {
			kb.union(a.ID, al)
		}
	}
	kb.members, kb.byGroup = nil, nil
}

// SetKEV adds KEV marks by CVE ID.
func (kb *KB) SetKEV(entries map[string]KEV) {
	for id, k := range entries {
		kb.kev[id] = k
	}
}

// SetEPSS adds EPSS scores by CVE ID.
func (kb *KB) SetEPSS(entries map[string]EPSS) {
	for id, e := range entries {
		kb.epss[id] = e
	}
}

// Advisories returns every advisory, in the order added.
func (kb *KB) Advisories() []*Advisory { return kb.advisories }

// Len returns the number of advisories.
func (kb *KB) Len() int { return len(kb.advisories) }

// KEVCount and EPSSCount return how many marks the KB holds.
func (kb *KB) KEVCount() int  { return len(kb.kev) }
func (kb *KB) EPSSCount() int { return len(kb.epss) }

func (kb *KB) find(id string) string {
	p, ok := kb.parent[id]
	if !ok {
		kb.parent[id] = id
		return id
	}
	if p == id {
		return id
	}
	root := kb.find(p)
	if root != p {
		kb.parent[id] = root // path compression; never a write once compressed
	}
	return root
}

func (kb *KB) union(a, b string) {
	ra, rb := kb.find(a), kb.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		kb.parent[rb] = ra
	} else {
		kb.parent[ra] = rb
	}
}

// Group returns the key of the vulnerability id belongs to: the same string
// for all IDs of one vulnerability. An unknown id is its own group.
func (kb *KB) Group(id string) string {
	if _, ok := kb.parent[id]; !ok {
		return id
	}
	return kb.find(id)
}

// IDs returns every ID of the vulnerability id belongs to, sorted by
// preference (PrimaryID first).
func (kb *KB) IDs(id string) []string {
	if kb.members == nil {
		kb.members = map[string][]string{}
		for x := range kb.parent {
			r := kb.find(x)
			kb.members[r] = append(kb.members[r], x)
		}
		for _, ids := range kb.members {
			SortIDs(ids)
		}
	}
	if ids, ok := kb.members[kb.Group(id)]; ok {
		return ids
	}
	return []string{id}
}

// GroupAdvisories returns every advisory of the vulnerability id belongs
// to, from all sources, in the order added.
func (kb *KB) GroupAdvisories(id string) []*Advisory {
	if kb.byGroup == nil {
		kb.byGroup = map[string][]*Advisory{}
		for _, a := range kb.advisories {
			r := kb.find(a.ID)
			kb.byGroup[r] = append(kb.byGroup[r], a)
		}
	}
	return kb.byGroup[kb.Group(id)]
}

// Freeze builds the lazy lookup tables now, so that concurrent readers never
// write. Call it after the last Add.
func (kb *KB) Freeze() {
	for id := range kb.parent {
		kb.find(id)
	}
	kb.IDs("")
	kb.GroupAdvisories("")
}

// KEV returns the KEV mark of any CVE among ids, or nil.
func (kb *KB) KEV(ids []string) *KEV {
	for _, id := range ids {
		if k, ok := kb.kev[id]; ok {
			return &k
		}
	}
	return nil
}

// EPSS returns the highest EPSS score among the CVEs in ids, or nil.
func (kb *KB) EPSS(ids []string) *EPSS {
	var best *EPSS
	for _, id := range ids {
		if e, ok := kb.epss[id]; ok && (best == nil || e.Score > best.Score) {
			best = &e
		}
	}
	return best
}

// SortIDs orders IDs by preference: CVE first, then GHSA, then the rest,
// each alphabetically.
func SortIDs(ids []string) {
	rank := func(s string) int {
		switch {
		case strings.HasPrefix(s, "CVE-"):
			return 0
		case strings.HasPrefix(s, "GHSA-"):
			return 1
		}
		return 2
	}
	slices.SortFunc(ids, func(a, b string) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}
