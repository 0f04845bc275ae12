package cli

import (
	"fmt"
	"io"
	"time"
)

// progress draws "label i/n item" on stderr for work that has run longer than
// a second, so quick runs stay quiet and long ones show they are alive.
type progress struct {
	w       io.Writer
	label   string
	total   int
	start   time.Time
	last    time.Time
	shown   bool
	nowFunc func() time.Time
}

func newProgress(w io.Writer, label string, total int) *progress {
	now := time.Now()
	return &progress{w: w, label: label, total: total, start: now, nowFunc: time.Now}
}

// step reports that item i (1-based) is being worked on.
func (p *progress) step(i int, item string) {
	now := p.nowFunc()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.shown = true
	fmt.Fprintf(p.w, "\r%s %d/%d %s\033[K", p.label, i, p.total, item)
}

// done ends the progress line, if one was drawn.
func (p *progress) done() {
	if p.shown {
		fmt.Fprintf(p.w, "\r%s %d/%d done in %s\033[K\n", p.label, p.total, p.total, p.nowFunc().Sub(p.start).Round(time.Millisecond))
	}
}
