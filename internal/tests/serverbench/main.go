package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/package-url/packageurl-go"

	"medvigil/internal/auth"
	"medvigil/internal/monitor"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/sbom/synth"
	"medvigil/internal/server"
	"medvigil/internal/store"
	"medvigil/internal/vuln"
)

type options struct {
	db         string
	sboms      int
	components int
	bigImports int
	bigSize    int
	advisories int
	changed    int
	moved      int
	rounds     int
	rate       int
	duration   time.Duration
	jsonOut    string
	cpuProfile string
	phase      string
	routes     string
	reuse      bool
	debug      bool
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "", "database: postgres://… (an empty database) or a SQLite path (default: a new file in a temporary directory)")
	flag.IntVar(&o.sboms, "sboms", 1000, "SBOMs to load, one per product version")
	flag.IntVar(&o.components, "components", 500, "components per loaded SBOM")
	flag.IntVar(&o.bigImports, "imports", 10, "timed imports of the large SBOM")
	flag.IntVar(&o.bigSize, "import-components", 1000, "components of the timed SBOM")
	flag.IntVar(&o.advisories, "advisories", 3000, "advisories in the knowledge base")
	flag.IntVar(&o.changed, "changed", 1000, "advisories changed per re-evaluation round")
	flag.IntVar(&o.moved, "moved", -1, "of the changed advisories, how many move their range (default all; the others change only their modified time)")
	flag.IntVar(&o.rounds, "rounds", 3, "re-evaluation rounds")
	flag.IntVar(&o.rate, "rate", 200, "API requests per second")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long to drive the API")
	flag.StringVar(&o.jsonOut, "json", "", "also write the results as JSON to this file")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the re-evaluation rounds to this file")
	flag.StringVar(&o.phase, "profile-phase", "reevaluate", "phase -cpuprofile covers: api or reevaluate")
	flag.StringVar(&o.routes, "routes", "", "API routes to drive, comma-separated (default all): findings, findings-filter, findings-version, products, components, vulnerability")
	flag.BoolVar(&o.reuse, "reuse", false, "with -db naming a database an earlier run loaded: skip the load")
	flag.BoolVar(&o.debug, "debug", false, "log the monitor's debug records to stderr")
	flag.Parse()
	if o.moved < 0 || o.moved > o.changed {
		o.moved = o.changed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "serverbench:", err)
		os.Exit(1)
	}
}

// Results are the measured numbers.
type Results struct {
	Backend       string           `json:"backend"`
	SBOMs         int              `json:"sboms"`
	Components    int              `json:"components_per_sbom"`
	Findings      int              `json:"findings_after_load"`
	LoadTotal     time.Duration    `json:"load_total_ns"`
	LoadMedian    time.Duration    `json:"load_median_ns"`
	LoadP99       time.Duration    `json:"load_p99_ns"`
	ImportSize    int              `json:"import_components"`
	Imports       []time.Duration  `json:"import_ns"`
	ImportMedian  time.Duration    `json:"import_median_ns"`
	APIRate       int              `json:"api_rate"`
	APIRequests   int              `json:"api_requests"`
	APIErrors     int              `json:"api_errors"`
	APIP50        time.Duration    `json:"api_p50_ns"`
	APIP99        time.Duration    `json:"api_p99_ns"`
	APIMax        time.Duration    `json:"api_max_ns"`
	APIByRoute    map[string]Lat   `json:"api_by_route"`
	Advisories    int              `json:"advisories"`
	Changed       int              `json:"changed_advisories"`
	Moved         int              `json:"moved_advisories"`
	Reevaluations []monitor.Change `json:"reevaluations"`
	ReevalMedian  time.Duration    `json:"reevaluate_median_ns"`
}

// Lat is the latency of one route.
type Lat struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

