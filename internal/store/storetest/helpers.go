package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"medvigil/internal/store"
)

// must(f())(t) fails the test if f returned an error and returns f's value.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// isErr checks that err wraps want.
func isErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

// same reports a difference between got and want (reflect.DeepEqual; the
// store returns UTC, microsecond times, so equal instants are equal values).
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// at is a fixed instant with nanoseconds, in a non-UTC zone, to check that
// times are stored in UTC with microsecond precision.
func at(minutes int) time.Time {
	return time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600)).Add(time.Duration(minutes) * time.Minute)
}

func ctx(t *testing.T) context.Context { return t.Context() }

// fixture is one organization with one of everything.
type fixture struct {
	org       store.Org
	user      store.User
	token     store.Token
	product   store.Product
	version   store.Version
	sbom      store.SBOM
	comps     []store.Component
	finding   store.Finding
	event     store.Event
	webhook   store.Webhook
	delivery  store.Delivery
	tokenHash []byte
}

// populate creates an organization named slug with one object of each kind.
func populate(t *testing.T, s store.Store, slug string) fixture {
	t.Helper()
	c := ctx(t)
	var f fixture
	f.org = must(s.CreateOrg(c, store.Org{Slug: slug, Name: "Org " + slug, Kind: store.KindManufacturer}))(t)
	f.user = must(s.CreateUser(c, store.User{OrgID: f.org.ID, Email: slug + "@example.org", Name: "User", Role: store.RoleAdmin, PasswordHash: "$argon2id$x"}))(t)
	f.tokenHash = []byte("hash-of-" + slug)
	f.token = must(s.CreateToken(c, store.Token{OrgID: f.org.ID, UserID: f.user.ID, Name: "ci", Role: store.RoleAnalyst, Prefix: "mvg_" + slug, Hash: f.tokenHash}))(t)
	f.product = must(s.CreateProduct(c, store.Product{OrgID: f.org.ID, Name: "Infusion pump", Vendor: "Northwind"}))(t)
	f.version = must(s.CreateVersion(c, store.Version{OrgID: f.org.ID, ProductID: f.product.ID, Version: "2.1.0", ReleaseDate: "2025-01-31"}))(t)
	var comps []store.Component
	f.sbom, comps = must2(s.CreateSBOM(c, store.SBOM{OrgID: f.org.ID, VersionID: f.version.ID, Filename: "pump.cdx.json", Format: "CycloneDX",
		SpecVersion: "1.6", Encoding: "json", Raw: []byte(`{"bomFormat":"CycloneDX"}`)}, components(3)))(t)
	f.comps = comps
	ch := must(s.UpsertFindings(c, f.org.ID, f.version.ID, []store.Finding{{ComponentID: comps[0].ID, VulnID: "CVE-2024-0001",
		Aliases: []string{"GHSA-aaaa-bbbb-cccc"}, Severity: "high", CVSS: 7.5, Method: "purl", Confidence: "high", Rule: "<1.2.3"}}, at(0)))(t)
	if len(ch.New) != 1 {
		t.Fatalf("populate: %d new findings, want 1", len(ch.New))
	}
	f.finding = ch.New[0]
	f.event = must(s.AppendEvents(c, []store.Event{{OrgID: f.org.ID, Type: "sbom.imported", Subject: "pump.cdx.json", Data: []byte(`{"components":3}`)}}))(t)[0]
	f.webhook = must(s.CreateWebhook(c, store.Webhook{OrgID: f.org.ID, URL: "https://hooks.example.org/" + slug, Secret: "s3cret", MinSeverity: "high", Active: true}))(t)
	f.delivery = must(s.RecordDelivery(c, store.Delivery{OrgID: f.org.ID, WebhookID: f.webhook.ID, EventID: f.event.ID, Attempt: 1, Status: 200}))(t)
	return f
}

// must2 is must for two results.
func must2[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return a, b
	}
}

// components returns n distinct component inputs.
func components(n int) []store.ComponentInput {
	out := make([]store.ComponentInput, n)
	for i := range out {
		out[i] = store.ComponentInput{
			Ref: fmt.Sprintf("pkg:%d", i), Name: fmt.Sprintf("lib%d", i), Version: fmt.Sprintf("1.%d.0", i),
			Supplier: "Acme", PURL: fmt.Sprintf("pkg:npm/lib%d@1.%d.0", i, i),
		}
		if i%2 == 0 {
			out[i].CPEs = []string{fmt.Sprintf("cpe:2.3:a:acme:lib%d:1.%d.0:*:*:*:*:*:*:*", i, i)}
		}
	}
	return out
}

// snapshot reads everything of an organization through the Queries, to
// check that nothing changed.
func snapshot(t *testing.T, s store.Queries, f fixture) map[string]any {
	t.Helper()
	c := ctx(t)
	org := f.org.ID
	all := store.Page{Limit: 1000}
	return map[string]any{
		"org":        must(s.GetOrg(c, org))(t),
		"users":      must(s.ListUsers(c, org, all))(t),
		"tokens":     must(s.ListTokens(c, org, all))(t),
		"products":   must(s.ListProducts(c, org, all))(t),
		"versions":   must(s.ListVersions(c, org, f.product.ID, all))(t),
		"sboms":      must(s.ListSBOMs(c, org, f.version.ID, all))(t),
		"raw":        must(s.GetSBOMRaw(c, org, f.sbom.ID))(t),
		"components": must(s.ListComponents(c, org, f.version.ID, all))(t),
		"findings":   must(s.ListFindings(c, org, store.FindingFilter{}, all))(t),
		"events":     must(s.ListEvents(c, org, all))(t),
		"webhooks":   must(s.ListWebhooks(c, org, all))(t),
		"deliveries": must(s.ListDeliveries(c, org, f.webhook.ID, all))(t),
	}
}
