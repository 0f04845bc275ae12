package cpe

import (
	"fmt"
	"strings"

	"medvigil/internal/vuln"
)

// Hit is a match criterion that applies to a component.
type Hit struct {
	// Criteria is the NVD criterion that matched.
	Criteria vuln.CPEMatch
	// Why names the rule that matched: the criterion and its version
	// bounds, e.g. "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*
	// versionStartIncluding 1.1.1 versionEndExcluding 1.1.1q".
	Why string
	// Platform lists the criteria of the other nodes of an AND
	// configuration: what NVD says must also be present for the
	// vulnerability to apply, usually a non-vulnerable "running on/with"
	// platform (a device's hardware, an operating system). Empty for OR
	// configurations.
	Platform []vuln.CPEMatch
}

// criterion is a vuln.CPEMatch with its name and bounds parsed once. It
// keeps a pointer to the criterion it was built from (in the advisory's
// CPEConfigs, for an Index) and only the attributes that are not ANY beyond
// part, vendor, product and version, so that an index of all of NVD stays
// small.
type criterion struct {
	m                              *vuln.CPEMatch
	part, vendor, product, version Value
	// rest holds update, edition, language, sw_edition, target_sw,
	// target_hw and other; nil when all are ANY, as in most NVD criteria.
	rest       *[7]Value
	start, end bound
}

// bound is one end of a version range.
type bound struct {
	raw       string
	v         version
	inclusive bool
	set       bool
	ok        bool // raw has a digit
}

func newBound(incl, excl string) bound {
	raw, inclusive := excl, false
	if incl != "" {
		raw, inclusive = incl, true
	}
	if raw == "" {
		return bound{}
	}
	v, ok := parseVersion(raw)
	return bound{raw: raw, v: v, inclusive: inclusive, set: true, ok: ok}
}

func newCriterion(m *vuln.CPEMatch) (criterion, error) {
	n, err := Parse(m.Criteria)
	if err != nil {
		return criterion{}, err
	}
	c := criterion{
		m:    m,
		part: n.Part, vendor: n.Vendor, product: n.Product, version: n.Version,
		start: newBound(m.VersionStartIncluding, m.VersionStartExcluding),
		end:   newBound(m.VersionEndIncluding, m.VersionEndExcluding),
	}
	rest := [7]Value{n.Update, n.Edition, n.Language, n.SWEdition, n.TargetSW, n.TargetHW, n.Other}
	if rest != ([7]Value{}) {
		c.rest = &rest
	}
	return c, nil
}

// target is a component name with its version parsed once.
type target struct {
	n  *Name
	v  version
	ok bool // the version is a value string with a digit
}

func newTarget(n *Name) target {
	t := target{n: n}
	if n.Version.IsLiteral() {
		t.v, t.ok = parseVersion(n.Version.Text)
	}
	return t
}

