package kbsync

import (
	"log/slog"
	"net/http"
	"time"
)

// Source names one upstream source.
type Source string

// The sources Run knows, in the order it reports them.
const (
	SourceOSV  Source = "osv"
	SourceNVD  Source = "nvd"
	SourceKEV  Source = "kev"
	SourceEPSS Source = "epss"
	SourceCSAF Source = "csaf"
)

// AllSources lists every source in report order.
func AllSources() []Source {
	return []Source{SourceOSV, SourceNVD, SourceKEV, SourceEPSS, SourceCSAF}
}

// Default upstream locations.
const (
	DefaultOSVBase = "https://osv-vulnerabilities.storage.googleapis.com"
	DefaultNVDURL  = "https://services.nvd.nist.gov/rest/json/cves/2.0"
	DefaultKEVURL  = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	// DefaultEPSSURL is the current daily score file as FIRST documents it at
	// https://www.first.org/epss/data_stats (served by Empirical Security).
	DefaultEPSSURL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
	// DefaultUserAgent names medvigil to upstream servers.
	DefaultUserAgent = "medvigil-kbsync/1 (+https://github.com/medvigil/medvigil)"
)

// DefaultOSVEcosystems are the OSV ecosystems synced when Config.OSVEcosystems
// is empty: the package ecosystems found in medical-device SBOMs.
func DefaultOSVEcosystems() []string {
	return []string{"Go", "PyPI", "npm", "Maven", "NuGet", "crates.io", "Packagist", "RubyGems"}
}

// NVD API limits (https://nvd.nist.gov/developers/start-here): requests per
// rolling 30 seconds without and with an API key, and the longest
// lastModStartDate..lastModEndDate window.
const (
	NVDRequestsNoKey   = 5
	NVDRequestsWithKey = 50
	NVDRateWindow      = 30 * time.Second
	NVDMaxWindow       = 120 * 24 * time.Hour
	NVDPageSize        = 2000
)

// RateLimit allows Requests requests per rolling Window. A zero value means
// no limit.
type RateLimit struct {
	Requests int
	Window   time.Duration
}

// Progress is called as a source advances: done of total items (total 0
// when unknown) and the item being worked on.
type Progress func(src Source, done, total int, item string)

// Config says what Run downloads and where. Zero fields take the defaults
// named on each field.
type Config struct {
	// Dir is the mirror directory (required).
	Dir string
	// Sources to sync; empty means all.
	Sources []Source

	// OSVBase is the base URL; archives are <OSVBase>/<ecosystem>/all.zip.
	OSVBase string
	// OSVEcosystems to mirror; empty means DefaultOSVEcosystems.
	OSVEcosystems []string

	// NVDURL is the CVE API 2.0 endpoint.
	NVDURL string
	// NVDAPIKey, if set, is sent in the apiKey header and raises the rate limit.
	NVDAPIKey string
	// NVDRate overrides the NVD rate limit (default 5 or 50 per 30 s).
	NVDRate RateLimit
	// NVDPageSize is resultsPerPage (default and maximum 2000).
	NVDPageSize int
	// NVDMaxWindow caps one incremental window (default and maximum 120 days).
	NVDMaxWindow time.Duration

	// KEVURL and EPSSURL locate the KEV catalog and the EPSS score file.
	KEVURL  string
	EPSSURL string

	// CSAFProviders are provider domains ("example.com"), base URLs
	// ("https://example.com") or provider-metadata.json URLs.
	CSAFProviders []string

	// HTTPClient performs requests (default: a client with connect, TLS
	// and header timeouts and no overall timeout, so large archives finish).
	HTTPClient *http.Client
	// UserAgent is sent with every request (default DefaultUserAgent).
	UserAgent string
	// Retries is how many times a request is retried on 429, 5xx and network
	// errors (default 5; negative means none).
	Retries int
	// RetryBase is the first backoff delay, doubled per retry with full
	// jitter (default 1 s); RetryMax caps one delay, including Retry-After
	// (default 2 min).
	RetryBase time.Duration
	RetryMax  time.Duration
	// StallTimeout aborts a response body that delivers no byte for this
	// long (default 60 s).
	StallTimeout time.Duration
	// MaxArchive caps one OSV archive (default 4 GiB); MaxFile caps any
	// other download (default feeds.MaxFile).
	MaxArchive int64
	MaxFile    int64

	// Now returns the current time (default time.Now); tests pin it.
	Now func() time.Time
	// Progress, if not nil, receives progress per source.
	Progress Progress
	// Logger receives one record per warning and per source (default: discard).
	Logger *slog.Logger
}

func (c *Config) wants(s Source) bool {
	if len(c.Sources) == 0 {
		return true
	}
	for _, x := range c.Sources {
		if x == s {
			return true
		}
	}
	return false
}
