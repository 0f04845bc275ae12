package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"medvigil/internal/auth"
	"medvigil/internal/match"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
)

// apiRoutes is the route table: what is served is what is documented.
func (s *Server) apiRoutes() []route {
	R, W, A := auth.Read, auth.Write, auth.Administer
	return []route{
		{method: "POST", path: "/api/v1/auth/login", op: "login", tag: "auth", public: true, body: "LoginRequest", resp: "TokenCreated", status: 201,
			summary: "Exchange e-mail and password for a new API token (shown once)", h: s.login},

		{method: "GET", path: "/api/v1/organization", op: "getOrganization", tag: "organizations", need: R, resp: "Organization", status: 200,
			summary: "The caller's organization", h: s.getOrg},

		{method: "GET", path: "/api/v1/users", op: "listUsers", tag: "users", need: R, resp: "User", list: true, status: 200, query: pageParams,
			summary: "Users of the organization", h: s.listUsers},
		{method: "POST", path: "/api/v1/users", op: "createUser", tag: "users", need: A, body: "UserCreate", resp: "User", status: 201,
			summary: "Add a user", h: s.createUser},
		{method: "GET", path: "/api/v1/users/{id}", op: "getUser", tag: "users", need: R, resp: "User", status: 200,
			summary: "One user", h: s.getUser},
		{method: "PATCH", path: "/api/v1/users/{id}", op: "updateUser", tag: "users", need: A, body: "UserUpdate", resp: "User", status: 200,
			summary: "Change a user's name, role or password", h: s.updateUser},
		{method: "DELETE", path: "/api/v1/users/{id}", op: "deleteUser", tag: "users", need: A, status: 204,
			summary: "Remove a user (their tokens stop working)", h: s.deleteUser},

		{method: "GET", path: "/api/v1/tokens", op: "listTokens", tag: "tokens", need: A, resp: "Token", list: true, status: 200, query: pageParams,
			summary: "API tokens of the organization (never their secrets)", h: s.listTokens},
		{method: "POST", path: "/api/v1/tokens", op: "createToken", tag: "tokens", need: A, body: "TokenCreate", resp: "TokenCreated", status: 201,
			summary: "Create an API token for the caller; the secret is in this answer only", h: s.createToken},
		{method: "DELETE", path: "/api/v1/tokens/{id}", op: "revokeToken", tag: "tokens", need: A, status: 204,
			summary: "Revoke a token", h: s.revokeToken},

		{method: "GET", path: "/api/v1/products", op: "listProducts", tag: "products", need: R, resp: "Product", list: true, status: 200, query: pageParams,
			summary: "Products", h: s.listProducts},
		{method: "POST", path: "/api/v1/products", op: "createProduct", tag: "products", need: W, body: "ProductCreate", resp: "Product", status: 201,
			summary: "Add a product", h: s.createProduct},
		{method: "GET", path: "/api/v1/products/{id}", op: "getProduct", tag: "products", need: R, resp: "Product", status: 200,
			summary: "One product", h: s.getProduct},
		{method: "PATCH", path: "/api/v1/products/{id}", op: "updateProduct", tag: "products", need: W, body: "ProductUpdate", resp: "Product", status: 200,
			summary: "Change a product", h: s.updateProduct},
		{method: "DELETE", path: "/api/v1/products/{id}", op: "deleteProduct", tag: "products", need: W, status: 204,
			summary: "Delete a product with its versions, SBOMs and findings", h: s.deleteProduct},

		{method: "GET", path: "/api/v1/products/{id}/versions", op: "listVersions", tag: "versions", need: R, resp: "Version", list: true, status: 200, query: pageParams,
			summary: "Versions of a product", h: s.listVersions},
		{method: "POST", path: "/api/v1/products/{id}/versions", op: "createVersion", tag: "versions", need: W, body: "VersionCreate", resp: "Version", status: 201,
			summary: "Add a version with its lifecycle dates", h: s.createVersion},
		{method: "GET", path: "/api/v1/versions/{id}", op: "getVersion", tag: "versions", need: R, resp: "Version", status: 200,
			summary: "One version", h: s.getVersion},
		{method: "PATCH", path: "/api/v1/versions/{id}", op: "updateVersion", tag: "versions", need: W, body: "VersionUpdate", resp: "Version", status: 200,
			summary: "Change a version's lifecycle dates or support level", h: s.updateVersion},
		{method: "DELETE", path: "/api/v1/versions/{id}", op: "deleteVersion", tag: "versions", need: W, status: 204,
			summary: "Delete a version with its SBOMs and findings", h: s.deleteVersion},

		{method: "POST", path: "/api/v1/versions/{id}/sboms", op: "uploadSBOM", tag: "sboms", need: W, body: "sbom", resp: "SBOMImport", status: 201,
			query:   []param{{name: "filename", typ: "string", desc: "Name of the uploaded file, kept with the SBOM."}},
			summary: "Upload an SBOM (CycloneDX 1.2–1.6 JSON/XML, SPDX 2.1–2.3 JSON/tag-value; detected from content); it is stored, matched and its findings recorded in one transaction", h: s.uploadSBOM},
		{method: "GET", path: "/api/v1/versions/{id}/sboms", op: "listSBOMs", tag: "sboms", need: R, resp: "SBOM", list: true, status: 200, query: pageParams,
			summary: "SBOMs of a version", h: s.listSBOMs},
		{method: "GET", path: "/api/v1/sboms/{id}", op: "getSBOM", tag: "sboms", need: R, resp: "SBOM", status: 200,
			summary: "One SBOM's metadata", h: s.getSBOM},
		{method: "GET", path: "/api/v1/sboms/{id}/document", op: "getSBOMDocument", tag: "sboms", need: R, resp: "raw", status: 200,
			summary: "The SBOM document as uploaded", h: s.getSBOMDocument},
		{method: "GET", path: "/api/v1/versions/{id}/components", op: "listComponents", tag: "sboms", need: R, resp: "Component", list: true, status: 200, query: pageParams,
			summary: "Components of a version (all its SBOMs)", h: s.listComponents},

		{method: "GET", path: "/api/v1/findings", op: "listFindings", tag: "findings", need: R, resp: "Finding", list: true, status: 200,
			query: append([]param{
				{name: "severity", typ: "string", desc: "At least this severity.", enum: []string{"low", "medium", "high", "critical"}},
				{name: "kev", typ: "boolean", desc: "Only (true) or no (false) CISA KEV findings."},
				{name: "status", typ: "string", desc: "Finding status.", enum: findingStatuses()},
				{name: "product", typ: "integer", desc: "Product ID."},
				{name: "version", typ: "integer", desc: "Version ID."},
				{name: "vulnerability", typ: "string", desc: "A vulnerability ID or alias."},
			}, pageParams...),
			summary: "Findings of the organization's product versions", h: s.listFindings},
		{method: "GET", path: "/api/v1/findings/{id}", op: "getFinding", tag: "findings", need: R, resp: "Finding", status: 200,
			summary: "One finding with the rule that matched", h: s.getFinding},
		{method: "PATCH", path: "/api/v1/findings/{id}", op: "updateFinding", tag: "findings", need: W, body: "FindingUpdate", resp: "Finding", status: 200,
			summary: "Set a finding's status", h: s.updateFinding},
		{method: "POST", path: "/api/v1/versions/{id}/evaluate", op: "evaluateVersion", tag: "findings", need: W, resp: "Evaluation", status: 200,
			summary: "Match a version against the current knowledge base now", h: s.evaluateVersion},

		{method: "GET", path: "/api/v1/vulnerabilities/{id}", op: "getVulnerability", tag: "vulnerabilities", need: R, resp: "Vulnerability", status: 200,
			summary: "A vulnerability with all its IDs and every affected product version of the caller's organization", h: s.getVulnerability},
		{method: "GET", path: "/api/v1/kb", op: "getKnowledgeBase", tag: "knowledge base", need: R, resp: "KBStatus", status: 200,
			summary: "Knowledge-base status: snapshot, counts, sources and their ages", h: s.getKB},

		{method: "GET", path: "/api/v1/webhooks", op: "listWebhooks", tag: "webhooks", need: R, resp: "Webhook", list: true, status: 200, query: pageParams,
			summary: "Notification subscriptions (webhooks and e-mail)", h: s.listWebhooks},
		{method: "POST", path: "/api/v1/webhooks", op: "createWebhook", tag: "webhooks", need: A, body: "WebhookCreate", resp: "WebhookCreated", status: 201,
			summary: "Subscribe a URL (signed with HMAC-SHA256) or an e-mail address to finding events", h: s.createWebhook},
		{method: "GET", path: "/api/v1/webhooks/{id}", op: "getWebhook", tag: "webhooks", need: R, resp: "Webhook", status: 200,
			summary: "One subscription", h: s.getWebhook},
		{method: "DELETE", path: "/api/v1/webhooks/{id}", op: "deleteWebhook", tag: "webhooks", need: A, status: 204,
			summary: "Remove a subscription", h: s.deleteWebhook},
		{method: "GET", path: "/api/v1/webhooks/{id}/deliveries", op: "listDeliveries", tag: "webhooks", need: A, resp: "Delivery", list: true, status: 200, query: pageParams,
			summary: "Delivery attempts of a subscription", h: s.listDeliveries},

		{method: "GET", path: "/api/v1/events", op: "listEvents", tag: "events", need: R, resp: "Event", list: true, status: 200, query: pageParams,
			summary: "The organization's append-only event log, oldest first", h: s.listEvents},
	}
}

