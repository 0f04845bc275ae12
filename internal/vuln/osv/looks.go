package osv

import "medvigil/internal/input"

// Looks reports whether data (a whole file or its head) looks like one OSV
// record: a JSON object with an "id" key and at least one of "affected",
// "modified", "schema_version" and "aliases" at its top level. It reads no
// further than it needs to decide.
func Looks(data []byte) bool {
	var id, other bool
	input.TopKeys(data, func(key string) bool {
		switch key {
		case "id":
			id = true
		case "affected", "modified", "schema_version", "aliases":
			other = true
		}
		return id && other
	})
	return id && other
}
