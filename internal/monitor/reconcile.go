package monitor

import (
	"context"
	"fmt"

	"medvigil/internal/sbom"
	"medvigil/internal/store"
)

// Reconcile brings the portfolio in line with the store: SBOMs that other
// processes on the same database stored since Start are added, and SBOMs
// that are gone (their version or product deleted elsewhere) are dropped.
// It streams every stored component, so it costs about what Start costs;
// ReplaceKB calls it first when Config.Shared is set, so that the process
// that re-evaluates after a knowledge-base change sees every SBOM.
func (m *Monitor) Reconcile(ctx context.Context) (added, removed int, err error) {
	m.pfMu.Lock()
	known := make(map[int64]bool, len(m.owners))
	for id := range m.owners {
		known[id] = true
	}
	m.pfMu.Unlock()
	present := make(map[int64]bool, len(known))
	fresh := map[int64]*sbom.Document{}
	keys := map[int64]versionKey{}
	err = m.cfg.Store.AllComponents(ctx, func(c store.Component) error {
		present[c.SBOMID] = true
		if known[c.SBOMID] {
			return nil
		}
		doc := fresh[c.SBOMID]
		if doc == nil {
			doc = &sbom.Document{}
			fresh[c.SBOMID] = doc
			keys[c.SBOMID] = versionKey{c.OrgID, c.VersionID}
		}
		doc.Components = append(doc.Components, portfolioComponent(c))
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("reconcile portfolio: %w", err)
	}
	m.pfMu.Lock()
	defer m.pfMu.Unlock()
	for id, doc := range fresh {
		if _, ok := m.owners[id]; ok {
			continue // imported here while the components streamed
		}
		m.owners[id] = keys[id]
		m.pf.Add(sbomKey(id), doc)
		added++
	}
	for id := range known {
		if !present[id] {
			if _, ok := m.owners[id]; ok {
				delete(m.owners, id)
				m.pf.Remove(sbomKey(id))
				removed++
			}
		}
	}
	if added+removed > 0 {
		m.log.Info("portfolio reconciled", "added_sboms", added, "removed_sboms", removed, "sboms", m.pf.Len())
	}
	return added, removed, nil
}
