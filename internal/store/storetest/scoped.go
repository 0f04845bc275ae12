package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"medvigil/internal/store"
)

// testTenantIsolation calls every organization-scoped method as organization
// B with organization A's IDs: each must say "not found" (or list nothing),
// and A's data must be unchanged afterwards.
func testTenantIsolation(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	b := populate(t, s, "b")
	before := snapshot(t, s, a)
	B := b.org.ID
	p := store.Page{}

	notFound := []struct {
		name string
		call func(q store.Queries) error
	}{
		{"GetUser", func(q store.Queries) error { _, err := q.GetUser(c, B, a.user.ID); return err }},
		{"UpdateUser", func(q store.Queries) error {
			u := a.user
			u.Name = "hijacked"
			_, err := q.UpdateUser(c, B, u)
			return err
		}},
		{"DeleteUser", func(q store.Queries) error { return q.DeleteUser(c, B, a.user.ID) }},
		{"CreateToken for another org's user", func(q store.Queries) error {
			_, err := q.CreateToken(c, store.Token{OrgID: B, UserID: a.user.ID, Name: "x", Hash: []byte("x")})
			return err
		}},
		{"RevokeToken", func(q store.Queries) error { return q.RevokeToken(c, B, a.token.ID, at(0)) }},
		{"GetProduct", func(q store.Queries) error { _, err := q.GetProduct(c, B, a.product.ID); return err }},
		{"UpdateProduct", func(q store.Queries) error {
			pr := a.product
			pr.Name = "hijacked"
			_, err := q.UpdateProduct(c, B, pr)
			return err
		}},
		{"DeleteProduct", func(q store.Queries) error { return q.DeleteProduct(c, B, a.product.ID) }},
		{"CreateVersion under another org's product", func(q store.Queries) error {
			_, err := q.CreateVersion(c, store.Version{OrgID: B, ProductID: a.product.ID, Version: "9.9"})
			return err
		}},
		{"GetVersion", func(q store.Queries) error { _, err := q.GetVersion(c, B, a.version.ID); return err }},
		{"ListVersions", func(q store.Queries) error { _, err := q.ListVersions(c, B, a.product.ID, p); return err }},
		{"UpdateVersion", func(q store.Queries) error {
			v := a.version
			v.Version = "hijacked"
			_, err := q.UpdateVersion(c, B, v)
			return err
		}},
		{"DeleteVersion", func(q store.Queries) error { return q.DeleteVersion(c, B, a.version.ID) }},
		{"CreateSBOM under another org's version", func(q store.Queries) error {
			_, _, err := q.CreateSBOM(c, store.SBOM{OrgID: B, VersionID: a.version.ID, Raw: []byte("{}")}, components(2))
			return err
		}},
		{"GetSBOM", func(q store.Queries) error { _, err := q.GetSBOM(c, B, a.sbom.ID); return err }},
		{"GetSBOMRaw", func(q store.Queries) error { _, err := q.GetSBOMRaw(c, B, a.sbom.ID); return err }},
		{"ListSBOMs", func(q store.Queries) error { _, err := q.ListSBOMs(c, B, a.version.ID, p); return err }},
		{"ListComponents", func(q store.Queries) error { _, err := q.ListComponents(c, B, a.version.ID, p); return err }},
		{"UpsertFindings on another org's version", func(q store.Queries) error {
			_, err := q.UpsertFindings(c, B, a.version.ID, nil, at(9))
			return err
		}},
		{"UpsertFindings with another org's component", func(q store.Queries) error {
			_, err := q.UpsertFindings(c, B, b.version.ID, []store.Finding{{ComponentID: a.comps[1].ID, VulnID: "CVE-X", Severity: "low"}}, at(9))
			return err
		}},
		{"GetFinding", func(q store.Queries) error { _, err := q.GetFinding(c, B, a.finding.ID); return err }},
		{"SetFindingStatus", func(q store.Queries) error {
			_, err := q.SetFindingStatus(c, B, a.finding.ID, "not_affected")
			return err
		}},
		{"CreateWebhook for another org's product", func(q store.Queries) error {
			_, err := q.CreateWebhook(c, store.Webhook{OrgID: B, URL: "https://x", ProductID: a.product.ID})
			return err
		}},
		{"GetWebhook", func(q store.Queries) error { _, err := q.GetWebhook(c, B, a.webhook.ID); return err }},
		{"DeleteWebhook", func(q store.Queries) error { return q.DeleteWebhook(c, B, a.webhook.ID) }},
		{"RecordDelivery to another org's webhook", func(q store.Queries) error {
			_, err := q.RecordDelivery(c, store.Delivery{OrgID: B, WebhookID: a.webhook.ID, EventID: b.event.ID, Attempt: 1})
			return err
		}},
		{"RecordDelivery of another org's event", func(q store.Queries) error {
			_, err := q.RecordDelivery(c, store.Delivery{OrgID: B, WebhookID: b.webhook.ID, EventID: a.event.ID, Attempt: 1})
			return err
		}},
		{"ListDeliveries", func(q store.Queries) error { _, err := q.ListDeliveries(c, B, a.webhook.ID, p); return err }},
	}
	for _, tc := range notFound {
		t.Run(tc.name, func(t *testing.T) {
			isErr(t, tc.name, tc.call(s), store.ErrNotFound)
			// The same inside a transaction.
			err := s.InTx(c, func(q store.Queries) error { return tc.call(q) })
			isErr(t, tc.name+" in InTx", err, store.ErrNotFound)
		})
	}

	// Lists of B hold only B's objects; filters naming A's objects match nothing.
	empty := []struct {
		name string
		call func() (int, error)
	}{
		{"ListFindings by A's version", func() (int, error) {
			fs, err := s.ListFindings(c, B, store.FindingFilter{VersionID: a.version.ID}, p)
			return len(fs), err
		}},
		{"ListFindings by A's product", func() (int, error) {
			fs, err := s.ListFindings(c, B, store.FindingFilter{ProductID: a.product.ID}, p)
			return len(fs), err
		}},
	}
	for _, tc := range empty {
		n, err := tc.call()
		if err != nil || n != 0 {
			t.Errorf("%s: %d items, error %v; want none", tc.name, n, err)
		}
	}
	mine := []struct {
		name string
		ids  func() ([]int64, error)
		want []int64
	}{
		{"ListUsers", func() ([]int64, error) { return ids(s.ListUsers(c, B, p)) }, []int64{b.user.ID}},
		{"ListTokens", func() ([]int64, error) { return ids(s.ListTokens(c, B, p)) }, []int64{b.token.ID}},
		{"ListProducts", func() ([]int64, error) { return ids(s.ListProducts(c, B, p)) }, []int64{b.product.ID}},
		{"ListFindings", func() ([]int64, error) { return ids(s.ListFindings(c, B, store.FindingFilter{}, p)) }, []int64{b.finding.ID}},
		{"ListEvents", func() ([]int64, error) { return ids(s.ListEvents(c, B, p)) }, []int64{b.event.ID}},
		{"ListWebhooks", func() ([]int64, error) { return ids(s.ListWebhooks(c, B, p)) }, []int64{b.webhook.ID}},
	}
	for _, tc := range mine {
		got, err := tc.ids()
		ok(t, err)
		same(t, tc.name+" of B", got, tc.want)
	}
	same(t, "A unchanged", snapshot(t, s, a), before)
}

