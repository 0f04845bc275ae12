package vuln

import "maps"

// KEVEntries returns a copy of the KEV marks by CVE ID, as SetKEV was given
// them (for writers that save a KB, such as vuln/snapshot).
func (kb *KB) KEVEntries() map[string]KEV { return maps.Clone(kb.kev) }

// EPSSEntries returns a copy of the EPSS scores by CVE ID, as SetEPSS was
// given them.
func (kb *KB) EPSSEntries() map[string]EPSS { return maps.Clone(kb.epss) }
