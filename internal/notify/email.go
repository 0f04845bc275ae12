package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"medvigil/internal/store"
)

// emailJob is one message to one recipient of one organization, listing every
// event that any of the recipient's subscriptions matched.
type emailJob struct {
	n     *Notifier
	org   int64
	to    string
	items []*mailItem
}

// mailItem is one event of a message and the subscriptions it is delivered
// for (each gets its own Delivery record).
type mailItem struct {
	p     parsed
	hooks []int64
}

func (j *emailJob) add(h store.Webhook, p parsed) {
	for _, it := range j.items {
		if it.p.ev.ID == p.ev.ID {
			if !slices.Contains(it.hooks, h.ID) {
				it.hooks = append(it.hooks, h.ID)
			}
			return
		}
	}
	j.items = append(j.items, &mailItem{p: p, hooks: []int64{h.ID}})
}

func (j *emailJob) run(ctx context.Context) error {
	n := j.n
	slices.SortStableFunc(j.items, func(a, b *mailItem) int { return compareItems(a.p, b.p) })
	rec := func(attempt int, o outcome) error {
		var errs []error
		for _, it := range j.items {
			for _, hid := range it.hooks {
				d := store.Delivery{OrgID: j.org, WebhookID: hid, EventID: it.p.ev.ID, Attempt: attempt, Status: o.status, Created: n.now()}
				if o.err != nil {
					d.Error = o.err.Error()
				}
				if err := n.record(ctx, d); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("notify: record e-mail deliveries: %w", errors.Join(errs...))
		}
		return nil
	}
	from, err := mail.ParseAddress(n.cfg.SMTP.From)
	if err == nil && n.cfg.SMTP.Host == "" {
		err = errors.New("no SMTP host configured")
	}
	if err != nil {
		err = fmt.Errorf("notify: e-mail to %s: sender %q: %w", j.to, n.cfg.SMTP.From, err)
		return errors.Join(err, rec(1, outcome{err: err}))
	}
	to, err := mail.ParseAddress(j.to)
	if err != nil {
		err = fmt.Errorf("notify: e-mail recipient %q: %w", j.to, err)
		return errors.Join(err, rec(1, outcome{err: err}))
	}
	ps := make([]parsed, len(j.items))
	for i, it := range j.items {
		ps[i] = it.p
	}
	msg, err := composeMessage(n.tmpl, from, to, ps, n.now(), newID())
	if err != nil {
		err = fmt.Errorf("notify: e-mail to %s: %w", to.Address, err)
		return errors.Join(err, rec(1, outcome{err: err}))
	}
	what := fmt.Sprintf("e-mail to %s (%d event(s))", to.Address, len(ps))
	try := func(ctx context.Context, _ int) outcome {
		return n.sendMail(ctx, from.Address, to.Address, msg)
	}
	return n.attempts(ctx, what, try, rec)
}

// compareItems orders a message: KEV first, then by severity, then by event.
func compareItems(a, b parsed) int {
	if a.fe.KEV != b.fe.KEV {
		if a.fe.KEV {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(severityRank(b.fe.Severity), severityRank(a.fe.Severity)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.fe.CVSS, a.fe.CVSS); c != 0 {
		return c
	}
	return cmp.Compare(a.ev.ID, b.ev.ID)
}

// headline is the one-line description of an event used in subjects and
// headings: "KEV CVE-2021-44228 affects Infusion Pump 2.1".
func headline(p parsed) string {
	if !p.ok || p.fe.VulnID == "" {
		return strings.TrimSpace(p.ev.Type + " " + p.ev.Subject)
	}
	fe := p.fe
	target := strings.TrimSpace(fe.ProductName + " " + fe.VersionName)
	if target == "" {
		target = strings.TrimSpace(fe.ComponentName + " " + fe.ComponentVersion)
	}
	if p.ev.Type == EventFindingResolved || fe.Status == store.StatusResolved {
		return fmt.Sprintf("Resolved: %s no longer affects %s", fe.VulnID, target)
	}
	label := ""
	switch {
	case fe.KEV:
		label = "KEV "
	case severityRank(fe.Severity) > 0:
		s := strings.ToLower(fe.Severity)
		label = strings.ToUpper(s[:1]) + s[1:] + " "
	}
	h := fmt.Sprintf("%s%s affects %s", label, fe.VulnID, target)
	if p.ev.Type == EventFindingChanged {
		h += " (changed)"
	}
	return h
}

// subject is the Subject of a message of several events.
func subject(ps []parsed) string {
	s := "[medvigil] " + headline(ps[0])
	if len(ps) > 1 {
		s += fmt.Sprintf(" and %d more", len(ps)-1)
	}
	return oneLine(s, 200)
}

// oneLine removes control characters (no header injection) and shortens s to
// at most n runes.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// advice says what to do about a finding.
func advice(p parsed) []string {
	fe := p.fe
	if p.ev.Type == EventFindingResolved || fe.Status == store.StatusResolved {
		return []string{"Nothing is needed for this version: the vulnerability no longer applies (fixed, or the component was removed). Close any open ticket and update advisories you published."}
	}
	var a []string
	if fe.KEV {
		a = append(a, "It is exploited in the wild (CISA Known Exploited Vulnerabilities catalog): treat it as urgent.")
	}
	comp := strings.TrimSpace(fe.ComponentName)
	if comp == "" {
		comp = "the component"
	}
	if len(fe.FixedVersions) > 0 {
		a = append(a, fmt.Sprintf("Upgrade %s to a fixed version (%s): manufacturers ship it in an update of %s; hospitals ask the manufacturer for that update.", comp, strings.Join(fe.FixedVersions, ", "), cmp.Or(strings.TrimSpace(fe.ProductName), "the product")))
	} else {
		a = append(a, fmt.Sprintf("No fixed version of %s is known: assess whether the device is exploitable, apply compensating controls (network segmentation, disabling the affected service) and watch the advisory.", comp))
	}
	a = append(a, "Record your assessment (VEX) so customers and hospitals know whether they are affected.")
	return a
}

// mailView is what the templates render for one event.
type mailView struct {
	Headline  string
	Severity  string
	CVSS      string
	KEV       bool
	EPSS      string
	VulnID    string
	Aliases   string
	Summary   string
	Product   string
	Component string
	PURL      string
	Fixed     string
	Status    string
	Time      string
	URL       string
	Advice    []string
	Generic   bool // not a finding event
	Type      string
	Subject   string
}

func view(p parsed) mailView {
	v := mailView{Headline: headline(p), Type: p.ev.Type, Subject: p.ev.Subject, Generic: !p.ok || p.fe.VulnID == ""}
	if v.Generic {
		return v
	}
	fe := p.fe
	v.Severity = strings.ToLower(cmp.Or(fe.Severity, "unknown"))
	if fe.CVSS > 0 {
		v.CVSS = strconv.FormatFloat(fe.CVSS, 'f', 1, 64)
	}
	v.KEV = fe.KEV
	if fe.EPSS > 0 {
		v.EPSS = strconv.FormatFloat(fe.EPSS*100, 'f', 1, 64) + "%"
	}
	v.VulnID = fe.VulnID
	v.Aliases = strings.Join(fe.Aliases, ", ")
	v.Summary = fe.Summary
	v.Product = strings.TrimSpace(fe.ProductName + " " + fe.VersionName)
	v.Component = strings.TrimSpace(fe.ComponentName + " " + fe.ComponentVersion)
	v.PURL = fe.ComponentPURL
	v.Fixed = strings.Join(fe.FixedVersions, ", ")
	v.Status = fe.Status
	if !fe.Time.IsZero() {
		v.Time = fe.Time.UTC().Format(time.RFC3339)
	}
	if strings.HasPrefix(fe.URL, "https://") || strings.HasPrefix(fe.URL, "http://") {
		v.URL = fe.URL
	}
	v.Advice = advice(p)
	return v
}

func textBody(vs []mailView) string {
	var b strings.Builder
	if len(vs) == 1 {
		b.WriteString("medvigil found a change in the risk of one of your products.\n\n")
	} else {
		fmt.Fprintf(&b, "medvigil found %d changes in the risk of your products, most urgent first.\n\n", len(vs))
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("\n----------------------------------------\n\n")
		}
		b.WriteString(v.Headline + "\n")
		if v.Generic {
			fmt.Fprintf(&b, "  %-15s %s\n", "Event:", v.Type)
			continue
		}
		line := func(k, val string) {
			if val != "" {
				fmt.Fprintf(&b, "  %-15s %s\n", k+":", val)
			}
		}
		line("Vulnerability", v.VulnID)
		line("Aliases", v.Aliases)
		sev := v.Severity
		if v.CVSS != "" {
			sev += " (CVSS " + v.CVSS + ")"
		}
		line("Severity", sev)
		if v.KEV {
			line("KEV", "yes, known exploited (CISA)")
		}
		line("EPSS", v.EPSS)
		line("Product", v.Product)
		line("Component", v.Component)
		line("purl", v.PURL)
		line("Fixed in", v.Fixed)
		line("Status", v.Status)
		line("Seen", v.Time)
		if v.Summary != "" {
			b.WriteString("\n  " + v.Summary + "\n")
		}
		b.WriteString("\n  What to do:\n")
		for _, a := range v.Advice {
			b.WriteString("  - " + a + "\n")
		}
		line("Details", v.URL)
	}
	b.WriteString("\n-- \nYou receive this because of a notification subscription in medvigil.\nAn administrator of your organization can change or delete it.\n")
	return b.String()
}

const htmlTemplate = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; line-height: 1.4">
<p>{{if eq (len .Items) 1}}medvigil found a change in the risk of one of your products.{{else}}medvigil found {{len .Items}} changes in the risk of your products, most urgent first.{{end}}</p>
{{range .Items}}<h2 style="font-size: 1.1em">{{.Headline}}</h2>
{{if .Generic}}<p>Event: {{.Type}}</p>{{else}}<table>
<tr><th align="left">Vulnerability</th><td>{{.VulnID}}{{if .Aliases}} ({{.Aliases}}){{end}}</td></tr>
<tr><th align="left">Severity</th><td>{{.Severity}}{{if .CVSS}} (CVSS {{.CVSS}}){{end}}</td></tr>
{{if .KEV}}<tr><th align="left">KEV</th><td><strong>yes, known exploited (CISA)</strong></td></tr>{{end}}
{{if .EPSS}}<tr><th align="left">EPSS</th><td>{{.EPSS}}</td></tr>{{end}}
<tr><th align="left">Product</th><td>{{.Product}}</td></tr>
<tr><th align="left">Component</th><td>{{.Component}}{{if .PURL}} <code>{{.PURL}}</code>{{end}}</td></tr>
{{if .Fixed}}<tr><th align="left">Fixed in</th><td>{{.Fixed}}</td></tr>{{end}}
<tr><th align="left">Status</th><td>{{.Status}}</td></tr>
</table>
{{if .Summary}}<p>{{.Summary}}</p>{{end}}
<p><strong>What to do</strong></p>
<ul>{{range .Advice}}<li>{{.}}</li>{{end}}</ul>
{{if .URL}}<p><a href="{{.URL}}">Open the finding in medvigil</a></p>{{end}}{{end}}
{{end}}<hr><p style="color: #666; font-size: 0.9em">You receive this because of a notification subscription in medvigil. An administrator of your organization can change or delete it.</p>
</body></html>
`

// parseMailTemplate parses the HTML template. It is a constant, so New may
// panic on an error (a programmer error found at start-up).
func parseMailTemplate() *template.Template {
	return template.Must(template.New("mail").Parse(htmlTemplate))
}

func htmlBody(t *template.Template, title string, vs []mailView) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, struct {
		Title string
		Items []mailView
	}{title, vs}); err != nil {
		return "", fmt.Errorf("render mail: %w", err)
	}
	return b.String(), nil
}

// composeMessage writes an RFC 5322 message with a multipart/alternative body
// (RFC 2046): text/plain and text/html, both UTF-8 and quoted-printable, so
// every line stays short and 7-bit. Non-ASCII header text is encoded as
// RFC 2047 encoded words.
func composeMessage(t *template.Template, from, to *mail.Address, ps []parsed, now time.Time, id string) ([]byte, error) {
	vs := make([]mailView, len(ps))
	for i, p := range ps {
		vs[i] = view(p)
	}
	subj := subject(ps)
	html, err := htmlBody(t, subj, vs)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	domain := "medvigil.invalid"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 && at < len(from.Address)-1 {
		domain = from.Address[at+1:]
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	hdr := []struct{ k, v string }{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", subj)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", fmt.Sprintf("<%s.%s@%s>", strings.ReplaceAll(id, "-", ""), hex.EncodeToString(rnd[:]), domain)},
		{"MIME-Version", "1.0"},
		{"Auto-Submitted", "auto-generated"}, // RFC 3834: no auto-replies
		{"X-Auto-Response-Suppress", "All"},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})},
	}
	if len(ps) == 1 {
		hdr = append(hdr, struct{ k, v string }{HeaderEvent, mime.QEncoding.Encode("utf-8", oneLine(ps[0].ev.Type, 100))})
	}
	var head bytes.Buffer
	for _, h := range hdr {
		head.WriteString(fold(h.k+": "+h.v) + "\r\n")
	}
	head.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{
		{"text/plain; charset=utf-8", textBody(vs)},
		{"text/html; charset=utf-8", html},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("write mime part: %w", err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(part.body)); err != nil {
			return nil, fmt.Errorf("write mime part: %w", err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("write mime part: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("write mime message: %w", err)
	}
	return append(head.Bytes(), buf.Bytes()...), nil
}

// fold breaks a header line at spaces so that lines stay under 78 characters
// where possible (RFC 5322 section 2.2.3). Encoded words (RFC 2047) are at
// most 75 characters and separated by spaces, so an encoded header always
// folds below the hard limit of 998.
func fold(line string) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Split(line, " ") {
		if i > 0 {
			if n+1+len(w) > 76 && n > 0 {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
