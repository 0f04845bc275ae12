package snapshot

import (
	"encoding/binary"
	"fmt"
	"slices"

	"medvigil/internal/vuln"
)

// Sections of a version 2 payload, in the order they are stored.
const (
	secScheme = iota
	secGroups
	secKeys
	secOffsets
	secRecords
	secMarks
	numSections
)

// dirSize is the size of a version 2 payload's section directory: the
// start of every section and the payload's length, 8 bytes each.
const dirSize = 8 * (numSections + 1)

// encodeV2 returns the uncompressed version 2 payload of kb, with index
// keys from keys (nil: none) under the scheme name scheme.
func encodeV2(kb *vuln.KB, keys func(*vuln.Advisory) []string, scheme string) ([]byte, Header, error) {
	advs := kb.Advisories()
	var sections [numSections][]byte
	sections[secScheme] = []byte(scheme)

	// Groups: advisories that share an ID or alias, by the KB's grouping.
	// Advisories are listed in ascending order within a group, and groups
	// by their first advisory.
	groupOf := map[string]int{}
	var groups [][]int
	for i, a := range advs {
		g := kb.Group(a.ID)
		k, ok := groupOf[g]
		if !ok {
			k = len(groups)
			groupOf[g] = k
			groups = append(groups, nil)
		}
		groups[k] = append(groups[k], i)
	}
	b := binary.AppendUvarint(nil, uint64(len(groups))+1)
	for _, g := range groups {
		b = appendIndexList(b, g)
	}
	sections[secGroups] = b

	// Keys: each key once, sorted, with the advisories indexed under it.
	byKey := map[string][]int{}
	if keys != nil {
		for i, a := range advs {
			for _, k := range keys(a) {
				if l := byKey[k]; len(l) == 0 || l[len(l)-1] != i {
					byKey[k] = append(l, i)
				}
			}
		}
	}
	b = binary.AppendUvarint(nil, uint64(len(byKey))+1)
	for _, k := range sortedKeys(byKey) {
		b = binary.AppendUvarint(b, uint64(len(k))+1)
		b = append(b, k...)
		b = appendIndexList(b, byKey[k])
	}
	sections[secKeys] = b

	// Records, each with its own string table, and their offsets.
	var recs []byte
	offs := make([]byte, 0, 8*(len(advs)+1))
	for _, a := range advs {
		offs = binary.LittleEndian.AppendUint64(offs, uint64(len(recs)))
		e := newEncoder()
		e.advisory(a)
		recs = e.appendTo(recs)
	}
	offs = binary.LittleEndian.AppendUint64(offs, uint64(len(recs)))
	sections[secOffsets], sections[secRecords] = offs, recs

	// KEV and EPSS marks, as in version 1.
	e := newEncoder()
	kev, epss := e.marks(kb)
	sections[secMarks] = e.appendTo(nil)

	size := dirSize
	for _, s := range sections {
		size += len(s)
	}
	out := make([]byte, dirSize, size)
	at := dirSize
	for i, s := range sections {
		binary.LittleEndian.PutUint64(out[8*i:], uint64(at))
		at += len(s)
	}
	binary.LittleEndian.PutUint64(out[8*numSections:], uint64(at))
	for _, s := range sections {
		out = append(out, s...)
	}
	return out, Header{Advisories: len(advs), KEV: kev, EPSS: epss}, nil
}

// appendIndexList appends an ascending list of advisory indices: its
// length plus one (as every list), the first index, then the differences to the previous one.
func appendIndexList(b []byte, list []int) []byte {
	b = binary.AppendUvarint(b, uint64(len(list))+1)
	prev := 0
	for i, x := range list {
		if i == 0 {
			b = binary.AppendUvarint(b, uint64(x))
		} else {
			b = binary.AppendUvarint(b, uint64(x-prev))
		}
		prev = x
	}
	return b
}

// readIndexList reads what appendIndexList wrote; every index must be
// below n and the list strictly ascending.
func (d *decoder) indexList(n int) []uint32 {
	count, _ := d.length()
	if d.err != nil {
		return nil
	}
	list := make([]uint32, count)
	prev := uint64(0)
	for i := range list {
		x := d.uvarint()
		if i > 0 {
			if x == 0 {
				d.fail("advisory list not ascending")
				return nil
			}
			x += prev
		}
		if x >= uint64(n) {
			d.fail("advisory %d of %d", x, n)
			return nil
		}
		list[i] = uint32(x)
		prev = x
	}
	return list
}

// directory reads and checks a version 2 section directory: ascending
// offsets within a payload of size bytes, the last equal to size.
func directory(dir []byte, size int64) ([numSections + 1]int64, error) {
	var at [numSections + 1]int64
	if len(dir) < dirSize || size < dirSize {
		return at, fmt.Errorf("snapshot: %w: payload of %d bytes has no section directory", ErrCorrupt, size)
	}
	prev := int64(dirSize)
	for i := range at {
		v := binary.LittleEndian.Uint64(dir[8*i:])
		if v < uint64(prev) || v > uint64(size) {
			return at, fmt.Errorf("snapshot: %w: section %d starts at %d (previous %d, payload %d bytes)", ErrCorrupt, i, v, prev, size)
		}
		at[i] = int64(v)
		prev = int64(v)
	}
	if at[numSections] != size {
		return at, fmt.Errorf("snapshot: %w: sections end at %d, the payload at %d", ErrCorrupt, at[numSections], size)
	}
	return at, nil
}

