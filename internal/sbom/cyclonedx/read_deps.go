package cyclonedx

import (
	"fmt"
	"strconv"

	"medvigil/internal/sbom"
)

// dependencies reads bom.dependencies in order. An entry whose ref names no
// component is dropped, and so is each dependsOn ref that names none; both
// are warnings (a ref that names a service says so: the model keeps no
// services).
func (r *reader) dependencies() {
	deps := r.bom.Dependencies
	if deps == nil {
		return
	}
	r.doc.Dependencies = make([]sbom.Dependency, 0, len(*deps))
	for i, d := range *deps {
		at := "/dependencies/" + strconv.Itoa(i)
		if !r.isComponent(d.Ref, at+"/ref") {
			continue
		}
		dep := sbom.Dependency{Ref: d.Ref}
		if d.Dependencies != nil {
			dep.DependsOn = make([]string, 0, len(*d.Dependencies))
			for j, on := range *d.Dependencies {
				if r.isComponent(on, at+"/dependsOn/"+strconv.Itoa(j)) {
					dep.DependsOn = append(dep.DependsOn, on)
				}
			}
		}
		r.doc.Dependencies = append(r.doc.Dependencies, dep)
	}
}

// isComponent reports whether ref names a component, warning at pointer
// when it does not.
func (r *reader) isComponent(ref, pointer string) bool {
	if _, ok := r.byRef[ref]; ok {
		return true
	}
	if _, ok := r.services[ref]; ok {
		r.warn(pointer, fmt.Errorf("dependency ref %q names a service, which is not read; dropped", ref))
		return false
	}
	r.warn(pointer, fmt.Errorf("dependency ref %q names no component; dropped", ref))
	return false
}
