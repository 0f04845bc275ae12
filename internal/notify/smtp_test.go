package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"medvigil/internal/store"
)

// received is one message the test server accepted.
type received struct {
	from string
	to   []string
	data []byte
	user string // authenticated user
	tls  bool
	helo string
}

// mailServer is an in-process SMTP server (emersion/go-smtp) on 127.0.0.1:0
// with AUTH PLAIN. rcptErr and dataErrs make it refuse.
type mailServer struct {
	mu       sync.Mutex
	msgs     []received
	rcptErr  error
	dataErrs []error // returned by the first Data calls, in order
	user     string
	password string
	host     string
	port     int
}

type mailSession struct {
	srv *mailServer
	cur received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.user || password != s.srv.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.cur.user = username
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.cur.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.rcptErr != nil {
		return s.srv.rcptErr
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if len(s.srv.dataErrs) > 0 {
		err := s.srv.dataErrs[0]
		s.srv.dataErrs = s.srv.dataErrs[1:]
		return err
	}
	m := s.cur
	m.data = b
	s.srv.msgs = append(s.srv.msgs, m)
	return nil
}

func (s *mailSession) Reset()        { s.cur = received{user: s.cur.user, tls: s.cur.tls, helo: s.cur.helo} }
func (s *mailSession) Logout() error { return nil }

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.msgs...)
}

// startMailServer serves SMTP on 127.0.0.1:0. mode TLSStartTLS offers
// STARTTLS with a fresh self-signed certificate; TLSImplicit speaks TLS from
// the start; TLSNone is plain text (AUTH allowed without TLS, for the test).
func startMailServer(t *testing.T, mode TLSMode, configure func(*mailServer)) *mailServer {
	t.Helper()
	ms := &mailServer{user: "alerts", password: "pässwörd"}
	if configure != nil {
		configure(ms)
	}
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &mailSession{srv: ms, cur: received{tls: isTLS, helo: c.Hostname()}}, nil
	})
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = testLogger{t}
	var l net.Listener
	var err error
	switch mode {
	case TLSNone:
		srv.AllowInsecureAuth = true
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case TLSStartTLS:
		srv.TLSConfig = selfSigned(t)
		l, err = net.Listen("tcp", "127.0.0.1:0")
	case TLSImplicit:
		srv.TLSConfig = selfSigned(t)
		l, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l) //nolint:errcheck // returns when closed
	t.Cleanup(func() { srv.Close() })
	addr := l.Addr().(*net.TCPAddr)
	ms.host, ms.port = "127.0.0.1", addr.Port
	return ms
}

type testLogger struct{ t *testing.T }

func (l testLogger) Printf(format string, v ...any) { l.t.Logf("smtp server: "+format, v...) }
func (l testLogger) Println(v ...any)               { l.t.Log(append([]any{"smtp server:"}, v...)...) }

// selfSigned makes a TLS certificate for 127.0.0.1, generated for the test.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "medvigil test mail server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func mailNotifier(ms *mailServer, mode TLSMode, rec Recorder, now func() time.Time) *Notifier {
	return New(Config{
		SMTP: SMTPConfig{
			Host: ms.host, Port: ms.port, Username: "alerts", Password: "pässwörd",
			From: "medvigil Alerts <alerts@medvigil.example>", Mode: mode, InsecureSkipVerify: true,
			Timeout: 10 * time.Second, HelloName: "medvigil.example",
		},
		Retry:    RetryPolicy{MaxAttempts: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		Recorder: rec,
		Now:      now,
	})
}

