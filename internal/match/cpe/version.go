package cpe

import "strings"

// CompareVersions compares two product versions as NVD writes them in CPE
// names and version bounds, and returns -1, 0 or +1 as a is older than, the
// same as, or newer than b. ok is false when either has no digit at all
// ("(devel)", "latest", ""), which no bound can be checked against.
//
// CPE versions follow no single scheme (NVD has "1.0.2u", "19.1.0-19.1.2",
// "c.00.04", "f0b.0e.7e", "053l000092"), so the comparison is generic, in the
// spirit of the "generic" vers scheme Dependency-Track falls back to:
//
//   - Both versions are lower-cased; a leading "v" before a digit ("v1.5.9"),
//     everything from a '+' on (semver build metadata, Go's
//     "+incompatible"), and a trailing Alpine package revision "-rN"
//     ("1.2.12-r1") are dropped, so distribution package versions compare
//     by their upstream version. (A distribution may have backported a fix
//     that the revision alone does not show.)
//   - The rest is split into runs of digits and runs of letters; other
//     characters only separate runs. Runs are compared in order: digits
//     numerically ("10" > "9"), letters lexically ("1.1.1o" < "1.1.1q").
//   - The letters "dev", "alpha", "beta", "pre", "preview", "rc", "cr" and
//     "snapshot", and "a" or "b" directly followed by digits ("1.0a1"), mark
//     a pre-release, older than the release without them and older than any
//     other run ("2.8.0-rc1" < "2.8.0" < "2.8.0.1"). Other letters are a
//     post-release suffix: "1.0.2u" > "1.0.2" (OpenSSL letter releases),
//     "7.4p1" > "7.4", "2.0.9-hotfix.7" > "2.0.9". A run of digits is newer
//     than a run of letters at the same place.
//   - Missing trailing runs count as zero: "1.0" = "1.0.0".
func CompareVersions(a, b string) (c int, ok bool) {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	if !oka || !okb {
		return 0, false
	}
	return compareParsed(va, vb), true
}

type segKind uint8

const (
	segPre  segKind = iota // pre-release letters: older than anything
	segPost                // other letters
	segNum                 // digits
)

type segment struct {
	kind segKind
	// text is the digits without leading zeros, or the letters.
	text string
	// rank orders pre-release words: dev < alpha < beta < pre < rc < snapshot.
	rank int
}

type version []segment

var preRanks = map[string]int{
	"dev": 1, "alpha": 2, "a": 2, "beta": 3, "b": 3,
	"pre": 4, "preview": 4, "rc": 5, "cr": 5, "snapshot": 6,
}

// parseVersion normalizes and splits s; ok is false without a digit.
func parseVersion(s string) (version, bool) {
	s = lower(strings.TrimSpace(s))
	if len(s) > 1 && s[0] == 'v' && isDigit(s[1]) {
		s = s[1:]
	}
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "-r"); i > 0 && i+2 < len(s) && allDigits(s[i+2:]) {
		s = s[:i]
	}
	var v version
	digits := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isDigit(c):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			v = append(v, segment{kind: segNum, text: strings.TrimLeft(s[i:j], "0")})
			digits = true
			i = j
		case 'a' <= c && c <= 'z':
			j := i
			for j < len(s) && 'a' <= s[j] && s[j] <= 'z' {
				j++
			}
			w := s[i:j]
			seg := segment{kind: segPost, text: w}
			if r, pre := preRanks[w]; pre && (len(w) > 1 || j < len(s) && isDigit(s[j])) {
				seg = segment{kind: segPre, text: w, rank: r}
			}
			v = append(v, seg)
			i = j
		default:
			i++
		}
	}
	return v, digits
}

func compareParsed(a, b version) int {
	for i := 0; ; i++ {
		switch {
		case i >= len(a) && i >= len(b):
			return 0
		case i >= len(a):
			return -tail(b[i:])
		case i >= len(b):
			return tail(a[i:])
		}
		if c := compareSegments(a[i], b[i]); c != 0 {
			return c
		}
	}
}

// tail is how a version with the extra runs rest compares with the same
// version without them.
func tail(rest version) int {
	for _, s := range rest {
		switch {
		case s.kind == segPre:
			return -1
		case s.kind == segPost || s.text != "":
			return 1
		}
	}
	return 0
}

func compareSegments(a, b segment) int {
	if a.kind != b.kind {
		if a.kind < b.kind {
			return -1
		}
		return 1
	}
	switch a.kind {
	case segNum:
		if len(a.text) != len(b.text) {
			return sign(len(a.text) - len(b.text))
		}
	case segPre:
		if a.rank != b.rank {
			return sign(a.rank - b.rank)
		}
		return 0
	}
	return strings.Compare(a.text, b.text)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
