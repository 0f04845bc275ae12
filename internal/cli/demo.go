package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"time"

	"medvigil/internal/auth"
	"medvigil/internal/demo"
	"medvigil/internal/monitor"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
)

// The demo organization's login. It is printed at start and documented: the
// demo is for trying medvigil on one's own machine, not for production.
const (
	demoSlug     = "northwind-demo"
	demoEmail    = "demo@northwind.example"
	demoPassword = "northwind-demo-2026"
)

type demoLogin struct{ email, password string }

// seedDemo creates the demo organization, its administrator, products,
// versions and SBOMs, and loads the DEMO- knowledge base, unless the demo
// organization exists already. SBOMs are imported after the knowledge base,
// so the findings are there at once.
func seedDemo(ctx context.Context, st store.Store, mon *monitor.Monitor, log *slog.Logger) (*demoLogin, error) {
	login := &demoLogin{demoEmail, demoPassword}
	if _, err := st.GetOrgBySlug(ctx, demoSlug); err == nil {
		return login, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	cat, err := demo.Manifest()
	if err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(login.password)
	if err != nil {
		return nil, err
	}
	// The knowledge base first, merged into whatever is loaded.
	kb := vuln.NewKB()
	if err := demo.LoadKB(ctx, kb); err != nil {
		return nil, fmt.Errorf("demo knowledge base: %w", err)
	}
	meta, err := json.Marshal(monitor.SourcesMeta{Kind: "demo", Time: time.Now().UTC(), Feeds: mon.Feeds(),
		Notes: map[string]any{"demo": "DEMO- advisories shipped with medvigil (fictional)"}})
	if err != nil {
		return nil, err
	}
	if _, err := mon.ReplaceKB(ctx, monitor.Merge(mon.Index().KB(), kb), meta); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	type pending struct {
		version int64
		file    string
	}
	var uploads []pending
	var org store.Org
	err = st.InTx(ctx, func(q store.Queries) error {
		var err error
		org, err = q.CreateOrg(ctx, store.Org{Slug: demoSlug, Name: cat.Organization.Name + " (DEMO)", Kind: store.KindManufacturer, Created: now})
		if err != nil {
			return err
		}
		if _, err := q.CreateUser(ctx, store.User{OrgID: org.ID, Email: login.email, Name: "Demo administrator", Role: store.RoleAdmin, PasswordHash: hash, Created: now}); err != nil {
			return err
		}
		for _, p := range cat.Products {
			pr, err := q.CreateProduct(ctx, store.Product{OrgID: org.ID, Name: p.Name, Vendor: cat.Organization.Name, Description: p.Description, Created: now})
			if err != nil {
				return err
			}
			for _, v := range p.Versions {
				ver, err := q.CreateVersion(ctx, store.Version{OrgID: org.ID, ProductID: pr.ID, Version: v.Version,
					ReleaseDate: day(v.Released), EndOfLife: day(v.EndOfLife), EndOfSupport: day(v.EndOfSupport),
					SupportLevel: string(v.SupportLevel), Created: now})
				if err != nil {
					return err
				}
				uploads = append(uploads, pending{ver.ID, v.SBOM})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, u := range uploads {
		data, err := demo.Open(u.file)
		if err != nil {
			return nil, err
		}
		res, err := mon.ImportSBOM(ctx, org.ID, u.version, path.Base(u.file), data)
		if err != nil {
			return nil, fmt.Errorf("demo SBOM %s: %w", u.file, err)
		}
		log.Info("demo SBOM imported", "file", u.file, "components", res.SBOM.Components, "findings", res.Total)
	}
	return login, nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
