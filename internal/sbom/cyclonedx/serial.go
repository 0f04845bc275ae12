package cyclonedx

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// serialNumber returns the serial number to write: s lower-cased when it is
// a urn:uuid (the 1.6 schema accepts only lower-case hex digits), else a
// urn:uuid derived from s, with derived set. An empty s stays empty.
func serialNumber(s string) (serial string, derived bool) {
	if s == "" {
		return "", false
	}
	if low := strings.ToLower(strings.TrimSpace(s)); isUUIDURN(low) {
		return low, false
	}
	return "urn:uuid:" + uuidV5(s), true
}

// isUUIDURN reports whether s is "urn:uuid:" and a UUID in lower-case hex
// (the 1.6 schema's serialNumber pattern).
func isUUIDURN(s string) bool {
	u, ok := strings.CutPrefix(s, "urn:uuid:")
	if !ok || len(u) != 36 {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// uuidV5 returns the name-based (SHA-1) UUID of name in the URL namespace
// (RFC 9562 section 5.5), so the same source serial always gives the same
// UUID.
func uuidV5(name string) string {
	// The RFC 9562 URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	b := hex.EncodeToString(u[:])
	return b[0:8] + "-" + b[8:12] + "-" + b[12:16] + "-" + b[16:20] + "-" + b[20:32]
}
