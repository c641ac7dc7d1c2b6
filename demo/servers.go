package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// loopback is where the demo's mail servers listen: never anywhere else.
const loopback = "127.0.0.1"

// postOffice is the owner's mail provider in miniature: an IMAP server
// (imapmemserver) with one account, and an SMTP server that files every
// message it accepts in that account's INBOX, both on loopback ports of
// their own. Every accepted message is also handed to the demo on arrived,
// so that it can show what the owner receives.
type postOffice struct {
	imapAddr, smtpAddr string

	user *imapmemserver.User
	now  func() time.Time // INTERNALDATE of filed messages: the demo's clock

	arrived chan []byte

	imapSrv        *imapserver.Server
	smtpSrv        *smtp.Server
	imapLn, smtpLn net.Listener
	done           chan struct{} // closed when both Serve calls have returned
}

// openPostOffice starts both servers; close stops them.
func openPostOffice(username, password string, now func() time.Time) (*postOffice, error) {
	p := &postOffice{
		user:    imapmemserver.NewUser(username, password),
		now:     now,
		arrived: make(chan []byte, 64),
		done:    make(chan struct{}),
	}
	if err := p.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("create demo inbox: %w", err)
	}
	mem := imapmemserver.New()
	mem.AddUser(p.user)
	p.imapSrv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true, // loopback only
		Logger:       log.New(io.Discard, "", 0),
	})
	imapLn, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
	if err != nil {
		return nil, fmt.Errorf("listen for demo IMAP: %w", err)
	}
	smtpLn, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("listen for demo SMTP: %w", err), imapLn.Close())
	}
	p.imapLn, p.smtpLn = imapLn, smtpLn
	p.imapAddr, p.smtpAddr = imapLn.Addr().String(), smtpLn.Addr().String()

	p.smtpSrv = smtp.NewServer(smtpBackend{p})
	p.smtpSrv.Domain = "localhost"
	p.smtpSrv.ReadTimeout, p.smtpSrv.WriteTimeout = 10*time.Second, 10*time.Second
	p.smtpSrv.ErrorLog = discardLog{}

	imapDone, smtpDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(imapDone)
		_ = p.imapSrv.Serve(imapLn) // returns once close closes it
	}()
	go func() {
		defer close(smtpDone)
		_ = p.smtpSrv.Serve(smtpLn) // returns once close closes it
	}()
	go func() {
		<-imapDone
		<-smtpDone
		close(p.done)
	}()
	return p, nil
}

// close stops both servers and waits for them.
func (p *postOffice) close() error {
	err := errors.Join(p.smtpSrv.Close(), p.imapSrv.Close())
	// A Serve that has not registered its listener yet would miss the
	// Close above and accept for ever: closing the listeners ends it too.
	// They may be closed already, so those errors say nothing.
	_ = p.imapLn.Close()
	_ = p.smtpLn.Close()
	<-p.done
	if err != nil {
		return fmt.Errorf("stop demo mail servers: %w", err)
	}
	return nil
}

// file puts raw into the INBOX, dated by the demo's clock.
func (p *postOffice) file(raw []byte) error {
	if _, err := p.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: p.now()}); err != nil {
		return fmt.Errorf("file message in demo inbox: %w", err)
	}
	return nil
}

// next waits for the next message the SMTP server accepts, up to wait.
func (p *postOffice) next(ctx context.Context, wait time.Duration, what string) ([]byte, error) {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case raw := <-p.arrived:
		return raw, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, fmt.Errorf("wait for %s: nothing arrived within %v", what, wait)
	}
}

type smtpBackend struct{ p *postOffice }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{p: b.p}, nil }

// smtpSession accepts mail from anyone to anyone: the server only listens
// on loopback and files everything in the one INBOX.
type smtpSession struct{ p *postOffice }

func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }

func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.p.file(raw); err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "cannot file the message"}
	}
	select {
	case s.p.arrived <- raw:
	default: // the demo reads every message it waits for; never block the server
	}
	return nil
}

// discardLog silences go-smtp's reports of connections the client closed.
type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}
