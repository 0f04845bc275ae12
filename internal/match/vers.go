package match

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"medvigil/internal/match/cpe"
)

// This file reads the versions of CSAF products (CSAF 2.0 section 3.1.2.2:
// product_version and product_version_range branch names) and tells whether
// a component version is one of them. internal/csaf's package documentation
// describes the forms real CISA advisories use; the rules here follow it.
//
// Versions of every scheme are compared with cpe.CompareVersions, a generic
// product-version order (digits numerically, letters lexically, pre-release
// words first). When it cannot order two versions (one has no digit, as in
// "<= K"), the only decidable question is equality, compared without regard
// to case; an order that cannot be decided makes the answer unknown, never
// "not affected".

// verdict answers "is this version one of the product's versions?".
type verdict uint8

const (
	verdictOut     verdict = iota // decided: not one of them
	verdictIn                     // decided: one of them
	verdictUnknown                // cannot be decided: a person must review
)

// comparator is a vers comparator (purl-spec VERSION-RANGE-SPEC).
type comparator uint8

const (
	opEQ comparator = iota // "=", or a version without comparator
	opNE                   // "!="
	opLT                   // "<"
	opLE                   // "<="
	opGT                   // ">"
	opGE                   // ">="
)

var comparatorText = [...]string{opEQ: "=", opNE: "!=", opLT: "<", opLE: "<=", opGT: ">", opGE: ">="}

func (op comparator) String() string { return comparatorText[op] }

// lesser reports whether op is "<" or "<=" and greater whether it is ">" or
// ">=".
func (op comparator) lesser() bool  { return op == opLT || op == opLE }
func (op comparator) greater() bool { return op == opGT || op == opGE }

// constraint is one vers <comparator><version>.
type constraint struct {
	op      comparator
	version string
	// prefix, when not 0, is the number of leading dot-separated segments
	// of a tested version that are compared with version: the bound had
	// trailing "x" wildcard segments ("12.2.x.x" is version "12.2", prefix
	// 2, so 12.2.7 equals it).
	prefix int
}

// compare orders the tested version v against c's version: -1, 0 or +1.
// ok is false when the order cannot be decided (a version without digits
// that is not equal, ignoring case, to the other).
func (c constraint) compare(v string) (int, bool) {
	if c.prefix > 0 {
		v = leadingSegments(v, c.prefix)
	}
	if n, ok := cpe.CompareVersions(v, c.version); ok {
		return n, true
	}
	if strings.EqualFold(strings.TrimSpace(v), c.version) {
		return 0, true
	}
	return 0, false
}

// equal reports whether v equals c's version. Equality is always decidable.
func (c constraint) equal(v string) bool {
	n, ok := c.compare(v)
	return ok && n == 0
}

// holds evaluates c alone, as a one-sided constraint, against v.
func (c constraint) holds(v string) verdict {
	n, ok := c.compare(v)
	if !ok {
		if c.op == opEQ {
			return verdictOut // not equal: decided
		}
		if c.op == opNE {
			return verdictIn
		}
		return verdictUnknown
	}
	var in bool
	switch c.op {
	case opEQ:
		in = n == 0
	case opNE:
		in = n != 0
	case opLT:
		in = n < 0
	case opLE:
		in = n <= 0
	case opGT:
		in = n > 0
	case opGE:
		in = n >= 0
	}
	if in {
		return verdictIn
	}
	return verdictOut
}

// leadingSegments returns the first n dot-separated segments of v.
func leadingSegments(v string, n int) string {
	v = strings.TrimSpace(v)
	i := 0
	for k := 0; k < n; k++ {
		j := strings.IndexByte(v[i:], '.')
		if j < 0 {
			return v
		}
		i += j + 1
	}
	return v[:i-1]
}

// setKind says what a versionSet holds.
type setKind uint8

const (
	setUnknown     setKind = iota // text that names no version that can be compared
	setAll                        // every version ("vers:all/*", "All versions")
	setNone                       // no version ("vers:none/*")
	setConstraints                // the versions the constraints describe
)

// versionSet is the set of versions one product_version or
// product_version_range text names.
type versionSet struct {
	kind setKind
	cs   []constraint // sorted by version unless union
	// union is set when the constraints do not form a valid vers list (two
	// upper bounds, as in "<= U61 |<= L81", or bounds that cannot be
	// ordered): a version is then in the set when any one of the
	// constraints, read alone, holds.
	union bool
}

