package spdx

import (
	"fmt"

	"medvigil/internal/input"
)

// place is where in the source file something was read: a JSON pointer or a
// line and column. The zero place stands for the whole file.
type place struct {
	pointer      string
	line, column int
}

// at returns the fault err at p in file, prefixed "spdx: ".
func (p place) at(file string, err error) *input.Error {
	err = fmt.Errorf("spdx: %w", err)
	if p.line > 0 {
		return input.AtLine(file, p.line, p.column, err)
	}
	if p.pointer != "" {
		return input.AtPointer(file, p.pointer, err)
	}
	return &input.Error{File: file, Err: err}
}

// locator tells where the parts of a document read by tools-golang are in
// the source file. Fields are named twice, by their JSON name and their
// tag-value tag; n is the position among repeated fields, or -1.
type locator interface {
	// doc is a document-level field (creation info included).
	doc(jsonPath, tag string, n int) place
	// pkg is a field of the i-th package of the library's document.
	pkg(i int, jsonField, tag string, n int) place
	// pkgAnnotation is the comment of the k-th annotation nested in package
	// i (JSON only).
	pkgAnnotation(i, k int) place
	// annotation is the comment of the j-th document-level annotation.
	annotation(j int) place
	// relationship is the j-th relationship.
	relationship(j int) place
	// describes is the k-th entry of documentDescribes (JSON only).
	describes(k int) place
}

// jsonLocator places parts of a JSON document by JSON pointer.
type jsonLocator struct{}

func (jsonLocator) doc(path, _ string, n int) place {
	p := "/" + path
	if n >= 0 {
		p += fmt.Sprintf("/%d", n)
	}
	return place{pointer: p}
}

func (jsonLocator) pkg(i int, field, _ string, n int) place {
	if field == "" {
		return place{pointer: input.Pointer("packages", i)}
	}
	if n >= 0 {
		return place{pointer: input.Pointer("packages", i, field, n)}
	}
	return place{pointer: input.Pointer("packages", i, field)}
}

func (jsonLocator) pkgAnnotation(i, k int) place {
	return place{pointer: input.Pointer("packages", i, "annotations", k, "comment")}
}

func (jsonLocator) annotation(j int) place {
	return place{pointer: input.Pointer("annotations", j, "comment")}
}

func (jsonLocator) relationship(j int) place {
	return place{pointer: input.Pointer("relationships", j)}
}

func (jsonLocator) describes(k int) place {
	return place{pointer: input.Pointer("documentDescribes", k)}
}
