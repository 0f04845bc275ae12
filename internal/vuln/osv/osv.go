package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// record is the wire form of an OSV record (OSV schema 1.7). Fields medvigil
// does not use (credits, upstream, ecosystem_specific, …) are not declared,
// so any content there is accepted: OSV evolves and adds fields.
type record struct {
	ID         string          `json:"id"`
	Modified   string          `json:"modified"`
	Published  string          `json:"published"`
	Withdrawn  string          `json:"withdrawn"`
	Aliases    []string        `json:"aliases"`
	Related    []string        `json:"related"`
	Summary    string          `json:"summary"`
	Details    string          `json:"details"`
	Severity   []severity      `json:"severity"`
	Affected   []affected      `json:"affected"`
	References []reference     `json:"references"`
	Database   json.RawMessage `json:"database_specific"`
}

type severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type affected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
		PURL      string `json:"purl"`
	} `json:"package"`
	Severity []severity `json:"severity"`
	Ranges   []struct {
		Type   string  `json:"type"`
		Repo   string  `json:"repo"`
		Events []event `json:"events"`
	} `json:"ranges"`
	Versions []string `json:"versions"`
}

type event struct {
	Introduced   string `json:"introduced"`
	Fixed        string `json:"fixed"`
	LastAffected string `json:"last_affected"`
	Limit        string `json:"limit"`
}

type reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// databaseSpecific holds the parts of the free-form database_specific
// object that GitHub (GHSA) records use; other databases put other things
// there, so it is read leniently.
type databaseSpecific struct {
	Severity any `json:"severity"`
	CWEIDs   any `json:"cwe_ids"`
}

// Decode reads one OSV record from data; name is the file it came from, used
// in errors and in the advisory's Origin.
//
// The advisory has Source vuln.SourceOSV. Aliases are deduplicated and
// never include the ID. CVSS vectors are scored with the CVSS specification
// of their version; a GitHub database_specific.severity ("HIGH", "MODERATE")
// becomes a vuln.Qualitative severity.
//
// Every error is an *input.Error naming name: a JSON syntax error at its
// line and column, a value of the wrong type at its JSON pointer, a record
// without an id at "/id". Unknown fields are ignored. Content that cannot be
// used but does not make the record unusable (an unparsable timestamp, a
// CVSS vector that does not parse, an unknown severity type) is dropped
// without an error; Load reports it as a warning.
func Decode(name string, data []byte) (*vuln.Advisory, error) {
	a, err := decode(name, data, nil)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// decode is Decode that reports dropped content to warn when warn is not
// nil. Errors are always *input.Error.
func decode(name string, data []byte, warn func(*input.Error)) (*vuln.Advisory, *input.Error) {
	if warn == nil {
		warn = func(*input.Error) {}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, input.FromJSON("osv", name, "", data, err)
	}
	id := strings.TrimSpace(r.ID)
	if id == "" {
		return nil, input.AtPointer(name, "/id", errors.New("osv: the record has no id"))
	}
	a := &vuln.Advisory{
		ID:      id,
		Aliases: ids(r.Aliases, id),
		Related: ids(r.Related, id),
		Summary: r.Summary,
		Details: r.Details,
		Source:  vuln.SourceOSV,
		Origin:  vuln.Origin{File: name},
	}
	a.Published = timestamp(name, "/published", r.Published, warn)
	a.Modified = timestamp(name, "/modified", r.Modified, warn)
	a.Withdrawn = timestamp(name, "/withdrawn", r.Withdrawn, warn)

	for i, s := range r.Severity {
		a.Severities = addSeverity(a.Severities, name, func() string { return input.Pointer("severity", i) }, s, warn)
	}
	for i, af := range r.Affected {
		for j, s := range af.Severity {
			a.Severities = addSeverity(a.Severities, name, func() string { return input.Pointer("affected", i, "severity", j) }, s, warn)
		}
		a.Affected = append(a.Affected, convertAffected(name, i, af, warn))
	}
	for _, ref := range r.References {
		a.References = append(a.References, vuln.Reference{Type: ref.Type, URL: ref.URL})
	}
	readDatabaseSpecific(name, r.Database, a, warn)
	return a, nil
}

// ids returns list without empty strings, duplicates and self.
func ids(list []string, self string) []string {
	var out []string
	seen := make(map[string]bool, len(list))
	for _, id := range list {
		id = strings.TrimSpace(id)
		if id == "" || id == self || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// timestamp parses an OSV timestamp (RFC 3339, UTC, as OSV schema
// "modified" requires); it also takes a date alone or a time without zone
// (as UTC). A missing timestamp is the zero time; an unparsable one is
// reported to warn and also read as the zero time.
func timestamp(name, pointer, s string, warn func(*input.Error)) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	warn(input.AtPointer(name, pointer, fmt.Errorf("osv: timestamp %q is not RFC 3339; ignored", s)))
	return time.Time{}
}

func convertAffected(name string, i int, af affected, warn func(*input.Error)) vuln.Affected {
	out := vuln.Affected{
		Ecosystem: af.Package.Ecosystem,
		Name:      af.Package.Name,
		PURL:      af.Package.PURL,
	}
	for _, v := range af.Versions {
		if v != "" {
			out.Versions = append(out.Versions, v)
		}
	}
	for j, r := range af.Ranges {
		rng := vuln.Range{Type: vuln.RangeType(r.Type), Repo: r.Repo, Events: make([]vuln.Event, 0, len(r.Events))}
		for k, e := range r.Events {
			n := 0
			for _, f := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
				if f != "" {
					n++
				}
			}
			switch {
			case n == 0:
				warn(input.AtPointer(name, input.Pointer("affected", i, "ranges", j, "events", k),
					errors.New("osv: event has no introduced, fixed, last_affected or limit; ignored")))
				continue
			case n > 1:
				warn(input.AtPointer(name, input.Pointer("affected", i, "ranges", j, "events", k),
					errors.New("osv: event sets more than one of introduced, fixed, last_affected and limit")))
			}
			rng.Events = append(rng.Events, vuln.Event(e))
		}
		out.Ranges = append(out.Ranges, rng)
	}
	return out
}

// readDatabaseSpecific takes the severity text and CWE IDs that GitHub puts
// in database_specific. The object is free-form (OSV schema: "database_specific"),
// so values of other shapes are ignored.
func readDatabaseSpecific(name string, raw json.RawMessage, a *vuln.Advisory, warn func(*input.Error)) {
	if len(raw) == 0 {
		return
	}
	var ds databaseSpecific
	if json.Unmarshal(raw, &ds) != nil {
		return // not an object: free-form content we do not read
	}
	if text, ok := ds.Severity.(string); ok && strings.TrimSpace(text) != "" {
		if rating, ok := qualitativeRating(text); ok {
			a.Severities = appendSeverity(a.Severities, vuln.Severity{Type: vuln.Qualitative, Rating: rating})
		} else {
			warn(input.AtPointer(name, "/database_specific/severity", fmt.Errorf("osv: unknown severity %q; ignored", text)))
		}
	}
	if list, ok := ds.CWEIDs.([]any); ok {
		seen := make(map[string]bool, len(list))
		for _, v := range list {
			if s, ok := v.(string); ok && s != "" && !seen[s] {
				seen[s] = true
				a.CWEs = append(a.CWEs, s)
			}
		}
	}
}