// ids returns the IDs of a list result.
func ids[T any](items []T, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	out := []int64{}
	for _, it := range items {
		switch v := any(it).(type) {
		case store.User:
			out = append(out, v.ID)
		case store.Token:
			out = append(out, v.ID)
		case store.Product:
			out = append(out, v.ID)
		case store.Version:
			out = append(out, v.ID)
		case store.Component:
			out = append(out, v.ID)
		case store.Finding:
			out = append(out, v.ID)
		case store.Event:
			out = append(out, v.ID)
		case store.Webhook:
			out = append(out, v.ID)
		default:
			return nil, fmt.Errorf("ids: unexpected %T", it)
		}
	}
	return out, nil
}

var errBoom = errors.New("boom")

func testTransactions(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	before := snapshot(t, s, a)

	// A returned error keeps nothing, whatever was written before it.
	err := s.InTx(c, func(q store.Queries) error {
		p, err := q.CreateProduct(c, store.Product{OrgID: a.org.ID, Name: "doomed"})
		if err != nil {
			return err
		}
		v, err := q.CreateVersion(c, store.Version{OrgID: a.org.ID, ProductID: p.ID, Version: "1"})
		if err != nil {
			return err
		}
		// Reads in the transaction see its writes.
		if _, err := q.GetVersion(c, a.org.ID, v.ID); err != nil {
			return fmt.Errorf("read own write: %w", err)
		}
		if _, _, err := q.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: v.ID, Raw: []byte("{}")}, components(1000)); err != nil {
			return err
		}
		if _, err := q.AppendEvents(c, []store.Event{{OrgID: a.org.ID, Type: "sbom.imported"}}); err != nil {
			return err
		}
		if _, err := q.UpsertFindings(c, a.org.ID, a.version.ID, nil, at(50)); err != nil { // resolves a's finding
			return err
		}
		ok(t, q.DeleteWebhook(c, a.org.ID, a.webhook.ID))
		return errBoom
	})
	isErr(t, "InTx error", err, errBoom)
	same(t, "after a failed transaction", snapshot(t, s, a), before)

	// An SBOM import that fails midway (the second SBOM's version is
	// another organization's) leaves nothing, the first SBOM included.
	b := populate(t, s, "b")
	err = s.InTx(c, func(q store.Queries) error {
		if _, _, err := q.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: a.version.ID, Filename: "first", Raw: []byte("{}")}, components(600)); err != nil {
			return err
		}
		_, _, err := q.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: b.version.ID, Filename: "second", Raw: []byte("{}")}, components(600))
		return err
	})
	isErr(t, "failed import", err, store.ErrNotFound)
	same(t, "after a failed import", snapshot(t, s, a), before)
	// A single CreateSBOM whose components are bad writes no SBOM.
	bad := components(800)
	bad[799].Name = ""
	if _, _, err := s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: a.version.ID, Raw: []byte("{}")}, bad); err == nil {
		t.Error("CreateSBOM accepted a component without a name")
	}
	same(t, "after a rejected SBOM", snapshot(t, s, a), before)

	// A panic rolls back and goes on.
	func() {
		defer func() {
			if r := recover(); r != errBoom {
				t.Errorf("recovered %v, want the panic value", r)
			}
		}()
		_ = s.InTx(c, func(q store.Queries) error {
			if _, err := q.CreateProduct(c, store.Product{OrgID: a.org.ID, Name: "panic"}); err != nil {
				return err
			}
			panic(errBoom)
		})
		t.Error("InTx swallowed the panic")
	}()
	same(t, "after a panic", snapshot(t, s, a), before)

	// A transaction that succeeds keeps everything, and the store is usable
	// after the failures above (no connection left in a transaction).
	var id int64
	ok(t, s.InTx(c, func(q store.Queries) error {
		p, err := q.CreateProduct(c, store.Product{OrgID: a.org.ID, Name: "kept"})
		id = p.ID
		return err
	}))
	must(s.GetProduct(c, a.org.ID, id))(t)
}

