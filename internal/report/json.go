package report

import (
	"encoding/json"
	"io"
	"time"

	"medvigil/internal/match"
)

// jsonOutput is the JSON format; the package documentation describes it.
// Add fields, never rename or remove them: scripts read this.
type jsonOutput struct {
	Tool          string       `json:"tool"`
	Version       string       `json:"version"`
	Timestamp     string       `json:"timestamp,omitempty"`
	KnowledgeBase jsonKB       `json:"knowledge_base"`
	Results       []jsonResult `json:"results"`
}

type jsonKB struct {
	Advisories int      `json:"advisories"`
	KEV        int      `json:"kev"`
	EPSS       int      `json:"epss"`
	Sources    []string `json:"sources"`
}

type jsonResult struct {
	File        string          `json:"file"`
	Format      string          `json:"format"`
	SpecVersion string          `json:"spec_version,omitempty"`
	Components  int             `json:"components"`
	Findings    []match.Finding `json:"findings"`
}

func writeJSON(w io.Writer, r *Result) error {
	out := jsonOutput{
		Tool:    toolName(r),
		Version: r.Version,
		KnowledgeBase: jsonKB{
			Advisories: r.KB.Advisories,
			KEV:        r.KB.KEV,
			EPSS:       r.KB.EPSS,
			Sources:    nonNil(r.KB.Sources),
		},
		Results: make([]jsonResult, 0, len(r.Scans)),
	}
	if !r.Time.IsZero() {
		out.Timestamp = r.Time.UTC().Format(time.RFC3339)
	}
	for i := range r.Scans {
		s := &r.Scans[i]
		res := jsonResult{File: s.File, Findings: nonNil(Sorted(s.Findings))}
		if s.Doc != nil {
			res.Format = string(s.Doc.Format)
			res.SpecVersion = s.Doc.SpecVersion
			res.Components = len(s.Doc.Components)
		}
		out.Results = append(out.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// nonNil returns s, or an empty slice for nil, so JSON says [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
