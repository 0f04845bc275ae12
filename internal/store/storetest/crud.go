package storetest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medvigil/internal/store"
)

func testOrgs(t *testing.T, s store.Store) {
	c := ctx(t)
	a := must(s.CreateOrg(c, store.Org{Slug: "northwind", Name: "Northwind Medical", Kind: store.KindManufacturer, Created: at(0)}))(t)
	if a.ID == 0 {
		t.Fatal("CreateOrg returned no ID")
	}
	same(t, "GetOrg", must(s.GetOrg(c, a.ID))(t), a)
	same(t, "GetOrgBySlug", must(s.GetOrgBySlug(c, "northwind"))(t), a)
	_, err := s.CreateOrg(c, store.Org{Slug: "northwind", Name: "again"})
	isErr(t, "duplicate slug", err, store.ErrConflict)
	_, err = s.GetOrg(c, a.ID+100)
	isErr(t, "GetOrg missing", err, store.ErrNotFound)
	_, err = s.GetOrgBySlug(c, "nobody")
	isErr(t, "GetOrgBySlug missing", err, store.ErrNotFound)
	b := must(s.CreateOrg(c, store.Org{Slug: "st-elsewhere", Name: "St. Elsewhere", Kind: store.KindHospital}))(t)
	if b.Created.IsZero() {
		t.Error("CreateOrg did not set Created")
	}
	same(t, "ListOrgs", must(s.ListOrgs(c, store.Page{}))(t), []store.Org{a, b})
	_, err = s.CreateOrg(c, store.Org{Name: "no slug"})
	if err == nil {
		t.Error("CreateOrg without slug: no error")
	}
}

func testUsers(t *testing.T, s store.Store) {
	c := ctx(t)
	o := must(s.CreateOrg(c, store.Org{Slug: "o", Name: "O"}))(t)
	o2 := must(s.CreateOrg(c, store.Org{Slug: "o2", Name: "O2"}))(t)
	u := must(s.CreateUser(c, store.User{OrgID: o.ID, Email: "Ada@Example.org", Name: "Ada", Role: store.RoleAdmin, PasswordHash: "h1"}))(t)
	same(t, "GetUser", must(s.GetUser(c, o.ID, u.ID))(t), u)
	same(t, "GetUserByEmail ignores case", must(s.GetUserByEmail(c, "ada@example.ORG"))(t), u)
	_, err := s.CreateUser(c, store.User{OrgID: o2.ID, Email: "ada@example.org", Name: "Other Ada", Role: store.RoleViewer})
	isErr(t, "e-mail taken in another organization", err, store.ErrConflict)
	_, err = s.CreateUser(c, store.User{OrgID: o.ID + 1000, Email: "ghost@example.org"})
	isErr(t, "user of a missing organization", err, store.ErrNotFound)

	u.Name, u.Role, u.PasswordHash = "Ada L.", store.RoleAnalyst, ""
	got := must(s.UpdateUser(c, o.ID, u))(t)
	u.PasswordHash = "h1" // an empty hash keeps the old one
	same(t, "UpdateUser keeps the hash", got, u)
	u.PasswordHash = "h2"
	same(t, "UpdateUser sets the hash", must(s.UpdateUser(c, o.ID, u))(t), u)

	v := must(s.CreateUser(c, store.User{OrgID: o.ID, Email: "bob@example.org", Name: "Bob", Role: store.RoleViewer}))(t)
	same(t, "ListUsers", must(s.ListUsers(c, o.ID, store.Page{}))(t), []store.User{u, v})
	ok(t, s.DeleteUser(c, o.ID, v.ID))
	_, err = s.GetUser(c, o.ID, v.ID)
	isErr(t, "deleted user", err, store.ErrNotFound)
	isErr(t, "delete twice", s.DeleteUser(c, o.ID, v.ID), store.ErrNotFound)
	same(t, "ListUsers after delete", must(s.ListUsers(c, o.ID, store.Page{}))(t), []store.User{u})
}

