package match_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

// sharedOSV loads ../shared/data/osv once per test binary.
var sharedOSV = sync.OnceValues(func() ([]*vuln.Advisory, error) {
	advs, _, err := osv.Load(context.Background(), osvDir, nil)
	return advs, err
})

var osvDir string

func loadOSV(b *testing.B) []*vuln.Advisory {
	b.Helper()
	osvDir = realdata.Data(b, "osv")
	advs, err := sharedOSV()
	if err != nil {
		b.Fatal(err)
	}
	return advs
}

func newIndex(b *testing.B) *match.Index {
	kb := vuln.NewKB()
	kb.Add(loadOSV(b)...)
	return match.NewIndex(kb)
}

// BenchmarkMatch1000 matches a warm index against a 1,000-component SBOM
// (the docs/performance.md claim: under 1 ms), queries prepared once.
func BenchmarkMatch1000(b *testing.B) {
	ix := newIndex(b)
	doc := synth.Generate(1000, 42)
	qs := make([]match.Query, len(doc.Components))
	for i := range doc.Components {
		qs[i] = match.NewQuery(&doc.Components[i])
	}
	findings := 0
	b.ReportAllocs()
	for b.Loop() {
		findings = 0
		for i := range qs {
			findings += len(ix.MatchQuery(&qs[i]))
		}
	}
	b.ReportMetric(float64(findings), "findings/op")
}

// BenchmarkMatch1000Cold includes preparing the queries (purl parsing) —
// the whole cost of matching a freshly read SBOM.
func BenchmarkMatch1000Cold(b *testing.B) {
	ix := newIndex(b)
	doc := synth.Generate(1000, 42)
	b.ReportAllocs()
	for b.Loop() {
		ix.Match(doc)
	}
}

// BenchmarkLookup measures component look-ups per second on one core in
// the hardest case: a look-up is one prepared component matched against the
// index, and every synthetic component names a package with advisories, so
// each look-up also builds its findings. BenchmarkMatchRealSBOM gives the
// typical rate (most components have no advisory).
func BenchmarkLookup(b *testing.B) {
	ix := newIndex(b)
	doc := synth.Generate(10000, 7)
	qs := make([]match.Query, len(doc.Components))
	for i := range doc.Components {
		qs[i] = match.NewQuery(&doc.Components[i])
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	n := 0
	for b.Loop() {
		ix.MatchQuery(&qs[n%len(qs)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkIndexBuild reports the time and heap to index the shared OSV
// records, scaled per 10,000 advisories.
func BenchmarkIndexBuild(b *testing.B) {
	advs := loadOSV(b)
	var before, after runtime.MemStats
	var ix *match.Index
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		kb := vuln.NewKB()
		kb.Add(advs...)
		ix = match.NewIndex(kb)
		runtime.ReadMemStats(&after)
	}
	per10k := 10000 / float64(len(advs))
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)*per10k, "ms/10k-advisories")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20)*per10k, "MB/10k-advisories")
	runtime.KeepAlive(ix)
}

// BenchmarkMatchRealSBOM matches a warm index against a real 1,101-component
// SBOM (OWASP Juice Shop, npm) — the typical case, where few components have
// advisories. BenchmarkMatch1000 is the worst case: every component is a
// package with known advisories.
func BenchmarkMatchRealSBOM(b *testing.B) {
	ix := newIndex(b)
	path := realdata.Data(b, "sboms", "cyclonedx", "cyclonedx-node-npm", "juice-shop", "flat", "bom.1.6.json")
	doc, err := formats.ReadFile(context.Background(), path, formats.Options{})
	if err != nil {
		b.Fatal(err)
	}
	qs := make([]match.Query, len(doc.Components))
	for i := range doc.Components {
		qs[i] = match.NewQuery(&doc.Components[i])
	}
	findings := 0
	b.ReportAllocs()
	for b.Loop() {
		findings = 0
		for i := range qs {
			findings += len(ix.MatchQuery(&qs[i]))
		}
	}
	b.ReportMetric(float64(len(qs)), "components")
	b.ReportMetric(float64(findings), "findings/op")
	b.ReportMetric(float64(len(qs))*float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}