func testCascades(t *testing.T, s store.Store) {
	c := ctx(t)
	a := populate(t, s, "a")
	b := populate(t, s, "b")
	bBefore := snapshot(t, s, b)
	productHook := must(s.CreateWebhook(c, store.Webhook{OrgID: a.org.ID, URL: "https://x", ProductID: a.product.ID}))(t)

	// Deleting a version removes its SBOMs, components and findings.
	v2 := must(s.CreateVersion(c, store.Version{OrgID: a.org.ID, ProductID: a.product.ID, Version: "3.0"}))(t)
	_, comps := must2(s.CreateSBOM(c, store.SBOM{OrgID: a.org.ID, VersionID: v2.ID, Raw: []byte("{}")}, components(4)))(t)
	ch := must(s.UpsertFindings(c, a.org.ID, v2.ID, []store.Finding{{ComponentID: comps[0].ID, VulnID: "CVE-9", Severity: "low"}}, at(0)))(t)
	ok(t, s.DeleteVersion(c, a.org.ID, v2.ID))
	_, err := s.GetFinding(c, a.org.ID, ch.New[0].ID)
	isErr(t, "finding of a deleted version", err, store.ErrNotFound)
	_, err = s.ListComponents(c, a.org.ID, v2.ID, store.Page{})
	isErr(t, "components of a deleted version", err, store.ErrNotFound)

	// Deleting a user removes its tokens.
	ok(t, s.DeleteUser(c, a.org.ID, a.user.ID))
	_, err = s.TokenByHash(c, a.tokenHash)
	isErr(t, "token of a deleted user", err, store.ErrNotFound)
	same(t, "tokens of a", len(must(s.ListTokens(c, a.org.ID, store.Page{}))(t)), 0)

	// Deleting a product removes versions, SBOMs, components, findings and
	// the webhooks that watch it.
	ok(t, s.DeleteProduct(c, a.org.ID, a.product.ID))
	for name, err := range map[string]error{
		"version": second(s.GetVersion(c, a.org.ID, a.version.ID)),
		"SBOM":    second(s.GetSBOM(c, a.org.ID, a.sbom.ID)),
		"finding": second(s.GetFinding(c, a.org.ID, a.finding.ID)),
		"webhook": second(s.GetWebhook(c, a.org.ID, productHook.ID)),
	} {
		isErr(t, name+" of a deleted product", err, store.ErrNotFound)
	}
	var left []int64
	ok(t, s.AllComponents(c, func(cp store.Component) error {
		if cp.OrgID == a.org.ID {
			left = append(left, cp.ID)
		}
		return nil
	}))
	if len(left) != 0 {
		t.Errorf("components left after deleting the product: %v", left)
	}
	same(t, "findings of a", len(must(s.ListFindings(c, a.org.ID, store.FindingFilter{}, store.Page{}))(t)), 0)
	// Webhooks not tied to the product, and the event log, stay.
	must(s.GetWebhook(c, a.org.ID, a.webhook.ID))(t)
	same(t, "events of a", len(must(s.ListEvents(c, a.org.ID, store.Page{}))(t)), 1)
	same(t, "b untouched", snapshot(t, s, b), bBefore)
}

