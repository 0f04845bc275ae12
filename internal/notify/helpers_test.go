package notify

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"medvigil/internal/store"
)

// The store implements Recorder.
var _ Recorder = store.Queries(nil)

// fakeRecorder keeps every recorded delivery; fail makes RecordDelivery fail.
type fakeRecorder struct {
	mu   sync.Mutex
	ds   []store.Delivery
	fail bool
}

func (r *fakeRecorder) RecordDelivery(_ context.Context, d store.Delivery) (store.Delivery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return store.Delivery{}, errors.New("database is down")
	}
	d.ID = int64(len(r.ds) + 1)
	r.ds = append(r.ds, d)
	return d, nil
}

func (r *fakeRecorder) all() []store.Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]store.Delivery(nil), r.ds...)
}

// fixedClock is a clock the tests can read back.
func fixedClock() func() time.Time {
	t0 := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	return func() time.Time { return t0 }
}

// findingEvent returns a stored finding event of org for the tests.
func findingEvent(t testing.TB, id, org int64, typ string, mod func(*FindingEvent)) store.Event {
	t.Helper()
	fe := FindingEvent{
		Type:             typ,
		OrganizationID:   org,
		Organization:     "Northwind Medical",
		FindingID:        100 + id,
		ProductID:        7,
		ProductName:      "Infusion Pump",
		VersionID:        70,
		VersionName:      "2.1",
		ComponentName:    "log4j-core",
		ComponentVersion: "2.14.1",
		ComponentPURL:    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
		VulnID:           "CVE-2021-44228",
		Aliases:          []string{"GHSA-jfh8-c2jp-5v3q"},
		Summary:          "Apache Log4j2 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints.",
		Severity:         "critical",
		CVSS:             10,
		KEV:              true,
		EPSS:             0.94358,
		FixedVersions:    []string{"2.15.0", "2.12.2"},
		Status:           store.StatusOpen,
		Time:             time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
	}
	if mod != nil {
		mod(&fe)
	}
	ev, err := fe.StoreEvent()
	if err != nil {
		t.Fatal(err)
	}
	ev.ID = id
	ev.OrgID = org
	return ev
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
