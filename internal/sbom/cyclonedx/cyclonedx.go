package cyclonedx

import (
	"fmt"
	"io"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// maxNesting is the deepest component nesting Decode accepts and Encode
// writes: a component may have at most maxNesting-1 enclosing components.
// Deeper input is refused with an error rather than walked.
const maxNesting = 1000

// Decode reads a CycloneDX document (enc is sbom.EncodingJSON or
// sbom.EncodingXML) from data. name is the file name used in errors and
// warnings. A fatal fault is returned as an *input.Error naming the place.
//
// Spec versions 1.2 to 1.6 are read (older and newer ones that cyclonedx-go
// knows are read with a warning; an unknown one is read as 1.6 with a
// warning). Components are metadata.component first (doc.PrimaryRef names
// it), then the components list, nested components flattened depth-first in
// pre-order with Parent naming the enclosing component. A component without
// a bom-ref, or whose bom-ref repeats an earlier one, gets a synthesized ref
// "medvigil-ref-<n>" that collides with no ref in the document. Recoverable
// defects (duplicate bom-refs, dangling dependency refs, invalid purls and
// CPEs, bad timestamps, lifecycle values that do not parse) are warnings on
// the document at the JSON pointer of the value; XML documents use the same
// pointer-style paths.
func Decode(name string, data []byte, enc sbom.Encoding) (*sbom.Document, error) {
	var (
		w   *wire
		err error
	)
	switch enc {
	case sbom.EncodingJSON:
		w, err = decodeJSON(name, data)
	case sbom.EncodingXML:
		w, err = decodeXML(name, data)
	default:
		return nil, &input.Error{File: name, Err: fmt.Errorf("cyclonedx: unsupported encoding %q (want json or xml)", enc)}
	}
	if err != nil {
		return nil, err
	}
	r := &reader{name: name, bom: w.bom}
	doc, err := r.document(enc, w)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// Encode writes doc as CycloneDX 1.6 in enc (JSON, pretty-printed with two
// spaces, or XML). The output validates against the official 1.6 JSON
// schema and XSD:
//
//   - the primary component becomes metadata.component and the others are
//     nested under their Parent (a component whose Parent is missing, or
//     that would nest deeper than 1000, is written at the top level);
//   - bom-refs are unique: empty or repeated refs get a synthesized one;
//   - Lifecycle and the unknown/withheld markings are written as the
//     cdx:fda:* and cdx:cisa:* properties, and the copies of those kept in
//     Properties are skipped, so nothing is duplicated;
//   - a license that is an SPDX expression (and the only license) is written
//     as an expression, a known SPDX identifier as license.id, anything else
//     as license.name;
//   - the first CPE goes into "cpe", the others into PropCPE properties;
//     hashes the 1.6 schema refuses go into PropHashPrefix properties,
//     identifiers other than swid/omnibor/swhid into PropIdentifierPrefix
//     properties, external references with invalid URLs into
//     PropExternalRefPrefix properties (Decode reads all of these back);
//   - a serial number that is not a urn:uuid is replaced by a UUID derived
//     from it (name-based, SHA-1) and kept as the PropSourceSerial property;
//   - dependencies are merged per ref and keep only refs of written
//     components.
func Encode(w io.Writer, doc *sbom.Document, enc sbom.Encoding) error {
	if doc == nil {
		return fmt.Errorf("cyclonedx: encode: nil document")
	}
	bom := newWriter(doc).bom()
	return writeBOM(w, bom, enc)
}
