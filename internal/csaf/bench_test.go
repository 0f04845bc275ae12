package csaf

import (
	"context"
	"testing"

	"medvigil/internal/realdata"
)

// BenchmarkLoadSharedCSAF loads the 126 CISA ICS advisories of the shared
// data (96 ICSMA, 30 ICSA) from disk.
func BenchmarkLoadSharedCSAF(b *testing.B) {
	dir := realdata.Data(b, "csaf")
	b.ReportAllocs()
	for b.Loop() {
		docs, _, err := Load(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(docs) != 126 {
			b.Fatalf("loaded %d documents, want 126", len(docs))
		}
	}
}
