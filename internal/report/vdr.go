package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"medvigil/internal/match"
	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

// Property names of the VDR. Names under "medvigil:" are medvigil's own
// (CycloneDX 1.6 properties: "name/value pairs ... may be duplicated").
const (
	// PropSBOMFile is, on each VDR component, the file of the SBOM it comes
	// from, and on metadata, once per scanned SBOM.
	PropSBOMFile = "medvigil:sbom-file"
	// PropSBOMRef is, on each VDR component, its ref in that SBOM (the
	// bom-ref without the "s<n>:" prefix added for several SBOMs).
	PropSBOMRef = "medvigil:sbom-ref"
	// PropCPE holds each CPE of a component but the one in "cpe" (the name
	// internal/sbom/cyclonedx uses too).
	PropCPE = "medvigil:cpe"

	// PropKEVDateAdded and PropKEVDueDate are, on a vulnerability, the
	// CISA KEV dates (YYYY-MM-DD) when it is known exploited.
	PropKEVDateAdded = "medvigil:kev:date-added"
	PropKEVDueDate   = "medvigil:kev:due-date"
	// PropEPSSScore and PropEPSSPercentile are, on a vulnerability, its
	// FIRST EPSS probability and percentile (0 to 1).
	PropEPSSScore      = "medvigil:epss:score"
	PropEPSSPercentile = "medvigil:epss:percentile"
	// PropMatchRef starts, on a vulnerability, the match of one affected
	// component (its bom-ref); the PropMatchMethod, PropMatchConfidence and
	// PropMatchRule properties that follow it describe that match.
	PropMatchRef        = "medvigil:match:ref"
	PropMatchMethod     = "medvigil:match:method"
	PropMatchConfidence = "medvigil:match:confidence"
	PropMatchRule       = "medvigil:match:rule"
)

const cdxSchema16 = "http://cyclonedx.org/schema/bom-1.6.schema.json"

