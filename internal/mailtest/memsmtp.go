package mailtest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPStage names the SMTP command a failure is injected at.
type SMTPStage string

// The stages at which SMTPServer can be told to fail.
const (
	StageMail SMTPStage = "MAIL"
	StageRcpt SMTPStage = "RCPT"
	StageData SMTPStage = "DATA"
)

// SMTPMessage is one message an SMTPServer accepted.
type SMTPMessage struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	// Raw is the message as the client sent it after DATA.
	Raw []byte
	// Header is Raw's header; MessageID its Message-ID without the angle brackets.
	Header    textproto.MIMEHeader
	MessageID string
	// At is when the server accepted the message (after the deliver hook and the delay).
	At time.Time
}

// SMTPServer is an in-process SMTP server (emersion/go-smtp) on 127.0.0.1 with a port of
// its own, for tests of what sends mail. It keeps every message it accepts and fails the
// commands a test tells it to. By default it offers no AUTH and no TLS and accepts mail
// from anyone; options (fixed when StartSMTP returns) add AUTH, TLS, delivery into a
// mailbox and a slow reply.
type SMTPServer struct {
	Host string // always Host (loopback)
	Port int
	Addr string // Host:Port

	// Set by options before the server starts, read-only afterwards.
	user, password string // AUTH PLAIN, when user is not ""
	oauthUser      string // XOAUTH2, when oauthToken is not ""
	oauthToken     string
	tlsMode        string // "", "starttls" or "tls"
	cert           tls.Certificate
	deliver        func(raw []byte) error
	delay          time.Duration

	arrived chan struct{} // signalled (without blocking) after each accepted message

	mu       sync.Mutex
	queued   map[SMTPStage][]*smtp.SMTPError // FailNext: one reply each, in order
	always   map[SMTPStage]*smtp.SMTPError   // FailAlways
	hello    error                           // FailHello
	received []SMTPMessage
	auths    int  // AUTH attempts, successful or not
	lastTLS  bool // whether the last session began over TLS
	sessions int  // sessions open now: begun and not yet logged out
}

// SMTPOption changes how StartSMTP sets the server up.
type SMTPOption func(*SMTPServer)

// SMTPAuthPlain makes the server offer AUTH PLAIN for user and password, and refuse MAIL
// (smtp.ErrAuthRequired) until a client has authenticated. Without TLS, AUTH is offered on the plain
// connection (go-smtp's AllowInsecureAuth); with TLS, only once the session is encrypted.
func SMTPAuthPlain(user, password string) SMTPOption {
	return func(s *SMTPServer) { s.user, s.password = user, password }
}

// SMTPXOAUTH2 makes the server offer XOAUTH2 (after PLAIN when both are set) and accept
// only the bearer token for user; like SMTPAuthPlain it makes MAIL require AUTH.
func SMTPXOAUTH2(user, token string) SMTPOption {
	return func(s *SMTPServer) { s.oauthUser, s.oauthToken = user, token }
}

// SMTPStartTLS makes the server offer STARTTLS with cert.
func SMTPStartTLS(cert tls.Certificate) SMTPOption {
	return func(s *SMTPServer) { s.tlsMode, s.cert = "starttls", cert }
}

// SMTPImplicitTLS makes the listener speak TLS with cert from the first byte.
func SMTPImplicitTLS(cert tls.Certificate) SMTPOption {
	return func(s *SMTPServer) { s.tlsMode, s.cert = "tls", cert }
}

// SMTPDeliverTo makes the server hand each message to deliver (for example
// MemIMAP.Deliver, to file it in an Inbox) before it answers DATA, as a server that
// delivers locally does. An error from deliver is answered 451 4.3.0 and the message is
// not kept.
func SMTPDeliverTo(deliver func(raw []byte) error) SMTPOption {
	return func(s *SMTPServer) { s.deliver = deliver }
}

// SMTPReplyDelay holds each answer to an accepted DATA back by d, after delivery: a
// client killed meanwhile leaves a message that was delivered but never acknowledged.
func SMTPReplyDelay(d time.Duration) SMTPOption {
	return func(s *SMTPServer) { s.delay = d }
}

// StartSMTP runs an SMTPServer until the test ends.
func StartSMTP(t testing.TB, opts ...SMTPOption) *SMTPServer {
	t.Helper()
	s := &SMTPServer{
		Host:    Host,
		arrived: make(chan struct{}, 1000),
		queued:  make(map[SMTPStage][]*smtp.SMTPError),
		always:  make(map[SMTPStage]*smtp.SMTPError),
	}
	for _, opt := range opts {
		opt(s)
	}
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = s.tlsMode == ""
	srv.ErrorLog = discardLog{}
	l, err := net.Listen("tcp", net.JoinHostPort(Host, "0"))
	if err != nil {
		t.Fatalf("mailtest: listen for SMTP: %v", err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	s.Addr = hostPort(s.Port)
	switch s.tlsMode {
	case "starttls":
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{s.cert}}
	case "tls":
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{s.cert}})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l) // returns when Close is called below
	}()
	t.Cleanup(func() {
		_ = srv.Close() // closes the listener and every connection; nothing to report
		<-done
	})
	return s
}

// FailNext makes the next len(errs) commands at stage get errs as replies, one each, in
// order; later ones are treated as usual. At DATA the message has been read by then.
func (s *SMTPServer) FailNext(stage SMTPStage, errs ...*smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queued[stage] = append(s.queued[stage], errs...)
}