func findingStatuses() []string {
	return []string{store.StatusOpen, "acknowledged", "not_affected", "fixed", store.StatusResolved}
}

// ---- auth and organization ----

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenCreated struct {
	Token  store.Token `json:"token"`
	Secret string      `json:"secret"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ principal) error {
	var req loginRequest
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	// Password checks are bounded: each takes 64 MiB for argon2id, and a
	// burst of logins must not take the server's memory.
	wait := time.NewTimer(s.cfg.LoginWait)
	defer wait.Stop()
	select {
	case s.loginSlots <- struct{}{}:
		defer func() { <-s.loginSlots }()
	case <-wait.C:
		w.Header().Set("Retry-After", "1")
		return &httpError{http.StatusServiceUnavailable, "busy", "too many logins at once; try again in a second"}
	case <-r.Context().Done():
		return r.Context().Err()
	}
	u, err := s.cfg.Store.GetUserByEmail(r.Context(), strings.ToLower(strings.TrimSpace(req.Email)))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Hash even for an unknown user, so timing does not tell which e-mail
	// addresses exist.
	hash := u.PasswordHash
	if hash == "" {
		hash = s.dummyHash()
	}
	if !auth.CheckPassword(req.Password, hash) || u.ID == 0 {
		return unauthorized("wrong e-mail or password")
	}
	return s.issueToken(w, r, u.OrgID, u.ID, u.Role, "login "+s.cfg.Now().UTC().Format(time.RFC3339))
}

// newDummyHash returns the argon2id hash of a random password nobody knows;
// the server computes it once, on the first login.
func newDummyHash() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	h, err := auth.HashPassword(hex.EncodeToString(b))
	if err != nil {
		panic(err) // cannot happen: the password is long enough
	}
	return h
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, org, user int64, role store.Role, name string) error {
	secret, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	t, err := s.cfg.Store.CreateToken(r.Context(), store.Token{OrgID: org, UserID: user, Name: name, Role: role,
		Prefix: auth.DisplayPrefix(secret), Hash: hash, Created: s.cfg.Now().UTC()})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, tokenCreated{Token: t, Secret: secret})
	return nil
}

type organization struct {
	store.Org
	Demo bool `json:"demo"`
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, p principal) error {
	o, err := s.cfg.Store.GetOrg(r.Context(), p.org)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, organization{Org: o, Demo: s.cfg.Demo})
	return nil
}

// ---- users ----

type userCreate struct {
	Email    string     `json:"email"`
	Name     string     `json:"name"`
	Role     store.Role `json:"role"`
	Password string     `json:"password"`
}

type userUpdate struct {
	Name     *string     `json:"name,omitempty"`
	Role     *store.Role `json:"role,omitempty"`
	Password *string     `json:"password,omitempty"`
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	us, err := s.cfg.Store.ListUsers(r.Context(), p.org, pg)
	if err != nil {
		return err
	}
	writePage(w, r, us, pg, func(u store.User) int64 { return u.ID })
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p principal) error {
	var req userCreate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return badRequest("email: not an e-mail address")
	}
	if !auth.ValidRole(req.Role) {
		return badRequest("role: must be admin, analyst or viewer")
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return badRequest("password: %v", err)
	}
	u, err := s.cfg.Store.CreateUser(r.Context(), store.User{OrgID: p.org, Email: email, Name: strings.TrimSpace(req.Name),
		Role: req.Role, PasswordHash: hash, Created: s.cfg.Now().UTC()})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, u)
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.cfg.Store.GetUser(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, u)
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req userUpdate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	u, err := s.cfg.Store.GetUser(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	if req.Name != nil {
		u.Name = strings.TrimSpace(*req.Name)
	}
	if req.Role != nil {
		if !auth.ValidRole(*req.Role) {
			return badRequest("role: must be admin, analyst or viewer")
		}
		if id == p.user && *req.Role != store.RoleAdmin {
			return badRequest("role: an administrator cannot demote themselves (ask another administrator)")
		}
		u.Role = *req.Role
	}
	if req.Password != nil {
		h, err := auth.HashPassword(*req.Password)
		if err != nil {
			return badRequest("password: %v", err)
		}
		u.PasswordHash = h
	}
	u, err = s.cfg.Store.UpdateUser(r.Context(), p.org, u)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, u)
	return nil
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if id == p.user {
		if _, err := s.cfg.Store.GetUser(r.Context(), p.org, id); err != nil {
			return err
		}
		return badRequest("an administrator cannot delete themselves")
	}
	if err := s.cfg.Store.DeleteUser(r.Context(), p.org, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- tokens ----

type tokenCreate struct {
	Name string     `json:"name"`
	Role store.Role `json:"role"`
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	ts, err := s.cfg.Store.ListTokens(r.Context(), p.org, pg)
	if err != nil {
		return err
	}
	writePage(w, r, ts, pg, func(t store.Token) int64 { return t.ID })
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p principal) error {
	var req tokenCreate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Name) == "" {
		return badRequest("name: required (say what the token is for, e.g. \"CI pipeline\")")
	}
	if req.Role == "" {
		req.Role = p.role
	}
	if !auth.ValidRole(req.Role) {
		return badRequest("role: must be admin, analyst or viewer")
	}
	if auth.Rank(req.Role) > auth.Rank(p.role) {
		return forbidden("a token cannot have more rights than its creator")
	}
	return s.issueToken(w, r, p.org, p.user, req.Role, strings.TrimSpace(req.Name))
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.RevokeToken(r.Context(), p.org, id, s.cfg.Now().UTC()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- products and versions ----

type productCreate struct {
	Name        string `json:"name"`
	Vendor      string `json:"vendor"`
	Description string `json:"description"`
}

type productUpdate struct {
	Name        *string `json:"name,omitempty"`
	Vendor      *string `json:"vendor,omitempty"`
	Description *string `json:"description,omitempty"`
}

func (s *Server) listProducts(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	ps, err := s.cfg.Store.ListProducts(r.Context(), p.org, pg)
	if err != nil {
		return err
	}
	writePage(w, r, ps, pg, func(p store.Product) int64 { return p.ID })
	return nil
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request, p principal) error {
	var req productCreate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Name) == "" {
		return badRequest("name: required")
	}
	pr, err := s.cfg.Store.CreateProduct(r.Context(), store.Product{OrgID: p.org, Name: strings.TrimSpace(req.Name),
		Vendor: strings.TrimSpace(req.Vendor), Description: req.Description, Created: s.cfg.Now().UTC()})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, pr)
	return nil
}

func (s *Server) getProduct(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pr, err := s.cfg.Store.GetProduct(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, pr)
	return nil
}

func (s *Server) updateProduct(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req productUpdate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	pr, err := s.cfg.Store.GetProduct(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	if req.Name != nil {
		if strings.TrimSpace(*req.Name) == "" {
			return badRequest("name: must not be empty")
		}
		pr.Name = strings.TrimSpace(*req.Name)
	}
	if req.Vendor != nil {
		pr.Vendor = strings.TrimSpace(*req.Vendor)
	}
	if req.Description != nil {
		pr.Description = *req.Description
	}
	pr, err = s.cfg.Store.UpdateProduct(r.Context(), p.org, pr)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, pr)
	return nil
}

func (s *Server) deleteProduct(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The product's versions, to drop from the portfolio once deleted.
	gone := map[int64]bool{}
	pg := store.Page{Limit: 1000}
	for {
		vs, err := s.cfg.Store.ListVersions(r.Context(), p.org, id, pg)
		if err != nil {
			return err
		}
		for _, v := range vs {
			gone[v.ID] = true
		}
		if len(vs) < pg.Limit {
			break
		}
		pg.After = vs[len(vs)-1].ID
	}
	if err := s.cfg.Store.DeleteProduct(r.Context(), p.org, id); err != nil {
		return err
	}
	s.forget(p.org, gone)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// forget drops the portfolio entries of deleted versions.
func (s *Server) forget(org int64, versions map[int64]bool) {
	if len(versions) == 0 {
		return
	}
	s.cfg.Monitor.ForgetVersions(func(o, v int64) bool { return o != org || !versions[v] })
}

type versionCreate struct {
	Version      string `json:"version"`
	ReleaseDate  string `json:"release_date"`
	EndOfLife    string `json:"end_of_life"`
	EndOfSupport string `json:"end_of_support"`
	SupportLevel string `json:"support_level"`
}

type versionUpdate struct {
	ReleaseDate  *string `json:"release_date,omitempty"`
	EndOfLife    *string `json:"end_of_life,omitempty"`
	EndOfSupport *string `json:"end_of_support,omitempty"`
	SupportLevel *string `json:"support_level,omitempty"`
}

func checkDate(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return badRequest("%s: want a date as YYYY-MM-DD, got %q", field, v)
	}
	return nil
}

func checkVersionDates(v store.Version) error {
	for _, f := range []struct{ name, v string }{{"release_date", v.ReleaseDate}, {"end_of_life", v.EndOfLife}, {"end_of_support", v.EndOfSupport}} {
		if err := checkDate(f.name, f.v); err != nil {
			return err
		}
	}
	if v.ReleaseDate != "" && v.EndOfSupport != "" && v.EndOfSupport < v.ReleaseDate {
		return badRequest("end_of_support %s is before release_date %s", v.EndOfSupport, v.ReleaseDate)
	}
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetProduct(r.Context(), p.org, id); err != nil {
		return err
	}
	vs, err := s.cfg.Store.ListVersions(r.Context(), p.org, id, pg)
	if err != nil {
		return err
	}
	writePage(w, r, vs, pg, func(v store.Version) int64 { return v.ID })
	return nil
}

func (s *Server) createVersion(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req versionCreate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetProduct(r.Context(), p.org, id); err != nil {
		return err
	}
	v := store.Version{OrgID: p.org, ProductID: id, Version: strings.TrimSpace(req.Version), ReleaseDate: req.ReleaseDate,
		EndOfLife: req.EndOfLife, EndOfSupport: req.EndOfSupport, SupportLevel: req.SupportLevel, Created: s.cfg.Now().UTC()}
	if v.Version == "" {
		return badRequest("version: required")
	}
	if err := checkVersionDates(v); err != nil {
		return err
	}
	v, err = s.cfg.Store.CreateVersion(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, v)
	return nil
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.cfg.Store.GetVersion(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, v)
	return nil
}

func (s *Server) updateVersion(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req versionUpdate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	v, err := s.cfg.Store.GetVersion(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		in  *string
		out *string
	}{{req.ReleaseDate, &v.ReleaseDate}, {req.EndOfLife, &v.EndOfLife}, {req.EndOfSupport, &v.EndOfSupport}, {req.SupportLevel, &v.SupportLevel}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	if err := checkVersionDates(v); err != nil {
		return err
	}
	v, err = s.cfg.Store.UpdateVersion(r.Context(), p.org, v)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, v)
	return nil
}

func (s *Server) deleteVersion(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteVersion(r.Context(), p.org, id); err != nil {
		return err
	}
	s.forget(p.org, map[int64]bool{id: true})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- SBOMs and components ----

func (s *Server) uploadSBOM(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetVersion(r.Context(), p.org, id); err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxSBOM))
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return badRequest("empty body: send the SBOM document as the request body")
	}
	name := r.URL.Query().Get("filename")
	if name == "" {
		name = "upload"
	}
	if len(name) > 255 || strings.ContainsAny(name, "/\\\x00") {
		return badRequest("filename: a plain file name of at most 255 bytes")
	}
	res, err := s.cfg.Monitor.ImportSBOM(r.Context(), p.org, id, name, data)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/sboms/%d", res.SBOM.ID))
	writeJSON(w, r, http.StatusCreated, res)
	return nil
}

func (s *Server) listSBOMs(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetVersion(r.Context(), p.org, id); err != nil {
		return err
	}
	ss, err := s.cfg.Store.ListSBOMs(r.Context(), p.org, id, pg)
	if err != nil {
		return err
	}
	writePage(w, r, ss, pg, func(s store.SBOM) int64 { return s.ID })
	return nil
}

func (s *Server) getSBOM(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sb, err := s.cfg.Store.GetSBOM(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, sb)
	return nil
}

func (s *Server) getSBOMDocument(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sb, err := s.cfg.Store.GetSBOMRaw(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	ctype := "application/octet-stream"
	switch {
	case sb.Format == "CycloneDX" && sb.Encoding == "json":
		ctype = "application/vnd.cyclonedx+json"
	case sb.Format == "CycloneDX" && sb.Encoding == "xml":
		ctype = "application/vnd.cyclonedx+xml"
	case sb.Format == "SPDX" && sb.Encoding == "json":
		ctype = "application/spdx+json"
	case sb.Format == "SPDX":
		ctype = "text/spdx"
	}
	w.Header().Set("Content-Disposition", "attachment; filename=\""+strings.ReplaceAll(sb.Filename, `"`, "")+"\"")
	writeBytes(w, r, http.StatusOK, ctype, sb.Raw)
	return nil
}

