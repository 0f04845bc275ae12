package cyclonedx

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"medvigil/internal/input"
)

// wire is a document as cyclonedx-go decoded it.
type wire struct {
	bom *cdx.BOM
	// unknownVersion is the specVersion as written (JSON text, or the XML
	// namespace) when cyclonedx-go does not know it; the BOM is read as 1.6.
	unknownVersion string
}

// decodeJSON decodes data into cyclonedx-go's types. Faults are
// *input.Error with a line and column (syntax) or a JSON pointer (wrong type).
//
// cyclonedx-go's JSON BOMDecoder is io.ReadAll followed by json.Unmarshal
// into a cdx.BOM; calling json.Unmarshal on the bytes already in memory
// saves a copy of the whole file. The specVersion is read as raw JSON (the
// outer field shadows the embedded one) and then with cdx.SpecVersion's own
// UnmarshalJSON, because cyclonedx-go stops at a version it does not know,
// and an unknown version is a warning here, not a fault.
//
// The fast path decodes with goccy/go-json, about twice as fast as
// encoding/json on large SBOMs (docs/performance.md). When it fails (or
// panics, which it must not be allowed to turn into a crash), the document is
// decoded again with encoding/json: that either succeeds, or yields the
// precise, located error users see. Errors are rare, so the second pass costs
// nothing in the common case.
func decodeJSON(name string, data []byte) (*wire, error) {
	bom := new(cdx.BOM)
	v := struct {
		*cdx.BOM
		SpecVersion json.RawMessage `json:"specVersion"`
	}{BOM: bom}
	if err := unmarshalFast(data, &v); err != nil {
		bom = new(cdx.BOM)
		v.BOM, v.SpecVersion = bom, nil
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, jsonError(name, data, err)
		}
	}
	w := &wire{bom: bom}
	if len(v.SpecVersion) > 0 && string(v.SpecVersion) != "null" {
		err := bom.SpecVersion.UnmarshalJSON(v.SpecVersion)
		switch {
		case errors.Is(err, cdx.ErrInvalidSpecVersion):
			w.unknownVersion = string(v.SpecVersion)
		case err != nil:
			return nil, input.AtPointer(name, "/specVersion", fmt.Errorf("cyclonedx: specVersion %s is not a string: %w", v.SpecVersion, err))
		}
	}
	return w, nil
}

// errFastPath reports a panic inside the fast JSON decoder.
var errFastPath = errors.New("cyclonedx: fast JSON decoder failed")

// unmarshalFast decodes with goccy/go-json, turning a panic into an error.
func unmarshalFast(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errFastPath
		}
	}()
	return gojson.Unmarshal(data, v)
}

// jsonError turns an encoding/json fault into an *input.Error at its place.
func jsonError(name string, data []byte, err error) *input.Error {
	wrapped := fmt.Errorf("cyclonedx: %w", err)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := input.LineColumn(data, se.Offset)
		return input.AtLine(name, line, col, wrapped)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		wrapped = fmt.Errorf("cyclonedx: %w", &typeError{te})
		if p, ok := typeErrorPointer(data, te); ok && p != "" {
			return input.AtPointer(name, p, wrapped)
		}
		line, col := input.LineColumn(data, te.Offset)
		return input.AtLine(name, line, col, wrapped)
	}
	return &input.Error{File: name, Err: wrapped}
}

// typeError words a JSON value of the wrong type for users, without the Go
// type names of encoding/json's message.
type typeError struct{ err *json.UnmarshalTypeError }

func (e *typeError) Error() string {
	value, _, _ := strings.Cut(e.err.Value, " ")
	return fmt.Sprintf("wrong type: %s %s where %s is expected", article(value), value, input.JSONKind(e.err.Type))
}

func (e *typeError) Unwrap() error { return e.err }

func article(kind string) string {
	if kind == "array" || kind == "object" {
		return "an"
	}
	return "a"
}

// decodeXML decodes data with the fast path (xmlfast.go) when it handles the
// document, else with cyclonedx-go. Faults are *input.Error with the line
// and column where cyclonedx-go's decoder stopped.
func decodeXML(name string, data []byte) (*wire, error) {
	if w, ok := decodeXMLFast(data); ok {
		return w, nil
	}
	return decodeXMLReference(name, data)
}

// decodeXMLReference decodes data with cyclonedx-go.
func decodeXMLReference(name string, data []byte) (*wire, error) {
	// encoding/xml reads a bytes.Reader byte by byte (it is an
	// io.ByteReader, so no buffering), so after a fault the reader's
	// position is where decoding stopped.
	r := bytes.NewReader(data)
	bom := new(cdx.BOM)
	if err := cdx.NewBOMDecoder(r, cdx.BOMFileFormatXML).Decode(bom); err != nil {
		line, col := input.LineColumn(data, int64(len(data)-r.Len()))
		var se *xml.SyntaxError
		if errors.As(err, &se) && se.Line > 0 && se.Line != line {
			line, col = se.Line, 0
		}
		return nil, input.AtLine(name, line, col, fmt.Errorf("cyclonedx: %w", err))
	}
	w := &wire{bom: bom}
	if bom.SpecVersion == 0 {
		w.unknownVersion = bom.XMLNS
	}
	return w, nil
}
