package spdx

import (
	"strings"

	"github.com/spdx/tools-golang/spdx/v2/common"
)

// hashNames pairs the SPDX 2.3 checksum algorithms (section 7.10) with the
// model's CycloneDX spellings. Algorithms CycloneDX lacks keep their SPDX
// name, except SHA224, which is written "SHA-224" like its siblings.
func hashNames() [][2]string {
	return [][2]string{
		{"SHA1", "SHA-1"}, {"SHA224", "SHA-224"}, {"SHA256", "SHA-256"}, {"SHA384", "SHA-384"},
		{"SHA512", "SHA-512"}, {"SHA3-256", "SHA3-256"}, {"SHA3-384", "SHA3-384"}, {"SHA3-512", "SHA3-512"},
		{"BLAKE2b-256", "BLAKE2b-256"}, {"BLAKE2b-384", "BLAKE2b-384"}, {"BLAKE2b-512", "BLAKE2b-512"},
		{"BLAKE3", "BLAKE3"}, {"MD2", "MD2"}, {"MD4", "MD4"}, {"MD5", "MD5"}, {"MD6", "MD6"}, {"ADLER32", "ADLER32"},
	}
}

// modelHash returns the model spelling of an SPDX checksum algorithm
// (compared without regard to case) and whether SPDX defines it.
func modelHash(alg common.ChecksumAlgorithm) (string, bool) {
	a := strings.TrimSpace(string(alg))
	for _, p := range hashNames() {
		if strings.EqualFold(a, p[0]) {
			return p[1], true
		}
	}
	return a, false
}

// spdxHash returns the SPDX algorithm for a model hash algorithm (either
// spelling, any case) and whether there is one.
func spdxHash(alg string) (common.ChecksumAlgorithm, bool) {
	a := strings.TrimSpace(alg)
	for _, p := range hashNames() {
		if strings.EqualFold(a, p[1]) || strings.EqualFold(a, p[0]) {
			return common.ChecksumAlgorithm(p[0]), true
		}
	}
	return "", false
}
