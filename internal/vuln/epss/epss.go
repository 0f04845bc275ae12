package epss

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// MaxSize is the most bytes Read takes from a file after decompression
// (1 GiB; a full day of scores is about 10 MiB uncompressed), so that a
// small gzip file cannot expand without bound.
const MaxSize = 1 << 30

// maxWarnings bounds the warnings Read returns; past it one more warning
// counts the rest.
const maxWarnings = 1000

// Scores is one day of EPSS scores.
type Scores struct {
	// ModelVersion is the model_version of the first line ("v2025.03.14");
	// empty when the file has no such line.
	ModelVersion string
	// Date is the day scored, YYYY-MM-DD, from the score_date of the first
	// line or else from a file name epss_scores-YYYY-MM-DD.csv[.gz]; empty
	// when neither gives it.
	Date string
	// Entries holds the scores by CVE ID; each has Date as its date.
	Entries map[string]vuln.EPSS
}

// Read reads EPSS scores from r; name is the file they came from, used in
// errors and warnings (and for the date when the file does not give it).
//
// The data may be gzip-compressed (recognised by its magic bytes 1f 8b,
// RFC 1952) and holds at most MaxSize bytes uncompressed. The first line may
// be a comment "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000";
// then comes a header naming the cve and epss columns (and percentile, as
// FIRST's files do), and one row per CVE. A file with no header row whose
// first row starts with a CVE ID is read as cve,epss,percentile.
//
// A row that cannot be used is skipped and reported among the warnings at
// its line and column: a wrong number of fields, a cve that is not a CVE ID,
// an epss or percentile that is not a number from 0 to 1, a CVE already
// scored (the first row is kept). At most 1,000 warnings are returned; one
// more then counts the rows left unreported.
//
// It fails, with an *input.Error naming name, when the data cannot be read
// (a broken gzip stream, more than MaxSize bytes) or is not EPSS scores (no
// header naming cve and epss).
func Read(name string, r io.Reader) (*Scores, []*input.Error, error) {
	return read(name, r, MaxSize)
}

// read is Read with a limit of max bytes (uncompressed).
func read(name string, r io.Reader, max int64) (*Scores, []*input.Error, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, &input.Error{File: name, Err: fmt.Errorf("epss: gzip: %w", err)}
		}
		defer gz.Close()
		br = bufio.NewReaderSize(&capped{r: gz, max: max, left: max}, 64<<10)
	} else {
		br = bufio.NewReaderSize(&capped{r: br, max: max, left: max}, 64<<10)
	}
	p := &parser{name: name, s: &Scores{Entries: make(map[string]vuln.EPSS)}}
	if err := p.read(br); err != nil {
		return nil, nil, err
	}
	if p.dropped > 0 {
		p.warnings = append(p.warnings, &input.Error{File: name, Err: fmt.Errorf("epss: %d more rows skipped", p.dropped)})
	}
	return p.s, p.warnings, nil
}

// capped reads from r and fails once more than left bytes were read.
type capped struct {
	r    io.Reader
	max  int64
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, c.tooLarge()
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, c.tooLarge()
	}
	return n, err
}

func (c *capped) tooLarge() error {
	return fmt.Errorf("more than %d bytes of data (uncompressed)", c.max)
}

type parser struct {
	name     string
	s        *Scores
	warnings []*input.Error
	dropped  int
	// lines is the number of lines read before the CSV reader started.
	lines int
}

func (p *parser) warn(line, column int, format string, args ...any) {
	if len(p.warnings) >= maxWarnings {
		p.dropped++
		return
	}
	p.warnings = append(p.warnings, input.AtLine(p.name, line, column, fmt.Errorf("epss: "+format, args...)))
}

// fatal wraps a read error; a fault of the input names its line.
func (p *parser) fatal(line int, err error) error {
	var ce *csv.ParseError
	if errors.As(err, &ce) {
		return input.AtLine(p.name, ce.Line+p.lines, ce.Column, fmt.Errorf("epss: %w", ce.Err))
	}
	if line > 0 {
		return input.AtLine(p.name, line, 0, fmt.Errorf("epss: %w", err))
	}
	return &input.Error{File: p.name, Err: fmt.Errorf("epss: %w", err)}
}