// parseVersions reads a CSAF product_version or product_version_range
// text, in this order (internal/csaf documents the forms):
//
//  1. "vers:<scheme>/*": every version ("vers:none/*": none).
//  2. "vers:<scheme>/<constraints>": a vers constraint list
//     (purl-spec VERSION-RANGE-SPEC). Every scheme is compared with the
//     generic order, and "vers:all/<constraints>" (which vers forbids but
//     CISA writes) reads as "vers:generic/<constraints>".
//  3. Free text: an optional "All versions" or "All <word> versions", then
//     one or more "[<op>] version" or "version and below" (<=) / "version
//     and above" (>=) joined by "|", with op one of <, <=, >, >=, =, != and
//     any spacing. "All versions" alone is every version. A segment "x",
//     "X" or "*" ends a version: "2.X" is every 2.*, "<= 12.2.x.x" is
//     "<= 12.2" comparing only the first two segments of a tested version.
//
// The constraints are sorted by version and read with the vers containment
// algorithm; when they do not form a valid vers list they are read as a
// union of one-sided constraints, each bound applying to its own version
// series when the bounds name several (see sameSeries). Anything else ("<
// august 28", "<= 2015 SP1", model numbers, product names) is setUnknown.
func parseVersions(text string) versionSet {
	s := strings.TrimSpace(text)
	if s == "" {
		return versionSet{kind: setUnknown}
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "vers:") {
		return parseVers(s[5:])
	}
	return parseFreeText(s)
}

// parseVers reads the part of a vers string after "vers:".
func parseVers(spec string) versionSet {
	spec = strings.NewReplacer(" ", "", "\t", "").Replace(spec)
	scheme, list, ok := strings.Cut(spec, "/")
	if !ok || scheme == "" || list == "" {
		return versionSet{kind: setUnknown}
	}
	if list == "*" {
		if strings.EqualFold(scheme, "none") {
			return versionSet{kind: setNone}
		}
		return versionSet{kind: setAll}
	}
	var cs []constraint
	for _, part := range strings.Split(list, "|") {
		if part == "" {
			continue // consecutive, leading and trailing pipes
		}
		op, rest := cutComparator(part)
		if strings.Contains(rest, "%") {
			u, err := url.PathUnescape(rest)
			if err != nil {
				return versionSet{kind: setUnknown}
			}
			rest = u
		}
		c, ok := newConstraint(op, rest, false)
		if !ok {
			return versionSet{kind: setUnknown}
		}
		cs = append(cs, c)
	}
	return constraintSet(cs)
}

