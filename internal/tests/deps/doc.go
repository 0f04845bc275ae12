// Package deps holds only a test: the table of which packages each medvigil
// package may import, checked with `go list`. The table is a statement of
// policy (docs/architecture.md); change it deliberately, in its own commit.
//
// It imports only the standard library.
package deps
