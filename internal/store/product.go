package store

import (
	"context"
)

// Products.

const productCols = "id, org_id, name, vendor, description, created"

func scanProduct(s scanner) (Product, error) {
	var p Product
	err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Vendor, &p.Description, timeCol{&p.Created})
	return p, err
}

func (q *queries) CreateProduct(ctx context.Context, p Product) (Product, error) {
	if err := need("product name", p.Name); err != nil {
		return Product{}, err
	}
	p.Created = created(p.Created)
	id, err := q.insertID(ctx, "INSERT INTO products (org_id, name, vendor, description, created) VALUES (?, ?, ?, ?, ?)",
		p.OrgID, p.Name, p.Vendor, p.Description, q.d.timeArg(p.Created))
	if err != nil {
		return Product{}, wrap("create product "+p.Name, err)
	}
	p.ID = id
	return p, nil
}

func (q *queries) GetProduct(ctx context.Context, org, id int64) (Product, error) {
	return one(ctx, q.r, q, "product", id, "SELECT "+productCols+" FROM products WHERE org_id = ? AND id = ?", scanProduct, org, id)
}

func (q *queries) ListProducts(ctx context.Context, org int64, p Page) ([]Product, error) {
	return list(ctx, q, "list products", "SELECT "+productCols+" FROM products WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", scanProduct, org, p.after(), p.limit())
}

// UpdateProduct sets the name, vendor and description.
func (q *queries) UpdateProduct(ctx context.Context, org int64, p Product) (Product, error) {
	if err := need("product name", p.Name); err != nil {
		return Product{}, err
	}
	return one(ctx, q.w, q, "product", p.ID,
		"UPDATE products SET name = ?, vendor = ?, description = ? WHERE org_id = ? AND id = ? RETURNING "+productCols,
		scanProduct, p.Name, p.Vendor, p.Description, org, p.ID)
}

func (q *queries) DeleteProduct(ctx context.Context, org, id int64) error {
	return q.affected(ctx, "product", id, "DELETE FROM products WHERE org_id = ? AND id = ?", org, id)
}

// Versions.

const versionCols = "id, org_id, product_id, version, release_date, end_of_life, end_of_support, support_level, created"

func scanVersion(s scanner) (Version, error) {
	var v Version
	err := s.Scan(&v.ID, &v.OrgID, &v.ProductID, &v.Version, &v.ReleaseDate, &v.EndOfLife, &v.EndOfSupport, &v.SupportLevel, timeCol{&v.Created})
	return v, err
}

// CreateVersion adds a version to a product of v.OrgID (another
// organization's product is ErrNotFound).
func (q *queries) CreateVersion(ctx context.Context, v Version) (Version, error) {
	if err := need("version", v.Version); err != nil {
		return Version{}, err
	}
	v.Created = created(v.Created)
	id, err := q.insertID(ctx, `INSERT INTO versions (org_id, product_id, version, release_date, end_of_life, end_of_support, support_level, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		v.OrgID, v.ProductID, v.Version, v.ReleaseDate, v.EndOfLife, v.EndOfSupport, v.SupportLevel, q.d.timeArg(v.Created))
	if err != nil {
		return Version{}, wrap("create version "+v.Version, err)
	}
	v.ID = id
	return v, nil
}

func (q *queries) GetVersion(ctx context.Context, org, id int64) (Version, error) {
	return one(ctx, q.r, q, "version", id, "SELECT "+versionCols+" FROM versions WHERE org_id = ? AND id = ?", scanVersion, org, id)
}

// ListVersions lists the versions of a product; a product not in org is
// ErrNotFound.
func (q *queries) ListVersions(ctx context.Context, org, product int64, p Page) ([]Version, error) {
	if err := q.exists(ctx, "products", "product", org, product); err != nil {
		return nil, err
	}
	return list(ctx, q, "list versions", "SELECT "+versionCols+" FROM versions WHERE org_id = ? AND product_id = ? AND id > ? ORDER BY id LIMIT ?",
		scanVersion, org, product, p.after(), p.limit())
}

// UpdateVersion sets the version string, lifecycle dates and support level
// (the product stays).
func (q *queries) UpdateVersion(ctx context.Context, org int64, v Version) (Version, error) {
	if err := need("version", v.Version); err != nil {
		return Version{}, err
	}
	return one(ctx, q.w, q, "version", v.ID,
		"UPDATE versions SET version = ?, release_date = ?, end_of_life = ?, end_of_support = ?, support_level = ? WHERE org_id = ? AND id = ? RETURNING "+versionCols,
		scanVersion, v.Version, v.ReleaseDate, v.EndOfLife, v.EndOfSupport, v.SupportLevel, org, v.ID)
}

func (q *queries) DeleteVersion(ctx context.Context, org, id int64) error {
	return q.affected(ctx, "version", id, "DELETE FROM versions WHERE org_id = ? AND id = ?", org, id)
}
