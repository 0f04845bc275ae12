// Package kbsync downloads the vulnerability knowledge base from upstream
// into a local mirror directory that internal/feeds.Load reads: OSV all.zip
// archives per ecosystem, NVD CVE API 2.0 pages (a full pass once, then
// incremental lastModStartDate/lastModEndDate windows of at most 120 days),
// the CISA KEV catalog, FIRST EPSS scores and CSAF 2.0 advisories from
// trusted providers (CSAF 2.0 section 7: provider-metadata.json discovery,
// ROLIE feeds or directory index.txt/changes.csv, SHA-256/SHA-512 and
// detached OpenPGP signatures checked before a document is stored).
//
// Every download goes to a temp file under <dir>/.tmp (a folder feeds.Load
// skips), is validated, then renamed into place, so a crash never leaves a
// half-written file where feeds.Load reads. <dir>/sync-state.json, written
// atomically, holds per-URL validators (ETag, Last-Modified) for conditional
// requests and per-source cursors, so a killed run resumes where it stopped.
//
// It may import internal/vuln and its readers (to validate what it stores),
// internal/csaf, internal/feeds, internal/input, the standard library and
// github.com/ProtonMail/go-crypto/openpgp.
package kbsync
