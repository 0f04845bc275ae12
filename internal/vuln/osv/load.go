package osv

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// MaxRecord is the largest OSV record Load reads, in bytes (64 MiB). The
// largest records osv.dev publishes are a few MiB.
const MaxRecord = 64 << 20

// Stats counts what Load read.
type Stats struct {
	// Files is the number of files read from disk: record files and zip
	// archives (an archive counts once, whatever it holds).
	Files int `json:"files"`
	// Records is the number of advisories returned.
	Records int `json:"records"`
	// Skipped is the number of records that could not be read (a file, an
	// archive entry, or an archive or folder that could not be opened), each
	// reported to warn.
	Skipped int `json:"skipped"`
	// Withdrawn is the number of advisories returned that are withdrawn.
	Withdrawn int `json:"withdrawn"`
}

// Load reads the OSV records at path:
//
//   - a folder tree: every *.json file in it is one record and every *.zip
//     file an archive as below (the osv.dev bucket layout <Ecosystem>/all.zip
//     and osv-scanner's offline database DIR/osv-scalibr/<Ecosystem>/all.zip
//     are both read this way); folders whose names start with "." are
//     skipped;
//   - a zip archive (osv.dev all.zip): every *.json entry is one record, and
//     its Origin.File is "PATH!ENTRY" (for example "Go/all.zip!GO-2024-1.json");
//   - any other file: one record.
//
// A record that cannot be read (bad JSON, no id, more than MaxRecord bytes)
// is skipped and reported to warn as an *input.Error naming its file and the
// place in it; content dropped from a record that is kept (see Decode) is
// reported too. warn may be nil; it is called from the goroutine that called
// Load, in the order the files are read. Only a path that cannot be read at
// all, or ctx ending, makes Load fail; then it returns no advisories.
//
// Records are decoded in parallel (runtime.GOMAXPROCS workers) with at most
// a few records in memory beyond those returned. The advisories are sorted
// by Origin.File.
func Load(ctx context.Context, path string, warn func(*input.Error)) ([]*vuln.Advisory, Stats, error) {
	if warn == nil {
		warn = func(*input.Error) {}
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("osv: load: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, 2*workers)
	results := make(chan result, 2*workers)
	p := &producer{ctx: ctx, jobs: jobs}
	produced := make(chan error, 1)
	go func() {
		defer close(jobs)
		produced <- p.run(path, info)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- j.do(ctx)
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var (
		st      Stats
		out     []*vuln.Advisory
		pending = make(map[int]result)
		next    int
	)
	for r := range results {
		pending[r.seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for _, w := range r.warnings {
				warn(w)
			}
			switch {
			case r.err != nil:
				warn(r.err)
				st.Skipped++
			case r.adv != nil:
				st.Records++
				if r.adv.IsWithdrawn() {
					st.Withdrawn++
				}
				out = append(out, r.adv)
			}
		}
	}
	err = <-produced
	st.Files = p.files
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, st, fmt.Errorf("osv: load %s: %w", path, err)
	}
	slices.SortStableFunc(out, func(a, b *vuln.Advisory) int { return strings.Compare(a.Origin.File, b.Origin.File) })
	return out, st, nil
}

// job is one record to decode: a file to read (path), bytes already read
// from an archive (data), or a fault found while listing (err).
type job struct {
	seq  int
	name string
	path string
	data []byte
	err  *input.Error
}

type result struct {
	seq      int
	adv      *vuln.Advisory
	warnings []*input.Error
	err      *input.Error
}

func (j job) do(ctx context.Context) result {
	r := result{seq: j.seq, err: j.err}
	if r.err != nil || ctx.Err() != nil {
		return r
	}
	data := j.data
	if data == nil {
		var err error
		if data, err = readFile(j.path); err != nil {
			r.err = &input.Error{File: j.name, Err: fmt.Errorf("osv: %w", err)}
			return r
		}
	}
	r.adv, r.err = decode(j.name, data, func(w *input.Error) { r.warnings = append(r.warnings, w) })
	return r
}

// producer lists the records under a root and sends them, numbered, to jobs.
type producer struct {
	ctx   context.Context
	jobs  chan<- job
	seq   int
	files int
}

func (p *producer) send(j job) error {
	j.seq = p.seq
	p.seq++
	select {
	case p.jobs <- j:
		return nil
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
}

func (p *producer) fault(name string, err error) error {
	return p.send(job{name: name, err: &input.Error{File: name, Err: fmt.Errorf("osv: %w", err)}})
}

func (p *producer) run(root string, info fs.FileInfo) error {
	if !info.IsDir() {
		p.files++
		if isZip(root) {
			return p.archive(root)
		}
		return p.send(job{name: root, path: root})
	}
	return filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if cerr := p.ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if name == root {
				return err
			}
			if serr := p.fault(name, err); serr != nil {
				return serr
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if name != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(name))
		if ext != ".json" && ext != ".zip" {
			return nil
		}
		if !d.Type().IsRegular() {
			// Follow symbolic links to files; skip other kinds of file.
			fi, err := os.Stat(name)
			if err != nil {
				return p.fault(name, err)
			}
			if !fi.Mode().IsRegular() {
				return nil
			}
		}
		p.files++
		if ext == ".zip" {
			return p.archive(name)
		}
		return p.send(job{name: name, path: name})
	})
}

// archive sends the *.json entries of the zip archive at name, read one at a
// time.
func (p *producer) archive(name string) error {
	zr, err := zip.OpenReader(name)
	if errors.Is(err, zip.ErrInsecurePath) {
		err = nil // entries are read, never extracted: their names do not matter
	}
	if err != nil {
		return p.fault(name, fmt.Errorf("open archive: %w", err))
	}
	defer zr.Close()
	for _, f := range zr.File {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() || !strings.EqualFold(path.Ext(f.Name), ".json") {
			continue
		}
		entry := name + "!" + f.Name
		data, err := readEntry(f)
		if err != nil {
			err = p.fault(entry, err)
		} else {
			err = p.send(job{name: entry, data: data})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// isZip reports whether the file name is a zip archive: by its extension,
// or by the local file header signature "PK\x03\x04" (APPNOTE.TXT 4.3.7).
func isZip(name string) bool {
	if strings.EqualFold(filepath.Ext(name), ".zip") {
		return true
	}
	f, err := os.Open(name)
	if err != nil {
		return false // reading it as a record reports the fault
	}
	defer f.Close()
	var head [4]byte
	_, err = io.ReadFull(f, head[:])
	return err == nil && string(head[:]) == "PK\x03\x04"
}

// readFile reads a record file of at most MaxRecord bytes.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(0)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if size > MaxRecord {
		return nil, fmt.Errorf("record is %d bytes, more than the %d-byte limit", size, MaxRecord)
	}
	return readLimited(f, size)
}

// readEntry reads an archive entry of at most MaxRecord bytes, whatever its
// header claims.
func readEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxRecord {
		return nil, fmt.Errorf("record is %d bytes, more than the %d-byte limit", f.UncompressedSize64, MaxRecord)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readLimited(rc, int64(f.UncompressedSize64))
}

func readLimited(r io.Reader, sizeHint int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(sizeHint, MaxRecord)) + bytes.MinRead)
	n, err := buf.ReadFrom(io.LimitReader(r, MaxRecord+1))
	if err != nil {
		return nil, err
	}
	if n > MaxRecord {
		return nil, fmt.Errorf("record is more than the %d-byte limit", MaxRecord)
	}
	return buf.Bytes(), nil
}
