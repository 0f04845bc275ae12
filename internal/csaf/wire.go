package csaf

import (
	"medvigil/internal/input"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"
)

// The wire model is gocsaf's (github.com/gocsaf/csaf/v3/csaf v3.7.0), read
// part by part so that one bad vulnerability, branch or product costs only
// itself: the top level, the document, each branch, product, relationship,
// product group and vulnerability are separate json.RawMessage values
// decoded on their own.
//
// gocsaf v3.7.0 departs from the CSAF 2.0 JSON schema in four places, which
// the wrappers below patch by shadowing the gocsaf field with one of the
// right shape (encoding/json prefers the shallower of two fields with the
// same JSON name):
//
//   - "acknowledgments" (CSAF 2.0 section 3.1.1; document and vulnerability)
//     is spelled "acknowledgements" in gocsaf, so its strict LoadAdvisory
//     rejects 115 of the 126 CISA advisories in the shared data.
//   - product_tree.product_groups (section 3.2.2.3) is an array of
//     {group_id, product_ids, summary}; gocsaf declares an object
//     {product_group_ids}, so any document with product groups fails.
//   - group_ids in remediations, threats and flags (section 3.1.6,
//     product_groups_t) is an array of group ids; gocsaf declares the same
//     object.
//   - product_identification_helper.hashes (section 3.1.3.3.2) is an array;
//     gocsaf declares one object.

// wireAdvisory is the top level of a CSAF document, split into parts.
type wireAdvisory struct {
	Document        json.RawMessage   `json:"document"`
	ProductTree     json.RawMessage   `json:"product_tree"`
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
}

// wireHead is what makes a document CSAF: document/category and
// document/csaf_version (CSAF 2.0 sections 3.2.1.3 and 3.2.1.4).
type wireHead struct {
	Category    *string `json:"category"`
	CSAFVersion *string `json:"csaf_version"`
}

// wireDocument is the document property; its notes and references are
// decoded one by one.
type wireDocument struct {
	gocsaf.Document
	Acknowledgments json.RawMessage   `json:"acknowledgments"`
	Notes           []json.RawMessage `json:"notes"`
	References      []json.RawMessage `json:"references"`
}

// wireProductTree is the product_tree property, split into its elements.
type wireProductTree struct {
	Branches         []json.RawMessage `json:"branches"`
	FullProductNames []json.RawMessage `json:"full_product_names"`
	ProductGroups    []json.RawMessage `json:"product_groups"`
	Relationships    []json.RawMessage `json:"relationships"`
}

// wireBranch is one branch (CSAF 2.0 section 3.1.2); its sub-branches are
// decoded one by one.
type wireBranch struct {
	Branches []json.RawMessage      `json:"branches"`
	Category *gocsaf.BranchCategory `json:"category"`
	Name     *string                `json:"name"`
	Product  *wireFullProductName   `json:"product"`
}

// wireFullProductName is a full product name (CSAF 2.0 section 3.1.3).
type wireFullProductName struct {
	gocsaf.FullProductName
	ProductIdentificationHelper *wireHelper `json:"product_identification_helper"`
}

// wireHelper is a product identification helper (CSAF 2.0 section 3.1.3.3)
// with hashes as the list the schema declares.
type wireHelper struct {
	gocsaf.ProductIdentificationHelper
	Hashes []*gocsaf.Hashes `json:"hashes"`
}

// wireRelationship is one product_tree relationship (section 3.2.2.4).
type wireRelationship struct {
	gocsaf.Relationship
	FullProductName *wireFullProductName `json:"full_product_name"`
}

// wireProductGroup is one product group (section 3.2.2.3).
type wireProductGroup struct {
	GroupID    *gocsaf.ProductGroupID `json:"group_id"`
	ProductIDs gocsaf.Products        `json:"product_ids"`
	Summary    *string                `json:"summary"`
}

