package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"medvigil/internal/auth"
	"medvigil/internal/feeds"
	"medvigil/internal/input"
	"medvigil/internal/kbsync"
	"medvigil/internal/monitor"
	"medvigil/internal/notify"
	"medvigil/internal/server"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
)

// dbFlags are the flags of every command that opens the server database.
type dbFlags struct {
	data, db string
}

func (f *dbFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.data, "data", "./medvigil-data", "data directory (the SQLite database, the feed mirror)")
	cmd.Flags().StringVar(&f.db, "db", "", "database: postgres://… for PostgreSQL, else a SQLite path (default DATA/medvigil.db)")
	cmd.Flags().String("config", "", "configuration file of name = value lines (also MEDVIGIL_CONFIG)")
}

func (f *dbFlags) dsn() string {
	if f.db != "" {
		return f.db
	}
	return filepath.Join(f.data, "medvigil.db")
}

func (f *dbFlags) open(ctx context.Context, log *slog.Logger) (store.Store, error) {
	st, err := store.Open(ctx, f.dsn(), log)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return st, nil
}

// redact hides a password in a database URL for logs.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			cred := dsn[i+3 : at]
			if u, _, ok := strings.Cut(cred, ":"); ok {
				return dsn[:i+3] + u + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

type serveOptions struct {
	dbFlags
	addr                       string
	demo                       bool
	logFormat, logLevel        string
	syncInterval, refresh      time.Duration
	grace                      time.Duration
	maxSBOM                    int64
	smtpHost, smtpUser, smtpPW string
	smtpFrom, smtpTLS          string
	smtpPort                   int
	allowPrivate               bool
	syncSources                string
	csafProviders              []string
	// Upstream locations of the scheduled sync (mirrors, air-gapped sites).
	osvBase, nvdURL string
	kevURL, epssURL string
	osvEcosystems   []string
}

func (a *app) serveCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the medvigil server (API, monitoring, notifications) on SQLite or PostgreSQL",
		Long: `Serve runs the multi-tenant medvigil service. With no flags it keeps everything in
SQLite under ./medvigil-data; --db postgres://… uses PostgreSQL, where several serve
processes may share one database (scheduled work runs once).

Every flag can also be set by a MEDVIGIL_* environment variable (--sync-interval ←
MEDVIGIL_SYNC_INTERVAL) or a configuration file (--config); see docs/configuration.md.
--demo loads the shipped demo organization (fictional Northwind Medical Systems) and its
DEMO- advisories on first start, and prints the login.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd); err != nil {
				return &exitError{ExitError, err}
			}
			return a.serve(cmd.Context(), o)
		},
	}
	o.dbFlags.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address host:port")
	f.BoolVar(&o.demo, "demo", false, "load the shipped demo organization and data on first start")
	f.StringVar(&o.logFormat, "log-format", "json", "log format: json or text")
	f.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	f.DurationVar(&o.syncInterval, "sync-interval", 0, "download the feeds (kb sync) this often, e.g. 6h; 0 turns scheduled sync off")
	f.StringVar(&o.syncSources, "sync-sources", "osv,nvd,kev,epss", "sources of the scheduled sync (csaf needs --csaf-provider)")
	f.StringArrayVar(&o.csafProviders, "csaf-provider", nil, "CSAF provider domain or URL for the scheduled sync (repeatable)")
	f.StringVar(&o.osvBase, "osv-base-url", kbsync.DefaultOSVBase, "OSV bucket of the scheduled sync: archives are <url>/<ecosystem>/all.zip")
	f.StringSliceVar(&o.osvEcosystems, "osv-ecosystems", kbsync.DefaultOSVEcosystems(), "OSV ecosystems of the scheduled sync")
	f.StringVar(&o.nvdURL, "nvd-url", kbsync.DefaultNVDURL, "NVD CVE API 2.0 endpoint of the scheduled sync")
	f.StringVar(&o.kevURL, "kev-url", kbsync.DefaultKEVURL, "CISA KEV catalog URL of the scheduled sync")
	f.StringVar(&o.epssURL, "epss-url", kbsync.DefaultEPSSURL, "FIRST EPSS scores URL (.csv or .csv.gz) of the scheduled sync")
	f.DurationVar(&o.refresh, "refresh-interval", 30*time.Second, "how often to pick up a knowledge base another process imported")
	f.DurationVar(&o.grace, "shutdown-grace", 15*time.Second, "time requests in flight get to finish at shutdown")
	f.Int64Var(&o.maxSBOM, "max-sbom", 64<<20, "largest SBOM upload, in bytes")
	f.StringVar(&o.smtpHost, "smtp-host", "", "SMTP server for e-mail notifications")
	f.IntVar(&o.smtpPort, "smtp-port", 587, "SMTP port")
	f.StringVar(&o.smtpUser, "smtp-username", "", "SMTP user name")
	f.StringVar(&o.smtpPW, "smtp-password", "", "SMTP password (prefer MEDVIGIL_SMTP_PASSWORD)")
	f.StringVar(&o.smtpFrom, "smtp-from", "", "sender address of notification e-mails")
	f.StringVar(&o.smtpTLS, "smtp-tls", "starttls", "SMTP transport security: starttls, tls or none")
	f.BoolVar(&o.allowPrivate, "webhook-allow-private", false, "let webhooks reach loopback and private addresses (off: SSRF guard)")
	return cmd
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want json or text", format)
}

func (a *app) serve(ctx context.Context, o serveOptions) error {
	log, err := newLogger(a.stderr, o.logFormat, o.logLevel)
	if err != nil {
		return &exitError{ExitError, err}
	}
	st, err := o.open(ctx, log)
	if err != nil {
		return &exitError{ExitError, err}
	}
	defer st.Close()
	reg := prometheus.NewRegistry()
	host, _ := os.Hostname()
	nt := notify.New(notify.Config{Recorder: st, Logger: log, AllowPrivate: o.allowPrivate,
		SMTP: notify.SMTPConfig{Host: o.smtpHost, Port: o.smtpPort, Username: o.smtpUser, Password: o.smtpPW, From: o.smtpFrom, Mode: notify.TLSMode(o.smtpTLS)}})
	mon := monitor.New(monitor.Config{Store: st, Log: log, Notifier: nt, Observer: server.Observer(reg),
		Owner: fmt.Sprintf("%s:%d", host, os.Getpid()), MaxSBOM: o.maxSBOM, Shared: st.Dialect() == "postgres"})
	if err := mon.Start(ctx); err != nil {
		return &exitError{ExitError, err}
	}
	defer mon.Close() // after the HTTP server stopped: let notifications in flight finish
	var login *demoLogin
	if o.demo {
		login, err = seedDemo(ctx, st, mon, log)
		if err != nil {
			return &exitError{ExitError, fmt.Errorf("demo data: %w", err)}
		}
	}
	srv, err := server.New(server.Config{Store: st, Monitor: mon, Log: log, Registry: reg, MaxSBOM: o.maxSBOM, Version: Version, Demo: o.demo})
	if err != nil {
		return &exitError{ExitError, err}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return &exitError{ExitError, fmt.Errorf("listen on %s: %w", o.addr, err)}
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(a.stdout, "medvigil %s serving on %s (database: %s)\n", Version, url, redact(o.dsn()))
	fmt.Fprintf(a.stdout, "  API:     %s/api/v1/openapi.json\n  health:  %s/healthz  %s/readyz  %s/metrics\n", url, url, url, url)
	if login != nil {
		fmt.Fprintf(a.stdout, "  demo login: %s / %s  (DEMO data: fictional Northwind Medical Systems, DEMO- advisories)\n", login.email, login.password)
		fmt.Fprintf(a.stdout, "  try: TOKEN=$(curl -s -X POST %s/api/v1/auth/login -H 'Content-Type: application/json' -d '{\"email\":\"%s\",\"password\":\"%s\"}' | sed 's/.*\"secret\":\"\\([^\"]*\\)\".*/\\1/')\n", url, login.email, login.password)
		fmt.Fprintf(a.stdout, "       curl -s -H \"Authorization: Bearer $TOKEN\" '%s/api/v1/findings?kev=true'\n", url)
	}
	log.Info("serving", "addr", ln.Addr().String(), "database", st.Dialect())

	go a.refreshLoop(ctx, mon, o.refresh, log)
	if o.syncInterval > 0 {
		go a.syncLoop(ctx, st, mon, o, log)
	}
	if err := srv.ListenAndServe(ctx, ln, o.grace); err != nil {
		return &exitError{ExitError, err}
	}
	log.Info("stopped")
	return nil
}

// refreshLoop picks up knowledge bases imported by other processes.
func (a *app) refreshLoop(ctx context.Context, mon *monitor.Monitor, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := mon.Refresh(ctx); err != nil && ctx.Err() == nil {
				log.Warn("refresh knowledge base", "err", err)
			}
		}
	}
}

// syncLoop runs the scheduled sync: in each interval slot exactly one
// process on the database (the one whose ClaimRun wins) downloads the feeds,
// imports them and re-evaluates; the others pick the result up by refresh.
func (a *app) syncLoop(ctx context.Context, st store.Store, mon *monitor.Monitor, o serveOptions, log *slog.Logger) {
	host, _ := os.Hostname()
	owner := fmt.Sprintf("%s:%d", host, os.Getpid())
	run := func() {
		slot := time.Now().UTC().Truncate(o.syncInterval).Format(time.RFC3339)
		won, err := st.ClaimRun(ctx, "kb-sync", slot, owner)
		if err != nil {
			log.Warn("claim scheduled sync", "err", err)
			return
		}
		if !won {
			log.Debug("scheduled sync runs elsewhere", "slot", slot)
			return
		}
		if err := syncAndImport(ctx, mon, o, log); err != nil {
			log.Error("scheduled sync", "slot", slot, "err", err)
		}
	}
	run()
	t := time.NewTicker(o.syncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			run()
		}
	}
}

// syncAndImport mirrors the feeds into DATA/feeds and imports the mirror.
func syncAndImport(ctx context.Context, mon *monitor.Monitor, o serveOptions, log *slog.Logger) error {
	dir := filepath.Join(o.data, "feeds")
	cfg := kbsync.Config{Dir: dir, CSAFProviders: o.csafProviders, Logger: log, NVDAPIKey: os.Getenv("MEDVIGIL_NVD_API_KEY"),
		OSVBase: o.osvBase, OSVEcosystems: o.osvEcosystems, NVDURL: o.nvdURL, KEVURL: o.kevURL, EPSSURL: o.epssURL}
	for _, s := range strings.Split(o.syncSources, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Sources = append(cfg.Sources, kbsync.Source(s))
		}
	}
	res, err := kbsync.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	// Merge into the newest knowledge base on the database, not a stale
	// one: another process may have imported one since our last refresh.
	if _, err := mon.Refresh(ctx); err != nil {
		return err
	}
	_, err = importPaths(ctx, mon, []string{dir}, false, syncMeta(mon, res), log, nil)
	return err
}

// syncMeta records a sync in the snapshot's sources: each feed's result, its
// last success carried forward from the loaded knowledge base when it failed.
func syncMeta(mon *monitor.Monitor, res kbsync.Result) *monitor.SourcesMeta {
	now := time.Now().UTC()
	var feeds []monitor.FeedStatus
	for _, r := range res.Sources {
		f := monitor.FeedStatus{Source: string(r.Source), LastAttempt: now, Fetched: r.Fetched, NotModified: r.NotModified,
			Files: r.FilesWritten, Warnings: len(r.Warnings)}
		if r.Err != nil {
			f.Error = r.Err.Error()
		} else {
			f.LastSuccess = now
		}
		feeds = append(feeds, f)
	}
	return &monitor.SourcesMeta{Kind: "sync", Time: now, Feeds: monitor.MergeFeeds(mon.Feeds(), feeds)}
}

// importPaths loads knowledge-base files and makes them the knowledge base
// (merged into the current one unless replace), re-evaluating what changed.
func importPaths(ctx context.Context, mon *monitor.Monitor, paths []string, replace bool, meta *monitor.SourcesMeta, log *slog.Logger, progress feeds.Progress) (monitor.Change, error) {
	fresh := vuln.NewKB()
	warnings := 0
	_, st, err := feeds.Load(ctx, fresh, paths, func(e *input.Error) {
		warnings++
		log.Warn("knowledge base", "warning", e.Error())
	}, progress)
	if err != nil {
		return monitor.Change{}, err
	}
	kb := fresh
	if !replace {
		kb = monitor.Merge(mon.Index().KB(), fresh)
	}
	if meta == nil {
		// A manual import keeps the feeds' states of the loaded knowledge
		// base: their ages are still those of their last sync.
		meta = &monitor.SourcesMeta{Kind: "import", Time: time.Now().UTC(), Feeds: mon.Feeds(),
			Notes: map[string]any{"warnings": warnings, "records": st.Records}}
	}
	meta.Paths, meta.Files, meta.Skip = paths, st.Files, st.Skipped
	raw, err := json.Marshal(meta)
	if err != nil {
		return monitor.Change{}, fmt.Errorf("sources: %w", err)
	}
	return mon.ReplaceKB(ctx, kb, raw)
}

// importInto opens the database, loads its knowledge base and portfolio,
// and imports paths (see importPaths), with progress on a terminal. meta,
// when not nil, makes the snapshot's sources record from the loaded
// monitor (a sync's); nil records a manual import.
func (a *app) importInto(ctx context.Context, f dbFlags, paths []string, replace bool, meta func(*monitor.Monitor) *monitor.SourcesMeta) (monitor.Change, error) {
	st, err := f.open(ctx, a.log)
	if err != nil {
		return monitor.Change{}, err
	}
	defer st.Close()
	mon := monitor.New(monitor.Config{Store: st, Log: a.log})
	if err := mon.Start(ctx); err != nil {
		return monitor.Change{}, err
	}
	var m *monitor.SourcesMeta
	if meta != nil {
		m = meta(mon)
	}
	prog := newProgress(a.stderr, "importing", 0)
	defer prog.done()
	return importPaths(ctx, mon, paths, replace, m, a.log, func(done, total int, file string) {
		prog.total = total
		prog.step(done, file)
	})
}

// ---- kb import ----

func (a *app) kbImportCommand() *cobra.Command {
	var f dbFlags
	var replace bool
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Load knowledge-base files into the server database and re-evaluate what they change",
		Long: `Import reads OSV trees or all.zip, the CISA KEV catalog, FIRST EPSS, NVD CVE API 2.0 pages,
CSAF advisories and snapshots (recognized by content) and merges them into the server's
knowledge base (records with the same ID are replaced; --replace drops everything else).
The product versions whose packages the changed advisories name are re-evaluated, and
their new, changed and resolved findings become events. Running servers on the same
database pick the new knowledge base up within their --refresh-interval.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd); err != nil {
				return &exitError{ExitError, err}
			}
			ch, err := a.importInto(cmd.Context(), f, args, replace, nil)
			if err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintf(a.stdout, "knowledge base %d: %d advisories (%d added, %d modified, %d removed, %d KEV changes); %d versions re-evaluated: %d new, %d changed, %d resolved findings in %s\n",
				ch.SnapshotID, ch.Advisories, ch.Added, ch.Modified, ch.Removed, ch.KEVChanged, ch.Versions, ch.New, ch.Changed, ch.Resolved, ch.Duration.Round(time.Millisecond))
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&replace, "replace", false, "replace the knowledge base instead of merging into it")
	return cmd
}

