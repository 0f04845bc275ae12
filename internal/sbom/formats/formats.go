package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/cyclonedx"
	"medvigil/internal/sbom/spdx"
)

// DefaultMaxSize is the largest SBOM file read by default (1 GiB is refused).
// A 300,000-component CycloneDX JSON SBOM is about 150 MiB.
const DefaultMaxSize = 512 << 20

// ErrTooLarge is returned for input larger than the size limit.
var ErrTooLarge = errors.New("file exceeds the size limit")

// ErrUnknownFormat is returned for input that is no SBOM format medvigil reads.
var ErrUnknownFormat = errors.New("not a CycloneDX or SPDX document")

func (o Options) maxSize() int64 {
	if o.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}

// Kind is a detected format and encoding.
type Kind struct {
	Format   sbom.Format
	Encoding sbom.Encoding
}

// String returns e.g. "CycloneDX json".
func (k Kind) String() string { return string(k.Format) + " " + string(k.Encoding) }

// Options control reading.
type Options struct {
	// MaxSize caps the bytes read from one file; 0 means DefaultMaxSize.
	MaxSize int64
}

// Detect tells the format and encoding of data from its content.
func Detect(data []byte) (Kind, error) {
	head := bytes.TrimLeft(data, " \t\r\n\ufeff")
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(head) == 0:
		return Kind{}, errors.New("empty file")
	case head[0] == '{':
		// The first marker of either format decides. Look in the first
		// 64 KiB before the whole file: a marker found there is the first
		// of all, and an absent marker would cost a scan of the whole file
		// (most files have one format's markers only).
		window := data[:min(len(data), 64<<10)]
		cdx := indexAny(window, `"bomFormat"`, `"http://cyclonedx.org/schema/`)
		spd := indexAny(window, `"spdxVersion"`, `"SPDXID"`)
		if cdx < 0 && spd < 0 && len(window) < len(data) {
			cdx = indexAny(data, `"bomFormat"`, `"http://cyclonedx.org/schema/`)
			spd = indexAny(data, `"spdxVersion"`, `"SPDXID"`)
		}
		switch {
		case cdx >= 0 && (spd < 0 || cdx < spd):
			return Kind{sbom.FormatCycloneDX, sbom.EncodingJSON}, nil
		case spd >= 0:
			return Kind{sbom.FormatSPDX, sbom.EncodingJSON}, nil
		}
	case head[0] == '<':
		if bytes.Contains(head[:min(len(head), 4096)], []byte("cyclonedx.org/schema/bom")) {
			return Kind{sbom.FormatCycloneDX, sbom.EncodingXML}, nil
		}
		if bytes.Contains(head[:min(len(head), 4096)], []byte("spdx")) {
			return Kind{}, errors.New("SPDX RDF/XML is not supported; convert it to SPDX JSON or tag-value")
		}
	default:
		if bytes.HasPrefix(head, []byte("SPDXVersion:")) || bytes.Contains(head[:min(len(head), 4096)], []byte("\nSPDXVersion:")) ||
			bytes.Contains(head[:min(len(head), 4096)], []byte("\rSPDXVersion:")) {
			return Kind{sbom.FormatSPDX, sbom.EncodingTagValue}, nil
		}
	}
	return Kind{}, ErrUnknownFormat
}

func indexAny(data []byte, needles ...string) int {
	best := -1
	for _, n := range needles {
		if i := bytes.Index(data, []byte(n)); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// ReadFile reads the SBOM at path. Errors are *input.Error naming path.
func ReadFile(ctx context.Context, path string, opts Options) (*sbom.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &input.Error{File: path, Err: err}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > opts.maxSize() {
			return nil, &input.Error{File: path, Err: fmt.Errorf("%w of %d bytes (the file has %d)", ErrTooLarge, opts.maxSize(), fi.Size())}
		}
		// Read a regular file into a buffer of its size: io.ReadAll would
		// grow by doubling, copying and touching twice the memory.
		data := make([]byte, fi.Size())
		if _, err := io.ReadFull(f, data); err != nil {
			return nil, &input.Error{File: path, Err: fmt.Errorf("read: %w", err)}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return Decode(path, data)
	}
	return Read(ctx, path, f, opts)
}

// Read reads one SBOM from r; name is used in errors and warnings. It reads
// at most opts.MaxSize bytes and fails with ErrTooLarge beyond that.
func Read(ctx context.Context, name string, r io.Reader, opts Options) (*sbom.Document, error) {
	limit := opts.maxSize()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &input.Error{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	if int64(len(data)) > limit {
		return nil, &input.Error{File: name, Err: fmt.Errorf("%w of %d bytes", ErrTooLarge, limit)}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return Decode(name, data)
}

// Decode detects the format of data and reads it.
func Decode(name string, data []byte) (*sbom.Document, error) {
	kind, err := Detect(data)
	if err != nil {
		return nil, &input.Error{File: name, Err: err}
	}
	var warnings []*input.Error
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		line, col := input.LineColumn(data, int64(off))
		warnings = append(warnings, input.AtLine(name, line, col, errors.New("invalid UTF-8; bytes replaced by U+FFFD")))
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	var doc *sbom.Document
	switch kind.Format {
	case sbom.FormatCycloneDX:
		doc, err = cyclonedx.Decode(name, data, kind.Encoding)
	case sbom.FormatSPDX:
		doc, err = spdx.Decode(name, data, kind.Encoding)
	}
	if err != nil {
		return nil, err
	}
	doc.Warnings = append(warnings, doc.Warnings...)
	return doc, nil
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// Target is an output format of Write.
type Target string

// The output formats.
const (
	TargetCycloneDXJSON Target = "cyclonedx-json"
	TargetCycloneDXXML  Target = "cyclonedx-xml"
	TargetSPDXJSON      Target = "spdx-json"
)

// Targets lists every output format.
func Targets() []Target {
	return []Target{TargetCycloneDXJSON, TargetCycloneDXXML, TargetSPDXJSON}
}

// Write writes doc in the target format.
func Write(w io.Writer, doc *sbom.Document, t Target) error {
	switch t {
	case TargetCycloneDXJSON:
		return cyclonedx.Encode(w, doc, sbom.EncodingJSON)
	case TargetCycloneDXXML:
		return cyclonedx.Encode(w, doc, sbom.EncodingXML)
	case TargetSPDXJSON:
		return spdx.Encode(w, doc)
	}
	return fmt.Errorf("sbom: unknown output format %q (want cyclonedx-json, cyclonedx-xml or spdx-json)", t)
}
