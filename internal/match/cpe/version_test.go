package cpe

import "testing"

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.2u", "1.0.2k", 1}, // OpenSSL letter releases
		{"1.0.2u", "1.0.2", 1},
		{"1.1.1o", "1.1.1q", -1},
		{"1.1.1o-r0", "1.1.1q", -1}, // Alpine revision dropped
		{"1.1.1o-r0", "1.1.1", 1},
		{"1.2.12-r1", "1.2.12", 0},
		{"v1.5.9", "1.5.9", 0}, // Go module versions
		{"v0.3.7", "0.3.8", -1},
		{"v20.10.7+incompatible", "20.10.9", -1},
		{"1.0.0+build.5", "1.0.0", 0}, // semver build metadata
		{"2.8.0-rc1", "2.9.6", -1},
		{"2.8.0-rc1", "2.8.0", -1},
		{"2.8.0", "2.8.0.1", -1},
		{"1.0", "1.0.0", 0},
		{"10.0.1", "9.9", 1},
		{"10.0.1", "10.0.1", 0},
		{"1.0a1", "1.0", -1}, // PEP 440 pre-release
		{"1.0b2", "1.0a3", 1},
		{"1.0rc1", "1.0b2", 1},
		{"1.0.2a", "1.0.2", 1}, // a letter release, not an alpha
		{"7.4p1", "7.4", 1},
		{"2.0.9-hotfix.7", "2.0.9", 1},
		{"1.0-SNAPSHOT", "1.0", -1},
		{"c.00.04", "c.00.05", -1}, // CVE-2021-33017
		{"053L000092", "054U000092", -1},
		{"007", "7", 0},
		{"20240103", "20231231", 1},
		{"4.9.0.20240103", "4.9.0.20240104", -1},
		{"1.0.2.1", "1.0.2u", 1}, // digits newer than letters at the same place
	}
	for _, tt := range tests {
		got, ok := CompareVersions(tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d, true", tt.a, tt.b, got, ok, tt.want)
		}
		if back, _ := CompareVersions(tt.b, tt.a); back != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, not the reverse of %d", tt.b, tt.a, back, tt.want)
		}
	}
	for _, s := range []string{"(devel)", "", "latest", "-", "beta"} {
		if _, ok := CompareVersions(s, "1.0"); ok {
			t.Errorf("CompareVersions(%q, 1.0): ok, want not comparable", s)
		}
	}
}

// TestCompareVersionsOrder checks that an ascending list (semver 2.0.0
// section 11 precedence, then real NVD-style versions) is totally ordered:
// every earlier version is older than every later one.
func TestCompareVersionsOrder(t *testing.T) {
	lists := [][]string{
		{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1", "2.0.0"},
		{"1.0.1", "1.0.2", "1.0.2a", "1.0.2k", "1.0.2u", "1.0.2.1", "1.1.0", "1.1.1", "1.1.1o", "1.1.1q", "3.0.0"},
		{"0.9", "2.0.9", "2.0.9-hotfix.2", "2.0.9-hotfix.7", "2.0.10"},
	}
	for _, list := range lists {
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				if c, ok := CompareVersions(list[i], list[j]); !ok || c != -1 {
					t.Errorf("CompareVersions(%q, %q) = %d, want -1", list[i], list[j], c)
				}
			}
		}
	}
}