// index is the part of a version 2 payload read before any record: the
// key scheme, the groups, the keys and the record offsets.
type index struct {
	scheme  string
	groups  [][]uint32 // group → advisories, ascending
	groupOf []uint32   // advisory → group
	keys    []string   // sorted
	keyAdvs [][]uint32 // key → advisories, ascending
	offs    []int64    // record i is records[offs[i]:offs[i+1]]
}

// readIndex decodes sections 0–3 of a version 2 payload for n advisories;
// records is the length of the records section.
func readIndex(scheme, groups, keys, offs []byte, n int, records int64) (*index, error) {
	if len(offs) != 8*(n+1) {
		return nil, fmt.Errorf("snapshot: %w: %d bytes of record offsets for %d advisories", ErrCorrupt, len(offs), n)
	}
	ix := &index{scheme: string(scheme), groupOf: make([]uint32, n)}
	seen := make([]bool, n)
	d := &decoder{buf: groups}
	g, _ := d.length()
	for gi := 0; gi < g && d.err == nil; gi++ {
		list := d.indexList(n)
		if d.err == nil && len(list) == 0 {
			d.fail("empty group")
		}
		for _, a := range list {
			if seen[a] {
				d.fail("advisory %d in two groups", a)
				break
			}
			seen[a] = true
			ix.groupOf[a] = uint32(gi)
		}
		ix.groups = append(ix.groups, list)
	}
	if d.err == nil && d.pos != len(d.buf) {
		d.fail("%d bytes after the groups", len(d.buf)-d.pos)
	}
	if d.err == nil && slices.Contains(seen, false) {
		d.fail("an advisory is in no group")
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w (groups)", d.err)
	}

	d = &decoder{buf: keys}
	k, _ := d.length()
	for range k {
		l, _ := d.length()
		if d.err != nil {
			break
		}
		key := string(d.buf[d.pos : d.pos+l])
		d.pos += l
		if len(ix.keys) > 0 && key <= ix.keys[len(ix.keys)-1] {
			d.fail("keys not sorted")
			break
		}
		ix.keys = append(ix.keys, key)
		ix.keyAdvs = append(ix.keyAdvs, d.indexList(n))
	}
	if d.err == nil && d.pos != len(d.buf) {
		d.fail("%d bytes after the keys", len(d.buf)-d.pos)
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w (keys)", d.err)
	}

	ix.offs = make([]int64, n+1)
	prev := int64(0)
	for i := range ix.offs {
		v := binary.LittleEndian.Uint64(offs[8*i:])
		if v < uint64(prev) || v > uint64(records) || (i == 0 && v != 0) || (i == n && v != uint64(records)) {
			return nil, fmt.Errorf("snapshot: %w: record %d at %d (records section of %d bytes)", ErrCorrupt, i, v, records)
		}
		ix.offs[i] = int64(v)
		prev = int64(v)
	}
	return ix, nil
}

// record decodes one advisory record into a, reusing d's slabs.
func (d *decoder) record(rec []byte, a *vuln.Advisory) error {
	d.buf, d.pos, d.err = rec, 0, nil
	d.table()
	d.advisory(a)
	if d.err == nil && d.pos != len(d.buf) {
		d.fail("%d bytes after the record", len(d.buf)-d.pos)
	}
	return d.err
}

// decodeV2 reads a whole version 2 payload into a knowledge base.
func decodeV2(raw []byte, h Header) (*vuln.KB, error) {
	at, err := directory(raw, int64(len(raw)))
	if err != nil {
		return nil, err
	}
	sec := func(i int) []byte { return raw[at[i]:at[i+1]] }
	ix, err := readIndex(sec(secScheme), sec(secGroups), sec(secKeys), sec(secOffsets), h.Advisories, at[secRecords+1]-at[secRecords])
	if err != nil {
		return nil, err
	}
	recs := sec(secRecords)
	slab := make([]vuln.Advisory, h.Advisories)
	advs := make([]*vuln.Advisory, h.Advisories)
	d := &decoder{}
	for i := range slab {
		if err := d.record(recs[ix.offs[i]:ix.offs[i+1]], &slab[i]); err != nil {
			return nil, fmt.Errorf("%w (advisory %d)", err, i)
		}
		advs[i] = &slab[i]
	}
	kev, epss, err := decodeMarks(sec(secMarks), h)
	if err != nil {
		return nil, err
	}
	kb := vuln.NewKB()
	kb.Add(advs...)
	kb.SetKEV(kev)
	kb.SetEPSS(epss)
	return kb, nil
}

// decodeMarks reads the marks section of a version 2 payload.
func decodeMarks(b []byte, h Header) (map[string]vuln.KEV, map[string]vuln.EPSS, error) {
	d := &decoder{buf: b}
	d.table()
	if d.err != nil {
		return nil, nil, fmt.Errorf("%w (marks)", d.err)
	}
	kev, epss, err := d.marks(h)
	if err != nil {
		return nil, nil, err
	}
	if d.pos != len(d.buf) {
		return nil, nil, fmt.Errorf("snapshot: %w: %d bytes after the marks", ErrCorrupt, len(d.buf)-d.pos)
	}
	return kev, epss, nil
}
