package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Errors every backend returns (wrapped) so callers can tell them apart.
var (
	// ErrNotFound: no such object in the caller's organization. An object of
	// another organization is "not found" too: the store never says it exists.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique key is taken (organization slug, user e-mail,
	// product name within an organization, version within a product).
	ErrConflict = errors.New("already exists")
)

// OrgKind says which side of the market an organization is on.
type OrgKind string

const (
	KindManufacturer OrgKind = "manufacturer"
	KindHospital     OrgKind = "hospital"
	KindBoth         OrgKind = "both"
)

// Role is what a user or token may do inside its organization.
type Role string

const (
	RoleAdmin   Role = "admin"   // everything, including users, tokens and webhooks
	RoleAnalyst Role = "analyst" // read everything, write products, versions, SBOMs, findings
	RoleViewer  Role = "viewer"  // read only
)

// Org is a tenant. Every other object belongs to exactly one.
type Org struct {
	ID      int64     `json:"id"`
	Slug    string    `json:"slug"`
	Name    string    `json:"name"`
	Kind    OrgKind   `json:"kind"`
	Created time.Time `json:"created"`
}

// User is a person who logs in with e-mail and password.
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"` // argon2id PHC string
	Created      time.Time `json:"created"`
}

// Token is an API token. The secret is shown once at creation; the store keeps
// only its SHA-256 (tokens are long random strings, so a fast hash is right).
type Token struct {
	ID       int64      `json:"id"`
	OrgID    int64      `json:"org_id"`
	UserID   int64      `json:"user_id"`
	Name     string     `json:"name"`
	Role     Role       `json:"role"`
	Prefix   string     `json:"prefix"` // first characters of the secret, to recognize it
	Hash     []byte     `json:"-"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used,omitempty"`
	Revoked  *time.Time `json:"revoked,omitempty"`
}

