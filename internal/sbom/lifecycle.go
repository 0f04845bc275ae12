package sbom

import (
	"fmt"
	"strings"
	"time"
)

// SupportLevel is the FDA "level of support" of a component (premarket
// guidance 2023/2026, section V.A.4(b)).
type SupportLevel string

// The support levels. The spellings are the values medvigil writes; reading
// accepts any case and spaces or underscores for hyphens.
const (
	SupportActive        SupportLevel = "actively-maintained"
	SupportNoLonger      SupportLevel = "no-longer-maintained"
	SupportAbandoned     SupportLevel = "abandoned"
	SupportUnknown       SupportLevel = "unknown"
	SupportNotApplicable SupportLevel = ""
)

// Lifecycle properties read from CycloneDX properties and from the key=value
// form in SPDX annotations and package comments (docs/sbom-lifecycle-fields.md).
const (
	PropLevelOfSupport   = "cdx:fda:level-of-support"
	PropEndOfSupportDate = "cdx:fda:end-of-support-date"
	PropEndOfLifeDate    = "cdx:fda:end-of-life-date"
	PropJustification    = "cdx:fda:justification"
	PropMilestoneEOS     = "cdx:lifecycle:milestone:endOfSupport"
	PropMilestoneEOL     = "cdx:lifecycle:milestone:endOfLife"
)

// Lifecycle holds the FDA lifecycle fields of one component. Dates are
// "YYYY-MM-DD".
type Lifecycle struct {
	LevelOfSupport SupportLevel `json:"level_of_support,omitempty"`
	EndOfSupport   string       `json:"end_of_support,omitempty"`
	EndOfLife      string       `json:"end_of_life,omitempty"`
	// Justification explains a level or date that is unknown.
	Justification string `json:"justification,omitempty"`
}

// IsZero reports whether no field is set.
func (l Lifecycle) IsZero() bool { return l == Lifecycle{} }

// ParseSupportLevel reads a level of support, tolerating case, spaces and
// underscores ("Actively Maintained", "no_longer_maintained").
func ParseSupportLevel(s string) (SupportLevel, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer(" ", "-", "_", "-").Replace(n)
	switch SupportLevel(n) {
	case SupportActive, SupportNoLonger, SupportAbandoned, SupportUnknown:
		return SupportLevel(n), nil
	case "active", "maintained":
		return SupportActive, nil
	case "unmaintained", "end-of-support", "eos":
		return SupportNoLonger, nil
	}
	return "", fmt.Errorf("unknown level of support %q (want actively-maintained, no-longer-maintained, abandoned or unknown)", s)
}

// ParseDate reads a date as "YYYY-MM-DD" or an RFC 3339 timestamp and
// returns it as "YYYY-MM-DD".
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(time.DateOnly), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("invalid date %q (want YYYY-MM-DD)", s)
}

// FieldError is a lifecycle value that could not be read: Name is the
// property, Index its position in the list given to LifecycleFromProperties.
type FieldError struct {
	Name  string
	Index int
	Err   error
}

func (e FieldError) Error() string { return fmt.Sprintf("property %s: %v", e.Name, e.Err) }

// LifecycleFromProperties reads the lifecycle fields from properties. The
// proposed cdx:fda:* properties win over the cdx:lifecycle:milestone:* ones
// when both are present. Values that do not parse are returned as errors and
// leave the field empty.
func LifecycleFromProperties(props []Property) (Lifecycle, []FieldError) {
	var l Lifecycle
	var errs []FieldError
	var milestoneEOS, milestoneEOL string
	for i, p := range props {
		switch p.Name {
		case PropLevelOfSupport:
			v, err := ParseSupportLevel(p.Value)
			if err != nil {
				errs = append(errs, FieldError{p.Name, i, err})
				continue
			}
			l.LevelOfSupport = v
		case PropEndOfSupportDate, PropEndOfLifeDate, PropMilestoneEOS, PropMilestoneEOL:
			v, err := ParseDate(p.Value)
			if err != nil {
				errs = append(errs, FieldError{p.Name, i, err})
				continue
			}
			switch p.Name {
			case PropEndOfSupportDate:
				l.EndOfSupport = v
			case PropEndOfLifeDate:
				l.EndOfLife = v
			case PropMilestoneEOS:
				milestoneEOS = v
			case PropMilestoneEOL:
				milestoneEOL = v
			}
		case PropJustification:
			l.Justification = strings.TrimSpace(p.Value)
		}
	}
	if l.EndOfSupport == "" {
		l.EndOfSupport = milestoneEOS
	}
	if l.EndOfLife == "" {
		l.EndOfLife = milestoneEOL
	}
	return l, errs
}

