package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// A due reminder goes out through a real Postfix (SMTP AUTH) and lands in
// the owner's Inbox on a real Dovecot, where the dispatcher's own lookup
// (HasMessageID) finds it; the drafts land in Dovecot's Drafts folder.
func TestDispatchThroughPostfixToDovecot(t *testing.T) {
	dc := mailtest.StartDovecot(t)
	if dc == nil {
		return
	}
	pf := mailtest.StartPostfix(t, dc)
	if pf == nil {
		return
	}
	dir := t.TempDir()
	pw := mailtest.WriteSecret(t, dir, "password", dc.Password)
	storePath := filepath.Join(dir, "followupd.db")
	cfg := mailtest.LoadConfig(t, dir, fmt.Sprintf(`[owner]
name = "Alex Morgan"
email = %q
timezone = "America/New_York"

[schedule]
quiet_hours = ""

[smtp]
host = %q
port = %d
security = "none"
username = %q
password_file = %q
from = %q

[imap]
host = %q
port = %d
security = "none"
username = %q
password_file = %q

[imap.folders]
drafts = "Drafts"

[store]
path = %q
`, dc.User, pf.Host, pf.SMTPPort, pf.User, pw, dc.User, dc.Host, dc.IMAPPort, dc.User, pw, storePath))

	// Dovecot creates no Drafts folder by itself.
	c, err := imapclient.DialInsecure(dc.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(dc.User, dc.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Drafts", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	_ = c.Logout().Wait()
	_ = c.Close()

	st, err := store.Open(context.Background(), storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := &mailtest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	defer func() {
		if strings.Contains(logs.String(), dc.Password) {
			t.Error("the password reached the log")
		}
		if t.Failed() {
			t.Logf("dispatcher log:\n%s", logs.String())
		}
	}()
	smtpCfg, err := cfg.SMTP()
	if err != nil {
		t.Fatal(err)
	}
	im, err := cfg.IMAP()
	if err != nil {
		t.Fatal(err)
	}
	mb := mailbox.New(im, nil, nil, log)
	d, err := New(st, mailer.NewSender(smtpCfg, log, mailer.WithTimeout(10*time.Second)), mb, cfg, log, SystemClock(nil))
	if err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	s := &setup{cfg: cfg, store: st}
	id := s.addInterview(t, "real", "Acme", now.Add(-time.Hour), now.Add(-time.Second), time.Time{})
	if _, err := d.Tick(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	r := s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateSent {
		t.Fatalf("reminder %s (%s), want sent", r.State, r.LastError)
	}
	ctx := context.Background()
	deadline := time.Now().Add(mailtest.Scaled(20 * time.Second))
	for {
		found, err := mb.HasMessageID(ctx, "INBOX", r.MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reminder never reached Dovecot's Inbox; postfix log:\n%s", readTail(pf.LogPath()))
		}
		time.Sleep(100 * time.Millisecond)
	}
	draftID := strings.Replace(d.draftBase(r.Token), "@", ".draft1@", 1)
	if found, err := mb.HasMessageID(ctx, "Drafts", draftID); err != nil || !found {
		t.Errorf("draft in Dovecot's Drafts: found %v, %v", found, err)
	}
}

func readTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}