// Product is a medical device or software product of a manufacturer (or, for
// a hospital, a product it operates).
type Product struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	Name        string    `json:"name"`
	Vendor      string    `json:"vendor"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}

// Version is one released version of a product with its lifecycle dates
// (dates are calendar days, kept as "YYYY-MM-DD"; empty means unknown).
type Version struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	ProductID    int64     `json:"product_id"`
	Version      string    `json:"version"`
	ReleaseDate  string    `json:"release_date,omitempty"`
	EndOfLife    string    `json:"end_of_life,omitempty"`
	EndOfSupport string    `json:"end_of_support,omitempty"`
	SupportLevel string    `json:"support_level,omitempty"`
	Created      time.Time `json:"created"`
}

// SBOM is an uploaded SBOM document of a version. Raw holds the document as
// uploaded; it is filled only by GetSBOMRaw.
type SBOM struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	VersionID   int64     `json:"version_id"`
	Filename    string    `json:"filename"`
	Format      string    `json:"format"`       // "CycloneDX" or "SPDX"
	SpecVersion string    `json:"spec_version"` // "1.6", "SPDX-2.3"
	Encoding    string    `json:"encoding"`     // "json", "xml", "tag-value"
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	Components  int       `json:"components"`
	Warnings    []string  `json:"warnings,omitempty"`
	Created     time.Time `json:"created"`
	Raw         []byte    `json:"-"`
}

// Component is a normalized component of a stored SBOM.
type Component struct {
	ID        int64    `json:"id"`
	OrgID     int64    `json:"org_id"`
	SBOMID    int64    `json:"sbom_id"`
	VersionID int64    `json:"version_id"`
	Ref       string   `json:"ref"` // bom-ref / SPDXID
	Name      string   `json:"name"`
	Version   string   `json:"version,omitempty"`
	Supplier  string   `json:"supplier,omitempty"`
	PURL      string   `json:"purl,omitempty"`
	CPEs      []string `json:"cpes,omitempty"`
}

// Finding statuses. Triage will grow this list; "open" is the default and
// "resolved" is set by the monitor when the vulnerability no longer applies.
const (
	StatusOpen     = "open"
	StatusResolved = "resolved"
)

// Finding is one vulnerability of one component of a version. Its natural key
// is (VersionID, ComponentID, VulnID).
type Finding struct {
	ID            int64      `json:"id"`
	OrgID         int64      `json:"org_id"`
	VersionID     int64      `json:"version_id"`
	ComponentID   int64      `json:"component_id"`
	VulnID        string     `json:"vuln_id"`
	Aliases       []string   `json:"aliases,omitempty"`
	Summary       string     `json:"summary,omitempty"`
	Severity      string     `json:"severity"` // none, low, medium, high, critical, unknown
	CVSS          float64    `json:"cvss,omitempty"`
	KEV           bool       `json:"kev"`
	EPSS          float64    `json:"epss,omitempty"`
	FixedVersions []string   `json:"fixed_versions,omitempty"`
	Method        string     `json:"method"`     // purl, cpe, cpe-candidate, csaf
	Confidence    string     `json:"confidence"` // high, medium, low
	Rule          string     `json:"rule"`       // which range or criterion matched
	Status        string     `json:"status"`
	FirstSeen     time.Time  `json:"first_seen"`
	LastSeen      time.Time  `json:"last_seen"`
	Resolved      *time.Time `json:"resolved,omitempty"`
}

// FindingFilter narrows ListFindings. Zero values do not filter. A version or
// product of another organization matches nothing.
type FindingFilter struct {
	VersionID   int64
	ProductID   int64
	MinSeverity string // low, medium, high, critical: that or higher ("unknown" ranks below low); other values are an error
	KEV         *bool
	Status      string
	VulnIDs     []string // any of these ids (the finding's vuln_id or one of its aliases; both indexed)
}

// Event is an entry of the append-only event log of an organization.
type Event struct {
	ID      int64           `json:"id"`
	OrgID   int64           `json:"org_id"`
	Type    string          `json:"type"` // e.g. finding.new, finding.changed, finding.resolved, sbom.imported
	Subject string          `json:"subject"`
	Data    json.RawMessage `json:"data,omitempty"`
	Created time.Time       `json:"created"`
}

// Webhook is a notification subscription that POSTs events to a URL.
type Webhook struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	URL         string    `json:"url"`
	Secret      string    `json:"-"`               // HMAC-SHA256 key
	Email       string    `json:"email,omitempty"` // when set, deliver by e-mail instead of HTTP
	MinSeverity string    `json:"min_severity,omitempty"`
	KEVOnly     bool      `json:"kev_only"`
	ProductID   int64     `json:"product_id,omitempty"`
	Active      bool      `json:"active"`
	Created     time.Time `json:"created"`
}

// Delivery is one attempt to deliver an event to a webhook.
type Delivery struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	WebhookID int64     `json:"webhook_id"`
	EventID   int64     `json:"event_id"`
	Attempt   int       `json:"attempt"`
	Status    int       `json:"status"` // HTTP status, 250 for SMTP success, 0 for a transport error
	Error     string    `json:"error,omitempty"`
	Created   time.Time `json:"created"`
}

// KBSnapshot is a version of the knowledge base kept in the database, so that
// every server process on the database loads the same one.
type KBSnapshot struct {
	ID         int64           `json:"id"`
	Created    time.Time       `json:"created"`
	Advisories int             `json:"advisories"`
	Sources    json.RawMessage `json:"sources,omitempty"` // per-source state: name, url, fetched, modified, etag, counts
	Data       []byte          `json:"-"`                 // snapshot.Write bytes; filled only by LatestKB(withData=true)
}

// Page asks for at most Limit items with ID greater than After (cursor
// pagination by ascending ID). Limit 0 means a default of 100; the store caps
// it at 1000.
type Page struct {
	After int64
	Limit int
}

// SBOMRef names a stored SBOM with its organization and version.
type SBOMRef struct {
	ID        int64 `json:"id"`
	OrgID     int64 `json:"org_id"`
	VersionID int64 `json:"version_id"`
}

// ComponentInput is a component to store with an SBOM.
type ComponentInput struct {
	Ref, Name, Version, Supplier, PURL string
	CPEs                               []string
}

// Queries are the operations on stored data. Every method that reads or
// writes organization data takes the organization ID and only touches rows of
// that organization: an ID of another organization gives ErrNotFound. Creating
// an object under another organization's parent (a version of a foreign
// product, a token of a foreign user, ...) gives ErrNotFound too. Listing the
// children of a parent that is not in the organization (ListVersions,
// ListSBOMs, ListComponents, ListDeliveries) gives ErrNotFound; lists return
// an empty, non-nil slice when there is nothing. Times come back in UTC,
// truncated to the microsecond; a zero Created is set to now.
type Queries interface {
	// Organizations and people.
	CreateOrg(ctx context.Context, o Org) (Org, error)
	GetOrg(ctx context.Context, id int64) (Org, error)
	GetOrgBySlug(ctx context.Context, slug string) (Org, error)
	ListOrgs(ctx context.Context, p Page) ([]Org, error) // for the operator (admin CLI), not the API
	CreateUser(ctx context.Context, u User) (User, error)
	GetUser(ctx context.Context, org, id int64) (User, error)
	GetUserByEmail(ctx context.Context, email string) (User, error) // login: e-mail is unique across orgs, ASCII case ignored
	ListUsers(ctx context.Context, org int64, p Page) ([]User, error)
	UpdateUser(ctx context.Context, org int64, u User) (User, error) // name, role, password hash (kept when empty)
	DeleteUser(ctx context.Context, org, id int64) error
	CreateToken(ctx context.Context, t Token) (Token, error)
	TokenByHash(ctx context.Context, hash []byte) (Token, error) // authentication; revoked tokens are ErrNotFound
	TouchToken(ctx context.Context, id int64, at time.Time) error
	ListTokens(ctx context.Context, org int64, p Page) ([]Token, error)
	RevokeToken(ctx context.Context, org, id int64, at time.Time) error

	// Products, versions, SBOMs, components.
	CreateProduct(ctx context.Context, p Product) (Product, error)
	GetProduct(ctx context.Context, org, id int64) (Product, error)
	ListProducts(ctx context.Context, org int64, p Page) ([]Product, error)
	UpdateProduct(ctx context.Context, org int64, p Product) (Product, error)
	DeleteProduct(ctx context.Context, org, id int64) error // with its versions, SBOMs, components, findings
	CreateVersion(ctx context.Context, v Version) (Version, error)
	GetVersion(ctx context.Context, org, id int64) (Version, error)
	ListVersions(ctx context.Context, org, product int64, p Page) ([]Version, error)
	UpdateVersion(ctx context.Context, org int64, v Version) (Version, error) // not ProductID: a version stays with its product
	DeleteVersion(ctx context.Context, org, id int64) error
	// CreateSBOM stores the document (s.Raw) and its components in one go.
	// Components is set to len(comps); SHA256 and Size are computed from Raw
	// when empty; every component needs a Name. The returned SBOM has no Raw;
	// the components come back in input order with ascending IDs.
	CreateSBOM(ctx context.Context, s SBOM, comps []ComponentInput) (SBOM, []Component, error)
	GetSBOM(ctx context.Context, org, id int64) (SBOM, error)
	GetSBOMRaw(ctx context.Context, org, id int64) (SBOM, error)
	ListSBOMs(ctx context.Context, org, version int64, p Page) ([]SBOM, error)
	ListComponents(ctx context.Context, org, version int64, p Page) ([]Component, error)
	// AllComponents streams every component of every organization (for
	// building the portfolio index at start-up). fn returning an error stops.
	AllComponents(ctx context.Context, fn func(Component) error) error
	// ListSBOMIDs lists every stored SBOM of every organization by
	// ascending ID, as ID, organization and version only (for bringing a
	// portfolio up to date incrementally: new SBOMs and removed ones are
	// set differences of IDs). Operator-level, like AllComponents.
	ListSBOMIDs(ctx context.Context) ([]SBOMRef, error)
	// SBOMComponents streams the components of the SBOMs refs name, SBOM by
	// SBOM in the order given, each by ascending component ID. A ref whose
	// organization or version is not the SBOM's yields nothing. fn returning
	// an error stops.
	SBOMComponents(ctx context.Context, refs []SBOMRef, fn func(Component) error) error
	// GetProducts, GetVersions and GetComponents read the objects of org
	// with the given IDs at once, by ascending ID (a constant number of
	// queries instead of one per ID). IDs not in org, or of no object, are
	// left out (no error); duplicate IDs count once; no IDs give an empty list.
	GetProducts(ctx context.Context, org int64, ids []int64) ([]Product, error)
	GetVersions(ctx context.Context, org int64, ids []int64) ([]Version, error)
	GetComponents(ctx context.Context, org int64, ids []int64) ([]Component, error)

	// Findings.
	// UpsertFindings records the current findings of a version: new ones are
	// inserted (status open), existing ones updated (LastSeen, severity, KEV,
	// EPSS, ...; a resolved one reopens), and open findings of the version not
	// in the list are marked resolved. It returns what changed.
	UpsertFindings(ctx context.Context, org, version int64, fs []Finding, now time.Time) (FindingChanges, error)
	// UpsertFindingsBatch is UpsertFindings for many versions of org in one
	// transaction and a few set-based statements: each VersionFindings is
	// recorded as UpsertFindings would record it. Versions that are not in
	// org (deleted meanwhile, or foreign) are skipped and missing from the
	// result; a version listed twice is an error. The result maps each
	// recorded version to what changed in it.
	UpsertFindingsBatch(ctx context.Context, org int64, vs []VersionFindings, now time.Time) (map[int64]FindingChanges, error)
	ListFindings(ctx context.Context, org int64, f FindingFilter, p Page) ([]Finding, error)
	GetFinding(ctx context.Context, org, id int64) (Finding, error)
	// SetFindingStatus sets the triage status: "resolved" records the time
	// (once), any other status clears it. Findings with a status other than
	// open or resolved keep it through UpsertFindings and are not resolved by
	// absence.
	SetFindingStatus(ctx context.Context, org, id int64, status string) (Finding, error)

	// Event log and notifications.
	// AppendEvents appends in order (IDs ascend in append order); the
	// database refuses updates of events. PostgreSQL normalizes Data (JSONB:
	// key order and spacing may change).
	AppendEvents(ctx context.Context, es []Event) ([]Event, error)
	ListEvents(ctx context.Context, org int64, p Page) ([]Event, error)
	CreateWebhook(ctx context.Context, w Webhook) (Webhook, error)
	GetWebhook(ctx context.Context, org, id int64) (Webhook, error)
	ListWebhooks(ctx context.Context, org int64, p Page) ([]Webhook, error)
	DeleteWebhook(ctx context.Context, org, id int64) error
	RecordDelivery(ctx context.Context, d Delivery) (Delivery, error)
	ListDeliveries(ctx context.Context, org, webhook int64, p Page) ([]Delivery, error)

	// Knowledge base.
	SaveKB(ctx context.Context, k KBSnapshot) (KBSnapshot, error)    // keeps the latest few, prunes older ones
	LatestKB(ctx context.Context, withData bool) (KBSnapshot, error) // ErrNotFound when there is none
	ListKB(ctx context.Context) ([]KBSnapshot, error)                // the kept snapshots, newest first, without Data

	// Jobs shared by several server processes: ClaimRun returns true for
	// exactly one caller per (name, slot), however many processes ask.
	ClaimRun(ctx context.Context, name, slot string, owner string) (bool, error)
}

// VersionFindings are the current findings of one version, for
// UpsertFindingsBatch.
type VersionFindings struct {
	VersionID int64
	Findings  []Finding
	// Only, when not empty, narrows what absence means: only open findings
	// of the version whose vulnerability ID or one of whose aliases is in
	// Only are resolved when missing from Findings; the version's other
	// findings are left exactly as they are (LastSeen included). Findings
	// are recorded as usual whatever their ID.
	Only []string
}

// FindingChanges is what UpsertFindings did.
type FindingChanges struct {
	New      []Finding
	Changed  []Finding // severity, KEV, EPSS or fixed versions changed, or reopened
	Resolved []Finding
}

// Store is a database: the queries plus transactions and housekeeping.
type Store interface {
	Queries
	// InTx runs fn in one transaction: if fn returns an error (or panics),
	// nothing it wrote is kept (a panic is re-raised after the rollback).
	// Inside fn use only q: on SQLite the transaction holds the one writer
	// connection, so a write through the Store itself would wait for fn.
	// Not nestable.
	InTx(ctx context.Context, fn func(q Queries) error) error
	Ping(ctx context.Context) error
	// Dialect is "sqlite" or "postgres".
	Dialect() string
	// Backup writes a consistent copy of the database to path (SQLite: VACUUM
	// INTO; PostgreSQL: an error pointing at pg_dump).
	Backup(ctx context.Context, path string) error
	Close() error
}
