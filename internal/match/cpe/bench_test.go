package cpe

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"medvigil/internal/vuln"
)

// synthetic returns n advisories with 5 vulnerable criteria each over a
// catalogue of n/2 vendor-product pairs, shaped like NVD's: version ranges
// with start and end bounds, and single versions.
func synthetic(n int) []*vuln.Advisory {
	r := rand.New(rand.NewPCG(1, 2))
	advs := make([]*vuln.Advisory, n)
	for i := range advs {
		a := &vuln.Advisory{ID: fmt.Sprintf("CVE-2099-%05d", i)}
		for k := range 5 {
			p := r.IntN(n / 2)
			m := vuln.CPEMatch{Criteria: fmt.Sprintf("cpe:2.3:a:vendor%d:product%d:*:*:*:*:*:*:*:*", p%997, p), Vulnerable: true, Node: k}
			switch k % 3 {
			case 0:
				m.VersionStartIncluding = fmt.Sprintf("%d.0", r.IntN(5))
				m.VersionEndExcluding = fmt.Sprintf("%d.%d.%d", 5+r.IntN(5), r.IntN(10), r.IntN(20))
			case 1:
				m.VersionEndIncluding = fmt.Sprintf("%d.%d", r.IntN(10), r.IntN(10))
			default:
				m.Criteria = fmt.Sprintf("cpe:2.3:a:vendor%d:product%d:%d.%d.%d:*:*:*:*:*:*:*", p%997, p, r.IntN(10), r.IntN(10), r.IntN(10))
			}
			a.CPEConfigs = append(a.CPEConfigs, m)
		}
		advs[i] = a
	}
	return advs
}

// BenchmarkIndexLookup looks up component CPEs in an index of 10,000
// synthetic advisories (50,000 criteria) and reports lookups per second.
// About half the components have a product with criteria.
func BenchmarkIndexLookup(b *testing.B) {
	const n = 10000
	ix := NewIndex(synthetic(n))
	r := rand.New(rand.NewPCG(3, 4))
	names := make([]Name, 1024)
	for i := range names {
		p := r.IntN(n)
		names[i] = MustParse(fmt.Sprintf("cpe:2.3:a:vendor%d:product%d:%d.%d.%d:*:*:*:*:*:*:*", p%997, p, r.IntN(10), r.IntN(10), r.IntN(10)))
	}
	b.ReportAllocs()
	i, hits := 0, 0
	var cpu0 time.Duration
	for b.Loop() {
		if i == 0 {
			cpu0 = cpuTime()
		}
		hits += len(ix.Lookup(names[i%len(names)]))
		i++
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "lookups/s")
	if cpu > 0 {
		b.ReportMetric(float64(i)/cpu.Seconds(), "lookups/cpu-s")
	}
	b.ReportMetric(float64(hits)/float64(i), "hits/lookup")
}

// BenchmarkIndexLookupShared looks up the README's component CPEs in the
// index of the 121 real NVD records.
func BenchmarkIndexLookupShared(b *testing.B) {
	ix := NewIndex(sharedAdvisories(b))
	var names []Name
	for _, r := range readmeExpectations {
		if n, err := Parse(r.component); err == nil {
			names = append(names, n)
		}
	}
	names = append(names, MustParse("cpe:2.3:a:jquery:jquery:3.1.1:*:*:*:*:*:*:*"), MustParse("cpe:2.3:a:golang:text:v0.3.7:*:*:*:*:*:*:*"))
	b.ReportAllocs()
	i := 0
	var cpu0 time.Duration
	for b.Loop() {
		if i == 0 {
			cpu0 = cpuTime()
		}
		ix.Lookup(names[i%len(names)])
		i++
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "lookups/s")
	if cpu > 0 {
		b.ReportMetric(float64(i)/cpu.Seconds(), "lookups/cpu-s")
	}
}

// BenchmarkNewIndex builds the index of 10,000 synthetic advisories.
func BenchmarkNewIndex(b *testing.B) {
	advs := synthetic(10000)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(advs)
	}
}

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{
		`cpe:2.3:a:openssl:openssl:1.1.1o-r0:*:*:*:*:*:*:*`,
		`cpe:2.3:o:bostonscientific:zoom_latitude_pogrammer\/recorder\/monitor_3120_firmware:*:*:*:*:*:*:*:*`,
		`cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~`,
	} {
		b.Run(s[:12], func(b *testing.B) {
			b.ReportAllocs()
			var cpu0 time.Duration
			n := 0
			for b.Loop() {
				if n == 0 {
					cpu0 = cpuTime()
				}
				if _, err := Parse(s); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
			}
		})
	}
}
