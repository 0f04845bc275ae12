package match

import (
	"medvigil/internal/vuln"
)

// Method says how a finding matched.
type Method string

// Matching methods.
const (
	MethodPURL         Method = "purl"          // OSV package + version range
	MethodCPE          Method = "cpe"           // NVD CPE criteria, component's own CPE
	MethodCPECandidate Method = "cpe-candidate" // NVD CPE criteria, CPE guessed from purl/name
	MethodCSAFPURL     Method = "csaf-purl"     // CSAF product_identification_helper.purl
	MethodCSAFCPE      Method = "csaf-cpe"      // CSAF product_identification_helper.cpe
	MethodCSAFName     Method = "csaf-name"     // CSAF vendor + product name + version
)

// Confidence grades a finding: exact identifiers (purl, the component's own
// CPE, CSAF helpers) are high; guessed CPEs and name matches are low and
// must be reviewed by a person.
type Confidence string

// Confidence grades.
const (
	ConfidenceHigh Confidence = "high"
	ConfidenceLow  Confidence = "low"
)

// ComponentRef identifies the component of a finding.
type ComponentRef struct {
	Ref     string   `json:"ref"`
	Name    string   `json:"name"`
	Version string   `json:"version,omitempty"`
	PURL    string   `json:"purl,omitempty"`
	CPEs    []string `json:"cpes,omitempty"`
}

// Evidence is one rule that matched: which advisory, how, and the rule
// itself (the range or criterion) so a person can check it.
type Evidence struct {
	Advisory   string      `json:"advisory"`
	Source     vuln.Source `json:"source"`
	Method     Method      `json:"method"`
	Confidence Confidence  `json:"confidence"`
	// Rule is e.g. `PyPI/requests ECOSYSTEM introduced 0, fixed 2.31.0` or
	// `cpe:2.3:a:openssl:openssl:*:… versionEndExcluding 1.0.2u`.
	Rule string `json:"rule"`
}

// Finding is one vulnerability of one component. A vulnerability known
// under several IDs (CVE, GHSA, GO-…) appears once, with all its IDs.
type Finding struct {
	Component ComponentRef `json:"component"`
	// ID is the preferred ID (a CVE when there is one); IDs are all of them.
	ID         string     `json:"id"`
	IDs        []string   `json:"ids"`
	Summary    string     `json:"summary,omitempty"`
	Severity   Severity   `json:"severity"`
	KEV        *vuln.KEV  `json:"kev,omitempty"`
	EPSS       *vuln.EPSS `json:"epss,omitempty"`
	Fixed      []string   `json:"fixed,omitempty"`
	Confidence Confidence `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
}

// Severity is the finding's severity: the highest CVSS base score among
// the vulnerability's advisories (newest CVSS version first on ties), else a
// qualitative rating.
type Severity struct {
	Rating string            `json:"rating"` // none, low, medium, high, critical, unknown
	Score  float64           `json:"score,omitempty"`
	Vector string            `json:"vector,omitempty"`
	Type   vuln.SeverityType `json:"type,omitempty"`
}

// Rank orders ratings: critical 4 … low 1, none and unknown 0.
func (s Severity) Rank() int { return RatingRank(s.Rating) }

// RatingRank orders rating names.
func RatingRank(r string) int {
	switch r {
	case "critical":
		return 4
	case "high":
		return 3
	case "medium", "moderate":
		return 2
	case "low":
		return 1
	}
	return 0
}

// RatingFromScore is the CVSS v3/v4 qualitative rating of a base score.
func RatingFromScore(s float64) string {
	switch {
	case s >= 9:
		return "critical"
	case s >= 7:
		return "high"
	case s >= 4:
		return "medium"
	case s > 0:
		return "low"
	}
	return "none"
}

func severityOf(advs []*vuln.Advisory) Severity {
	best := Severity{Rating: "unknown"}
	typeRank := func(t vuln.SeverityType) int {
		switch t {
		case vuln.CVSSv4:
			return 3
		case vuln.CVSSv3:
			return 2
		case vuln.CVSSv2:
			return 1
		}
		return 0
	}
	qual := ""
	for _, a := range advs {
		for _, s := range a.Severities {
			if s.Type == vuln.Qualitative {
				if RatingRank(normalizeRating(s.Rating)) > RatingRank(qual) {
					qual = normalizeRating(s.Rating)
				}
				continue
			}
			if s.Score <= 0 {
				continue
			}
			if s.Score > best.Score || (s.Score == best.Score && typeRank(s.Type) > typeRank(best.Type)) {
				best = Severity{Rating: RatingFromScore(s.Score), Score: s.Score, Vector: s.Vector, Type: s.Type}
			}
		}
	}
	if best.Score == 0 && qual != "" {
		best.Rating = qual
	}
	return best
}

func normalizeRating(r string) string {
	switch r {
	case "CRITICAL", "Critical", "critical":
		return "critical"
	case "HIGH", "High", "high":
		return "high"
	case "MODERATE", "Moderate", "moderate", "MEDIUM", "Medium", "medium":
		return "medium"
	case "LOW", "Low", "low":
		return "low"
	}
	return ""
}
