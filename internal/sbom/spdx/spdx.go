package spdx

import (
	"bytes"
	"fmt"
	"io"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// Decode reads an SPDX 2.1, 2.2 or 2.3 document (enc is sbom.EncodingJSON or
// sbom.EncodingTagValue) from data. name is the file name used in errors and
// warnings.
//
// Defects that can be read past are repaired and each repair is recorded in
// the document's Warnings with its place (a JSON pointer, or a line and
// column); the package documentation lists them. A fatal fault is returned
// as an *input.Error naming the place when one is known.
func Decode(name string, data []byte, enc sbom.Encoding) (*sbom.Document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch enc {
	case sbom.EncodingJSON:
		return decodeJSON(name, data)
	case sbom.EncodingTagValue:
		return decodeTagValue(name, data)
	}
	return nil, &input.Error{File: name, Err: fmt.Errorf("spdx: unsupported encoding %q (want json or tag-value)", enc)}
}

// Encode writes doc as SPDX 2.3 JSON that the official SPDX 2.3 JSON schema
// accepts. What Decode reads from it is doc again, as far as the model goes:
// the package documentation says how each field is kept.
func Encode(w io.Writer, doc *sbom.Document) error {
	if doc == nil {
		return fmt.Errorf("spdx: encode: nil document")
	}
	out, err := buildDocument(doc)
	if err != nil {
		return err
	}
	return writeJSON(w, out)
}
