package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"medvigil/internal/monitor"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, m *monitor.Monitor) (*metrics, error) {
	mt := &metrics{reg: reg, requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "medvigil_http_request_duration_seconds",
		Help:    "HTTP request latency by route (the route pattern, not the raw path), method and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "code"})}
	cs := []prometheus.Collector{
		mt.requests,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "medvigil_kb_advisories", Help: "Advisories in the loaded knowledge base."},
			func() float64 { return float64(m.Status().Advisories) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "medvigil_kb_age_seconds", Help: "Age of the loaded knowledge-base snapshot (since it was built); -1 before the first."},
			func() float64 {
				st := m.Status()
				if st.Created.IsZero() {
					return -1
				}
				return time.Since(st.Created).Seconds()
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "medvigil_kb_kev", Help: "KEV marks in the loaded knowledge base."},
			func() float64 { return float64(m.Status().KEV) }),
	}
	cs = append(cs, feedCollector{m})
	// The Go and process collectors belong on a registry only once; a caller
	// that shares the registry with an Observer registers them here too.
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return mt, nil
}

func (mt *metrics) handler() http.Handler {
	return promhttp.HandlerFor(mt.reg, promhttp.HandlerOpts{})
}

func (mt *metrics) observe(route, method string, code int, d time.Duration) {
	mt.requests.WithLabelValues(route, method, httpCode(code)).Observe(d.Seconds())
}

func httpCode(c int) string {
	const digits = "0123456789"
	if c < 100 || c > 599 {
		return "other"
	}
	return string([]byte{digits[c/100], digits[c/10%10], digits[c%10]})
}

// observerFor registers the import and re-evaluation histograms on reg and
// returns the monitor hooks that feed them.
func observerFor(reg *prometheus.Registry) monitor.Observer {
	imp := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medvigil_sbom_import_duration_seconds",
		Help: "Time to import one SBOM: parse, store, match and record findings.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)})
	eval := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medvigil_reevaluate_duration_seconds",
		Help: "Time to re-evaluate the product versions a knowledge-base change touches.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)})
	versions := prometheus.NewCounter(prometheus.CounterOpts{Name: "medvigil_reevaluated_versions_total",
		Help: "Product versions re-evaluated after knowledge-base changes."})
	reg.MustRegister(imp, eval, versions)
	return monitor.Observer{
		Import: func(d time.Duration) { imp.Observe(d.Seconds()) },
		Evaluate: func(d time.Duration, n int) {
			eval.Observe(d.Seconds())
			versions.Add(float64(n))
		},
	}
}

// healthz answers while the process runs.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 when the database answers and a knowledge base is
// loaded, else 503 with the reason.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "knowledge_base": "ok"}
	ok := true
	if err := s.cfg.Store.Ping(ctx); err != nil {
		checks["database"] = err.Error()
		ok = false
	}
	if !s.cfg.Monitor.Ready() {
		checks["knowledge_base"] = "not loaded yet"
		ok = false
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, r, status, map[string]any{"ready": ok, "checks": checks})
}

// feedCollector reports each upstream feed's age (time since its last
// successful sync) and whether its last sync failed, from the loaded
// knowledge base's record of its feeds.
type feedCollector struct{ m *monitor.Monitor }

var (
	feedAgeDesc = prometheus.NewDesc("medvigil_feed_age_seconds",
		"Time since the feed last synced successfully (kb sync or the scheduled sync).", []string{"source"}, nil)
	feedFailedDesc = prometheus.NewDesc("medvigil_feed_last_sync_failed",
		"1 when the feed's last sync attempt failed, else 0.", []string{"source"}, nil)
)

func (c feedCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- feedAgeDesc
	ch <- feedFailedDesc
}

func (c feedCollector) Collect(ch chan<- prometheus.Metric) {
	now := time.Now()
	for _, f := range c.m.Feeds() {
		if !f.LastSuccess.IsZero() {
			ch <- prometheus.MustNewConstMetric(feedAgeDesc, prometheus.GaugeValue, now.Sub(f.LastSuccess).Seconds(), f.Source)
		}
		failed := 0.0
		if f.Error != "" {
			failed = 1
		}
		ch <- prometheus.MustNewConstMetric(feedFailedDesc, prometheus.GaugeValue, failed, f.Source)
	}
}