func (s *Server) listComponents(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetVersion(r.Context(), p.org, id); err != nil {
		return err
	}
	cs, err := s.cfg.Store.ListComponents(r.Context(), p.org, id, pg)
	if err != nil {
		return err
	}
	writePage(w, r, cs, pg, func(c store.Component) int64 { return c.ID })
	return nil
}

// ---- findings ----

func (s *Server) listFindings(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f store.FindingFilter
	if v := q.Get("severity"); v != "" {
		if match.RatingRank(v) == 0 {
			return badRequest("severity: want low, medium, high or critical")
		}
		f.MinSeverity = v
	}
	if v := q.Get("kev"); v != "" {
		b := v == "true"
		if !b && v != "false" {
			return badRequest("kev: want true or false")
		}
		f.KEV = &b
	}
	if v := q.Get("status"); v != "" {
		if !slices.Contains(findingStatuses(), v) {
			return badRequest("status: want one of %s", strings.Join(findingStatuses(), ", "))
		}
		f.Status = v
	}
	for _, x := range []struct {
		name string
		out  *int64
	}{{"product", &f.ProductID}, {"version", &f.VersionID}} {
		if v := q.Get(x.name); v != "" {
			var n int64
			if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
				return badRequest("%s: want a positive integer ID", x.name)
			}
			*x.out = n
		}
	}
	if v := q.Get("vulnerability"); v != "" {
		f.VulnIDs = s.aliases(v)
	}
	fs, err := s.cfg.Store.ListFindings(r.Context(), p.org, f, pg)
	if err != nil {
		return err
	}
	writePage(w, r, fs, pg, func(f store.Finding) int64 { return f.ID })
	return nil
}

