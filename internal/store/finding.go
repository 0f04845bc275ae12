package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

const findingCols = "id, org_id, version_id, component_id, vuln_id, aliases, summary, severity, cvss, kev, epss, fixed_versions, method, confidence, rule, status, first_seen, last_seen, resolved"

// findingInsertCols are the columns written for a new finding (all but id).
const findingInsertCols = 18

func scanFinding(s scanner) (Finding, error) {
	var f Finding
	err := s.Scan(&f.ID, &f.OrgID, &f.VersionID, &f.ComponentID, &f.VulnID, jsonList[string]{&f.Aliases}, &f.Summary, &f.Severity,
		&f.CVSS, &f.KEV, &f.EPSS, jsonList[string]{&f.FixedVersions}, &f.Method, &f.Confidence, &f.Rule, &f.Status,
		timeCol{&f.FirstSeen}, timeCol{&f.LastSeen}, nullTimeCol{&f.Resolved})
	return f, err
}

// findingArgs are the insert arguments of f (findingInsertCols of them).
func (q *queries) findingArgs(f Finding) ([]any, error) {
	aliases, err := jsonArg(f.Aliases)
	if err != nil {
		return nil, err
	}
	fixed, err := jsonArg(f.FixedVersions)
	if err != nil {
		return nil, err
	}
	return []any{f.OrgID, f.VersionID, f.ComponentID, f.VulnID, aliases, f.Summary, f.Severity, f.CVSS, f.KEV, f.EPSS, fixed,
		f.Method, f.Confidence, f.Rule, f.Status, q.d.timeArg(f.FirstSeen), q.d.timeArg(f.LastSeen), q.d.timePtrArg(f.Resolved)}, nil
}

type findingKey struct {
	component int64
	vuln      string
}

// notable reports whether b differs from a in what UpsertFindings reports as
// a change: severity, KEV, EPSS or fixed versions.
func notable(a, b Finding) bool {
	return a.Severity != b.Severity || a.KEV != b.KEV || a.EPSS != b.EPSS || !slices.Equal(a.FixedVersions, b.FixedVersions)
}

// sameData reports whether the stored data of a and b is equal (last seen
// aside).
func sameData(a, b Finding) bool {
	return !notable(a, b) && a.Summary == b.Summary && a.CVSS == b.CVSS && slices.Equal(a.Aliases, b.Aliases) &&
		a.Method == b.Method && a.Confidence == b.Confidence && a.Rule == b.Rule && a.Status == b.Status
}

// UpsertFindings records the current findings of a version (see Queries).
// Each finding's component must be a component of the version (else
// ErrNotFound); OrgID, VersionID, Status and the times of fs are ignored.
// When fs holds a key twice the last one counts. Findings with a triage
// status (neither open nor resolved) keep it and are not resolved by absence.
// Every returned list is ordered by ID.
func (q *queries) UpsertFindings(ctx context.Context, org, version int64, fs []Finding, now time.Time) (FindingChanges, error) {
	var ch FindingChanges
	err := q.writeTx(ctx, func(q *queries) error {
		if err := q.exists(ctx, "versions", "version", org, version); err != nil {
			return err
		}
		m, err := q.upsertBatch(ctx, org, []VersionFindings{{VersionID: version, Findings: fs}}, ts(now))
		if err != nil {
			return err
		}
		ch = m[version]
		return nil
	})
	if err != nil {
		return FindingChanges{}, err
	}
	return ch, nil
}

