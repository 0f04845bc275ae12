package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"medvigil/internal/store"
)

// Event types of the finding life cycle. The server appends one store.Event of
// these types, with a FindingEvent as its Data, for every finding that
// store.Queries.UpsertFindings reports as new, changed or resolved.
const (
	EventFindingNew      = "finding.new"
	EventFindingChanged  = "finding.changed"
	EventFindingResolved = "finding.resolved"
)

// FindingEvent is the JSON payload (store.Event.Data, and "data" in a webhook
// body) of a finding event. Filtering reads ProductID, Severity and KEV;
// everything else is for the receiver. Field names are part of the public
// webhook API (docs/notifications.md): add fields, never rename or remove them.
type FindingEvent struct {
	// Type is one of EventFindingNew, EventFindingChanged, EventFindingResolved.
	Type string `json:"type"`
	// OrganizationID is the owning organization; when set it must equal the
	// store.Event's OrgID or the event is delivered to nobody.
	OrganizationID int64  `json:"organization_id"`
	Organization   string `json:"organization"` // organization name
	FindingID      int64  `json:"finding_id,omitempty"`
	ProductID      int64  `json:"product_id"`
	ProductName    string `json:"product_name"`
	VersionID      int64  `json:"version_id"`
	VersionName    string `json:"version_name"`
	// Component is the affected component as named in the SBOM.
	ComponentName    string `json:"component_name"`
	ComponentVersion string `json:"component_version,omitempty"`
	ComponentPURL    string `json:"component_purl,omitempty"`
	// VulnID is the advisory ID (a CVE when there is one); Aliases the others.
	VulnID  string   `json:"vuln_id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	// Severity is none, low, medium, high, critical or unknown.
	Severity string  `json:"severity"`
	CVSS     float64 `json:"cvss,omitempty"`
	// KEV is true when the vulnerability is in CISA's Known Exploited
	// Vulnerabilities catalog.
	KEV           bool     `json:"kev"`
	EPSS          float64  `json:"epss,omitempty"`
	FixedVersions []string `json:"fixed_versions,omitempty"`
	// Status is the finding status after the change (open, resolved, ...).
	Status string `json:"status"`
	// Time is when the change was observed.
	Time time.Time `json:"time"`
	// URL, when the server sets it, links to the finding in the web UI.
	URL string `json:"url,omitempty"`
}

// NewFindingEvent builds the payload of a finding event from the stored
// objects it refers to.
func NewFindingEvent(typ string, org store.Org, p store.Product, v store.Version, c store.Component, f store.Finding, at time.Time) FindingEvent {
	return FindingEvent{
		Type:             typ,
		OrganizationID:   org.ID,
		Organization:     org.Name,
		FindingID:        f.ID,
		ProductID:        p.ID,
		ProductName:      p.Name,
		VersionID:        v.ID,
		VersionName:      v.Version,
		ComponentName:    c.Name,
		ComponentVersion: c.Version,
		ComponentPURL:    c.PURL,
		VulnID:           f.VulnID,
		Aliases:          f.Aliases,
		Summary:          f.Summary,
		Severity:         f.Severity,
		CVSS:             f.CVSS,
		KEV:              f.KEV,
		EPSS:             f.EPSS,
		FixedVersions:    f.FixedVersions,
		Status:           f.Status,
		Time:             at.UTC(),
	}
}

// StoreEvent returns the store.Event to append for fe: organization, type,
// subject (the vulnerability ID) and fe as JSON data.
func (fe FindingEvent) StoreEvent() (store.Event, error) {
	data, err := json.Marshal(fe)
	if err != nil {
		return store.Event{}, fmt.Errorf("notify: encode finding event: %w", err)
	}
	return store.Event{
		OrgID:   fe.OrganizationID,
		Type:    fe.Type,
		Subject: fe.VulnID,
		Data:    data,
		Created: fe.Time,
	}, nil
}

// severityRank orders severities for minimum-severity filters. "unknown",
// "none" and anything unrecognized rank 0: they pass no filter above none.
func severityRank(s string) int {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low":
		return 1
	case "medium", "moderate":
		return 2
	case "high":
		return 3
	case "critical":
		return 4
	}
	return 0
}

// parsed is an event with its payload decoded once.
type parsed struct {
	ev store.Event
	fe FindingEvent
	ok bool // Data decoded as a JSON object
}

func parseEvent(ev store.Event) parsed {
	p := parsed{ev: ev}
	if len(ev.Data) > 0 && json.Unmarshal(ev.Data, &p.fe) == nil {
		p.ok = true
	}
	return p
}

// matches reports whether hook h subscribes to event p, and if not, why.
//
// The rules: the hook is active and belongs to the event's organization (and
// so does the payload, when it names one); a hook with a product filter gets
// only events whose payload names that product; a hook with a minimum
// severity gets only events whose severity reaches it; a KEV-only hook gets
// only events marked KEV. Filters need a readable payload: an event without
// one reaches only hooks without filters.
func matches(h store.Webhook, p parsed) (bool, string) {
	switch {
	case !h.Active:
		return false, "inactive"
	case h.OrgID != p.ev.OrgID:
		return false, "other organization"
	case p.ok && p.fe.OrganizationID != 0 && p.fe.OrganizationID != p.ev.OrgID:
		return false, "payload names another organization"
	}
	filtered := h.ProductID != 0 || h.KEVOnly || severityRank(h.MinSeverity) > 0
	if !filtered {
		return true, ""
	}
	if !p.ok {
		return false, "no payload to filter on"
	}
	if h.ProductID != 0 && p.fe.ProductID != h.ProductID {
		return false, "other product"
	}
	if h.KEVOnly && !p.fe.KEV {
		return false, "not KEV"
	}
	if min := severityRank(h.MinSeverity); min > 0 && severityRank(p.fe.Severity) < min {
		return false, "below minimum severity"
	}
	return true, ""
}
