package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// KeepKB is how many knowledge-base snapshots SaveKB keeps.
const KeepKB = 3

// SaveKB stores a snapshot and deletes all but the latest KeepKB. The
// returned snapshot has no Data.
func (q *queries) SaveKB(ctx context.Context, k KBSnapshot) (KBSnapshot, error) {
	if len(k.Data) == 0 {
		return KBSnapshot{}, errors.New("store: save knowledge base: no data")
	}
	k.Created = created(k.Created)
	sources, err := rawJSONArg(k.Sources)
	if err != nil {
		return KBSnapshot{}, wrap("save knowledge base", errorf("sources: %w", err))
	}
	err = q.writeTx(ctx, func(q *queries) error {
		id, err := q.insertID(ctx, "INSERT INTO kb_snapshots (created, advisories, sources, data) VALUES (?, ?, ?, ?)",
			q.d.timeArg(k.Created), k.Advisories, sources, k.Data)
		if err != nil {
			return wrap("save knowledge base", err)
		}
		k.ID = id
		_, err = q.w.ExecContext(ctx, q.d.rebind(
			"DELETE FROM kb_snapshots WHERE id NOT IN (SELECT id FROM kb_snapshots ORDER BY id DESC LIMIT ?)"), KeepKB)
		return wrap("prune knowledge base", err)
	})
	if err != nil {
		return KBSnapshot{}, err
	}
	k.Data = nil
	return k, nil
}

// LatestKB returns the newest snapshot (ErrNotFound when there is none), with
// its Data when withData.
func (q *queries) LatestKB(ctx context.Context, withData bool) (KBSnapshot, error) {
	cols := "id, created, advisories, sources"
	if withData {
		cols += ", data"
	}
	var k KBSnapshot
	dest := []any{&k.ID, timeCol{&k.Created}, &k.Advisories, jsonRaw{&k.Sources}}
	if withData {
		dest = append(dest, &k.Data)
	}
	err := q.r.QueryRowContext(ctx, "SELECT "+cols+" FROM kb_snapshots ORDER BY id DESC LIMIT 1").Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return KBSnapshot{}, fmt.Errorf("store: knowledge base: no snapshot: %w", ErrNotFound)
	}
	return k, wrap("knowledge base", err)
}

// ListKB lists the kept snapshots, newest first, without their data.
func (q *queries) ListKB(ctx context.Context) ([]KBSnapshot, error) {
	return list(ctx, q, "list knowledge bases", "SELECT id, created, advisories, sources FROM kb_snapshots WHERE id > ? ORDER BY id DESC LIMIT ?",
		func(s scanner) (KBSnapshot, error) {
			var k KBSnapshot
			err := s.Scan(&k.ID, timeCol{&k.Created}, &k.Advisories, jsonRaw{&k.Sources})
			return k, err
		}, 0, maxLimit)
}

// ClaimRun records that owner runs job name for slot (e.g. "kb-sync",
// "2026-11-26T01"); exactly one caller per (name, slot) gets true, in any
// number of processes on the same database.
func (q *queries) ClaimRun(ctx context.Context, name, slot, owner string) (bool, error) {
	if name == "" || slot == "" {
		return false, errors.New("store: claim run: name and slot are required")
	}
	res, err := q.w.ExecContext(ctx, q.d.rebind("INSERT INTO job_runs (name, slot, owner, claimed) VALUES (?, ?, ?, ?) ON CONFLICT (name, slot) DO NOTHING"),
		name, slot, owner, q.d.timeArg(time.Now()))
	if err != nil {
		return false, wrap("claim run "+name+" "+slot, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrap("claim run", err)
	}
	return n == 1, nil
}