// Properties returns l as cdx:fda:* properties, in a fixed order.
func (l Lifecycle) Properties() []Property {
	var out []Property
	add := func(name, value string) {
		if value != "" {
			out = append(out, Property{Name: name, Value: value})
		}
	}
	add(PropLevelOfSupport, string(l.LevelOfSupport))
	add(PropEndOfSupportDate, l.EndOfSupport)
	add(PropEndOfLifeDate, l.EndOfLife)
	add(PropJustification, l.Justification)
	return out
}

// IsLifecycleProperty reports whether name is one of the lifecycle or
// unknown/withheld properties that the model holds in typed fields; writers
// regenerate these and skip the copies kept in Properties.
func IsLifecycleProperty(name string) bool {
	switch name {
	case PropLevelOfSupport, PropEndOfSupportDate, PropEndOfLifeDate, PropJustification,
		PropMilestoneEOS, PropMilestoneEOL, PropUnknownInformation, PropWithheldInformation:
		return true
	}
	return false
}

// ParseKeyValues reads the key=value form used in SPDX annotations and
// package comments: one "name=value" pair per line, where name is one of the
// property names above. On one line, pairs may also be separated by ";"
// when the next pair starts with a known name ("a=1; b=2"), so a value may
// itself contain ";". Other text is ignored, so prose may surround the pairs.
func ParseKeyValues(text string) []Property {
	var out []Property
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		for _, part := range splitPairs(line) {
			name, value, ok := strings.Cut(part, "=")
			if !ok {
				continue
			}
			name = strings.TrimSpace(name)
			if !IsLifecycleProperty(name) {
				continue
			}
			out = append(out, Property{Name: name, Value: strings.TrimSpace(value)})
		}
	}
	return out
}

// splitPairs splits a line at each ";" that is followed by a known
// property name and "=".
func splitPairs(line string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(line); i++ {
		if line[i] != ';' {
			continue
		}
		rest := strings.TrimLeft(line[i+1:], " \t")
		name, _, ok := strings.Cut(rest, "=")
		if ok && IsLifecycleProperty(strings.TrimSpace(name)) {
			parts = append(parts, line[start:i])
			start = i + 1
		}
	}
	return append(parts, line[start:])
}

// FormatKeyValues writes properties in the key=value form ParseKeyValues reads.
func FormatKeyValues(props []Property) string {
	var b strings.Builder
	for i, p := range props {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Name)
		b.WriteByte('=')
		b.WriteString(p.Value)
	}
	return b.String()
}

// MarkingsFromProperties reads the CISA unknown/withheld markings: each
// property's value is a comma-separated list of Elements.
func MarkingsFromProperties(props []Property) (unknown, withheld []Element) {
	for _, p := range props {
		var dst *[]Element
		switch p.Name {
		case PropUnknownInformation:
			dst = &unknown
		case PropWithheldInformation:
			dst = &withheld
		default:
			continue
		}
		for _, f := range strings.Split(p.Value, ",") {
			if f = strings.TrimSpace(f); f != "" && !hasElement(*dst, Element(f)) {
				*dst = append(*dst, Element(f))
			}
		}
	}
	return unknown, withheld
}

// MarkingProperties returns the unknown/withheld markings as properties.
func MarkingProperties(unknown, withheld []Element) []Property {
	var out []Property
	join := func(es []Element) string {
		s := make([]string, len(es))
		for i, e := range es {
			s[i] = string(e)
		}
		return strings.Join(s, ",")
	}
	if len(unknown) > 0 {
		out = append(out, Property{Name: PropUnknownInformation, Value: join(unknown)})
	}
	if len(withheld) > 0 {
		out = append(out, Property{Name: PropWithheldInformation, Value: join(withheld)})
	}
	return out
}
