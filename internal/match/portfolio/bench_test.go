package portfolio

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"medvigil/internal/match"
	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
)

// loadOSV returns a knowledge base of ../shared/data/osv (8,189 records)
// and the given advisories.
func loadOSV(tb testing.TB, more ...*vuln.Advisory) *vuln.KB {
	tb.Helper()
	advs, _, err := osv.Load(context.Background(), realdata.Data(tb, "osv"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	kb.Add(more...)
	return kb
}

// benchFixture is the portfolio of BenchmarkAffected.
type benchFixture struct {
	p  *Portfolio
	ix *match.Index
	// advisories affected per sub-benchmark
	synthetic, realNamed, all []*vuln.Advisory
}

// benchSBOMs is the number of SBOMs BenchmarkAffected stores; a smaller
// portfolio builds faster when profiling.
var benchSBOMs = flag.Int("portfolio.sboms", 10_000, "SBOMs in BenchmarkAffected's portfolio")

const benchComponents = 500

// BenchmarkAffected checks the claim "with 10,000 generated SBOMs (500
// components each), under 10 ms per changed advisory". The portfolio holds
// synth.Generate(500, seed) for 10,000 seeds: synth draws from 36 real
// package names, so every package is in nearly every SBOM (the hard case);
// the knowledge base is ../shared/data/osv and five synthetic advisories
// on synth's packages. Sub-benchmarks cycle through:
//
//   - synthetic: the five synthetic advisories (npm lodash and Go
//     golang.org/x/text as one vulnerability, PyPI requests, Maven
//     jackson-databind, NuGet Newtonsoft.Json), which hit from about 900 to
//     210,000 components;
//   - real-named: the real OSV advisories that name one of synth's packages;
//   - all: every advisory of the knowledge base (most name no stored
//     package).
//
// The ids/ sub-benchmarks measure AffectedSBOMs on the same advisories.
// The portfolio is built once, on first use, and its build time and heap
// size are logged.
func BenchmarkAffected(b *testing.B) {
	fixture := sync.OnceValue(func() *benchFixture {
		synthetic := synthAdvisories()[:5]
		kb := loadOSV(b, synthetic...)
		ix := match.NewIndex(kb)

		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p := New()
		// Generate in the background (synth.Generate is slower than Add),
		// add here; only Add is timed.
		docs := make(chan *sbom.Document, 64)
		go func() {
			defer close(docs)
			for i := range *benchSBOMs {
				docs <- synth.Generate(benchComponents, uint64(i+1))
			}
		}()
		start := time.Now()
		var add time.Duration
		i := 0
		for doc := range docs {
			t := time.Now()
			p.Add(fmt.Sprintf("sbom-%05d", i), doc)
			add += time.Since(t)
			i++
		}
		build := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		st := p.Stats()
		b.Logf("portfolio: %d SBOMs, %d components, %d variants, %d keys; Add took %.1f s in all (%.0f µs per SBOM), the build with synth.Generate %.1f s; heap %.0f MB (%.0f bytes per component)",
			st.SBOMs, st.Components, st.Variants, st.Keys, add.Seconds(), float64(add.Microseconds())/float64(st.SBOMs), build.Seconds(),
			float64(after.HeapAlloc-before.HeapAlloc)/1e6, float64(after.HeapAlloc-before.HeapAlloc)/float64(st.Components))

		f := &benchFixture{p: p, ix: ix, synthetic: synthetic}
		for _, a := range kb.Advisories() {
			f.all = append(f.all, a)
			if len(p.Candidates(a)) > 0 && a.Source == vuln.SourceOSV && !slices.Contains(synthetic, a) {
				f.realNamed = append(f.realNamed, a)
			}
		}
		b.Logf("advisories: %d synthetic, %d real naming a stored package, %d in all", len(f.synthetic), len(f.realNamed), len(f.all))
		return f
	})
	// run measures Affected, or AffectedSBOMs when ids is set.
	run := func(b *testing.B, ids bool, pick func(*benchFixture) []*vuln.Advisory) {
		f := fixture()
		advs := pick(f)
		hits, findings, n := 0, 0, 0
		var took []time.Duration
		cpu0 := cpuTime()
		for b.Loop() {
			a := advs[n%len(advs)]
			t := time.Now()
			if ids {
				hits += len(f.p.AffectedSBOMs(a, f.ix))
			} else {
				got := f.p.Affected(a, f.ix)
				hits += len(got)
				for _, h := range got {
					findings += len(h.Findings)
				}
			}
			took = append(took, time.Since(t))
			n++
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(b.Elapsed())/float64(n), "ms/advisory")
		if cpu := cpuTime() - cpu0; cpu > 0 {
			b.ReportMetric(ms(cpu)/float64(n), "cpu-ms/advisory")
		}
		slices.Sort(took)
		b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
		b.ReportMetric(ms(took[len(took)*9/10]), "p90-ms")
		b.ReportMetric(ms(took[len(took)-1]), "max-ms")
		b.ReportMetric(float64(hits)/float64(n), "sboms-hit/op")
		if !ids {
			b.ReportMetric(float64(findings)/float64(n), "findings/op")
		}
	}
	synthetic := func(f *benchFixture) []*vuln.Advisory { return f.synthetic }
	realNamed := func(f *benchFixture) []*vuln.Advisory { return f.realNamed }
	all := func(f *benchFixture) []*vuln.Advisory { return f.all }
	b.Run("synthetic", func(b *testing.B) { run(b, false, synthetic) })
	b.Run("real-named", func(b *testing.B) { run(b, false, realNamed) })
	b.Run("all", func(b *testing.B) { run(b, false, all) })
	// One sub-benchmark per synthetic advisory shows the spread.
	for i, a := range synthAdvisories()[:5] {
		b.Run("synthetic/"+a.ID, func(b *testing.B) {
			run(b, false, func(f *benchFixture) []*vuln.Advisory { return f.synthetic[i : i+1] })
		})
	}
	// AffectedSBOMs: the SBOM IDs only.
	b.Run("ids/synthetic", func(b *testing.B) { run(b, true, synthetic) })
	b.Run("ids/real-named", func(b *testing.B) { run(b, true, realNamed) })
	b.Run("ids/all", func(b *testing.B) { run(b, true, all) })
}
