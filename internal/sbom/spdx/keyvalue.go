package spdx

import (
	"net/url"
	"strings"

	"medvigil/internal/sbom"
)

// medvigil keeps what SPDX 2.3 has no field for in one annotation per
// element (annotator "Tool: medvigil", type OTHER), one "key=value" line per
// fact. Lifecycle fields and unknown/withheld markings use the shared
// property names of sbom.ParseKeyValues; the other keys below start with
// "medvigil:". In them, "%", newlines, ";" and "=" are percent-escaped so a
// line never splits and never looks like a lifecycle pair.
const (
	annotator = "medvigil"

	keyPrefix       = "medvigil:"
	keyParent       = "medvigil:parent"       // Component.Parent, as an SPDX identifier of this document
	keyGroup        = "medvigil:group"        // Component.Group
	keyScope        = "medvigil:scope"        // Component.Scope
	keyPublisher    = "medvigil:publisher"    // Component.Publisher
	keyType         = "medvigil:type"         // Component.Type outside the primaryPackagePurpose values
	keyAuthor       = "medvigil:author"       // Component.Authors, each as an SPDX party string
	keyManufacturer = "medvigil:manufacturer" // Component.Manufacturer or Document.Manufacturer
	keySupplier     = "medvigil:supplier"     // Document.Supplier
	keyLicense      = "medvigil:license"      // licenses past the second (concluded, declared)
	keyHashPrefix   = "medvigil:hash:"        // + algorithm: hashes SPDX has no algorithm for
	keyRefPrefix    = "medvigil:ref:"         // + type: external references other than distribution and website
	keyPropPrefix   = "medvigil:property:"    // + name: properties with no SPDX field
	keyLifecycle    = "medvigil:lifecycle"    // Document.Lifecycles, one line each
	keySBOMVersion  = "medvigil:sbom-version" // Document.Version
)

// keyValue is one medvigil fact.
type keyValue struct{ key, value string }

// parseMedvigil returns the "medvigil:" lines of an annotation comment,
// unescaped.
func parseMedvigil(text string) []keyValue {
	if !strings.Contains(text, keyPrefix) {
		return nil
	}
	var out []keyValue
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, keyPrefix) {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out = append(out, keyValue{unescapeKV(k), unescapeKV(v)})
	}
	return out
}

// notes collects the lines of one medvigil annotation.
type notes struct {
	props []sbom.Property // lifecycle and marking pairs, in sbom.FormatKeyValues form
	kvs   []keyValue
}

func (n *notes) add(key, value string) {
	if value != "" {
		n.kvs = append(n.kvs, keyValue{key, value})
	}
}

func (n *notes) empty() bool { return len(n.props) == 0 && len(n.kvs) == 0 }

// text renders the annotation comment.
func (n *notes) text() string {
	var b strings.Builder
	b.WriteString(sbom.FormatKeyValues(n.props))
	for _, kv := range n.kvs {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(escapeKV(kv.key))
		b.WriteByte('=')
		b.WriteString(escapeKV(kv.value))
	}
	return b.String()
}

func escapeKV(s string) string {
	if !strings.ContainsAny(s, "%\n\r;=") {
		return s
	}
	return strings.NewReplacer("%", "%25", "\n", "%0A", "\r", "%0D", ";", "%3B", "=", "%3D").Replace(s)
}

func unescapeKV(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}
