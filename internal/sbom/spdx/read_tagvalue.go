package spdx

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/spdx/tools-golang/convert"
	reader21 "github.com/spdx/tools-golang/spdx/v2/v2_1/tagvalue/reader"
	reader22 "github.com/spdx/tools-golang/spdx/v2/v2_2/tagvalue/reader"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	reader23 "github.com/spdx/tools-golang/spdx/v2/v2_3/tagvalue/reader"
	tvreader "github.com/spdx/tools-golang/tagvalue/reader"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// tvPair is one tag-value pair with the line and column of its tag.
type tvPair struct {
	tag, value string
	line, col  int
}

// decodeTagValue reads SPDX tag-value. The lines are split into pairs here,
// by the rules of tools-golang's tagvalue reader but keeping line numbers
// (and with no line length limit); the pairs are repaired (see tvFixer) and
// handed to the library's parser for the document's version.
func decodeTagValue(name string, data []byte) (*sbom.Document, error) {
	var warnings []*input.Error
	if i := loneCR(data); i >= 0 {
		line, _ := input.LineColumn(data, int64(i))
		warnings = append(warnings, input.AtLine(name, line, 0, errors.New("spdx: lines end in a bare carriage return (CR); read as line feeds")))
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	pairs, err := scanTagValue(name, string(data))
	if err != nil {
		return nil, err
	}
	version, err := tagValueVersion(name, pairs)
	if err != nil {
		return nil, err
	}
	fx := &tvFixer{name: name, tags: tagsFor(version), warned: make(map[string]bool)}
	pairs = fx.fix(pairs)
	warnings = append(warnings, fx.warnings...)
	doc, err := parseTagValues(version, pairs)
	if err != nil {
		return nil, locateTagValueError(name, version, pairs, err)
	}
	src := &source{name: name, enc: sbom.EncodingTagValue, version: version, doc: doc, loc: newTVLocator(pairs), warnings: warnings}
	src.otherIDs = tagValueOtherIDs(src, doc)
	return src.model(), nil
}

// loneCR returns the offset of the first carriage return not followed by a
// line feed, or -1.
func loneCR(data []byte) int {
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 >= len(data) || data[i+1] != '\n' {
			return i
		}
		j := bytes.IndexByte(data[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return -1
}

// scanTagValue splits text into pairs as tools-golang's tagvalue reader
// does: blank lines and lines starting with "#" are skipped, a line is
// "Tag: value", and a value between <text> and </text> may span lines.
func scanTagValue(name, text string) ([]tvPair, error) {
	var pairs []tvPair
	var open *tvPair // a <text> value not yet closed
	var b strings.Builder
	lineNo := 0
	for rest := text; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSuffix(line, "\r")
		lineNo++
		if open != nil {
			before, _, closed := strings.Cut(line, "</text>")
			b.WriteString(before)
			if !closed {
				b.WriteByte('\n')
				continue
			}
			open.value = b.String()
			pairs = append(pairs, *open)
			open = nil
			continue
		}
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		tag, value, ok := strings.Cut(trimmed, ":")
		if !ok {
			return nil, input.AtLine(name, lineNo, 0, fmt.Errorf("spdx: no colon in %q (want Tag: value)", line))
		}
		p := tvPair{tag: strings.TrimSpace(tag), line: lineNo, col: 1 + len(line) - len(trimmed)}
		if _, t, isText := strings.Cut(value, "<text>"); isText {
			inner, _, closed := strings.Cut(t, "</text>")
			if !closed {
				b.Reset()
				b.WriteString(t)
				b.WriteByte('\n')
				open = &p
				continue
			}
			p.value = inner
		} else {
			p.value = strings.TrimSpace(value)
		}
		pairs = append(pairs, p)
	}
	if open != nil {
		return nil, input.AtLine(name, open.line, open.col, fmt.Errorf("spdx: the <text> of %s is never closed by </text>", open.tag))
	}
	return pairs, nil
}

// tagValueVersion returns the SPDXVersion value (the tag matched without
// regard to case).
func tagValueVersion(name string, pairs []tvPair) (string, error) {
	for _, p := range pairs {
		if !strings.EqualFold(p.tag, "SPDXVersion") {
			continue
		}
		switch p.value {
		case "SPDX-2.1", "SPDX-2.2", "SPDX-2.3":
			return p.value, nil
		}
		return "", input.AtLine(name, p.line, p.col, fmt.Errorf("spdx: unsupported SPDXVersion %q (want SPDX-2.1, SPDX-2.2 or SPDX-2.3)", p.value))
	}
	return "", &input.Error{File: name, Err: errors.New("spdx: no SPDXVersion tag")}
}

// parseTagValues runs the tools-golang parser of version over pairs and
// converts the result to the v2_3 model.
func parseTagValues(version string, pairs []tvPair) (*v2_3.Document, error) {
	tvs := make([]tvreader.TagValuePair, len(pairs))
	for i, p := range pairs {
		tvs[i] = tvreader.TagValuePair{Tag: p.tag, Value: p.value}
	}
	return parseLibrary(version, tvs)
}

func parseLibrary(version string, tvs []tvreader.TagValuePair) (*v2_3.Document, error) {
	var parsed any
	switch version {
	case "SPDX-2.1":
		d, err := reader21.ParseTagValues(tvs)
		if err != nil || d == nil {
			return nil, nonNil(err)
		}
		parsed = d
	case "SPDX-2.2":
		d, err := reader22.ParseTagValues(tvs)
		if err != nil || d == nil {
			return nil, nonNil(err)
		}
		parsed = d
	default:
		d, err := reader23.ParseTagValues(tvs)
		if err != nil || d == nil {
			return nil, nonNil(err)
		}
		return d, nil
	}
	var out v2_3.Document
	if err := convert.Document(parsed, &out); err != nil {
		return nil, fmt.Errorf("convert %s to SPDX-2.3: %w", version, err)
	}
	return &out, nil
}

func nonNil(err error) error {
	if err == nil {
		return errors.New("no document")
	}
	return err
}

// locateTagValueError finds the pair the library stopped at: the shortest
// prefix of the pairs that fails with the same message ends with it.
func locateTagValueError(name, version string, pairs []tvPair, err error) error {
	msg := fmt.Errorf("spdx: %w", err)
	tvs := make([]tvreader.TagValuePair, len(pairs))
	for i, p := range pairs {
		tvs[i] = tvreader.TagValuePair{Tag: p.tag, Value: p.value}
	}
	want := err.Error()
	lo, hi := 1, len(tvs) // the answer is in [lo, hi]
	for lo < hi {
		mid := (lo + hi) / 2
		if _, e := parseLibrary(version, tvs[:mid]); e != nil && e.Error() == want {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo < 1 || lo > len(pairs) {
		return &input.Error{File: name, Err: msg}
	}
	p := pairs[lo-1]
	return input.AtLine(name, p.line, p.col, msg)
}

// tagValueOtherIDs collects the identifiers of files and snippets.
func tagValueOtherIDs(src *source, doc *v2_3.Document) map[string]bool {
	ids := make(map[string]bool)
	files := append([]*v2_3.File(nil), doc.Files...)
	for _, p := range doc.Packages {
		if p != nil {
			files = append(files, p.Files...)
		}
	}
	for _, f := range files {
		if f == nil {
			continue
		}
		ids[src.elementID(f.FileSPDXIdentifier)] = true
		for id := range f.Snippets {
			ids[src.elementID(id)] = true
		}
	}
	for _, s := range doc.Snippets {
		ids[src.elementID(s.SnippetSPDXIdentifier)] = true
	}
	return ids
}