func second[T any](_ T, err error) error { return err }

func testClaimRun(t *testing.T, s store.Store) {
	c := ctx(t)
	for _, tc := range []struct {
		name, slot, owner string
		want              bool
	}{
		{"kb-sync", "2026-11-26T01", "a", true},
		{"kb-sync", "2026-11-26T01", "b", false},
		{"kb-sync", "2026-11-26T01", "a", false},
		{"kb-sync", "2026-11-26T02", "b", true},
		{"monitor", "2026-11-26T01", "b", true},
	} {
		got := must(s.ClaimRun(c, tc.name, tc.slot, tc.owner))(t)
		if got != tc.want {
			t.Errorf("ClaimRun(%s, %s, %s) = %v, want %v", tc.name, tc.slot, tc.owner, got, tc.want)
		}
	}
	if _, err := s.ClaimRun(c, "", "x", "a"); err == nil {
		t.Error("ClaimRun without a name: no error")
	}
}

// testClaimRunShared: 20 goroutines on two handles claim the same slots;
// each slot has exactly one winner.
func testClaimRunShared(t *testing.T, a, b store.Store) {
	c := ctx(t)
	const slots, workers = 5, 20
	var mu sync.Mutex
	wins := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*slots)
	for w := range workers {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for i := range slots {
				slot := fmt.Sprintf("slot-%d", i)
				won, err := s.ClaimRun(c, "kb-sync", slot, fmt.Sprintf("worker-%d", w))
				if err != nil {
					errs <- err
					return
				}
				if won {
					mu.Lock()
					wins[slot]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("ClaimRun: %v", err)
	}
	for i := range slots {
		slot := fmt.Sprintf("slot-%d", i)
		if wins[slot] != 1 {
			t.Errorf("%s: %d winners, want exactly 1", slot, wins[slot])
		}
	}
}

// testConcurrentWrites: concurrent writes and transactions through two
// handles on one database all succeed (no "database is locked").
func testConcurrentWrites(t *testing.T, a, b store.Store) {
	c := ctx(t)
	o := must(a.CreateOrg(c, store.Org{Slug: "o", Name: "O"}))(t)
	p := must(a.CreateProduct(c, store.Product{OrgID: o.ID, Name: "p"}))(t)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for i := range each {
				err := s.InTx(c, func(q store.Queries) error {
					v, err := q.CreateVersion(c, store.Version{OrgID: o.ID, ProductID: p.ID, Version: fmt.Sprintf("%d.%d", w, i)})
					if err != nil {
						return err
					}
					_, _, err = q.CreateSBOM(c, store.SBOM{OrgID: o.ID, VersionID: v.ID, Raw: []byte("{}")}, components(50))
					return err
				})
				if err == nil {
					_, err = s.AppendEvents(c, []store.Event{{OrgID: o.ID, Type: "sbom.imported"}})
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	vs := must(b.ListVersions(context.WithoutCancel(c), o.ID, p.ID, store.Page{Limit: 1000}))(t)
	same(t, "versions written", len(vs), workers*each)
	same(t, "events written", len(must(a.ListEvents(c, o.ID, store.Page{Limit: 1000}))(t)), workers*each)
}
