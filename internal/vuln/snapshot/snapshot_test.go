package snapshot_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"medvigil/internal/feeds"
	"medvigil/internal/realdata"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

// The header layout (see the package documentation).
const (
	headerSize   = 86
	payloadLenAt = 38
	rawLenAt     = 46
	sumAt        = 54
)

var created = time.Date(2026, 11, 26, 8, 30, 0, 123, time.UTC)

// everyField returns a knowledge base that sets every field of every type
// the format holds, with nil and empty lists apart.
func everyField() *vuln.KB {
	kev := vuln.KEV{DateAdded: "2024-01-02", DueDate: "2024-01-23", RansomwareUse: "Known", VendorProject: "Acme",
		Product: "Pump", Name: "Acme Pump RCE", RequiredAction: "Apply updates", CatalogVersion: "2025.08.25"}
	epss := vuln.EPSS{Score: 0.97123, Percentile: 0.99981, Date: "2025-08-25"}
	full := &vuln.Advisory{
		ID:        "GHSA-aaaa-bbbb-cccc",
		Aliases:   []string{"CVE-2024-0001", "PYSEC-2024-1"},
		Related:   []string{},
		Summary:   "Acme pump firmware RCE",
		Details:   "Line one\nline two, unicode: µ–é",
		Published: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC),
		Modified:  time.Date(2024, 2, 3, 4, 5, 6, 0, time.FixedZone("CET", 3600)),
		Severities: []vuln.Severity{
			{Type: vuln.CVSSv3, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Rating: "critical", Source: "nvd@nist.gov"},
			{Type: vuln.Qualitative, Rating: "HIGH"},
		},
		CWEs:       []string{"CWE-787"},
		References: []vuln.Reference{{Type: "ADVISORY", URL: "https://example.com/a"}, {URL: "https://example.com/b"}},
		Affected: []vuln.Affected{
			{Ecosystem: "npm", Name: "lodash", PURL: "pkg:npm/lodash",
				Ranges: []vuln.Range{
					{Type: vuln.RangeSemver, Events: []vuln.Event{{Introduced: "0"}, {Fixed: "4.17.21"}}},
					{Type: vuln.RangeGit, Repo: "https://github.com/lodash/lodash", Events: []vuln.Event{{Introduced: "abc"}, {LastAffected: "def"}, {Limit: "123"}}},
					{Type: vuln.RangeEcosystem, Events: []vuln.Event{}},
				},
				Versions: []string{"4.17.20"}},
			{CPE: "cpe:2.3:h:acme:pump:-:*:*:*:*:*:*:*", Vendor: "Acme", Product: "Pump", ProductID: "CSAFPID-0001",
				Versions: []string{}, VersRange: "vers:generic/>=2.0|<2.4.1", Status: "known_affected"},
		},
		CPEConfigs: []vuln.CPEMatch{{Criteria: "cpe:2.3:o:acme:pump_firmware:*:*:*:*:*:*:*:*", MatchCriteriaID: "ABC-123",
			Vulnerable: true, VersionStartIncluding: "1.0", VersionStartExcluding: "0.9", VersionEndIncluding: "2.0", VersionEndExcluding: "2.1",
			Config: 3, Node: -1, Operator: "OR", Negate: true, ConfigOperator: "AND"}},
		Remediations: []vuln.Remediation{{Category: "vendor_fix", Details: "Update to 2.4.1", URL: "https://example.com/fix", Products: []string{"CSAFPID-0001"}},
			{Category: "none_available"}},
		KEV:      &kev,
		EPSS:     &epss,
		Source:   vuln.SourceCSAF,
		Document: "ICSMA-24-001-01",
		Origin:   vuln.Origin{File: "csaf/icsma-24-001-01.json", Pointer: "/vulnerabilities/0"},
	}
	bare := &vuln.Advisory{ID: "CVE-2024-0001", Withdrawn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Source: vuln.SourceNVD}
	empty := &vuln.Advisory{}
	kb := vuln.NewKB()
	kb.Add(full, bare, empty)
	kb.SetKEV(map[string]vuln.KEV{"CVE-2024-0001": kev, "CVE-2023-9999": {DateAdded: "2023-01-01"}})
	kb.SetEPSS(map[string]vuln.EPSS{"CVE-2024-0001": epss, "CVE-2023-9999": {Score: 0.0001}})
	return kb
}

