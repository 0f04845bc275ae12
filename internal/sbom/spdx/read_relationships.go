package spdx

import (
	"fmt"
	"slices"
	"strings"

	"medvigil/internal/sbom"
)

// edgeDirection tells how a relationship type (SPDX 2.3 section 11.1) reads
// as a dependency edge: +1 for "A type B" meaning A depends on or contains
// B, -1 for the inverse forms, 0 for no edge.
func edgeDirection(typ string) int {
	switch typ {
	case "DEPENDS_ON", "CONTAINS":
		return +1
	case "CONTAINED_BY", "DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF",
		"PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF":
		return -1
	}
	return 0
}

// edges groups dependency edges by source in order of first appearance,
// each target once.
type edges struct {
	deps  []sbom.Dependency
	index map[string]int
	// sets holds the targets of sources with many, for the repeat check.
	sets map[string]map[string]bool
}

func (e *edges) source(ref string) *sbom.Dependency {
	if e.index == nil {
		e.index = make(map[string]int)
	}
	i, ok := e.index[ref]
	if !ok {
		i = len(e.deps)
		e.index[ref] = i
		e.deps = append(e.deps, sbom.Dependency{Ref: ref})
	}
	return &e.deps[i]
}

func (e *edges) add(from, to string) {
	d := e.source(from)
	const few = 16
	if len(d.DependsOn) < few {
		if !slices.Contains(d.DependsOn, to) {
			d.DependsOn = append(d.DependsOn, to)
		}
		return
	}
	if e.sets == nil {
		e.sets = make(map[string]map[string]bool)
	}
	set := e.sets[from]
	if set == nil {
		set = make(map[string]bool, 2*few)
		for _, t := range d.DependsOn {
			set[t] = true
		}
		e.sets[from] = set
	}
	if !set[to] {
		set[to] = true
		d.DependsOn = append(d.DependsOn, to)
	}
}

// relationships reads the primary package and the dependency edges.
func (r *reader) relationships() {
	s := r.src
	// Places are made only for warnings: most documents need none.
	type describe struct {
		id string
		at func() place
	}
	var describes []describe
	for k, id := range s.describes {
		describes = append(describes, describe{s.docElementID(id), func() place { return s.loc.describes(k) }})
	}
	var g edges
	for j, rel := range s.doc.Relationships {
		if rel == nil {
			continue
		}
		a, b := s.docElementID(rel.RefA), s.docElementID(rel.RefB)
		typ := strings.ToUpper(strings.TrimSpace(rel.Relationship))
		at := func() place { return s.loc.relationship(j) }
		if typ == "DESCRIBE" {
			s.warn(at(), fmt.Errorf("relationship type DESCRIBE is no SPDX type; read as DESCRIBES"))
			typ = "DESCRIBES"
		}
		switch {
		case typ == "DESCRIBES" && a == r.docID:
			describes = append(describes, describe{b, at})
			continue
		case typ == "DESCRIBED_BY" && b == r.docID:
			describes = append(describes, describe{a, at})
			continue
		}
		dir := edgeDirection(typ)
		if dir == 0 {
			continue
		}
		from, to := a, b
		if dir < 0 {
			from, to = b, a
		}
		if typ == "DEPENDS_ON" && to == noneID {
			if r.isPackage(at, from, rel.Relationship) {
				g.source(r.ref(from))
			}
			continue
		}
		if r.isPackage(at, from, rel.Relationship) && r.isPackage(at, to, rel.Relationship) {
			g.add(r.ref(from), r.ref(to))
		}
	}
	r.out.Dependencies = g.deps
	for _, d := range describes {
		if r.isPackage(d.at, d.id, "DESCRIBES") {
			r.out.PrimaryRef = r.ref(d.id)
			break
		}
	}
}

// isPackage reports whether id names a package of the document. It warns
// (at at()) when id names no element at all; NONE, NOASSERTION, the
// document, files, snippets and elements of other documents are silently no
// package.
func (r *reader) isPackage(at func() place, id, relType string) bool {
	if _, ok := r.byID[id]; ok {
		return true
	}
	if id == noneID || id == noAssertion || id == r.docID || r.src.otherIDs[id] || strings.HasPrefix(id, docRefPrefix) {
		return false
	}
	r.src.warn(at(), fmt.Errorf("%s relationship refers to %q, which the document does not define; ignored", relType, id))
	return false
}

// ref returns the component ref for an SPDX identifier (the first package
// when several share it).
func (r *reader) ref(id string) string {
	return r.out.Components[r.byID[id]].Ref
}
