package check

import (
	"fmt"
	"testing"

	"medvigil/internal/sbom"
)

// BenchmarkRun checks a 10,000-component document (each component depending
// on the next) against every profile.
func BenchmarkRun(b *testing.B) {
	d := fullDoc()
	d.Components = d.Components[:1]
	d.Dependencies = nil
	prev := "app"
	for i := range 10000 {
		c := lib(fullDoc())
		c.Ref, c.Name = fmt.Sprintf("c%d", i), fmt.Sprintf("c%d", i)
		d.Components = append(d.Components, *c)
		d.Dependencies = append(d.Dependencies, sbom.Dependency{Ref: prev, DependsOn: []string{c.Ref}})
		prev = c.Ref
	}
	for b.Loop() {
		for _, p := range Profiles() {
			Run(d, p)
		}
	}
}
