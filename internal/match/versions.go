package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"medvigil/internal/vuln"
)

// event is an OSV range event with its version parsed once, at index time.
type event struct {
	kind string // "introduced", "fixed", "last_affected", "limit"
	raw  string
	v    semantic.Version // nil when raw is "0" or does not parse
}

// preparedRange is an OSV SEMVER or ECOSYSTEM range, events sorted.
type preparedRange struct {
	typ    vuln.RangeType
	events []event
}

// prepareRange parses and sorts the events of r for ecosystem eco, as
// osv-scanner does: introduced "0" first, then by version. ok is false for
// GIT ranges (commit hashes; not evaluated, only counted) and for ranges
// whose versions do not parse in the ecosystem.
func prepareRange(eco string, r vuln.Range) (preparedRange, bool) {
	if r.Type != vuln.RangeSemver && r.Type != vuln.RangeEcosystem {
		return preparedRange{}, false
	}
	pr := preparedRange{typ: r.Type}
	for _, e := range r.Events {
		var ev event
		switch {
		case e.Introduced != "":
			ev = event{kind: "introduced", raw: e.Introduced}
		case e.Fixed != "":
			ev = event{kind: "fixed", raw: e.Fixed}
		case e.LastAffected != "":
			ev = event{kind: "last_affected", raw: e.LastAffected}
		case e.Limit != "":
			ev = event{kind: "limit", raw: e.Limit}
		default:
			continue
		}
		if ev.raw != "0" {
			v, err := parseVersion(ev.raw, eco, r.Type)
			if err != nil {
				return preparedRange{}, false
			}
			ev.v = v
		}
		pr.events = append(pr.events, ev)
	}
	if len(pr.events) == 0 {
		return preparedRange{}, false
	}
	slices.SortStableFunc(pr.events, func(a, b event) int {
		switch {
		case a.v == nil && b.v == nil:
			return 0
		case a.v == nil:
			return -1
		case b.v == nil:
			return 1
		}
		c, _ := a.v.Compare(b.v)
		return c
	})
	return pr, true
}

// parseVersion parses v in the ecosystem's version scheme; SEMVER ranges use
// semantic versioning whatever the ecosystem (OSV schema, "affected.ranges").
func parseVersion(v, eco string, typ vuln.RangeType) (semantic.Version, error) {
	if typ == vuln.RangeSemver {
		return semantic.ParseSemverVersion(v), nil
	}
	if strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("empty version")
	}
	return semantic.Parse(v, eco)
}

// contains evaluates the range for version v (parsed in the same scheme) as
// the OSV schema's evaluation algorithm and osv-scanner do: walking the
// sorted events, an introduced at or below v opens the affected interval; a
// fixed above v, or a last_affected at or above v, keeps it open, otherwise
// closes it; a limit at or below v closes it. It returns the rule that
// decided, for the finding.
func (r preparedRange) contains(v semantic.Version, raw string) (bool, string) {
	affected := false
	var from, to string
	for _, e := range r.events {
		if affected {
			switch e.kind {
			case "fixed":
				c, _ := v.Compare(e.v)
				affected = c < 0
				to = "fixed " + e.raw
			case "last_affected":
				c, _ := v.Compare(e.v)
				affected = e.raw == raw || c <= 0
				to = "last_affected " + e.raw
			case "limit":
				c, _ := v.Compare(e.v)
				if c >= 0 {
					affected = false
				}
				to = "limit " + e.raw
			}
			if !affected {
				from, to = "", ""
			}
			continue
		}
		if e.kind == "introduced" {
			if e.v == nil {
				affected = true
			} else {
				c, _ := v.Compare(e.v)
				affected = c >= 0
			}
			if affected {
				from, to = "introduced "+e.raw, ""
			}
		}
	}
	if !affected {
		return false, ""
	}
	rule := string(r.typ) + " " + from
	if to != "" {
		rule += ", " + to
	}
	return true, rule
}

// fixedVersions lists the fixed events of the range.
func (r preparedRange) fixedVersions() []string {
	var out []string
	for _, e := range r.events {
		if e.kind == "fixed" {
			out = append(out, e.raw)
		}
	}
	return out
}
