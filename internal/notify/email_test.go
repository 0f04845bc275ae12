package notify

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"strings"
	"testing"
	"time"

	"medvigil/internal/store"
)

// FuzzComposeMessage: whatever the event data, the message is 7-bit, has
// short lines and parses back (no header injection through product names).
func FuzzComposeMessage(f *testing.F) {
	f.Add([]byte(`{"vuln_id":"CVE-2021-44228","product_name":"Pompe à perfusion","kev":true,"severity":"critical"}`), "finding.new")
	f.Add([]byte(`{"vuln_id":"X\r\nBcc: a@b","product_name":"\u0000\u2028","summary":"<script>"}`), "finding.resolved")
	f.Add([]byte(`not json`), "sbom.imported\r\nX: y")
	from, _ := mail.ParseAddress("medvigil <alerts@medvigil.example>")
	to, _ := mail.ParseAddress("psirt@northwind.example")
	tmpl := parseMailTemplate()
	f.Fuzz(func(t *testing.T, data []byte, typ string) {
		ev := store.Event{ID: 1, OrgID: 1, Type: typ, Subject: "s", Data: json.RawMessage(data)}
		msg, err := composeMessage(tmpl, from, to, []parsed{parseEvent(ev)}, time.Unix(1_800_000_000, 0), newID())
		if err != nil {
			t.Fatalf("composeMessage: %v", err)
		}
		for _, line := range bytes.Split(msg, []byte("\r\n")) {
			if len(line) > 998 {
				t.Fatalf("line of %d bytes", len(line))
			}
			for _, c := range line {
				if c >= 0x80 || (c < 0x20 && c != '\t') {
					t.Fatalf("byte %#x in line %q", c, line)
				}
			}
		}
		m, err := mail.ReadMessage(bytes.NewReader(msg))
		if err != nil {
			t.Fatalf("net/mail: %v", err)
		}
		for k := range m.Header {
			switch k {
			case "From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type", "X-Medvigil-Event":
			default:
				t.Fatalf("unexpected header %q", k)
			}
		}
	})
}

func BenchmarkComposeMessage(b *testing.B) {
	from, _ := mail.ParseAddress("medvigil <alerts@medvigil.example>")
	to, _ := mail.ParseAddress("psirt@northwind.example")
	tmpl := parseMailTemplate()
	var ps []parsed
	for i := range 10 {
		ps = append(ps, parseEvent(findingEvent(b, int64(i+1), 1, EventFindingNew, nil)))
	}
	for b.Loop() {
		if _, err := composeMessage(tmpl, from, to, ps, time.Unix(1_800_000_000, 0), "id"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFold(t *testing.T) {
	long := "Subject: " + strings.Repeat("=?utf-8?q?=C3=A0=C3=A0=C3=A0=C3=A0?= ", 10)
	tests := []struct {
		name, in string
	}{
		{"short", "Subject: [medvigil] KEV CVE-2021-44228 affects Infusion Pump 2.1"},
		{"encoded words", strings.TrimSpace(long)},
		{"one long word", "X: " + strings.Repeat("a", 120)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fold(tc.in)
			if unfolded := strings.ReplaceAll(got, "\r\n", ""); unfolded != tc.in {
				t.Errorf("unfolded %q, want %q", unfolded, tc.in)
			}
			for _, line := range strings.Split(got, "\r\n") {
				if len(line) > 78 && strings.Contains(strings.TrimLeft(line, " "), " ") {
					t.Errorf("line %q could have been folded", line)
				}
			}
		})
	}
}
