// Package storetest is the conformance suite of internal/store: one set of
// subtests that every backend (SQLite, PostgreSQL) must pass — CRUD of every
// object, unique conflicts, cascade deletes, pagination, time round-trips,
// tenant isolation for every organization-scoped method, transactions that
// write nothing when they fail, finding transitions, exactly-once job claims
// under concurrency, knowledge-base pruning and the event log.
//
// It may import the standard library, medvigil/internal/store and
// medvigil/internal/realdata.
package storetest
