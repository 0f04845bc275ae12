// Package store keeps medvigil's server data — organizations, users, tokens,
// products, versions, SBOMs with their components, findings, the event log,
// webhooks and the knowledge base — in SQLite (the embedded default,
// modernc.org/sqlite, no cgo) or PostgreSQL (jackc/pgx), behind one Store
// interface. Every query that touches organization data is scoped by the
// organization ID it is given; transactions are closures (InTx).
//
// It may import the standard library, modernc.org/sqlite and jackc/pgx.
package store
