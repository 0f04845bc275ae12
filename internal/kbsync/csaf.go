package kbsync

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"medvigil/internal/csaf"
)

// providerMetadata is the part of a CSAF provider-metadata.json (CSAF 2.0
// section 7.1.7) the sync reads.
type providerMetadata struct {
	CanonicalURL  string `json:"canonical_url"`
	Distributions []struct {
		DirectoryURL string `json:"directory_url"`
		Rolie        *struct {
			Feeds []struct {
				URL      string `json:"url"`
				TLPLabel string `json:"tlp_label"`
			} `json:"feeds"`
		} `json:"rolie"`
	} `json:"distributions"`
	PublicOpenPGPKeys []struct {
		Fingerprint string `json:"fingerprint"`
		URL         string `json:"url"`
	} `json:"public_openpgp_keys"`
}

// rolieFeed is the part of a ROLIE feed (CSAF 2.0 section 7.1.15) the
// sync reads.
type rolieFeed struct {
	Feed struct {
		Entry []struct {
			ID      string    `json:"id"`
			Updated time.Time `json:"updated"`
			Link    []struct {
				Rel  string `json:"rel"`
				Href string `json:"href"`
			} `json:"link"`
			Content struct {
				Src string `json:"src"`
			} `json:"content"`
		} `json:"entry"`
	} `json:"feed"`
}

// csafItem is one advisory a distribution lists.
type csafItem struct {
	url     string
	changed time.Time // zero when the listing gives no time (index.txt)
	hashes  []string  // hash file URLs (ROLIE rel=hash); empty: <url>.sha256 and <url>.sha512
	sig     string    // signature URL; empty: <url>.asc
}

// csaf mirrors every configured provider; one provider failing does not
// stop the next.
func (s *syncer) csaf(ctx context.Context, res *SourceResult) error {
	var errs []error
	for i, p := range s.cfg.CSAFProviders {
		s.progress(SourceCSAF, i, len(s.cfg.CSAFProviders), p)
		if err := s.csafProvider(ctx, res, p); err != nil {
			errs = append(errs, fmt.Errorf("csaf provider %s: %w", p, err))
			if ctx.Err() != nil {
				break
			}
		}
	}
	return errors.Join(errs...)
}