// writeVDR writes one CycloneDX 1.6 JSON BOM that is a vulnerability
// disclosure report:
//
//   - metadata: timestamp (Result.Time), tools.components = the scanner, and
//     one PropSBOMFile property per scanned SBOM;
//   - components: exactly the affected components, scan by scan in SBOM
//     order, each with a unique bom-ref (the SBOM ref, prefixed "s<n>:",
//     n counting scans from 1, when there are several scans), type, group,
//     name, version, purl, the first CPE in "cpe" and the others as PropCPE
//     properties, and the PropSBOMFile and PropSBOMRef properties;
//   - vulnerabilities: one per vulnerability ID, most urgent first
//     (Compare), with id; source, the feed that matched (findingSource);
//     references, every alias with the database that publishes it
//     (idSource); ratings; cwes; description (the summary); detail;
//     recommendation ("Upgrade name@version to …"); published and updated;
//     affects, the bom-ref of every affected component; and properties:
//     PropKEVDateAdded, PropKEVDueDate, PropEPSSScore, PropEPSSPercentile,
//     then for each affected component, in affects order, PropMatchRef (its
//     bom-ref) followed by the PropMatchMethod, PropMatchConfidence and
//     PropMatchRule of that component's match.
//
// So the (component, vulnerability ID) pairs are the affects of each
// vulnerability, and the SBOM file and ref of each component are its
// PropSBOMFile and PropSBOMRef.
func writeVDR(w io.Writer, r *Result) error {
	lk := newLookup(r.Lookup)
	multi := len(r.Scans) > 1
	bom := &cdx.BOM{
		JSONSchema:  cdxSchema16,
		BOMFormat:   cdx.BOMFormat,
		SpecVersion: cdx.SpecVersion1_6,
		Version:     1,
		Metadata:    vdrMetadata(r),
	}

	// Components: per scan, the affected ones in SBOM order.
	components := []cdx.Component{}
	bomRefs := make([]map[string]string, len(r.Scans)) // per scan: finding key → bom-ref
	used := map[string]bool{}
	for i := range r.Scans {
		s := &r.Scans[i]
		bomRefs[i] = map[string]string{}
		affected := map[string]*match.Finding{}
		var order []string // finding keys in first-seen order
		for j := range s.Findings {
			k := componentKey(s.Findings[j].Component)
			if _, ok := affected[k]; !ok {
				affected[k] = &s.Findings[j]
				order = append(order, k)
			}
		}
		var keys []string
		var docComps []*sbom.Component
		listed := map[string]bool{}
		if s.Doc != nil {
			for c := range s.Doc.Components {
				dc := &s.Doc.Components[c]
				if _, ok := affected[dc.Ref]; ok && dc.Ref != "" && !listed[dc.Ref] {
					listed[dc.Ref] = true
					keys = append(keys, dc.Ref)
					docComps = append(docComps, dc)
				}
			}
		}
		for _, k := range order {
			if !listed[k] {
				listed[k] = true
				keys = append(keys, k)
				docComps = append(docComps, nil)
			}
		}
		for n, k := range keys {
			ref := affected[k].Component
			bref := ref.Ref
			if bref == "" {
				bref = "component-" + strconv.Itoa(n+1)
			}
			if multi {
				bref = "s" + strconv.Itoa(i+1) + ":" + bref
			}
			for base, dup := bref, 2; used[bref]; dup++ {
				bref = base + "#" + strconv.Itoa(dup)
			}
			used[bref] = true
			bomRefs[i][k] = bref
			components = append(components, vdrComponent(bref, s.File, ref, docComps[n]))
		}
	}
	bom.Components = &components

	// Vulnerabilities: one per ID, most urgent first.
	vulns := []cdx.Vulnerability{}
	index := map[string]int{}
	byID := map[string][]item{}
	for _, it := range sortedItems(r) {
		if _, ok := index[it.f.ID]; !ok {
			index[it.f.ID] = len(index)
		}
		byID[it.f.ID] = append(byID[it.f.ID], it)
	}
	vulns = make([]cdx.Vulnerability, len(index))
	for id, n := range index {
		vulns[n] = vdrVulnerability(byID[id], bomRefs, lk)
	}
	bom.Vulnerabilities = &vulns

	e := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false)
	return e.Encode(bom)
}

// componentKey identifies a finding's component within one scan: its ref,
// or its name, version and purl when it has none.
func componentKey(c match.ComponentRef) string {
	if c.Ref != "" {
		return c.Ref
	}
	return "\x00" + c.Name + "\x00" + c.Version + "\x00" + c.PURL
}

func vdrMetadata(r *Result) *cdx.Metadata {
	tool := cdx.Component{Type: cdx.ComponentTypeApplication, Name: toolName(r), Version: r.Version}
	if absoluteURL(r.InformationURI) {
		tool.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeWebsite, URL: r.InformationURI}}
	}
	md := &cdx.Metadata{Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{tool}}}
	if !r.Time.IsZero() {
		md.Timestamp = r.Time.UTC().Format(time.RFC3339)
	}
	var props []cdx.Property
	for i := range r.Scans {
		props = append(props, cdx.Property{Name: PropSBOMFile, Value: r.Scans[i].File})
	}
	if len(props) > 0 {
		md.Properties = &props
	}
	return md
}

// cdxType returns t when it is a CycloneDX 1.6 component type, else
// "library" (SPDX purposes such as "source" or "archive" have no match).
func cdxType(t string) cdx.ComponentType {
	switch ct := cdx.ComponentType(t); ct {
	case cdx.ComponentTypeApplication, cdx.ComponentTypeContainer, cdx.ComponentTypeCryptographicAsset,
		cdx.ComponentTypeData, cdx.ComponentTypeDevice, cdx.ComponentTypeDeviceDriver, cdx.ComponentTypeFile,
		cdx.ComponentTypeFirmware, cdx.ComponentTypeFramework, cdx.ComponentTypeLibrary,
		cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeOS, cdx.ComponentTypePlatform:
		return ct
	}
	return cdx.ComponentTypeLibrary
}