// aliases returns every ID the knowledge base knows for id (id included).
func (s *Server) aliases(id string) []string {
	ids := s.cfg.Monitor.Index().KB().IDs(id)
	if !slices.Contains(ids, id) {
		ids = append([]string{id}, ids...)
	}
	return ids
}

func (s *Server) getFinding(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.cfg.Store.GetFinding(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, f)
	return nil
}

type findingUpdate struct {
	Status string `json:"status"`
}

func (s *Server) updateFinding(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req findingUpdate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	if !slices.Contains(findingStatuses(), req.Status) || req.Status == store.StatusResolved {
		return badRequest("status: want open, acknowledged, not_affected or fixed (resolved is set by medvigil when the vulnerability no longer applies)")
	}
	f, err := s.cfg.Store.SetFindingStatus(r.Context(), p.org, id, req.Status)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, f)
	return nil
}

type evaluation struct {
	New      int `json:"new_findings"`
	Changed  int `json:"changed_findings"`
	Resolved int `json:"resolved_findings"`
}

func (s *Server) evaluateVersion(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetVersion(r.Context(), p.org, id); err != nil {
		return err
	}
	ch, err := s.cfg.Monitor.EvaluateVersion(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, evaluation{New: len(ch.New), Changed: len(ch.Changed), Resolved: len(ch.Resolved)})
	return nil
}

