package cyclonedx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"medvigil/internal/sbom"
)

// synthDoc returns a document with a primary component and n others, each
// with a purl, a CPE, SHA-1 and SHA-256 hashes, a license, properties (a
// third with FDA lifecycle fields) and up to three dependencies.
func synthDoc(n int) *sbom.Document {
	ecosystems := []struct{ typ, ns, vendor string }{
		{"npm", "", "npmjs"}, {"pypi", "", "python"}, {"maven", "org.apache.commons", "apache"},
		{"golang", "golang.org/x", "golang"}, {"nuget", "", "microsoft"}, {"generic", "", "freertos"},
	}
	licenses := []string{"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only WITH Classpath-exception-2.0", "Acme Proprietary"}
	doc := &sbom.Document{
		SerialNumber: "urn:uuid:5a2d6c1e-0b7f-4e8a-9c3d-2f1e0d9c8b7a",
		Version:      1,
		Authors:      []sbom.Party{{Name: "Device PSIRT", Email: "psirt@example.com"}},
		Tools:        []sbom.Tool{{Vendor: "medvigil", Name: "bench", Version: "1"}},
		PrimaryRef:   "device",
	}
	doc.Components = append(make([]sbom.Component, 0, n+1), sbom.Component{Ref: "device", Type: "device", Name: "ventilator", Version: "3.1"})
	top := sbom.Dependency{Ref: "device"}
	deps := make([]sbom.Dependency, 0, n)
	for i := range n {
		e := ecosystems[i%len(ecosystems)]
		name := fmt.Sprintf("pkg%d", i)
		version := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%29)
		purl := "pkg:" + e.typ + "/"
		if e.ns != "" {
			purl += e.ns + "/"
		}
		purl += name + "@" + version
		ref := purl
		s1 := sha256.Sum256([]byte(ref))
		c := sbom.Component{
			Ref: ref, Type: "library", Group: e.ns, Name: name, Version: version,
			Supplier: &sbom.Party{Name: e.vendor + " maintainers", Kind: "organization"},
			PURL:     purl,
			CPEs:     []string{fmt.Sprintf("cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", e.vendor, name, version)},
			Hashes: []sbom.Hash{
				{Algorithm: "SHA-1", Value: hex.EncodeToString(s1[:20])},
				{Algorithm: "SHA-256", Value: hex.EncodeToString(s1[:])},
			},
			Licenses:   []string{licenses[i%len(licenses)]},
			Properties: []sbom.Property{{Name: "acme:build", Value: "release"}},
		}
		if i%3 == 0 {
			c.Lifecycle = sbom.Lifecycle{LevelOfSupport: sbom.SupportActive, EndOfSupport: "2030-06-30"}
		}
		doc.Components = append(doc.Components, c)
		if i < 20 {
			top.DependsOn = append(top.DependsOn, ref)
		}
		d := sbom.Dependency{Ref: ref}
		for k := 1; k <= i%4 && i+k < n; k++ {
			d.DependsOn = append(d.DependsOn, "") // filled below, once all refs exist
		}
		deps = append(deps, d)
	}
	for i := range deps {
		for k := range deps[i].DependsOn {
			deps[i].DependsOn[k] = doc.Components[2+i+k].Ref
		}
	}
	doc.Dependencies = append([]sbom.Dependency{top}, deps...)
	return doc
}

func benchmarkDecode(b *testing.B, n int, enc sbom.Encoding) {
	var buf bytes.Buffer
	if err := Encode(&buf, synthDoc(n), enc); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Decode("bench", data, enc)
		if err != nil {
			b.Fatal(err)
		}
		if len(doc.Components) != n+1 || len(doc.Warnings) != 0 {
			b.Fatalf("%d components, %d warnings; want %d, 0", len(doc.Components), len(doc.Warnings), n+1)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "components/s")
}

// BenchmarkDecodeJSON50k decodes a 50,000-component CycloneDX 1.6 JSON
// SBOM (about 30 MB).
func BenchmarkDecodeJSON50k(b *testing.B) { benchmarkDecode(b, 50_000, sbom.EncodingJSON) }

// BenchmarkDecodeXML50k decodes the same SBOM as XML.
func BenchmarkDecodeXML50k(b *testing.B) { benchmarkDecode(b, 50_000, sbom.EncodingXML) }

// BenchmarkEncodeJSON50k encodes a 50,000-component document as JSON.
func BenchmarkEncodeJSON50k(b *testing.B) {
	doc := synthDoc(50_000)
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, doc, sbom.EncodingJSON); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(50_000*float64(b.N)/b.Elapsed().Seconds(), "components/s")
}
