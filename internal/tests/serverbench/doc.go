// Command serverbench measures the medvigil server at scale on one database
// (SQLite or PostgreSQL): it loads many synthetic SBOMs through
// monitor.ImportSBOM, times the import of a 1,000-component SBOM, drives the
// HTTP API (server.New) with GETs at a fixed rate (open loop, latency per
// request from its scheduled start), and times the re-evaluation after a
// knowledge-base change of many advisories (monitor.ReplaceKB).
//
// It is a benchmark, not a test: bench/server.sh runs it on both backends
// and docs/performance.md ("Server") holds the numbers. The SBOMs come from
// internal/sbom/synth; the knowledge base is OSV-like advisories generated
// here for the synth packages, each affecting a narrow range of versions.
//
// It may import the other internal packages.
package main