// ---- vulnerabilities and knowledge base ----

type vulnerability struct {
	ID         string             `json:"id"`
	Aliases    []string           `json:"aliases"`
	Summary    string             `json:"summary,omitempty"`
	KEV        *vuln.KEV          `json:"kev,omitempty"`
	EPSS       *vuln.EPSS         `json:"epss,omitempty"`
	Advisories []advisorySummary  `json:"advisories"`
	Affected   []affectedVersion  `json:"affected"`
	Findings   int                `json:"findings"`
	References []vuln.Reference   `json:"references,omitempty"`
	Severities []vulnSeverityView `json:"severities,omitempty"`
}

type advisorySummary struct {
	ID        string    `json:"id"`
	Source    string    `json:"source"`
	Summary   string    `json:"summary,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	Withdrawn time.Time `json:"withdrawn,omitzero"`
}

type vulnSeverityView struct {
	Type  string  `json:"type"`
	Score float64 `json:"score,omitempty"`
	Value string  `json:"vector"`
}

type affectedVersion struct {
	ProductID  int64    `json:"product_id"`
	Product    string   `json:"product"`
	VersionID  int64    `json:"version_id"`
	Version    string   `json:"version"`
	Findings   []int64  `json:"finding_ids"`
	Components []string `json:"components"`
	Statuses   []string `json:"statuses"`
}

func (s *Server) getVulnerability(w http.ResponseWriter, r *http.Request, p principal) error {
	id := r.PathValue("id")
	kb := s.cfg.Monitor.Index().KB()
	ids := s.aliases(id)
	advs := kb.GroupAdvisories(id)
	v := vulnerability{ID: id, Aliases: []string{}, Advisories: []advisorySummary{}, Affected: []affectedVersion{}}
	for _, x := range ids {
		if x != id {
			v.Aliases = append(v.Aliases, x)
		}
	}
	v.KEV, v.EPSS = kb.KEV(ids), kb.EPSS(ids)
	for _, a := range advs {
		v.Advisories = append(v.Advisories, advisorySummary{ID: a.ID, Source: string(a.Source), Summary: a.Summary,
			Published: a.Published, Modified: a.Modified, Withdrawn: a.Withdrawn})
		if v.Summary == "" {
			v.Summary = a.Summary
		}
		v.References = append(v.References, a.References...)
		for _, sv := range a.Severities {
			v.Severities = append(v.Severities, vulnSeverityView{Type: string(sv.Type), Score: sv.Score, Value: sv.Vector})
		}
	}
	// Every finding of the caller's organization under any of the IDs, then
	// their versions, products and components in one query each (per 500).
	byVersion := map[int64]*affectedVersion{}
	compsOf := map[int64][]int64{} // version → component IDs of its findings
	var order, compIDs []int64
	pg := store.Page{Limit: 1000}
	for {
		fs, err := s.cfg.Store.ListFindings(r.Context(), p.org, store.FindingFilter{VulnIDs: ids}, pg)
		if err != nil {
			return err
		}
		for _, f := range fs {
			av := byVersion[f.VersionID]
			if av == nil {
				av = &affectedVersion{VersionID: f.VersionID}
				byVersion[f.VersionID] = av
				order = append(order, f.VersionID)
			}
			av.Findings = append(av.Findings, f.ID)
			compsOf[f.VersionID] = append(compsOf[f.VersionID], f.ComponentID)
			compIDs = append(compIDs, f.ComponentID)
			if !slices.Contains(av.Statuses, f.Status) {
				av.Statuses = append(av.Statuses, f.Status)
			}
			v.Findings++
		}
		if len(fs) < pg.Limit {
			break
		}
		pg.After = fs[len(fs)-1].ID
	}
	if len(advs) == 0 && len(order) == 0 {
		return notFound("vulnerability " + id)
	}
	vers, err := s.cfg.Store.GetVersions(r.Context(), p.org, order)
	if err != nil {
		return err
	}
	versions := make(map[int64]store.Version, len(vers))
	var prodIDs []int64
	for _, ver := range vers {
		versions[ver.ID] = ver
		prodIDs = append(prodIDs, ver.ProductID)
	}
	prods, err := s.cfg.Store.GetProducts(r.Context(), p.org, prodIDs)
	if err != nil {
		return err
	}
	products := make(map[int64]store.Product, len(prods))
	for _, prod := range prods {
		products[prod.ID] = prod
	}
	cs, err := s.cfg.Store.GetComponents(r.Context(), p.org, compIDs)
	if err != nil {
		return err
	}
	comps := make(map[int64]store.Component, len(cs))
	for _, c := range cs {
		comps[c.ID] = c
	}
	for _, vid := range order {
		av := byVersion[vid]
		ver, ok := versions[vid]
		if !ok {
			continue // deleted since its findings were listed
		}
		prod := products[ver.ProductID]
		av.ProductID, av.Product, av.Version = prod.ID, prod.Name, ver.Version
		for _, cid := range compsOf[vid] {
			av.Components = append(av.Components, componentLabel(comps[cid], cid))
		}
		slices.Sort(av.Components)
		av.Components = slices.Compact(av.Components)
		v.Affected = append(v.Affected, *av)
	}
	writeJSON(w, r, http.StatusOK, v)
	return nil
}

// componentLabel names a component by purl, else name@version.
func componentLabel(c store.Component, id int64) string {
	switch {
	case c.PURL != "":
		return c.PURL
	case c.Name == "":
		return fmt.Sprintf("component %d", id)
	case c.Version != "":
		return c.Name + "@" + c.Version
	}
	return c.Name
}

func (s *Server) getKB(w http.ResponseWriter, r *http.Request, _ principal) error {
	writeJSON(w, r, http.StatusOK, s.cfg.Monitor.Status())
	return nil
}

// ---- webhooks and events ----

type webhookCreate struct {
	URL         string `json:"url"`
	Email       string `json:"email"`
	Secret      string `json:"secret"`
	MinSeverity string `json:"min_severity"`
	KEVOnly     bool   `json:"kev_only"`
	ProductID   int64  `json:"product_id"`
}

type webhookCreated struct {
	Webhook store.Webhook `json:"webhook"`
	Secret  string        `json:"secret,omitempty"`
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	hs, err := s.cfg.Store.ListWebhooks(r.Context(), p.org, pg)
	if err != nil {
		return err
	}
	writePage(w, r, hs, pg, func(h store.Webhook) int64 { return h.ID })
	return nil
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, p principal) error {
	var req webhookCreate
	if err := s.decodeBody(w, r, &req); err != nil {
		return err
	}
	if (req.URL == "") == (req.Email == "") {
		return badRequest("give exactly one of url (webhook) and email")
	}
	if req.URL != "" {
		u, err := url.Parse(req.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return badRequest("url: want an absolute http(s) URL")
		}
	}
	if req.Email != "" {
		if a, err := mail.ParseAddress(req.Email); err != nil || a.Address != req.Email {
			return badRequest("email: not an e-mail address")
		}
	}
	if req.MinSeverity != "" && match.RatingRank(req.MinSeverity) == 0 {
		return badRequest("min_severity: want low, medium, high or critical")
	}
	if req.ProductID != 0 {
		if _, err := s.cfg.Store.GetProduct(r.Context(), p.org, req.ProductID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return badRequest("product_id: no such product")
			}
			return err
		}
	}
	secret := req.Secret
	shown := ""
	if req.URL != "" && secret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		secret = hex.EncodeToString(b)
		shown = secret
	}
	h, err := s.cfg.Store.CreateWebhook(r.Context(), store.Webhook{OrgID: p.org, URL: req.URL, Email: req.Email, Secret: secret,
		MinSeverity: req.MinSeverity, KEVOnly: req.KEVOnly, ProductID: req.ProductID, Active: true, Created: s.cfg.Now().UTC()})
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusCreated, webhookCreated{Webhook: h, Secret: shown})
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.cfg.Store.GetWebhook(r.Context(), p.org, id)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, h)
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteWebhook(r.Context(), p.org, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request, p principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.GetWebhook(r.Context(), p.org, id); err != nil {
		return err
	}
	ds, err := s.cfg.Store.ListDeliveries(r.Context(), p.org, id, pg)
	if err != nil {
		return err
	}
	writePage(w, r, ds, pg, func(d store.Delivery) int64 { return d.ID })
	return nil
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	es, err := s.cfg.Store.ListEvents(r.Context(), p.org, pg)
	if err != nil {
		return err
	}
	writePage(w, r, es, pg, func(e store.Event) int64 { return e.ID })
	return nil
}
