package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// created returns t normalized, or now when t is zero.
func created(t time.Time) time.Time {
	if t.IsZero() {
		return ts(time.Now())
	}
	return ts(t)
}

func need(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("store: %s is required", field)
	}
	return nil
}

// insertID runs an INSERT ... RETURNING id.
func (q *queries) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := q.w.QueryRowContext(ctx, q.d.rebind(query+" RETURNING id"), args...).Scan(&id)
	return id, err
}

// affected runs a write and returns ErrNotFound when it touched no row.
func (q *queries) affected(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := q.w.ExecContext(ctx, q.d.rebind(query), args...)
	if err != nil {
		return wrap(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(what, err)
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// list runs a paginated query (which must end in "id > ?" ... ORDER BY id
// LIMIT ?, with those two arguments last) and scans each row.
func list[T any](ctx context.Context, q *queries, what, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := q.r.QueryContext(ctx, q.d.rebind(query), args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(what, err)
	}
	return out, nil
}

// one runs a single-row query; no row is ErrNotFound.
func one[T any](ctx context.Context, c conn, q *queries, what string, id int64, query string, scan func(scanner) (T, error), args ...any) (T, error) {
	v, err := scan(c.QueryRowContext(ctx, q.d.rebind(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, notFound(what, id)
	}
	if err != nil {
		var zero T
		return zero, wrap(what, err)
	}
	return v, nil
}

type scanner interface{ Scan(dest ...any) error }

// exists reports ErrNotFound unless table has a row (org, id).
func (q *queries) exists(ctx context.Context, table, what string, org, id int64) error {
	var one int
	err := q.r.QueryRowContext(ctx, q.d.rebind("SELECT 1 FROM "+table+" WHERE org_id = ? AND id = ?"), org, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what, id)
	}
	return wrap(what, err)
}

// Organizations.

const orgCols = "id, slug, name, kind, created"

func scanOrg(s scanner) (Org, error) {
	var o Org
	err := s.Scan(&o.ID, &o.Slug, &o.Name, &o.Kind, timeCol{&o.Created})
	return o, err
}

func (q *queries) CreateOrg(ctx context.Context, o Org) (Org, error) {
	if err := need("organization slug", o.Slug); err != nil {
		return Org{}, err
	}
	if o.Kind == "" {
		o.Kind = KindBoth
	}
	o.Created = created(o.Created)
	id, err := q.insertID(ctx, "INSERT INTO orgs (slug, name, kind, created) VALUES (?, ?, ?, ?)",
		o.Slug, o.Name, string(o.Kind), q.d.timeArg(o.Created))
	if err != nil {
		return Org{}, wrap("create organization "+o.Slug, err)
	}
	o.ID = id
	return o, nil
}

func (q *queries) GetOrg(ctx context.Context, id int64) (Org, error) {
	return one(ctx, q.r, q, "organization", id, "SELECT "+orgCols+" FROM orgs WHERE id = ?", scanOrg, id)
}

func (q *queries) GetOrgBySlug(ctx context.Context, slug string) (Org, error) {
	o, err := scanOrg(q.r.QueryRowContext(ctx, q.d.rebind("SELECT "+orgCols+" FROM orgs WHERE slug = ?"), slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Org{}, fmt.Errorf("store: organization %q: %w", slug, ErrNotFound)
	}
	return o, wrap("organization "+slug, err)
}

func (q *queries) ListOrgs(ctx context.Context, p Page) ([]Org, error) {
	return list(ctx, q, "list organizations", "SELECT "+orgCols+" FROM orgs WHERE id > ? ORDER BY id LIMIT ?", scanOrg, p.after(), p.limit())
}

// Users.

const userCols = "id, org_id, email, name, role, password_hash, created"

func scanUser(s scanner) (User, error) {
	var u User
	err := s.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, timeCol{&u.Created})
	return u, err
}

func (q *queries) CreateUser(ctx context.Context, u User) (User, error) {
	if err := need("user e-mail", u.Email); err != nil {
		return User{}, err
	}
	if u.Role == "" {
		u.Role = RoleViewer
	}
	u.Created = created(u.Created)
	id, err := q.insertID(ctx, "INSERT INTO users (org_id, email, name, role, password_hash, created) VALUES (?, ?, ?, ?, ?, ?)",
		u.OrgID, u.Email, u.Name, string(u.Role), u.PasswordHash, q.d.timeArg(u.Created))
	if err != nil {
		return User{}, wrap("create user "+u.Email, err)
	}
	u.ID = id
	return u, nil
}

func (q *queries) GetUser(ctx context.Context, org, id int64) (User, error) {
	return one(ctx, q.r, q, "user", id, "SELECT "+userCols+" FROM users WHERE org_id = ? AND id = ?", scanUser, org, id)
}

// GetUserByEmail finds a user by e-mail, ignoring ASCII case.
func (q *queries) GetUserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(q.r.QueryRowContext(ctx, q.d.rebind("SELECT "+userCols+" FROM users WHERE lower(email) = lower(?)"), email))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user %q: %w", email, ErrNotFound)
	}
	return u, wrap("user "+email, err)
}

func (q *queries) ListUsers(ctx context.Context, org int64, p Page) ([]User, error) {
	return list(ctx, q, "list users", "SELECT "+userCols+" FROM users WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", scanUser, org, p.after(), p.limit())
}

// UpdateUser sets the name, role and (when not empty) password hash.
func (q *queries) UpdateUser(ctx context.Context, org int64, u User) (User, error) {
	return one(ctx, q.w, q, "user", u.ID,
		`UPDATE users SET name = ?, role = ?,
		password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END
		WHERE org_id = ? AND id = ? RETURNING `+userCols,
		scanUser, u.Name, string(u.Role), u.PasswordHash, u.PasswordHash, org, u.ID)
}

func (q *queries) DeleteUser(ctx context.Context, org, id int64) error {
	return q.affected(ctx, "user", id, "DELETE FROM users WHERE org_id = ? AND id = ?", org, id)
}

// Tokens.

const tokenCols = "id, org_id, user_id, name, role, prefix, hash, created, last_used, revoked"

func scanToken(s scanner) (Token, error) {
	var t Token
	err := s.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Role, &t.Prefix, &t.Hash,
		timeCol{&t.Created}, nullTimeCol{&t.LastUsed}, nullTimeCol{&t.Revoked})
	return t, err
}

func (q *queries) CreateToken(ctx context.Context, t Token) (Token, error) {
	if len(t.Hash) == 0 {
		return Token{}, errors.New("store: token hash is required")
	}
	if t.Role == "" {
		t.Role = RoleViewer
	}
	t.Created = created(t.Created)
	t.LastUsed, t.Revoked = normPtr(t.LastUsed), normPtr(t.Revoked)
	id, err := q.insertID(ctx, "INSERT INTO tokens (org_id, user_id, name, role, prefix, hash, created, last_used, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		t.OrgID, t.UserID, t.Name, string(t.Role), t.Prefix, t.Hash, q.d.timeArg(t.Created), q.d.timePtrArg(t.LastUsed), q.d.timePtrArg(t.Revoked))
	if err != nil {
		return Token{}, wrap("create token "+t.Name, err)
	}
	t.ID = id
	return t, nil
}

func normPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := ts(*t)
	return &n
}

func (q *queries) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	t, err := scanToken(q.r.QueryRowContext(ctx, q.d.rebind("SELECT "+tokenCols+" FROM tokens WHERE hash = ? AND revoked IS NULL"), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	return t, wrap("token", err)
}

// TouchToken records when a token was last used (authentication path: not
// organization-scoped; the ID comes from TokenByHash).
func (q *queries) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return q.affected(ctx, "token", id, "UPDATE tokens SET last_used = ? WHERE id = ?", q.d.timeArg(at), id)
}

func (q *queries) ListTokens(ctx context.Context, org int64, p Page) ([]Token, error) {
	return list(ctx, q, "list tokens", "SELECT "+tokenCols+" FROM tokens WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", scanToken, org, p.after(), p.limit())
}

// RevokeToken revokes a token; revoking it again keeps the first time.
func (q *queries) RevokeToken(ctx context.Context, org, id int64, at time.Time) error {
	return q.affected(ctx, "token", id, "UPDATE tokens SET revoked = COALESCE(revoked, ?) WHERE org_id = ? AND id = ?", q.d.timeArg(at), org, id)
}
