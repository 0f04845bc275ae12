package cyclonedx

import (
	"fmt"
	"strings"
)

// checkCPE reports whether s is a CPE name: a CPE 2.3 formatted string
// ("cpe:2.3:" and 13 colon-separated parts, colons escaped with a backslash
// not counting; NISTIR 7695 section 6.2) or a CPE 2.2 URI ("cpe:/" and a
// part a, h or o, then at most six more components; NISTIR 7695 section 6.1).
func checkCPE(s string) error {
	switch {
	case strings.HasPrefix(s, "cpe:2.3:"):
		parts := 1
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case ':':
				parts++
			}
		}
		if parts != 13 {
			return fmt.Errorf("invalid CPE %q: a CPE 2.3 name has 13 colon-separated parts, not %d", s, parts)
		}
		return nil
	case strings.HasPrefix(s, "cpe:/"):
		rest := s[len("cpe:/"):]
		if rest == "" || !strings.ContainsRune("aho", rune(rest[0])) || (len(rest) > 1 && rest[1] != ':') {
			return fmt.Errorf("invalid CPE %q: a CPE 2.2 URI starts with cpe:/a, cpe:/h or cpe:/o", s)
		}
		if n := strings.Count(rest, ":"); n > 6 {
			return fmt.Errorf("invalid CPE %q: a CPE 2.2 URI has at most 7 components", s)
		}
		return nil
	}
	return fmt.Errorf("invalid CPE %q: want a CPE 2.3 name (cpe:2.3:...) or a CPE 2.2 URI (cpe:/...)", s)
}
