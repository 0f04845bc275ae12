package snapshot

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"medvigil/internal/vuln"
)

// Version is the format version Write writes. Read reads it and every
// earlier version.
const Version = 2

const (
	magic      = "MEDVIGIL-KB"
	headerSize = 86
	sumAt      = 54 // the checksum's offset in the header
)

// MaxPayload caps the uncompressed payload Read accepts (4 GiB); the
// payload of the shared OSV data (8,189 records, 18 MB of JSON) is 6.2 MB.
const MaxPayload = 4 << 30

// Compression is how the payload is stored.
type Compression uint8

// Compressions.
const (
	// None stores the payload as is: the fastest to read, and the default
	// (the shared OSV data: 6.2 MB, read in about 30 ms).
	None Compression = 0
	// Gzip compresses it with compress/gzip at BestSpeed: a third of the
	// size (2.0 MB), read in about 70 ms.
	Gzip Compression = 1
)

// Errors wrapped by the errors Read returns; each error names the place.
var (
	ErrMagic     = errors.New("not a knowledge-base snapshot (bad magic)")
	ErrVersion   = errors.New("unsupported format version")
	ErrTruncated = errors.New("truncated")
	ErrChecksum  = errors.New("checksum mismatch")
	// ErrCorrupt is a payload that passes the checksum but does not decode:
	// written by a faulty writer or crafted.
	ErrCorrupt = errors.New("corrupt payload")
)

// Header describes a snapshot.
type Header struct {
	Version     int
	Compression Compression
	Created     time.Time // UTC
	Advisories  int
	KEV         int
	EPSS        int
	// PayloadSize is the payload's length as stored, RawSize uncompressed.
	PayloadSize, RawSize int64
}

// Options tune Write.
type Options struct {
	Compression Compression
	// Created is the creation time recorded; zero means now.
	Created time.Time
	// Version is the format version to write: 0 (Version) or 1. Version 1
	// has no package index.
	Version int
	// Keys, when set, gives the index keys of an advisory (version 2): Open
	// and Snapshot.Select find an advisory by any of them. KeyScheme names
	// how the keys are made, so that a reader can tell whether its keys
	// are comparable; internal/match provides both (match.IndexKeys,
	// match.KeyScheme).
	Keys      func(*vuln.Advisory) []string
	KeyScheme string
}

// Write writes kb to w as an uncompressed snapshot created now.
func Write(w io.Writer, kb *vuln.KB) error { return WriteWith(w, kb, Options{}) }

