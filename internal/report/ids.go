package report

import (
	"net/url"
	"strings"

	"medvigil/internal/match"
	"medvigil/internal/vuln"
)

// idSource names the database that publishes a vulnerability ID, and the
// URL of that ID's record there. IDs of no known database get OSV, which
// aggregates most of them.
//
//	CVE-      NVD                           https://nvd.nist.gov/vuln/detail/<id>
//	GHSA-     GitHub Advisory Database      https://github.com/advisories/<id>
//	GO-       Go Vulnerability Database     https://pkg.go.dev/vuln/<id>
//	PYSEC-    PyPA Advisory Database        https://osv.dev/vulnerability/<id>
//	RUSTSEC-  RustSec Advisory Database     https://rustsec.org/advisories/<id>.html
//	ICSMA-    CISA (ICS medical advisories) https://www.cisa.gov/news-events/ics-medical-advisories/<id lower-cased>
//	ICSA-     CISA (ICS advisories)         https://www.cisa.gov/news-events/ics-advisories/<id lower-cased>
//	other     OSV                           https://osv.dev/vulnerability/<id>
//
// The PyPA database has no page per ID, so PYSEC records link to OSV. A
// CSAF-made ID "<tracking id>#<n>" links to its tracking ID's page.
func idSource(id string) (name, link string) {
	esc := url.PathEscape(id)
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD", "https://nvd.nist.gov/vuln/detail/" + esc
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub Advisory Database", "https://github.com/advisories/" + esc
	case strings.HasPrefix(id, "GO-"):
		return "Go Vulnerability Database", "https://pkg.go.dev/vuln/" + esc
	case strings.HasPrefix(id, "PYSEC-"):
		return "PyPA Advisory Database", osvURL(id)
	case strings.HasPrefix(id, "RUSTSEC-"):
		return "RustSec Advisory Database", "https://rustsec.org/advisories/" + esc + ".html"
	case strings.HasPrefix(id, "ICSMA-"):
		return "CISA", "https://www.cisa.gov/news-events/ics-medical-advisories/" + cisaSlug(id)
	case strings.HasPrefix(id, "ICSA-"):
		return "CISA", "https://www.cisa.gov/news-events/ics-advisories/" + cisaSlug(id)
	}
	return "OSV", osvURL(id)
}

// osvURL is the osv.dev page of id.
func osvURL(id string) string { return "https://osv.dev/vulnerability/" + url.PathEscape(id) }

// cisaSlug is the page name of a CISA advisory: the tracking ID, lower
// case, without a "#n" suffix.
func cisaSlug(id string) string {
	id, _, _ = strings.Cut(id, "#")
	return url.PathEscape(strings.ToLower(id))
}

// findingSource names the feed a finding was matched from, with the URL of
// the matching record: OSV and NVD by the advisory of the primary evidence,
// CSAF by its publisher (from the advisory's scores, else CISA for ICSMA and
// ICSA documents) and its "self" reference. Without evidence it falls back
// to idSource of the finding's ID.
func findingSource(f *match.Finding, advs []*vuln.Advisory) (name, link string) {
	ev := primaryEvidence(f)
	if ev == nil {
		return idSource(f.ID)
	}
	switch ev.Source {
	case vuln.SourceOSV:
		return "OSV", osvURL(ev.Advisory)
	case vuln.SourceNVD:
		return "NVD", "https://nvd.nist.gov/vuln/detail/" + url.PathEscape(ev.Advisory)
	case vuln.SourceCSAF:
		return csafSource(ev.Advisory, advs)
	case vuln.SourceDemo:
		return "medvigil demo data", ""
	}
	return idSource(f.ID)
}

func csafSource(advID string, advs []*vuln.Advisory) (name, link string) {
	doc := ""
	for _, a := range advs {
		if a.Source != vuln.SourceCSAF || a.ID != advID {
			continue
		}
		doc = a.Document
		for _, s := range a.Severities {
			if s.Source != "" {
				name = s.Source
				break
			}
		}
		for _, ref := range a.References {
			if ref.Type == "self" && absoluteURL(ref.URL) {
				link = ref.URL
				break
			}
		}
		break
	}
	if doc == "" {
		doc = advID
	}
	if strings.HasPrefix(doc, "ICSMA-") || strings.HasPrefix(doc, "ICSA-") {
		cisaName, cisaLink := idSource(doc)
		if name == "" {
			name = cisaName
		}
		if link == "" {
			link = cisaLink
		}
	}
	if name == "" {
		name = "CSAF"
	}
	return name, link
}

// absoluteURL reports whether s is an absolute http or https URL.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