func testTokens(t *testing.T, s store.Store) {
	c := ctx(t)
	o := must(s.CreateOrg(c, store.Org{Slug: "o", Name: "O"}))(t)
	u := must(s.CreateUser(c, store.User{OrgID: o.ID, Email: "a@example.org", Role: store.RoleAdmin}))(t)
	tk := must(s.CreateToken(c, store.Token{OrgID: o.ID, UserID: u.ID, Name: "ci", Role: store.RoleAnalyst, Prefix: "mvg_abcd", Hash: []byte{1, 2, 3}}))(t)
	same(t, "TokenByHash", must(s.TokenByHash(c, []byte{1, 2, 3}))(t), tk)
	_, err := s.CreateToken(c, store.Token{OrgID: o.ID, UserID: u.ID, Name: "dup", Hash: []byte{1, 2, 3}})
	isErr(t, "duplicate hash", err, store.ErrConflict)
	_, err = s.TokenByHash(c, []byte{9})
	isErr(t, "unknown hash", err, store.ErrNotFound)

	ok(t, s.TouchToken(c, tk.ID, at(5)))
	used := at(5).UTC().Truncate(time.Microsecond)
	tk.LastUsed = &used
	same(t, "TouchToken", must(s.TokenByHash(c, []byte{1, 2, 3}))(t), tk)
	isErr(t, "TouchToken missing", s.TouchToken(c, tk.ID+100, at(5)), store.ErrNotFound)

	ok(t, s.RevokeToken(c, o.ID, tk.ID, at(10)))
	ok(t, s.RevokeToken(c, o.ID, tk.ID, at(20))) // keeps the first time
	_, err = s.TokenByHash(c, []byte{1, 2, 3})
	isErr(t, "revoked token", err, store.ErrNotFound)
	revoked := at(10).UTC().Truncate(time.Microsecond)
	tk.Revoked = &revoked
	same(t, "ListTokens shows revoked tokens", must(s.ListTokens(c, o.ID, store.Page{}))(t), []store.Token{tk})
	isErr(t, "RevokeToken missing", s.RevokeToken(c, o.ID, tk.ID+100, at(10)), store.ErrNotFound)
}

func testProductsVersions(t *testing.T, s store.Store) {
	c := ctx(t)
	o := must(s.CreateOrg(c, store.Org{Slug: "o", Name: "O"}))(t)
	o2 := must(s.CreateOrg(c, store.Org{Slug: "o2", Name: "O2"}))(t)
	p := must(s.CreateProduct(c, store.Product{OrgID: o.ID, Name: "Pump", Vendor: "Northwind", Description: "infusion pump"}))(t)
	same(t, "GetProduct", must(s.GetProduct(c, o.ID, p.ID))(t), p)
	_, err := s.CreateProduct(c, store.Product{OrgID: o.ID, Name: "Pump"})
	isErr(t, "duplicate product name", err, store.ErrConflict)
	must(s.CreateProduct(c, store.Product{OrgID: o2.ID, Name: "Pump"}))(t) // same name, other organization
	q := must(s.CreateProduct(c, store.Product{OrgID: o.ID, Name: "Monitor"}))(t)
	q.Name = "Pump"
	_, err = s.UpdateProduct(c, o.ID, q)
	isErr(t, "rename onto a taken name", err, store.ErrConflict)
	q.Name, q.Vendor, q.Description = "Patient monitor", "Contoso", "bedside"
	same(t, "UpdateProduct", must(s.UpdateProduct(c, o.ID, q))(t), q)
	same(t, "ListProducts", must(s.ListProducts(c, o.ID, store.Page{}))(t), []store.Product{p, q})

	v := must(s.CreateVersion(c, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "1.0", ReleaseDate: "2024-05-01",
		EndOfLife: "2030-12-31", EndOfSupport: "2029-12-31", SupportLevel: "security-only"}))(t)
	same(t, "GetVersion", must(s.GetVersion(c, o.ID, v.ID))(t), v)
	_, err = s.CreateVersion(c, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "1.0"})
	isErr(t, "duplicate version", err, store.ErrConflict)
	_, err = s.CreateVersion(c, store.Version{OrgID: o.ID, ProductID: p.ID + 1000, Version: "1.0"})
	isErr(t, "version of a missing product", err, store.ErrNotFound)
	w := must(s.CreateVersion(c, store.Version{OrgID: o.ID, ProductID: q.ID, Version: "1.0"}))(t) // same version, other product
	v2 := must(s.CreateVersion(c, store.Version{OrgID: o.ID, ProductID: p.ID, Version: "1.1"}))(t)
	v2.Version = "1.0"
	_, err = s.UpdateVersion(c, o.ID, v2)
	isErr(t, "rename onto a taken version", err, store.ErrConflict)
	v2.Version, v2.SupportLevel, v2.EndOfSupport = "1.1.1", "full", "2031-01-01"
	v2.ProductID = q.ID // ignored: a version stays with its product
	got := must(s.UpdateVersion(c, o.ID, v2))(t)
	v2.ProductID = p.ID
	same(t, "UpdateVersion", got, v2)
	same(t, "ListVersions", must(s.ListVersions(c, o.ID, p.ID, store.Page{}))(t), []store.Version{v, v2})
	same(t, "ListVersions other product", must(s.ListVersions(c, o.ID, q.ID, store.Page{}))(t), []store.Version{w})
	ok(t, s.DeleteVersion(c, o.ID, v2.ID))
	isErr(t, "DeleteVersion twice", s.DeleteVersion(c, o.ID, v2.ID), store.ErrNotFound)
	ok(t, s.DeleteProduct(c, o.ID, q.ID))
	_, err = s.GetVersion(c, o.ID, w.ID)
	isErr(t, "version of a deleted product", err, store.ErrNotFound)
	isErr(t, "DeleteProduct twice", s.DeleteProduct(c, o.ID, q.ID), store.ErrNotFound)
	_, err = s.ListVersions(c, o.ID, q.ID, store.Page{})
	isErr(t, "ListVersions of a deleted product", err, store.ErrNotFound)
}

