// Package realdata finds the shared real-world data (../shared/data) and the
// oracles (../shared/oracle) beside the repository, for tests only.
//
// When they are missing, a test that asks for them fails under CI (CI=true)
// and skips elsewhere, naming what is missing: this is the one place in the
// project that calls t.Skip.
//
// It may import only the standard library.
package realdata
