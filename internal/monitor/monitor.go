package monitor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"medvigil/internal/match"
	"medvigil/internal/match/portfolio"
	"medvigil/internal/notify"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

// Deliverer sends events to the organizations' subscriptions (notify.Notifier).
type Deliverer interface {
	Deliver(ctx context.Context, hooks []store.Webhook, events []store.Event) error
}

// Observer receives durations for metrics; nil fields are skipped.
type Observer struct {
	Import   func(d time.Duration)
	Evaluate func(d time.Duration, versions int)
}

// Config configures a Monitor.
type Config struct {
	Store    store.Store
	Log      *slog.Logger
	Notifier Deliverer // may be nil: events are logged but not delivered
	Observer Observer
	// Owner names this process in job claims (host:pid).
	Owner string
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// MaxSBOM is the largest SBOM accepted, in bytes.
	MaxSBOM int64
	// Shared says other processes may store SBOMs in the same database
	// (several serve processes on PostgreSQL): ReplaceKB then reconciles
	// the portfolio with the store before it re-evaluates (see Reconcile).
	Shared bool
}

// Monitor is safe for concurrent use.
type Monitor struct {
	cfg Config
	log *slog.Logger

	mu       sync.RWMutex
	kb       *vuln.KB
	ix       *match.Index
	kbID     int64
	kbLoaded time.Time
	kbMeta   store.KBSnapshot

	pf      *portfolio.Portfolio
	pfMu    sync.Mutex           // guards owners and pending
	owners  map[int64]versionKey // SBOM ID → its version
	pending map[int64]*sbom.Document

	evalMu sync.Mutex // one re-evaluation at a time per process
	// recMu keeps imports and single-version evaluations (shared) apart from
	// a re-evaluation's transaction (exclusive), which records each
	// version's findings from a list read at its start.
	recMu sync.RWMutex

	inflight sync.WaitGroup // background deliveries
}

type versionKey struct{ org, version int64 }

// New returns a Monitor with an empty knowledge base.
func New(cfg Config) *Monitor {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSBOM == 0 {
		cfg.MaxSBOM = formats.DefaultMaxSize
	}
	kb := vuln.NewKB()
	kb.Freeze()
	return &Monitor{cfg: cfg, log: cfg.Log, kb: kb, ix: match.NewIndex(kb), pf: portfolio.New(), owners: map[int64]versionKey{}}
}

// Index returns the current match index (its KB() is the knowledge base).
func (m *Monitor) Index() *match.Index {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.ix
}

// KBStatus describes the loaded knowledge base.
type KBStatus struct {
	SnapshotID int64           `json:"snapshot_id"`
	Created    time.Time       `json:"created,omitzero"`
	Loaded     time.Time       `json:"loaded,omitzero"`
	Advisories int             `json:"advisories"`
	KEV        int             `json:"kev"`
	EPSS       int             `json:"epss"`
	Sources    json.RawMessage `json:"sources,omitempty"`
}

// Status returns what knowledge base is loaded; Loaded is zero before the
// first load.
func (m *Monitor) Status() KBStatus {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return KBStatus{SnapshotID: m.kbID, Created: m.kbMeta.Created, Loaded: m.kbLoaded, Advisories: m.kb.Len(),
		KEV: m.kb.KEVCount(), EPSS: m.kb.EPSSCount(), Sources: m.kbMeta.Sources}
}

// Ready reports whether a knowledge base has been loaded from the store (an
// empty database counts as loaded once checked).
func (m *Monitor) Ready() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return !m.kbLoaded.IsZero()
}

