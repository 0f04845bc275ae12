package check

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// maxTextIDs is how many missing component IDs WriteText lists per element.
const maxTextIDs = 10

// WriteJSON writes r as one indented JSON object followed by a newline. The
// field names are stable (docs/schemas/sbom-check-report.schema.json).
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes r for people: a header, one line per element with its
// status, the first missing component IDs, and the reading warnings.
func (r Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	file := r.File
	if file == "" {
		file = "-"
	}
	fmt.Fprintf(bw, "File:       %s\n", file)
	fmt.Fprintf(bw, "Format:     %s\n", strings.TrimSpace(strings.Join([]string{string(r.Format), r.SpecVersion, string(r.Encoding)}, " ")))
	fmt.Fprintf(bw, "Profile:    %s\n", r.Profile)
	fmt.Fprintf(bw, "Components: %d\n", r.Components)
	required, missing := 0, 0
	for _, e := range r.Elements {
		if e.Required {
			required++
			if !e.Covered {
				missing++
			}
		}
	}
	if r.Covered {
		fmt.Fprintf(bw, "Result:     all %d required elements covered\n", required)
	} else {
		fmt.Fprintf(bw, "Result:     %d of %d required elements MISSING\n", missing, required)
	}
	bw.WriteString("\n")

	width := len("ELEMENT")
	for _, e := range r.Elements {
		width = max(width, len(e.Title))
	}
	fmt.Fprintf(bw, "%-8s  %-*s  %s\n", "STATUS", width, "ELEMENT", "RESULT")
	indent := strings.Repeat(" ", 8+2+width+2)
	for _, e := range r.Elements {
		status := "covered"
		if !e.Covered {
			status = "MISSING"
		}
		fmt.Fprintf(bw, "%-8s  %-*s  %s\n", status, width, e.Title, resultText(e))
		ids := e.MissingIDs
		for _, id := range ids[:min(len(ids), maxTextIDs)] {
			fmt.Fprintf(bw, "%s- %s\n", indent, id)
		}
		if len(ids) > maxTextIDs {
			fmt.Fprintf(bw, "%s… and %d more\n", indent, len(ids)-maxTextIDs)
		}
	}

	if len(r.Warnings) > 0 {
		fmt.Fprintf(bw, "\nWarnings (%d):\n", len(r.Warnings))
		for _, wn := range r.Warnings {
			if wn.Place != "" {
				fmt.Fprintf(bw, "  %s: %s\n", wn.Place, wn.Message)
			} else {
				fmt.Fprintf(bw, "  %s\n", wn.Message)
			}
		}
	}
	return bw.Flush()
}

// resultText is the RESULT column of one element.
func resultText(e ElementResult) string {
	var parts []string
	marking := ""
	if e.Marked > 0 {
		marking = "explicitly marked unknown or withheld"
		if e.Level == LevelComponent {
			marking = fmt.Sprintf("%d %s", e.Marked, marking)
		}
		if e.MarkingAccepted {
			marking += " (accepted)"
		} else {
			marking += " (not accepted by this profile)"
		}
	}
	switch {
	case e.Level == LevelDocument && e.Missing > 0:
		parts = append(parts, "missing")
	case e.Level == LevelDocument && e.Marked > 0:
	case e.Level == LevelDocument:
		parts = append(parts, "present")
	case e.Checked == 0:
		parts = append(parts, "no components")
	case e.Missing > 0:
		parts = append(parts, fmt.Sprintf("missing in %d of %d components", e.Missing, e.Checked))
	default:
		parts = append(parts, fmt.Sprintf("covered in all %d components", e.Checked))
	}
	if marking != "" {
		parts = append(parts, marking)
	}
	if !e.Required {
		parts = append(parts, "not required")
	}
	return strings.Join(parts, "; ")
}
