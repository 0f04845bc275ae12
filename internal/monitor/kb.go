package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"medvigil/internal/store"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

// Change is what a knowledge-base replacement did.
type Change struct {
	SnapshotID int64 `json:"snapshot_id"`
	Advisories int   `json:"advisories"`
	// Added, Modified and Removed count advisories by ID; KEVChanged counts
	// CVEs whose KEV mark appeared, changed or went away.
	Added      int `json:"added"`
	Modified   int `json:"modified"`
	Removed    int `json:"removed"`
	KEVChanged int `json:"kev_changed"`
	// Versions is the number of product versions re-evaluated; the findings
	// counts are summed over them.
	Versions   int           `json:"versions_reevaluated"`
	New        int           `json:"new_findings"`
	Changed    int           `json:"changed_findings"`
	Resolved   int           `json:"resolved_findings"`
	Duration   time.Duration `json:"duration_ns"`
	Reevaluate time.Duration `json:"reevaluate_ns"`
}

// ReplaceKB makes kb the knowledge base of every server process on the store:
// it saves a snapshot, loads it here, and re-evaluates the product versions
// whose SBOMs hold a package that an added, modified or removed advisory (or
// a changed KEV mark) names. EPSS-only changes do not trigger
// re-evaluation (scores move daily); the new scores are recorded the next
// time a version is evaluated.
func (m *Monitor) ReplaceKB(ctx context.Context, kb *vuln.KB, sources json.RawMessage) (Change, error) {
	start := m.cfg.Now()
	kb.Freeze()
	var buf bytes.Buffer
	if err := snapshot.Write(&buf, kb); err != nil {
		return Change{}, fmt.Errorf("snapshot knowledge base: %w", err)
	}
	saved, err := m.cfg.Store.SaveKB(ctx, store.KBSnapshot{Created: start.UTC(), Advisories: kb.Len(), Sources: sources, Data: buf.Bytes()})
	if err != nil {
		return Change{}, fmt.Errorf("save knowledge base: %w", err)
	}
	m.evalMu.Lock()
	defer m.evalMu.Unlock()
	if m.cfg.Shared {
		if _, _, err := m.Reconcile(ctx); err != nil {
			return Change{}, err
		}
	}
	oldIx := m.Index()
	changed, ch := diff(oldIx.KB(), kb)
	m.install(kb, saved)
	ch.SnapshotID, ch.Advisories = saved.ID, kb.Len()

	evalStart := m.cfg.Now()
	if err := m.reevaluate(ctx, oldIx, m.Index(), changed, &ch); err != nil {
		return ch, err
	}
	ch.Reevaluate = m.cfg.Now().Sub(evalStart)
	ch.Duration = m.cfg.Now().Sub(start)
	if m.cfg.Observer.Evaluate != nil {
		m.cfg.Observer.Evaluate(ch.Reevaluate, ch.Versions)
	}
	m.log.Info("knowledge base replaced", "snapshot", saved.ID, "advisories", kb.Len(), "added", ch.Added,
		"modified", ch.Modified, "removed", ch.Removed, "kev_changed", ch.KEVChanged, "versions", ch.Versions,
		"new", ch.New, "changed", ch.Changed, "resolved", ch.Resolved, "reevaluate_ms", ch.Reevaluate.Milliseconds())
	return ch, nil
}

// fingerprint tells whether an advisory changed. Every source bumps the
// modified time of a record it changes; the counts catch a source that
// does not.
func fingerprint(a *vuln.Advisory) string {
	return a.Modified.UTC().Format(time.RFC3339Nano) + "|" + a.Withdrawn.UTC().Format(time.RFC3339Nano) + "|" +
		strconv.Itoa(len(a.Affected)) + "|" + strconv.Itoa(len(a.CPEConfigs)) + "|" + strconv.Itoa(len(a.Aliases)) + "|" +
		strconv.Itoa(len(a.Severities))
}

// diff returns the IDs of advisories added, modified or removed, and of the
// advisories of CVEs whose KEV mark changed.
func diff(old, cur *vuln.KB) ([]string, Change) {
	var ch Change
	before := map[string]string{}
	for _, a := range old.Advisories() {
		before[a.ID] = fingerprint(a)
	}
	var ids []string
	for _, a := range cur.Advisories() {
		fp, ok := before[a.ID]
		switch {
		case !ok:
			ch.Added++
			ids = append(ids, a.ID)
		case fp != fingerprint(a):
			ch.Modified++
			ids = append(ids, a.ID)
		}
		delete(before, a.ID)
	}
	for id := range before {
		ch.Removed++
		ids = append(ids, id)
	}
	ok, nk := old.KEVEntries(), cur.KEVEntries()
	for cve, k := range nk {
		if o, had := ok[cve]; !had || o != k {
			ch.KEVChanged++
			ids = append(ids, cve)
		}
	}
	for cve := range ok {
		if _, has := nk[cve]; !has {
			ch.KEVChanged++
			ids = append(ids, cve)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), ch
}

// EvaluateVersion re-evaluates one version now (after a status change of its
// lifecycle or on request).
func (m *Monitor) EvaluateVersion(ctx context.Context, org, version int64) (store.FindingChanges, error) {
	var ch store.FindingChanges
	var events []store.Event
	m.recMu.RLock()
	defer m.recMu.RUnlock()
	err := m.cfg.Store.InTx(ctx, func(q store.Queries) error {
		c, evs, _, err := m.evaluate(ctx, q, org, version, m.cfg.Now(), nil)
		if err != nil {
			return err
		}
		ch = c
		if len(evs) > 0 {
			events, err = q.AppendEvents(ctx, evs)
		}
		return err
	})
	if err != nil {
		return ch, err
	}
	m.deliver(ctx, events)
	return ch, nil
}
