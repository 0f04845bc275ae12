package vuln

import "time"

// Source names the feed an advisory came from.
type Source string

// The sources medvigil reads.
const (
	SourceOSV  Source = "osv"
	SourceNVD  Source = "nvd"
	SourceCSAF Source = "csaf"
	SourceDemo Source = "demo"
)

// Advisory is one vulnerability record from one source.
type Advisory struct {
	// ID is the record's own ID (GHSA-…, GO-…, CVE-…, ICSMA-…).
	ID string `json:"id"`
	// Aliases are other IDs of the same vulnerability (OSV aliases, CVEs
	// named by a CSAF document, …). They never include ID.
	Aliases []string `json:"aliases,omitempty"`
	// Related are IDs of related but different vulnerabilities (OSV related).
	Related []string `json:"related,omitempty"`

	Summary   string    `json:"summary,omitempty"`
	Details   string    `json:"details,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	// Withdrawn is set when the source withdrew the record; matching skips it.
	Withdrawn time.Time `json:"withdrawn,omitzero"`

	Severities []Severity  `json:"severities,omitempty"`
	CWEs       []string    `json:"cwes,omitempty"`
	References []Reference `json:"references,omitempty"`

	// Affected lists packages (purl-like identity + version ranges), for
	// OSV, and products (purl/CPE helpers or vendor+product+version), for CSAF.
	Affected []Affected `json:"affected,omitempty"`
	// CPEConfigs are NVD configuration nodes flattened to match criteria.
	CPEConfigs []CPEMatch `json:"cpe_configs,omitempty"`

	// Remediations are CSAF remediations or OSV fixed versions in prose.
	Remediations []Remediation `json:"remediations,omitempty"`

	KEV  *KEV  `json:"kev,omitempty"`
	EPSS *EPSS `json:"epss,omitempty"`

	Source Source `json:"source"`
	// Document is the advisory document that carried the record when it is
	// not the record itself: the CSAF tracking ID (ICSMA-24-…), whose
	// vulnerabilities each become one Advisory.
	Document string `json:"document,omitempty"`
	// Origin names the file and place the record was read from.
	Origin Origin `json:"origin"`
}

// Origin is where a record was read: a file (or file inside a zip archive,
// "all.zip!GHSA-x.json") and a JSON pointer in it.
type Origin struct {
	File    string `json:"file"`
	Pointer string `json:"pointer,omitempty"`
}

// IsWithdrawn reports whether the source withdrew the record.
func (a *Advisory) IsWithdrawn() bool { return !a.Withdrawn.IsZero() }

// IDs returns ID followed by the aliases.
func (a *Advisory) IDs() []string { return append([]string{a.ID}, a.Aliases...) }

// SeverityType is the scoring system of a Severity.
type SeverityType string

// Scoring systems.
const (
	CVSSv2 SeverityType = "CVSS_V2"
	CVSSv3 SeverityType = "CVSS_V3" // 3.0 and 3.1
	CVSSv4 SeverityType = "CVSS_V4"
	// Qualitative is a text rating ("HIGH", "Moderate") without a vector.
	Qualitative SeverityType = "QUALITATIVE"
)

// Severity is one severity statement.
type Severity struct {
	Type   SeverityType `json:"type"`
	Vector string       `json:"vector,omitempty"`
	// Score is the base score (0–10), computed from Vector when the source
	// gives none; 0 with an empty Vector means unknown.
	Score float64 `json:"score,omitempty"`
	// Rating is "none", "low", "medium", "high" or "critical".
	Rating string `json:"rating,omitempty"`
	// Source is who scored (NVD "Primary", a CNA, the CSAF publisher).
	Source string `json:"source,omitempty"`
}

// Reference is a link with its kind (OSV reference type, NVD tags).
type Reference struct {
	Type string `json:"type,omitempty"`
	URL  string `json:"url"`
}

// Remediation is a fix, mitigation or workaround statement (CSAF 2.0
// section 3.2.3.12), or a fixed version.
type Remediation struct {
	// Category is "vendor_fix", "mitigation", "workaround", "no_fix_planned",
	// "none_available" (CSAF) or "fixed_version".
	Category string   `json:"category"`
	Details  string   `json:"details,omitempty"`
	URL      string   `json:"url,omitempty"`
	Products []string `json:"products,omitempty"`
}

// KEV is the CISA Known Exploited Vulnerabilities mark of a CVE.
type KEV struct {
	DateAdded      string `json:"date_added"` // YYYY-MM-DD
	DueDate        string `json:"due_date,omitempty"`
	RansomwareUse  string `json:"ransomware_use,omitempty"` // "Known" or "Unknown"
	VendorProject  string `json:"vendor_project,omitempty"`
	Product        string `json:"product,omitempty"`
	Name           string `json:"name,omitempty"`
	RequiredAction string `json:"required_action,omitempty"`
	CatalogVersion string `json:"catalog_version,omitempty"`
}

// EPSS is the FIRST Exploit Prediction Scoring System mark of a CVE.
type EPSS struct {
	Score      float64 `json:"score"`      // probability 0–1
	Percentile float64 `json:"percentile"` // 0–1
	Date       string  `json:"date"`       // YYYY-MM-DD of the scores
}