// UpsertFindingsBatch records the findings of many versions (see Queries).
func (q *queries) UpsertFindingsBatch(ctx context.Context, org int64, vs []VersionFindings, now time.Time) (map[int64]FindingChanges, error) {
	var out map[int64]FindingChanges
	err := q.writeTx(ctx, func(q *queries) error {
		ids := make([]int64, 0, len(vs))
		seen := make(map[int64]bool, len(vs))
		for _, v := range vs {
			if seen[v.VersionID] {
				return wrap("upsert findings", errorf("version %d is listed twice", v.VersionID))
			}
			seen[v.VersionID] = true
			ids = append(ids, v.VersionID)
		}
		known, err := byIDs(ctx, q, "upsert findings", "versions", "id", func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, org, ids)
		if err != nil {
			return err
		}
		ok := make(map[int64]bool, len(known))
		for _, id := range known {
			ok[id] = true
		}
		kept := make([]VersionFindings, 0, len(known))
		for _, v := range vs {
			if ok[v.VersionID] {
				kept = append(kept, v)
			}
		}
		out, err = q.upsertBatch(ctx, org, kept, ts(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// findingRef is the natural key of a finding.
type findingRef struct {
	version int64
	findingKey
}

// upsertBatch records the findings of versions that exist in org: it reads
// their open and triaged findings plus the resolved ones whose keys come
// back, works out the differences, and writes them in set-based statements.
func (q *queries) upsertBatch(ctx context.Context, org int64, vs []VersionFindings, now time.Time) (map[int64]FindingChanges, error) {
	out := make(map[int64]FindingChanges, len(vs))
	if len(vs) == 0 {
		return out, nil
	}
	// The input per version, deduplicated, last one wins, in first-seen order.
	curs := make([][]Finding, len(vs))
	ins := make([]map[findingKey]int, len(vs))
	var refs []findingRef
	for vi, v := range vs {
		in := make(map[findingKey]int, len(v.Findings))
		var cur []Finding
		for _, f := range v.Findings {
			if f.VulnID == "" {
				return nil, wrap("upsert findings", errorf("a finding of component %d has no vulnerability ID", f.ComponentID))
			}
			f.Aliases, f.FixedVersions = nilIfEmpty(f.Aliases), nilIfEmpty(f.FixedVersions)
			k := findingKey{f.ComponentID, f.VulnID}
			if i, ok := in[k]; ok {
				cur[i] = f
				continue
			}
			in[k] = len(cur)
			cur = append(cur, f)
			refs = append(refs, findingRef{v.VersionID, k})
		}
		curs[vi], ins[vi] = cur, in
	}
	existing, err := q.currentFindings(ctx, org, vs, refs)
	if err != nil {
		return nil, err
	}
	var fresh, update []Finding
	var freshOf []int
	var touched, realias []int64
	changes := make([]FindingChanges, len(vs))
	for vi, v := range vs {
		old := existing[v.VersionID]
		ch := &changes[vi]
		for _, f := range curs[vi] {
			f.OrgID, f.VersionID, f.LastSeen = org, v.VersionID, now
			e, ok := old[findingKey{f.ComponentID, f.VulnID}]
			if !ok {
				f.ID, f.Status, f.FirstSeen, f.Resolved = 0, StatusOpen, now, nil
				fresh = append(fresh, f)
				freshOf = append(freshOf, vi)
				continue
			}
			f.ID, f.FirstSeen, f.Status, f.Resolved = e.ID, e.FirstSeen, e.Status, e.Resolved
			reopened := e.Status == StatusResolved
			if reopened {
				f.Status, f.Resolved = StatusOpen, nil
			}
			if reopened || notable(e, f) {
				ch.Changed = append(ch.Changed, f)
			}
			if sameData(e, f) {
				touched = append(touched, f.ID)
			} else {
				update = append(update, f)
				if !slices.Equal(e.Aliases, f.Aliases) {
					realias = append(realias, f.ID)
				}
			}
		}
		for _, e := range old {
			if _, seen := ins[vi][findingKey{e.ComponentID, e.VulnID}]; !seen && e.Status == StatusOpen {
				r := now
				e.Status, e.Resolved = StatusResolved, &r
				ch.Resolved = append(ch.Resolved, e)
			}
		}
	}
	if err := q.insertFindings(ctx, fresh); err != nil {
		return nil, err
	}
	for i, f := range fresh {
		changes[freshOf[i]].New = append(changes[freshOf[i]].New, f)
	}
	if err := q.updateFindings(ctx, update); err != nil {
		return nil, err
	}
	if err := q.bulkUpdate(ctx, "UPDATE findings SET last_seen = ? WHERE org_id = ? AND id IN (%s)", []any{q.d.timeArg(now), org}, touched); err != nil {
		return nil, err
	}
	var resolved []int64
	for _, ch := range changes {
		for _, f := range ch.Resolved {
			resolved = append(resolved, f.ID)
		}
	}
	if err := q.bulkUpdate(ctx, "UPDATE findings SET status = '"+StatusResolved+"', resolved = ? WHERE org_id = ? AND id IN (%s)", []any{q.d.timeArg(now), org}, resolved); err != nil {
		return nil, err
	}
	// The alias index: new findings' aliases, and those of updated findings
	// whose aliases changed, rewritten.
	if err := q.bulkUpdate(ctx, "DELETE FROM finding_aliases WHERE org_id = ? AND finding_id IN (%s)", []any{org}, realias); err != nil {
		return nil, err
	}
	var aliased []Finding
	aliased = append(aliased, fresh...)
	if len(realias) > 0 {
		re := make(map[int64]bool, len(realias))
		for _, id := range realias {
			re[id] = true
		}
		for _, f := range update {
			if re[f.ID] {
				aliased = append(aliased, f)
			}
		}
	}
	if err := q.insertAliases(ctx, org, aliased); err != nil {
		return nil, err
	}
	byID := func(a, b Finding) int { return cmp.Compare(a.ID, b.ID) }
	for vi, v := range vs {
		ch := changes[vi]
		slices.SortFunc(ch.New, byID)
		slices.SortFunc(ch.Changed, byID)
		slices.SortFunc(ch.Resolved, byID)
		out[v.VersionID] = ch
	}
	return out, nil
}

// currentFindings reads, per version, the findings upsertBatch compares
// with: every finding whose key is in refs (whatever its status: a resolved
// one reopens), plus the open and triaged findings absence may resolve (all
// of the version's, or with Only those of the vulnerabilities named).
// Resolved findings of other keys are never read, however many accumulate.
func (q *queries) currentFindings(ctx context.Context, org int64, vs []VersionFindings, refs []findingRef) (map[int64]map[findingKey]Finding, error) {
	out := make(map[int64]map[findingKey]Finding, len(vs))
	add := func(f Finding) {
		m := out[f.VersionID]
		if m == nil {
			m = map[findingKey]Finding{}
			out[f.VersionID] = m
		}
		m[findingKey{f.ComponentID, f.VulnID}] = f
	}
	// Versions grouped by their Only list (the monitor gives them all one).
	type group struct {
		only     []string
		versions []int64
		ids      []int64 // the findings of only
	}
	var groups []*group
	byOnly := map[string]*group{}
	for _, v := range vs {
		k := strings.Join(v.Only, "\x00")
		g := byOnly[k]
		if g == nil {
			g = &group{only: v.Only}
			byOnly[k] = g
			groups = append(groups, g)
		}
		g.versions = append(g.versions, v.VersionID)
	}
	const chunk = 500
	for _, g := range groups {
		if len(g.only) > 0 {
			var err error
			if g.ids, err = q.vulnFindingIDs(ctx, org, g.only); err != nil {
				return nil, err
			}
			if len(g.ids) == 0 {
				continue
			}
		}
		for start := 0; start < len(g.versions); start += chunk {
			part := g.versions[start:min(start+chunk, len(g.versions))]
			base := "SELECT " + findingCols + " FROM findings WHERE org_id = ? AND version_id IN (" + inList(len(part)) + ") AND status <> '" + StatusResolved + "'"
			args := []any{org}
			for _, v := range part {
				args = append(args, v)
			}
			if len(g.only) == 0 {
				fs, err := list(ctx, q, "upsert findings", base, scanFinding, args...)
				if err != nil {
					return nil, err
				}
				for _, f := range fs {
					add(f)
				}
				continue
			}
			term, arg, err := q.idSet(g.ids, false)
			if err != nil {
				return nil, err
			}
			fs, err := list(ctx, q, "upsert findings", base+" AND "+term, scanFinding, append(args, arg)...)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				add(f)
			}
		}
	}
	if len(refs) == 0 {
		return out, nil
	}
	cols := "f." + strings.ReplaceAll(findingCols, ", ", ", f.")
	var fs []Finding
	var err error
	if q.d.dollar {
		versions, comps, vulns := make([]int64, len(refs)), make([]int64, len(refs)), make([]string, len(refs))
		for i, r := range refs {
			versions[i], comps[i], vulns[i] = r.version, r.component, r.vuln
		}
		fs, err = list(ctx, q, "upsert findings", "SELECT "+cols+` FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS k(v, c, u)
			JOIN findings AS f ON f.org_id = ? AND f.version_id = k.v AND f.component_id = k.c AND f.vuln_id = k.u`,
			scanFinding, versions, comps, vulns, org)
	} else {
		keys := make([][3]any, len(refs))
		for i, r := range refs {
			keys[i] = [3]any{r.version, r.component, r.vuln}
		}
		b, jerr := json.Marshal(keys)
		if jerr != nil {
			return nil, wrap("upsert findings", jerr)
		}
		// CROSS JOIN keeps the keys the outer loop (SQLite does not reorder
		// it), so each key is one lookup in the unique index.
		fs, err = list(ctx, q, "upsert findings", "SELECT "+cols+` FROM json_each(?) AS k
			CROSS JOIN findings AS f ON f.org_id = ? AND f.version_id = k.value ->> 0 AND f.component_id = k.value ->> 1 AND f.vuln_id = k.value ->> 2`,
			scanFinding, string(b), org)
	}
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		add(f)
	}
	return out, nil
}

// insertAliases adds the aliases of fs to the alias index.
func (q *queries) insertAliases(ctx context.Context, org int64, fs []Finding) error {
	var args []any
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		query := "INSERT INTO finding_aliases (org_id, alias, finding_id) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", rows), ", ") + " ON CONFLICT DO NOTHING"
		if _, err := q.w.ExecContext(ctx, q.d.rebind(query), args...); err != nil {
			return wrap("index finding aliases", err)
		}
		args, rows = args[:0], 0
		return nil
	}
	for _, f := range fs {
		for _, a := range f.Aliases {
			if a == "" {
				continue
			}
			args = append(args, org, a, f.ID)
			rows++
			if rows == 2000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// insertFindings writes fs in multi-row INSERTs and sets their IDs.
func (q *queries) insertFindings(ctx context.Context, fs []Finding) error {
	batch := min(500, q.d.maxParams/findingInsertCols)
	for start := 0; start < len(fs); start += batch {
		end := min(start+batch, len(fs))
		args := make([]any, 0, (end-start)*findingInsertCols)
		var b strings.Builder
		b.WriteString("INSERT INTO findings (org_id, version_id, component_id, vuln_id, aliases, summary, severity, cvss, kev, epss, fixed_versions, method, confidence, rule, status, first_seen, last_seen, resolved) VALUES ")
		row := placeholders(findingInsertCols)
		for i, f := range fs[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			a, err := q.findingArgs(f)
			if err != nil {
				return wrap("insert findings", err)
			}
			args = append(args, a...)
		}
		b.WriteString(" RETURNING id")
		rows, err := q.w.QueryContext(ctx, q.d.rebind(b.String()), args...)
		if err != nil {
			return wrap("insert findings", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return wrap("insert findings", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return wrap("insert findings", err)
		}
		if len(ids) != end-start {
			return wrap("insert findings", errorf("inserted %d rows, got %d IDs", end-start, len(ids)))
		}
		slices.Sort(ids)
		for i := range fs[start:end] {
			fs[start+i].ID = ids[i]
		}
	}
	return nil
}

// updateFindings rewrites the data of existing findings: on PostgreSQL one
// UPDATE ... FROM unnest(arrays) per 5,000 rows, on SQLite (in-process, no
// round trips) one prepared statement.
func (q *queries) updateFindings(ctx context.Context, fs []Finding) error {
	if len(fs) == 0 {
		return nil
	}
	if q.d.dollar {
		return q.updateFindingsArrays(ctx, fs)
	}
	stmt, err := q.w.PrepareContext(ctx, `UPDATE findings SET aliases = ?, summary = ?, severity = ?, cvss = ?, kev = ?, epss = ?, fixed_versions = ?,
		method = ?, confidence = ?, rule = ?, status = ?, last_seen = ?, resolved = ? WHERE org_id = ? AND id = ?`)
	if err != nil {
		return wrap("update findings", err)
	}
	defer stmt.Close()
	for _, f := range fs {
		a, err := q.findingArgs(f)
		if err != nil {
			return wrap("update findings", err)
		}
		// a: org, version, component, vuln, aliases(4) ... status(14), first seen, last seen(16), resolved(17).
		if _, err := stmt.ExecContext(ctx, append(a[4:15:15], a[16], a[17], f.OrgID, f.ID)...); err != nil {
			return wrap("update findings", err)
		}
	}
	return nil
}

// updateFindingsArrays is updateFindings for PostgreSQL.
func (q *queries) updateFindingsArrays(ctx context.Context, fs []Finding) error {
	const chunk = 5000
	for start := 0; start < len(fs); start += chunk {
		part := fs[start:min(start+chunk, len(fs))]
		n := len(part)
		var (
			ids                                                 = make([]int64, n)
			aliases, fixed                                      = make([]*string, n), make([]*string, n)
			summary, severity, method, confidence, rule, status = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			cvss, epss                                          = make([]float64, n), make([]float64, n)
			kev                                                 = make([]bool, n)
			lastSeen                                            = make([]time.Time, n)
			resolved                                            = make([]*time.Time, n)
		)
		for i, f := range part {
			a, err := jsonArg(f.Aliases)
			if err != nil {
				return wrap("update findings", err)
			}
			x, err := jsonArg(f.FixedVersions)
			if err != nil {
				return wrap("update findings", err)
			}
			if a != nil {
				s := a.(string)
				aliases[i] = &s
			}
			if x != nil {
				s := x.(string)
				fixed[i] = &s
			}
			ids[i], summary[i], severity[i], method[i], confidence[i], rule[i], status[i] = f.ID, f.Summary, f.Severity, f.Method, f.Confidence, f.Rule, f.Status
			cvss[i], epss[i], kev[i], lastSeen[i], resolved[i] = f.CVSS, f.EPSS, f.KEV, ts(f.LastSeen), normPtr(f.Resolved)
		}
		_, err := q.w.ExecContext(ctx, q.d.rebind(`UPDATE findings AS f SET aliases = v.aliases::jsonb, summary = v.summary, severity = v.severity,
			cvss = v.cvss, kev = v.kev, epss = v.epss, fixed_versions = v.fixed::jsonb, method = v.method, confidence = v.confidence,
			rule = v.rule, status = v.status, last_seen = v.last_seen, resolved = v.resolved
		FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::bool[], ?::float8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])
			AS v(id, aliases, summary, severity, cvss, kev, epss, fixed, method, confidence, rule, status, last_seen, resolved)
		WHERE f.org_id = ? AND f.id = v.id`),
			ids, aliases, summary, severity, cvss, kev, epss, fixed, method, confidence, rule, status, lastSeen, resolved, part[0].OrgID)
		if err != nil {
			return wrap("update findings", err)
		}
	}
	return nil
}

// bulkUpdate runs query (with %s for an IN list) for ids in chunks, with
// args before the IDs.
func (q *queries) bulkUpdate(ctx context.Context, query string, args []any, ids []int64) error {
	if len(ids) > 0 && q.d.dollar {
		// One statement with an array parameter.
		a := append(slices.Clip(args), ids)
		if _, err := q.w.ExecContext(ctx, q.d.rebind(fmt.Sprintf(query, "SELECT unnest(?::bigint[])")), a...); err != nil {
			return wrap("update findings", err)
		}
		return nil
	}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		end := min(start+chunk, len(ids))
		a := append(slices.Clip(args), make([]any, 0, end-start)...)
		for _, id := range ids[start:end] {
			a = append(a, id)
		}
		if _, err := q.w.ExecContext(ctx, q.d.rebind(fmt.Sprintf(query, inList(end-start))), a...); err != nil {
			return wrap("update findings", err)
		}
	}
	return nil
}

// severities from lowest to highest; "unknown" ranks below "low".
var severities = []string{"none", "low", "medium", "high", "critical"}

// ListFindings lists findings of org matching f, by ascending ID. A version
// or product of another organization matches nothing. MinSeverity keeps
// findings of that severity or higher ("unknown" counts as below "low").
func (q *queries) ListFindings(ctx context.Context, org int64, f FindingFilter, p Page) ([]Finding, error) {
	where := []string{"org_id = ?"}
	if len(f.VulnIDs) > 0 && !q.d.dollar {
		// The IDs the vulnerability subquery yields drive the read: "+"
		// keeps SQLite from scanning the organization's findings in ID order
		// and testing each against the subquery instead.
		where[0] = "+org_id = ?"
	}
	args := []any{org}
	if f.VersionID != 0 {
		where = append(where, "version_id = ?")
		args = append(args, f.VersionID)
	}
	if f.ProductID != 0 {
		where = append(where, "version_id IN (SELECT id FROM versions WHERE org_id = ? AND product_id = ?)")
		args = append(args, org, f.ProductID)
	}
	if f.MinSeverity != "" {
		i := slices.Index(severities, strings.ToLower(f.MinSeverity))
		if i < 0 {
			return nil, fmt.Errorf("store: list findings: unknown severity %q (want one of %s)", f.MinSeverity, strings.Join(severities, ", "))
		}
		where = append(where, "severity IN ("+inList(len(severities)-i)+")")
		for _, s := range severities[i:] {
			args = append(args, s)
		}
	}
	if f.KEV != nil {
		// findings_kev (org_id, kev, id) serves the KEV filter alone; with a
		// version or product the version index is the narrower one, which
		// SQLite (no statistics) must be told.
		kev := "kev = ?"
		if !q.d.dollar && (f.VersionID != 0 || f.ProductID != 0) {
			kev = "+kev = ?"
		}
		where = append(where, kev)
		args = append(args, *f.KEV)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	if len(f.VulnIDs) > 0 {
		// The findings of the IDs first (both branches indexed: findings
		// (org_id, vuln_id) and finding_aliases (org_id, alias)), then the
		// page among them. As one statement with a subquery the planners
		// went astray: SQLite 3.54 merged the branches in ID order and
		// PostgreSQL, with many IDs, re-ran the subquery per finding.
		ids, err := q.vulnFindingIDs(ctx, org, f.VulnIDs)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return []Finding{}, nil
		}
		term, arg, err := q.idSet(ids, true)
		if err != nil {
			return nil, err
		}
		where = append(where, term)
		args = append(args, arg)
	}
	where = append(where, "id > ?")
	args = append(args, p.after(), p.limit())
	return list(ctx, q, "list findings", "SELECT "+findingCols+" FROM findings WHERE "+strings.Join(where, " AND ")+" ORDER BY id LIMIT ?", scanFinding, args...)
}

func (q *queries) GetFinding(ctx context.Context, org, id int64) (Finding, error) {
	return one(ctx, q.r, q, "finding", id, "SELECT "+findingCols+" FROM findings WHERE org_id = ? AND id = ?", scanFinding, org, id)
}

// SetFindingStatus sets the triage status; "resolved" records when (once),
// any other status clears it.
func (q *queries) SetFindingStatus(ctx context.Context, org, id int64, status string) (Finding, error) {
	if err := need("finding status", status); err != nil {
		return Finding{}, err
	}
	var out Finding
	err := q.writeTx(ctx, func(q *queries) error {
		var resolved any
		query := "UPDATE findings SET status = ?, resolved = NULL WHERE org_id = ? AND id = ?"
		args := []any{status, org, id}
		if status == StatusResolved {
			resolved = q.d.timeArg(time.Now())
			query = "UPDATE findings SET status = ?, resolved = COALESCE(resolved, ?) WHERE org_id = ? AND id = ?"
			args = []any{status, resolved, org, id}
		}
		if err := q.affected(ctx, "finding", id, query, args...); err != nil {
			return err
		}
		var err error
		out, err = one(ctx, q.w, q, "finding", id, "SELECT "+findingCols+" FROM findings WHERE org_id = ? AND id = ?", scanFinding, org, id)
		return err
	})
	return out, err
}

// vulnFindingIDs returns the IDs of the findings of org whose vulnerability
// ID or one of whose aliases is in ids (both indexed), 5,000 IDs a query.
// UNION ALL, deduplicated here: with UNION SQLite 3.54 merges the branches
// in ID order and reads every finding of the organization.
func (q *queries) vulnFindingIDs(ctx context.Context, org int64, ids []string) ([]int64, error) {
	var out []int64
	const chunk = 5000
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		in := inList(len(part))
		args := make([]any, 0, 2*len(part)+2)
		for range 2 {
			args = append(args, org)
			for _, id := range part {
				args = append(args, id)
			}
		}
		got, err := list(ctx, q, "findings by vulnerability", "SELECT id FROM findings WHERE org_id = ? AND vuln_id IN ("+in+
			") UNION ALL SELECT finding_id FROM finding_aliases WHERE org_id = ? AND alias IN ("+in+")", func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		}, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// idSet is a condition "the finding's id is one of ids" with its one
// argument: an array on PostgreSQL, a JSON array on SQLite. With drive the
// IDs are looked up one by one (SQLite: by primary key); without, other
// conditions pick the rows and the IDs only filter them ("+id": otherwise
// SQLite looked every ID up in every version's range, 1,000 × 30,000 probes).
func (q *queries) idSet(ids []int64, drive bool) (string, any, error) {
	if q.d.dollar {
		return "id = ANY(?::bigint[])", ids, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return "", nil, wrap("findings by ID", err)
	}
	col := "id"
	if !drive {
		col = "+id"
	}
	return col + " IN (SELECT value FROM json_each(?))", string(b), nil
}
