package spdx

import (
	"medvigil/internal/sbom"
	"strconv"
	"strings"

	"github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// licenseNameComment marks the hasExtractedLicensingInfos entries medvigil
// writes for licenses known only by a name that is no SPDX license
// expression ("ASL 2.0 and BSD"): the name is written as LicenseRef-<name,
// sanitized>, with the name as extractedText and name. Decode reads such a
// LicenseRef back as the name; any other LicenseRef stays as written.
const licenseNameComment = "medvigil: a license known only by this name in the source SBOM"

// licenseRefs collects the LicenseRef identifiers that license expressions
// use and the hasExtractedLicensingInfos entries that define them.
type licenseRefs struct {
	byName  map[string]string // name -> LicenseRef written for it
	used    map[string]bool   // every LicenseRef- identifier in use
	entries []*v2_3.OtherLicense
}

// expression returns the SPDX license expression to write for a model
// license string: s itself when it is an expression, otherwise a
// LicenseRef made from s, defined with s as its text.
func (r *licenseRefs) expression(s string) string {
	if sbom.IsLicenseExpression(s) {
		for _, t := range sbom.LicenseExpressionTokens(s) {
			if strings.HasPrefix(t, "LicenseRef-") {
				r.define(t, "", "")
			}
		}
		return s
	}
	if id, ok := r.byName[s]; ok {
		return id
	}
	base := "LicenseRef-" + sanitizeID(s)
	id := base
	for n := 2; r.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	r.byName[s] = id
	r.define(id, s, licenseNameComment)
	return id
}

// define records a hasExtractedLicensingInfos entry for id once. A
// LicenseRef taken over from the source, whose text the model does not
// keep, gets NOASSERTION as its text.
func (r *licenseRefs) define(id, text, comment string) {
	if r.used[id] {
		return
	}
	r.used[id] = true
	l := &v2_3.OtherLicense{LicenseIdentifier: id, ExtractedText: text, LicenseName: text, LicenseComment: comment}
	if text == "" {
		l.ExtractedText = noAssertion
		l.LicenseName = ""
		l.LicenseComment = "medvigil: defined in the source SBOM; its text was not kept"
	}
	r.entries = append(r.entries, l)
}
