package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
)

const (
	testUser     = "alex"
	testPassword = "correct-horse-battery"
	testToken    = "ya29.test-token"
)

// startServer runs an SMTP server on 127.0.0.1 that takes AUTH PLAIN and
// XOAUTH2 for testUser. mode is "none" (no TLS at all, STARTTLS not
// offered), "starttls" (offered) or "tls" (implicit).
func startServer(t *testing.T, mode string, cert tls.Certificate) *mailtest.SMTPServer {
	t.Helper()
	opts := []mailtest.SMTPOption{mailtest.SMTPAuthPlain(testUser, testPassword), mailtest.SMTPXOAUTH2(testUser, testToken)}
	switch mode {
	case "starttls":
		opts = append(opts, mailtest.SMTPStartTLS(cert))
	case "tls":
		opts = append(opts, mailtest.SMTPImplicitTLS(cert))
	}
	return mailtest.StartSMTP(t, opts...)
}

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
	s, err := mailtest.LoadConfig(t, t.TempDir(), toml).SMTP()
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
	cert, pool := mailtest.SelfSignedCert(t)
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
			srv := startServer(t, c.security, cert)
			var logs bytes.Buffer
			s := NewSender(smtpConfig(t, srv.Port, c.security, c.secret), quietLog(&logs), WithTLSConfig(&tls.Config{RootCAs: pool}), WithTimeout(10*time.Second))
			e := testEmail(t)
			e.From = mail.Address{} // Send falls back on [smtp] from
			if err := s.Send(context.Background(), e); err != nil {
				t.Fatalf("send: %v", err)
			}
			e.From = mail.Address{Address: "followupd@example.org"}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages", len(got))
			}
			if got[0].From != "followupd@example.org" || len(got[0].To) != 1 || got[0].To[0] != "alex.morgan@example.org" {
				t.Errorf("envelope from %q to %v", got[0].From, got[0].To)
			}
			want, err := e.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(normalizeBoundaries(got[0].Raw), normalizeBoundaries(want)) {
				t.Errorf("message not delivered intact:\n--- got ---\n%s\n--- want ---\n%s", got[0].Raw, want)
			}
			if tlsSeen := srv.LastSessionTLS(); tlsSeen != c.wantTLS {
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
	cert, _ := mailtest.SelfSignedCert(t)
	for _, c := range []struct {
		name      string
		fail      map[mailtest.SMTPStage]*smtp.SMTPError
		failHello error
		password  string
		temporary bool
		code      int
		account   bool // about the account or connection: held, not given up
	}{
		{name: "421 on MAIL", fail: map[mailtest.SMTPStage]*smtp.SMTPError{"MAIL": {Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "shutting down"}}, temporary: true, code: 421, account: true},
		{name: "451 on RCPT", fail: map[mailtest.SMTPStage]*smtp.SMTPError{"RCPT": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}, temporary: true, code: 451},
		{name: "451 on DATA", fail: map[mailtest.SMTPStage]*smtp.SMTPError{"DATA": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}, temporary: true, code: 451},
		{name: "550 on MAIL", fail: map[mailtest.SMTPStage]*smtp.SMTPError{"MAIL": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender refused"}}, code: 550, account: true},
		{name: "550 on RCPT", fail: map[mailtest.SMTPStage]*smtp.SMTPError{"RCPT": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}}, code: 550},
		{name: "554 on DATA", fail: map[mailtest.SMTPStage]*smtp.SMTPError{"DATA": {Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "rejected"}}, code: 554},
		{name: "451 on EHLO", failHello: errors.New("too busy"), temporary: true, code: 451, account: true},
		{name: "wrong password", password: "wrong-password", code: 535, account: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startServer(t, "none", cert)
			for stage, err := range c.fail {
				srv.FailAlways(stage, err)
			}
			srv.FailHello(c.failHello)
			pw := testPassword
			if c.password != "" {
				pw = c.password
			}
			var logs bytes.Buffer
			s := NewSender(smtpConfig(t, srv.Port, "none", password(pw)), quietLog(&logs), WithTimeout(10*time.Second))
			err := s.Send(context.Background(), testEmail(t))
			if err == nil {
				t.Fatal("send succeeded")
			}
			t.Logf("error: %v", err)
			if got := IsTemporary(err); got != c.temporary {
				t.Errorf("IsTemporary = %v, want %v (%v)", got, c.temporary, err)
			}
			if got := IsAccountFailure(err); got != c.account {
				t.Errorf("IsAccountFailure = %v, want %v (%v)", got, c.account, err)
			}
			var se *SendError
			if !errors.As(err, &se) || se.Code != c.code {
				t.Errorf("code = %v, want %d (%v)", se, c.code, err)
			}
			if strings.Contains(err.Error(), pw) || strings.Contains(logs.String(), pw) {
				t.Errorf("the password reached the error or the log: %v", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server kept %d messages", n)
			}
		})
	}
}

func TestSendRefusesWithoutTLS(t *testing.T) {
	cert, pool := mailtest.SelfSignedCert(t)
	_, otherPool := mailtest.SelfSignedCert(t) // trusts some other certificate
	for _, c := range []struct {
		name, serverMode, security string
		pool                       *x509.CertPool
	}{
		{"mandatory STARTTLS, server does not offer it", "none", "starttls", pool},
		{"STARTTLS with a certificate nobody vouches for", "starttls", "starttls", otherPool},
		{"implicit TLS with a certificate nobody vouches for", "tls", "tls", otherPool},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startServer(t, c.serverMode, cert)
			s := NewSender(smtpConfig(t, srv.Port, c.security, password(testPassword)), slog.New(slog.DiscardHandler),
				WithTLSConfig(&tls.Config{RootCAs: c.pool, InsecureSkipVerify: true}), WithTimeout(10*time.Second))
			err := s.Send(context.Background(), testEmail(t))
			if err == nil {
				t.Fatal("send succeeded without verified TLS")
			}
			t.Logf("error: %v", err)
			if IsTemporary(err) {
				t.Errorf("classified temporary; retrying cannot help: %v", err)
			}
			if !IsAccountFailure(err) {
				t.Errorf("not an account failure; every message would fail alike, so sends must be held: %v", err)
			}
			if n := srv.AuthAttempts(); n != 0 {
				t.Errorf("%d AUTH attempts: the password went out without verified TLS", n)
			}
			if n := len(srv.Messages()); n != 0 {
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
	if err == nil || !IsTemporary(err) || !IsAccountFailure(err) {
		t.Errorf("connection refused: err %v, temporary %v, account %v; want a temporary account failure", err, IsTemporary(err), IsAccountFailure(err))
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
	if err := s.Send(context.Background(), e); err == nil || IsTemporary(err) || IsAccountFailure(err) {
		t.Errorf("message without Message-ID: err %v, want permanent, about the message", err)
	}
}
