package vuln

import "maps"

// KEVEntries returns a copy of the KEV marks by CVE ID, as SetKEV was given
// them (for writers that save a KB, such as vuln/snapshot).
func (kb *KB) KEVEntries() map[string]KEV { return maps.Clone(kb.kev) }

// EPSSEntries returns a copy of the EPSS scores by CVE ID, as SetEPSS was
// given them.
func (kb *KB) EPSSEntries() map[string]EPSS { return maps.Clone(kb.epss) }

// Merge adds everything other holds to kb. When kb is still empty it takes
// over other's tables instead of regrouping every ID (loading a snapshot into
// a fresh knowledge base costs nothing extra); other must not be used after.
func (kb *KB) Merge(other *KB) {
	if len(kb.advisories) == 0 && len(kb.parent) == 0 && len(kb.kev) == 0 && len(kb.epss) == 0 {
		*kb = *other
		return
	}
	kb.Add(other.advisories...)
	kb.SetKEV(other.kev)
	kb.SetEPSS(other.epss)
}
