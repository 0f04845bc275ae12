package snapshot_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

// testKeys indexes an advisory by each affected package (ecosystem/name)
// and each CPE criterion: a stand-in for match.IndexKeys, which this
// package may not import.
func testKeys(a *vuln.Advisory) []string {
	var keys []string
	for _, af := range a.Affected {
		if af.Name != "" {
			keys = append(keys, "p:"+af.Ecosystem+"/"+af.Name)
		}
		if af.Product != "" {
			keys = append(keys, "v:"+strings.ToLower(af.Vendor+"/"+af.Product))
		}
	}
	for _, m := range a.CPEConfigs {
		keys = append(keys, "c:"+m.Criteria)
	}
	return keys
}

func writeV(t testing.TB, kb *vuln.KB, version int, c snapshot.Compression, keys bool) []byte {
	t.Helper()
	opts := snapshot.Options{Compression: c, Created: created, Version: version}
	if keys {
		opts.Keys, opts.KeyScheme = testKeys, "test/1"
	}
	var buf bytes.Buffer
	if err := snapshot.WriteWith(&buf, kb, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestVersion1StillReads: a version 1 file (no index) reads as before, and
// both versions of the shared data read to the same knowledge base.
func TestVersion1StillReads(t *testing.T) {
	for name, kb := range map[string]*vuln.KB{"every field": everyField(), "shared data": realKB(t)} {
		t.Run(name, func(t *testing.T) {
			v1, err := snapshot.Read(bytes.NewReader(writeV(t, kb, 1, snapshot.None, false)))
			if err != nil {
				t.Fatal(err)
			}
			v2, err := snapshot.Read(bytes.NewReader(writeV(t, kb, 2, snapshot.None, true)))
			if err != nil {
				t.Fatal(err)
			}
			equalKB(t, kb, v1)
			equalKB(t, v1, v2)
			h, err := snapshot.ReadHeader(bytes.NewReader(writeV(t, kb, 1, snapshot.None, false)))
			if err != nil || h.Version != 1 {
				t.Errorf("header %+v, %v; want version 1", h, err)
			}
		})
	}
}

// TestLazySelect checks Select on the shared data: for a key, exactly the
// advisories indexed under it and every advisory of their vulnerability
// groups, in file order, so that a knowledge base of them groups IDs, KEV
// and EPSS as the whole one does.
func TestLazySelect(t *testing.T) {
	kb := realKB(t)
	data := writeV(t, kb, 2, snapshot.None, true)
	lz, err := snapshot.NewLazy(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if lz.KeyScheme() != "test/1" || lz.Header().Advisories != kb.Len() || lz.Header().Version != 2 {
		t.Fatalf("scheme %q, header %+v", lz.KeyScheme(), lz.Header())
	}
	all := kb.Advisories()
	index := map[*vuln.Advisory]int{}
	byKey := map[string][]int{}
	for i, a := range all {
		index[a] = i
		for _, k := range testKeys(a) {
			byKey[k] = append(byKey[k], i)
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Every 7th key, and a set of several keys at once.
	var sets [][]string
	for i := 0; i < len(keys); i += 7 {
		sets = append(sets, []string{keys[i]})
	}
	sets = append(sets, []string{keys[0], keys[len(keys)/2], keys[len(keys)-1], "no such key"}, nil)
	for _, set := range sets {
		want := map[int]bool{}
		for _, k := range set {
			for _, i := range byKey[k] {
				for _, a := range kb.GroupAdvisories(all[i].ID) {
					want[index[a]] = true
				}
			}
		}
		got, err := lz.Select(set)
		if err != nil {
			t.Fatal(err)
		}
		var wantIdx, gotIdx []int
		for i := range want {
			wantIdx = append(wantIdx, i)
		}
		slices.Sort(wantIdx)
		for _, a := range got {
			j := slices.IndexFunc(all, func(b *vuln.Advisory) bool { return b.ID == a.ID && cmp.Equal(a, b) })
			gotIdx = append(gotIdx, j)
		}
		if diff := cmp.Diff(wantIdx, gotIdx); diff != "" {
			t.Fatalf("Select(%q) advisories by index (-want +got):\n%s", set, diff)
		}
		sub := lz.KB(got)
		for _, a := range got {
			if diff := cmp.Diff(kb.IDs(a.ID), sub.IDs(a.ID)); diff != "" {
				t.Errorf("IDs(%s) (-whole +selected):\n%s", a.ID, diff)
			}
			if diff := cmp.Diff(kb.KEV(kb.IDs(a.ID)), sub.KEV(sub.IDs(a.ID))); diff != "" {
				t.Errorf("KEV(%s) (-whole +selected):\n%s", a.ID, diff)
			}
			if diff := cmp.Diff(kb.EPSS(kb.IDs(a.ID)), sub.EPSS(sub.IDs(a.ID))); diff != "" {
				t.Errorf("EPSS(%s) (-whole +selected):\n%s", a.ID, diff)
			}
		}
	}
	// Decoded once: the same pointers again, and Loaded holds them.
	first, _ := lz.Select(sets[0])
	again, _ := lz.Select(sets[0])
	if len(first) == 0 || first[0] != again[0] || !slices.Contains(lz.Loaded(), first[0]) {
		t.Error("Select decoded a record twice, or Loaded misses it")
	}
}

func TestLazyErrors(t *testing.T) {
	kb := everyField()
	good := writeV(t, kb, 2, snapshot.None, true)
	flip := func(at int) []byte {
		d := bytes.Clone(good)
		d[at] ^= 0x10
		return d
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"version 1", writeV(t, kb, 1, snapshot.None, false), snapshot.ErrNotIndexed},
		{"gzip", writeV(t, kb, 2, snapshot.Gzip, true), snapshot.ErrNotIndexed},
		{"not a snapshot", []byte(`{"id": "GHSA-x"}`), snapshot.ErrMagic},
		{"payload changed", flip(len(good) - 1), snapshot.ErrChecksum},
		{"directory changed", flip(headerSize + 3), snapshot.ErrChecksum},
		{"cut", good[:len(good)-1], snapshot.ErrTruncated},
		{"trailing data", append(bytes.Clone(good), 0), snapshot.ErrCorrupt},
		{"directory out of order, checksum redone", resign(func() []byte { d := bytes.Clone(good); d[headerSize+8] = 0xff; return d }(), false), snapshot.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lz, err := snapshot.NewLazy(bytes.NewReader(tt.data), int64(len(tt.data)))
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewLazy = %v, want an error wrapping %q", err, tt.want)
			}
			if lz != nil {
				t.Error("NewLazy returned a snapshot with its error")
			}
		})
	}
}
