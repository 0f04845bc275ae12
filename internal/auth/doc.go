// Package auth holds medvigil's credentials rules: passwords hashed with
// argon2id (RFC 9106 parameters), API tokens (random secrets shown once,
// stored as SHA-256), and what each role may do.
//
// It may import internal/store (for the Role type) and alexedwards/argon2id.
package auth
