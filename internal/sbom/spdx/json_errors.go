package spdx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"medvigil/internal/input"
)

// jsonType names the JSON type of a generically decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a value"
}

// typeError places a JSON type error: at the JSON pointer of the first value
// of the wrong type along the error's field path, found in tree (decoded
// from data when nil), or else at the line and column of its offset.
func typeError(name string, data []byte, tree any, te *json.UnmarshalTypeError) error {
	if tree == nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		_ = dec.Decode(&tree) // data decoded before; on failure tree stays nil
	}
	got, _, _ := strings.Cut(te.Value, " ")
	field := strings.ReplaceAll(te.Field, "plainPackage.", "") // the embedded type of jsonPackage
	msg := fmt.Errorf("spdx: %s is a JSON %s, want %s", fieldName(field), got, input.JSONKind(te.Type))
	var path []string
	if field != "" {
		path = strings.Split(field, ".")
	}
	if ptr, ok := findType(tree, path, got, ""); ok {
		return input.AtPointer(name, ptr, msg)
	}
	if data != nil {
		line, col := input.LineColumn(data, te.Offset)
		return input.AtLine(name, line, col, msg)
	}
	return &input.Error{File: name, Err: msg}
}

func fieldName(f string) string {
	if f == "" {
		return "the document"
	}
	return f
}

// findType returns the pointer of the first value of JSON type want (as
// json.UnmarshalTypeError names it: "string", "number", "bool", "array",
// "object") reached along path, looking into every element of arrays.
func findType(v any, path []string, want, ptr string) (string, bool) {
	arr, isArr := v.([]any)
	if isArr && len(path) > 0 {
		// encoding/json built with GOEXPERIMENT=jsonv2 names array indexes.
		if n, err := strconv.Atoi(path[0]); err == nil && n >= 0 && n < len(arr) {
			return findType(arr[n], path[1:], want, ptr+"/"+path[0])
		}
	}
	if isArr && (len(path) > 0 || want != "array") {
		for i, e := range arr {
			if p, ok := findType(e, path, want, ptr+"/"+strconv.Itoa(i)); ok {
				return p, true
			}
		}
		return "", false
	}
	if len(path) == 0 {
		return ptr, rawType(v) == want
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	child, ok := m[path[0]]
	if !ok {
		return "", false
	}
	return findType(child, path[1:], want, ptr+input.Pointer(path[0]))
}

func rawType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// libraryError places an error of a tools-golang unmarshaler, which names
// the refused value but not where it is: at the first place data holds that
// value as a JSON string, when it does.
func libraryError(name string, data []byte, err error) error {
	msg := fmt.Errorf("spdx: %w", err)
	s := err.Error()
	value := ""
	if i := strings.Index(s, "'"); i >= 0 && strings.HasSuffix(s, "'") && len(s) > i+1 {
		value = s[i+1 : len(s)-1]
	} else if i := strings.LastIndex(s, ": "); i >= 0 {
		value = s[i+2:]
	}
	if value != "" {
		if off := bytes.Index(data, []byte(`"`+value+`"`)); off >= 0 {
			line, col := input.LineColumn(data, int64(off))
			return input.AtLine(name, line, col, msg)
		}
	}
	return &input.Error{File: name, Err: msg}
}