// ---- backup ----

func (a *app) backupCommand() *cobra.Command {
	var f dbFlags
	var out string
	cmd := &cobra.Command{
		Use:   "backup -o FILE",
		Short: "Write a consistent copy of the SQLite database (PostgreSQL: use pg_dump)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd); err != nil {
				return &exitError{ExitError, err}
			}
			if out == "" {
				return &exitError{ExitError, errors.New("backup needs -o FILE")}
			}
			ctx := cmd.Context()
			st, err := f.open(ctx, a.log)
			if err != nil {
				return &exitError{ExitError, err}
			}
			defer st.Close()
			if err := st.Backup(ctx, out); err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintf(a.stderr, "wrote %s\n", out)
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "backup file to create (must not exist)")
	return cmd
}

// ---- admin ----

func (a *app) adminCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "admin", Short: "Bootstrap organizations, users and API tokens from the command line"}
	cmd.AddCommand(a.adminBootstrapCommand(), a.adminTokenCommand())
	return cmd
}

func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *app) adminBootstrapCommand() *cobra.Command {
	var f dbFlags
	var org, slug, kind, email, name, password string
	cmd := &cobra.Command{
		Use:   "bootstrap --org NAME --slug SLUG --kind manufacturer|hospital|both --email EMAIL",
		Short: "Create an organization with its first administrator and API token",
		Long: `Bootstrap creates an organization, its first administrator and an API token, in one
transaction. The password comes from --password or MEDVIGIL_PASSWORD; without either,
a random one is generated and printed. The token is printed once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd); err != nil {
				return &exitError{ExitError, err}
			}
			if org == "" || slug == "" || email == "" {
				return &exitError{ExitError, errors.New("admin bootstrap needs --org, --slug and --email")}
			}
			k := store.OrgKind(kind)
			if k != store.KindManufacturer && k != store.KindHospital && k != store.KindBoth {
				return &exitError{ExitError, fmt.Errorf("--kind %q: want manufacturer, hospital or both", kind)}
			}
			generated := false
			if password == "" {
				password, generated = randomPassword(), true
			}
			hash, err := auth.HashPassword(password)
			if err != nil {
				return &exitError{ExitError, err}
			}
			ctx := cmd.Context()
			st, err := f.open(ctx, a.log)
			if err != nil {
				return &exitError{ExitError, err}
			}
			defer st.Close()
			secret, thash, err := auth.NewToken()
			if err != nil {
				return &exitError{ExitError, err}
			}
			now := time.Now().UTC()
			err = st.InTx(ctx, func(q store.Queries) error {
				o, err := q.CreateOrg(ctx, store.Org{Slug: slug, Name: org, Kind: k, Created: now})
				if err != nil {
					return fmt.Errorf("organization %q: %w", slug, err)
				}
				u, err := q.CreateUser(ctx, store.User{OrgID: o.ID, Email: strings.ToLower(email), Name: name, Role: store.RoleAdmin, PasswordHash: hash, Created: now})
				if err != nil {
					return fmt.Errorf("user %s: %w", email, err)
				}
				_, err = q.CreateToken(ctx, store.Token{OrgID: o.ID, UserID: u.ID, Name: "bootstrap", Role: store.RoleAdmin,
					Prefix: auth.DisplayPrefix(secret), Hash: thash, Created: now})
				return err
			})
			if err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintf(a.stdout, "organization %s (%s) created with administrator %s\n", org, slug, email)
			if generated {
				fmt.Fprintf(a.stdout, "password: %s\n", password)
			}
			fmt.Fprintf(a.stdout, "API token (shown once): %s\n", secret)
			return nil
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&org, "org", "", "organization name")
	fl.StringVar(&slug, "slug", "", "organization slug (unique, URL-safe)")
	fl.StringVar(&kind, "kind", "manufacturer", "manufacturer, hospital or both")
	fl.StringVar(&email, "email", "", "administrator e-mail (login)")
	fl.StringVar(&name, "name", "", "administrator name")
	fl.StringVar(&password, "password", "", "administrator password (prefer MEDVIGIL_PASSWORD)")
	return cmd
}

func (a *app) adminTokenCommand() *cobra.Command {
	var f dbFlags
	var email, name, role string
	cmd := &cobra.Command{
		Use:   "token --email EMAIL --name NAME [--role ROLE]",
		Short: "Create an API token for a user (printed once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd); err != nil {
				return &exitError{ExitError, err}
			}
			if email == "" || name == "" {
				return &exitError{ExitError, errors.New("admin token needs --email and --name")}
			}
			ctx := cmd.Context()
			st, err := f.open(ctx, a.log)
			if err != nil {
				return &exitError{ExitError, err}
			}
			defer st.Close()
			u, err := st.GetUserByEmail(ctx, strings.ToLower(email))
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("user %s: %w", email, err)}
			}
			r := store.Role(role)
			if r == "" {
				r = u.Role
			}
			if !auth.ValidRole(r) || auth.Rank(r) > auth.Rank(u.Role) {
				return &exitError{ExitError, fmt.Errorf("--role %q: want admin, analyst or viewer, at most the user's role %s", role, u.Role)}
			}
			secret, hash, err := auth.NewToken()
			if err != nil {
				return &exitError{ExitError, err}
			}
			if _, err := st.CreateToken(ctx, store.Token{OrgID: u.OrgID, UserID: u.ID, Name: name, Role: r,
				Prefix: auth.DisplayPrefix(secret), Hash: hash, Created: time.Now().UTC()}); err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintln(a.stdout, secret)
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&email, "email", "", "the user's e-mail")
	cmd.Flags().StringVar(&name, "name", "", "what the token is for")
	cmd.Flags().StringVar(&role, "role", "", "admin, analyst or viewer (default: the user's role)")
	return cmd
}