// FailAlways makes every command at stage get err as its reply (after any FailNext
// replies are used up); nil ends that.
func (s *SMTPServer) FailAlways(stage SMTPStage, err *smtp.SMTPError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.always, stage)
		return
	}
	s.always[stage] = err
}

// FailHello makes the server answer EHLO and HELO with 451 4.0.0 and err's text, as a
// server too busy to take a session; nil ends that.
func (s *SMTPServer) FailHello(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hello = err
}

// Messages returns the messages accepted so far, oldest first.
func (s *SMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.received...)
}

// Arrived is signalled after each accepted message; a signal may stand for several.
func (s *SMTPServer) Arrived() <-chan struct{} { return s.arrived }

// WaitMessages waits until n messages have been accepted and returns them all; it fails
// the test after timeout.
func (s *SMTPServer) WaitMessages(t testing.TB, n int, timeout time.Duration) []SMTPMessage {
	t.Helper()
	deadline := time.After(Scaled(timeout))
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("%d messages after %v, want %d", len(s.Messages()), timeout, n)
		}
	}
}

// WaitNoSession waits until every session has ended (go-smtp ends one when
// its client quits or its connection breaks), so that a message a killed
// client was sending is either accepted or dropped for good; it fails the
// test after timeout (scaled).
func (s *SMTPServer) WaitNoSession(t testing.TB, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(Scaled(timeout))
	for {
		s.mu.Lock()
		n := s.sessions
		s.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d SMTP sessions still open after %v", n, Scaled(timeout))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// AuthAttempts is the number of AUTH commands so far, successful or not.
func (s *SMTPServer) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// LastSessionTLS reports whether the last session the server began was over TLS.
func (s *SMTPServer) LastSessionTLS() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastTLS
}

// failure is the reply injected for a command at stage, or nil.
func (s *SMTPServer) failure(stage SMTPStage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queued[stage]; len(q) > 0 {
		s.queued[stage] = q[1:]
		if q[0] == nil { // a nil in FailNext lets that one command through
			return nil
		}
		return q[0]
	}
	if err := s.always[stage]; err != nil {
		return err
	}
	return nil
}

func (s *SMTPServer) authRequired() bool { return s.user != "" || s.oauthToken != "" }

// accept keeps a message the session has read, after the deliver hook and the delay.
func (s *SMTPServer) accept(m SMTPMessage) error {
	if s.deliver != nil {
		if err := s.deliver(m.Raw); err != nil {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: err.Error()}
		}
	}
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(m.Raw))).ReadMIMEHeader()
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "bad header"}
	}
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	m.Header, m.MessageID, m.At = h, strings.Trim(h.Get("Message-Id"), "<>"), time.Now()
	s.mu.Lock()
	s.received = append(s.received, m)
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default:
	}
	return nil
}

type smtpBackend struct{ s *SMTPServer }

func (b smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	if b.s.hello != nil {
		return nil, b.s.hello
	}
	_, b.s.lastTLS = c.TLSConnectionState()
	b.s.sessions++
	return &smtpSession{s: b.s}, nil
}

// smtpSession is one client's session; go-smtp calls its methods from one goroutine.
type smtpSession struct {
	s      *SMTPServer
	authed bool
	cur    SMTPMessage
}

// AuthMechanisms lists what the options enabled; with none, AUTH is not advertised.
func (x *smtpSession) AuthMechanisms() []string {
	var mechs []string
	if x.s.user != "" {
		mechs = append(mechs, sasl.Plain)
	}
	if x.s.oauthToken != "" {
		mechs = append(mechs, "XOAUTH2")
	}
	return mechs
}

func (x *smtpSession) Auth(mech string) (sasl.Server, error) {
	x.s.mu.Lock()
	x.s.auths++
	x.s.mu.Unlock()
	switch {
	case mech == sasl.Plain && x.s.user != "":
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if user != x.s.user || pass != x.s.password {
				return smtp.ErrAuthFailed
			}
			x.authed = true
			return nil
		}), nil
	case mech == "XOAUTH2" && x.s.oauthToken != "":
		return xoauth2Server{x}, nil
	}
	return nil, smtp.ErrAuthUnsupported
}

// xoauth2Server checks the one XOAUTH2 message: user=...^Aauth=Bearer ...^A^A.
type xoauth2Server struct{ x *smtpSession }

func (o xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if resp == nil {
		return []byte{}, false, nil
	}
	if string(resp) != "user="+o.x.s.oauthUser+"\x01auth=Bearer "+o.x.s.oauthToken+"\x01\x01" {
		return nil, false, smtp.ErrAuthFailed
	}
	o.x.authed = true
	return nil, true, nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.authRequired() && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.cur = SMTPMessage{From: from}
	return x.s.failure(StageMail)
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := x.s.failure(StageRcpt); err != nil {
		return err
	}
	x.cur.To = append(x.cur.To, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := x.s.failure(StageData); err != nil {
		return err
	}
	m := x.cur
	m.Raw = raw
	return x.s.accept(m)
}

func (x *smtpSession) Reset() { x.cur = SMTPMessage{} }
func (x *smtpSession) Logout() error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.sessions--
	return nil
}

// discardLog silences go-smtp's reports of dropped connections, which tests cause on
// purpose.
type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}
