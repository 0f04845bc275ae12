package osv

import (
	"errors"
	"fmt"
	"math"
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// maxVector bounds the length of a CVSS vector handed to the parser; the
// longest valid CVSS v4.0 vector with every metric is under 300 bytes.
const maxVector = 512

// addSeverity converts the OSV severity entry s (at pointer()) and appends it
// to list unless list already holds the same statement. Entries that cannot
// be used are reported to warn and dropped: a severity the reader cannot
// score is better unknown than wrong.
func addSeverity(list []vuln.Severity, name string, pointer func() string, s severity, warn func(*input.Error)) []vuln.Severity {
	score := strings.TrimSpace(s.Score)
	switch s.Type {
	case string(vuln.CVSSv2), string(vuln.CVSSv3), string(vuln.CVSSv4):
		sev, err := scoreVector(vuln.SeverityType(s.Type), score)
		if err != nil {
			warn(input.AtPointer(name, pointer()+"/score", fmt.Errorf("osv: %w; severity ignored", err)))
			return list
		}
		return appendSeverity(list, sev)
	case "Ubuntu":
		// OSV schema "severity": the Ubuntu priority, a word.
		rating, ok := qualitativeRating(score)
		if !ok {
			warn(input.AtPointer(name, pointer()+"/score", fmt.Errorf("osv: unknown Ubuntu priority %q; severity ignored", score)))
			return list
		}
		return appendSeverity(list, vuln.Severity{Type: vuln.Qualitative, Rating: rating, Source: "Ubuntu"})
	}
	warn(input.AtPointer(name, pointer()+"/type", fmt.Errorf("osv: unknown severity type %q; severity ignored", s.Type)))
	return list
}

func appendSeverity(list []vuln.Severity, s vuln.Severity) []vuln.Severity {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}

// scoreVector parses a CVSS vector of type typ and returns its base score
// and rating. CVSS_V3 takes both "CVSS:3.0/" and "CVSS:3.1/" vectors.
func scoreVector(typ vuln.SeverityType, vector string) (sev vuln.Severity, err error) {
	if vector == "" {
		return sev, fmt.Errorf("%s severity has no vector", typ)
	}
	if len(vector) > maxVector {
		return sev, fmt.Errorf("%s vector is %d bytes long", typ, len(vector))
	}
	defer func() {
		// The vector is untrusted input handed to a third-party parser:
		// a panic there must not take the load down.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s vector %q: parser panic: %v", typ, vector, r)
		}
	}()
	var score float64
	switch typ {
	case vuln.CVSSv2:
		// OSV writes CVSS v2 vectors bare; some sources prefix them.
		v, perr := gocvss20.ParseVector(strings.TrimPrefix(vector, "CVSS:2.0/"))
		if perr != nil {
			err = perr
			break
		}
		score = v.BaseScore()
	case vuln.CVSSv3:
		switch {
		case strings.HasPrefix(vector, "CVSS:3.0/"):
			v, perr := gocvss30.ParseVector(vector)
			if perr != nil {
				err = perr
				break
			}
			score = v.BaseScore()
		case strings.HasPrefix(vector, "CVSS:3.1/"):
			v, perr := gocvss31.ParseVector(vector)
			if perr != nil {
				err = perr
				break
			}
			score = v.BaseScore()
		default:
			err = errors.New(`want a "CVSS:3.0/" or "CVSS:3.1/" prefix`)
		}
	case vuln.CVSSv4:
		v, perr := gocvss40.ParseVector(vector)
		if perr != nil {
			err = perr
			break
		}
		score = v.Score()
	}
	if err != nil {
		return sev, fmt.Errorf("%s vector %q: %w", typ, vector, err)
	}
	if math.IsNaN(score) || score < 0 || score > 10 {
		return sev, fmt.Errorf("%s vector %q scores %v, outside 0–10", typ, vector, score)
	}
	return vuln.Severity{Type: typ, Vector: vector, Score: score, Rating: rating(typ, score)}, nil
}

// rating maps a base score to its qualitative rating.
//
// CVSS v3.0/v3.1 (specification section 5) and v4.0 (section 6): none 0.0,
// low 0.1–3.9, medium 4.0–6.9, high 7.0–8.9, critical 9.0–10.0. CVSS v2.0
// defines no rating scale; NVD's is used: low 0.0–3.9, medium 4.0–6.9, high
// 7.0–10.0.
func rating(typ vuln.SeverityType, score float64) string {
	if typ == vuln.CVSSv2 {
		switch {
		case score >= 7:
			return "high"
		case score >= 4:
			return "medium"
		}
		return "low"
	}
	switch {
	case score >= 9:
		return "critical"
	case score >= 7:
		return "high"
	case score >= 4:
		return "medium"
	case score > 0:
		return "low"
	}
	return "none"
}

// qualitativeRating maps a severity word to a rating: GitHub's LOW,
// MODERATE, HIGH, CRITICAL (database_specific.severity), Ubuntu's
// negligible, low, medium, high, critical priorities, and the CVSS words.
func qualitativeRating(text string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "none":
		return "none", true
	case "negligible", "low":
		return "low", true
	case "moderate", "medium":
		return "medium", true
	case "high", "important":
		return "high", true
	case "critical":
		return "critical", true
	}
	return "", false
}