// wireVulnerability is one vulnerabilities[] entry (section 3.2.3).
type wireVulnerability struct {
	gocsaf.Vulnerability
	Acknowledgments json.RawMessage    `json:"acknowledgments"`
	Remediations    []*wireRemediation `json:"remediations"`
	Threats         []*wireThreat      `json:"threats"`
	Flags           []*wireFlag        `json:"flags"`
}

// wireRemediation is a remediation (section 3.2.3.12).
type wireRemediation struct {
	gocsaf.Remediation
	GroupIDs []*gocsaf.ProductGroupID `json:"group_ids"`
}

// wireThreat is a threat (section 3.2.3.14).
type wireThreat struct {
	gocsaf.Threat
	GroupIDs []*gocsaf.ProductGroupID `json:"group_ids"`
}

// wireFlag is a flag (section 3.2.3.5).
type wireFlag struct {
	gocsaf.Flag
	GroupIDs []*gocsaf.ProductGroupID `json:"group_ids"`
}

// decodePart decodes one part of a document. Unknown fields are not an
// error (the CSAF 2.0 schema allows them) but the first one is reported in
// unknown so that the caller can warn. A failed decode leaves the part
// unusable: gocsaf rejects values that break its patterns (a CVE id, a CPE,
// an enumeration) by aborting the decode.
func decodePart[T any](raw []byte) (v T, unknown string, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err = dec.Decode(&v)
	if err == nil {
		return v, "", nil
	}
	field, ok := unknownField(err)
	if !ok {
		return v, "", err
	}
	var w T
	if err := json.Unmarshal(raw, &w); err != nil {
		return w, "", err
	}
	return w, field, nil
}

// unknownField recognises the error json.Decoder.DisallowUnknownFields
// makes (`json: unknown field "x"`), which has no type of its own.
func unknownField(err error) (string, bool) {
	const prefix = `json: unknown field `
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	return strings.Trim(msg[len(prefix):], `"`), true
}

// isNull reports whether raw is absent or the JSON null.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// partError describes a decode error of a part as "csaf: …", and returns the
// JSON pointer inside the part (relative, "" for the part itself) where it
// happened when the error says.
func partError(raw []byte, err error) (rel string, msg error) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "", fmt.Errorf("csaf: %w", err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		rel, _ = pointerAt(raw, te.Offset)
		what := te.Field
		if what == "" {
			what = "the value"
		}
		return rel, fmt.Errorf("csaf: %s is a JSON %s, want %s: %w", what, te.Value, input.JSONKind(te.Type), err)
	}
	// gocsaf reports a value that breaks a CSAF pattern as "<value> does not
	// match <regular expression>"; the CPE expression alone is 500 bytes.
	if msg := err.Error(); strings.Contains(msg, " does not match ") && len(msg) > 200 {
		value, _, _ := strings.Cut(msg, " does not match ")
		return "", fmt.Errorf("csaf: %s does not match the pattern CSAF 2.0 requires", value)
	}
	return "", fmt.Errorf("csaf: %w", err)
}

// pointerAt returns the JSON pointer, relative to raw, of the first value
// that ends (a scalar) or opens (an object or array) at or after offset:
// the place encoding/json names in an UnmarshalTypeError.
func pointerAt(raw []byte, offset int64) (string, bool) {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			if top >= 0 {
				stack = stack[:top]
			}
			continue
		}
		if top >= 0 && stack[top].wantKey {
			key, _ := tok.(string)
			stack[top].key = key
			stack[top].wantKey = false
			continue
		}
		if top >= 0 {
			if stack[top].array {
				stack[top].index++
			} else {
				stack[top].wantKey = true
			}
		}
		if dec.InputOffset() >= offset {
			var b strings.Builder
			for _, f := range stack {
				b.WriteByte('/')
				if f.array {
					fmt.Fprint(&b, f.index)
					continue
				}
				b.WriteString(strings.ReplaceAll(strings.ReplaceAll(f.key, "~", "~0"), "/", "~1"))
			}
			return b.String(), true
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{array: d == '[', index: -1, wantKey: d == '{'})
		}
	}
}