// parsedMail is a received message taken apart with net/mail and
// mime/multipart.
type parsedMail struct {
	header mail.Header
	parts  map[string]string // media type → decoded body
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	for i, line := range bytes.Split(data, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long (RFC 5322 limit 998)", i+1, len(line))
		}
		for _, c := range line {
			if c >= 0x80 {
				t.Fatalf("line %d has a non-ASCII byte: %q", i+1, line)
			}
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	pm := parsedMail{header: m.Header, parts: map[string]string{}}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var order []string
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		pt, pp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		if pp["charset"] != "utf-8" {
			t.Errorf("%s charset %q, want utf-8", pt, pp["charset"])
		}
		if cte := p.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("%s transfer encoding %q", pt, cte)
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("%s: quoted-printable: %v", pt, err)
		}
		pm.parts[pt] = string(b)
		order = append(order, pt)
	}
	// RFC 2046 section 5.1.4: the preferred (richest) alternative comes last.
	if diff := cmp.Diff([]string{"text/plain", "text/html"}, order); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	return pm
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode %q: %v", v, err)
	}
	return s
}

// TestEmailModes: one message per mode (plain, STARTTLS, implicit TLS), with
// AUTH PLAIN, parsed back and checked header by header.
func TestEmailModes(t *testing.T) {
	for _, mode := range []TLSMode{TLSNone, TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			ms := startMailServer(t, mode, nil)
			rec := &fakeRecorder{}
			clock := fixedClock()
			n := mailNotifier(ms, mode, rec, clock)
			hooks := []store.Webhook{{ID: 3, OrgID: 1, Email: "psirt@northwind.example", Active: true}}
			ev := findingEvent(t, 42, 1, EventFindingNew, nil)
			if err := n.Deliver(context.Background(), hooks, []store.Event{ev}); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			msgs := ms.messages()
			if len(msgs) != 1 {
				t.Fatalf("server got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.from != "alerts@medvigil.example" || !cmp.Equal(got.to, []string{"psirt@northwind.example"}) {
				t.Errorf("envelope from %q to %v", got.from, got.to)
			}
			if got.user != "alerts" {
				t.Errorf("authenticated as %q, want alerts", got.user)
			}
			if got.tls != (mode != TLSNone) {
				t.Errorf("TLS = %v in mode %s", got.tls, mode)
			}
			if got.helo != "medvigil.example" {
				t.Errorf("EHLO name %q", got.helo)
			}
			pm := parseMail(t, got.data)
			h := pm.header
			if s := decodeHeader(t, h.Get("Subject")); s != "[medvigil] KEV CVE-2021-44228 affects Infusion Pump 2.1" {
				t.Errorf("Subject = %q", s)
			}
			from, err := h.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Address != "alerts@medvigil.example" || from[0].Name != "medvigil Alerts" {
				t.Errorf("From = %v (%v)", from, err)
			}
			if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "psirt@northwind.example" {
				t.Errorf("To = %v (%v)", to, err)
			}
			if d, err := h.Date(); err != nil || !d.Equal(clock()) {
				t.Errorf("Date = %v (%v), want %v", d, err, clock())
			}
			if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@medvigil.example>") {
				t.Errorf("Message-ID = %q", id)
			}
			for k, want := range map[string]string{"MIME-Version": "1.0", "Auto-Submitted": "auto-generated", HeaderEvent: "finding.new"} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			text, html := pm.parts["text/plain"], pm.parts["text/html"]
			for _, want := range []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "critical (CVSS 10.0)", "known exploited", "94.4%",
				"Infusion Pump 2.1", "log4j-core 2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "2.15.0, 2.12.2",
				"What to do", "Upgrade log4j-core to a fixed version"} {
				if !strings.Contains(text, want) {
					t.Errorf("text part lacks %q:\n%s", want, text)
				}
				if !strings.Contains(html, want) {
					t.Errorf("HTML part lacks %q", want)
				}
			}
			if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "<li>") {
				t.Errorf("HTML part is not an HTML document:\n%s", html)
			}
			want := []store.Delivery{{ID: 1, OrgID: 1, WebhookID: 3, EventID: 42, Attempt: 1, Status: 250, Created: clock()}}
			if diff := cmp.Diff(want, rec.all()); diff != "" {
				t.Errorf("deliveries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEmailBatchAndEncoding: several events of one organization to one
// recipient (through two subscriptions) make one message, most urgent first;
// non-ASCII names are encoded and come back intact; HTML is escaped.
func TestEmailBatchAndEncoding(t *testing.T) {
	ms := startMailServer(t, TLSStartTLS, nil)
	rec := &fakeRecorder{}
	n := mailNotifier(ms, TLSStartTLS, rec, fixedClock())
	events := []store.Event{
		findingEvent(t, 1, 1, EventFindingNew, func(fe *FindingEvent) {
			fe.VulnID, fe.Severity, fe.KEV, fe.CVSS, fe.FixedVersions = "CVE-2024-0001", "medium", false, 5.3, nil
			fe.ProductName = "Pompe à perfusion <Évolution>"
		}),
		findingEvent(t, 2, 1, EventFindingNew, func(fe *FindingEvent) { fe.ProductName = "Pompe à perfusion <Évolution>" }),
		findingEvent(t, 3, 1, EventFindingResolved, func(fe *FindingEvent) {
			fe.VulnID, fe.Status, fe.KEV, fe.Severity = "CVE-2023-9999", store.StatusResolved, false, "high"
		}),
		findingEvent(t, 4, 2, EventFindingNew, nil), // another organization
	}
	hooks := []store.Webhook{
		{ID: 1, OrgID: 1, Email: "Safety@Hospital.example", Active: true},
		{ID: 2, OrgID: 1, Email: "safety@hospital.example", KEVOnly: true, Active: true}, // same recipient
		{ID: 3, OrgID: 2, Email: "safety@hospital.example", Active: true},                // same address, other org
	}
	if err := n.Deliver(context.Background(), hooks, events); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	msgs := ms.messages()
	if len(msgs) != 2 {
		t.Fatalf("server got %d messages, want 2 (one per organization)", len(msgs))
	}
	var org1 received
	for _, m := range msgs {
		if bytes.Contains(m.data, []byte("CVE-2024-0001")) {
			org1 = m
		} else if bytes.Contains(m.data, []byte("CVE-2023-9999")) {
			t.Errorf("organization 2's message lists organization 1's events")
		}
	}
	pm := parseMail(t, org1.data)
	subj := decodeHeader(t, pm.header.Get("Subject"))
	if want := "[medvigil] KEV CVE-2021-44228 affects Pompe à perfusion <Évolution> 2.1 and 2 more"; subj != want {
		t.Errorf("Subject = %q, want %q", subj, want)
	}
	if raw := pm.header.Get("Subject"); !strings.Contains(raw, "=?utf-8?") {
		t.Errorf("raw Subject %q is not RFC 2047 encoded", raw)
	}
	if pm.header.Get(HeaderEvent) != "" {
		t.Errorf("a message of several events names one event type")
	}
	text, html := pm.parts["text/plain"], pm.parts["text/html"]
	kev, med, res := strings.Index(text, "CVE-2021-44228"), strings.Index(text, "CVE-2024-0001"), strings.Index(text, "CVE-2023-9999")
	if !(kev >= 0 && kev < res && res < med) {
		t.Errorf("order KEV %d, resolved high %d, medium %d: want KEV, then by severity", kev, res, med)
	}
	for _, want := range []string{"3 changes", "Pompe à perfusion <Évolution> 2.1", "No fixed version of log4j-core is known", "no longer applies"} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q", want)
		}
	}
	if !strings.Contains(html, "Pompe à perfusion &lt;Évolution&gt;") || strings.Contains(html, "<Évolution>") {
		t.Errorf("HTML part does not escape the product name")
	}
	// One record per (subscription, event): hook 1 got all three, hook 2
	// (KEV only) the KEV one, hook 3 organization 2's event.
	type key struct{ hook, event int64 }
	got := map[key]int{}
	for _, d := range rec.all() {
		if d.Status != 250 || d.Attempt != 1 {
			t.Errorf("delivery %+v", d)
		}
		got[key{d.WebhookID, d.EventID}]++
	}
	want := map[key]int{{1, 1}: 1, {1, 2}: 1, {1, 3}: 1, {2, 2}: 1, {3, 4}: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
}

// TestEmailFailures: refusals are recorded with the SMTP code; 5xx is final,
// 4xx is retried.
func TestEmailFailures(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*mailServer)
		password  string
		statuses  []int
		ok        bool
		messages  int
	}{
		{
			name: "550 unknown recipient",
			configure: func(ms *mailServer) {
				ms.rcptErr = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
			},
			statuses: []int{550},
		},
		{
			name:     "535 bad password",
			password: "wrong",
			statuses: []int{535},
		},
		{
			name: "451 then accepted",
			configure: func(ms *mailServer) {
				ms.dataErrs = []error{&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}
			},
			statuses: []int{451, 250},
			ok:       true,
			messages: 1,
		},
		{
			name: "452 three times",
			configure: func(ms *mailServer) {
				e := &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "full"}
				ms.dataErrs = []error{e, e, e}
			},
			statuses: []int{452, 452, 452},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := startMailServer(t, TLSStartTLS, tc.configure)
			rec := &fakeRecorder{}
			n := mailNotifier(ms, TLSStartTLS, rec, fixedClock())
			if tc.password != "" {
				n.cfg.SMTP.Password = tc.password
			}
			err := n.Deliver(context.Background(), []store.Webhook{{ID: 3, OrgID: 1, Email: "x@northwind.example", Active: true}},
				[]store.Event{findingEvent(t, 42, 1, EventFindingNew, nil)})
			if (err == nil) != tc.ok {
				t.Errorf("Deliver: %v, want ok=%v", err, tc.ok)
			}
			var statuses []int
			for i, d := range rec.all() {
				statuses = append(statuses, d.Status)
				if d.Attempt != i+1 || d.WebhookID != 3 || d.EventID != 42 {
					t.Errorf("delivery %+v", d)
				}
				if (d.Status == 250) != (d.Error == "") {
					t.Errorf("delivery %+v: error text does not match status", d)
				}
				if d.Status >= 400 && !strings.Contains(d.Error, strconv.Itoa(d.Status)) {
					t.Errorf("error %q does not name the code", d.Error)
				}
			}
			if diff := cmp.Diff(tc.statuses, statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if got := len(ms.messages()); got != tc.messages {
				t.Errorf("server accepted %d messages, want %d", got, tc.messages)
			}
		})
	}
}

