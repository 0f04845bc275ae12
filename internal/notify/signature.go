package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is the largest difference between a webhook's timestamp and
// the receiver's clock that Verify accepts when given a tolerance of zero.
const DefaultTolerance = 5 * time.Minute

// Errors returned (wrapped) by Verify.
var (
	// ErrNoSignature: the signature header holds no sha256= signature.
	ErrNoSignature = errors.New("no sha256 signature")
	// ErrBadSignature: no signature in the header matches the body.
	ErrBadSignature = errors.New("signature does not match")
	// ErrBadTimestamp: the timestamp is not Unix seconds.
	ErrBadTimestamp = errors.New("malformed timestamp")
	// ErrStaleTimestamp: the timestamp is further from now than the tolerance
	// (an old request being replayed, or a badly wrong clock).
	ErrStaleTimestamp = errors.New("timestamp outside tolerance")
)

// Sign returns the X-Medvigil-Signature value of a request: "sha256=" and the
// lowercase hex HMAC-SHA256, keyed with secret, of timestamp, ".", body.
func Sign(secret, timestamp string, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, timestamp, body))
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a webhook request as a receiver should: timestamp is the
// X-Medvigil-Timestamp header (Unix seconds), body the raw request body,
// signatureHeader the X-Medvigil-Signature header. The header may list several
// comma-separated signatures (during a secret rotation); one valid sha256=
// signature is enough. The timestamp must be within tolerance of now in either
// direction (DefaultTolerance when tolerance is zero or less), which makes a
// captured request useless after that time; receivers that must reject every
// replay also remember X-Medvigil-Delivery IDs for the tolerance window.
// Comparison is constant-time. A nil error means the request is authentic.
func Verify(secret, timestamp string, body []byte, signatureHeader string, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("notify: verify %q: %w", timestamp, ErrBadTimestamp)
	}
	sent := time.Unix(ts, 0)
	if d := now.Sub(sent); d > tolerance || d < -tolerance {
		return fmt.Errorf("notify: verify: sent %s, now %s: %w", sent.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), ErrStaleTimestamp)
	}
	want := mac(secret, timestamp, body)
	found := false
	for part := range strings.SplitSeq(signatureHeader, ",") {
		hexSig, ok := strings.CutPrefix(strings.TrimSpace(part), "sha256=")
		if !ok {
			continue
		}
		found = true
		got, err := hex.DecodeString(hexSig)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	if !found {
		return fmt.Errorf("notify: verify: %w", ErrNoSignature)
	}
	return fmt.Errorf("notify: verify: %w", ErrBadSignature)
}
