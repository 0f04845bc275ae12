package sbom

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/package-url/packageurl-go"

	"medvigil/internal/input"
)

// SidecarRow is one row of a lifecycle sidecar CSV: the lifecycle fields of
// the components it selects, by purl or by name and version.
type SidecarRow struct {
	Line      int
	PURL      string
	Name      string
	Version   string
	Lifecycle Lifecycle
}

// sidecarColumn maps an accepted header spelling to its canonical column.
func sidecarColumn(h string) (string, bool) {
	switch strings.ReplaceAll(h, "-", "_") {
	case "purl":
		return "purl", true
	case "name":
		return "name", true
	case "version":
		return "version", true
	case "level_of_support", "support_level":
		return "level", true
	case "end_of_support_date", "end_of_support":
		return "eos", true
	case "end_of_life_date", "end_of_life":
		return "eol", true
	case "justification":
		return "justification", true
	}
	return "", false
}

// ReadSidecar reads a lifecycle sidecar CSV (docs/sbom-lifecycle-fields.md):
// a header row naming the columns purl, name, version, level_of_support,
// end_of_support_date, end_of_life_date, justification (any order; unknown
// columns are an error), then one row per component. Each row needs a purl or
// a name (and, usually, a version). Every fault is an *input.Error naming
// file and line; nothing is returned when any row is bad.
func ReadSidecar(file string, r io.Reader) ([]SidecarRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &input.Error{File: file, Err: errors.New("empty sidecar: want a header row")}
		}
		return nil, csvError(file, err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		c, ok := sidecarColumn(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))))
		if !ok {
			return nil, input.AtLine(file, 1, 0, fmt.Errorf("unknown column %q (want purl, name, version, level_of_support, end_of_support_date, end_of_life_date, justification)", h))
		}
		if seen[c] {
			return nil, input.AtLine(file, 1, 0, fmt.Errorf("column %q given twice", h))
		}
		seen[c] = true
		cols[i] = c
	}
	if !seen["purl"] && !seen["name"] {
		return nil, input.AtLine(file, 1, 0, errors.New("the header needs a purl or a name column"))
	}
	var rows []SidecarRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			return nil, input.AtLine(file, line, 0, fmt.Errorf("%d fields, the header has %d", len(rec), len(cols)))
		}
		row := SidecarRow{Line: line}
		for i, v := range rec {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			_, col := cr.FieldPos(i)
			switch cols[i] {
			case "purl":
				if _, err := packageurl.FromString(v); err != nil {
					return nil, input.AtLine(file, line, col, fmt.Errorf("invalid purl %q: %w", v, err))
				}
				row.PURL = v
			case "name":
				row.Name = v
			case "version":
				row.Version = v
			case "level":
				l, err := ParseSupportLevel(v)
				if err != nil {
					return nil, input.AtLine(file, line, col, err)
				}
				row.Lifecycle.LevelOfSupport = l
			case "eos", "eol":
				d, err := ParseDate(v)
				if err != nil {
					return nil, input.AtLine(file, line, col, err)
				}
				if cols[i] == "eos" {
					row.Lifecycle.EndOfSupport = d
				} else {
					row.Lifecycle.EndOfLife = d
				}
			case "justification":
				row.Lifecycle.Justification = v
			}
		}
		if row.PURL == "" && row.Name == "" {
			return nil, input.AtLine(file, line, 0, errors.New("row names no component: want a purl or a name"))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return input.AtLine(file, pe.Line, pe.Column, pe.Err)
	}
	return &input.Error{File: file, Err: err}
}

// ApplySidecar merges the lifecycle fields of rows into the components they
// select and returns how many components it changed. A row selects the
// components whose purl equals its purl (compared without qualifiers and
// subpath), or, for a row without purl, whose name (and version, when the row
// gives one) equal its own. The sidecar wins over values already in the SBOM:
// it is the manufacturer's addendum. Each overridden differing value and each
// row that selects nothing is recorded as a warning on doc naming the CSV line.
func ApplySidecar(doc *Document, file string, rows []SidecarRow) int {
	byPURL := map[string][]int{}
	byName := map[string][]int{}
	for i := range doc.Components {
		c := &doc.Components[i]
		if k := purlKey(c.PURL); k != "" {
			byPURL[k] = append(byPURL[k], i)
		}
		byName[c.Name] = append(byName[c.Name], i)
	}
	changed := map[int]bool{}
	for _, row := range rows {
		var hits []int
		if row.PURL != "" {
			hits = byPURL[purlKey(row.PURL)]
		} else {
			for _, i := range byName[row.Name] {
				if row.Version == "" || doc.Components[i].Version == row.Version {
					hits = append(hits, i)
				}
			}
		}
		if len(hits) == 0 {
			doc.Warn(input.AtLine(file, row.Line, 0, fmt.Errorf("row selects no component of the SBOM")))
			continue
		}
		for _, i := range hits {
			c := &doc.Components[i]
			merged, conflicts := mergeLifecycle(c.Lifecycle, row.Lifecycle)
			for _, f := range conflicts {
				doc.Warn(input.AtLine(file, row.Line, 0, fmt.Errorf("%s of %s overrides the SBOM's value", f, c.ID())))
			}
			if merged != c.Lifecycle {
				c.Lifecycle = merged
				changed[i] = true
			}
		}
	}
	return len(changed)
}

func mergeLifecycle(old, add Lifecycle) (Lifecycle, []string) {
	var conflicts []string
	set := func(dst *string, v, field string) {
		if v == "" {
			return
		}
		if *dst != "" && *dst != v {
			conflicts = append(conflicts, field)
		}
		*dst = v
	}
	out := old
	level := string(out.LevelOfSupport)
	set(&level, string(add.LevelOfSupport), "level of support")
	out.LevelOfSupport = SupportLevel(level)
	set(&out.EndOfSupport, add.EndOfSupport, "end-of-support date")
	set(&out.EndOfLife, add.EndOfLife, "end-of-life date")
	set(&out.Justification, add.Justification, "justification")
	return out, conflicts
}

// purlKey is the purl without qualifiers and subpath, in canonical form, or
// the trimmed string when it does not parse.
func purlKey(s string) string {
	if s == "" {
		return ""
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		return strings.TrimSpace(s)
	}
	p.Qualifiers = nil
	p.Subpath = ""
	return p.ToString()
}
