package input

import (
	"errors"
	"reflect"
	"testing"
)

func TestErrorFormat(t *testing.T) {
	base := errors.New("bad purl")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"pointer", AtPointer("bom.json", Pointer("components", 3, "purl"), base), "bom.json: /components/3/purl: bad purl"},
		{"line and column", AtLine("a.spdx", 12, 5, base), "a.spdx: line 12, column 5: bad purl"},
		{"line only", AtLine("a.spdx", 12, 0, base), "a.spdx: line 12: bad purl"},
		{"whole file", &Error{File: "x.json", Err: base}, "x.json: bad purl"},
		{"escaped pointer", AtPointer("f", Pointer("a/b", "c~d"), base), "f: /a~1b/c~0d: bad purl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.err, base) {
				t.Errorf("errors.Is(err, base) = false")
			}
		})
	}
}

func TestLineColumn(t *testing.T) {
	data := []byte("ab\ncde\nf")
	tests := []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {7, 3, 1}, {100, 3, 2}, {-1, 1, 1}}
	for _, tt := range tests {
		l, c := LineColumn(data, tt.off)
		if l != tt.line || c != tt.col {
			t.Errorf("LineColumn(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestJSONKind(t *testing.T) {
	var s *string
	tests := []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeOf(""), "a string"},
		{reflect.TypeOf(s), "a string"},
		{reflect.TypeOf(0), "a number"},
		{reflect.TypeOf(uint8(0)), "a number"},
		{reflect.TypeOf(1.5), "a number"},
		{reflect.TypeOf(true), "a boolean"},
		{reflect.TypeOf([]int{}), "an array"},
		{reflect.TypeOf(map[string]int{}), "an object"},
		{reflect.TypeOf(struct{}{}), "an object"},
		{nil, "another type"},
	}
	for _, tt := range tests {
		if got := JSONKind(tt.t); got != tt.want {
			t.Errorf("JSONKind(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}
