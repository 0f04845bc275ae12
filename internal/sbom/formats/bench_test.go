package formats_test

import (
	"bytes"
	"testing"

	"medvigil/internal/sbom/formats"
	"medvigil/internal/sbom/synth"
)

// benchmarkRead measures detecting and decoding an n-component synthetic
// SBOM written in target; see docs/performance.md.
func benchmarkRead(b *testing.B, n int, target formats.Target) {
	var buf bytes.Buffer
	if err := formats.Write(&buf, synth.Generate(n, 1), target); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := formats.Decode("bench", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(doc.Components) != n+1 {
			b.Fatalf("components = %d, want %d", len(doc.Components), n+1)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "components/s")
}

func BenchmarkReadCycloneDXJSON50k(b *testing.B) {
	benchmarkRead(b, 50_000, formats.TargetCycloneDXJSON)
}
func BenchmarkReadCycloneDXXML50k(b *testing.B) { benchmarkRead(b, 50_000, formats.TargetCycloneDXXML) }
func BenchmarkReadSPDXJSON50k(b *testing.B)     { benchmarkRead(b, 50_000, formats.TargetSPDXJSON) }
