package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"medvigil/internal/csaf"
	"medvigil/internal/input"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/epss"
	"medvigil/internal/vuln/kev"
	"medvigil/internal/vuln/nvd"
	"medvigil/internal/vuln/osv"
	"medvigil/internal/vuln/snapshot"
)

// Kind is a recognized source kind.
type Kind string

// Source kinds.
const (
	KindOSV  Kind = "osv"
	KindKEV  Kind = "kev"
	KindEPSS Kind = "epss"
	KindNVD  Kind = "nvd"
	KindCSAF Kind = "csaf"
	// KindSnapshot is medvigil's compact knowledge-base file
	// (internal/vuln/snapshot), written by `medvigil kb build`.
	KindSnapshot Kind = "snapshot"
)

// Stats counts what a load read.
type Stats struct {
	Files     int          `json:"files"`
	Ignored   int          `json:"ignored"` // files that are no source we read
	Skipped   int          `json:"skipped"` // files or records dropped because of faults
	Warnings  int          `json:"warnings"`
	Records   map[Kind]int `json:"records"` // advisories (OSV, NVD, CSAF vulnerabilities), KEV entries, EPSS scores
	Withdrawn int          `json:"withdrawn"`
	// CSAFDocuments counts CSAF advisories read.
	CSAFDocuments int `json:"csaf_documents"`
	// Catalogs names the KEV catalog version and EPSS score date loaded.
	KEVCatalog string `json:"kev_catalog,omitempty"`
	EPSSDate   string `json:"epss_date,omitempty"`
}

// Progress is called as files are loaded: done of total files, and the file.
type Progress func(done, total int, file string)

// MaxFile caps one source file (the uncompressed EPSS CSV is about 10 MiB,
// a CSAF advisory well under 1 MiB, an NVD page of 2,000 CVEs about 20 MiB).
const MaxFile = 256 << 20

// result is what one file yielded.
type result struct {
	kind     Kind
	advs     []*vuln.Advisory
	snap     *vuln.KB
	kev      *kev.Catalog
	epss     *epss.Scores
	docs     []*csaf.Document
	warnings []*input.Error
	skipped  int
	ignored  bool
	stats    *osv.Stats
}

// Load reads every path (files or folders, walked recursively) into kb and
// returns the CSAF documents read (their advisories are in kb too). warn
// receives each recoverable fault; progress, if not nil, each file done.
// It fails only when a path cannot be read at all or ctx ends.
func Load(ctx context.Context, kb *vuln.KB, paths []string, warn func(*input.Error), progress Progress) ([]*csaf.Document, Stats, error) {
	st := Stats{Records: map[Kind]int{}}
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, st, fmt.Errorf("feeds: %w", err)
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, st, fmt.Errorf("feeds: %w", err)
		}
	}
	sort.Strings(files)
	st.Files = len(files)

	results := make([]result, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = loadFile(ctx, files[i])
			}
		}()
	}
	done := 0
feed:
	for i := range files {
		select {
		case <-ctx.Done():
			break feed
		case jobs <- i:
		}
		done++
		if progress != nil && done%64 == 0 {
			progress(done, len(files), files[i])
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, st, err
	}
	if progress != nil {
		progress(len(files), len(files), "")
	}

	var docs []*csaf.Document
	for _, r := range results {
		for _, w := range r.warnings {
			st.Warnings++
			if warn != nil {
				warn(w)
			}
		}
		st.Skipped += r.skipped
		if r.ignored {
			st.Ignored++
			continue
		}
		if r.stats != nil {
			st.Withdrawn += r.stats.Withdrawn
		}
		switch r.kind {
		case KindSnapshot:
			if r.snap != nil {
				st.Records[KindSnapshot] += r.snap.Len()
				kb.Merge(r.snap)
			}
		case KindKEV:
			if r.kev != nil {
				kb.SetKEV(r.kev.Entries)
				st.Records[KindKEV] += len(r.kev.Entries)
				st.KEVCatalog = r.kev.Version
			}
		case KindEPSS:
			if r.epss != nil {
				kb.SetEPSS(r.epss.Entries)
				st.Records[KindEPSS] += len(r.epss.Entries)
				st.EPSSDate = r.epss.Date
			}
		case KindCSAF:
			docs = append(docs, r.docs...)
			st.CSAFDocuments += len(r.docs)
			for _, d := range r.docs {
				kb.Add(d.Advisories...)
				st.Records[KindCSAF] += len(d.Advisories)
			}
		default:
			kb.Add(r.advs...)
			st.Records[r.kind] += len(r.advs)
		}
	}
	return docs, st, nil
}

// loadFile recognizes one file by its content and reads it.
func loadFile(ctx context.Context, path string) result {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		var r result
		advs, st, err := osv.Load(ctx, path, func(e *input.Error) { r.warnings = append(r.warnings, e) })
		if err != nil {
			r.warnings = append(r.warnings, &input.Error{File: path, Err: err})
			r.skipped++
			return r
		}
		r.kind, r.advs, r.stats, r.skipped = KindOSV, advs, &st, st.Skipped
		return r
	}
	f, err := os.Open(path)
	if err != nil {
		return result{skipped: 1, warnings: []*input.Error{{File: path, Err: err}}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return result{skipped: 1, warnings: []*input.Error{{File: path, Err: err}}}
	}
	if len(data) > MaxFile {
		return result{skipped: 1, warnings: []*input.Error{{File: path, Err: fmt.Errorf("feeds: file exceeds %d bytes", MaxFile)}}}
	}
	return decode(path, data)
}

// Detect names the source kind of data, or "" when it is none medvigil reads.
func Detect(data []byte) Kind {
	switch {
	case bytes.HasPrefix(data, []byte("MEDVIGIL-KB")):
		return KindSnapshot
	case epss.Looks(data):
		return KindEPSS
	case kev.Looks(data):
		return KindKEV
	case nvd.Looks(data):
		return KindNVD
	case csaf.Looks(data):
		return KindCSAF
	case osv.Looks(data):
		return KindOSV
	}
	return ""
}

func decode(path string, data []byte) result {
	r := result{kind: Detect(data)}
	var err error
	switch r.kind {
	case KindSnapshot:
		r.snap, err = snapshot.Read(bytes.NewReader(data))
		if err != nil {
			err = &input.Error{File: path, Err: err}
		}
	case KindEPSS:
		r.epss, r.warnings, err = epss.Read(path, bytes.NewReader(data))
	case KindKEV:
		r.kev, r.warnings, err = kev.Decode(path, data)
	case KindNVD:
		var page *nvd.Page
		page, r.warnings, err = nvd.DecodePage(path, data)
		if err == nil {
			r.advs = page.Advisories
		}
	case KindCSAF:
		var doc *csaf.Document
		doc, r.warnings, err = csaf.Decode(path, data)
		if err == nil {
			r.docs = []*csaf.Document{doc}
		}
	case KindOSV:
		var a *vuln.Advisory
		a, err = osv.Decode(path, data)
		if err == nil {
			r.advs = []*vuln.Advisory{a}
			if a.IsWithdrawn() {
				r.stats = &osv.Stats{Withdrawn: 1}
			}
		}
	default:
		r.ignored = true
		return r
	}
	if err != nil {
		var ie *input.Error
		if !errors.As(err, &ie) {
			ie = &input.Error{File: path, Err: err}
		}
		r.warnings = append(r.warnings, ie)
		r.skipped++
	}
	return r
}
