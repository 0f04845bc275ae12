package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"medvigil/internal/kbsync"
	"medvigil/internal/monitor"
)

// kbSyncCommand is `medvigil kb sync`: fill a local mirror of the upstream
// sources that scan --kb and kb build read (internal/kbsync, docs/kb-sync.md).
func (a *app) kbSyncCommand() *cobra.Command {
	var (
		dir, sources, nvdKey, osvBase, nvdURL, kevURL, epssURL string
		ecosystems, providers                                  []string
		asJSON, doImport                                       bool
		db                                                     string
	)
	cmd := &cobra.Command{
		Use:   "sync [--dir DIR] [--source osv,nvd,kev,epss,csaf]",
		Short: "Download the vulnerability sources into a local mirror, resumably",
		Long: `Sync downloads OSV archives, NVD CVE API 2.0 pages, the CISA KEV catalog, FIRST EPSS
scores and CSAF advisories of trusted providers into --dir, which scan --kb and kb build
then read. Requests are conditional (ETag, Last-Modified), NVD is incremental after the
first run, CSAF advisories are stored only when their hash and OpenPGP signature check
out. A killed run resumes where it stopped. Every base URL can point at a mirror.
The NVD API key can also come from MEDVIGIL_NVD_API_KEY.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := kbsync.Config{
				Dir: dir, OSVBase: osvBase, OSVEcosystems: ecosystems, NVDURL: nvdURL,
				NVDAPIKey: nvdKey, KEVURL: kevURL, EPSSURL: epssURL, CSAFProviders: providers,
				Logger: a.log,
			}
			if cfg.NVDAPIKey == "" {
				cfg.NVDAPIKey = os.Getenv("MEDVIGIL_NVD_API_KEY")
			}
			for _, s := range strings.Split(sources, ",") {
				if s = strings.TrimSpace(s); s != "" {
					cfg.Sources = append(cfg.Sources, kbsync.Source(strings.ToLower(s)))
				}
			}
			wantCSAF := len(cfg.Sources) == 0
			for _, s := range cfg.Sources {
				wantCSAF = wantCSAF || s == kbsync.SourceCSAF
			}
			if len(cfg.Sources) > 0 && wantCSAF && len(providers) == 0 {
				return &exitError{ExitError, errors.New("kb sync: --source csaf needs --csaf-provider")}
			}
			if isTerminal(a.stderr) {
				var mu sync.Mutex
				prog := newProgress(a.stderr, "sync", 0)
				defer prog.done()
				cfg.Progress = func(src kbsync.Source, done, total int, item string) {
					mu.Lock()
					defer mu.Unlock()
					prog.label, prog.total = "sync "+string(src), total
					prog.step(done, item)
				}
			}
			res, err := kbsync.Run(cmd.Context(), cfg)
			if err != nil {
				return &exitError{ExitError, err}
			}
			for _, r := range res.Sources {
				status := "ok"
				if r.Err != nil {
					status = "FAILED: " + r.Err.Error()
				}
				fmt.Fprintf(a.stderr, "%-5s %d fetched, %d not modified, %d files written, %d bytes, %d retries, %d warnings in %s: %s\n",
					r.Source, r.Fetched, r.NotModified, r.FilesWritten, r.Bytes, r.Retries, len(r.Warnings),
					r.Duration.Round(time.Millisecond), status)
				for _, w := range r.Warnings {
					fmt.Fprintf(a.stderr, "warning: %s: %s\n", r.Source, w)
				}
			}
			if asJSON {
				type src struct {
					kbsync.SourceResult
					Error string `json:"error,omitempty"`
				}
				out := struct {
					Dir      string        `json:"dir"`
					Sources  []src         `json:"sources"`
					Duration time.Duration `json:"duration_ns"`
				}{Dir: dir, Duration: res.Duration}
				for _, r := range res.Sources {
					s := src{SourceResult: r}
					if r.Err != nil {
						s.Error = r.Err.Error()
					}
					out.Sources = append(out.Sources, s)
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(out); err != nil {
					return &exitError{ExitError, err}
				}
			}
			if doImport {
				// What the mirror holds now (sources that failed keep their
				// previous files) becomes the server's knowledge base.
				if err := a.importMirror(cmd.Context(), db, dir, res); err != nil {
					return &exitError{ExitError, err}
				}
			}
			if err := res.Err(); err != nil {
				return &exitError{ExitError, fmt.Errorf("kb sync: %w", err)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "./medvigil-data/feeds", "mirror directory (pass it to scan --kb)")
	f.StringVar(&sources, "source", "", "sources to sync, comma-separated: osv,nvd,kev,epss,csaf (default all; csaf only with --csaf-provider)")
	f.StringVar(&osvBase, "osv-base-url", kbsync.DefaultOSVBase, "OSV bucket: archives are <url>/<ecosystem>/all.zip")
	f.StringSliceVar(&ecosystems, "osv-ecosystems", kbsync.DefaultOSVEcosystems(), "OSV ecosystems to mirror")
	f.StringVar(&nvdURL, "nvd-url", kbsync.DefaultNVDURL, "NVD CVE API 2.0 endpoint")
	f.StringVar(&nvdKey, "nvd-api-key", "", "NVD API key (default $MEDVIGIL_NVD_API_KEY): 50 instead of 5 requests per 30 s")
	f.StringVar(&kevURL, "kev-url", kbsync.DefaultKEVURL, "CISA KEV catalog URL")
	f.StringVar(&epssURL, "epss-url", kbsync.DefaultEPSSURL, "FIRST EPSS scores URL (.csv or .csv.gz)")
	f.StringArrayVar(&providers, "csaf-provider", nil, "CSAF provider: domain, base URL or provider-metadata.json URL (repeatable)")
	f.BoolVar(&asJSON, "json", false, "print the per-source result as JSON on stdout")
	f.BoolVar(&doImport, "import", true, "import the mirror into the server database afterwards (kb import); --import=false only mirrors")
	f.StringVar(&db, "db", "./medvigil-data/medvigil.db", "server database to import into: a SQLite path or postgres://…")
	return cmd
}

// importMirror loads the mirror into the server database (merging, as kb
// import does) and re-evaluates what changed.
func (a *app) importMirror(ctx context.Context, db, dir string, res kbsync.Result) error {
	ch, err := a.importInto(ctx, dbFlags{db: db}, []string{dir}, false, func(mon *monitor.Monitor) *monitor.SourcesMeta {
		return syncMeta(mon, res)
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", dir, err)
	}
	fmt.Fprintf(a.stderr, "imported into %s: knowledge base %d, %d advisories (%d added, %d modified, %d removed); %d versions re-evaluated: %d new, %d changed, %d resolved findings\n",
		redact(db), ch.SnapshotID, ch.Advisories, ch.Added, ch.Modified, ch.Removed, ch.Versions, ch.New, ch.Changed, ch.Resolved)
	return nil
}
