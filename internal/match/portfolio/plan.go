package portfolio

import (
	"slices"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"medvigil/internal/match/cpe"
	"medvigil/internal/vuln"
)

// plan is what Affected reads for one vulnerability: the OSV packages its
// advisories name, each with the version checks its ranges make, and the
// other keys (NVD criteria, CSAF products), whose components are evaluated
// one by one.
type plan struct {
	pkgs  map[key]*checks
	other []key
	// csaf is set when an advisory has CSAF products; then every component
	// is evaluated on its own, with the full index: whether the index
	// matches a component by name depends on what else it knows of it
	// (match/csaf.go, csafIndex.lookup).
	csaf bool
}

// checks are the comparisons the match index's OSV range evaluation makes
// on a component's version, for one package: the event versions of its
// SEMVER and ECOSYSTEM ranges, its last_affected events (also compared as
// text) and its versions lists (match/versions.go, preparedRange.contains,
// and match/index.go, entry.affects). Components of the package whose
// versions compare alike with every event give the same findings but for
// the component itself (the rules name the range, not the version), so
// one of them is evaluated for all; a component whose version is named as
// text (versions lists, whose rule names it; last_affected) is evaluated on
// its own. The oracle tests compare the result with full rescans.
type checks struct {
	sem, eco     []semantic.Version
	lastAffected []string
	versions     []string
	// ecoRanges is set when there is an ECOSYSTEM range: then whether a
	// version parses in the ecosystem matters, even with no event to
	// compare with ("introduced 0").
	ecoRanges bool
}

// newPlan plans the advisories, skipping withdrawn ones unless withdrawn is
// set.
func newPlan(advs []*vuln.Advisory, withdrawn bool) *plan {
	pl := &plan{pkgs: map[key]*checks{}}
	addOther := func(k key) {
		if !slices.Contains(pl.other, k) {
			pl.other = append(pl.other, k)
		}
	}
	for _, a := range advs {
		if a.IsWithdrawn() && !withdrawn {
			continue
		}
		for i := range a.Affected {
			af := &a.Affected[i]
			if af.Status != "" {
				pl.csaf = true
				csafKeys(af, addOther)
				continue
			}
			if af.Ecosystem == "" || af.Name == "" {
				continue // the match index ignores it
			}
			k := packageKey(af.Ecosystem, af.Name)
			ck := pl.pkgs[k]
			if ck == nil {
				ck = &checks{}
				pl.pkgs[k] = ck
			}
			ck.add(k.a, af)
		}
		for i := range a.CPEConfigs {
			m := &a.CPEConfigs[i]
			if !m.Vulnerable || m.Negate {
				continue
			}
			if n, err := cpe.Parse(m.Criteria); err == nil {
				if k, ok := cpeKey(n); ok {
					addOther(k)
				}
			}
		}
	}
	return pl
}

// keys returns every key of the plan.
func (pl *plan) keys() []key {
	ks := slices.Clone(pl.other)
	for k := range pl.pkgs {
		ks = append(ks, k)
	}
	return ks
}

// csafKeys calls add with the keys of a CSAF product: its purl, its CPE's
// vendor and product, its name, and its OSV package if it names one.
func csafKeys(af *vuln.Affected, add func(key)) {
	if af.Ecosystem != "" && af.Name != "" {
		add(packageKey(af.Ecosystem, af.Name))
	}
	purlKeys(af.PURL, add)
	if af.CPE != "" {
		if n, err := cpe.Parse(af.CPE); err == nil {
			if k, ok := cpeKey(n); ok {
				add(k)
			}
		}
	}
	nameKeys(af.Product, add)
}

// add adds the checks of an OSV affected entry of base ecosystem eco. An
// event version that does not parse is left out: the match index then
// drops its whole range.
func (ck *checks) add(eco string, af *vuln.Affected) {
	ck.versions = append(ck.versions, af.Versions...)
	for _, r := range af.Ranges {
		if r.Type != vuln.RangeSemver && r.Type != vuln.RangeEcosystem {
			continue
		}
		if r.Type == vuln.RangeEcosystem {
			ck.ecoRanges = true
		}
		for _, e := range r.Events {
			if e.LastAffected != "" {
				ck.lastAffected = append(ck.lastAffected, e.LastAffected)
			}
			// One of the four is set; should a record set more, each is
			// compared, which can only split the components finer.
			for _, raw := range [...]string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
				if raw == "" || raw == "0" {
					continue
				}
				if r.Type == vuln.RangeSemver {
					ck.sem = append(ck.sem, semantic.ParseSemverVersion(raw))
				} else if strings.TrimSpace(raw) != "" {
					if v, err := semantic.Parse(raw, eco); err == nil {
						ck.eco = append(ck.eco, v)
					}
				}
			}
		}
	}
}
