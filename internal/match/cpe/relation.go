package cpe

import "strings"

// Relation is the set relation between a source and a target attribute value
// (NISTIR 7696 section 6.1, Table 6-1): what the source denotes compared with
// what the target denotes.
type Relation uint8

// Attribute comparison relations (NISTIR 7696 Table 6-1).
const (
	// Disjoint: the values have nothing in common.
	Disjoint Relation = iota
	// Subset: the source denotes fewer things than the target.
	Subset
	// Superset: the source denotes more things than the target.
	Superset
	// Equal: the values denote the same thing.
	Equal
	// Undefined: the target has wildcards, which the specification does not
	// compare.
	Undefined
)

// String returns the specification's name of r.
func (r Relation) String() string {
	switch r {
	case Disjoint:
		return "DISJOINT"
	case Subset:
		return "SUBSET"
	case Superset:
		return "SUPERSET"
	case Equal:
		return "EQUAL"
	}
	return "UNDEFINED"
}

// Compare returns the relation of the source value to the target value, per
// NISTIR 7696 Table 6-2 and the compare and compare_strings pseudocode of its
// section 7 ("i" and "k" are different value strings, "m + wild cards" a
// value string with wildcards):
//
//	source          target          relation
//	ANY             ANY             EQUAL
//	ANY             NA, i           SUPERSET
//	NA              ANY             SUBSET
//	NA              NA              EQUAL
//	NA              i               DISJOINT
//	i               ANY             SUBSET
//	i               NA              DISJOINT
//	i               i               EQUAL
//	i               k               DISJOINT
//	m + wild cards  ANY             SUBSET
//	m + wild cards  NA              DISJOINT
//	m + wild cards  i               SUPERSET if i matches m, else DISJOINT
//	any             m + wild cards  UNDEFINED
//
// In "m + wild cards", '*' matches any number of characters, and a run of n
// '?' matches up to n characters (the compare_strings pseudocode accepts
// fewer than n, so "sp?" matches "sp" and "sp1").
func Compare(source, target Value) Relation {
	if target.HasWildcards() {
		return Undefined
	}
	if source == target {
		return Equal
	}
	switch {
	case source.Kind == Any:
		return Superset
	case target.Kind == Any:
		return Subset
	case source.Kind == NA || target.Kind == NA:
		return Disjoint
	case source.HasWildcards() && wildMatch(source, target.Text):
		return Superset
	}
	return Disjoint
}

// wildMatch reports whether the value string t matches the pattern p (a
// value string with wildcards), following compare_strings in NISTIR 7696
// section 7: p.Text must occur in t with at most the characters before and
// after it that p.Pre and p.Post allow.
func wildMatch(p Value, t string) bool {
	maxBefore, maxAfter := allowance(p.Pre), allowance(p.Post)
	if p.Text == "" {
		// Only wildcards: the whole of t is before (and after) the empty
		// text.
		return maxBefore < 0 || maxAfter < 0 || len(t) <= maxBefore+maxAfter
	}
	for from := 0; from <= len(t)-len(p.Text); {
		k := strings.Index(t[from:], p.Text)
		if k < 0 {
			return false
		}
		idx := from + k
		if maxBefore >= 0 && idx > maxBefore {
			return false // later occurrences have even more before them
		}
		if after := len(t) - idx - len(p.Text); maxAfter < 0 || after <= maxAfter {
			return true
		}
		from = idx + 1
	}
	return false
}

// allowance is the number of characters a wildcard run may stand for: -1 for
// '*' (any number), n for n '?'.
func allowance(run string) int {
	if run == "*" {
		return -1
	}
	return len(run)
}
