package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"medvigil/internal/feeds"
	"medvigil/internal/input"
	"medvigil/internal/match"
	"medvigil/internal/report"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

// failOn is a --fail-on threshold: a severity rank, or KEV.
type failOn struct {
	rank int
	kev  bool
}

func parseFailOn(s string) (failOn, error) {
	switch s {
	case "":
		return failOn{}, nil
	case "kev":
		return failOn{kev: true}, nil
	case "low", "medium", "high", "critical":
		return failOn{rank: match.RatingRank(s)}, nil
	}
	return failOn{}, fmt.Errorf("unknown --fail-on %q (want low, medium, high, critical or kev)", s)
}

func (f failOn) hit(fd *match.Finding) bool {
	if f.kev {
		return fd.KEV != nil
	}
	return f.rank > 0 && fd.Severity.Rank() >= f.rank
}

func (a *app) scanCommand() *cobra.Command {
	var kbPaths []string
	var output, failOnFlag string
	var noCandidates bool
	var maxSize int64
	cmd := &cobra.Command{
		Use:   "scan FILE...",
		Short: "Find the known vulnerabilities of SBOM components (OSV, NVD CPE, CSAF, KEV, EPSS)",
		Long: `Scan reads the knowledge base given with --kb (files and folders; each file is
recognized by its content: OSV records, trees or all.zip, the CISA KEV catalog, FIRST
EPSS CSV (plain or gzip), NVD CVE API 2.0 pages, CSAF 2.0 advisories), then matches
every component of every SBOM by purl (ecosystem version ranges), CPE (NVD criteria)
and CSAF product (purl, CPE, or vendor + product name + version).

Results go to stdout; progress and warnings to stderr. Exit codes: 0 no finding at or
above --fail-on (or no --fail-on), 1 a finding at or above --fail-on, 2 bad usage or an
unreadable SBOM.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(kbPaths) == 0 {
				return &exitError{ExitError, errors.New("scan needs at least one --kb source (e.g. --kb ../shared/data/osv --kb known_exploited_vulnerabilities.json)")}
			}
			format, err := report.ParseFormat(output)
			if err != nil {
				return &exitError{ExitError, err}
			}
			threshold, err := parseFailOn(failOnFlag)
			if err != nil {
				return &exitError{ExitError, err}
			}
			ctx := cmd.Context()
			opts := match.Options{NoCPECandidates: noCandidates}
			var res *report.Result
			var readErrs []error
			if lz := a.openIndexed(kbPaths); lz != nil {
				defer lz.Close()
				res, readErrs, err = a.scanIndexed(ctx, lz, args, maxSize, opts, format)
			} else {
				res, readErrs, err = a.scanLoaded(ctx, kbPaths, args, maxSize, opts)
			}
			if err != nil {
				return &exitError{ExitError, err}
			}
			readFailed := false
			for _, err := range readErrs {
				fmt.Fprintln(a.stderr, "medvigil:", err)
				readFailed = true
			}
			if err := a.writeOutput("", func(w io.Writer) error { return report.Write(w, res, format) }); err != nil {
				return &exitError{ExitError, err}
			}
			if readFailed {
				return &exitError{code: ExitError}
			}
			for _, s := range res.Scans {
				for i := range s.Findings {
					if threshold.hit(&s.Findings[i]) {
						return &exitError{code: ExitFinding}
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&kbPaths, "kb", nil, "knowledge-base file or folder (repeatable); recognized by content")
	cmd.Flags().StringVar(&output, "output", "table", "output: table, json, sarif, cyclonedx-vdr or csv")
	cmd.Flags().StringVar(&failOnFlag, "fail-on", "", "exit 1 when a finding is at least this severe: low, medium, high, critical, or kev")
	cmd.Flags().BoolVar(&noCandidates, "no-cpe-candidates", false, "do not guess CPEs for components without one (drops low-confidence CPE findings)")
	cmd.Flags().Int64Var(&maxSize, "max-size", formats.DefaultMaxSize, "largest SBOM file to read, in bytes")
	return cmd
}

// newResult starts the result of a scan.
func newResult(info report.KBInfo, lookup report.AdvisoryLookup) *report.Result {
	return &report.Result{Tool: "medvigil", Version: Version, Time: time.Now().UTC(), Lookup: lookup,
		InformationURI: "https://github.com/medvigil/medvigil", KB: info}
}

// scanLoaded loads every knowledge-base source whole (feeds.Load) while
// the SBOMs are read, then matches them.
func (a *app) scanLoaded(ctx context.Context, kbPaths, args []string, maxSize int64, opts match.Options) (*report.Result, []error, error) {
	start := time.Now()
	// The SBOMs are read while the knowledge base loads: neither needs the
	// other until matching.
	docsReady := make(chan []readResult, 1)
	go func() { docsReady <- a.readAll(ctx, args, maxSize) }()
	kb := vuln.NewKB()
	prog := newProgress(a.stderr, "loading knowledge base", 0)
	warnings := 0
	_, st, err := feeds.Load(ctx, kb, kbPaths, func(e *input.Error) {
		warnings++
		if warnings <= 20 {
			fmt.Fprintln(a.stderr, "warning:", e)
		}
	}, func(done, total int, file string) {
		prog.total = total
		prog.step(done, file)
	})
	prog.done()
	if err != nil {
		<-docsReady
		return nil, nil, err
	}
	if warnings > 20 {
		fmt.Fprintf(a.stderr, "warning: %d more knowledge-base warnings not shown\n", warnings-20)
	}
	ix := match.NewIndexWith(kb, opts)
	a.log.Info("knowledge base loaded", "advisories", kb.Len(), "kev", kb.KEVCount(), "epss", kb.EPSSCount(),
		"files", st.Files, "skipped", st.Skipped, "duration_ms", time.Since(start).Milliseconds())
	res := newResult(report.KBInfo{Advisories: kb.Len(), KEV: kb.KEVCount(), EPSS: kb.EPSSCount(), Sources: sources(st)}, kb)
	scans, readErrs := matchAll(ix, <-docsReady)
	res.Scans = scans
	return res, readErrs, nil
}

func sources(st feeds.Stats) []string {
	var out []string
	for k, n := range st.Records {
		if n > 0 {
			out = append(out, string(k))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// readResult is one SBOM read, or why it could not be.
type readResult struct {
	path string
	doc  *sbom.Document
	err  error
}

// readAll reads the SBOMs on all cores, keeping the order of paths.
func (a *app) readAll(ctx context.Context, paths []string, maxSize int64) []readResult {
	outs := make([]readResult, len(paths))
	prog := newProgress(a.stderr, "reading SBOMs", len(paths))
	var mu sync.Mutex
	done := 0
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(len(paths), max(1, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for i := range jobs {
				doc, err := formats.ReadFile(ctx, paths[i], formats.Options{MaxSize: maxSize})
				outs[i] = readResult{path: paths[i], doc: doc, err: err}
				mu.Lock()
				done++
				prog.step(done, paths[i])
				mu.Unlock()
			}
		})
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	prog.done()
	return outs
}

// matchAll matches every SBOM that was read; it returns the scans and the
// read errors, both in the order of the paths.
func matchAll(ix *match.Index, docs []readResult) ([]report.Scan, []error) {
	var scans []report.Scan
	var errs []error
	for _, r := range docs {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		scans = append(scans, report.Scan{File: r.path, Doc: r.doc, Findings: ix.Match(r.doc)})
	}
	return scans, errs
}

// openIndexed opens the knowledge base for selective loading when it is one
// snapshot with a package index made by this matcher (`medvigil kb build`);
// otherwise it returns nil and scan loads the sources whole. A lone
// snapshot is required: advisories of two sources may share aliases, and
// the vulnerability groups must come whole from one index.
func (a *app) openIndexed(kbPaths []string) *snapshot.Lazy {
	if len(kbPaths) != 1 {
		return nil
	}
	lz, err := snapshot.Open(kbPaths[0])
	if err != nil {
		// Not a snapshot, a directory, version 1, compressed or damaged:
		// the whole-load path reads it or reports the fault.
		a.log.Debug("knowledge base not read selectively", "path", kbPaths[0], "reason", err.Error())
		return nil
	}
	if lz.KeyScheme() != match.KeyScheme {
		a.log.Debug("knowledge base not read selectively", "path", kbPaths[0], "key_scheme", lz.KeyScheme())
		lz.Close()
		return nil
	}
	return lz
}

// scanIndexed streams the SBOMs through a bounded pool: each worker reads
// one SBOM, selects from the snapshot only the advisories its components
// can match (with their whole vulnerability groups), matches it against an
// index of those, and keeps only what the report needs. Results keep the
// order of paths. The findings are those of an index over the whole
// knowledge base: a component meets an advisory only under a shared key
// (match.IndexKeys), and grouping, severity, KEV and EPSS come from whole
// groups.
func (a *app) scanIndexed(ctx context.Context, lz *snapshot.Lazy, paths []string, maxSize int64, opts match.Options, format report.Format) (*report.Result, []error, error) {
	start := time.Now()
	h := lz.Header()
	type out struct {
		scan report.Scan
		err  error // the SBOM could not be read
	}
	outs := make([]out, len(paths))
	withLookup := format == report.FormatSARIF || format == report.FormatCycloneDXVDR
	prog := newProgress(a.stderr, "scanning SBOMs", len(paths))
	var mu sync.Mutex
	done := 0
	var kbErr error
	var zeros zeroComponents
	var wg sync.WaitGroup
	// Largest files first (the pool then ends on small ones, evenly), with
	// at most inFlightBytes of SBOM files decoding at once (a file larger
	// than that decodes alone): a decoded SBOM takes several times its
	// file size, and memory is what a streaming scan saves. A worker that
	// may not start the next large file takes the largest one that fits.
	sched := newScheduler(paths, inFlightBytes)
	for range min(len(paths), max(1, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for {
				i, ok := sched.next()
				if !ok {
					return
				}
				doc, err := formats.ReadFile(ctx, paths[i], formats.Options{MaxSize: maxSize})
				if err != nil {
					outs[i].err = err
				} else {
					findings, err := matchSelected(lz, doc, opts)
					var kept *sbom.Document
					if err == nil {
						ownStrings(findings)
						kept, err = trimmed(doc, findings, format == report.FormatCycloneDXVDR, &zeros)
					}
					if err != nil {
						mu.Lock()
						kbErr = cmp.Or(kbErr, err)
						mu.Unlock()
					}
					outs[i].scan = report.Scan{File: paths[i], Doc: kept, Findings: findings}
				}
				doc = nil
				sched.done(i)
				mu.Lock()
				done++
				prog.step(done, paths[i])
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	prog.done()
	if kbErr != nil {
		return nil, nil, kbErr
	}
	// SARIF and the VDR look up the advisories behind findings: every
	// advisory selected, which is a union of whole groups. The other
	// formats do not.
	var lookup report.AdvisoryLookup
	loaded := lz.Loaded()
	if withLookup {
		kb := vuln.NewKB()
		kb.Add(loaded...)
		kb.Freeze()
		lookup = kb
	}
	var srcs []string
	if h.Advisories > 0 {
		srcs = []string{string(feeds.KindSnapshot)}
	}
	res := newResult(report.KBInfo{Advisories: h.Advisories, KEV: h.KEV, EPSS: h.EPSS, Sources: srcs}, lookup)
	var errs []error
	for _, o := range outs {
		if o.err != nil {
			errs = append(errs, o.err)
			continue
		}
		res.Scans = append(res.Scans, o.scan)
	}
	a.log.Info("scanned with a selectively read knowledge base", "advisories", h.Advisories, "decoded", len(loaded),
		"sboms", len(paths), "duration_ms", time.Since(start).Milliseconds())
	return res, errs, nil
}

// inFlightBytes bounds the SBOM file bytes decoding at once in
// scanIndexed (docs/performance.md: peak memory).
const inFlightBytes = 3 << 20

// scheduler hands out SBOM files to workers, largest first, while the
// bytes of the files in flight stay within a limit; when the next file
// does not fit, the largest one that does goes instead, and a file larger
// than the limit goes alone.
type scheduler struct {
	mu       sync.Mutex
	cond     *sync.Cond
	pending  []int // indices, largest file first
	sizes    []int64
	limit    int64
	inFlight int64
}

func newScheduler(paths []string, limit int64) *scheduler {
	s := &scheduler{sizes: make([]int64, len(paths)), pending: make([]int, len(paths)), limit: limit}
	s.cond = sync.NewCond(&s.mu)
	for i, p := range paths {
		s.pending[i] = i
		if info, err := os.Stat(p); err == nil {
			s.sizes[i] = info.Size() // a file that cannot be stat'ed counts as empty: reading it says why
		}
	}
	sort.SliceStable(s.pending, func(a, b int) bool { return s.sizes[s.pending[a]] > s.sizes[s.pending[b]] })
	return s
}

// next returns the next file to read, waiting while none fits; ok is false
// when none is left.
func (s *scheduler) next() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.pending) > 0 {
		for k, i := range s.pending {
			if s.inFlight == 0 || s.inFlight+s.sizes[i] <= s.limit {
				s.pending = slices.Delete(s.pending, k, k+1)
				s.inFlight += s.sizes[i]
				return i, true
			}
		}
		s.cond.Wait()
	}
	return 0, false
}

// done returns file i's bytes to the budget.
func (s *scheduler) done(i int) {
	s.mu.Lock()
	s.inFlight -= s.sizes[i]
	s.mu.Unlock()
	s.cond.Broadcast()
}

// matchSelected matches doc against an index of the advisories its
// components can meet.
func matchSelected(lz *snapshot.Lazy, doc *sbom.Document, opts match.Options) ([]match.Finding, error) {
	p := match.Prepare(doc, opts)
	advs, err := lz.Select(p.Keys())
	if err != nil {
		return nil, err
	}
	if len(advs) == 0 {
		return nil, nil
	}
	return match.NewIndexWith(lz.KB(advs), opts).MatchPrepared(p), nil
}

// trimmed returns what the report needs of doc once it is matched: its
// format, spec version and component count, and, when withComponents is
// set (the VDR lists them), the components that have findings; the rest
// of the document is dropped. Other components are zero: without
// withComponents all of them, taken from zeros, shared by all trimmed
// documents and never written. The strings kept are copied, so that they
// do not hold the buffer the SBOM was decoded from (goccy/go-json's
// strings point into it).
func trimmed(doc *sbom.Document, findings []match.Finding, withComponents bool, zeros *zeroComponents) (*sbom.Document, error) {
	out := &sbom.Document{Format: doc.Format, SpecVersion: strings.Clone(doc.SpecVersion)}
	if !withComponents {
		out.Components = zeros.get(len(doc.Components))
		return out, nil
	}
	out.Components = make([]sbom.Component, len(doc.Components))
	refs := map[string]bool{}
	for i := range findings {
		refs[findings[i].Component.Ref] = true
	}
	for i := range doc.Components {
		if c := &doc.Components[i]; refs[c.Ref] {
			// A JSON round trip copies every string of the component.
			b, err := json.Marshal(c)
			if err == nil {
				err = json.Unmarshal(b, &out.Components[i])
			}
			if err != nil {
				return nil, fmt.Errorf("scan: keep component %s: %w", c.Ref, err)
			}
		}
	}
	return out, nil
}

// ownStrings copies the component strings of findings (see trimmed).
func ownStrings(findings []match.Finding) {
	for i := range findings {
		c := &findings[i].Component
		c.Ref, c.Name, c.Version, c.PURL = strings.Clone(c.Ref), strings.Clone(c.Name), strings.Clone(c.Version), strings.Clone(c.PURL)
		if c.CPEs != nil {
			cpes := make([]string, len(c.CPEs))
			for j, s := range c.CPEs {
				cpes[j] = strings.Clone(s)
			}
			c.CPEs = cpes
		}
	}
}

// zeroComponents hands out zero components from one shared array, grown
// as needed; callers only read them.
type zeroComponents struct {
	mu  sync.Mutex
	arr []sbom.Component
}

func (z *zeroComponents) get(n int) []sbom.Component {
	z.mu.Lock()
	defer z.mu.Unlock()
	if len(z.arr) < n {
		z.arr = make([]sbom.Component, max(n, 2*len(z.arr)))
	}
	return z.arr[:n:n]
}