func (s *syncer) csafProvider(ctx context.Context, res *SourceResult, provider string) error {
	pmdURL, pmd, err := s.discover(ctx, res, provider)
	if err != nil {
		return err
	}
	u, _ := url.Parse(pmdURL)
	host := strings.NewReplacer(":", "_").Replace(u.Host)
	keys, err := s.providerKeys(ctx, res, pmdURL, pmd)
	if err != nil {
		return err
	}

	var cur CSAFCursor
	s.st.view(func(st *state) {
		if c := st.CSAF[host]; c != nil {
			cur.LastChange = c.LastChange
			cur.Docs = make(map[string]time.Time, len(c.Docs))
			for k, v := range c.Docs {
				cur.Docs[k] = v
			}
		}
	})
	if cur.Docs == nil {
		cur.Docs = map[string]time.Time{}
	}
	newest := cur.LastChange
	var errs []error
	for _, d := range pmd.Distributions {
		var lists []func() ([]csafItem, func() error, error)
		if d.Rolie != nil && len(d.Rolie.Feeds) > 0 {
			for _, f := range d.Rolie.Feeds {
				feedURL, err := resolve(pmdURL, f.URL)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				lists = append(lists, func() ([]csafItem, func() error, error) { return s.rolieItems(ctx, res, feedURL) })
			}
		} else if d.DirectoryURL != "" {
			dirURL, err := resolve(pmdURL, d.DirectoryURL)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			lists = append(lists, func() ([]csafItem, func() error, error) { return s.directoryItems(ctx, res, dirURL) })
		}
		for _, list := range lists {
			items, commit, err := list()
			if err != nil {
				errs = append(errs, err)
				continue
			}
			// A listing is committed (its validators kept for a conditional
			// request next time) only when every advisory in it was stored
			// or was already current, so rejected ones are tried again.
			failed, warned := false, len(res.Warnings)
			for i, it := range items {
				s.progress(SourceCSAF, i, len(items), it.url)
				if it.changed.After(newest) {
					newest = it.changed
				}
				if err := s.csafDocument(ctx, res, host, keys, it, cur.Docs); err != nil {
					errs = append(errs, err)
					failed = true
					if ctx.Err() != nil {
						return errors.Join(errs...)
					}
				}
			}
			if !failed && len(res.Warnings) == warned && commit != nil {
				if err := commit(); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return s.st.update(func(st *state) {
		c := st.CSAF[host]
		if c == nil {
			c = &CSAFCursor{Docs: map[string]time.Time{}}
			st.CSAF[host] = c
		}
		c.LastChange = newest
	})
}

// discover finds provider-metadata.json (CSAF 2.0 section 7.3.1): a URL
// ending in .json is taken as is; otherwise /.well-known/csaf/provider-
// metadata.json under the base, then the CSAF entries of its
// /.well-known/security.txt, then (for a bare domain)
// https://csaf.data.security.<domain>.
func (s *syncer) discover(ctx context.Context, res *SourceResult, provider string) (string, *providerMetadata, error) {
	var candidates []string
	base := strings.TrimSuffix(provider, "/")
	bare := !strings.Contains(base, "://")
	if bare {
		base = "https://" + base
	}
	if strings.HasSuffix(strings.ToLower(base), ".json") {
		candidates = []string{base}
	} else {
		candidates = append(candidates, base+"/.well-known/csaf/provider-metadata.json")
	}
	var errs []error
	try := func(u string) (*providerMetadata, bool) {
		data, _, err := s.f.fetchBytes(ctx, request{url: u, max: s.cfg.MaxFile, res: res})
		if err != nil {
			errs = append(errs, err)
			return nil, false
		}
		var pmd providerMetadata
		if err := json.Unmarshal(data, &pmd); err != nil || len(pmd.Distributions) == 0 {
			errs = append(errs, fmt.Errorf("%s: not a CSAF provider-metadata.json", u))
			return nil, false
		}
		return &pmd, true
	}
	for _, c := range candidates {
		if pmd, ok := try(c); ok {
			return c, pmd, nil
		}
	}
	if len(candidates) == 1 && !strings.HasSuffix(strings.ToLower(base), ".json") {
		if txt, _, err := s.f.fetchBytes(ctx, request{url: base + "/.well-known/security.txt", max: 1 << 20, res: res}); err == nil {
			for _, line := range strings.Split(string(txt), "\n") {
				k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
				if ok && strings.EqualFold(k, "CSAF") {
					if pmd, ok := try(strings.TrimSpace(v)); ok {
						return strings.TrimSpace(v), pmd, nil
					}
				}
			}
		}
		if bare {
			u := "https://csaf.data.security." + strings.TrimPrefix(base, "https://")
			if pmd, ok := try(u); ok {
				return u, pmd, nil
			}
		}
	}
	return "", nil, fmt.Errorf("no provider-metadata.json found: %w", errors.Join(errs...))
}

// providerKeys fetches the provider's public OpenPGP keys and keeps those
// whose fingerprint matches the one provider-metadata.json lists.
func (s *syncer) providerKeys(ctx context.Context, res *SourceResult, pmdURL string, pmd *providerMetadata) (openpgp.EntityList, error) {
	var keys openpgp.EntityList
	for _, k := range pmd.PublicOpenPGPKeys {
		u, err := resolve(pmdURL, k.URL)
		if err != nil {
			res.warn(s.log, "csaf: key %q: %v", k.URL, err)
			continue
		}
		data, _, err := s.f.fetchBytes(ctx, request{url: u, max: 1 << 20, res: res})
		if err != nil {
			res.warn(s.log, "csaf: key %s: %v", u, err)
			continue
		}
		ents, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
		if err != nil {
			ents, err = openpgp.ReadKeyRing(bytes.NewReader(data))
		}
		if err != nil {
			res.warn(s.log, "csaf: key %s: %v", u, err)
			continue
		}
		want := strings.ToLower(strings.ReplaceAll(k.Fingerprint, " ", ""))
		for _, e := range ents {
			got := hex.EncodeToString(e.PrimaryKey.Fingerprint)
			if want != "" && got != want {
				res.warn(s.log, "csaf: key %s has fingerprint %s, provider-metadata.json lists %s: not used", u, got, want)
				continue
			}
			keys = append(keys, e)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no usable public OpenPGP key in provider-metadata.json: advisories cannot be verified")
	}
	return keys, nil
}

// rolieItems reads one ROLIE feed. A feed not modified since the last
// completed sync yields nothing; commit records its validators once all
// its documents were handled.
func (s *syncer) rolieItems(ctx context.Context, res *SourceResult, feedURL string) ([]csafItem, func() error, error) {
	data, resp, commit, err := s.listing(ctx, res, feedURL)
	if err != nil || resp.status == http.StatusNotModified {
		return nil, nil, err
	}
	var feed rolieFeed
	if err := json.Unmarshal(data, &feed); err != nil {
		return nil, nil, fmt.Errorf("ROLIE feed %s: %w", feedURL, err)
	}
	var items []csafItem
	for _, e := range feed.Feed.Entry {
		it := csafItem{changed: e.Updated}
		src := e.Content.Src
		for _, l := range e.Link {
			switch l.Rel {
			case "self":
				if src == "" {
					src = l.Href
				}
			case "hash":
				if h, err := resolve(feedURL, l.Href); err == nil {
					it.hashes = append(it.hashes, h)
				}
			case "signature":
				if h, err := resolve(feedURL, l.Href); err == nil {
					it.sig = h
				}
			}
		}
		u, err := resolve(feedURL, src)
		if err != nil || src == "" {
			res.warn(s.log, "csaf: ROLIE feed %s: entry %q has no document URL", feedURL, e.ID)
			continue
		}
		it.url = u
		items = append(items, it)
	}
	return items, commit, nil
}

// directoryItems reads a directory distribution: changes.csv (path and
// time, CSAF 2.0 section 7.1.13), else index.txt (section 7.1.12).
func (s *syncer) directoryItems(ctx context.Context, res *SourceResult, dirURL string) ([]csafItem, func() error, error) {
	dirURL = strings.TrimSuffix(dirURL, "/") + "/"
	data, resp, commit, err := s.listing(ctx, res, dirURL+"changes.csv")
	var se *StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		return s.indexItems(ctx, res, dirURL)
	}
	if err != nil || resp.status == http.StatusNotModified {
		return nil, nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var items []csafItem
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%schanges.csv: %w", dirURL, err)
		}
		if len(rec) < 2 {
			res.warn(s.log, "csaf: %schanges.csv line %d: want path and time", dirURL, line)
			continue
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(rec[1]))
		if err != nil {
			res.warn(s.log, "csaf: %schanges.csv line %d: %v", dirURL, line, err)
			continue
		}
		u, err := resolve(dirURL, strings.TrimSpace(rec[0]))
		if err != nil {
			res.warn(s.log, "csaf: %schanges.csv line %d: %v", dirURL, line, err)
			continue
		}
		items = append(items, csafItem{url: u, changed: t})
	}
	return items, commit, nil
}

func (s *syncer) indexItems(ctx context.Context, res *SourceResult, dirURL string) ([]csafItem, func() error, error) {
	data, resp, commit, err := s.listing(ctx, res, dirURL+"index.txt")
	if err != nil || resp.status == http.StatusNotModified {
		return nil, nil, err
	}
	var items []csafItem
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		u, err := resolve(dirURL, line)
		if err != nil {
			res.warn(s.log, "csaf: %sindex.txt: %v", dirURL, err)
			continue
		}
		items = append(items, csafItem{url: u})
	}
	return items, commit, sc.Err()
}

// listing fetches a feed or index conditionally; commit stores the new
// validators (call it only when every listed document was handled, so a
// killed run lists them again).
func (s *syncer) listing(ctx context.Context, res *SourceResult, u string) ([]byte, response, func() error, error) {
	var v Validators
	s.st.view(func(st *state) { v = st.URLs[u] })
	data, resp, err := s.f.fetchBytes(ctx, request{url: u, max: s.cfg.MaxFile, res: res,
		conditional: v.ETag != "" || v.LastModified != "", validators: v})
	if err != nil {
		return nil, resp, nil, err
	}
	commit := func() error {
		return s.st.update(func(st *state) {
			if resp.validators.ETag == "" && resp.validators.LastModified == "" {
				delete(st.URLs, u)
				return
			}
			st.URLs[u] = resp.validators
		})
	}
	return data, resp, commit, nil
}

// csafDocument downloads one advisory with its hashes and signature,
// checks them and stores it. A document failing a check is not stored: it
// becomes a warning, not an error, so the rest of the feed continues.
func (s *syncer) csafDocument(ctx context.Context, res *SourceResult, host string, keys openpgp.EntityList, it csafItem, docs map[string]time.Time) error {
	u, err := url.Parse(it.url)
	if err != nil {
		res.warn(s.log, "csaf: %s: %v", it.url, err)
		return nil
	}
	p := strings.TrimPrefix(path.Clean("/"+u.Path), "/")
	p = strings.TrimPrefix(p, ".well-known/csaf/")
	if p == "" || !strings.HasSuffix(strings.ToLower(p), ".json") {
		res.warn(s.log, "csaf: %s: not a .json document URL; skipped", it.url)
		return nil
	}
	rel := path.Join("csaf", host, p)
	dest := filepath.Join(s.cfg.Dir, filepath.FromSlash(rel))
	if t, ok := docs[rel]; ok && exists(dest) && (it.changed.IsZero() || !it.changed.After(t)) {
		return nil
	}
	data, _, err := s.f.fetchBytes(ctx, request{url: it.url, max: s.cfg.MaxFile, res: res})
	if err != nil {
		return fmt.Errorf("csaf: %w", err)
	}
	if err := s.verify(ctx, res, keys, it, data); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		res.warn(s.log, "csaf: %s rejected: %v", it.url, err)
		return nil
	}
	if err := writeAtomic(dest, filepath.Join(s.cfg.Dir, tmpDir), data); err != nil {
		return err
	}
	res.FilesWritten++
	docs[rel] = it.changed
	return s.st.update(func(st *state) {
		c := st.CSAF[host]
		if c == nil {
			c = &CSAFCursor{}
			st.CSAF[host] = c
		}
		if c.Docs == nil {
			c.Docs = map[string]time.Time{}
		}
		c.Docs[rel] = it.changed
	})
}

