package spdx

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"medvigil/internal/sbom"
)

// synthJSON builds an SPDX 2.3 JSON document of n packages, each with a
// supplier, two checksums, a purl, a CPE, two licenses, and a DEPENDS_ON
// edge to its parent in a binary tree; every tenth has a lifecycle
// annotation. 50,000 packages make 41 MiB of compact JSON.
func synthJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"synthetic",` +
		`"documentNamespace":"https://example.com/spdx/synthetic","creationInfo":{"created":"2025-01-01T00:00:00Z",` +
		`"creators":["Organization: Example Medical","Tool: synth-1.0"]},"documentDescribes":["SPDXRef-P0"],"packages":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"component-%d","SPDXID":"SPDXRef-P%d","versionInfo":"1.%d.0",`+
			`"supplier":"Organization: Supplier %d","downloadLocation":"NOASSERTION","filesAnalyzed":false,`+
			`"licenseConcluded":"MIT","licenseDeclared":"Apache-2.0 OR MIT","copyrightText":"NOASSERTION",`+
			`"checksums":[{"algorithm":"SHA256","checksumValue":"%064x"},{"algorithm":"SHA1","checksumValue":"%040x"}],`+
			`"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/component-%d@1.%d.0"},`+
			`{"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:supplier%d:component-%d:1.%d.0:*:*:*:*:*:*:*"}]`,
			i, i, i%100, i%500, i, i, i, i%100, i%500, i, i%100)
		if i%10 == 0 {
			b.WriteString(`,"annotations":[{"annotator":"Organization: Example Medical","annotationDate":"2025-01-01T00:00:00Z",` +
				`"annotationType":"OTHER","comment":"cdx:fda:level-of-support=actively-maintained\ncdx:fda:end-of-support-date=2030-12-31"}]`)
		}
		b.WriteByte('}')
	}
	b.WriteString(`],"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-P0"}`)
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, `,{"spdxElementId":"SPDXRef-P%d","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-P%d"}`, (i-1)/2, i)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// synthTagValue builds the tag-value twin of synthJSON.
func synthTagValue(n int) []byte {
	var b bytes.Buffer
	b.WriteString("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: synthetic\n" +
		"DocumentNamespace: https://example.com/spdx/synthetic\nCreator: Organization: Example Medical\nCreator: Tool: synth-1.0\n" +
		"Created: 2025-01-01T00:00:00Z\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-P0\n")
	for i := range n {
		fmt.Fprintf(&b, "\nPackageName: component-%d\nSPDXID: SPDXRef-P%d\nPackageVersion: 1.%d.0\nPackageSupplier: Organization: Supplier %d\n"+
			"PackageDownloadLocation: NOASSERTION\nFilesAnalyzed: false\nPackageChecksum: SHA256: %064x\nPackageChecksum: SHA1: %040x\n"+
			"PackageLicenseConcluded: MIT\nPackageLicenseDeclared: Apache-2.0 OR MIT\nPackageCopyrightText: NOASSERTION\n"+
			"ExternalRef: PACKAGE-MANAGER purl pkg:npm/component-%d@1.%d.0\n"+
			"ExternalRef: SECURITY cpe23Type cpe:2.3:a:supplier%d:component-%d:1.%d.0:*:*:*:*:*:*:*\n",
			i, i, i%100, i%500, i, i, i, i%100, i%500, i, i%100)
		if i%10 == 0 {
			fmt.Fprintf(&b, "PackageComment: <text>cdx:fda:level-of-support=actively-maintained\ncdx:fda:end-of-support-date=2030-12-31</text>\n")
		}
		if i > 0 {
			fmt.Fprintf(&b, "Relationship: SPDXRef-P%d DEPENDS_ON SPDXRef-P%d\n", (i-1)/2, i)
		}
	}
	return b.Bytes()
}

// benchmarkDecode also reports the CPU time per decode (all threads, GC
// included), which a busy machine disturbs less than the wall time.
func benchmarkDecode(b *testing.B, data []byte, enc sbom.Encoding, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0, ops := cpuTime(), 0
	defer func() {
		if ops > 0 {
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(ops), "cpu-ns/op")
		}
	}()
	for b.Loop() {
		ops++
		doc, err := Decode("synthetic", data, enc)
		if err != nil {
			b.Fatal(err)
		}
		if len(doc.Components) != n || len(doc.Warnings) != 0 || len(doc.Dependencies) != n/2 {
			b.Fatalf("%d components, %d dependency entries, warnings %v", len(doc.Components), len(doc.Dependencies), doc.Warnings)
		}
	}
}

// BenchmarkDecodeJSON50k reads 50,000 packages of SPDX JSON; the budget is
// 1 s and 300 MB.
func BenchmarkDecodeJSON50k(b *testing.B) {
	benchmarkDecode(b, synthJSON(50000), sbom.EncodingJSON, 50000)
}

// BenchmarkDecodeTagValue reads 10,000 packages of SPDX tag-value.
func BenchmarkDecodeTagValue(b *testing.B) {
	benchmarkDecode(b, synthTagValue(10000), sbom.EncodingTagValue, 10000)
}

// BenchmarkEncodeJSON50k writes 50,000 components as SPDX JSON.
func BenchmarkEncodeJSON50k(b *testing.B) {
	doc, err := Decode("synthetic", synthJSON(50000), sbom.EncodingJSON)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Encode(io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}
