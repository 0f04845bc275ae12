package sbom

import "testing"

func TestLicenseExpression(t *testing.T) {
	tests := []struct {
		in             string
		expr, compound bool
	}{
		{"MIT", true, false},
		{"GPL-2.0+", true, true},
		{"MIT OR Apache-2.0", true, true},
		{"(MIT AND BSD-3-Clause) OR GPL-2.0-only WITH Classpath-exception-2.0", true, true},
		{"LicenseRef-Proprietary", true, true},
		{"DocumentRef-ext:LicenseRef-x", true, true},
		{"GPL-2.0-only WITH Classpath-exception-2.0+", false, false}, // no "+" on an exception
		{"DocumentRef-ext:x", false, false},
		{"ASL 2.0 and BSD", false, false},
		{"MIT and BSD", false, false},
		{"(MIT", false, false},
		{"MIT)", false, false},
		{"MIT OR", false, false},
		{"GPL-2.0 WITH", false, false},
		{"", false, false},
		{"Apache License 2.0", false, false},
		{"Apache-2.0 (with patches)", false, false},
	}
	for _, tt := range tests {
		if got := IsLicenseExpression(tt.in); got != tt.expr {
			t.Errorf("IsLicenseExpression(%q) = %v, want %v", tt.in, got, tt.expr)
		}
		if got := IsCompoundLicenseExpression(tt.in); got != tt.compound {
			t.Errorf("IsCompoundLicenseExpression(%q) = %v, want %v", tt.in, got, tt.compound)
		}
	}
	deep := ""
	for range 100 {
		deep += "("
	}
	if IsLicenseExpression(deep + "MIT") {
		t.Error("nesting beyond the bound accepted")
	}
}
