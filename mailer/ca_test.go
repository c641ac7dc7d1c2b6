package mailer

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
)

// [smtp] ca_file: a home server with a CA of its own is verified against
// it (never skipped); without it, its certificate is refused as an account
// failure (held, not given up). Check proves the same without sending.
func TestSendWithCAFile(t *testing.T) {
	cert, _ := mailtest.SelfSignedCert(t)
	dir := t.TempDir()
	ca := mailtest.WriteFile(t, dir, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})))
	junk := mailtest.WriteFile(t, dir, "junk.pem", "not a certificate\n")
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			srv := startServer(t, mode, cert)
			var logs bytes.Buffer
			withCA := NewSender(smtpConfig(t, srv.Port, mode, password(testPassword)+fmt.Sprintf("\nca_file = %q", ca)),
				quietLog(&logs), WithTimeout(10*time.Second))
			if err := withCA.Check(context.Background()); err != nil {
				t.Fatalf("check with ca_file: %v", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("check sent %d messages", n)
			}
			if err := withCA.Send(context.Background(), testEmail(t)); err != nil {
				t.Fatalf("send with ca_file: %v", err)
			}
			if n := len(srv.Messages()); n != 1 {
				t.Errorf("%d messages with ca_file, want 1", n)
			}

			without := NewSender(smtpConfig(t, srv.Port, mode, password(testPassword)), quietLog(&logs), WithTimeout(10*time.Second))
			err := without.Send(context.Background(), testEmail(t))
			if err == nil || !IsAccountFailure(err) {
				t.Errorf("self-signed certificate without ca_file: %v, account failure %v", err, IsAccountFailure(err))
			}
			bad := NewSender(smtpConfig(t, srv.Port, mode, password(testPassword)+fmt.Sprintf("\nca_file = %q", junk)),
				quietLog(&logs), WithTimeout(10*time.Second))
			if err := bad.Check(context.Background()); err == nil || !IsAccountFailure(err) {
				t.Errorf("ca_file without a certificate: %v", err)
			}
			if n := srv.AuthAttempts(); n != 2 {
				t.Errorf("%d AUTH attempts, want 2 (check and send with ca_file)", n)
			}
			if bytes.Contains(logs.Bytes(), []byte(testPassword)) {
				t.Error("the password reached the log")
			}
		})
	}
}