// WriteWith writes kb to w with options.
func WriteWith(w io.Writer, kb *vuln.KB, opts Options) error {
	if opts.Compression != None && opts.Compression != Gzip {
		return fmt.Errorf("snapshot: write: unknown compression %d", opts.Compression)
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	version := opts.Version
	if version == 0 {
		version = Version
	}
	var raw []byte
	var h Header
	var err error
	switch version {
	case 1:
		raw, h, err = encode(kb)
	case 2:
		raw, h, err = encodeV2(kb, opts.Keys, opts.KeyScheme)
	default:
		return fmt.Errorf("snapshot: write: %w %d", ErrVersion, version)
	}
	if err != nil {
		return err
	}
	stored := raw
	if opts.Compression == Gzip {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err != nil {
			return fmt.Errorf("snapshot: write: %w", err)
		}
		if _, err := zw.Write(raw); err != nil {
			return fmt.Errorf("snapshot: write: %w", err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("snapshot: write: %w", err)
		}
		stored = buf.Bytes()
	}
	h.Version, h.Compression, h.Created = version, opts.Compression, created.UTC()
	h.PayloadSize, h.RawSize = int64(len(stored)), int64(len(raw))
	hdr, err := h.marshal()
	if err != nil {
		return err
	}
	sum := sha256.New()
	sum.Write(hdr[:sumAt])
	sum.Write(stored)
	sum.Sum(hdr[sumAt:sumAt])
	if _, err := w.Write(hdr[:]); err != nil {
		return fmt.Errorf("snapshot: write: %w", err)
	}
	if _, err := w.Write(stored); err != nil {
		return fmt.Errorf("snapshot: write: %w", err)
	}
	return nil
}

func (h *Header) marshal() ([headerSize]byte, error) {
	var b [headerSize]byte
	for _, n := range []int{h.Advisories, h.KEV, h.EPSS} {
		if n > math.MaxUint32 {
			return b, fmt.Errorf("snapshot: write: %d records do not fit the format", n)
		}
	}
	copy(b[:], magic)
	binary.BigEndian.PutUint16(b[11:], uint16(h.Version))
	b[13] = byte(h.Compression)
	binary.BigEndian.PutUint64(b[14:], uint64(h.Created.Unix()))
	binary.BigEndian.PutUint32(b[22:], uint32(h.Created.Nanosecond()))
	binary.BigEndian.PutUint32(b[26:], uint32(h.Advisories))
	binary.BigEndian.PutUint32(b[30:], uint32(h.KEV))
	binary.BigEndian.PutUint32(b[34:], uint32(h.EPSS))
	binary.BigEndian.PutUint64(b[38:], uint64(h.PayloadSize))
	binary.BigEndian.PutUint64(b[46:], uint64(h.RawSize))
	return b, nil
}

// readHeader reads and checks the header's magic and version.
func readHeader(r io.Reader) (Header, [headerSize]byte, error) {
	var b [headerSize]byte
	n, err := io.ReadFull(r, b[:])
	if m := min(n, len(magic)); string(b[:m]) != magic[:m] {
		return Header{}, b, fmt.Errorf("snapshot: %w: the file starts %q", ErrMagic, b[:m])
	}
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return Header{}, b, fmt.Errorf("snapshot: %w: header is %d bytes, want %d", ErrTruncated, n, headerSize)
	case err != nil:
		return Header{}, b, fmt.Errorf("snapshot: read header: %w", err)
	}
	h := Header{
		Version:     int(binary.BigEndian.Uint16(b[11:])),
		Compression: Compression(b[13]),
		Created:     time.Unix(int64(binary.BigEndian.Uint64(b[14:])), int64(binary.BigEndian.Uint32(b[22:]))).UTC(),
		Advisories:  int(binary.BigEndian.Uint32(b[26:])),
		KEV:         int(binary.BigEndian.Uint32(b[30:])),
		EPSS:        int(binary.BigEndian.Uint32(b[34:])),
		PayloadSize: int64(binary.BigEndian.Uint64(b[38:]) & math.MaxInt64),
		RawSize:     int64(binary.BigEndian.Uint64(b[46:]) & math.MaxInt64),
	}
	if h.Version < 1 || h.Version > Version {
		return h, b, fmt.Errorf("snapshot: %w %d (this build reads versions 1 to %d)", ErrVersion, h.Version, Version)
	}
	return h, b, nil
}

// ReadHeader reads and checks a snapshot's header only: its magic and
// version, not its checksum.
func ReadHeader(r io.Reader) (Header, error) {
	h, _, err := readHeader(r)
	return h, err
}

// Read reads a snapshot written by Write. It checks the magic, the format
// version and the checksum before decoding, and fails on trailing data; the
// errors wrap ErrMagic, ErrVersion, ErrTruncated, ErrChecksum or
// ErrCorrupt. No input makes it panic.
func Read(r io.Reader) (*vuln.KB, error) {
	h, hdr, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	// The length is not yet checked: a damaged header must not cost a
	// large allocation. Size the buffer by what the reader holds, when it
	// says, else grow it as the data arrives.
	var buf bytes.Buffer
	if n, ok := remaining(r); ok {
		buf.Grow(int(min(h.PayloadSize, n+1)))
	} else {
		buf.Grow(int(min(h.PayloadSize, 1<<20)))
	}
	n, err := buf.ReadFrom(io.LimitReader(r, h.PayloadSize))
	if err != nil {
		return nil, fmt.Errorf("snapshot: read payload: %w", err)
	}
	if n < h.PayloadSize {
		return nil, fmt.Errorf("snapshot: %w: payload is %d bytes, the header says %d", ErrTruncated, n, h.PayloadSize)
	}
	var one [1]byte
	if k, _ := io.ReadFull(r, one[:]); k > 0 {
		return nil, fmt.Errorf("snapshot: %w: data after the %d-byte payload", ErrCorrupt, h.PayloadSize)
	}
	stored := buf.Bytes()
	sum := sha256.New()
	sum.Write(hdr[:sumAt])
	sum.Write(stored)
	if !bytes.Equal(sum.Sum(nil), hdr[sumAt:]) {
		return nil, fmt.Errorf("snapshot: %w: the header or the payload was changed", ErrChecksum)
	}
	if h.RawSize > MaxPayload {
		return nil, fmt.Errorf("snapshot: %w: uncompressed payload of %d bytes exceeds %d", ErrCorrupt, h.RawSize, MaxPayload)
	}
	raw := stored
	switch h.Compression {
	case None:
		if h.RawSize != h.PayloadSize {
			return nil, fmt.Errorf("snapshot: %w: uncompressed payload of %d bytes stored in %d", ErrCorrupt, h.RawSize, h.PayloadSize)
		}
	case Gzip:
		if raw, err = gunzip(stored, h.RawSize); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("snapshot: %w: unknown compression %d", ErrCorrupt, h.Compression)
	}
	var kb *vuln.KB
	if h.Version == 1 {
		kb, err = decode(raw, h)
	} else {
		kb, err = decodeV2(raw, h)
	}
	if err != nil {
		return nil, err
	}
	return kb, nil
}

// remaining returns how many bytes r holds, when it can tell: a file, or an
// in-memory reader.
func remaining(r io.Reader) (int64, bool) {
	switch r := r.(type) {
	case interface{ Len() int }: // bytes.Reader, bytes.Buffer, strings.Reader
		return int64(r.Len()), true
	case *os.File:
		info, err := r.Stat()
		if err != nil || !info.Mode().IsRegular() {
			return 0, false
		}
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, false
		}
		return max(0, info.Size()-pos), true
	}
	return 0, false
}

// gunzip decompresses a payload of size bytes.
func gunzip(stored []byte, size int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(stored))
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w: %w", ErrCorrupt, err)
	}
	var out bytes.Buffer
	out.Grow(int(min(size, 8*int64(len(stored))+4096))) // gzip's usual ratio is 3–5

	n, err := out.ReadFrom(io.LimitReader(zr, size+1))
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w: %w", ErrCorrupt, err)
	}
	if n != size {
		return nil, fmt.Errorf("snapshot: %w: payload decompresses to %d bytes or more, the header says %d", ErrCorrupt, n, size)
	}
	return out.Bytes(), nil
}
