package snapshot_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/osv"
	"medvigil/internal/vuln/snapshot"
)

// loadJSON builds a knowledge base from OSV JSON records as medvigil does
// without a snapshot: osv.Load (parallel decoding) and KB.Add.
func loadJSON(tb testing.TB, root string) *vuln.KB {
	advs, _, err := osv.Load(context.Background(), root, nil)
	if err != nil {
		tb.Fatal(err)
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	return kb
}

// treeBytes is the size of the files under root.
func treeBytes(tb testing.TB, root string) int64 {
	var n int64
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// report adds ms/op, cpu-ms/op and MB (the input's size).
func report(b *testing.B, ops int, cpu time.Duration, size int64) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(ops), "ms/op")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(ops), "cpu-ms/op")
	}
	b.ReportMetric(float64(size)/1e6, "MB")
}

// BenchmarkLoadOSVJSON builds a knowledge base from ../shared/data/osv
// (8,189 OSV JSON records, 18 MB): the baseline BenchmarkReadSnapshot is
// compared with.
func BenchmarkLoadOSVJSON(b *testing.B) {
	root := realdata.Data(b, "osv")
	size := treeBytes(b, root)
	ops := 0
	cpu0 := cpuTime()
	for b.Loop() {
		loadJSON(b, root)
		ops++
	}
	report(b, ops, cpuTime()-cpu0, size)
}

// BenchmarkReadSnapshot reads, from a file, a snapshot of the knowledge
// base BenchmarkLoadOSVJSON builds, uncompressed and gzip-compressed. It
// reports the file size and x-json, how many times faster than the JSON
// load (timed in the setup, best of three) the read is.
func BenchmarkReadSnapshot(b *testing.B) {
	root := realdata.Data(b, "osv")
	var kb *vuln.KB
	best := time.Duration(1<<63 - 1)
	for range 3 {
		t := time.Now()
		kb = loadJSON(b, root)
		best = min(best, time.Since(t))
	}
	b.Logf("JSON load: %.0f ms (best of 3), %d advisories, %.1f MB of JSON", float64(best.Microseconds())/1000, kb.Len(), float64(treeBytes(b, root))/1e6)
	for _, c := range []struct {
		name string
		c    snapshot.Compression
	}{{"none", snapshot.None}, {"gzip", snapshot.Gzip}} {
		name := filepath.Join(b.TempDir(), "kb.snapshot")
		if err := os.WriteFile(name, write(b, kb, c.c), 0o644); err != nil {
			b.Fatal(err)
		}
		info, err := os.Stat(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			ops := 0
			cpu0 := cpuTime()
			for b.Loop() {
				f, err := os.Open(name)
				if err != nil {
					b.Fatal(err)
				}
				got, err := snapshot.Read(f)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				if got.Len() != kb.Len() {
					b.Fatalf("read %d advisories, want %d", got.Len(), kb.Len())
				}
				ops++
			}
			report(b, ops, cpuTime()-cpu0, info.Size())
			b.ReportMetric(float64(best)/(float64(b.Elapsed())/float64(ops)), "x-json")
		})
	}
}

// BenchmarkWriteSnapshot writes the snapshot of BenchmarkReadSnapshot.
func BenchmarkWriteSnapshot(b *testing.B) {
	kb := loadJSON(b, realdata.Data(b, "osv"))
	for _, c := range []struct {
		name string
		c    snapshot.Compression
	}{{"none", snapshot.None}, {"gzip", snapshot.Gzip}} {
		b.Run(c.name, func(b *testing.B) {
			size := 0
			for b.Loop() {
				size = len(write(b, kb, c.c))
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}

// BenchmarkOpenLazy opens an indexed (version 2) snapshot of the shared
// OSV records as a scan does (header, streamed checksum, index), then
// selects the advisories of one package key: the fixed cost of a scan's
// knowledge base, whatever the SBOMs.
func BenchmarkOpenLazy(b *testing.B) {
	kb := loadJSON(b, realdata.Data(b, "osv"))
	name := filepath.Join(b.TempDir(), "kb.snapshot")
	if err := os.WriteFile(name, writeV(b, kb, 2, snapshot.None, true), 0o644); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(name)
	if err != nil {
		b.Fatal(err)
	}
	key := testKeys(kb.Advisories()[0])[0]
	for b.Loop() {
		lz, err := snapshot.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		if advs, err := lz.Select([]string{key}); err != nil || len(advs) == 0 {
			b.Fatalf("Select: %d advisories, %v", len(advs), err)
		}
		lz.Close()
	}
	b.ReportMetric(float64(info.Size())/1e6, "MB")
}