// vdrComponent builds the VDR component: identity from the SBOM component
// dc when known, else from the finding's ref.
func vdrComponent(bref, file string, ref match.ComponentRef, dc *sbom.Component) cdx.Component {
	c := cdx.Component{
		BOMRef:     bref,
		Type:       cdx.ComponentTypeLibrary,
		Name:       ref.Name,
		Version:    ref.Version,
		PackageURL: ref.PURL,
	}
	cpes := ref.CPEs
	if dc != nil {
		c.Type = cdxType(dc.Type)
		c.Group, c.Name, c.Version, c.PackageURL = dc.Group, dc.Name, dc.Version, dc.PURL
		cpes = dc.CPEs
	}
	var props []cdx.Property
	if len(cpes) > 0 {
		c.CPE = cpes[0]
		for _, x := range cpes[1:] {
			props = append(props, cdx.Property{Name: PropCPE, Value: x})
		}
	}
	props = append(props,
		cdx.Property{Name: PropSBOMFile, Value: file},
		cdx.Property{Name: PropSBOMRef, Value: ref.Ref})
	c.Properties = &props
	return c
}

// vdrVulnerability builds the entry of one vulnerability from its findings
// (most urgent first) across scans.
func vdrVulnerability(items []item, bomRefs []map[string]string, lk *lookup) cdx.Vulnerability {
	f := items[0].f
	advs := lk.advisories(f)
	v := cdx.Vulnerability{ID: f.ID, Description: f.Summary}
	name, link := findingSource(f, advs)
	v.Source = &cdx.Source{Name: name, URL: link}

	if al := aliases(f); len(al) > 0 {
		refs := make([]cdx.VulnerabilityReference, 0, len(al))
		for _, a := range al {
			n, u := idSource(a)
			refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: n, URL: u}})
		}
		v.References = &refs
	}
	if ratings := vdrRatings(f, advs); len(ratings) > 0 {
		v.Ratings = &ratings
	}
	if cwes := cweIDs(advs); len(cwes) > 0 {
		v.CWEs = &cwes
	}
	if d := details(advs); d != "" && d != f.Summary {
		v.Detail = d
	}
	v.Published, v.Updated = advisoryDates(advs)

	var props []cdx.Property
	if f.KEV != nil {
		props = append(props, cdx.Property{Name: PropKEVDateAdded, Value: f.KEV.DateAdded})
		if f.KEV.DueDate != "" {
			props = append(props, cdx.Property{Name: PropKEVDueDate, Value: f.KEV.DueDate})
		}
	}
	if f.EPSS != nil {
		props = append(props,
			cdx.Property{Name: PropEPSSScore, Value: strconv.FormatFloat(f.EPSS.Score, 'f', -1, 64)},
			cdx.Property{Name: PropEPSSPercentile, Value: strconv.FormatFloat(f.EPSS.Percentile, 'f', -1, 64)})
	}
	var affects []cdx.Affects
	var recs []string
	seen, seenRec := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		bref := bomRefs[it.scan][componentKey(it.f.Component)]
		if seen[bref] {
			continue
		}
		seen[bref] = true
		affects = append(affects, cdx.Affects{Ref: bref})
		props = append(props, cdx.Property{Name: PropMatchRef, Value: bref})
		method, rule := "", ""
		if ev := primaryEvidence(it.f); ev != nil {
			method, rule = string(ev.Method), ev.Rule
		}
		props = append(props,
			cdx.Property{Name: PropMatchMethod, Value: method},
			cdx.Property{Name: PropMatchConfidence, Value: string(it.f.Confidence)},
			cdx.Property{Name: PropMatchRule, Value: rule})
		if len(it.f.Fixed) > 0 {
			rec := fmt.Sprintf("Upgrade %s to %s.", nameVersion(it.f.Component), strings.Join(it.f.Fixed, " or "))
			if !seenRec[rec] {
				seenRec[rec] = true
				recs = append(recs, rec)
			}
		}
	}
	v.Affects = &affects
	v.Properties = &props
	v.Recommendation = strings.Join(recs, " ")
	return v
}

