package cyclonedx

import (
	"bytes"
	"encoding/json"
	"strings"

	"medvigil/internal/input"
)

// pathElem is one step of a JSON path: an object key, or an array index
// when key is unset.
type pathElem struct {
	key   string
	index int
	array bool
}

// typeErrorPointer returns the JSON pointer of the value te is about.
// encoding/json gives a byte offset and the path of object keys without
// array indices ("components.name"); for errors raised inside cyclonedx-go's
// own UnmarshalJSON methods the offset is relative to the sub-document. So
// the value is the one whose token ends at the offset and whose keys match
// the path, else the first value of te's kind whose keys match.
func typeErrorPointer(data []byte, te *json.UnmarshalTypeError) (string, bool) {
	// decodeJSON embeds cdx.BOM in a wrapper, so paths start with "BOM".
	field := strings.TrimPrefix(strings.TrimPrefix(te.Field, "BOM"), ".")
	var keys []string
	if field != "" {
		keys = strings.Split(field, ".")
	}
	kind, _, _ := strings.Cut(te.Value, " ")
	var first, exact string
	var haveFirst, haveExact bool
	walkJSON(data, func(path []pathElem, k string, start, end int64) bool {
		if !keysMatch(path, keys) {
			return true
		}
		if start < te.Offset && te.Offset <= end {
			exact, haveExact = jsonPointer(path), true
			return false
		}
		if !haveFirst && k == kind {
			first, haveFirst = jsonPointer(path), true
		}
		return true
	})
	if haveExact {
		return exact, true
	}
	return first, haveFirst
}

// keysMatch reports whether the object keys of path are keys (compared as
// encoding/json matches field names, case-insensitively).
func keysMatch(path []pathElem, keys []string) bool {
	n := 0
	for _, p := range path {
		if p.array {
			continue
		}
		if n >= len(keys) || !strings.EqualFold(p.key, keys[n]) {
			return false
		}
		n++
	}
	return n == len(keys)
}

func jsonPointer(path []pathElem) string {
	tokens := make([]any, len(path))
	for i, p := range path {
		if p.array {
			tokens[i] = p.index
		} else {
			tokens[i] = p.key
		}
	}
	return input.Pointer(tokens...)
}

// walkJSON calls visit for every value in data, in document order, with its
// path, its kind ("object", "array", "string", "number", "bool", "null") and
// the offsets of its first token (for objects and arrays, the opening
// bracket). It stops when visit returns false or at the first syntax error.
// It is used only to locate faults, so it favours simplicity over speed.
func walkJSON(data []byte, visit func(path []pathElem, kind string, start, end int64) bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var path []pathElem
	// expectKey is true when the next token in the innermost object is a key.
	expectKey := false
	// next advances the innermost container past a finished value.
	next := func() {
		if len(path) == 0 {
			return
		}
		top := &path[len(path)-1]
		if top.array {
			top.index++
		} else {
			expectKey = true
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		end := dec.InputOffset()
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			path = path[:len(path)-1]
			expectKey = false
			next()
			continue
		}
		if expectKey {
			key, _ := tok.(string)
			path[len(path)-1].key = key
			expectKey = false
			continue
		}
		kind := "null"
		switch v := tok.(type) {
		case json.Delim:
			kind = "array"
			if v == '{' {
				kind = "object"
			}
		case string:
			kind = "string"
		case json.Number:
			kind = "number"
		case bool:
			kind = "bool"
		}
		if !visit(path, kind, start, end) {
			return
		}
		switch kind {
		case "object":
			path = append(path, pathElem{})
			expectKey = true
		case "array":
			path = append(path, pathElem{array: true})
		default:
			next()
		}
	}
}
