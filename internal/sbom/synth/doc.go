// Package synth generates large, realistic synthetic SBOMs for benchmarks
// and load tests: real ecosystems and purl shapes, CPEs, hashes, licenses,
// FDA lifecycle fields on part of the components and a dependency graph.
// The same seed always yields the same document.
//
// It may import internal/sbom and the standard library.
package synth
