package csaf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"medvigil/internal/input"
)

// Looks reports whether data (a whole file or its head) is a CSAF document:
// a JSON object whose "document" property is an object with a
// "csaf_version" key. It reads no further than it needs to decide.
func Looks(data []byte) bool {
	found := false
	topKeys(data, func(key string, dec *json.Decoder) bool {
		if key != "document" {
			return false
		}
		found = objectHasKey(dec, "csaf_version")
		return true
	})
	return found
}

// topKeys calls seen with each key of the top-level JSON object in data, in
// order, with the decoder positioned before the key's value, until seen
// returns true (having read the value or not: it is not read further) or the
// object or data ends. When seen returns false, the value is skipped.
func topKeys(data []byte, seen func(key string, dec *json.Decoder) bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		key, ok := tok.(string)
		if !ok { // the closing brace
			return
		}
		if seen(key, dec) {
			return
		}
		if !skipValue(dec) {
			return
		}
	}
}

// objectHasKey reads the next value from dec and reports whether it is an
// object with key among its own keys.
func objectHasKey(dec *json.Decoder, key string) bool {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		k, ok := tok.(string)
		if !ok {
			return false
		}
		if k == key {
			return true
		}
		if !skipValue(dec) {
			return false
		}
	}
}

// skipValue reads one whole value from dec; false on a syntax error or the
// end of data.
func skipValue(dec *json.Decoder) bool {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return true
		}
	}
}

// distributionKeys are top-level keys of the JSON files a CSAF provider or
// aggregator publishes beside its advisories (CSAF 2.0 section 7:
// provider-metadata.json, aggregator.json, ROLIE feed, service and category
// documents).
var distributionKeys = map[string]bool{
	"feed": true, "service": true, "categories": true,
	"canonical_url": true, "metadata_version": true, "aggregator": true,
}

// ignoredNames are file names Load never reads as advisories.
var ignoredNames = map[string]bool{
	"provider-metadata.json": true,
	"aggregator.json":        true,
	"service.json":           true,
}

// Stats counts what Load read.
type Stats struct {
	// Files is the number of .json files looked at (and, for a single file,
	// 1).
	Files int
	// Documents is the number of CSAF documents decoded.
	Documents int
	// Ignored counts .json files that are not advisories by design:
	// provider-metadata.json, aggregator.json, ROLIE feed, service and
	// category documents.
	Ignored int
	// Skipped counts files that could not be read or decoded, each reported
	// as a warning.
	Skipped int
	// Vulnerabilities and Products add up the advisories and products of
	// the decoded documents.
	Vulnerabilities int
	Products        int
	// Warnings counts the warnings passed to warn.
	Warnings int
}

// Load reads the CSAF documents at path: one file, or every .json file in a
// folder tree, in lexical order. In a folder, files not ending in .json
// (the .sha256, .sha512 and .asc files beside each advisory, changes.csv,
// index.txt, …) are passed over, and provider-metadata.json, aggregator.json
// and ROLIE feed, service and category documents are ignored; a file that
// cannot be read or is not a CSAF 2.0 document is reported to warn and
// skipped, so one bad file never stops the load. Decode warnings are passed
// to warn too; warn may be nil.
//
// The error is not nil when path cannot be read, when ctx is done (the
// documents read so far are returned with it), or when path is a single
// file that cannot be decoded (then an *input.Error).
func Load(ctx context.Context, path string, warn func(*input.Error)) ([]*Document, Stats, error) {
	var st Stats
	report := func(e *input.Error) {
		st.Warnings++
		if warn != nil {
			warn(e)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, st, fmt.Errorf("csaf: load: %w", err)
	}
	if !info.IsDir() {
		st.Files = 1
		doc, err := loadFile(path, report)
		if err != nil {
			st.Skipped = 1
			return nil, st, err
		}
		st.add(doc)
		return []*Document{doc}, st, nil
	}
	var docs []*Document
	err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			report(&input.Error{File: p, Err: fmt.Errorf("csaf: %w", err)})
			st.Skipped++
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() || !strings.EqualFold(filepath.Ext(p), ".json") {
			return nil
		}
		st.Files++
		if ignoredNames[strings.ToLower(e.Name())] {
			st.Ignored++
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			report(&input.Error{File: p, Err: fmt.Errorf("csaf: %w", err)})
			st.Skipped++
			return nil
		}
		if !Looks(data) && isDistributionFile(data) {
			st.Ignored++
			return nil
		}
		doc, warns, err := Decode(p, data)
		for _, w := range warns {
			report(w)
		}
		if err != nil {
			report(asInputError(p, err))
			st.Skipped++
			return nil
		}
		st.add(doc)
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		return docs, st, fmt.Errorf("csaf: load %s: %w", path, err)
	}
	return docs, st, nil
}

func (st *Stats) add(doc *Document) {
	st.Documents++
	st.Vulnerabilities += len(doc.Advisories)
	st.Products += len(doc.Products)
}

// loadFile reads and decodes one file named by the user.
func loadFile(path string, report func(*input.Error)) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("csaf: load: %w", err)
	}
	doc, warns, err := Decode(path, data)
	for _, w := range warns {
		report(w)
	}
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// isDistributionFile reports whether data is one of the JSON files a CSAF
// provider publishes beside its advisories.
func isDistributionFile(data []byte) bool {
	found := false
	topKeys(data, func(key string, _ *json.Decoder) bool {
		found = distributionKeys[key]
		return found
	})
	return found
}

func asInputError(file string, err error) *input.Error {
	var ie *input.Error
	if errors.As(err, &ie) {
		return ie
	}
	return &input.Error{File: file, Err: err}
}
