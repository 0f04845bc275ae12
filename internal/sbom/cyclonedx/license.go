package cyclonedx

import (
	"medvigil/internal/sbom"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// licenseChoices writes licenses so that the CycloneDX 1.6 schema accepts
// them: its licenseChoice is either a list of licenses or exactly one
// expression. A sole license that is a compound SPDX expression (or a
// LicenseRef or "+" form) is written as an expression; otherwise each
// license is written as license.id when it is an SPDX identifier the schema
// lists, and as license.name when it is not (an unknown identifier, a free
// name, or an expression among several licenses), so no string is lost.
func licenseChoices(ls []string) *cdx.Licenses {
	var out cdx.Licenses
	for _, l := range ls {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if isSPDXLicenseID(l) {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l}})
		} else {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
	}
	if len(out) == 1 && out[0].License.Name != "" && sbom.IsCompoundLicenseExpression(out[0].License.Name) {
		out[0] = cdx.LicenseChoice{Expression: out[0].License.Name}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}
