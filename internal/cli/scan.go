package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
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
			start := time.Now()
			// The SBOMs are read while the knowledge base loads: neither
			// needs the other until matching.
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
				return &exitError{ExitError, err}
			}
			if warnings > 20 {
				fmt.Fprintf(a.stderr, "warning: %d more knowledge-base warnings not shown\n", warnings-20)
			}
			ix := match.NewIndexWith(kb, match.Options{NoCPECandidates: noCandidates})
			a.log.Info("knowledge base loaded", "advisories", kb.Len(), "kev", kb.KEVCount(), "epss", kb.EPSSCount(),
				"files", st.Files, "skipped", st.Skipped, "duration_ms", time.Since(start).Milliseconds())

			res := &report.Result{Tool: "medvigil", Version: Version, Time: time.Now().UTC(), Lookup: kb,
				InformationURI: "https://github.com/medvigil/medvigil",
				KB:             report.KBInfo{Advisories: kb.Len(), KEV: kb.KEVCount(), EPSS: kb.EPSSCount(), Sources: sources(st)}}
			scans, readErrs := matchAll(ix, <-docsReady)
			res.Scans = scans
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
