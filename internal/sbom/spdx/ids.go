package spdx

import (
	"fmt"
	"strconv"
	"strings"
)

const (
	refPrefix    = "SPDXRef-"
	docRefPrefix = "DocumentRef-"
	noneID       = "NONE"
	documentID   = "SPDXRef-DOCUMENT"
)

// fixID checks an SPDX element identifier, which SPDX 2.3 (section 3.2)
// wants as "SPDXRef-" followed by letters, digits, "." and "-", optionally
// after "DocumentRef-name:". special allows NONE and NOASSERTION (the object
// of a relationship). It returns the identifier to read, with "SPDXRef-"
// added where it is missing, and whether it changed.
func fixID(s string, special bool) (string, bool) {
	if special && (s == noneID || s == noAssertion) {
		return s, false
	}
	prefix, elem := "", s
	if strings.HasPrefix(s, docRefPrefix) {
		d, e, ok := strings.Cut(s, ":")
		if !ok {
			return s, false // a whole-document reference; the library decides
		}
		prefix, elem = d+":", e
	}
	if strings.HasPrefix(elem, refPrefix) && len(elem) > len(refPrefix) {
		return s, false
	}
	if elem == "" || elem == refPrefix {
		return s, false // nothing to prefix; the library reports it
	}
	return prefix + refPrefix + elem, true
}

// idWarning is the message for an identifier fixID changed.
func idWarning(from, to string) error {
	return fmt.Errorf("SPDX identifier %q lacks the %q prefix; read as %q", from, refPrefix, to)
}

// validID reports whether id is "SPDXRef-" followed by one or more of
// [A-Za-z0-9.-], the form the SPDX 2.3 specification (section 3.2) requires.
func validID(id string) bool {
	rest, ok := strings.CutPrefix(id, refPrefix)
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !idChar(rest[i]) {
			return false
		}
	}
	return true
}

func idChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// idMap assigns valid, unique SPDX identifiers to component refs.
type idMap struct {
	byRef map[string]string
	used  map[string]bool
}

func newIDMap(n int) *idMap {
	m := &idMap{byRef: make(map[string]string, n), used: make(map[string]bool, n+1)}
	m.used[documentID] = true
	return m
}

// assign returns the identifier for the component at index i with ref: ref
// itself when it is a valid identifier not yet taken, otherwise "SPDXRef-"
// and ref with every other character replaced by "-", made unique with a
// "-2", "-3", ... suffix. The first component with a ref keeps the mapping
// that relationships use.
func (m *idMap) assign(i int, ref string) string {
	id := ref
	if !validID(id) || m.used[id] {
		id = refPrefix + sanitizeID(strings.TrimPrefix(ref, refPrefix))
		if id == refPrefix {
			id = refPrefix + "Package-" + strconv.Itoa(i+1)
		}
	}
	base := id
	for n := 2; m.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	m.used[id] = true
	if _, ok := m.byRef[ref]; !ok && ref != "" {
		m.byRef[ref] = id
	}
	return id
}

// sanitizeID replaces every character that an SPDX identifier may not hold
// with "-".
func sanitizeID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !idChar(c) {
			b[i] = '-'
		}
	}
	return string(b)
}
