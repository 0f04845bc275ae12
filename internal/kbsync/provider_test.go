package kbsync

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// fault kinds a test provider can give one document.
const (
	docGood     = ""
	docTampered = "tampered"  // bytes changed after hashing and signing
	docBadHash  = "bad-hash"  // .sha256 file of other bytes
	docOtherKey = "other-key" // signed by a key the provider does not list
)

type testDoc struct {
	file  string // source file (shared CSAF advisory)
	fault string
}

// provider is a CSAF trusted provider on an upstream, under
// /.well-known/csaf/, with ROLIE, changes.csv and index.txt listings.
type provider struct {
	u       *upstream
	variant string // "rolie", "changes" or "index"
	key     *openpgp.Entity
	entries []provEntry
}

type provEntry struct {
	path    string // URL path of the document
	updated time.Time
}

func newKey(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "test", name+"@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func armoredPublic(t testing.TB, e *openpgp.Entity) []byte {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

func sign(t testing.TB, e *openpgp.Entity, data []byte) []byte {
	var buf bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&buf, e, bytes.NewReader(data), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newProvider(t testing.TB, u *upstream, variant string, docs []testDoc) *provider {
	p := &provider{u: u, variant: variant, key: newKey(t, "provider")}
	other := newKey(t, "intruder")
	fpr := hex.EncodeToString(p.key.PrimaryKey.Fingerprint)
	u.set("/.well-known/csaf/openpgp/"+fpr+".asc", armoredPublic(t, p.key))
	for i, d := range docs {
		data := mustRead(t, d.file)
		year := filepath.Base(filepath.Dir(d.file))
		up := "/.well-known/csaf/white/" + year + "/" + filepath.Base(d.file)
		s256, s512 := sha256.Sum256(data), sha512.Sum512(data)
		h256 := hex.EncodeToString(s256[:]) + "  " + filepath.Base(d.file) + "\n"
		h512 := hex.EncodeToString(s512[:]) + "  " + filepath.Base(d.file) + "\n"
		sig := sign(t, p.key, data)
		body := data
		switch d.fault {
		case docTampered:
			body = bytes.Replace(data, []byte(`"csaf_version"`), []byte(` "csaf_version"`), 1)
		case docBadHash:
			o := sha256.Sum256(append(data, '\n'))
			h256 = hex.EncodeToString(o[:]) + "  " + filepath.Base(d.file) + "\n"
		case docOtherKey:
			sig = sign(t, other, data)
		}
		u.set(up, body)
		u.set(up+".sha256", []byte(h256))
		u.set(up+".sha512", []byte(h512))
		u.set(up+".asc", sig)
		p.entries = append(p.entries, provEntry{path: up, updated: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)})
	}
	p.publish(t, fpr)
	return p
}

// publish writes provider-metadata.json and the listings.
func (p *provider) publish(t testing.TB, fpr string) {
	base := p.u.url("/.well-known/csaf")
	dist := map[string]any{"directory_url": base + "/white/"}
	if p.variant == "rolie" {
		dist = map[string]any{"rolie": map[string]any{"feeds": []map[string]any{
			{"summary": "WHITE advisories", "tlp_label": "WHITE", "url": base + "/white/csaf-feed-tlp-white.json"},
		}}}
	}
	pmd, _ := json.MarshalIndent(map[string]any{
		"canonical_url":              base + "/provider-metadata.json",
		"distributions":              []any{dist},
		"last_updated":               "2026-11-25T00:00:00Z",
		"list_on_CSAF_aggregators":   true,
		"metadata_version":           "2.0",
		"mirror_on_CSAF_aggregators": true,
		"public_openpgp_keys":        []map[string]any{{"fingerprint": strings.ToUpper(fpr), "url": base + "/openpgp/" + fpr + ".asc"}},
		"publisher":                  map[string]any{"category": "coordinator", "name": "Test provider", "namespace": "https://example.com"},
		"role":                       "csaf_trusted_provider",
	}, "", "  ")
	p.u.set("/.well-known/csaf/provider-metadata.json", pmd)

	sorted := append([]provEntry(nil), p.entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].updated.After(sorted[j].updated) })
	switch p.variant {
	case "rolie":
		var entries []any
		for _, e := range sorted {
			u := p.u.url(e.path)
			entries = append(entries, map[string]any{
				"id": path.Base(e.path), "title": path.Base(e.path),
				"published": e.updated.Format(time.RFC3339), "updated": e.updated.Format(time.RFC3339),
				"link": []map[string]string{
					{"rel": "self", "href": u}, {"rel": "hash", "href": u + ".sha256"},
					{"rel": "hash", "href": u + ".sha512"}, {"rel": "signature", "href": u + ".asc"},
				},
				"content": map[string]string{"type": "application/json", "src": u},
				"format":  map[string]string{"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"},
			})
		}
		feed, _ := json.Marshal(map[string]any{"feed": map[string]any{
			"id": "test-white", "title": "WHITE advisories", "updated": sorted[0].updated.Format(time.RFC3339),
			"link":  []map[string]string{{"rel": "self", "href": base + "/white/csaf-feed-tlp-white.json"}},
			"entry": entries,
		}})
		p.u.set("/.well-known/csaf/white/csaf-feed-tlp-white.json", feed)
	default:
		var changes, index strings.Builder
		for _, e := range sorted {
			rel := strings.TrimPrefix(e.path, "/.well-known/csaf/white/")
			fmt.Fprintf(&changes, "%q,%q\n", rel, e.updated.Format(time.RFC3339))
			fmt.Fprintln(&index, rel)
		}
		if p.variant == "changes" {
			p.u.set("/.well-known/csaf/white/changes.csv", []byte(changes.String()))
		}
		p.u.set("/.well-known/csaf/white/index.txt", []byte(index.String()))
	}
}

// update re-publishes entry i as changed at t.
func (p *provider) update(t testing.TB, i int, at time.Time) {
	p.entries[i].updated = at
	p.publish(t, hex.EncodeToString(p.key.PrimaryKey.Fingerprint))
}
