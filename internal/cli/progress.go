package cli

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress draws "label i/n item" on stderr for work that has run longer than
// a second, so quick runs stay quiet and long ones show they are alive. On a
// terminal it redraws one line; elsewhere (logs, CI) it writes a plain line
// at most every five seconds.
type progress struct {
	w        io.Writer
	label    string
	total    int
	start    time.Time
	last     time.Time
	shown    bool
	terminal bool
	nowFunc  func() time.Time
}

func newProgress(w io.Writer, label string, total int) *progress {
	now := time.Now()
	return &progress{w: w, label: label, total: total, start: now, nowFunc: time.Now, terminal: isTerminal(w)}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// step reports that item i (1-based) is being worked on.
func (p *progress) step(i int, item string) {
	now := p.nowFunc()
	every := 200 * time.Millisecond
	if !p.terminal {
		every = 5 * time.Second
	}
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < every {
		return
	}
	p.last = now
	p.shown = true
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s %d/%d %s\033[K", p.label, i, p.total, item)
		return
	}
	fmt.Fprintf(p.w, "%s %d/%d %s\n", p.label, i, p.total, item)
}

// done ends the progress line, if one was drawn.
func (p *progress) done() {
	if !p.shown {
		return
	}
	if p.terminal {
		fmt.Fprint(p.w, "\r")
	}
	fmt.Fprintf(p.w, "%s %d/%d done in %s", p.label, p.total, p.total, p.nowFunc().Sub(p.start).Round(time.Millisecond))
	if p.terminal {
		fmt.Fprint(p.w, "\033[K")
	}
	fmt.Fprintln(p.w)
}
