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
// It lists the stored SBOM IDs and reads the components of the new ones
// only; ReplaceKB calls it first when Config.Shared is set, so that the
// process that re-evaluates after a knowledge-base change sees every SBOM.
func (m *Monitor) Reconcile(ctx context.Context) (added, removed int, err error) {
	// What this process knows is read before the store's list: an SBOM
	// imported here in between is then in the list (and skipped below), never
	// taken for one deleted elsewhere.
	m.pfMu.Lock()
	known := make(map[int64]bool, len(m.owners))
	for id := range m.owners {
		known[id] = true
	}
	m.pfMu.Unlock()
	refs, err := m.cfg.Store.ListSBOMIDs(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("reconcile portfolio: %w", err)
	}
	present := make(map[int64]bool, len(refs))
	var missing []store.SBOMRef
	for _, r := range refs {
		present[r.ID] = true
		if !known[r.ID] {
			missing = append(missing, r)
		}
	}
	fresh := map[int64]*sbom.Document{}
	keys := map[int64]versionKey{}
	if len(missing) > 0 {
		err = m.cfg.Store.SBOMComponents(ctx, missing, func(c store.Component) error {
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
