package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// componentInsertCols is how many columns CreateSBOM writes per component.
const componentInsertCols = 9

const sbomCols = "id, org_id, version_id, filename, format, spec_version, encoding, sha256, size, components, warnings, created"

func scanSBOM(s scanner) (SBOM, error) {
	var b SBOM
	err := s.Scan(&b.ID, &b.OrgID, &b.VersionID, &b.Filename, &b.Format, &b.SpecVersion, &b.Encoding, &b.SHA256, &b.Size,
		&b.Components, jsonList[string]{&b.Warnings}, timeCol{&b.Created})
	return b, err
}

func scanSBOMRaw(s scanner) (SBOM, error) {
	var b SBOM
	err := s.Scan(&b.ID, &b.OrgID, &b.VersionID, &b.Filename, &b.Format, &b.SpecVersion, &b.Encoding, &b.SHA256, &b.Size,
		&b.Components, jsonList[string]{&b.Warnings}, timeCol{&b.Created}, &b.Raw)
	if b.Raw == nil && err == nil {
		b.Raw = []byte{}
	}
	return b, err
}

// CreateSBOM stores the document and its components in one transaction (the
// caller's, inside InTx). The version must belong to s.OrgID (else
// ErrNotFound). Components is set to len(comps); SHA256 and Size are computed
// from Raw when empty. The returned SBOM has no Raw; the components come back
// in the order given, with their IDs (ascending in that order).
func (q *queries) CreateSBOM(ctx context.Context, s SBOM, comps []ComponentInput) (SBOM, []Component, error) {
	if s.SHA256 == "" {
		sum := sha256.Sum256(s.Raw)
		s.SHA256 = hex.EncodeToString(sum[:])
	}
	if s.Size == 0 {
		s.Size = int64(len(s.Raw))
	}
	for i, c := range comps {
		if strings.TrimSpace(c.Name) == "" {
			return SBOM{}, nil, wrap("create SBOM "+s.Filename, errorf("component %d (%q) has no name", i, c.Ref))
		}
	}
	s.Components = len(comps)
	s.Created = created(s.Created)
	raw := s.Raw
	if raw == nil {
		raw = []byte{}
	}
	s.Raw = nil
	warnings, err := jsonArg(s.Warnings)
	if err != nil {
		return SBOM{}, nil, wrap("create SBOM", err)
	}
	out := make([]Component, len(comps))
	err = q.writeTx(ctx, func(q *queries) error {
		id, err := q.insertID(ctx, `INSERT INTO sboms (org_id, version_id, filename, format, spec_version, encoding, sha256, size, components, warnings, created, raw)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.OrgID, s.VersionID, s.Filename, s.Format, s.SpecVersion, s.Encoding, s.SHA256, s.Size, s.Components, warnings, q.d.timeArg(s.Created), raw)
		if err != nil {
			return wrap("create SBOM "+s.Filename, err)
		}
		s.ID = id
		return q.insertComponents(ctx, s, comps, out)
	})
	if err != nil {
		return SBOM{}, nil, err
	}
	if len(s.Warnings) == 0 {
		s.Warnings = nil
	}
	return s, out, nil
}

// insertComponents writes comps in multi-row INSERTs and fills out.
func (q *queries) insertComponents(ctx context.Context, s SBOM, comps []ComponentInput, out []Component) error {
	batch := min(500, q.d.maxParams/componentInsertCols)
	args := make([]any, 0, batch*componentInsertCols)
	for start := 0; start < len(comps); start += batch {
		end := min(start+batch, len(comps))
		args = args[:0]
		var b strings.Builder
		b.WriteString("INSERT INTO components (org_id, version_id, sbom_id, ref, name, version, supplier, purl, cpes) VALUES ")
		row := placeholders(componentInsertCols)
		for i, c := range comps[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			cpes, err := jsonArg(c.CPEs)
			if err != nil {
				return wrap("create SBOM components", err)
			}
			args = append(args, s.OrgID, s.VersionID, s.ID, c.Ref, c.Name, c.Version, c.Supplier, c.PURL, cpes)
		}
		b.WriteString(" RETURNING id")
		rows, err := q.w.QueryContext(ctx, q.d.rebind(b.String()), args...)
		if err != nil {
			return wrap("create SBOM components", err)
		}
		ids := make([]int64, 0, end-start)
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return wrap("create SBOM components", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return wrap("create SBOM components", err)
		}
		if len(ids) != end-start {
			return wrap("create SBOM components", errorf("inserted %d rows, got %d IDs", end-start, len(ids)))
		}
		// IDs of one multi-row INSERT are assigned in row order; RETURNING
		// need not list them in that order.
		slices.Sort(ids)
		for i, c := range comps[start:end] {
			out[start+i] = Component{ID: ids[i], OrgID: s.OrgID, SBOMID: s.ID, VersionID: s.VersionID,
				Ref: c.Ref, Name: c.Name, Version: c.Version, Supplier: c.Supplier, PURL: c.PURL, CPEs: nilIfEmpty(c.CPEs)}
		}
	}
	return nil
}

func nilIfEmpty[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

func (q *queries) GetSBOM(ctx context.Context, org, id int64) (SBOM, error) {
	return one(ctx, q.r, q, "SBOM", id, "SELECT "+sbomCols+" FROM sboms WHERE org_id = ? AND id = ?", scanSBOM, org, id)
}

// GetSBOMRaw is GetSBOM with the document (Raw).
func (q *queries) GetSBOMRaw(ctx context.Context, org, id int64) (SBOM, error) {
	return one(ctx, q.r, q, "SBOM", id, "SELECT "+sbomCols+", raw FROM sboms WHERE org_id = ? AND id = ?", scanSBOMRaw, org, id)
}

// ListSBOMs lists the SBOMs of a version; a version not in org is ErrNotFound.
func (q *queries) ListSBOMs(ctx context.Context, org, version int64, p Page) ([]SBOM, error) {
	if err := q.exists(ctx, "versions", "version", org, version); err != nil {
		return nil, err
	}
	return list(ctx, q, "list SBOMs", "SELECT "+sbomCols+" FROM sboms WHERE org_id = ? AND version_id = ? AND id > ? ORDER BY id LIMIT ?",
		scanSBOM, org, version, p.after(), p.limit())
}

const componentCols = "id, org_id, sbom_id, version_id, ref, name, version, supplier, purl, cpes"

func scanComponent(s scanner) (Component, error) {
	var c Component
	err := s.Scan(&c.ID, &c.OrgID, &c.SBOMID, &c.VersionID, &c.Ref, &c.Name, &c.Version, &c.Supplier, &c.PURL, jsonList[string]{&c.CPEs})
	return c, err
}

// ListComponents lists the components of all SBOMs of a version; a version
// not in org is ErrNotFound.
func (q *queries) ListComponents(ctx context.Context, org, version int64, p Page) ([]Component, error) {
	if err := q.exists(ctx, "versions", "version", org, version); err != nil {
		return nil, err
	}
	return list(ctx, q, "list components", "SELECT "+componentCols+" FROM components WHERE org_id = ? AND version_id = ? AND id > ? ORDER BY id LIMIT ?",
		scanComponent, org, version, p.after(), p.limit())
}

// allComponentsBatch is how many components AllComponents reads per query,
// so no read transaction stays open while fn runs for a whole portfolio.
const allComponentsBatch = 5000

func (q *queries) AllComponents(ctx context.Context, fn func(Component) error) error {
	after := int64(0)
	for {
		cs, err := list(ctx, q, "all components", "SELECT "+componentCols+" FROM components WHERE id > ? ORDER BY id LIMIT ?",
			scanComponent, after, allComponentsBatch)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(cs) < allComponentsBatch {
			return nil
		}
		after = cs[len(cs)-1].ID
	}
}

// ListSBOMIDs lists every stored SBOM of every organization (see Queries):
// one index-only read of the sboms table, no document, no components.
func (q *queries) ListSBOMIDs(ctx context.Context) ([]SBOMRef, error) {
	out := []SBOMRef{}
	after := int64(0)
	const batch = 50000
	for {
		refs, err := list(ctx, q, "list SBOM IDs", "SELECT id, org_id, version_id FROM sboms WHERE id > ? ORDER BY id LIMIT ?",
			func(s scanner) (SBOMRef, error) {
				var r SBOMRef
				return r, s.Scan(&r.ID, &r.OrgID, &r.VersionID)
			}, after, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, refs...)
		if len(refs) < batch {
			return out, nil
		}
		after = refs[len(refs)-1].ID
	}
}

// SBOMComponents streams the components of the SBOMs refs name (see
// Queries), one indexed query per SBOM.
func (q *queries) SBOMComponents(ctx context.Context, refs []SBOMRef, fn func(Component) error) error {
	for _, r := range refs {
		after := int64(0)
		for {
			cs, err := list(ctx, q, "SBOM components", "SELECT "+componentCols+" FROM components WHERE org_id = ? AND version_id = ? AND sbom_id = ? AND id > ? ORDER BY id LIMIT ?",
				scanComponent, r.OrgID, r.VersionID, r.ID, after, allComponentsBatch)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if err := fn(c); err != nil {
					return err
				}
			}
			if len(cs) < allComponentsBatch {
				break
			}
			after = cs[len(cs)-1].ID
		}
	}
	return nil
}
