package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"medvigil/internal/sbom"
)

type ecosystem struct {
	purlType, namespace, vendor string
	names                       []string
}

func ecosystems() []ecosystem {
	return []ecosystem{
		{"npm", "", "", []string{"lodash", "minimist", "semver", "ws", "moment", "jquery", "jsonwebtoken", "express", "axios", "debug"}},
		{"pypi", "", "", []string{"requests", "urllib3", "django", "flask", "jinja2", "pyyaml", "cryptography", "pillow", "numpy", "certifi"}},
		{"maven", "com.fasterxml.jackson.core", "fasterxml", []string{"jackson-databind", "jackson-core", "jackson-annotations"}},
		{"golang", "golang.org/x", "golang", []string{"net", "text", "crypto", "sys", "image"}},
		{"nuget", "", "newtonsoft", []string{"Newtonsoft.Json", "log4net", "BouncyCastle", "Serilog"}},
		{"generic", "", "freertos", []string{"FreeRTOS-Kernel", "wolfSSL", "lwIP", "mbedTLS"}},
	}
}

// Generate returns a CycloneDX-shaped document with n components besides
// the primary one. Every component has a unique bom-ref, a purl, a CPE, a
// SHA-256 hash and a license; one in three carries FDA lifecycle fields;
// each depends on up to three others.
func Generate(n int, seed uint64) *sbom.Document {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ecos := ecosystems()
	licenses := []string{"MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "MPL-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"}
	levels := []sbom.SupportLevel{sbom.SupportActive, sbom.SupportNoLonger, sbom.SupportAbandoned, sbom.SupportUnknown}
	doc := &sbom.Document{
		Format:       sbom.FormatCycloneDX,
		SpecVersion:  "1.6",
		Encoding:     sbom.EncodingJSON,
		SerialNumber: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012x", seed&0xffffffffffff),
		Version:      1,
		Authors:      []sbom.Party{{Name: "Synthetic Medical Devices Inc. PSIRT", Email: "psirt@example.com", Kind: "person"}},
		Tools:        []sbom.Tool{{Vendor: "medvigil", Name: "medvigil-synth", Version: "1"}},
		Timestamp:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		TimestampRaw: "2026-01-01T00:00:00Z",
		Lifecycles:   []string{"build"},
		PrimaryRef:   "device-firmware",
	}
	doc.Components = make([]sbom.Component, 0, n+1)
	doc.Components = append(doc.Components, sbom.Component{
		Ref: "device-firmware", Type: "firmware", Name: "infusion-pump-firmware", Version: "4.2.0",
		Supplier: &sbom.Party{Name: "Synthetic Medical Devices Inc.", Kind: "organization"},
	})
	refs := make([]string, 0, n)
	for i := range n {
		e := ecos[rng.IntN(len(ecos))]
		name := e.names[rng.IntN(len(e.names))]
		version := fmt.Sprintf("%d.%d.%d", rng.IntN(5), rng.IntN(20), rng.IntN(30))
		ref := fmt.Sprintf("c%d-%s@%s", i, name, version)
		purl := "pkg:" + e.purlType + "/"
		if e.namespace != "" {
			purl += e.namespace + "/"
		}
		purl += name + "@" + version
		vendor := e.vendor
		if vendor == "" {
			vendor = name
		}
		sum := sha256.Sum256([]byte(ref))
		c := sbom.Component{
			Ref: ref, Type: "library", Group: e.namespace, Name: name, Version: version,
			Supplier: &sbom.Party{Name: vendor + " maintainers", Kind: "organization"},
			PURL:     purl,
			CPEs:     []string{fmt.Sprintf("cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", vendor, name, version)},
			Hashes:   []sbom.Hash{{Algorithm: "SHA-256", Value: hex.EncodeToString(sum[:])}},
			Licenses: []string{licenses[rng.IntN(len(licenses))]},
		}
		if i%3 == 0 {
			c.Lifecycle = sbom.Lifecycle{
				LevelOfSupport: levels[rng.IntN(len(levels))],
				EndOfSupport:   fmt.Sprintf("20%02d-%02d-28", 24+rng.IntN(10), 1+rng.IntN(12)),
			}
			if c.Lifecycle.LevelOfSupport == sbom.SupportUnknown {
				c.Lifecycle.Justification = "supplier publishes no support policy"
			}
		}
		doc.Components = append(doc.Components, c)
		refs = append(refs, ref)
	}
	top := sbom.Dependency{Ref: doc.PrimaryRef}
	for i, ref := range refs {
		if i < 20 {
			top.DependsOn = append(top.DependsOn, ref)
		}
		d := sbom.Dependency{Ref: ref}
		for k := rng.IntN(4); k > 0 && i+1 < len(refs); k-- {
			d.DependsOn = append(d.DependsOn, refs[i+1+rng.IntN(len(refs)-i-1)])
		}
		d.DependsOn = dedupe(d.DependsOn)
		doc.Dependencies = append(doc.Dependencies, d)
	}
	doc.Dependencies = append([]sbom.Dependency{top}, doc.Dependencies...)
	return doc
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
