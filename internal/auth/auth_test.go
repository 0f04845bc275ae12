package auth

import (
	"strings"
	"testing"

	"medvigil/internal/store"
)

func TestPassword(t *testing.T) {
	if _, err := HashPassword("short"); err == nil {
		t.Fatal("short password accepted")
	}
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q: want argon2id PHC string with m=65536,t=3,p=2", h)
	}
	if !CheckPassword("correct horse battery", h) {
		t.Error("right password rejected")
	}
	for _, bad := range []string{"correct horse batterY", "", "correct horse battery "} {
		if CheckPassword(bad, h) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	if CheckPassword("x", "") || CheckPassword("x", "garbage") {
		t.Error("empty or garbage hash accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
}

func TestToken(t *testing.T) {
	s, h, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckTokenFormat(s); err != nil {
		t.Fatalf("new token %q fails its own format: %v", s, err)
	}
	if string(HashToken(s)) != string(h) {
		t.Error("hash of the secret differs from the hash returned")
	}
	s2, _, _ := NewToken()
	if s == s2 {
		t.Error("two tokens are equal")
	}
	if !strings.HasPrefix(DisplayPrefix(s), "mvg_") || len(DisplayPrefix(s)) != 10 {
		t.Errorf("display prefix %q", DisplayPrefix(s))
	}
	for _, bad := range []string{"", "mvg_", "Bearer " + s, s + "x", strings.Replace(s, "mvg_", "xyz_", 1)} {
		if CheckTokenFormat(bad) == nil {
			t.Errorf("%q accepted as a token", bad)
		}
	}
}

func TestAllowed(t *testing.T) {
	tests := []struct {
		role store.Role
		want [3]bool // read, write, administer
	}{
		{store.RoleAdmin, [3]bool{true, true, true}},
		{store.RoleAnalyst, [3]bool{true, true, false}},
		{store.RoleViewer, [3]bool{true, false, false}},
		{"root", [3]bool{false, false, false}},
		{"", [3]bool{false, false, false}},
	}
	for _, tt := range tests {
		for i, a := range []Action{Read, Write, Administer} {
			if got := Allowed(tt.role, a); got != tt.want[i] {
				t.Errorf("Allowed(%q, %v) = %v, want %v", tt.role, a, got, tt.want[i])
			}
		}
	}
	if !(Rank(store.RoleAdmin) > Rank(store.RoleAnalyst) && Rank(store.RoleAnalyst) > Rank(store.RoleViewer) && Rank("x") == 0) {
		t.Error("rank order")
	}
}
