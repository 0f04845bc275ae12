package monitor

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"medvigil/internal/match"
	"medvigil/internal/match/portfolio"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
)

// versionFindings are the findings of the changed vulnerabilities in one
// version under the new knowledge base, and what is known of its components.
type versionFindings struct {
	fresh []store.Finding
	comps map[int64]store.Component
}

// affectedTask is one vulnerability to evaluate over the portfolio with one
// index (the old knowledge base's or the new one's).
type affectedTask struct {
	a     *vuln.Advisory
	ix    *match.Index
	isNew bool
	hits  []portfolio.Hit
}

// reevaluate records the findings of the vulnerabilities that the advisories
// of ids belong to (in the old or the new knowledge base), in every version
// they affected before or affect now, without rescanning whole versions:
// portfolio.Affected evaluates each changed vulnerability once over every
// stored SBOM (on all cores). Each version's findings of other
// vulnerabilities are kept as they are. The versions are recorded by record
// (one transaction; a few in parallel on PostgreSQL); the events are
// delivered after they commit.
func (m *Monitor) reevaluate(ctx context.Context, oldIx, newIx *match.Index, ids []string, ch *Change) error {
	if len(ids) == 0 {
		return nil
	}
	// Each vulnerability once per index: Affected evaluates the whole group.
	// A vulnerability whose findings cannot differ (only a modified time or
	// a reference changed) is skipped; the old knowledge base's hits are
	// needed only where what the group matches on changed: otherwise they
	// are the new hits.
	phase := time.Now()
	var tasks []affectedTask
	for _, side := range []struct {
		ix    *match.Index
		isNew bool
	}{{newIx, true}, {oldIx, false}} {
		kb := side.ix.KB()
		done := map[string]bool{}
		for _, id := range ids {
			group := kb.GroupAdvisories(id)
			if len(group) == 0 {
				continue
			}
			root := kb.Group(group[0].ID)
			if done[root] {
				continue
			}
			done[root] = true
			switch {
			case side.isNew && findingData(group, kb) == findingData(oldIx.KB().GroupAdvisories(group[0].ID), oldIx.KB()):
				continue
			case !side.isNew && matchingData(group) == matchingData(newIx.KB().GroupAdvisories(group[0].ID)):
				continue
			}
			tasks = append(tasks, affectedTask{a: group[0], ix: side.ix, isNew: side.isNew})
		}
	}
	// The IDs a finding of an evaluated vulnerability may carry, in the old
	// or the new knowledge base: those findings are replaced by the new hits;
	// findings of the vulnerabilities skipped above are kept.
	changedIDs := map[string]bool{}
	for _, t := range tasks {
		for _, kb := range []*vuln.KB{oldIx.KB(), newIx.KB()} {
			for _, a := range kb.GroupAdvisories(t.a.ID) {
				for _, x := range a.IDs() {
					changedIDs[x] = true
				}
			}
		}
	}
	// While Affected evaluates, read the open findings of the changed
	// vulnerabilities of every organization holding SBOMs (indexed reads,
	// on the database's side of the machine). Imports wait from here to the
	// end of the recording, so what is read stays what is stored.
	m.recMu.Lock()
	defer m.recMu.Unlock()
	only := slices.Sorted(maps.Keys(changedIDs))
	type preRead struct {
		existing map[int64]map[int64][]store.Finding
		err      error
	}
	pre := make(chan preRead, 1)
	go func() {
		m.pfMu.Lock()
		orgs := map[int64]bool{}
		for _, k := range m.owners {
			orgs[k.org] = true
		}
		m.pfMu.Unlock()
		r := preRead{existing: map[int64]map[int64][]store.Finding{}}
		for org := range orgs {
			fs, err := changedFindings(ctx, m.cfg.Store, org, only)
			if err != nil {
				r.err = err
				break
			}
			r.existing[org] = fs
		}
		pre <- r
	}()
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				tasks[i].hits = m.pf.Affected(tasks[i].a, tasks[i].ix)
			}
		}()
	}
	for i := range tasks {
		next <- i
	}
	close(next)
	wg.Wait()
	affectedTime := time.Since(phase)
	phase = time.Now()

	m.pfMu.Lock()
	owners := make(map[int64]versionKey, len(m.owners))
	for id, k := range m.owners {
		owners[id] = k
	}
	m.pfMu.Unlock()
	byVersion := map[versionKey]*versionFindings{}
	for _, t := range tasks {
		for _, hit := range t.hits {
			id, err := strconv.ParseInt(hit.SBOM, 10, 64)
			if err != nil {
				continue
			}
			k, ok := owners[id]
			if !ok {
				continue
			}
			vf := byVersion[k]
			if vf == nil {
				vf = &versionFindings{comps: map[int64]store.Component{}}
				byVersion[k] = vf
			}
			for i := range hit.Findings {
				f := &hit.Findings[i]
				cid, err := strconv.ParseInt(f.Component.Ref, 10, 64)
				if err != nil {
					continue
				}
				if _, ok := vf.comps[cid]; !ok {
					vf.comps[cid] = store.Component{ID: cid, OrgID: k.org, VersionID: k.version,
						Name: f.Component.Name, Version: f.Component.Version, PURL: f.Component.PURL}
				}
				if t.isNew {
					vf.fresh = append(vf.fresh, toStore(k.org, k.version, cid, f))
				}
			}
		}
	}
	keys := make([]versionKey, 0, len(byVersion))
	for k := range byVersion {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b versionKey) int {
		if a.org != b.org {
			return cmp.Compare(a.org, b.org)
		}
		return cmp.Compare(a.version, b.version)
	})
	now := m.cfg.Now()
	r := <-pre
	if r.err != nil {
		return r.err
	}
	events, counts, err := m.record(ctx, keys, byVersion, changedIDs, r.existing, now)
	if err != nil {
		return err
	}
	m.log.Debug("re-evaluation", "vulnerabilities", len(tasks), "versions", len(keys), "affected_ms", affectedTime.Milliseconds(),
		"record_ms", time.Since(phase).Milliseconds(), "events", len(events))
	ch.Versions += len(keys)
	ch.New += counts.New
	ch.Changed += counts.Changed
	ch.Resolved += counts.Resolved
	m.deliver(ctx, events)
	return nil
}

