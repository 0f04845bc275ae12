// Package server is medvigil's HTTP service: the REST API under /api/v1
// (JSON, RFC 9457 problem details, cursor pagination, ETags, request size
// limits, bearer-token authentication with organization scoping and roles),
// the OpenAPI 3.1 document that describes it (built from the same route
// table that serves it), and the operations endpoints /healthz, /readyz and
// /metrics.
//
// It may import the other internal packages, prometheus/client_golang and
// argon2id (through internal/auth).
package server
