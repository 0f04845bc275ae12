package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sendMail makes one SMTP attempt: connect (TLS per Mode), EHLO, AUTH PLAIN
// when a username is set, MAIL, RCPT, DATA, QUIT. A 4xx reply or a network
// error may be retried; a 5xx reply (RFC 5321 section 4.2.1) may not.
func (n *Notifier) sendMail(ctx context.Context, from, to string, msg []byte) outcome {
	c := n.cfg.SMTP
	mode := c.Mode
	if mode == "" {
		mode = TLSStartTLS
	}
	port := c.Port
	if port == 0 {
		port = 587
		if mode == TLSImplicit {
			port = 465
		}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	addr := net.JoinHostPort(c.Host, strconv.Itoa(port))
	fail := func(step string, err error) outcome {
		o := outcome{err: fmt.Errorf("notify: smtp %s: %s: %w", addr, step, err), retry: ctx.Err() == nil}
		var se *smtp.SMTPError
		var certErr *tls.CertificateVerificationError
		switch {
		case errors.As(err, &se):
			o.status = se.Code
			o.retry = se.Code >= 400 && se.Code < 500
		case errors.As(err, &certErr):
			o.retry = false
		}
		return o
	}
	switch mode {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return outcome{err: fmt.Errorf("notify: smtp: unknown TLS mode %q (none, starttls or tls)", mode)}
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fail("connect", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() }) // cancellation and the session timeout
	defer stop()
	tlsConf := &tls.Config{ServerName: c.Host, InsecureSkipVerify: c.InsecureSkipVerify, MinVersion: tls.VersionTLS12}

	var cl *smtp.Client
	switch mode {
	case TLSImplicit:
		cl = smtp.NewClient(tls.Client(conn, tlsConf))
	case TLSStartTLS:
		cl, err = smtp.NewClientStartTLS(conn, tlsConf)
		if err != nil {
			conn.Close()
			o := fail("starttls", err)
			if o.status == 0 && !isNetErr(err) {
				o.retry = false // e.g. the server does not offer STARTTLS
			}
			return o
		}
	default:
		cl = smtp.NewClient(conn)
	}
	defer cl.Close()
	cl.CommandTimeout = timeout
	cl.SubmissionTimeout = timeout
	hello := c.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := cl.Hello(hello); err != nil {
		return fail("hello", err)
	}
	if c.Username != "" {
		if ok, _ := cl.Extension("AUTH"); !ok {
			return outcome{err: fmt.Errorf("notify: smtp %s: server offers no AUTH (is TLS needed?)", addr)}
		}
		if err := cl.Auth(sasl.NewPlainClient("", c.Username, c.Password)); err != nil {
			return fail("auth", err)
		}
	}
	if err := cl.SendMail(from, []string{to}, bytes.NewReader(msg)); err != nil {
		return fail("send", err)
	}
	if err := cl.Quit(); err != nil {
		// The message was accepted after DATA; a failed QUIT does not undo it.
		n.log.Warn("notify: smtp quit", "addr", addr, "err", err)
	}
	return outcome{status: 250}
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}
