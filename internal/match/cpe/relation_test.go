package cpe

import "testing"

// TestCompare walks NISTIR 7696 Table 6-2 (enumeration of attribute
// comparison set relations) and the wildcard semantics of its section 7
// compare_strings pseudocode.
func TestCompare(t *testing.T) {
	tests := []struct {
		name           string
		source, target Value
		want           Relation
	}{
		{"ANY / ANY", anyV, anyV, Equal},
		{"ANY / NA", anyV, naV, Superset},
		{"ANY / i", anyV, lit("7.0"), Superset},
		{"ANY / m + wild cards", anyV, pat("", "7.", "*"), Undefined},
		{"NA / ANY", naV, anyV, Subset},
		{"NA / NA", naV, naV, Equal},
		{"NA / i", naV, lit("7.0"), Disjoint},
		{"NA / m + wild cards", naV, pat("", "7.", "*"), Undefined},
		{"i / i", lit("7.0"), lit("7.0"), Equal},
		{"i / k", lit("7.0"), lit("7.1"), Disjoint},
		{"i / m + wild cards", lit("7.0"), pat("", "7.", "*"), Undefined},
		{"i / NA", lit("7.0"), naV, Disjoint},
		{"i / ANY", lit("7.0"), anyV, Subset},
		{"m + wild cards / ANY", pat("", "7.", "*"), anyV, Subset},
		{"m + wild cards / NA", pat("", "7.", "*"), naV, Disjoint},
		{"m + wild cards / i, i matches m", pat("", "7.", "*"), lit("7.0.1"), Superset},
		{"m + wild cards / i, i does not match m", pat("", "7.", "*"), lit("8.0"), Disjoint},
		{"m + wild cards / m + wild cards", pat("", "7.", "*"), pat("", "7.", "*"), Undefined},

		// compare_strings: '*' any run, n '?' up to n characters.
		{"8.* matches 8.0.6001 (7696 example)", pat("", "8.", "*"), lit("8.0.6001"), Superset},
		{"sp? matches sp1", pat("", "sp", "?"), lit("sp1"), Superset},
		{"sp? matches sp", pat("", "sp", "?"), lit("sp"), Superset},
		{"sp? does not match sp12", pat("", "sp", "?"), lit("sp12"), Disjoint},
		{"sp? does not match beta (7696 example)", pat("", "sp", "?"), lit("beta"), Disjoint},
		{"*_firmware matches a suffix", pat("*", "_firmware", ""), lit("multix_m_firmware"), Superset},
		{"*_firmware needs the suffix at the end", pat("*", "_firmware", ""), lit("x_firmware_2"), Disjoint},
		{"??2 allows two leading characters", pat("??", "2", ""), lit("102"), Superset},
		{"??2 allows no more", pat("??", "2", ""), lit("1002"), Disjoint},
		{"*os* finds an inner match", pat("*", "os", "*"), lit("edgeos_firmware"), Superset},
		{"a later occurrence can fit the trailing allowance", pat("*", "ab", "?"), lit("abxab"), Superset},
		{"??? matches up to three characters", pat("???", "", ""), lit("abc"), Superset},
		{"??? does not match four", pat("???", "", ""), lit("abcd"), Disjoint},
		{"quoted wildcard characters are plain text", lit("8.*"), lit("8.0"), Disjoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(tt.source, tt.target); got != tt.want {
				t.Errorf("Compare(%s, %s) = %s, want %s", tt.source, tt.target, got, tt.want)
			}
		})
	}
}
