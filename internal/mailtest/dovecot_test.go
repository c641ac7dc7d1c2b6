package mailtest_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
)

// testMessage returns a small message with CRLF line endings.
func testMessage(subject string) []byte {
	return []byte("From: Interviewer <interviewer@elsewhere.example>\r\n" +
		"To: owner@example.test\r\n" +
		"Subject: " + subject + "\r\n" +
		"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n" +
		"Message-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@elsewhere.example>\r\n" +
		"\r\n" +
		"Thanks for coming in today.\r\n")
}

// login connects to the Dovecot and logs in; the client is closed when the test ends.
func login(t *testing.T, d *mailtest.Dovecot, user, password string, h *imapclient.UnilateralDataHandler) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(d.IMAPAddr(), &imapclient.Options{UnilateralDataHandler: h})
	if err != nil {
		t.Fatalf("dial %s: %v", d.IMAPAddr(), err)
	}
	t.Cleanup(func() { _ = c.Close() }) // the test may have stopped the server already
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatalf("login as %s: %v", user, err)
	}
	return c
}

func appendMessage(t *testing.T, c *imapclient.Client, mailbox string, msg []byte) *imap.AppendData {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(msg)), nil)
	if _, err := cmd.Write(msg); err != nil {
		t.Fatalf("append to %s: write: %v", mailbox, err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("append to %s: close: %v", mailbox, err)
	}
	data, err := cmd.Wait()
	if err != nil {
		t.Fatalf("append to %s: %v", mailbox, err)
	}
	return data
}

func selectMailbox(t *testing.T, c *imapclient.Client, mailbox string) *imap.SelectData {
	t.Helper()
	data, err := c.Select(mailbox, nil).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	return data
}

func TestDovecotAppendAndSelect(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	owner := login(t, d, d.User, d.Password, nil)

	appended := appendMessage(t, owner, "INBOX", testMessage("first interview"))
	sel := selectMailbox(t, owner, "INBOX")
	if sel.NumMessages != 1 {
		t.Errorf("SELECT INBOX: %d messages, want 1", sel.NumMessages)
	}
	if sel.UIDValidity == 0 || sel.UIDValidity != appended.UIDValidity {
		t.Errorf("SELECT UIDVALIDITY %d, APPENDUID said %d", sel.UIDValidity, appended.UIDValidity)
	}
	if sel.UIDNext != appended.UID+1 {
		t.Errorf("SELECT UIDNEXT %d, want %d after APPENDUID %d", sel.UIDNext, appended.UID+1, appended.UID)
	}

	msgs, err := owner.Fetch(imap.UIDSetNum(appended.UID), &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil {
		t.Fatalf("fetch UID %d: %v", appended.UID, err)
	}
	if len(msgs) != 1 || msgs[0].Envelope == nil || msgs[0].Envelope.Subject != "first interview" {
		t.Errorf("fetch UID %d: got %+v, want one message with subject %q", appended.UID, msgs, "first interview")
	}

	// The second account is separate and cannot use the owner's password.
	other := login(t, d, d.OtherUser, d.OtherPassword, nil)
	if got := selectMailbox(t, other, "INBOX").NumMessages; got != 0 {
		t.Errorf("other account's INBOX has %d messages, want 0", got)
	}
	c, err := imapclient.DialInsecure(d.IMAPAddr(), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer func() { _ = c.Close() }()
	if err := c.Login(d.OtherUser, d.Password).Wait(); err == nil {
		t.Errorf("login as %s with the owner's password succeeded", d.OtherUser)
	}
}

// newMessageNotices returns a handler that reports each EXISTS count the server announces.
func newMessageNotices() (*imapclient.UnilateralDataHandler, <-chan uint32) {
	counts := make(chan uint32, 16)
	h := &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages == nil {
				return
			}
			select { // the handler must not block the client
			case counts <- *data.NumMessages:
			default:
			}
		},
	}
	return h, counts
}

func TestDovecotIDLENotices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		arrive  func(t *testing.T, d *mailtest.Dovecot, msg []byte)
		options []mailtest.DovecotOption
	}{
		{
			name: "APPEND from another connection",
			arrive: func(t *testing.T, d *mailtest.Dovecot, msg []byte) {
				appendMessage(t, login(t, d, d.User, d.Password, nil), "INBOX", msg)
			},
		},
		{
			name: "LMTP delivery",
			arrive: func(t *testing.T, d *mailtest.Dovecot, msg []byte) {
				d.Deliver(t, d.User, msg)
			},
		},
		{
			// Hidden from CAPABILITY, IDLE still works for a client that sends it anyway.
			name:    "IDLE not advertised",
			options: []mailtest.DovecotOption{mailtest.WithoutIDLE()},
			arrive: func(t *testing.T, d *mailtest.Dovecot, msg []byte) {
				d.Deliver(t, d.User, msg)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := mailtest.StartDovecot(t, tt.options...)
			h, counts := newMessageNotices()
			watcher := login(t, d, d.User, d.Password, h)
			if n := selectMailbox(t, watcher, "INBOX").NumMessages; n != 0 {
				t.Fatalf("INBOX starts with %d messages, want 0", n)
			}
			idle, err := watcher.Idle()
			if err != nil {
				t.Fatalf("start IDLE: %v", err)
			}

			tt.arrive(t, d, testMessage("new mail"))
			arrived := time.Now()
			select {
			case n := <-counts:
				t.Logf("IDLE notice (%d EXISTS) came %v after the message was stored", n, time.Since(arrived).Round(time.Millisecond))
				if n != 1 {
					t.Errorf("IDLE notice says %d messages, want 1", n)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no IDLE notice within 10s of the new message")
			}

			if err := idle.Close(); err != nil {
				t.Fatalf("stop IDLE: %v", err)
			}
			if err := idle.Wait(); err != nil {
				t.Fatalf("IDLE ended with: %v", err)
			}
		})
	}
}