// recordWorkers is how many transactions record a re-evaluation's versions
// at once on PostgreSQL (each on its own connection: the statements' round
// trips, not the CPU, bound a single one). SQLite has one writer.
const recordWorkers = 4

// record records the findings of the versions keys (sorted by organization)
// in one transaction, or on PostgreSQL in recordWorkers transactions of
// consecutive versions, and appends their events. existing holds, per
// organization and version, the open findings of the changed
// vulnerabilities (read while Affected ran); record first reads the names
// of the versions (indexed reads); each version is then recorded
// with UpsertFindingsBatch limited to those vulnerabilities (Only), so its
// other findings are neither read again nor rewritten.
func (m *Monitor) record(ctx context.Context, keys []versionKey, byVersion map[versionKey]*versionFindings, changedIDs map[string]bool, existing map[int64]map[int64][]store.Finding, now time.Time) ([]store.Event, Change, error) {
	only := slices.Sorted(maps.Keys(changedIDs))
	read := time.Now()
	touched := map[int64][]int64{} // org → versions
	for _, k := range keys {
		touched[k.org] = append(touched[k.org], k.version)
	}
	nm := newNames()
	for org, vs := range touched {
		if err := nm.prefetch(ctx, m.cfg.Store, org, vs); err != nil {
			return nil, Change{}, err
		}
	}
	m.log.Debug("re-evaluation: read", "versions", len(keys), "read_ms", time.Since(read).Milliseconds())
	workers := 1
	if m.cfg.Store.Dialect() == "postgres" {
		workers = min(recordWorkers, max(1, len(keys)/50))
	}
	type part struct {
		events []store.Event
		counts Change
		err    error
	}
	parts := make([]part, workers)
	size := (len(keys) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*size, len(keys)), min((w+1)*size, len(keys))
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			p.err = m.cfg.Store.InTx(ctx, func(q store.Queries) error {
				p.events, p.counts = nil, Change{}
				// The versions whose findings change, recorded per
				// organization in one UpsertFindingsBatch each.
				var pending []versionKey
				var batch []store.VersionFindings
				flush := func() error {
					if len(batch) == 0 {
						return nil
					}
					org := pending[0].org
					res, err := q.UpsertFindingsBatch(ctx, org, batch, now)
					if err != nil {
						return fmt.Errorf("re-evaluate: record findings of %d versions: %w", len(batch), err)
					}
					for _, k := range pending {
						c, ok := res[k.version]
						if !ok {
							continue // deleted since the portfolio saw it
						}
						evs, err := m.changeEvents(ctx, q, k, byVersion[k], c, now, nm)
						if err != nil {
							return fmt.Errorf("re-evaluate version %d: %w", k.version, err)
						}
						p.counts.New += len(c.New)
						p.counts.Changed += len(c.Changed)
						p.counts.Resolved += len(c.Resolved)
						p.events = append(p.events, evs...)
					}
					pending, batch = pending[:0], batch[:0]
					return nil
				}
				for _, k := range keys[lo:hi] {
					if len(pending) > 0 && pending[0].org != k.org {
						if err := flush(); err != nil {
							return err
						}
					}
					list, skip := changedList(byVersion[k], existing[k.org][k.version], changedIDs)
					if skip {
						continue
					}
					pending = append(pending, k)
					batch = append(batch, store.VersionFindings{VersionID: k.version, Findings: list, Only: only})
				}
				if err := flush(); err != nil {
					return err
				}
				if len(p.events) > 0 {
					var err error
					p.events, err = q.AppendEvents(ctx, p.events)
					return err
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var events []store.Event
	var counts Change
	var errs []error
	for _, p := range parts {
		if p.err != nil {
			errs = append(errs, p.err)
			continue
		}
		events = append(events, p.events...)
		counts.New += p.counts.New
		counts.Changed += p.counts.Changed
		counts.Resolved += p.counts.Resolved
	}
	return events, counts, errors.Join(errs...)
}

// changedList is the list of findings to record for a version: those of
// unchanged vulnerabilities as stored (existing holds the open ones;
// triaged ones stay as they are), those of the changed ones as the new
// knowledge base has them. skip is true when the version's findings of the
// changed vulnerabilities are already what the new knowledge base gives.
func changedList(vf *versionFindings, existing []store.Finding, changedIDs map[string]bool) (list []store.Finding, skip bool) {
	changed := func(f *store.Finding) bool {
		if changedIDs[f.VulnID] {
			return true
		}
		for _, a := range f.Aliases {
			if changedIDs[a] {
				return true
			}
		}
		return false
	}
	type key struct {
		comp int64
		vuln string
	}
	before := map[key]store.Finding{}
	for _, f := range existing {
		switch {
		case f.Status == store.StatusResolved:
		case changed(&f):
			before[key{f.ComponentID, f.VulnID}] = f
		default:
			list = append(list, f)
		}
	}
	same := len(before) == len(vf.fresh)
	for i := 0; same && i < len(vf.fresh); i++ {
		f := vf.fresh[i]
		e, ok := before[key{f.ComponentID, f.VulnID}]
		same = ok && sameFinding(e, f)
	}
	if same {
		return nil, true
	}
	return append(list, vf.fresh...), false
}

// changeEvents makes the events of what recording a version's findings
// changed. Resolved findings of components no advisory names any more get
// their names from the old knowledge base's hits; missing ones are looked up.
func (m *Monitor) changeEvents(ctx context.Context, q store.Queries, k versionKey, vf *versionFindings, c store.FindingChanges, now time.Time, nm *names) ([]store.Event, error) {
	for _, f := range c.Resolved {
		if _, ok := vf.comps[f.ComponentID]; !ok {
			comps, err := listAll(ctx, q, k.org, k.version)
			if err != nil {
				return nil, err
			}
			for _, x := range comps {
				vf.comps[x.ID] = x
			}
			break
		}
	}
	return m.findingEvents(ctx, q, k.org, k.version, c, vf.comps, now, nm)
}

// sameFinding reports whether a stored finding already holds what f says.
func sameFinding(e, f store.Finding) bool {
	return e.Severity == f.Severity && e.CVSS == f.CVSS && e.KEV == f.KEV && e.EPSS == f.EPSS &&
		slices.Equal(e.FixedVersions, f.FixedVersions) && slices.Equal(e.Aliases, f.Aliases) &&
		e.Summary == f.Summary && e.Method == f.Method && e.Confidence == f.Confidence && e.Rule == f.Rule
}

// matchingData is what matching reads of a vulnerability's advisories
// (their IDs, affected packages and products, NVD criteria, withdrawal), as
// a string to compare.
func matchingData(group []*vuln.Advisory) string {
	type rec struct {
		ID        string
		Affected  []vuln.Affected
		CPE       []vuln.CPEMatch
		Withdrawn time.Time
	}
	recs := make([]rec, 0, len(group))
	for _, a := range group {
		recs = append(recs, rec{a.ID, a.Affected, a.CPEConfigs, a.Withdrawn})
	}
	slices.SortFunc(recs, func(a, b rec) int { return cmp.Compare(a.ID, b.ID) })
	b, err := json.Marshal(recs)
	if err != nil {
		return "unmarshalable:" + err.Error() // never equal to a marshalled group
	}
	return string(b)
}

// findingData is everything of a vulnerability's advisories that a finding
// is made of (all but the times, references, details and origin), with the
// KEV and EPSS marks of its IDs, as a string to compare.
func findingData(group []*vuln.Advisory, kb *vuln.KB) string {
	recs := make([]vuln.Advisory, 0, len(group))
	var ids []string
	for _, a := range group {
		r := *a
		r.Modified, r.Published, r.References, r.Details, r.Origin = time.Time{}, time.Time{}, nil, "", vuln.Origin{}
		recs = append(recs, r)
		ids = append(ids, a.IDs()...)
	}
	slices.SortFunc(recs, func(a, b vuln.Advisory) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(ids)
	b, err := json.Marshal(struct {
		Advisories []vuln.Advisory
		KEV        *vuln.KEV
		EPSS       *vuln.EPSS
	}{recs, kb.KEV(ids), kb.EPSS(ids)})
	if err != nil {
		return "unmarshalable:" + err.Error()
	}
	return string(b)
}

// changedFindings reads the open findings of org whose vulnerability ID or
// an alias is in ids, by version (an indexed read, a few thousand IDs per
// query).
func changedFindings(ctx context.Context, q store.Queries, org int64, ids []string) (map[int64][]store.Finding, error) {
	out := map[int64][]store.Finding{}
	seen := map[int64]bool{}
	// A chunk of IDs whose findings fit in a few pages: ListFindings collects
	// the matching IDs again for every page.
	const chunk = 100
	for start := 0; start < len(ids); start += chunk {
		f := store.FindingFilter{Status: store.StatusOpen, VulnIDs: ids[start:min(start+chunk, len(ids))]}
		p := store.Page{Limit: 1000}
		for {
			fs, err := q.ListFindings(ctx, org, f, p)
			if err != nil {
				return nil, fmt.Errorf("findings of organization %d: %w", org, err)
			}
			for _, f := range fs {
				if !seen[f.ID] {
					seen[f.ID] = true
					out[f.VersionID] = append(out[f.VersionID], f)
				}
			}
			if len(fs) < p.Limit {
				break
			}
			p.After = fs[len(fs)-1].ID
		}
	}
	return out, nil
}

// names caches the organizations, versions and products finding events
// name.
type names struct {
	mu       sync.Mutex
	orgs     map[int64]store.Org
	versions map[int64]store.Version
	products map[int64]store.Product
}

func newNames() *names {
	return &names{orgs: map[int64]store.Org{}, versions: map[int64]store.Version{}, products: map[int64]store.Product{}}
}

// lookup returns a version with its organization and product.
func (nm *names) lookup(ctx context.Context, q store.Queries, org, version int64) (store.Org, store.Version, store.Product, error) {
	nm.mu.Lock()
	defer nm.mu.Unlock()
	o, ok := nm.orgs[org]
	if !ok {
		var err error
		if o, err = q.GetOrg(ctx, org); err != nil {
			return o, store.Version{}, store.Product{}, fmt.Errorf("organization %d: %w", org, err)
		}
		nm.orgs[org] = o
	}
	v, ok := nm.versions[version]
	if !ok || v.OrgID != org {
		var err error
		if v, err = q.GetVersion(ctx, org, version); err != nil {
			return o, v, store.Product{}, fmt.Errorf("version %d: %w", version, err)
		}
		nm.versions[version] = v
	}
	p, ok := nm.products[v.ProductID]
	if !ok || p.OrgID != org {
		var err error
		if p, err = q.GetProduct(ctx, org, v.ProductID); err != nil {
			return o, v, p, fmt.Errorf("product %d: %w", v.ProductID, err)
		}
		nm.products[p.ID] = p
	}
	return o, v, p, nil
}

// prefetch reads the versions (and their products) of org that events will
// name, in a few queries instead of one per version.
func (nm *names) prefetch(ctx context.Context, q store.Queries, org int64, versions []int64) error {
	vs, err := q.GetVersions(ctx, org, versions)
	if err != nil {
		return fmt.Errorf("versions of organization %d: %w", org, err)
	}
	products := make([]int64, 0, len(vs))
	for _, v := range vs {
		products = append(products, v.ProductID)
	}
	ps, err := q.GetProducts(ctx, org, products)
	if err != nil {
		return fmt.Errorf("products of organization %d: %w", org, err)
	}
	nm.mu.Lock()
	defer nm.mu.Unlock()
	for _, v := range vs {
		nm.versions[v.ID] = v
	}
	for _, p := range ps {
		nm.products[p.ID] = p
	}
	return nil
}
