// Package demo holds the demo data medvigil ships and loads it: a fictional
// manufacturer (Northwind Medical Systems), its three products with their
// versions and lifecycle dates (manifest.json), one SBOM per version
// (CycloneDX 1.6 JSON and SPDX 2.3 JSON, with real open-source components),
// and a small knowledge base of fictional DEMO- advisories in OSV format with
// a CISA KEV-format catalog and a FIRST EPSS-format score file. The server's
// demo mode (`medvigil serve --demo`) reads it through Manifest, Open, FS,
// Document and LoadKB.
//
// The files live under data/ and are embedded with go:embed;
// examples/demo/README.md describes them. None of the data describes a real
// company, product or vulnerability, and no real CVE ID appears in it.
//
// It may import any internal package (it uses internal/sbom,
// internal/sbom/formats, internal/vuln and the OSV, KEV and EPSS readers).
package demo
