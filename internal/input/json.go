package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// FromJSON places an encoding/json error in data, which sits at the JSON
// pointer prefix of file ("" for the whole file): a syntax error at its line
// and column, a type error at the JSON pointer of the offending value (or, in
// the whole file, at its line and column when the pointer cannot be found).
// pkg prefixes the message ("osv: …"), as errors in medvigil are.
func FromJSON(pkg, name, prefix string, data []byte, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) && prefix != "" {
		return AtPointer(name, prefix, fmt.Errorf("%s: %w", pkg, err))
	}
	if errors.As(err, &se) {
		// Offset counts the bytes read, the offending one included; at the
		// end of the input it is the length of the data.
		off := se.Offset
		if off > 0 && off <= int64(len(data)) && !strings.HasPrefix(se.Error(), "unexpected end") {
			off--
		}
		line, col := LineColumn(data, off)
		return AtLine(name, line, col, fmt.Errorf("%s: %w", pkg, err))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		msg := fmt.Errorf("%s: %s is a JSON %s, want %s", pkg, fieldName(te.Field), te.Value, JSONKind(te.Type))
		if ptr, ok := PointerAt(data, te.Offset); ok {
			return AtPointer(name, prefix+ptr, msg)
		}
		if prefix != "" {
			return AtPointer(name, prefix, msg)
		}
		line, col := LineColumn(data, te.Offset)
		return AtLine(name, line, col, msg)
	}
	return &Error{File: name, Err: fmt.Errorf("%s: %w", pkg, err)}
}

func fieldName(f string) string {
	if f == "" {
		return "the document"
	}
	return f
}

// JSONKind names the JSON kind that decodes into Go type t ("a string",
// "a number", "a boolean", "an array", "an object"), for messages about an
// encoding/json UnmarshalTypeError. Pointers name what they point to.
func JSONKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Interface:
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another type"
}

// PointerAt returns the JSON pointer of the value that ends at offset in
// data (a scalar) or whose opening bracket ends there (an object or array):
// the offset encoding/json reports in an UnmarshalTypeError.
func PointerAt(data []byte, offset int64) (string, bool) {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	advance := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	path := func() string {
		tokens := make([]any, len(stack))
		for i, f := range stack {
			if f.array {
				tokens[i] = f.index
			} else {
				tokens[i] = f.key
			}
		}
		return Pointer(tokens...)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			if len(stack) == 0 {
				return "", false
			}
			stack = stack[:len(stack)-1]
			advance()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			key, _ := tok.(string)
			stack[n-1].key, stack[n-1].wantKey = key, false
			continue
		}
		if dec.InputOffset() == offset {
			return path(), true
		}
		if dec.InputOffset() > offset {
			return "", false
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{array: d == '[', wantKey: d == '{'})
			continue
		}
		advance()
	}
}

// TopKeys calls seen with each key of the top-level JSON object in data, in
// order, until seen returns true or the object (or data, which may be only
// the head of a document) ends. It reports false when data does not start
// with a JSON object.
func TopKeys(data []byte, seen func(key string) bool) bool {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return false
	}
	depth := 1
	wantKey := true
	for {
		tok, err := dec.Token()
		if err != nil { // the end of data: a head may stop anywhere
			return true
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return true
				}
				if depth == 1 {
					wantKey = true
				}
			}
			continue
		}
		if depth != 1 {
			continue
		}
		if wantKey {
			if seen(tok.(string)) {
				return true
			}
			wantKey = false
			continue
		}
		wantKey = true
	}
}
