package notify

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestSignKnownVector(t *testing.T) {
	// The test vector of docs/notifications.md, computed there with openssl.
	got := Sign("s3cret", "1700000000", []byte(`{"a":1}`))
	want := "sha256=" + opensslVector
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

// opensslVector was computed with the shell recipe of docs/notifications.md.
const opensslVector = "1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"id":1,"type":"finding.new"}`)
	good := Sign("secret", ts, body)
	old := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
	tests := []struct {
		name      string
		secret    string
		ts        string
		body      []byte
		header    string
		tolerance time.Duration
		want      error
	}{
		{"valid", "secret", ts, body, good, 0, nil},
		{"valid among several (rotation)", "secret", ts, body, "sha256=00ff, " + good, 0, nil},
		{"wrong secret", "other", ts, body, good, 0, ErrBadSignature},
		{"body changed", "secret", ts, []byte(`{"id":2,"type":"finding.new"}`), good, 0, ErrBadSignature},
		{"timestamp changed", "secret", strconv.FormatInt(now.Unix()-1, 10), body, good, 0, ErrBadSignature},
		{"uppercase hex is not the format", "secret", ts, body, "sha256=ZZ", 0, ErrBadSignature},
		{"no signature", "secret", ts, body, "", 0, ErrNoSignature},
		{"other algorithm", "secret", ts, body, "sha1=abcdef", 0, ErrNoSignature},
		{"replayed after tolerance", "secret", old, body, Sign("secret", old, body), 0, ErrStaleTimestamp},
		{"old but within a longer tolerance", "secret", old, body, Sign("secret", old, body), 10 * time.Minute, nil},
		{"from the future", "secret", future, body, Sign("secret", future, body), 0, ErrStaleTimestamp},
		{"malformed timestamp", "secret", "yesterday", body, good, 0, ErrBadTimestamp},
		{"empty timestamp", "secret", "", body, good, 0, ErrBadTimestamp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.secret, tc.ts, tc.body, tc.header, now, tc.tolerance)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("secret", "1800000000", []byte(`{}`), "sha256=abc")
	f.Add("", "-1", []byte{}, ",,sha256=,")
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, secret, ts string, body []byte, header string) {
		err := Verify(secret, ts, body, header, now, time.Hour)
		if err == nil && Verify(secret, ts, append(body, 'x'), header, now, time.Hour) == nil {
			t.Fatalf("both a body and its extension verify with header %q", header)
		}
		if err := Verify(secret, ts, body, Sign(secret, ts, body), now, 0); err != nil &&
			!errors.Is(err, ErrBadTimestamp) && !errors.Is(err, ErrStaleTimestamp) {
			t.Fatalf("own signature rejected: %v", err)
		}
	})
}
