package check

import (
	"fmt"
	"strings"
)

// Profile is a set of minimum elements an SBOM is checked against.
type Profile string

// The profiles. docs/sbom-check.md gives each element's rule and source.
const (
	// ProfileNTIA2021 is "The Minimum Elements for a Software Bill of
	// Materials", NTIA, 12 July 2021: its seven data fields plus the
	// machine-readable format of its automation support.
	ProfileNTIA2021 Profile = "ntia-2021"
	// ProfileCISA2026 is the CISA 2026 minimum elements (Appendix A), which
	// replace NTIA 2021 and accept information explicitly marked unknown or
	// withheld in place of the information itself.
	ProfileCISA2026 Profile = "cisa-2026"
	// ProfileFDAPremarket is the FDA premarket cybersecurity guidance (2023,
	// reissued 2026), section V.A.4(b): the NTIA elements plus, per
	// off-the-shelf component, its level of support and end-of-support date.
	ProfileFDAPremarket Profile = "fda-premarket"
)

// Profiles returns every profile, in the order they are documented.
func Profiles() []Profile {
	return []Profile{ProfileNTIA2021, ProfileCISA2026, ProfileFDAPremarket}
}

// ParseProfile reads a profile name, ignoring case and surrounding space.
func ParseProfile(s string) (Profile, error) {
	p := Profile(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Profiles() {
		if p == known {
			return p, nil
		}
	}
	return "", fmt.Errorf("check: unknown profile %q (want ntia-2021, cisa-2026 or fda-premarket)", s)
}

// Level says whether an element is judged once for the document or once per
// component.
type Level string

// The levels.
const (
	LevelDocument  Level = "document"
	LevelComponent Level = "component"
)
