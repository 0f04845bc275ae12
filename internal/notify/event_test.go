package notify

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/store"
)

func TestNewFindingEventRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	fe := NewFindingEvent(EventFindingNew,
		store.Org{ID: 3, Name: "Northwind Medical"},
		store.Product{ID: 7, OrgID: 3, Name: "Infusion Pump"},
		store.Version{ID: 70, OrgID: 3, ProductID: 7, Version: "2.1"},
		store.Component{ID: 9, Name: "log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		store.Finding{ID: 11, VulnID: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"}, Severity: "critical", CVSS: 10, KEV: true, EPSS: 0.94, FixedVersions: []string{"2.15.0"}, Status: store.StatusOpen},
		at)
	ev, err := fe.StoreEvent()
	if err != nil {
		t.Fatal(err)
	}
	if ev.OrgID != 3 || ev.Type != EventFindingNew || ev.Subject != "CVE-2021-44228" || !ev.Created.Equal(at) {
		t.Errorf("StoreEvent = %+v", ev)
	}
	var keys map[string]any
	if err := json.Unmarshal(ev.Data, &keys); err != nil {
		t.Fatal(err)
	}
	// The documented wire names (docs/notifications.md).
	for _, k := range []string{"type", "organization_id", "organization", "finding_id", "product_id", "product_name", "version_id", "version_name",
		"component_name", "component_version", "component_purl", "vuln_id", "aliases", "severity", "cvss", "kev", "epss", "fixed_versions", "status", "time"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("payload has no %q: %s", k, ev.Data)
		}
	}
	p := parseEvent(ev)
	if !p.ok {
		t.Fatal("payload does not parse back")
	}
	if diff := cmp.Diff(fe, p.fe); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if p.fe.Time.Location() != time.UTC {
		t.Errorf("time %v is not UTC", p.fe.Time)
	}
}

func TestMatches(t *testing.T) {
	base := store.Webhook{ID: 1, OrgID: 1, URL: "https://example.org/hook", Active: true}
	ev := func(mod func(*FindingEvent)) store.Event {
		return findingEvent(t, 5, 1, EventFindingNew, mod)
	}
	high := ev(func(fe *FindingEvent) { fe.Severity, fe.KEV = "high", false })
	low := ev(func(fe *FindingEvent) { fe.Severity, fe.KEV = "low", false })
	unknown := ev(func(fe *FindingEvent) { fe.Severity, fe.KEV = "unknown", false })
	kevLow := ev(func(fe *FindingEvent) { fe.Severity, fe.KEV = "low", true })
	otherProduct := ev(func(fe *FindingEvent) { fe.ProductID = 8 })
	orgB := findingEvent(t, 6, 2, EventFindingNew, nil)
	lying := findingEvent(t, 7, 1, EventFindingNew, func(fe *FindingEvent) { fe.OrganizationID = 2 })
	noPayload := store.Event{ID: 8, OrgID: 1, Type: "sbom.imported", Subject: "pump.cdx.json"}
	badPayload := store.Event{ID: 9, OrgID: 1, Type: "finding.new", Data: json.RawMessage(`[1,2]`)}

	with := func(mod func(*store.Webhook)) store.Webhook { h := base; mod(&h); return h }
	tests := []struct {
		name string
		hook store.Webhook
		ev   store.Event
		want bool
	}{
		{"no filter gets a finding", base, high, true},
		{"no filter gets an event without payload", base, noPayload, true},
		{"no filter gets an event with an unreadable payload", base, badPayload, true},
		{"inactive gets nothing", with(func(h *store.Webhook) { h.Active = false }), high, false},
		{"org A event never reaches org B hook", with(func(h *store.Webhook) { h.OrgID = 2 }), high, false},
		{"org B event never reaches org A hook", base, orgB, false},
		{"payload naming another org reaches nobody", base, lying, false},
		{"min severity high passes high", with(func(h *store.Webhook) { h.MinSeverity = "high" }), high, true},
		{"min severity high passes critical", with(func(h *store.Webhook) { h.MinSeverity = "high" }), ev(nil), true},
		{"min severity high drops low", with(func(h *store.Webhook) { h.MinSeverity = "high" }), low, false},
		{"min severity is case-insensitive", with(func(h *store.Webhook) { h.MinSeverity = "HIGH" }), low, false},
		{"min severity low drops unknown", with(func(h *store.Webhook) { h.MinSeverity = "low" }), unknown, false},
		{"min severity none passes unknown", with(func(h *store.Webhook) { h.MinSeverity = "none" }), unknown, true},
		{"min severity drops an event without payload", with(func(h *store.Webhook) { h.MinSeverity = "low" }), noPayload, false},
		{"KEV only passes KEV", with(func(h *store.Webhook) { h.KEVOnly = true }), kevLow, true},
		{"KEV only drops non-KEV", with(func(h *store.Webhook) { h.KEVOnly = true }), high, false},
		{"KEV only with min severity needs both", with(func(h *store.Webhook) { h.KEVOnly, h.MinSeverity = true, "high" }), kevLow, false},
		{"product filter passes its product", with(func(h *store.Webhook) { h.ProductID = 7 }), high, true},
		{"product filter drops other products", with(func(h *store.Webhook) { h.ProductID = 7 }), otherProduct, false},
		{"product filter drops an unreadable payload", with(func(h *store.Webhook) { h.ProductID = 7 }), badPayload, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, why := matches(tc.hook, parseEvent(tc.ev))
			if got != tc.want {
				t.Errorf("matches = %v (%s), want %v", got, why, tc.want)
			}
		})
	}
}

func TestHeadline(t *testing.T) {
	tests := []struct {
		name string
		ev   store.Event
		want string
	}{
		{"KEV", findingEvent(t, 1, 1, EventFindingNew, nil), "KEV CVE-2021-44228 affects Infusion Pump 2.1"},
		{"severity", findingEvent(t, 1, 1, EventFindingNew, func(fe *FindingEvent) { fe.KEV = false }), "Critical CVE-2021-44228 affects Infusion Pump 2.1"},
		{"unknown severity", findingEvent(t, 1, 1, EventFindingNew, func(fe *FindingEvent) { fe.KEV, fe.Severity = false, "unknown" }), "CVE-2021-44228 affects Infusion Pump 2.1"},
		{"changed", findingEvent(t, 1, 1, EventFindingChanged, nil), "KEV CVE-2021-44228 affects Infusion Pump 2.1 (changed)"},
		{"resolved", findingEvent(t, 1, 1, EventFindingResolved, func(fe *FindingEvent) { fe.Status = store.StatusResolved }), "Resolved: CVE-2021-44228 no longer affects Infusion Pump 2.1"},
		{"not a finding", store.Event{Type: "sbom.imported", Subject: "pump.cdx.json"}, "sbom.imported pump.cdx.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := headline(parseEvent(tc.ev)); got != tc.want {
				t.Errorf("headline = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a\r\nBcc: victim@example.org", 200, "a Bcc: victim@example.org"},
		{"  spaced\tout  ", 200, "spaced out"},
		{"Pompe à perfusion", 200, "Pompe à perfusion"},
		{"0123456789", 5, "0123…"},
		{"éééééé", 3, "éé…"},
	}
	for _, tc := range tests {
		if got := oneLine(tc.in, tc.n); got != tc.want {
			t.Errorf("oneLine(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