func testSBOMs(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	raw := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`)
	in := components(1000)
	sb, comps := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: a.version.ID, Filename: "big.cdx.json",
		Format: "CycloneDX", SpecVersion: "1.6", Encoding: "json", Warnings: []string{"component 7: no supplier"}, Raw: raw}, in))(t)
	if sb.Components != 1000 || sb.Size != int64(len(raw)) || len(sb.SHA256) != 64 || sb.Raw != nil {
		t.Errorf("CreateSBOM: components %d, size %d, sha256 %q, raw %d bytes", sb.Components, sb.Size, sb.SHA256, len(sb.Raw))
	}
	if len(comps) != len(in) {
		t.Fatalf("CreateSBOM returned %d components, want %d", len(comps), len(in))
	}
	for i, cp := range comps {
		want := store.Component{ID: cp.ID, OrgID: a.org.ID, SBOMID: sb.ID, VersionID: a.version.ID, Ref: in[i].Ref, Name: in[i].Name,
			Version: in[i].Version, Supplier: in[i].Supplier, PURL: in[i].PURL, CPEs: in[i].CPEs}
		same(t, "component "+in[i].Ref, cp, want)
		if i > 0 && cp.ID <= comps[i-1].ID {
			t.Fatalf("component IDs not ascending in input order: %d after %d", cp.ID, comps[i-1].ID)
		}
	}
	same(t, "GetSBOM", must(s.GetSBOM(c, a.org.ID, sb.ID))(t), sb)
	withRaw := must(s.GetSBOMRaw(c, a.org.ID, sb.ID))(t)
	if !bytes.Equal(withRaw.Raw, raw) {
		t.Errorf("GetSBOMRaw: raw %q, want %q", withRaw.Raw, raw)
	}
	withRaw.Raw = nil
	same(t, "GetSBOMRaw metadata", withRaw, sb)
	same(t, "ListSBOMs", must(s.ListSBOMs(c, a.org.ID, a.version.ID, store.Page{}))(t), []store.SBOM{a.sbom, sb})

	// ListComponents walks both SBOMs of the version.
	var listed []store.Component
	for p := (store.Page{Limit: 300}); ; {
		page := must(s.ListComponents(c, a.org.ID, a.version.ID, p))(t)
		if len(page) == 0 {
			break
		}
		listed = append(listed, page...)
		p.After = page[len(page)-1].ID
	}
	same(t, "ListComponents", listed, append(append([]store.Component{}, a.comps...), comps...))

	b := populate(t, s, "b")
	var all []store.Component
	ok(t, s.AllComponents(c, func(cp store.Component) error { all = append(all, cp); return nil }))
	want := append(append(append([]store.Component{}, a.comps...), comps...), b.comps...)
	same(t, "AllComponents", all, want)
	stop := 0
	err := s.AllComponents(c, func(store.Component) error { stop++; return os.ErrClosed })
	if stop != 1 || err == nil {
		t.Errorf("AllComponents did not stop at the callback's error: %d calls, %v", stop, err)
	}
	_, _, err = s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: a.version.ID + 1000, Raw: raw}, in[:2])
	isErr(t, "SBOM of a missing version", err, store.ErrNotFound)
}

func testPagination(t *testing.T, s store.Store) {
	c := ctx(t)
	o := must(s.CreateOrg(c, store.Org{Slug: "o", Name: "O"}))(t)
	other := must(s.CreateOrg(c, store.Org{Slug: "other", Name: "Other"}))(t)
	var want []int64
	for i := range 23 {
		p := must(s.CreateProduct(c, store.Product{OrgID: o.ID, Name: "p" + strings.Repeat("x", i)}))(t)
		want = append(want, p.ID)
		must(s.CreateProduct(c, store.Product{OrgID: other.ID, Name: "p" + strings.Repeat("x", i)}))(t) // interleaved IDs
	}
	for _, limit := range []int{1, 5, 7, 23, 100} {
		var got []int64
		p := store.Page{Limit: limit}
		for {
			page := must(s.ListProducts(c, o.ID, p))(t)
			if len(page) > limit {
				t.Fatalf("limit %d: a page of %d", limit, len(page))
			}
			if len(page) == 0 {
				break
			}
			for _, x := range page {
				got = append(got, x.ID)
			}
			p.After = page[len(page)-1].ID
		}
		same(t, "walk with limit", got, want)
	}
	same(t, "negative limit and cursor", len(must(s.ListProducts(c, o.ID, store.Page{After: -5, Limit: -1}))(t)), 23)

	// Default 100, cap 1000.
	es := make([]store.Event, 1100)
	for i := range es {
		es[i] = store.Event{OrgID: o.ID, Type: "test.event", Subject: "n"}
	}
	must(s.AppendEvents(c, es))(t)
	same(t, "default page", len(must(s.ListEvents(c, o.ID, store.Page{}))(t)), 100)
	same(t, "capped page", len(must(s.ListEvents(c, o.ID, store.Page{Limit: 5000}))(t)), 1000)
	page := must(s.ListEvents(c, o.ID, store.Page{Limit: 1000}))(t)
	same(t, "rest after the cap", len(must(s.ListEvents(c, o.ID, store.Page{After: page[999].ID, Limit: 1000}))(t)), 100)
}

func testTimes(t *testing.T, s store.Store) {
	c := ctx(t)
	in := at(0) // nanoseconds, CET
	want := time.Date(2026, 3, 14, 14, 9, 26, 535897000, time.UTC)
	o := must(s.CreateOrg(c, store.Org{Slug: "o", Name: "O", Created: in}))(t)
	got := must(s.GetOrg(c, o.ID))(t).Created
	if !got.Equal(want) || !o.Created.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Created: stored %v, returned %v, want %v (UTC, microseconds)", got, o.Created, want)
	}
	// Times far apart and close together keep their order and value.
	for _, tt := range []time.Time{
		time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2038, 1, 19, 3, 14, 8, 1000, time.FixedZone("X", -7*3600-1800)),
		want.Add(time.Microsecond),
	} {
		p := must(s.CreateProduct(c, store.Product{OrgID: o.ID, Name: tt.String(), Created: tt}))(t)
		back := must(s.GetProduct(c, o.ID, p.ID))(t).Created
		if !back.Equal(tt) {
			t.Errorf("time %v read back as %v", tt, back)
		}
	}
	// Optional times.
	u := must(s.CreateUser(c, store.User{OrgID: o.ID, Email: "u@example.org"}))(t)
	tk := must(s.CreateToken(c, store.Token{OrgID: o.ID, UserID: u.ID, Hash: []byte("h")}))(t)
	if tk.LastUsed != nil || tk.Revoked != nil {
		t.Errorf("new token has times: %v %v", tk.LastUsed, tk.Revoked)
	}
	ok(t, s.TouchToken(c, tk.ID, in))
	back := must(s.TokenByHash(c, []byte("h")))(t)
	if back.LastUsed == nil || !back.LastUsed.Equal(want) {
		t.Errorf("LastUsed %v, want %v", back.LastUsed, want)
	}
}

func testEventsWebhooks(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	b := populate(t, s, "b")
	first := must(s.AppendEvents(c, []store.Event{
		{OrgID: a.org.ID, Type: "finding.new", Subject: "CVE-1", Data: json.RawMessage(`{"severity": "high", "kev": true}`), Created: at(1)},
		{OrgID: b.org.ID, Type: "finding.new", Subject: "CVE-2"},
		{OrgID: a.org.ID, Type: "finding.resolved", Subject: "CVE-1"},
	}))(t)
	second := must(s.AppendEvents(c, []store.Event{{OrgID: a.org.ID, Type: "finding.changed", Subject: "CVE-3"}}))(t)
	if !(first[0].ID < first[1].ID && first[1].ID < first[2].ID && first[2].ID < second[0].ID) {
		t.Errorf("event IDs not in append order: %d %d %d %d", first[0].ID, first[1].ID, first[2].ID, second[0].ID)
	}
	got := must(s.ListEvents(c, a.org.ID, store.Page{}))(t)
	var subjects []string
	for _, e := range got {
		subjects = append(subjects, e.Type+" "+e.Subject)
	}
	same(t, "event log of a", subjects, []string{"sbom.imported pump.cdx.json", "finding.new CVE-1", "finding.resolved CVE-1", "finding.changed CVE-3"})
	var data map[string]any
	ok(t, json.Unmarshal(got[1].Data, &data))
	same(t, "event data", data, map[string]any{"severity": "high", "kev": true})
	if got[2].Data != nil {
		t.Errorf("event without data came back with %q", got[2].Data)
	}
	if !got[1].Created.Equal(at(1).Truncate(time.Microsecond)) {
		t.Errorf("event time %v, want %v", got[1].Created, at(1))
	}
	_, err := s.AppendEvents(c, []store.Event{{OrgID: a.org.ID, Type: "x"}, {OrgID: a.org.ID + 1000, Type: "x"}})
	isErr(t, "event of a missing organization", err, store.ErrNotFound)
	same(t, "nothing appended by a failed batch", len(must(s.ListEvents(c, a.org.ID, store.Page{}))(t)), 4)
	_, err = s.AppendEvents(c, []store.Event{{OrgID: a.org.ID, Type: "x", Data: json.RawMessage(`{broken`)}})
	if err == nil {
		t.Error("AppendEvents accepted invalid JSON data")
	}

	// Webhooks and deliveries.
	same(t, "GetWebhook", must(s.GetWebhook(c, a.org.ID, a.webhook.ID))(t), a.webhook)
	mail := must(s.CreateWebhook(c, store.Webhook{OrgID: a.org.ID, Email: "psirt@example.org", KEVOnly: true, ProductID: a.product.ID}))(t)
	same(t, "GetWebhook (e-mail, product)", must(s.GetWebhook(c, a.org.ID, mail.ID))(t), mail)
	same(t, "ListWebhooks", must(s.ListWebhooks(c, a.org.ID, store.Page{}))(t), []store.Webhook{a.webhook, mail})
	_, err = s.CreateWebhook(c, store.Webhook{OrgID: a.org.ID, URL: "https://x", ProductID: a.product.ID + 1000})
	isErr(t, "webhook of a missing product", err, store.ErrNotFound)
	d2 := must(s.RecordDelivery(c, store.Delivery{OrgID: a.org.ID, WebhookID: a.webhook.ID, EventID: first[0].ID, Attempt: 2, Status: 0, Error: "connection refused", Created: at(3)}))(t)
	same(t, "ListDeliveries", must(s.ListDeliveries(c, a.org.ID, a.webhook.ID, store.Page{}))(t), []store.Delivery{a.delivery, d2})
	_, err = s.RecordDelivery(c, store.Delivery{OrgID: a.org.ID, WebhookID: a.webhook.ID, EventID: second[0].ID + 1000})
	isErr(t, "delivery of a missing event", err, store.ErrNotFound)
	ok(t, s.DeleteWebhook(c, a.org.ID, a.webhook.ID))
	_, err = s.ListDeliveries(c, a.org.ID, a.webhook.ID, store.Page{})
	isErr(t, "deliveries of a deleted webhook", err, store.ErrNotFound)
	isErr(t, "DeleteWebhook twice", s.DeleteWebhook(c, a.org.ID, a.webhook.ID), store.ErrNotFound)
	same(t, "events outlive their webhook", len(must(s.ListEvents(c, a.org.ID, store.Page{}))(t)), 4)
}

func testKB(t *testing.T, s store.Store) {
	c := ctx(t)
	_, err := s.LatestKB(c, false)
	isErr(t, "LatestKB on an empty database", err, store.ErrNotFound)
	var saved []store.KBSnapshot
	for i := range 5 {
		k := must(s.SaveKB(c, store.KBSnapshot{Created: at(i), Advisories: 1000 + i,
			Sources: json.RawMessage(`[{"name":"osv","etag":"e` + string(rune('0'+i)) + `"}]`), Data: bytes.Repeat([]byte{byte(i)}, 1<<16)}))(t)
		if k.ID == 0 || k.Data != nil {
			t.Fatalf("SaveKB returned ID %d and %d bytes of data", k.ID, len(k.Data))
		}
		saved = append(saved, k)
	}
	latest := must(s.LatestKB(c, true))(t)
	if !bytes.Equal(latest.Data, bytes.Repeat([]byte{4}, 1<<16)) {
		t.Errorf("LatestKB data: %d bytes, not the last snapshot's", len(latest.Data))
	}
	var src []map[string]string
	ok(t, json.Unmarshal(latest.Sources, &src))
	same(t, "LatestKB sources", src, []map[string]string{{"name": "osv", "etag": "e4"}})
	latest.Data, latest.Sources = nil, saved[4].Sources
	same(t, "LatestKB", latest, saved[4])
	meta := must(s.LatestKB(c, false))(t)
	if meta.Data != nil || meta.ID != saved[4].ID {
		t.Errorf("LatestKB(false): ID %d, %d bytes of data", meta.ID, len(meta.Data))
	}
	kept := must(s.ListKB(c))(t)
	var ids []int64
	for _, k := range kept {
		ids = append(ids, k.ID)
		if k.Data != nil {
			t.Error("ListKB returned data")
		}
	}
	same(t, "kept snapshots (newest first)", ids, []int64{saved[4].ID, saved[3].ID, saved[2].ID})
	if store.KeepKB != 3 {
		t.Errorf("KeepKB = %d, want 3", store.KeepKB)
	}
	_, err = s.SaveKB(c, store.KBSnapshot{})
	if err == nil {
		t.Error("SaveKB without data: no error")
	}
}

func testBackup(t *testing.T, s store.Store) {
	c := ctx(t)
	dir := t.TempDir()
	if s.Dialect() != "sqlite" {
		err := s.Backup(c, filepath.Join(dir, "x"))
		if err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Errorf("Backup on %s: %v, want an error pointing at pg_dump", s.Dialect(), err)
		}
		return
	}
	a := populate(t, s, "a")
	path := filepath.Join(dir, "sub", "backup.db")
	ok(t, s.Backup(c, path))
	if err := s.Backup(c, path); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	b := must(store.Open(c, path, nil))(t)
	defer b.Close()
	same(t, "backup content", snapshot(t, b, a), snapshot(t, s, a))
}
