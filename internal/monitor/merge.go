package monitor

import "medvigil/internal/vuln"

// Merge returns a new knowledge base with every advisory of fresh and those
// of old whose ID fresh does not have (fresh replaces old record by record);
// KEV and EPSS marks of fresh override those of old for the same CVE.
func Merge(old, fresh *vuln.KB) *vuln.KB {
	kb := vuln.NewKB()
	have := map[string]bool{}
	for _, a := range fresh.Advisories() {
		have[a.ID] = true
	}
	kb.Add(fresh.Advisories()...)
	for _, a := range old.Advisories() {
		if !have[a.ID] {
			kb.Add(a)
		}
	}
	kb.SetKEV(old.KEVEntries())
	kb.SetKEV(fresh.KEVEntries())
	kb.SetEPSS(old.EPSSEntries())
	kb.SetEPSS(fresh.EPSSEntries())
	return kb
}