// verify checks a document: it must be a CSAF 2.0 document, match every
// hash file the provider publishes (at least one of SHA-256 and SHA-512,
// CSAF 2.0 section 7.1.18) and carry a detached OpenPGP signature by one
// of the provider's keys (section 7.1.19).
func (s *syncer) verify(ctx context.Context, res *SourceResult, keys openpgp.EntityList, it csafItem, data []byte) error {
	if !csaf.Looks(data) {
		return errors.New("not a CSAF document")
	}
	if _, _, err := csaf.Decode(it.url, data); err != nil {
		return err
	}
	hashes := it.hashes
	if len(hashes) == 0 {
		hashes = []string{it.url + ".sha256", it.url + ".sha512"}
	}
	checked := 0
	for _, h := range hashes {
		var sum hash.Hash
		switch {
		case strings.HasSuffix(h, ".sha256"):
			sum = sha256.New()
		case strings.HasSuffix(h, ".sha512"):
			sum = sha512.New()
		default:
			continue
		}
		txt, _, err := s.f.fetchBytes(ctx, request{url: h, max: 4 << 10, res: res})
		var se *StatusError
		if errors.As(err, &se) && se.Status == http.StatusNotFound {
			continue
		}
		if err != nil {
			return fmt.Errorf("hash file: %w", err)
		}
		fields := strings.Fields(string(txt))
		if len(fields) == 0 {
			return fmt.Errorf("hash file %s is empty", h)
		}
		sum.Write(data)
		if got := hex.EncodeToString(sum.Sum(nil)); !strings.EqualFold(fields[0], got) {
			return fmt.Errorf("%s says %s, the document hashes to %s", path.Base(h), fields[0], got)
		}
		checked++
	}
	if checked == 0 {
		return errors.New("no .sha256 or .sha512 hash file")
	}
	sigURL := it.sig
	if sigURL == "" {
		sigURL = it.url + ".asc"
	}
	sig, _, err := s.f.fetchBytes(ctx, request{url: sigURL, max: 64 << 10, res: res})
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	if _, err := openpgp.CheckArmoredDetachedSignature(keys, bytes.NewReader(data), bytes.NewReader(sig), nil); err != nil {
		return fmt.Errorf("OpenPGP signature: %w", err)
	}
	return nil
}

func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}