func run(ctx context.Context, o options, out io.Writer) error {
	dsn := o.db
	if dsn == "" {
		dir, err := os.MkdirTemp("", "serverbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "bench.db")
	}
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	res := Results{Backend: st.Dialect(), SBOMs: o.sboms, Components: o.components, ImportSize: o.bigSize,
		APIRate: o.rate, Advisories: o.advisories, Changed: o.changed, Moved: o.moved}
	fmt.Fprintf(out, "backend %s: %d SBOMs × %d components, KB of %d advisories (%d changed per round, %d of them moving their range)\n",
		st.Dialect(), o.sboms, o.components, o.advisories, o.changed, o.moved)

	// Organization, caller, products and versions. With -db naming a
	// database an earlier run loaded, the load is skipped (-reuse).
	now := time.Now().UTC()
	org, err := st.GetOrgBySlug(ctx, "bench")
	reuse := err == nil
	switch {
	case reuse && !o.reuse:
		return errors.New("the database holds an earlier run: pass -reuse to measure on it, or an empty database")
	case errors.Is(err, store.ErrNotFound):
		org, err = st.CreateOrg(ctx, store.Org{Slug: "bench", Name: "Bench Medical", Kind: store.KindManufacturer, Created: now})
		if err != nil {
			return err
		}
		if _, err := st.CreateUser(ctx, store.User{OrgID: org.ID, Email: "bench@bench.example", Name: "Bench", Role: store.RoleViewer, PasswordHash: "-", Created: now}); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	u, err := st.GetUserByEmail(ctx, "bench@bench.example")
	if err != nil {
		return err
	}
	secret, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	if _, err := st.CreateToken(ctx, store.Token{OrgID: org.ID, UserID: u.ID, Name: "bench", Role: store.RoleViewer,
		Prefix: auth.DisplayPrefix(secret), Hash: hash, Created: now}); err != nil {
		return err
	}
	var versions, loaded []int64
	if reuse {
		if loaded, err = loadedVersions(ctx, st, org.ID); err != nil {
			return err
		}
		fmt.Fprintf(out, "reusing the %d loaded versions of an earlier run\n", len(loaded))
		if versions, err = makeVersions(ctx, st, org.ID, o.bigImports, fmt.Sprintf("Import %d", now.UnixNano())); err != nil {
			return err
		}
	} else {
		if loaded, err = makeVersions(ctx, st, org.ID, o.sboms, "Device"); err != nil {
			return err
		}
		if versions, err = makeVersions(ctx, st, org.ID, o.bigImports, fmt.Sprintf("Import %d", now.UnixNano())); err != nil {
			return err
		}
	}

	log := slog.New(slog.DiscardHandler)
	if o.debug {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	mon := monitor.New(monitor.Config{Store: st, Log: log})
	defer mon.Close()
	startAt := time.Now()
	if err := mon.Start(ctx); err != nil {
		return err
	}
	if reuse {
		// Start streams every stored component into the portfolio, as
		// Reconcile does before each re-evaluation on a shared database.
		fmt.Fprintf(out, "monitor start (portfolio from the store): %s\n", ms(time.Since(startAt)))
		t0 := time.Now()
		if _, _, err := mon.Reconcile(ctx); err != nil {
			return err
		}
		fmt.Fprintf(out, "portfolio reconcile (nothing new): %s\n", ms(time.Since(t0)))
	}
	pkgs := synthPackages()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if !reuse {
		if _, err := mon.ReplaceKB(ctx, benchKB(pkgs, o.advisories, 0, 0, 0, base), nil); err != nil {
			return err
		}
	}

	// Load the SBOMs.
	var loads []time.Duration
	loadStart := time.Now()
	for i := range len(loaded) {
		if reuse {
			break
		}
		data, err := encode(o.components, uint64(i+1))
		if err != nil {
			return err
		}
		t0 := time.Now()
		r, err := mon.ImportSBOM(ctx, org.ID, loaded[i], fmt.Sprintf("sbom-%04d.cdx.json", i), data)
		if err != nil {
			return fmt.Errorf("import SBOM %d: %w", i, err)
		}
		loads = append(loads, time.Since(t0))
		res.Findings += r.Total
		if (i+1)%100 == 0 {
			fmt.Fprintf(out, "  loaded %d SBOMs in %s\n", i+1, time.Since(loadStart).Round(time.Millisecond))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	res.LoadTotal = time.Since(loadStart)
	res.LoadMedian, res.LoadP99 = pct(loads, 50), pct(loads, 99)
	if !reuse {
		fmt.Fprintf(out, "load: %d SBOMs of %d components in %s (median %s, p99 %s per SBOM); %d findings\n",
			o.sboms, o.components, res.LoadTotal.Round(time.Millisecond), ms(res.LoadMedian), ms(res.LoadP99), res.Findings)
	}

	// Import a large SBOM, each time into a fresh version.
	for i := range o.bigImports {
		data, err := encode(o.bigSize, uint64(100000+i))
		if err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := mon.ImportSBOM(ctx, org.ID, versions[i], "big.cdx.json", data); err != nil {
			return fmt.Errorf("import large SBOM: %w", err)
		}
		res.Imports = append(res.Imports, time.Since(t0))
	}
	if len(res.Imports) > 0 {
		res.ImportMedian = pct(res.Imports, 50)
		fmt.Fprintf(out, "import: %d-component SBOM (parse, store, match, findings, events): median %s of %d (min %s, max %s)\n",
			o.bigSize, ms(res.ImportMedian), len(res.Imports), ms(slices.Min(res.Imports)), ms(slices.Max(res.Imports)))
	}

	// API reads at a fixed rate.
	srv, err := server.New(server.Config{Store: st, Monitor: mon})
	if err != nil {
		return err
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	if o.phase == "api" {
		stopProf, err := profile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProf()
	}
	if o.duration > 0 {
		if err := driveAPI(ctx, hs.URL, secret, loaded, o, &res); err != nil {
			return err
		}
		printAPI(out, o, &res)
	}

	// Re-evaluation after changing advisories.
	var evals []time.Duration
	if reuse && o.rounds > 0 {
		// Back to the unchanged knowledge base, so that every round
		// changes what its flags say relative to it.
		ch, err := mon.ReplaceKB(ctx, benchKB(pkgs, o.advisories, 0, 0, 0, base), nil)
		if err != nil {
			return fmt.Errorf("reset the knowledge base: %w", err)
		}
		fmt.Fprintf(out, "reset the knowledge base (not measured): %d versions re-evaluated in %s\n", ch.Versions, ms(ch.Reevaluate))
	}
	if o.phase == "reevaluate" {
		stopProf, err := profile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProf()
	}
	for r := 1; r <= o.rounds; r++ {
		ch, err := mon.ReplaceKB(ctx, benchKB(pkgs, o.advisories, o.changed, o.moved, r, base), nil)
		if err != nil {
			return fmt.Errorf("re-evaluation round %d: %w", r, err)
		}
		res.Reevaluations = append(res.Reevaluations, ch)
		evals = append(evals, ch.Reevaluate)
		fmt.Fprintf(out, "re-evaluate round %d: %d advisories modified, %d versions: %d new, %d changed, %d resolved findings in %s (ReplaceKB %s)\n",
			r, ch.Modified, ch.Versions, ch.New, ch.Changed, ch.Resolved, ms(ch.Reevaluate), ms(ch.Duration))
	}
	res.ReevalMedian = pct(evals, 50)
	if len(evals) > 0 {
		fmt.Fprintf(out, "re-evaluate: median %s of %d rounds\n", ms(res.ReevalMedian), len(evals))
	}
	if o.jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func printAPI(out io.Writer, o options, res *Results) {
	fmt.Fprintf(out, "api: %d GETs at %d/s for %s: p50 %s, p99 %s, max %s, %d errors\n",
		res.APIRequests, o.rate, o.duration, ms(res.APIP50), ms(res.APIP99), ms(res.APIMax), res.APIErrors)
	routes := make([]string, 0, len(res.APIByRoute))
	for r := range res.APIByRoute {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		l := res.APIByRoute[r]
		fmt.Fprintf(out, "  %-40s n=%-5d p50 %s  p99 %s  max %s\n", r, l.N, ms(l.P50), ms(l.P99), ms(l.Max))
	}
}

// profile starts a CPU profile into path (nothing when path is empty) and
// returns the function that stops it.
func profile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// pct returns the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

// loadedVersions returns the versions of an earlier run's load.
func loadedVersions(ctx context.Context, st store.Store, org int64) ([]int64, error) {
	var ids []int64
	ps, err := st.ListProducts(ctx, org, store.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if !strings.HasPrefix(p.Name, "Device ") {
			continue
		}
		vs, err := st.ListVersions(ctx, org, p.ID, store.Page{Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
	}
	return ids, nil
}

// makeVersions creates n versions spread over products of 100 versions.
func makeVersions(ctx context.Context, st store.Store, org int64, n int, prefix string) ([]int64, error) {
	now := time.Now().UTC()
	var ids []int64
	var prod int64
	for i := range n {
		if i%100 == 0 {
			p, err := st.CreateProduct(ctx, store.Product{OrgID: org, Name: fmt.Sprintf("%s %03d", prefix, i/100), Vendor: "Bench Medical", Created: now})
			if err != nil {
				return nil, err
			}
			prod = p.ID
		}
		v, err := st.CreateVersion(ctx, store.Version{OrgID: org, ProductID: prod, Version: fmt.Sprintf("%d.0", i%100), Created: now})
		if err != nil {
			return nil, err
		}
		ids = append(ids, v.ID)
	}
	return ids, nil
}

func encode(n int, seed uint64) ([]byte, error) {
	var buf bytes.Buffer
	if err := formats.Write(&buf, synth.Generate(n, seed), formats.TargetCycloneDXJSON); err != nil {
		return nil, fmt.Errorf("encode synthetic SBOM: %w", err)
	}
	return buf.Bytes(), nil
}

// pkg is an OSV package the synthetic SBOMs hold.
type pkg struct {
	ecosystem, name string
	rangeType       vuln.RangeType
}

// synthPackages returns the OSV packages of the synth generator's purls
// (its generic firmware components have no OSV ecosystem and are left out).
func synthPackages() []pkg {
	ecos := map[string]pkg{
		"npm":    {ecosystem: "npm", rangeType: vuln.RangeSemver},
		"golang": {ecosystem: "Go", rangeType: vuln.RangeSemver},
		"pypi":   {ecosystem: "PyPI", rangeType: vuln.RangeEcosystem},
		"maven":  {ecosystem: "Maven", rangeType: vuln.RangeEcosystem},
		"nuget":  {ecosystem: "NuGet", rangeType: vuln.RangeEcosystem},
	}
	seen := map[pkg]bool{}
	var out []pkg
	for _, c := range synth.Generate(5000, 1).Components {
		p, err := packageurl.FromString(c.PURL)
		if err != nil {
			continue
		}
		e, ok := ecos[p.Type]
		if !ok {
			continue
		}
		e.name = p.Name
		switch p.Type {
		case "maven":
			e.name = p.Namespace + ":" + p.Name
		case "golang":
			e.name = p.Namespace + "/" + p.Name
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b pkg) int { return strings.Compare(a.ecosystem+a.name, b.ecosystem+b.name) })
	return out
}

// benchKB returns n advisories over pkgs, each affecting two patch versions
// of one minor version (about 1 in 1,500 of the synth versions). In round r
// > 0 the first changed advisories carry a newer modified time, and the
// first moved of them move their range up by r patch versions: some
// findings resolve, some are new, and the fixed version of the others
// changes.
func benchKB(pkgs []pkg, n, changed, moved, round int, base time.Time) *vuln.KB {
	ratings := []string{"low", "medium", "high", "critical"}
	kb := vuln.NewKB()
	kev := map[string]vuln.KEV{}
	for k := range n {
		p := pkgs[k%len(pkgs)]
		major, minor, patch := (k/len(pkgs))%5, (k*7)%20, (k*13)%27
		mod := base
		if k < changed && round > 0 {
			mod = base.Add(time.Duration(round) * time.Hour)
			if k < moved {
				patch = (patch + round) % 27
			}
		}
		id := fmt.Sprintf("BENCH-%05d", k)
		cve := fmt.Sprintf("CVE-2090-%05d", k)
		a := &vuln.Advisory{ID: id, Aliases: []string{cve}, Summary: "synthetic advisory " + id,
			Published: base, Modified: mod, Source: vuln.SourceOSV,
			Severities: []vuln.Severity{{Type: vuln.Qualitative, Rating: ratings[k%len(ratings)]}},
			Affected: []vuln.Affected{{Ecosystem: p.ecosystem, Name: p.name, Ranges: []vuln.Range{{Type: p.rangeType, Events: []vuln.Event{
				{Introduced: fmt.Sprintf("%d.%d.%d", major, minor, patch)}, {Fixed: fmt.Sprintf("%d.%d.%d", major, minor, patch+2)}}}}}},
			Origin: vuln.Origin{File: "serverbench"}}
		kb.Add(a)
		if k%20 == 0 {
			kev[cve] = vuln.KEV{DateAdded: "2026-01-02"}
		}
	}
	kb.SetKEV(kev)
	return kb
}

// driveAPI sends GETs at o.rate per second for o.duration, each on its own
// schedule (open loop: a slow answer does not delay the next request), and
// records each latency from the scheduled start to the last byte read.
func driveAPI(ctx context.Context, base, token string, versions []int64, o options, res *Results) error {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}
	type route struct {
		key, name string
		path      func(i int) string
	}
	routes := []route{
		{"findings", "GET /findings", func(int) string { return "/api/v1/findings?limit=100" }},
		{"findings-filter", "GET /findings?severity=high&kev=true", func(int) string { return "/api/v1/findings?severity=high&kev=true&limit=100" }},
		{"findings-version", "GET /findings?version=V", func(i int) string {
			return fmt.Sprintf("/api/v1/findings?version=%d&limit=100", versions[(i*7919)%len(versions)])
		}},
		{"products", "GET /products", func(int) string { return "/api/v1/products" }},
		{"components", "GET /versions/V/components", func(i int) string {
			return fmt.Sprintf("/api/v1/versions/%d/components?limit=100", versions[(i*7919)%len(versions)])
		}},
		{"vulnerability", "GET /vulnerabilities/ID", func(i int) string {
			return fmt.Sprintf("/api/v1/vulnerabilities/BENCH-%05d", (i*31)%max(o.advisories, 1))
		}},
	}
	var use []route
	for _, r := range routes {
		if o.routes == "" || slices.Contains(strings.Split(o.routes, ","), r.key) {
			use = append(use, r)
		}
	}
	if len(use) == 0 {
		return fmt.Errorf("-routes %q names no route", o.routes)
	}
	urls := func(i int) (string, string) {
		r := use[i%len(use)]
		return r.name, r.path(i / len(use))
	}
	type sample struct {
		route string
		d     time.Duration
		err   error
	}
	total := int(o.duration.Seconds() * float64(o.rate))
	interval := time.Second / time.Duration(o.rate)
	samples := make([]sample, total)
	var wg sync.WaitGroup
	start := time.Now().Add(50 * time.Millisecond)
	for i := range total {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		route, path := urls(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("%s: status %d", path, resp.StatusCode)
				}
			}
			samples[i] = sample{route, time.Since(at), err}
		}()
	}
	wg.Wait()
	var all []time.Duration
	byRoute := map[string][]time.Duration{}
	var firstErr error
	for _, s := range samples {
		if s.err != nil {
			res.APIErrors++
			if firstErr == nil {
				firstErr = s.err
			}
			continue
		}
		all = append(all, s.d)
		byRoute[s.route] = append(byRoute[s.route], s.d)
	}
	res.APIRequests = total
	res.APIP50, res.APIP99 = pct(all, 50), pct(all, 99)
	if len(all) > 0 {
		res.APIMax = slices.Max(all)
	}
	res.APIByRoute = map[string]Lat{}
	for r, ds := range byRoute {
		res.APIByRoute[r] = Lat{N: len(ds), P50: pct(ds, 50), P99: pct(ds, 99), Max: slices.Max(ds)}
	}
	if firstErr != nil {
		if errors.Is(firstErr, context.Canceled) {
			return firstErr
		}
		fmt.Fprintf(os.Stderr, "serverbench: %d of %d API requests failed (not counted in the latencies), first: %v\n", res.APIErrors, total, firstErr)
	}
	return nil
}
