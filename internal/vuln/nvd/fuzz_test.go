package nvd

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"medvigil/internal/realdata"
)

// FuzzDecodePage checks that no input makes DecodePage panic, that every
// fault names the file, and that every advisory it returns has an ID and
// names its origin. Seeds: the testdata fixtures and, when present, the
// shared real pages (read relative to the repository root, never skipped).
func FuzzDecodePage(f *testing.F) {
	for _, name := range []string{"page-mixed.json", "CVE-2018-5457.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	shared := filepath.Join(realdata.Root(f), "..", "shared", "data", "nvd")
	for _, name := range []string{"nvdcve-2.0-page-000.json", "nvdcve-2.0-page-001.json", "nvdcve-2.0-page-002.json"} {
		if data, err := os.ReadFile(filepath.Join(shared, name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"resultsPerPage":1,"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-1","vulnStatus":"Rejected","metrics":{"cvssMetricV40":[{"cvssData":{"vectorString":"CVSS:4.0/AV:N"}}]}}}]}`))
	f.Add([]byte(`{"vulnerabilities":[null,{},{"cve":null},{"cve":{"id":"x","configurations":[{"nodes":[{"cpeMatch":[{"criteria":"cpe:2.3:a"}]}]}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, warns, err := DecodePage("fuzz.json", data)
		if err != nil {
			if p != nil {
				t.Fatal("page and error both set")
			}
			if e, ok := err.(interface{ Unwrap() error }); !ok || e.Unwrap() == nil {
				t.Fatalf("error %v is not an *input.Error with a cause", err)
			}
		}
		for _, w := range warns {
			if w.File != "fuzz.json" {
				t.Fatalf("warning %v does not name the file", w)
			}
		}
		if p == nil {
			return
		}
		for _, a := range p.Advisories {
			if a.ID == "" || a.Origin.File != "fuzz.json" || a.Origin.Pointer == "" {
				t.Fatalf("advisory %+v without ID or origin", a)
			}
		}
		_ = Looks(data)
		_, _, _ = DecodeCVE("fuzz.json", data)
	})
}

// BenchmarkDecodePage decodes the largest shared page (50 records, 598 kB).
func BenchmarkDecodePage(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(realdata.Data(b, "nvd"), "nvdcve-2.0-page-000.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var cpu0 time.Duration
	n := 0
	for b.Loop() {
		if n == 0 {
			cpu0 = cpuTime()
		}
		if _, _, err := DecodePage("page.json", data); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
