package nvd

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"medvigil/internal/vuln"
)

// maxVector bounds the vector handed to the CVSS parser; the longest valid
// CVSS v4.0 vector is under 300 bytes.
const maxVector = 512

// severities converts the CVSS metrics, newest CVSS version first and in
// NVD's order within a version (usually the NVD "Primary" score first).
// Each Severity's Source is the scorer and NVD's type, as
// "nvd@nist.gov (Primary)". The base score and rating are NVD's; when NVD
// gives no score it is computed from the vector, and when it gives no rating
// it is derived from the score (CVSS v3.1 and v4.0 specification section
// 5, "Qualitative Severity Rating Scale"; CVSS v2 as NVD rates it: low below
// 4.0, high from 7.0). A vector that does not parse is kept, with a warning.
func (d *decoder) severities(m *wireMetrics, pointer string) []vuln.Severity {
	var out []vuln.Severity
	for _, set := range []struct {
		key     string
		typ     vuln.SeverityType
		metrics []wireMetric
	}{
		{"cvssMetricV40", vuln.CVSSv4, m.V40},
		{"cvssMetricV31", vuln.CVSSv3, m.V31},
		{"cvssMetricV30", vuln.CVSSv3, m.V30},
		{"cvssMetricV2", vuln.CVSSv2, m.V2},
	} {
		for i, w := range set.metrics {
			ptr := pointer + "/" + set.key + "/" + strconv.Itoa(i) + "/cvssData"
			vector := strings.TrimSpace(w.CVSSData.VectorString)
			s := vuln.Severity{Type: set.typ, Vector: vector, Source: source(w)}
			computed, err := score(set.key, vector, w.CVSSData.BaseScore == nil)
			if err != nil {
				d.warn(ptr+"/vectorString", err)
			}
			switch {
			case w.CVSSData.BaseScore != nil:
				s.Score = *w.CVSSData.BaseScore
			case err == nil:
				s.Score = computed
			}
			if s.Score < 0 || s.Score > 10 || math.IsNaN(s.Score) {
				d.warn(ptr+"/baseScore", fmt.Errorf("base score %v is outside 0–10; left unknown", s.Score))
				s.Score = 0
			}
			rating := w.CVSSData.BaseSeverity
			if rating == "" {
				rating = w.BaseSeverity
			}
			s.Rating = strings.ToLower(strings.TrimSpace(rating))
			if s.Rating == "" && (s.Score > 0 || vector != "") {
				s.Rating = ratingOf(set.typ, s.Score)
			}
			if vector == "" && s.Score == 0 && s.Rating == "" {
				continue
			}
			out = append(out, s)
		}
	}
	return out
}

func source(w wireMetric) string {
	switch {
	case w.Source != "" && w.Type != "":
		return w.Source + " (" + w.Type + ")"
	case w.Source != "":
		return w.Source
	}
	return w.Type
}

// score parses vector as the CVSS version the metric key names and, when
// want is set, returns its base score.
func score(key, vector string, want bool) (s float64, err error) {
	if vector == "" {
		return 0, fmt.Errorf("%s has no vector", key)
	}
	if len(vector) > maxVector {
		return 0, fmt.Errorf("%s vector is %d bytes long", key, len(vector))
	}
	defer func() {
		// Untrusted input handed to a third-party parser: a panic there
		// must not stop the page.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s vector %q: parser panic: %v", key, truncate(vector, 80), r)
		}
	}()
	switch key {
	case "cvssMetricV2":
		v, perr := gocvss20.ParseVector(strings.TrimPrefix(vector, "CVSS:2.0/"))
		if perr != nil {
			return 0, fmt.Errorf("CVSS v2 vector %q: %w", truncate(vector, 80), perr)
		}
		if !want {
			return 0, nil
		}
		return v.BaseScore(), nil
	case "cvssMetricV30":
		v, perr := gocvss30.ParseVector(vector)
		if perr != nil {
			return 0, fmt.Errorf("CVSS v3.0 vector %q: %w", truncate(vector, 80), perr)
		}
		if !want {
			return 0, nil
		}
		return v.BaseScore(), nil
	case "cvssMetricV31":
		v, perr := gocvss31.ParseVector(vector)
		if perr != nil {
			return 0, fmt.Errorf("CVSS v3.1 vector %q: %w", truncate(vector, 80), perr)
		}
		if !want {
			return 0, nil
		}
		return v.BaseScore(), nil
	default:
		v, perr := gocvss40.ParseVector(vector)
		if perr != nil {
			return 0, fmt.Errorf("CVSS v4.0 vector %q: %w", truncate(vector, 80), perr)
		}
		if !want {
			return 0, nil
		}
		return v.Score(), nil
	}
}

// ratingOf derives a qualitative rating from a base score.
func ratingOf(typ vuln.SeverityType, s float64) string {
	if typ == vuln.CVSSv2 {
		switch {
		case s >= 7:
			return "high"
		case s >= 4:
			return "medium"
		}
		return "low"
	}
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
