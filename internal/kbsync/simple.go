package kbsync

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"medvigil/internal/vuln/epss"
	"medvigil/internal/vuln/kev"
)

// osv mirrors <OSVBase>/<ecosystem>/all.zip to osv/<ecosystem>/all.zip for
// each ecosystem; an archive is replaced only by one that reads as a zip
// with intact entries (every CRC checked).
func (s *syncer) osv(ctx context.Context, res *SourceResult) error {
	var errs []error
	for i, eco := range s.cfg.OSVEcosystems {
		s.progress(SourceOSV, i, len(s.cfg.OSVEcosystems), eco)
		if eco == "" || eco == "." || eco == ".." || strings.ContainsAny(eco, `/\`) {
			errs = append(errs, fmt.Errorf("osv: bad ecosystem name %q", eco))
			continue
		}
		u := strings.TrimSuffix(s.cfg.OSVBase, "/") + "/" + url.PathEscape(eco) + "/all.zip"
		_, err := s.f.fetchFile(ctx, request{url: u, max: s.cfg.MaxArchive, res: res, conditional: true},
			filepath.Join("osv", eco, "all.zip"), validateZip)
		if err != nil {
			errs = append(errs, fmt.Errorf("osv %s: %w", eco, err))
			if ctx.Err() != nil {
				break
			}
		}
	}
	s.progress(SourceOSV, len(s.cfg.OSVEcosystems), len(s.cfg.OSVEcosystems), "")
	return errors.Join(errs...)
}

// validateZip reads every entry of the archive at name, so a truncated or
// corrupt download (bad central directory, CRC mismatch) is refused.
func validateZip(name string) error {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return nil
}

// kev mirrors the KEV catalog to kev/known_exploited_vulnerabilities.json.
func (s *syncer) kev(ctx context.Context, res *SourceResult) error {
	s.progress(SourceKEV, 0, 1, s.cfg.KEVURL)
	_, err := s.f.fetchFile(ctx, request{url: s.cfg.KEVURL, max: s.cfg.MaxFile, res: res, conditional: true},
		filepath.Join("kev", "known_exploited_vulnerabilities.json"), func(name string) error {
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			if !kev.Looks(data) {
				return errors.New("not a KEV catalog")
			}
			_, _, err = kev.Decode(name, data)
			return err
		})
	s.progress(SourceKEV, 1, 1, "")
	return err
}

// epss mirrors the EPSS score file to epss/<file name of the URL>.
func (s *syncer) epss(ctx context.Context, res *SourceResult) error {
	s.progress(SourceEPSS, 0, 1, s.cfg.EPSSURL)
	u, err := url.Parse(s.cfg.EPSSURL)
	if err != nil {
		return fmt.Errorf("epss: %w", err)
	}
	base := path.Base(u.Path)
	if base == "/" || base == "." || base == "" {
		base = "epss_scores-current.csv.gz"
	}
	_, err = s.f.fetchFile(ctx, request{url: s.cfg.EPSSURL, max: s.cfg.MaxFile, res: res, conditional: true},
		filepath.Join("epss", base), func(name string) error {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			_, _, err = epss.Read(name, f)
			return err
		})
	s.progress(SourceEPSS, 1, 1, "")
	return err
}