// Start loads the latest knowledge base and every stored component (the
// portfolio). Call it once before serving.
func (m *Monitor) Start(ctx context.Context) error {
	n := 0
	err := m.cfg.Store.AllComponents(ctx, func(c store.Component) error {
		n++
		m.addComponent(c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load components: %w", err)
	}
	m.flushPending()
	if _, err := m.Refresh(ctx); err != nil {
		return err
	}
	m.log.Info("monitor started", "components", n, "sboms", m.pf.Len(), "advisories", m.Index().KB().Len())
	return nil
}

// pending collects components per SBOM while Start streams them.
func (m *Monitor) addComponent(c store.Component) {
	m.pfMu.Lock()
	defer m.pfMu.Unlock()
	if m.pending == nil {
		m.pending = map[int64]*sbom.Document{}
	}
	doc := m.pending[c.SBOMID]
	if doc == nil {
		doc = &sbom.Document{}
		m.pending[c.SBOMID] = doc
		m.owners[c.SBOMID] = versionKey{c.OrgID, c.VersionID}
	}
	doc.Components = append(doc.Components, portfolioComponent(c))
}

func (m *Monitor) flushPending() {
	m.pfMu.Lock()
	defer m.pfMu.Unlock()
	for id, doc := range m.pending {
		m.pf.Add(sbomKey(id), doc)
	}
	m.pending = nil
}

func sbomKey(id int64) string { return strconv.FormatInt(id, 10) }

// sbomComponent turns a stored component back into what the matcher reads.
func sbomComponent(c store.Component) sbom.Component {
	sc := sbom.Component{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, CPEs: c.CPEs}
	if c.Supplier != "" {
		sc.Supplier = &sbom.Party{Name: c.Supplier}
	}
	return sc
}

// portfolioComponent is a stored component as the portfolio keeps it: its
// ref is the component's ID, so that the findings portfolio.Affected
// returns name the stored component.
func portfolioComponent(c store.Component) sbom.Component {
	sc := sbomComponent(c)
	sc.Ref = strconv.FormatInt(c.ID, 10)
	return sc
}

// Refresh loads the newest knowledge-base snapshot from the store when it is
// newer than the loaded one (another process may have imported it). It
// reports whether it loaded one.
func (m *Monitor) Refresh(ctx context.Context) (bool, error) {
	meta, err := m.cfg.Store.LatestKB(ctx, false)
	if errors.Is(err, store.ErrNotFound) {
		m.mu.Lock()
		if m.kbLoaded.IsZero() {
			m.kbLoaded = m.cfg.Now()
		}
		m.mu.Unlock()
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("knowledge base status: %w", err)
	}
	m.mu.RLock()
	same := meta.ID == m.kbID
	m.mu.RUnlock()
	if same {
		return false, nil
	}
	full, err := m.cfg.Store.LatestKB(ctx, true)
	if err != nil {
		return false, fmt.Errorf("load knowledge base: %w", err)
	}
	kb, err := snapshot.Read(bytes.NewReader(full.Data))
	if err != nil {
		return false, fmt.Errorf("knowledge base snapshot %d: %w", full.ID, err)
	}
	m.install(kb, full)
	return true, nil
}

func (m *Monitor) install(kb *vuln.KB, meta store.KBSnapshot) {
	ix := match.NewIndex(kb)
	meta.Data = nil
	m.mu.Lock()
	m.kb, m.ix, m.kbID, m.kbMeta, m.kbLoaded = kb, ix, meta.ID, meta, m.cfg.Now()
	m.mu.Unlock()
	m.log.Info("knowledge base loaded", "snapshot", meta.ID, "advisories", kb.Len(), "kev", kb.KEVCount(), "epss", kb.EPSSCount())
}

// ImportResult is what an SBOM import did.
type ImportResult struct {
	SBOM     store.SBOM           `json:"sbom"`
	Findings store.FindingChanges `json:"-"`
	New      int                  `json:"new_findings"`
	Resolved int                  `json:"resolved_findings"`
	Total    int                  `json:"findings"`
	Warnings []string             `json:"warnings,omitempty"`
}

// ErrBadSBOM wraps every reason an uploaded document is refused.
var ErrBadSBOM = errors.New("bad SBOM")

// ImportSBOM parses data (any format the SBOM engine reads), stores it with
// its components under the version, matches it and records the version's
// findings and their events — all in one transaction: a failure writes
// nothing.
func (m *Monitor) ImportSBOM(ctx context.Context, org, version int64, filename string, data []byte) (ImportResult, error) {
	start := m.cfg.Now()
	if int64(len(data)) > m.cfg.MaxSBOM {
		return ImportResult{}, fmt.Errorf("%w: %s: %d bytes exceeds the limit of %d", ErrBadSBOM, filename, len(data), m.cfg.MaxSBOM)
	}
	var warnings []string
	doc, err := formats.Read(ctx, filename, bytes.NewReader(data), formats.Options{MaxSize: m.cfg.MaxSBOM})
	if err != nil {
		return ImportResult{}, fmt.Errorf("%w: %w", ErrBadSBOM, err)
	}
	for _, w := range doc.Warnings {
		warnings = append(warnings, w.Error())
	}
	sum := sha256.Sum256(data)
	rec := store.SBOM{OrgID: org, VersionID: version, Filename: filename, Format: string(doc.Format),
		SpecVersion: doc.SpecVersion, Encoding: string(doc.Encoding), SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(data)), Components: len(doc.Components), Warnings: warnings, Raw: data}
	comps := make([]store.ComponentInput, 0, len(doc.Components))
	for i := range doc.Components {
		c := &doc.Components[i]
		ci := store.ComponentInput{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, CPEs: c.CPEs}
		if c.Supplier != nil {
			ci.Supplier = c.Supplier.Name
		} else if c.Manufacturer != nil {
			ci.Supplier = c.Manufacturer.Name
		}
		comps = append(comps, ci)
	}
	var res ImportResult
	var events []store.Event
	var stored []store.Component
	m.recMu.RLock()
	defer m.recMu.RUnlock()
	err = m.cfg.Store.InTx(ctx, func(q store.Queries) error {
		s, cs, err := q.CreateSBOM(ctx, rec, comps)
		if err != nil {
			return err
		}
		stored = cs
		res.SBOM = s
		ch, evs, total, err := m.evaluate(ctx, q, org, version, m.cfg.Now(), map[int64][]store.Component{s.ID: cs})
		if err != nil {
			return err
		}
		res.Findings, res.Total = ch, total
		res.New, res.Resolved = len(ch.New), len(ch.Resolved)
		evs = append([]store.Event{{OrgID: org, Type: "sbom.imported", Subject: filename,
			Data: mustJSON(map[string]any{"sbom_id": s.ID, "version_id": version, "components": len(cs), "sha256": s.SHA256})}}, evs...)
		events, err = q.AppendEvents(ctx, evs)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	res.Warnings = warnings
	m.pfMu.Lock()
	m.owners[res.SBOM.ID] = versionKey{org, version}
	m.pfMu.Unlock()
	d := &sbom.Document{Components: make([]sbom.Component, 0, len(stored))}
	for _, c := range stored {
		d.Components = append(d.Components, portfolioComponent(c))
	}
	m.pf.Add(sbomKey(res.SBOM.ID), d)
	m.deliver(ctx, events)
	if m.cfg.Observer.Import != nil {
		m.cfg.Observer.Import(m.cfg.Now().Sub(start))
	}
	return res, nil
}

// ForgetVersion drops the SBOMs of a deleted version (or product) from the
// portfolio.
func (m *Monitor) ForgetVersions(keep func(org, version int64) bool) {
	m.pfMu.Lock()
	defer m.pfMu.Unlock()
	for id, k := range m.owners {
		if !keep(k.org, k.version) {
			delete(m.owners, id)
			m.pf.Remove(sbomKey(id))
		}
	}
}

// evaluate matches every component of a version (extra holds components not
// yet visible through q's listing, keyed by SBOM) and records its findings.
// It returns the changes, their events (not yet appended) and the number of
// current findings.
func (m *Monitor) evaluate(ctx context.Context, q store.Queries, org, version int64, now time.Time, extra map[int64][]store.Component) (store.FindingChanges, []store.Event, int, error) {
	ix := m.Index()
	comps, err := listAll(ctx, q, org, version)
	if err != nil {
		return store.FindingChanges{}, nil, 0, err
	}
	seen := map[int64]bool{}
	for _, c := range comps {
		seen[c.ID] = true
	}
	for _, cs := range extra {
		for _, c := range cs {
			if !seen[c.ID] {
				comps = append(comps, c)
				seen[c.ID] = true
			}
		}
	}
	var fs []store.Finding
	byComp := map[int64]store.Component{}
	for _, c := range comps {
		sc := sbomComponent(c)
		qr := match.NewQuery(&sc)
		for _, f := range ix.MatchQuery(&qr) {
			fs = append(fs, toStore(org, version, c.ID, &f))
		}
		byComp[c.ID] = c
	}
	ch, err := q.UpsertFindings(ctx, org, version, fs, now)
	if err != nil {
		return store.FindingChanges{}, nil, 0, fmt.Errorf("record findings of version %d: %w", version, err)
	}
	evs, err := m.findingEvents(ctx, q, org, version, ch, byComp, now, nil)
	return ch, evs, len(fs), err
}

func listAll(ctx context.Context, q store.Queries, org, version int64) ([]store.Component, error) {
	var all []store.Component
	p := store.Page{Limit: 1000}
	for {
		cs, err := q.ListComponents(ctx, org, version, p)
		if err != nil {
			return nil, fmt.Errorf("components of version %d: %w", version, err)
		}
		all = append(all, cs...)
		if len(cs) < p.Limit {
			return all, nil
		}
		p.After = cs[len(cs)-1].ID
	}
}

func toStore(org, version, comp int64, f *match.Finding) store.Finding {
	sf := store.Finding{OrgID: org, VersionID: version, ComponentID: comp, VulnID: f.ID, Summary: f.Summary,
		Severity: f.Severity.Rating, CVSS: f.Severity.Score, KEV: f.KEV != nil, FixedVersions: f.Fixed,
		Confidence: string(f.Confidence), Status: store.StatusOpen}
	for _, id := range f.IDs {
		if id != f.ID {
			sf.Aliases = append(sf.Aliases, id)
		}
	}
	if f.EPSS != nil {
		sf.EPSS = f.EPSS.Score
	}
	if len(f.Evidence) > 0 {
		sf.Method = string(f.Evidence[0].Method)
		rules := make([]string, 0, len(f.Evidence))
		for _, e := range f.Evidence {
			rules = append(rules, e.Advisory+": "+e.Rule)
		}
		slices.Sort(rules)
		sf.Rule = joinLimit(rules, 2000)
	}
	return sf
}

func joinLimit(parts []string, limit int) string {
	var b []byte
	for i, p := range parts {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = append(b, p...)
		if len(b) > limit {
			return string(b[:limit]) + "…"
		}
	}
	return string(b)
}

// findingEvents turns finding changes into events with notify.FindingEvent
// payloads.
// nm, if not nil, caches organizations, versions and products across calls.
func (m *Monitor) findingEvents(ctx context.Context, q store.Queries, org, version int64, ch store.FindingChanges, comps map[int64]store.Component, now time.Time, nm *names) ([]store.Event, error) {
	if len(ch.New)+len(ch.Changed)+len(ch.Resolved) == 0 {
		return nil, nil
	}
	if nm == nil {
		nm = newNames()
	}
	o, v, p, err := nm.lookup(ctx, q, org, version)
	if err != nil {
		return nil, err
	}
	var evs []store.Event
	add := func(typ string, fs []store.Finding) {
		for _, f := range fs {
			c := comps[f.ComponentID]
			fe := notify.FindingEvent{Type: typ, OrganizationID: org, Organization: o.Name, FindingID: f.ID,
				ProductID: p.ID, ProductName: p.Name, VersionID: v.ID, VersionName: v.Version,
				ComponentName: c.Name, ComponentVersion: c.Version, ComponentPURL: c.PURL,
				VulnID: f.VulnID, Aliases: f.Aliases, Summary: f.Summary, Severity: f.Severity, CVSS: f.CVSS,
				KEV: f.KEV, EPSS: f.EPSS, FixedVersions: f.FixedVersions, Status: f.Status, Time: now}
			evs = append(evs, store.Event{OrgID: org, Type: typ, Subject: f.VulnID, Data: mustJSON(fe)})
		}
	}
	add(notify.EventFindingNew, ch.New)
	add(notify.EventFindingChanged, ch.Changed)
	add(notify.EventFindingResolved, ch.Resolved)
	return evs, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("monitor: marshal %T: %v", v, err)) // only plain structs and maps are marshalled
	}
	return b
}

// deliver hands events to the notifier, grouped by organization, after the
// transaction that recorded them committed. Delivery (with its retries) runs
// in the background so that an upload's answer never waits for a slow
// receiver; Close waits for deliveries in flight. The events are in the
// log either way, and every attempt is in the delivery log.
func (m *Monitor) deliver(ctx context.Context, events []store.Event) {
	if m.cfg.Notifier == nil || len(events) == 0 {
		return
	}
	m.inflight.Add(1)
	go func() {
		defer m.inflight.Done()
		m.deliverNow(context.WithoutCancel(ctx), events)
	}()
}

// Close waits for background deliveries to finish.
func (m *Monitor) Close() {
	m.inflight.Wait()
}

func (m *Monitor) deliverNow(ctx context.Context, events []store.Event) {
	byOrg := map[int64][]store.Event{}
	for _, e := range events {
		if e.Type == "sbom.imported" {
			continue
		}
		byOrg[e.OrgID] = append(byOrg[e.OrgID], e)
	}
	for org, evs := range byOrg {
		hooks, err := listHooks(ctx, m.cfg.Store, org)
		if err != nil {
			m.log.Error("list webhooks", "org", org, "err", err)
			continue
		}
		if len(hooks) == 0 {
			continue
		}
		if err := m.cfg.Notifier.Deliver(ctx, hooks, evs); err != nil {
			m.log.Warn("deliver events", "org", org, "events", len(evs), "err", err)
		}
	}
}

func listHooks(ctx context.Context, q store.Queries, org int64) ([]store.Webhook, error) {
	var all []store.Webhook
	p := store.Page{Limit: 1000}
	for {
		hs, err := q.ListWebhooks(ctx, org, p)
		if err != nil {
			return nil, err
		}
		all = append(all, hs...)
		if len(hs) < p.Limit {
			return all, nil
		}
		p.After = hs[len(hs)-1].ID
	}
}
