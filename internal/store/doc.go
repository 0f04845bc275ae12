// Package store keeps medvigil's server data — organizations, users, tokens,
// products, versions, SBOMs with their components, findings, the event log,
// webhooks and the knowledge base — in SQLite (the embedded default,
// modernc.org/sqlite, no cgo) or PostgreSQL (jackc/pgx), behind one Store
// interface. Every query that touches organization data is scoped by the
// organization ID it is given; transactions are closures (InTx).
//
// One implementation over database/sql serves both backends; a small dialect
// struct holds what differs (placeholders, one JSON function), and each
// dialect has its numbered migrations under migrations/, embedded and applied
// by Open. Child tables reference parents through (org_id, parent_id) foreign
// keys, so the database itself refuses a row that points into another
// organization. Files: open.go (DSNs, connections), migrate.go, db.go
// (transactions, errors, backup), one file per entity group (org.go,
// product.go, sbom.go, finding.go, event.go, kb.go). docs/storage.md is the
// operator's guide; storetest is the conformance suite.
//
// It may import the standard library, modernc.org/sqlite and jackc/pgx.
package store