func TestDovecotCapabilities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		options  []mailtest.DovecotOption
		wantIDLE bool
	}{
		{name: "default", wantIDLE: true},
		{name: "WithoutIDLE", options: []mailtest.DovecotOption{mailtest.WithoutIDLE()}, wantIDLE: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := mailtest.StartDovecot(t, tt.options...)
			if d.IDLE != tt.wantIDLE {
				t.Errorf("Dovecot.IDLE = %v, want %v", d.IDLE, tt.wantIDLE)
			}
			// The greeting, before login, tells the same story.
			pre, err := imapclient.DialInsecure(d.IMAPAddr(), nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer func() { _ = pre.Close() }()
			if got := pre.Caps().Has(imap.CapIdle); got != tt.wantIDLE {
				t.Errorf("greeting's capabilities have IDLE = %v, want %v", got, tt.wantIDLE)
			}

			c := login(t, d, d.User, d.Password, nil)
			caps, err := c.Capability().Wait()
			if err != nil {
				t.Fatalf("CAPABILITY: %v", err)
			}
			if got := caps.Has(imap.CapIdle); got != tt.wantIDLE {
				t.Errorf("CAPABILITY has IDLE = %v, want %v (capabilities %v)", got, tt.wantIDLE, capNames(caps))
			}
			if got := c.Caps().Has(imap.CapIdle); got != tt.wantIDLE {
				t.Errorf("client's cached capabilities have IDLE = %v, want %v", got, tt.wantIDLE)
			}
			for _, need := range []imap.Cap{imap.CapUIDPlus, imap.CapCondStore, imap.CapMove} {
				if !caps.Has(need) {
					t.Errorf("CAPABILITY lacks %s (capabilities %v)", need, capNames(caps))
				}
			}
		})
	}
}

func capNames(caps imap.CapSet) []string {
	var names []string
	for c := range caps {
		names = append(names, string(c))
	}
	slices.Sort(names)
	return names
}

func TestDovecotResetUIDValidity(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	c := login(t, d, d.User, d.Password, nil)
	appended := appendMessage(t, c, "INBOX", testMessage("before the reset"))
	before := selectMailbox(t, c, "INBOX")

	got := d.ResetUIDValidity(t, "INBOX")
	if got == before.UIDValidity {
		t.Fatalf("ResetUIDValidity returned the old UIDVALIDITY %d", got)
	}

	// The session that had INBOX selected when it changed: Dovecot ends it.
	err := c.Noop().Wait()
	t.Logf("NOOP on the session that had INBOX selected during the reset: %v", err)
	if err == nil {
		t.Errorf("NOOP after the UIDVALIDITY change succeeded; want the session ended")
	}

	after := selectMailbox(t, login(t, d, d.User, d.Password, nil), "INBOX")
	if after.UIDValidity != got {
		t.Errorf("SELECT after reset: UIDVALIDITY %d, ResetUIDValidity returned %d", after.UIDValidity, got)
	}
	if after.UIDValidity == before.UIDValidity {
		t.Errorf("UIDVALIDITY stayed %d", after.UIDValidity)
	}
	if after.NumMessages != 1 || after.UIDNext != appended.UID+1 {
		t.Errorf("after reset: %d messages, UIDNEXT %d; want the message kept (1, %d)", after.NumMessages, after.UIDNext, appended.UID+1)
	}
}

func TestDovecotStopAndRestart(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	c := login(t, d, d.User, d.Password, nil)
	appendMessage(t, c, "INBOX", testMessage("kept across restart"))
	selectMailbox(t, c, "INBOX")

	d.Stop()
	done := make(chan error, 1)
	go func() { done <- c.Noop().Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("NOOP after Stop succeeded; want an error")
		} else {
			t.Logf("NOOP after Stop: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("NOOP after Stop neither failed nor succeeded within 10s")
	}
	if conn, err := net.DialTimeout("tcp", d.IMAPAddr(), time.Second); err == nil {
		_ = conn.Close()
		t.Error("IMAP port still accepts connections after Stop")
	}

	// A process killed while it held the maildir's uidlist dotlock leaves
	// the file; the new server's SELECT would wait two minutes for it.
	stale := filepath.Join(d.Dir, "mail", d.User, "Maildir", "dovecot-uidlist.lock")
	if err := os.WriteFile(stale, []byte("killed"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.Restart(t)
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stale dotlock survived the restart: %v", err)
	}
	again := login(t, d, d.User, d.Password, nil)
	if n := selectMailbox(t, again, "INBOX").NumMessages; n != 1 {
		t.Errorf("INBOX after restart has %d messages, want 1", n)
	}
	d.Stop()
	d.Stop() // a second Stop does nothing
}

// recordingTB stands in for a test to see which of Fatalf and Skipf Required calls.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper()                           {}
func (r *recordingTB) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recordingTB) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

func TestRequired(t *testing.T) {
	tests := []struct {
		ci        string
		wantFatal bool
	}{
		{ci: "", wantFatal: false},
		{ci: "true", wantFatal: true},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			var r recordingTB
			mailtest.Required(&r, "dovecot is not installed")
			said := r.skip
			if tt.wantFatal {
				said = r.fatal
			}
			if (r.fatal != "") != tt.wantFatal || (r.skip != "") == tt.wantFatal {
				t.Fatalf("Fatalf %q, Skipf %q; want fatal=%v", r.fatal, r.skip, tt.wantFatal)
			}
			for _, want := range []string{"dovecot is not installed", "scripts/install-test-deps.sh"} {
				if !strings.Contains(said, want) {
					t.Errorf("message %q does not mention %q", said, want)
				}
			}
		})
	}
}
