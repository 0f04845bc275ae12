package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"medvigil/internal/input"
)

// repairJSON reads a JSON document that tools-golang refused: it decodes it
// into generic values, repairs what jsonFixer knows, and decodes the result
// again. The repairs come back as warnings at JSON pointers.
func repairJSON(name string, data []byte) (jsonDoc, []*input.Error, error) {
	var w jsonDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return w, nil, &input.Error{File: name, Err: fmt.Errorf("spdx: %w", err)}
	}
	fx := &jsonFixer{name: name, warned: make(map[string]bool)}
	if err := fx.document(tree); err != nil {
		return w, nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return w, nil, &input.Error{File: name, Err: fmt.Errorf("spdx: re-encode repaired document: %w", err)}
	}
	if err := json.Unmarshal(buf.Bytes(), &w); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return w, nil, typeError(name, nil, tree, typ)
		}
		return w, nil, libraryError(name, data, err)
	}
	return w, fx.warnings, nil
}

// jsonFixer repairs, in a generically decoded SPDX JSON document, the values
// the tools-golang unmarshalers refuse:
//   - element identifiers without "SPDXRef-" get it, wherever the identifier
//     is defined or referenced (one warning per identifier, at its
//     definition when there is one);
//   - suppliers and originators without "Person: " or "Organization: ", and
//     creators and annotators without a type, get one (see fixParty);
//     an empty supplier or originator is dropped;
//   - external document ids without "DocumentRef-" get it.
//
// A wrong JSON type in one of these fields is fatal.
type jsonFixer struct {
	name     string
	warnings []*input.Error
	warned   map[string]bool
}

func (f *jsonFixer) warn(pointer string, err error) {
	f.warnings = append(f.warnings, input.AtPointer(f.name, pointer, fmt.Errorf("spdx: %w", err)))
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func (f *jsonFixer) document(tree any) error {
	root, ok := tree.(map[string]any)
	if !ok {
		return &input.Error{File: f.name, Err: errors.New("spdx: the document is no JSON object")}
	}
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	// Definitions first, so a warning about an identifier lands where it is
	// defined.
	check(f.id(root, "SPDXID", "", false))
	elements := func(v any, ptr string) {
		for i, e := range list(v) {
			if m, ok := e.(map[string]any); ok {
				p := ptr + "/" + strconv.Itoa(i)
				check(f.id(m, "SPDXID", p, false))
				check(f.annotations(m["annotations"], p+"/annotations"))
			}
		}
	}
	for i, e := range list(root["packages"]) {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		p := input.Pointer("packages", i)
		check(f.id(m, "SPDXID", p, false))
		check(f.party(m, "supplier", p))
		check(f.party(m, "originator", p))
		check(f.annotations(m["annotations"], p+"/annotations"))
		elements(m["files"], p+"/files")
	}
	elements(root["files"], "/files")
	elements(root["snippets"], "/snippets")
	// References.
	for i, e := range list(root["packages"]) {
		if m, ok := e.(map[string]any); ok {
			check(f.idList(m["hasFiles"], input.Pointer("packages", i, "hasFiles")))
		}
	}
	for i, e := range list(root["relationships"]) {
		if m, ok := e.(map[string]any); ok {
			p := input.Pointer("relationships", i)
			check(f.id(m, "spdxElementId", p, true))
			check(f.id(m, "relatedSpdxElement", p, true))
		}
	}
	check(f.idList(root["documentDescribes"], "/documentDescribes"))
	if ci, ok := root["creationInfo"].(map[string]any); ok {
		for i, c := range list(ci["creators"]) {
			check(f.typed(c, "creator", input.Pointer("creationInfo", "creators", i), func(s string) { list(ci["creators"])[i] = s }))
		}
	}
	check(f.annotations(root["annotations"], "/annotations"))
	for i, e := range list(root["externalDocumentRefs"]) {
		if m, ok := e.(map[string]any); ok {
			check(f.documentRef(m, input.Pointer("externalDocumentRefs", i, "externalDocumentId")))
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// id repairs the identifier m[key]; ptr is the pointer of m.
func (f *jsonFixer) id(m map[string]any, key, ptr string, special bool) error {
	v, ok := m[key]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return input.AtPointer(f.name, ptr+"/"+key, fmt.Errorf("spdx: %s is %s, want a string", key, jsonType(v)))
	}
	if fixed, changed := fixID(s, special); changed {
		m[key] = fixed
		f.warnID(ptr+"/"+key, s, fixed)
	}
	return nil
}

func (f *jsonFixer) idList(v any, ptr string) error {
	l := list(v)
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return input.AtPointer(f.name, ptr+"/"+strconv.Itoa(i), fmt.Errorf("spdx: identifier is %s, want a string", jsonType(e)))
		}
		if fixed, changed := fixID(s, false); changed {
			l[i] = fixed
			f.warnID(ptr+"/"+strconv.Itoa(i), s, fixed)
		}
	}
	return nil
}

func (f *jsonFixer) warnID(pointer, from, to string) {
	if !f.warned[from] {
		f.warned[from] = true
		f.warn(pointer, idWarning(from, to))
	}
}

// party repairs a supplier or originator of the package at ptr.
func (f *jsonFixer) party(m map[string]any, key, ptr string) error {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return input.AtPointer(f.name, ptr+"/"+key, fmt.Errorf("spdx: %s is %s, want a string", key, jsonType(v)))
	}
	if strings.TrimSpace(s) == "" {
		delete(m, key)
		f.warn(ptr+"/"+key, fmt.Errorf("empty %s; ignored", key))
		return nil
	}
	if fixed, why := fixParty(s); why != nil {
		m[key] = fixed
		f.warn(ptr+"/"+key, fmt.Errorf("%s %w", key, why))
	}
	return nil
}

// typed repairs a creator or annotator v, storing the fix with set.
func (f *jsonFixer) typed(v any, what, ptr string, set func(string)) error {
	s, ok := v.(string)
	if !ok {
		return input.AtPointer(f.name, ptr, fmt.Errorf("spdx: %s is %s, want a string", what, jsonType(v)))
	}
	if fixed, why := fixCreator(s); why != nil {
		set(fixed)
		f.warn(ptr, fmt.Errorf("%s %w", what, why))
	}
	return nil
}

func (f *jsonFixer) annotations(v any, ptr string) error {
	for i, e := range list(v) {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if a, ok := m["annotator"]; ok {
			p := ptr + "/" + strconv.Itoa(i) + "/annotator"
			if err := f.typed(a, "annotator", p, func(s string) { m["annotator"] = s }); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *jsonFixer) documentRef(m map[string]any, ptr string) error {
	v, ok := m["externalDocumentId"]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return input.AtPointer(f.name, ptr, fmt.Errorf("spdx: externalDocumentId is %s, want a string", jsonType(v)))
	}
	if !strings.HasPrefix(s, docRefPrefix) && s != "" {
		m["externalDocumentId"] = docRefPrefix + s
		f.warn(ptr, fmt.Errorf("external document id %q lacks the %q prefix; read as %q", s, docRefPrefix, docRefPrefix+s))
	}
	return nil
}
