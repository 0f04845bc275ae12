package input

import (
	"fmt"
	"strings"
)

// Error is a fault in a user-supplied file. File names the file as the user
// gave it. At most one of Pointer (an RFC 6901 JSON pointer) or Line (1-based,
// with an optional 1-based Column) says where the fault is; a fault about the
// whole file has neither. Err is the fault itself.
type Error struct {
	File    string `json:"file"`
	Pointer string `json:"pointer,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Err     error  `json:"-"`
}

// Place returns where in the file the fault is, as "line 3, column 7",
// "line 3", a JSON pointer such as "/components/4/purl", or "" if the fault
// concerns the whole file.
func (e *Error) Place() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	case e.Line > 0:
		return fmt.Sprintf("line %d", e.Line)
	case e.Pointer != "":
		return e.Pointer
	}
	return ""
}

// Error formats the fault as "FILE: PLACE: MESSAGE" (PLACE omitted when empty).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if p := e.Place(); p != "" {
		b.WriteString(": ")
		b.WriteString(p)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid input")
	}
	return b.String()
}

// Unwrap returns the underlying fault.
func (e *Error) Unwrap() error { return e.Err }

// Message returns the fault without file and place.
func (e *Error) Message() string {
	if e.Err == nil {
		return "invalid input"
	}
	return e.Err.Error()
}

// AtPointer returns an Error at a JSON pointer in file.
func AtPointer(file, pointer string, err error) *Error {
	return &Error{File: file, Pointer: pointer, Err: err}
}

// AtLine returns an Error at a line (and column, 0 if unknown) in file.
func AtLine(file string, line, column int, err error) *Error {
	return &Error{File: file, Line: line, Column: column, Err: err}
}

// Pointer builds an RFC 6901 JSON pointer from reference tokens, escaping
// "~" and "/" as the RFC requires. Integers are written as array indices.
func Pointer(tokens ...any) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		s := fmt.Sprint(t)
		s = strings.ReplaceAll(s, "~", "~0")
		s = strings.ReplaceAll(s, "/", "~1")
		b.WriteString(s)
	}
	return b.String()
}

// LineColumn converts a byte offset in data to a 1-based line and column.
// Offsets past the end are clamped to the end of data.
func LineColumn(data []byte, offset int64) (line, column int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	line, column = 1, 1
	for _, c := range data[:offset] {
		if c == '\n' {
			line++
			column = 1
			continue
		}
		column++
	}
	return line, column
}
