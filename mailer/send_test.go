package mailer

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
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/followupd/followupd/config"
)

const (
	testUser     = "alex"
	testPassword = "correct-horse-battery"
	testToken    = "ya29.test-token"
)

// backend is an in-process SMTP server's backend that records what it
// receives and fails where a test tells it to.
type backend struct {
	mu sync.Mutex
	// fail maps "MAIL", "RCPT" or "DATA" to the reply that command gets.
	fail      map[string]*smtp.SMTPError
	failHello error // makes the server answer EHLO with 451
	received  []received
	auths     int  // AUTH attempts, successful or not
	tlsSeen   bool // whether the last session ran over TLS
}

type received struct {
	from string
	to   []string
	data []byte
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failHello != nil {
		return nil, b.failHello
	}
	_, b.tlsSeen = c.TLSConnectionState()
	return &session{b: b}, nil
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.received...)
}

func (b *backend) authAttempts() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.auths
}

type session struct {
	b    *backend
	cur  received
	auth bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, "XOAUTH2"} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	s.b.mu.Lock()
	s.b.auths++
	s.b.mu.Unlock()
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if user != testUser || pass != testPassword {
				return smtp.ErrAuthFailed
			}
			s.auth = true
			return nil
		}), nil
	case "XOAUTH2":
		return xoauth2Server{s}, nil
	}
	return nil, smtp.ErrAuthUnsupported
}

// xoauth2Server checks the one XOAUTH2 message: user=...^Aauth=Bearer ...^A^A.
type xoauth2Server struct{ s *session }

func (x xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if resp == nil {
		return []byte{}, false, nil
	}
	if string(resp) != "user="+testUser+"\x01auth=Bearer "+testToken+"\x01\x01" {
		return nil, false, smtp.ErrAuthFailed
	}
	x.s.auth = true
	return nil, true, nil
}