// vdrRatings returns the finding's severity first, then every other scored
// severity of the advisories (each type, vector and score once), with who
// scored it when the advisory says.
func vdrRatings(f *match.Finding, advs []*vuln.Advisory) []cdx.VulnerabilityRating {
	var out []cdx.VulnerabilityRating
	at := map[string]int{} // key → index in out
	add := func(typ vuln.SeverityType, score float64, rat, vector, source string) {
		key := string(typ) + "|" + vector + "|" + strconv.FormatFloat(score, 'f', -1, 64)
		if i, ok := at[key]; ok {
			if out[i].Source == nil && source != "" {
				out[i].Source = &cdx.Source{Name: source}
			}
			return
		}
		at[key] = len(out)
		r := cdx.VulnerabilityRating{Severity: cdxSeverity(rat), Method: scoringMethod(typ, vector), Vector: vector}
		if score > 0 {
			s := score
			r.Score = &s
		}
		if source != "" {
			r.Source = &cdx.Source{Name: source}
		}
		out = append(out, r)
	}
	if f.Severity.Score > 0 || rating(f) != "unknown" {
		add(f.Severity.Type, f.Severity.Score, rating(f), f.Severity.Vector, "")
	}
	for _, a := range advs {
		for _, s := range a.Severities {
			if s.Score <= 0 || s.Type == vuln.Qualitative {
				continue
			}
			rat := s.Rating
			if rat == "" {
				rat = match.RatingFromScore(s.Score)
			}
			add(s.Type, s.Score, strings.ToLower(rat), s.Vector, s.Source)
		}
	}
	return out
}

// scoringMethod is the CycloneDX 1.6 scoring method of a severity.
func scoringMethod(t vuln.SeverityType, vector string) cdx.ScoringMethod {
	switch t {
	case vuln.CVSSv2:
		return cdx.ScoringMethodCVSSv2
	case vuln.CVSSv3:
		if strings.HasPrefix(vector, "CVSS:3.1/") {
			return cdx.ScoringMethodCVSSv31
		}
		return cdx.ScoringMethodCVSSv3
	case vuln.CVSSv4:
		return cdx.ScoringMethodCVSSv4
	case "":
		return ""
	}
	return cdx.ScoringMethodOther
}

func cdxSeverity(r string) cdx.Severity {
	switch r {
	case "critical", "high", "medium", "low", "none", "info":
		return cdx.Severity(r)
	case "moderate":
		return cdx.SeverityMedium
	}
	return cdx.SeverityUnknown
}

// cweIDs returns the CWE numbers of advs ("CWE-502" → 502), sorted, once
// each.
func cweIDs(advs []*vuln.Advisory) []int {
	var out []int
	for _, a := range advs {
		for _, c := range a.CWEs {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CWE-"))
			if err == nil && n > 0 && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// advisoryDates returns the earliest publication and the latest
// modification of advs, RFC 3339, "" when unknown.
func advisoryDates(advs []*vuln.Advisory) (published, updated string) {
	var p, u time.Time
	for _, a := range advs {
		if !a.Published.IsZero() && (p.IsZero() || a.Published.Before(p)) {
			p = a.Published
		}
		if a.Modified.After(u) {
			u = a.Modified
		}
	}
	if !p.IsZero() {
		published = p.UTC().Format(time.RFC3339)
	}
	if !u.IsZero() {
		updated = u.UTC().Format(time.RFC3339)
	}
	return published, updated
}
