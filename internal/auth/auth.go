package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"medvigil/internal/store"
)

// Params are the argon2id parameters: RFC 9106's second recommended option
// (64 MiB, 3 passes) with the parallelism of the default library settings.
var params = &argon2id.Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// MinPassword is the shortest password accepted (NIST SP 800-63B: at least 8;
// we ask for 12 on a system holding vulnerability data).
const MinPassword = 12

// ErrWeakPassword is returned for passwords shorter than MinPassword.
var ErrWeakPassword = fmt.Errorf("password must have at least %d characters", MinPassword)

// HashPassword returns the argon2id PHC string of password.
func HashPassword(password string) (string, error) {
	if utf8.RuneCountInString(password) < MinPassword {
		return "", ErrWeakPassword
	}
	h, err := argon2id.CreateHash(password, params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// CheckPassword reports whether password matches the PHC hash. It takes the
// same time whatever the password (argon2id compares in constant time).
func CheckPassword(password, hash string) bool {
	if hash == "" {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// TokenPrefix starts every token, so secret scanners can recognize them.
const TokenPrefix = "mvg_"

// NewToken returns a new API token secret (mvg_ + 43 characters of base64url,
// 256 bits) and the SHA-256 the store keeps.
func NewToken() (secret string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("token: %w", err)
	}
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret), nil
}

// HashToken is the stored form of a token secret.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// DisplayPrefix is the part of a token shown in lists to recognize it.
func DisplayPrefix(secret string) string {
	if len(secret) > len(TokenPrefix)+6 {
		return secret[:len(TokenPrefix)+6]
	}
	return secret
}

// ErrBadToken is returned for strings that cannot be medvigil tokens.
var ErrBadToken = errors.New("not a medvigil API token")

// CheckTokenFormat rejects strings that are not tokens before any look-up.
func CheckTokenFormat(secret string) error {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) != len(TokenPrefix)+43 {
		return ErrBadToken
	}
	return nil
}

// Action is something a role may or may not do.
type Action int

const (
	Read       Action = iota // read the organization's data
	Write                    // products, versions, SBOMs, finding status
	Administer               // users, tokens, webhooks
)

func (a Action) String() string {
	switch a {
	case Read:
		return "read"
	case Write:
		return "write"
	case Administer:
		return "administer"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// Allowed reports whether role may do a.
func Allowed(role store.Role, a Action) bool {
	switch role {
	case store.RoleAdmin:
		return true
	case store.RoleAnalyst:
		return a == Read || a == Write
	case store.RoleViewer:
		return a == Read
	}
	return false
}

// ValidRole reports whether r is a known role.
func ValidRole(r store.Role) bool {
	return r == store.RoleAdmin || r == store.RoleAnalyst || r == store.RoleViewer
}

// Rank orders roles: a token may not carry more rights than its user.
func Rank(r store.Role) int {
	switch r {
	case store.RoleAdmin:
		return 3
	case store.RoleAnalyst:
		return 2
	case store.RoleViewer:
		return 1
	}
	return 0
}