func (s *session) check(cmd string) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if err := s.b.fail[cmd]; err != nil {
		return err
	}
	return nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	s.cur = received{from: from}
	return s.check("MAIL")
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.check("RCPT"); err != nil {
		return err
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.check("DATA"); err != nil {
		return err
	}
	s.cur.data = data
	s.b.mu.Lock()
	s.b.received = append(s.b.received, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// testCert is a self-signed certificate for 127.0.0.1 and the pool that trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "followupd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// startServer runs a go-smtp server on 127.0.0.1:0. mode is "none" (no TLS
// at all, STARTTLS not offered), "starttls" (offered) or "tls" (implicit).
func startServer(t *testing.T, be *backend, mode string, cert tls.Certificate) int {
	t.Helper()
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.AllowInsecureAuth = mode == "none"
	s.ErrorLog = discardLogger{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case "starttls":
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	case "tls":
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return l.Addr().(*net.TCPAddr).Port
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...interface{}) {}
func (discardLogger) Println(...interface{})        {}

// smtpConfig loads an [smtp] section the way the daemon does: from a config
// file that only its owner can read.
func smtpConfig(t *testing.T, port int, security, secret string) *config.SMTP {
	t.Helper()
	toml := fmt.Sprintf(`[owner]
email = "alex.morgan@example.org"
timezone = "America/New_York"

[smtp]
host = "127.0.0.1"
port = %d
security = %q
username = %q
%s
from = "followupd@example.org"
`, port, security, testUser, secret)
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.SMTP()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func password(p string) string { return fmt.Sprintf("password = %q", p) }

// quietLog collects the Sender's log lines, so a test can check that no
// secret reaches them.
func quietLog(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func testEmail(t *testing.T) Email {
	t.Helper()
	e, err := FollowUpCall(CallInput{Interview: acme(), Owner: testOwner(t), Notes: acmeNotes, Others: otherOpen(),
		Slot: slot, Now: callNow, Thread: testThread("send")})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestSendDelivers(t *testing.T) {
	cert, pool := testCert(t)
	for _, c := range []struct {
		name, security, secret string
		wantTLS                bool
	}{
		{"plain to loopback, AUTH PLAIN", "none", password(testPassword), false},
		{"mandatory STARTTLS", "starttls", password(testPassword), true},
		{"implicit TLS", "tls", password(testPassword), true},
		{"XOAUTH2 token from a command", "starttls", `oauth2_token_command = "echo ` + testToken + `"`, true},
		{"password from a command", "tls", `password_command = "printf '%s\n' ` + testPassword + `"`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			be := &backend{}
			port := startServer(t, be, c.security, cert)
			var logs bytes.Buffer
			s := NewSender(smtpConfig(t, port, c.security, c.secret), quietLog(&logs), WithTLSConfig(&tls.Config{RootCAs: pool}), WithTimeout(10*time.Second))
			e := testEmail(t)
			e.From = mail.Address{} // Send falls back on [smtp] from
			if err := s.Send(context.Background(), e); err != nil {
				t.Fatalf("send: %v", err)
			}
			e.From = mail.Address{Address: "followupd@example.org"}
			got := be.messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages", len(got))
			}
			if got[0].from != "followupd@example.org" || len(got[0].to) != 1 || got[0].to[0] != "alex.morgan@example.org" {
				t.Errorf("envelope from %q to %v", got[0].from, got[0].to)
			}
			want, err := e.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(normalizeBoundaries(got[0].data), normalizeBoundaries(want)) {
				t.Errorf("message not delivered intact:\n--- got ---\n%s\n--- want ---\n%s", got[0].data, want)
			}
			be.mu.Lock()
			tlsSeen := be.tlsSeen
			be.mu.Unlock()
			if tlsSeen != c.wantTLS {
				t.Errorf("session over TLS = %v, want %v", tlsSeen, c.wantTLS)
			}
			for _, secret := range []string{testPassword, testToken} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("a secret reached the log: %s", logs.String())
				}
			}
		})
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	cert, _ := testCert(t)
	for _, c := range []struct {
		name      string
		fail      map[string]*smtp.SMTPError
		failHello error
		password  string
		temporary bool
		code      int
	}{
		{name: "421 on MAIL", fail: map[string]*smtp.SMTPError{"MAIL": {Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "shutting down"}}, temporary: true, code: 421},
		{name: "451 on RCPT", fail: map[string]*smtp.SMTPError{"RCPT": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}, temporary: true, code: 451},
		{name: "451 on DATA", fail: map[string]*smtp.SMTPError{"DATA": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}, temporary: true, code: 451},
		{name: "550 on MAIL", fail: map[string]*smtp.SMTPError{"MAIL": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender refused"}}, code: 550},
		{name: "550 on RCPT", fail: map[string]*smtp.SMTPError{"RCPT": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}}, code: 550},
		{name: "554 on DATA", fail: map[string]*smtp.SMTPError{"DATA": {Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "rejected"}}, code: 554},
		{name: "451 on EHLO", failHello: errors.New("too busy"), temporary: true, code: 451},
		{name: "wrong password", password: "wrong-password", code: 535},
	} {
		t.Run(c.name, func(t *testing.T) {
			be := &backend{fail: c.fail, failHello: c.failHello}
			port := startServer(t, be, "none", cert)
			pw := testPassword
			if c.password != "" {
				pw = c.password
			}
			var logs bytes.Buffer
			s := NewSender(smtpConfig(t, port, "none", password(pw)), quietLog(&logs), WithTimeout(10*time.Second))
			err := s.Send(context.Background(), testEmail(t))
			if err == nil {
				t.Fatal("send succeeded")
			}
			t.Logf("error: %v", err)
			if got := IsTemporary(err); got != c.temporary {
				t.Errorf("IsTemporary = %v, want %v (%v)", got, c.temporary, err)
			}
			var se *SendError
			if !errors.As(err, &se) || se.Code != c.code {
				t.Errorf("code = %v, want %d (%v)", se, c.code, err)
			}
			if strings.Contains(err.Error(), pw) || strings.Contains(logs.String(), pw) {
				t.Errorf("the password reached the error or the log: %v", err)
			}
			if n := len(be.messages()); n != 0 {
				t.Errorf("server kept %d messages", n)
			}
		})
	}
}

func TestSendRefusesWithoutTLS(t *testing.T) {
	cert, pool := testCert(t)
	_, otherPool := testCert(t) // trusts some other certificate
	for _, c := range []struct {
		name, serverMode, security string
		pool                       *x509.CertPool
	}{
		{"mandatory STARTTLS, server does not offer it", "none", "starttls", pool},
		{"STARTTLS with a certificate nobody vouches for", "starttls", "starttls", otherPool},
		{"implicit TLS with a certificate nobody vouches for", "tls", "tls", otherPool},
	} {
		t.Run(c.name, func(t *testing.T) {
			be := &backend{}
			port := startServer(t, be, c.serverMode, cert)
			s := NewSender(smtpConfig(t, port, c.security, password(testPassword)), slog.New(slog.DiscardHandler),
				WithTLSConfig(&tls.Config{RootCAs: c.pool, InsecureSkipVerify: true}), WithTimeout(10*time.Second))
			err := s.Send(context.Background(), testEmail(t))
			if err == nil {
				t.Fatal("send succeeded without verified TLS")
			}
			t.Logf("error: %v", err)
			if IsTemporary(err) {
				t.Errorf("classified temporary; retrying cannot help: %v", err)
			}
			if n := be.authAttempts(); n != 0 {
				t.Errorf("%d AUTH attempts: the password went out without verified TLS", n)
			}
			if n := len(be.messages()); n != 0 {
				t.Errorf("server received %d messages", n)
			}
		})
	}
}

func TestSendTemporaryWhenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	s := NewSender(smtpConfig(t, port, "none", password(testPassword)), slog.New(slog.DiscardHandler), WithTimeout(5*time.Second))
	err = s.Send(context.Background(), testEmail(t))
	if err == nil || !IsTemporary(err) {
		t.Errorf("connection refused: err %v, temporary %v; want a temporary error", err, IsTemporary(err))
	}

	// A secret command that fails is temporary too: the owner can mend it
	// without losing the reminder.
	s = NewSender(smtpConfig(t, port, "none", `password_command = "exit 3"`), slog.New(slog.DiscardHandler))
	if err := s.Send(context.Background(), testEmail(t)); err == nil || !IsTemporary(err) {
		t.Errorf("failing password_command: err %v, want temporary", err)
	}

	// A message that cannot be rendered never will be.
	e := testEmail(t)
	e.MessageID = ""
	if err := s.Send(context.Background(), e); err == nil || IsTemporary(err) {
		t.Errorf("message without Message-ID: err %v, want permanent", err)
	}
}
