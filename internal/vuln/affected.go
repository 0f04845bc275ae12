package vuln

// Affected is one affected package or product and the versions affected.
type Affected struct {
	// Ecosystem is the OSV ecosystem ("npm", "PyPI", "Go", "Maven",
	// "crates.io", "RubyGems", "NuGet", "Packagist", "Pub", "Hex",
	// "Debian:12", "Alpine:v3.18", …); empty for products known only by
	// CPE or by vendor and product name.
	Ecosystem string `json:"ecosystem,omitempty"`
	// Name is the package name as the ecosystem spells it (Maven
	// "group:artifact", Go module path).
	Name string `json:"name,omitempty"`
	// PURL is a package URL identifying the package (without version) or,
	// for CSAF products, the exact product version.
	PURL string `json:"purl,omitempty"`
	// CPE identifies the product (CSAF product_identification_helper.cpe).
	CPE string `json:"cpe,omitempty"`
	// Vendor, Product and Version name a product that has no identifier
	// (CSAF branches: vendor → product_name → product_version or
	// product_version_range).
	Vendor  string `json:"vendor,omitempty"`
	Product string `json:"product,omitempty"`
	// ProductID is the CSAF product_id this entry was built from.
	ProductID string `json:"product_id,omitempty"`

	Ranges []Range `json:"ranges,omitempty"`
	// Versions lists affected versions exactly (OSV "versions", a CSAF
	// product_version).
	Versions []string `json:"versions,omitempty"`
	// VersRange is a vers: range (CSAF product_version_range), e.g.
	// "vers:generic/>=2.0|<2.4.1".
	VersRange string `json:"vers_range,omitempty"`
	// Status is the CSAF product status of this product ("known_affected",
	// "fixed", "first_fixed", "known_not_affected", "under_investigation",
	// "recommended", …); empty for OSV and NVD, meaning affected.
	Status string `json:"status,omitempty"`
}

// RangeType is the OSV range type.
type RangeType string

// OSV range types.
const (
	RangeSemver    RangeType = "SEMVER"
	RangeEcosystem RangeType = "ECOSYSTEM"
	RangeGit       RangeType = "GIT"
)

// Range is an OSV range: events in order, each introducing or ending an
// affected interval.
type Range struct {
	Type   RangeType `json:"type"`
	Repo   string    `json:"repo,omitempty"`
	Events []Event   `json:"events"`
}

// Event is one OSV range event; exactly one field is set. Introduced "0"
// means "from the first version".
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// CPEMatch is one NVD cpeMatch criterion (NVD CVE API 2.0): a CPE 2.3
// formatted string with optional version bounds. Only vulnerable criteria
// are kept for matching; Config groups criteria of one configuration, and
// Node the criteria of one node within it (an OR list).
type CPEMatch struct {
	Criteria              string `json:"criteria"`
	MatchCriteriaID       string `json:"match_criteria_id,omitempty"`
	Vulnerable            bool   `json:"vulnerable"`
	VersionStartIncluding string `json:"version_start_including,omitempty"`
	VersionStartExcluding string `json:"version_start_excluding,omitempty"`
	VersionEndIncluding   string `json:"version_end_including,omitempty"`
	VersionEndExcluding   string `json:"version_end_excluding,omitempty"`
	Config                int    `json:"config"`
	Node                  int    `json:"node"`
	// Operator is the node operator ("OR"/"AND") and Negate its negation.
	Operator string `json:"operator,omitempty"`
	Negate   bool   `json:"negate,omitempty"`
	// ConfigOperator is the configuration operator: "AND" when a running-on
	// platform node accompanies the vulnerable node.
	ConfigOperator string `json:"config_operator,omitempty"`
}
