package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/followupd/followupd/internal/mailtest"
)

// Check logs in as the watcher does, with [imap] ca_file for a server with
// a CA of its own (verified, never skipped), and reports each configured
// folder and whether IDLE is offered; a refused login is a
// LoginRefusedError.
func TestCheckWithCAFile(t *testing.T) {
	cert, _ := mailtest.SelfSignedCert(t)
	ca := mailtest.WriteFile(t, t.TempDir(), "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})))
	for _, security := range []string{"tls", "starttls"} {
		t.Run(security, func(t *testing.T) {
			serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
			opt := mailtest.IMAPSTARTTLS(serverTLS)
			if security == "tls" {
				opt = mailtest.IMAPImplicitTLS(serverTLS)
			}
			s := startMemServer(t, opt)
			log := slog.New(slog.DiscardHandler)
			ctx := context.Background()

			cfg := testConfigWith(t, s.Addr, testUser, testPassword, "Sent Items", security, fmt.Sprintf("ca_file = %q", ca))
			rep, err := New(cfg, nil, nil, log).Check(ctx)
			if err != nil {
				t.Fatalf("check with ca_file: %v", err)
			}
			if len(rep.Folders) != 2 || rep.Folders[0].Name != "INBOX" || rep.Folders[0].Err != nil ||
				rep.Folders[1].Name != "Sent Items" || rep.Folders[1].Err == nil {
				t.Errorf("folders: %+v (INBOX there, Sent Items missing)", rep.Folders)
			}

			cfg = testConfigWith(t, s.Addr, testUser, testPassword, "", security, "")
			var unknown x509.UnknownAuthorityError
			if _, err := New(cfg, nil, nil, log).Check(ctx); !errors.As(err, &unknown) {
				t.Errorf("check without ca_file: %v, want an unknown authority", err)
			}

			cfg = testConfigWith(t, s.Addr, testUser, "wrong", "", security, fmt.Sprintf("ca_file = %q", ca))
			var refused *LoginRefusedError
			if _, err := New(cfg, nil, nil, log).Check(ctx); !errors.As(err, &refused) {
				t.Errorf("check with a wrong password: %v, want a refused login", err)
			}
		})
	}
}
