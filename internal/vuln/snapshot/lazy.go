package snapshot

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"sync"

	"medvigil/internal/vuln"
)

// ErrNotIndexed is returned by Open for a snapshot that cannot be read
// lazily: format version 1 (no package index) or a compressed payload.
// Read reads those whole.
var ErrNotIndexed = errors.New("snapshot has no package index or is compressed")

// Lazy is a version 2 snapshot opened for reading only the advisories a
// scan needs: Open reads the header, checks the checksum and reads the
// index (groups, keys, record offsets); Select decodes records on demand
// with ReadAt. It is safe for concurrent use.
type Lazy struct {
	r      io.ReaderAt
	closer io.Closer
	h      Header
	ix     *index
	recAt  int64 // the records section's offset in r
	kev    map[string]vuln.KEV
	epss   map[string]vuln.EPSS

	mu    sync.Mutex
	dec   decoder
	cache []*vuln.Advisory // by advisory index; nil until decoded
	buf   []byte
}

// Open opens the snapshot file at path for lazy reading. Errors wrap
// ErrNotIndexed for a snapshot that Read must read whole, and the errors
// Read returns otherwise. Close the Lazy when done.
func Open(path string) (*Lazy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	l, err := NewLazy(f, info.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	l.closer = f
	return l, nil
}

// NewLazy reads a version 2 snapshot of size bytes from r lazily, as Open
// does.
func NewLazy(r io.ReaderAt, size int64) (*Lazy, error) {
	h, hdr, err := readHeader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	if h.Version < 2 || h.Compression != None {
		return nil, fmt.Errorf("snapshot: %w (version %d, compression %d)", ErrNotIndexed, h.Version, h.Compression)
	}
	payload := size - headerSize
	switch {
	case payload < h.PayloadSize:
		return nil, fmt.Errorf("snapshot: %w: payload is %d bytes, the header says %d", ErrTruncated, payload, h.PayloadSize)
	case payload > h.PayloadSize:
		return nil, fmt.Errorf("snapshot: %w: data after the %d-byte payload", ErrCorrupt, h.PayloadSize)
	case h.RawSize != h.PayloadSize:
		return nil, fmt.Errorf("snapshot: %w: uncompressed payload of %d bytes stored in %d", ErrCorrupt, h.RawSize, h.PayloadSize)
	}
	// The checksum covers everything: stream the payload through it
	// without holding it.
	sum := sha256.New()
	sum.Write(hdr[:sumAt])
	if _, err := io.CopyBuffer(sum, io.NewSectionReader(r, headerSize, payload), make([]byte, 64<<10)); err != nil {
		return nil, fmt.Errorf("snapshot: read payload: %w", err)
	}
	if !bytes.Equal(sum.Sum(nil), hdr[sumAt:]) {
		return nil, fmt.Errorf("snapshot: %w: the header or the payload was changed", ErrChecksum)
	}
	read := func(off, n int64) ([]byte, error) {
		b := make([]byte, n)
		if _, err := r.ReadAt(b, headerSize+off); err != nil {
			return nil, fmt.Errorf("snapshot: read: %w", err)
		}
		return b, nil
	}
	dir, err := read(0, min(dirSize, payload))
	if err != nil {
		return nil, err
	}
	at, err := directory(dir, payload)
	if err != nil {
		return nil, err
	}
	// Sections 0–3 are contiguous: one read.
	head, err := read(at[secScheme], at[secRecords]-at[secScheme])
	if err != nil {
		return nil, err
	}
	sec := func(i int) []byte { return head[at[i]-at[secScheme] : at[i+1]-at[secScheme]] }
	ix, err := readIndex(sec(secScheme), sec(secGroups), sec(secKeys), sec(secOffsets), h.Advisories, at[secRecords+1]-at[secRecords])
	if err != nil {
		return nil, err
	}
	marks, err := read(at[secMarks], at[secMarks+1]-at[secMarks])
	if err != nil {
		return nil, err
	}
	kev, epss, err := decodeMarks(marks, h)
	if err != nil {
		return nil, err
	}
	return &Lazy{r: r, h: h, ix: ix, recAt: headerSize + at[secRecords], kev: kev, epss: epss,
		cache: make([]*vuln.Advisory, h.Advisories)}, nil
}

// Close closes the file Open opened.
func (l *Lazy) Close() error {
	if l.closer == nil {
		return nil
	}
	return l.closer.Close()
}

// Header returns the snapshot's header.
func (l *Lazy) Header() Header { return l.h }

// KeyScheme returns the name of the scheme the index keys were made with
// (Options.KeyScheme); "" when the snapshot was written without keys.
func (l *Lazy) KeyScheme() string { return l.ix.scheme }

// Select returns the advisories indexed under any of keys, together with
// every advisory of their vulnerability groups (advisories that share an
// ID or alias), in the snapshot's order. A knowledge base of them groups
// their IDs exactly as a knowledge base of the whole snapshot does. Each
// record is decoded once; later calls return the same pointers.
func (l *Lazy) Select(keys []string) ([]*vuln.Advisory, error) {
	var want []uint32
	seen := map[uint32]bool{}
	for _, k := range keys {
		i := sort.SearchStrings(l.ix.keys, k)
		if i == len(l.ix.keys) || l.ix.keys[i] != k {
			continue
		}
		for _, a := range l.ix.keyAdvs[i] {
			g := l.ix.groupOf[a]
			if seen[g] {
				continue
			}
			seen[g] = true
			want = append(want, l.ix.groups[g]...)
		}
	}
	slices.Sort(want)
	return l.advisories(want)
}

// advisories decodes (or takes from the cache) the advisories at the
// ascending indices want.
func (l *Lazy) advisories(want []uint32) ([]*vuln.Advisory, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*vuln.Advisory, 0, len(want))
	for _, i := range want {
		if a := l.cache[i]; a != nil {
			out = append(out, a)
			continue
		}
		start, end := l.ix.offs[i], l.ix.offs[i+1]
		if n := int(end - start); cap(l.buf) < n {
			l.buf = make([]byte, n)
		}
		rec := l.buf[:end-start]
		if _, err := l.r.ReadAt(rec, l.recAt+start); err != nil {
			return nil, fmt.Errorf("snapshot: read advisory %d: %w", i, err)
		}
		a := &vuln.Advisory{}
		if err := l.dec.record(rec, a); err != nil {
			return nil, fmt.Errorf("%w (advisory %d)", err, i)
		}
		l.cache[i] = a
		out = append(out, a)
	}
	return out, nil
}

// Loaded returns every advisory Select has decoded so far, in the
// snapshot's order: a set closed under grouping, as each Select's is.
func (l *Lazy) Loaded() []*vuln.Advisory {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*vuln.Advisory
	for _, a := range l.cache {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// KB returns a knowledge base of advs (as Select returns them) with the
// KEV and EPSS marks of their IDs and aliases.
func (l *Lazy) KB(advs []*vuln.Advisory) *vuln.KB {
	kb := vuln.NewKB()
	kb.Add(advs...)
	kev, epss := map[string]vuln.KEV{}, map[string]vuln.EPSS{}
	for _, a := range advs {
		for _, id := range append([]string{a.ID}, a.Aliases...) {
			if k, ok := l.kev[id]; ok {
				kev[id] = k
			}
			if e, ok := l.epss[id]; ok {
				epss[id] = e
			}
		}
	}
	kb.SetKEV(kev)
	kb.SetEPSS(epss)
	return kb
}
