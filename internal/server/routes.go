package server

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"medvigil/internal/auth"
	"medvigil/internal/store"
)

// principal is the authenticated caller.
type principal struct {
	org   int64
	user  int64
	role  store.Role
	token int64
}

// param is a documented query parameter.
type param struct {
	name, typ, desc string
	enum            []string
}

// route is one API operation: how it is served and how it is documented.
type route struct {
	method, path string
	op, summary  string
	tag          string
	public       bool        // no authentication
	need         auth.Action // right the caller's role must have
	query        []param
	body         string // request schema name; "sbom" for a raw SBOM document
	resp         string // response schema name ("" for 204)
	list         bool   // the response is a page of resp
	status       int    // success status
	h            func(w http.ResponseWriter, r *http.Request, p principal) error
}

var pageParams = []param{
	{name: "limit", typ: "integer", desc: "Items per page (default 100, at most 1000)."},
	{name: "cursor", typ: "string", desc: "The next_cursor of the previous page."},
}

// wrap authenticates, authorizes, runs the handler and turns its error into
// a problem; it records the request latency under the route pattern.
func (s *Server) wrap(rt *route) http.Handler {
	pattern := rt.path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		}
		defer func() { s.metrics.observe(pattern, rt.method, rec.status, time.Since(start)) }()
		var p principal
		if !rt.public {
			var err error
			p, err = s.authenticate(r)
			if err != nil {
				rec.Header().Set("WWW-Authenticate", `Bearer realm="medvigil"`)
				writeProblem(rec, r, problemOf(err))
				return
			}
			if !auth.Allowed(p.role, rt.need) {
				writeProblem(rec, r, problemOf(forbidden("the "+string(p.role)+" role may not "+rt.need.String()+" here")))
				return
			}
		}
		if err := rt.h(rec, r, p); err != nil {
			pr := problemOf(err)
			if pr.Status >= 500 {
				s.log.Error("request failed", "request_id", requestID(r.Context()), "route", pattern, "err", err)
			}
			writeProblem(rec, r, pr)
		}
	})
}

// authenticate reads "Authorization: Bearer mvg_…". The role is the lower of
// the token's and its user's current role, so demoting a user demotes
// their tokens; a deleted user's tokens stop working.
func (s *Server) authenticate(r *http.Request) (principal, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return principal{}, unauthorized("send Authorization: Bearer <API token>")
	}
	secret = strings.TrimSpace(secret)
	if auth.CheckTokenFormat(secret) != nil {
		return principal{}, unauthorized("not a medvigil API token")
	}
	ctx := r.Context()
	t, err := s.cfg.Store.TokenByHash(ctx, auth.HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, unauthorized("unknown or revoked token")
	}
	if err != nil {
		return principal{}, err
	}
	u, err := s.cfg.Store.GetUser(ctx, t.OrgID, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, unauthorized("the token's user no longer exists")
	}
	if err != nil {
		return principal{}, err
	}
	role := t.Role
	if auth.Rank(u.Role) < auth.Rank(role) {
		role = u.Role
	}
	now := s.cfg.Now()
	if t.LastUsed == nil || now.Sub(*t.LastUsed) > time.Minute {
		// Last use is kept to the minute: one write per token per minute,
		// not one per request.
		if err := s.cfg.Store.TouchToken(context.WithoutCancel(ctx), t.ID, now.UTC()); err != nil {
			s.log.Warn("touch token", "token", t.ID, "err", err)
		}
	}
	return principal{org: t.OrgID, user: t.UserID, role: role, token: t.ID}, nil
}

// pathID reads a numeric path parameter; anything else is "not found".
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound(name)
	}
	return id, nil
}

// parsePage reads limit and cursor.
func parsePage(r *http.Request) (store.Page, error) {
	var p store.Page
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return p, badRequest("limit must be an integer from 1 to 1000")
		}
		p.Limit = n
	} else {
		p.Limit = 100
	}
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil {
			return p, badRequest("bad cursor")
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(string(b), "id:"), 10, 64)
		if err != nil || !strings.HasPrefix(string(b), "id:") || id < 0 {
			return p, badRequest("bad cursor")
		}
		p.After = id
	}
	return p, nil
}

// listPage is the body of every list answer.
type listPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// writePage answers a page; a full page gets a next cursor and a Link header.
func writePage[T any](w http.ResponseWriter, r *http.Request, items []T, p store.Page, id func(T) int64) {
	if items == nil {
		items = []T{}
	}
	body := listPage[T]{Items: items}
	if len(items) == p.Limit && len(items) > 0 {
		body.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id(items[len(items)-1]), 10)))
		u := *r.URL
		q := u.Query()
		q.Set("cursor", body.NextCursor)
		u.RawQuery = q.Encode()
		w.Header().Set("Link", "<"+(&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()+`>; rel="next"`)
	}
	writeJSON(w, r, http.StatusOK, body)
}