func (p *parser) read(br *bufio.Reader) error {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	if first, _ := br.Peek(1); len(first) == 1 && first[0] == '#' {
		line, err := br.ReadSlice('\n')
		comment := string(line)
		for errors.Is(err, bufio.ErrBufferFull) { // an overlong comment: keep its head
			_, err = br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return p.fatal(1, err)
		}
		p.lines = 1
		p.comment(comment)
	}
	if p.s.Date == "" {
		p.s.Date = dateFromName(p.name)
	}
	if p.s.Date == "" {
		p.warn(0, 0, "no score date: no #model_version,score_date line and no date in the file name")
	}

	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.Comment = '#'
	cr.TrimLeadingSpace = true

	cols := columns{cve: -1, epss: -1, percentile: -1}
	var header int // the number of fields of the header, 0 before it
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var ce *csv.ParseError
		if errors.As(err, &ce) && header > 0 {
			p.warn(ce.Line+p.lines, ce.Column, "%v; row skipped", ce.Err)
			continue
		}
		if err != nil {
			return p.fatal(0, err)
		}
		if header == 0 {
			var ok bool
			if cols, ok = headerColumns(rec); ok {
				header = len(rec)
				continue
			}
			if !isCVE(strings.TrimSpace(rec[0])) {
				line, _ := cr.FieldPos(0)
				return input.AtLine(p.name, line+p.lines, 1, fmt.Errorf("epss: not EPSS scores: the header %q names no cve and epss columns", strings.Join(rec, ",")))
			}
			cols, header = columns{cve: 0, epss: 1, percentile: 2}, 3
		}
		p.row(cr, rec, cols, header)
	}
	if header == 0 {
		return &input.Error{File: p.name, Err: errors.New("epss: not EPSS scores: no header row")}
	}
	return nil
}

// comment reads the first line "#model_version:v2023.03.01,score_date:2023-04-10T00:00:00+0000".
func (p *parser) comment(line string) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "#"))
	for part := range strings.SplitSeq(line, ",") {
		key, value, _ := strings.Cut(part, ":")
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "model_version":
			p.s.ModelVersion = value
		case "score_date":
			day, _, _ := strings.Cut(value, "T")
			if isDate(day) {
				p.s.Date = day
			} else {
				p.warn(1, 0, "score_date %q is not a date", value)
			}
		}
	}
}

// dateFromName returns the date of a FIRST file name
// epss_scores-YYYY-MM-DD.csv or .csv.gz, or "".
func dateFromName(name string) string {
	base := filepath.Base(name)
	base = strings.TrimSuffix(base, ".gz")
	base = strings.TrimSuffix(base, ".csv")
	day, ok := strings.CutPrefix(base, "epss_scores-")
	if !ok || !isDate(day) {
		return ""
	}
	return day
}

type columns struct{ cve, epss, percentile int }

// headerColumns finds the cve, epss and percentile columns of a header.
func headerColumns(rec []string) (columns, bool) {
	c := columns{cve: -1, epss: -1, percentile: -1}
	for i, h := range rec {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "cve":
			c.cve = i
		case "epss":
			c.epss = i
		case "percentile":
			c.percentile = i
		}
	}
	return c, c.cve >= 0 && c.epss >= 0
}

func (p *parser) row(cr *csv.Reader, rec []string, cols columns, fields int) {
	line, _ := cr.FieldPos(0)
	line += p.lines
	col := func(i int) int {
		_, c := cr.FieldPos(i)
		return c
	}
	if len(rec) != fields {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			return // a blank line of spaces
		}
		c := 1
		if len(rec) > fields {
			c = col(fields)
		}
		p.warn(line, c, "row has %d fields, want %d; row skipped", len(rec), fields)
		return
	}
	id := strings.TrimSpace(rec[cols.cve])
	if !isCVE(id) {
		p.warn(line, col(cols.cve), "%q is not a CVE ID; row skipped", rec[cols.cve])
		return
	}
	score, ok := probability(rec[cols.epss])
	if !ok {
		p.warn(line, col(cols.epss), "epss %q is not a number from 0 to 1; row skipped", rec[cols.epss])
		return
	}
	var pct float64
	if cols.percentile >= 0 {
		if pct, ok = probability(rec[cols.percentile]); !ok {
			p.warn(line, col(cols.percentile), "percentile %q is not a number from 0 to 1; row skipped", rec[cols.percentile])
			return
		}
	}
	if _, dup := p.s.Entries[id]; dup {
		p.warn(line, col(cols.cve), "%s is scored already; row skipped", id)
		return
	}
	p.s.Entries[strings.Clone(id)] = vuln.EPSS{Score: score, Percentile: pct, Date: p.s.Date}
}

// probability parses a number from 0 to 1.
func probability(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return 0, false
	}
	return v, true
}

// isCVE reports whether id is a CVE ID: "CVE-", a four-digit year, "-" and
// four to nineteen digits (CVE ID syntax since 2014).
func isCVE(id string) bool {
	rest, ok := strings.CutPrefix(id, "CVE-")
	if !ok || len(rest) < 9 || rest[4] != '-' {
		return false
	}
	return digits(rest[:4]) && len(rest[5:]) <= 19 && digits(rest[5:])
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isDate reports whether s is a calendar date written YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}

// Looks reports whether head, the first bytes of a file, looks like EPSS
// scores: gzip data (magic bytes 1f 8b), or text starting with
// "#model_version" or a "cve,epss" header.
func Looks(head []byte) bool {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return true
	}
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	return bytes.HasPrefix(head, []byte("#model_version")) ||
		len(head) >= len("cve,epss") && strings.EqualFold(string(head[:len("cve,epss")]), "cve,epss")
}
