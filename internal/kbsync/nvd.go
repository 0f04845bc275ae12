package kbsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"medvigil/internal/vuln/nvd"
)

// nvdTime formats a lastModStartDate/lastModEndDate value: extended
// ISO-8601 with milliseconds and an explicit UTC offset, as the NVD API 2.0
// documentation writes it.
func nvdTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000") + "+00:00"
}

// nvdDirTime names a window in a folder name.
func nvdDirTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// nvd mirrors the NVD CVE API 2.0. The first run pages through every CVE
// into nvd/full/; later runs ask for CVEs modified since the last completed
// pass, in windows of at most NVDMaxWindow, into
// nvd/modified/<start>_<end>/. After each page the cursor in the state
// file advances, so a killed run resumes at the page it stopped on.
func (s *syncer) nvd(ctx context.Context, res *SourceResult) error {
	hdr := http.Header{}
	if s.cfg.NVDAPIKey != "" {
		hdr.Set("apiKey", s.cfg.NVDAPIKey)
	}
	lim := newLimiter(s.cfg.NVDRate)
	var cur NVDCursor
	s.st.view(func(st *state) {
		cur = st.NVD
		if cur.Pass != nil {
			p := *cur.Pass
			cur.Pass = &p
		}
	})
	pass := cur.Pass
	if pass == nil {
		now := s.cfg.Now().UTC().Truncate(time.Millisecond)
		if cur.LastModEnd.IsZero() {
			pass = &NVDPass{Full: true, Started: now}
		} else {
			pass = &NVDPass{Started: now, End: now, WindowStart: cur.LastModEnd}
		}
		if err := s.savePass(pass); err != nil {
			return err
		}
	} else {
		s.log.Info("kbsync: resuming NVD pass", "full", pass.Full, "start_index", pass.StartIndex, "window_start", pass.WindowStart)
	}

	if pass.Full {
		if err := s.nvdPages(ctx, res, hdr, lim, pass, nil, "full"); err != nil {
			return err
		}
		return s.finishPass(pass.Started)
	}
	for pass.WindowStart.Before(pass.End) {
		end := pass.WindowStart.Add(s.cfg.NVDMaxWindow)
		if end.After(pass.End) {
			end = pass.End
		}
		q := url.Values{
			"lastModStartDate": {nvdTime(pass.WindowStart)},
			"lastModEndDate":   {nvdTime(end)},
		}
		dir := "modified/" + nvdDirTime(pass.WindowStart) + "_" + nvdDirTime(end)
		if err := s.nvdPages(ctx, res, hdr, lim, pass, q, dir); err != nil {
			return err
		}
		pass.WindowStart, pass.StartIndex = end, 0
		if err := s.savePass(pass); err != nil {
			return err
		}
	}
	return s.finishPass(pass.End)
}

// nvdPages fetches the pages of one query from pass.StartIndex on, saving
// the cursor after each page.
func (s *syncer) nvdPages(ctx context.Context, res *SourceResult, hdr http.Header, lim *limiter, pass *NVDPass, q url.Values, dir string) error {
	for {
		v := url.Values{}
		for k, x := range q {
			v[k] = x
		}
		v.Set("resultsPerPage", strconv.Itoa(s.cfg.NVDPageSize))
		v.Set("startIndex", strconv.Itoa(pass.StartIndex))
		u := s.cfg.NVDURL + "?" + v.Encode()
		rel := filepath.Join("nvd", filepath.FromSlash(dir), fmt.Sprintf("page-%09d.json", pass.StartIndex))
		var page *nvd.Page
		_, err := s.f.fetchFile(ctx, request{url: u, header: hdr, limiter: lim, max: s.cfg.MaxFile, res: res}, rel,
			func(name string) error {
				data, err := os.ReadFile(name)
				if err != nil {
					return err
				}
				if !nvd.Looks(data) {
					return errors.New("not an NVD CVE API 2.0 page")
				}
				page, _, err = nvd.DecodePage(name, data)
				return err
			})
		if err != nil {
			return fmt.Errorf("nvd: %w", err)
		}
		s.progress(SourceNVD, pass.StartIndex+page.ResultsPerPage, page.TotalResults, dir)
		next := pass.StartIndex + page.ResultsPerPage
		if page.ResultsPerPage <= 0 && next < page.TotalResults {
			res.warn(s.log, "nvd: empty page at startIndex %d of %d results; stopping this query", pass.StartIndex, page.TotalResults)
			next = page.TotalResults
		}
		pass.StartIndex = next
		if next >= page.TotalResults {
			return nil
		}
		if err := s.savePass(pass); err != nil {
			return err
		}
	}
}

func (s *syncer) savePass(p *NVDPass) error {
	c := *p
	return s.st.update(func(st *state) { st.NVD.Pass = &c })
}

func (s *syncer) finishPass(end time.Time) error {
	return s.st.update(func(st *state) { st.NVD = NVDCursor{LastModEnd: end} })
}