// TestEmailMisconfigured: problems on our side are recorded once, not retried.
func TestEmailMisconfigured(t *testing.T) {
	plain := startMailServer(t, TLSNone, nil)
	tests := []struct {
		name string
		mod  func(*SMTPConfig)
		hook string
		want string
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }, "a@b.example", "no SMTP host"},
		{"bad sender", func(c *SMTPConfig) { c.From = "not an address" }, "a@b.example", "sender"},
		{"bad recipient", nil, "not an address", "recipient"},
		{"server without STARTTLS", func(c *SMTPConfig) { c.Mode = TLSStartTLS }, "a@b.example", "STARTTLS"},
		{"unknown mode", func(c *SMTPConfig) { c.Mode = "ssl" }, "a@b.example", "unknown TLS mode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &fakeRecorder{}
			n := mailNotifier(plain, TLSNone, rec, fixedClock())
			if tc.mod != nil {
				tc.mod(&n.cfg.SMTP)
			}
			err := n.Deliver(context.Background(), []store.Webhook{{ID: 3, OrgID: 1, Email: tc.hook, Active: true}},
				[]store.Event{findingEvent(t, 42, 1, EventFindingNew, nil)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Deliver: %v, want an error containing %q", err, tc.want)
			}
			ds := rec.all()
			if len(ds) != 1 || ds[0].Status != 0 || !strings.Contains(ds[0].Error, tc.want) {
				t.Errorf("deliveries %+v, want one failed attempt", ds)
			}
		})
	}
}