var (
	// allVersions is the "All versions" or "All BIOS versions" lead-in.
	allVersions = regexp.MustCompile(`(?i)^all(?:\s+\S+)?\s+versions?(?:\s+|$)`)
	// andBelow and andAbove are "2.3.6 and below", "1.0 or later", ….
	andBelow = regexp.MustCompile(`(?i)^(\S+)\s+(?:and|or)\s+(?:below|earlier|lower|older|prior)$`)
	andAbove = regexp.MustCompile(`(?i)^(\S+)\s+(?:and|or)\s+(?:above|later|higher|newer)$`)
	// versionToken is a version without spaces: letters, digits and
	// . _ - + ~ : (no '/', '(' or ',' which only free text has).
	versionToken = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-+~:]*$`)
)

// parseFreeText reads a comparator list as CISA writes one.
func parseFreeText(s string) versionSet {
	if m := allVersions.FindString(s); m != "" {
		s = strings.TrimSpace(s[len(m):])
		if s == "" {
			return versionSet{kind: setAll}
		}
	}
	var cs []constraint
	for _, part := range strings.Split(s, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		op, rest := cutComparator(part)
		rest = strings.TrimSpace(rest)
		if op == opEQ {
			if m := andBelow.FindStringSubmatch(rest); m != nil {
				op, rest = opLE, m[1]
			} else if m := andAbove.FindStringSubmatch(rest); m != nil {
				op, rest = opGE, m[1]
			}
		}
		c, ok := newConstraint(op, rest, true)
		if !ok {
			return versionSet{kind: setUnknown}
		}
		cs = append(cs, c)
	}
	return constraintSet(cs)
}

// cutComparator splits the leading comparator off a constraint (vers
// parsing: ">=", "<=", "!=", "<", ">"; free text also "=" and "==").
func cutComparator(s string) (comparator, string) {
	for _, p := range []struct {
		text string
		op   comparator
	}{{">=", opGE}, {"<=", opLE}, {"!=", opNE}, {"==", opEQ}, {"<", opLT}, {">", opGT}, {"=", opEQ}} {
		if rest, ok := strings.CutPrefix(s, p.text); ok {
			return p.op, rest
		}
	}
	return opEQ, s
}

// newConstraint checks a version and reads its wildcard segments; ok is
// false when v is not a single version. In free text (strict) a version is
// a versionToken; in a vers string anything but "" and "*" (vers versions
// may hold any character, percent-encoded).
func newConstraint(op comparator, v string, strict bool) (constraint, bool) {
	if strict && !versionToken.MatchString(v) || v == "" || v == "*" {
		return constraint{}, false
	}
	segs := strings.Split(v, ".")
	for i, s := range segs {
		if s != "x" && s != "X" && s != "*" {
			continue
		}
		// Only trailing wildcards: "1.x.3" is not a version.
		for _, rest := range segs[i+1:] {
			if rest != "x" && rest != "X" && rest != "*" {
				return constraint{}, false
			}
		}
		if i == 0 {
			return constraint{}, false
		}
		return constraint{op: op, version: strings.Join(segs[:i], "."), prefix: i}, true
	}
	return constraint{op: op, version: v}, true
}

// constraintSet sorts cs by version and decides whether they form a valid
// vers list (VERSION-RANGE-SPEC "Normalized, canonical representation and
// validation"): ignoring "!=", an "=" is followed only by "=", ">" or ">=";
// ignoring "=" too, lesser and greater comparators alternate. A list that
// is not valid, or whose versions cannot be ordered (a version without
// digits among others), is read as a union.
func constraintSet(cs []constraint) versionSet {
	if len(cs) == 0 {
		return versionSet{kind: setUnknown}
	}
	set := versionSet{kind: setConstraints, cs: cs}
	for _, c := range cs {
		if !strings.ContainsAny(c.version, "0123456789") && !strings.EqualFold(c.version, cs[0].version) {
			set.union = true
			return set
		}
	}
	slices.SortStableFunc(set.cs, func(a, b constraint) int {
		n, _ := cpe.CompareVersions(a.version, b.version)
		return n
	})
	var prev comparator
	first := true
	for _, c := range set.cs { // "=" followed by "<" or "<="
		if c.op == opNE {
			continue
		}
		if !first && prev == opEQ && c.op.lesser() {
			set.union = true
		}
		prev, first = c.op, false
	}
	first = true
	for _, c := range set.cs { // alternation of the bounds
		if c.op == opNE || c.op == opEQ {
			continue
		}
		if !first && prev.lesser() == c.op.lesser() {
			set.union = true
		}
		prev, first = c.op, false
	}
	return set
}

// contains tells whether version v is in the set. An empty v is unknown
// unless the set holds every version or none.
func (s *versionSet) contains(v string) verdict {
	switch s.kind {
	case setAll:
		return verdictIn
	case setNone:
		return verdictOut
	case setUnknown:
		return verdictUnknown
	}
	if strings.TrimSpace(v) == "" {
		return verdictUnknown
	}
	// VERSION-RANGE-SPEC "Checking if a version is contained within a
	// range": equal to an "=", "<=" or ">=" version is in; equal to a "!="
	// version is out.
	for _, c := range s.cs {
		if (c.op == opEQ || c.op == opLE || c.op == opGE) && c.equal(v) {
			return verdictIn
		}
	}
	for _, c := range s.cs {
		if c.op == opNE && c.equal(v) {
			return verdictOut
		}
	}
	var ordered []constraint
	hasEQ := false
	for _, c := range s.cs {
		switch c.op {
		case opEQ:
			hasEQ = true
		case opNE:
		default:
			ordered = append(ordered, c)
		}
	}
	if len(ordered) == 0 {
		// Only "=" and "!=": a list of versions is left (v is none of
		// them); a list of exclusions alone keeps every other version.
		if hasEQ {
			return verdictOut
		}
		return verdictIn
	}
	undecided := false
	if s.union {
		ordered, ok := sameSeries(ordered, v)
		if !ok {
			return verdictUnknown
		}
		for _, c := range ordered {
			switch c.holds(v) {
			case verdictIn:
				return verdictIn
			case verdictUnknown:
				undecided = true
			}
		}
		return outOrUnknown(undecided)
	}
	// The pairwise walk of the spec; a lone bound is its first and last
	// iteration at once.
	for i, c := range ordered {
		if i == 0 && c.op.lesser() {
			switch c.holds(v) {
			case verdictIn:
				return verdictIn
			case verdictUnknown:
				undecided = true
			}
		}
		if i == len(ordered)-1 && c.op.greater() {
			switch c.holds(v) {
			case verdictIn:
				return verdictIn
			case verdictUnknown:
				undecided = true
			}
		}
		if i+1 < len(ordered) && c.op.greater() && ordered[i+1].op.lesser() {
			switch both(c.holds(v), ordered[i+1].holds(v)) {
			case verdictIn:
				return verdictIn
			case verdictUnknown:
				undecided = true
			}
		}
	}
	return outOrUnknown(undecided)
}

// sameSeries keeps, of bounds that name two or more version series (the
// letters before the first digit: "<= U61 |<= L81" has series "u" and "l"),
// those of v's series; ok is false when there is none. Bounds of one series
// are returned as they are.
func sameSeries(bounds []constraint, v string) ([]constraint, bool) {
	first := series(bounds[0].version)
	mixed := false
	for _, c := range bounds[1:] {
		if series(c.version) != first {
			mixed = true
			break
		}
	}
	if !mixed {
		return bounds, true
	}
	want := series(v)
	var out []constraint
	for _, c := range bounds {
		if series(c.version) == want {
			out = append(out, c)
		}
	}
	return out, len(out) > 0
}

// series returns the lower-cased letters before the first digit of v, not
// counting a "v" directly before it ("V14" has none, "L81" has "l").
func series(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	i := strings.IndexAny(v, "0123456789")
	if i < 0 {
		return v
	}
	if i == 1 && v[0] == 'v' {
		return ""
	}
	return strings.TrimRight(v[:i], ".-_ ")
}

// both is the three-valued AND.
func both(a, b verdict) verdict {
	switch {
	case a == verdictOut || b == verdictOut:
		return verdictOut
	case a == verdictIn && b == verdictIn:
		return verdictIn
	}
	return verdictUnknown
}

func outOrUnknown(undecided bool) verdict {
	if undecided {
		return verdictUnknown
	}
	return verdictOut
}