func write(t testing.TB, kb *vuln.KB, c snapshot.Compression) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := snapshot.WriteWith(&buf, kb, snapshot.Options{Compression: c, Created: created}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// equalKB compares two knowledge bases: advisories in order, marks, and
// the vulnerability groups of every ID.
func equalKB(t *testing.T, want, got *vuln.KB) {
	t.Helper()
	if diff := cmp.Diff(want.Advisories(), got.Advisories()); diff != "" {
		t.Errorf("advisories (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.KEVEntries(), got.KEVEntries()); diff != "" {
		t.Errorf("KEV marks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.EPSSEntries(), got.EPSSEntries()); diff != "" {
		t.Errorf("EPSS marks (-want +got):\n%s", diff)
	}
	for _, a := range want.Advisories() {
		for _, id := range a.IDs() {
			if diff := cmp.Diff(want.IDs(id), got.IDs(id)); diff != "" {
				t.Errorf("IDs(%s) (-want +got):\n%s", id, diff)
			}
			if diff := cmp.Diff(want.KEV(want.IDs(id)), got.KEV(got.IDs(id))); diff != "" {
				t.Errorf("KEV(%s) (-want +got):\n%s", id, diff)
			}
			if diff := cmp.Diff(want.EPSS(want.IDs(id)), got.EPSS(got.IDs(id))); diff != "" {
				t.Errorf("EPSS(%s) (-want +got):\n%s", id, diff)
			}
		}
	}
}

func TestRoundTripEveryField(t *testing.T) {
	for _, c := range []snapshot.Compression{snapshot.None, snapshot.Gzip} {
		kb := everyField()
		data := write(t, kb, c)
		got, err := snapshot.Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("compression %d: %v", c, err)
		}
		equalKB(t, kb, got)
		for i, a := range got.Advisories() {
			// cmp compares times with Equal; the zone must survive too.
			for _, pair := range [][2]time.Time{{kb.Advisories()[i].Published, a.Published}, {kb.Advisories()[i].Modified, a.Modified}} {
				_, wantOff := pair[0].Zone()
				_, gotOff := pair[1].Zone()
				if wantOff != gotOff {
					t.Errorf("%s: zone offset %d, want %d", a.ID, gotOff, wantOff)
				}
			}
		}
		h, err := snapshot.ReadHeader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		want := snapshot.Header{Version: snapshot.Version, Compression: c, Created: created, Advisories: 3, KEV: 2, EPSS: 2,
			PayloadSize: int64(len(data) - headerSize), RawSize: h.RawSize}
		if diff := cmp.Diff(want, h); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		if c == snapshot.None && h.RawSize != h.PayloadSize {
			t.Errorf("raw size %d, payload %d", h.RawSize, h.PayloadSize)
		}
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	if !bytes.Equal(write(t, everyField(), snapshot.None), write(t, everyField(), snapshot.None)) {
		t.Error("two snapshots of the same knowledge base differ")
	}
}

// TestRoundTripRealData round-trips a knowledge base of the shared OSV,
// NVD, KEV and CSAF data.
func TestRoundTripRealData(t *testing.T) {
	kb := realKB(t)
	if kb.Len() < 8000 || kb.KEVCount() < 1000 {
		t.Fatalf("real data: %d advisories, %d KEV marks; want the shared data", kb.Len(), kb.KEVCount())
	}
	for _, c := range []snapshot.Compression{snapshot.None, snapshot.Gzip} {
		got, err := snapshot.Read(bytes.NewReader(write(t, kb, c)))
		if err != nil {
			t.Fatalf("compression %d: %v", c, err)
		}
		equalKB(t, kb, got)
	}
}

// realKB loads ../shared/data: OSV, NVD, KEV and CSAF, and EPSS marks made
// up for the KEV CVEs (the shared data holds no EPSS file).
func realKB(t testing.TB) *vuln.KB {
	t.Helper()
	kb := vuln.NewKB()
	paths := []string{realdata.Data(t, "osv"), realdata.Data(t, "nvd"), realdata.Data(t, "kev", "known_exploited_vulnerabilities.json"), realdata.Data(t, "csaf")}
	if _, _, err := feeds.Load(context.Background(), kb, paths, nil, nil); err != nil {
		t.Fatal(err)
	}
	epss := map[string]vuln.EPSS{}
	i := 0
	for id := range kb.KEVEntries() {
		epss[id] = vuln.EPSS{Score: float64(i%1000) / 1000, Percentile: float64(i%997) / 997, Date: "2025-08-25"}
		i++
	}
	kb.SetEPSS(epss)
	return kb
}

// resign fixes the payload length (when fix is set) and the checksum of a
// snapshot, so that a test or the fuzzer reaches what comes after them.
func resign(data []byte, fix bool) []byte {
	data = bytes.Clone(data)
	if len(data) < headerSize {
		return data
	}
	if fix {
		n := uint64(len(data) - headerSize)
		binary.BigEndian.PutUint64(data[payloadLenAt:], n)
		if data[13] == 0 {
			binary.BigEndian.PutUint64(data[rawLenAt:], n)
		}
	}
	sum := sha256.New()
	sum.Write(data[:sumAt])
	sum.Write(data[headerSize:])
	sum.Sum(data[sumAt:sumAt])
	return data
}

func TestReadErrors(t *testing.T) {
	good := write(t, everyField(), snapshot.None)
	zipped := write(t, everyField(), snapshot.Gzip)
	with := func(data []byte, at int, b ...byte) []byte {
		data = bytes.Clone(data)
		copy(data[at:], b)
		return data
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, snapshot.ErrTruncated},
		{"magic only", []byte("MEDVIGIL-KB"), snapshot.ErrTruncated},
		{"JSON", []byte(`{"id": "GHSA-x"}`), snapshot.ErrMagic},
		{"one byte wrong in the magic", with(good, 3, 'X'), snapshot.ErrMagic},
		{"version 3", with(good, 11, 0, 3), snapshot.ErrVersion},
		{"version 0", with(good, 11, 0, 0), snapshot.ErrVersion},
		{"header cut", good[:50], snapshot.ErrTruncated},
		{"payload cut", good[:len(good)-1], snapshot.ErrTruncated},
		{"trailing data", append(bytes.Clone(good), 0), snapshot.ErrCorrupt},
		{"payload changed", with(good, len(good)-1, good[len(good)-1]^1), snapshot.ErrChecksum},
		{"count changed", with(good, 29, 9), snapshot.ErrChecksum},
		{"count changed, checksum redone", resign(with(good, 29, 9), false), snapshot.ErrCorrupt},
		{"unknown compression, checksum redone", resign(with(good, 13, 7), false), snapshot.ErrCorrupt},
		{"gzip payload said to be plain, checksum redone", resign(with(zipped, 13, 0), true), snapshot.ErrCorrupt},
		{"plain payload said to be gzip, checksum redone", resign(with(good, 13, 1), false), snapshot.ErrCorrupt},
		{"raw size wrong, checksum redone", resign(with(zipped, rawLenAt+7, zipped[rawLenAt+7]+1), false), snapshot.ErrCorrupt},
		{"payload cut, lengths and checksum redone", resign(good[:len(good)-3], true), snapshot.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb, err := snapshot.Read(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Read = %v, want an error wrapping %q", err, tt.want)
			}
			if kb != nil {
				t.Error("Read returned a knowledge base with its error")
			}
			t.Log(err)
		})
	}
}

// TestEveryByteCorrupted flips one bit of every byte: the magic and the
// version give their errors, the payload length a truncation or trailing
// data, and every other byte fails the checksum.
func TestEveryByteCorrupted(t *testing.T) {
	for _, c := range []snapshot.Compression{snapshot.None, snapshot.Gzip} {
		good := write(t, everyField(), c)
		for i := range good {
			data := bytes.Clone(good)
			data[i] ^= 0x10
			_, err := snapshot.Read(bytes.NewReader(data))
			var want []error
			switch {
			case i < 11:
				want = []error{snapshot.ErrMagic}
			case i < 13:
				want = []error{snapshot.ErrVersion}
			case i >= payloadLenAt && i < rawLenAt:
				want = []error{snapshot.ErrTruncated, snapshot.ErrCorrupt}
			default:
				want = []error{snapshot.ErrChecksum}
			}
			ok := false
			for _, w := range want {
				ok = ok || errors.Is(err, w)
			}
			if !ok {
				t.Errorf("compression %d, byte %d changed: Read = %v, want %v", c, i, err, want)
			}
		}
		for n := range len(good) {
			if _, err := snapshot.Read(bytes.NewReader(good[:n])); !errors.Is(err, snapshot.ErrTruncated) {
				t.Errorf("compression %d, first %d bytes: Read = %v, want %v", c, n, err, snapshot.ErrTruncated)
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	good := write(f, everyField(), snapshot.None)
	zipped := write(f, everyField(), snapshot.Gzip)
	f.Add(writeV(f, everyField(), 2, snapshot.None, true), false)
	f.Add(good, false)
	f.Add(good, true)
	f.Add(zipped, true)
	f.Add(good[:headerSize+10], true)
	f.Add([]byte("MEDVIGIL-KB"), false)
	f.Fuzz(func(t *testing.T, data []byte, sign bool) {
		if sign {
			// Reach the decoder: make the lengths and checksum agree with
			// whatever the fuzzer wrote.
			data = resign(data, true)
		}
		// The lazy reader must not panic either, whatever it selects.
		if lz, err := snapshot.NewLazy(bytes.NewReader(data), int64(len(data))); err == nil {
			if _, err := lz.Select([]string{"", "p:npm/lodash", "c:x"}); err != nil {
				t.Log(err)
			}
		}
		kb, err := snapshot.Read(bytes.NewReader(data))
		if err != nil {
			if kb != nil {
				t.Fatal("Read returned a knowledge base with its error")
			}
			return
		}
		// What reads must write and read back the same.
		var buf bytes.Buffer
		if err := snapshot.WriteWith(&buf, kb, snapshot.Options{Created: created}); err != nil {
			t.Fatal(err)
		}
		again, err := snapshot.Read(&buf)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		// Floats keep their bits, NaN too, which only EquateNaNs sees as
		// equal.
		if diff := cmp.Diff(kb.Advisories(), again.Advisories(), cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
