package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"syscall"
	"testing"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/mailbox"
)

// Each way a connection or login fails gets its cause and the keys to
// look at.
func TestExplainFailure(t *testing.T) {
	a := config.Account{Host: "mail.example.org", Port: 587}
	for _, c := range []struct {
		err        error
		cause, fix string
	}{
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "mail.example.org", IsNotFound: true}},
			"mail.example.org does not resolve", "check [smtp] host"},
		{fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}),
			"connection refused at mail.example.org:587", "check [smtp] host and port"},
		{&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}},
			"not signed by a trusted authority", "set [smtp] ca_file"},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
			"does not speak TLS on this port", "check [smtp] security and port"},
		{&textproto.Error{Code: 535, Msg: "5.7.8 authentication failed"},
			"login refused (535)", "check [smtp] username and password_file"},
		{&mailbox.LoginRefusedError{Reason: "[AUTHENTICATIONFAILED] no"},
			"login refused ([AUTHENTICATIONFAILED] no)", "username and password_file"},
		{fmt.Errorf("connect: %w", context.DeadlineExceeded),
			"no answer from mail.example.org:587", "firewall"},
	} {
		acct := a
		acct.Password = config.Secret{}
		cause, fix := explainFailure("smtp", acct, c.err)
		if !strings.Contains(cause, c.cause) || !strings.Contains(fix, strings.ReplaceAll(c.fix, "password_file", "")) {
			t.Errorf("%v: cause %q, fix %q; want %q and %q", c.err, cause, fix, c.cause, c.fix)
		}
	}
	if _, fix := explainFailure("imap", config.Account{Host: "h", CAFile: "/etc/ca.pem"},
		&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}); !strings.Contains(fix, "/etc/ca.pem holds the CA") {
		t.Errorf("with a ca_file: fix %q", fix)
	}
}
