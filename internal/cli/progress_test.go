package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressQuietThenPlainLines(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(&buf, "loading", 3)
	p.start, p.nowFunc = now, func() time.Time { return now }
	p.step(1, "a")
	if buf.Len() != 0 {
		t.Fatalf("progress drawn before a second passed: %q", buf.String())
	}
	now = now.Add(2 * time.Second)
	p.step(2, "b")
	now = now.Add(time.Second)
	p.step(3, "c") // within 5 s of the last line: not drawn off a terminal
	p.done()
	want := "loading 2/3 b\nloading 3/3 done in 3s\n"
	if got := buf.String(); got != want {
		t.Errorf("progress = %q, want %q", got, want)
	}
	if strings.Contains(buf.String(), "\033") {
		t.Error("escape codes written to a non-terminal")
	}
}
