package storetest

import (
	"testing"

	"medvigil/internal/store"
)

// Run runs the suite. open must return a store on a new, empty database that
// is closed and removed when t ends; every subtest calls it once and the
// subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Orgs", testOrgs},
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"ProductsAndVersions", testProductsVersions},
		{"SBOMs", testSBOMs},
		{"Pagination", testPagination},
		{"Times", testTimes},
		{"TenantIsolation", testTenantIsolation},
		{"Transactions", testTransactions},
		{"FindingTransitions", testFindingTransitions},
		{"FindingFilters", testFindingFilters},
		{"FindingsScale", testFindingsScale},
		{"GetByIDs", testGetByIDs},
		{"AliasIndex", testAliasIndex},
		{"UpsertBatch", testUpsertBatch},
		{"SBOMIDs", testSBOMIDs},
		{"Cascades", testCascades},
		{"EventsAndWebhooks", testEventsWebhooks},
		{"KnowledgeBase", testKB},
		{"ClaimRun", testClaimRun},
		{"Backup", testBackup},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// RunShared runs the tests that need two handles (as two server processes
// have) on one database: open must return two stores opened separately on
// the same new, empty database.
func RunShared(t *testing.T, open func(t *testing.T) (store.Store, store.Store)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b store.Store)
	}{
		{"ClaimRunExactlyOnce", testClaimRunShared},
		{"ConcurrentWrites", testConcurrentWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := open(t)
			tc.fn(t, a, b)
		})
	}
}