// rule describes the criterion as Hit.Why does.
func (c *criterion) rule() string {
	m := c.m
	bounds := [4][2]string{
		{" versionStartIncluding ", m.VersionStartIncluding},
		{" versionStartExcluding ", m.VersionStartExcluding},
		{" versionEndIncluding ", m.VersionEndIncluding},
		{" versionEndExcluding ", m.VersionEndExcluding},
	}
	size := len(m.Criteria)
	for _, p := range bounds {
		if p[1] != "" {
			size += len(p[0]) + len(p[1])
		}
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(m.Criteria)
	for _, p := range bounds {
		if p[1] != "" {
			b.WriteString(p[0])
			b.WriteString(p[1])
		}
	}
	return b.String()
}

// Match reports whether the NVD criterion applies to the component's CPE
// name, and why (or why not).
//
// The rules, in order:
//
//  1. False-positive guard: vendor and product of both names must be value
//     strings without wildcards, and equal. The CPE matching specification
//     lets ANY match anything, so a component CPE with vendor '*'
//     ("cpe:2.3:a:*:zstandard:1.5.2:…") matches every vendor-wide NVD
//     criterion ("cpe:2.3:a:pascom_cloud_phone_system:*:…").
//     Dependency-Track drops matches whose vendor and product relate as
//     SUBSET and SUPERSET (its "CPE Matching" documentation;
//     DependencyTrack/dependency-track issue #3178, pull request #3209);
//     this guard is stricter: a component whose vendor or product is ANY,
//     NA or has wildcards never matches, and neither does an NVD criterion
//     whose product is '*'.
//  2. Every other attribute of the criterion must be a SUPERSET of, or EQUAL
//     to, the component's (NISTIR 7696 section 6.2, CPE_SUPERSET, with
//     Compare). So part must agree ("o" does not match "a"), and a
//     component whose update is ANY does not match a criterion for "sp1".
//  3. Version bounds (NVD versionStartIncluding, versionStartExcluding,
//     versionEndIncluding, versionEndExcluding, which come with version
//     '*'): the component's version must be a value string without
//     wildcards, comparable by CompareVersions, and inside the bounds. A
//     component version of ANY or NA never satisfies a bounded range: an
//     unknown version is not evidence of a vulnerable one.
//  4. A criterion with a single version (no bounds) also matches a component
//     version that differs as a string but is equal by CompareVersions
//     ("1.0" and "1.0.0", "v1.5.9" and "1.5.9", "1.2.12-r0" and "1.2.12").
//
// Match does not look at Vulnerable, Negate or the configuration; see
// MatchAdvisory.
func Match(criteria vuln.CPEMatch, component Name) (ok bool, why string) {
	c, err := newCriterion(&criteria)
	if err != nil {
		return false, "criterion " + err.Error()
	}
	return c.match(newTarget(&component), true)
}

// match applies the criterion to t. Without explain, a miss has an empty
// why, which spares Index.Lookup formatting reasons nobody reads.
func (c *criterion) match(t target, explain bool) (ok bool, why string) {
	n := t.n
	miss := func(f func() string) (bool, string) {
		if !explain {
			return false, ""
		}
		return false, f()
	}
	for _, a := range [2]struct {
		name      string
		crit, cmp *Value
	}{{"vendor", &c.vendor, &n.Vendor}, {"product", &c.product, &n.Product}} {
		switch {
		case !a.cmp.IsLiteral():
			return miss(func() string {
				return fmt.Sprintf("component %s is %s: the false-positive guard needs a definite %s", a.name, describe(*a.cmp), a.name)
			})
		case !a.crit.IsLiteral():
			return miss(func() string {
				return fmt.Sprintf("criterion %s is %s: the false-positive guard needs a definite %s", a.name, describe(*a.crit), a.name)
			})
		case a.crit.Text != a.cmp.Text:
			return miss(func() string {
				return fmt.Sprintf("%s differs: criterion %q, component %q", a.name, a.crit.Text, a.cmp.Text)
			})
		}
	}
	if r := Compare(c.part, n.Part); r != Superset && r != Equal {
		return miss(func() string {
			return fmt.Sprintf("part: criterion %s is %s of component %s", c.part.String(), r, n.Part.String())
		})
	}
	comp := [7]*Value{&n.Update, &n.Edition, &n.Language, &n.SWEdition, &n.TargetSW, &n.TargetHW, &n.Other}
	if c.rest != nil {
		for i, cv := range c.rest {
			if r := Compare(cv, *comp[i]); r != Superset && r != Equal {
				return miss(func() string {
					return fmt.Sprintf("%s: criterion %s is %s of component %s", attrNames[i+4], cv.String(), r, comp[i].String())
				})
			}
		}
	} else {
		// Every remaining criterion attribute is ANY, a SUPERSET of or
		// EQUAL to anything (NISTIR 7696 Table 6-2) unless the component
		// has wildcards there (UNDEFINED).
		for i, v := range comp {
			if v.HasWildcards() {
				return miss(func() string {
					return fmt.Sprintf("%s: criterion * is UNDEFINED of component %s", attrNames[i+4], comp[i].String())
				})
			}
		}
	}
	cver, ver := &c.version, &n.Version
	r := Compare(*cver, *ver)
	if !c.start.set && !c.end.set {
		if r == Superset || r == Equal {
			return true, c.rule()
		}
		if cver.IsLiteral() && t.ok {
			if v, ok := parseVersion(cver.Text); ok && compareParsed(v, t.v) == 0 {
				return true, fmt.Sprintf("%s (version %s equals %s)", c.rule(), ver.Text, cver.Text)
			}
		}
	}
	if r != Superset && r != Equal {
		return miss(func() string {
			return fmt.Sprintf("version: criterion %s is %s of component %s", cver.String(), r, ver.String())
		})
	}
	if !ver.IsLiteral() {
		return miss(func() string {
			return fmt.Sprintf("component version is %s: a bounded range needs a known version (%s)", describe(*ver), c.rule())
		})
	}
	if !t.ok {
		return miss(func() string {
			return fmt.Sprintf("component version %q has no digits to compare with the bounds (%s)", ver.Text, c.rule())
		})
	}
	for _, b := range [2]*bound{&c.start, &c.end} {
		if !b.set {
			continue
		}
		if !b.ok {
			return miss(func() string { return fmt.Sprintf("bound %q has no digits to compare (%s)", b.raw, c.rule()) })
		}
		d := compareParsed(t.v, b.v)
		var in bool
		switch {
		case b == &c.start && b.inclusive:
			in = d >= 0
		case b == &c.start:
			in = d > 0
		case b.inclusive:
			in = d <= 0
		default:
			in = d < 0
		}
		if !in {
			return miss(func() string { return fmt.Sprintf("version %s is outside %s", ver.Text, c.rule()) })
		}
	}
	return true, c.rule()
}

// describe names a value for Why texts.
func describe(v Value) string {
	switch {
	case v.Kind == Any:
		return "ANY"
	case v.Kind == NA:
		return "NA"
	case v.HasWildcards():
		return fmt.Sprintf("%q with wildcards", v.String())
	}
	return fmt.Sprintf("%q", v.Text)
}

// MatchAdvisory returns the hits of an advisory's flattened NVD
// configurations (vuln.Advisory.CPEConfigs) on a component, in criteria
// order.
//
// A component is hit by a criterion that is vulnerable, not in a negated
// node, and matches it (Match). NVD's "Running On/With" configurations (NVD
// Vulnerability Detail Pages, "Configurations": an AND of nodes with
// vulnerable and non-vulnerable match criteria, all of which "must be
// present before a vulnerability applies") name a vulnerable node
// ("o:siemens:…_firmware", "a:vyaire:carefusion_upgrade_utility") and a
// non-vulnerable platform node ("h:siemens:…", "o:microsoft:windows_xp").
// An SBOM component rarely says what it runs on, so we report rather than
// drop: the hit stands and Hit.Platform lists the other nodes' criteria, for
// the caller to show as a condition. Non-vulnerable criteria never hit on
// their own.
func MatchAdvisory(configs []vuln.CPEMatch, component Name) []Hit {
	var hits []Hit
	tgt := newTarget(&component)
	for i := range configs {
		m := configs[i]
		if !m.Vulnerable || m.Negate {
			continue
		}
		c, err := newCriterion(&configs[i])
		if err != nil {
			continue
		}
		if ok, why := c.match(tgt, true); ok {
			hits = append(hits, Hit{Criteria: m, Why: why, Platform: platform(configs, i)})
		}
	}
	return hits
}

// platform returns the criteria of the other nodes of the AND configuration
// that configs[i] belongs to.
func platform(configs []vuln.CPEMatch, i int) []vuln.CPEMatch {
	m := configs[i]
	if !strings.EqualFold(m.ConfigOperator, "AND") {
		return nil
	}
	var p []vuln.CPEMatch
	for _, o := range configs {
		if o.Config == m.Config && o.Node != m.Node {
			p = append(p, o)
		}
	}
	return p
}
