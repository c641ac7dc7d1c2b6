package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// invitationMessage is a minimal invitation email as a calendar server
// sends it: one text/calendar part with METHOD and the event.
func invitationMessage(uid, method, status string, seq int) []byte {
	ics := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "METHOD:" + method,
		"BEGIN:VEVENT", "UID:" + uid, fmt.Sprintf("SEQUENCE:%d", seq), "DTSTAMP:20261120T100000Z",
		"DTSTART:20270115T150000Z", "DTEND:20270115T160000Z", "STATUS:" + status,
		"SUMMARY:Interview with Jane Doe at Acme Corp",
		"ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.com",
		"ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	return []byte("From: Jane Doe <jane.doe@acme.com>\r\nTo: alex.morgan@example.org\r\n" +
		"Subject: Invitation: Interview with Jane Doe at Acme Corp\r\n" +
		"Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + uid + "." + method + "@test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/calendar; charset=utf-8; method=" + method + "\r\n\r\n" + ics)
}

// startMailboxDaemon runs a daemon that watches d's INBOX and nothing else.
func startMailboxDaemon(t testing.TB, d *mailtest.Dovecot) *store.Store {
	t.Helper()
	dir := t.TempDir()
	pw := mailtest.WriteSecret(t, dir, "imap-password", d.Password)
	cfg := mailtest.LoadConfig(t, dir, fmt.Sprintf(`[owner]
email = "alex.morgan@example.org"
timezone = "America/New_York"
[imap]
host = %q
port = %d
security = "none"
username = %q
password_file = %q
`, d.Host, d.IMAPPort, d.User, pw))
	st, err := store.Open(context.Background(), filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))).Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon Run: %v", err)
		}
		st.Close()
	})
	return st
}

// waitFor polls the store until cond holds for the interview uid, or fails
// after a generous deadline; it returns how long it took.
func waitFor(t testing.TB, st *store.Store, uid string, cond func(store.InterviewRecord) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < mailtest.Scaled(30*time.Second) {
		recs, err := st.Interviews(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.UID == uid && cond(r) {
				return time.Since(start)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("interview %s did not reach the expected state within %v", uid, mailtest.Scaled(30*time.Second))
	return 0
}

func TestRunWatchesDovecotForInvitations(t *testing.T) {
	d := mailtest.StartDovecot(t)
	st := startMailboxDaemon(t, d)

	d.Deliver(t, d.User, invitationMessage("dove-1@test", "REQUEST", "CONFIRMED", 0))
	took := waitFor(t, st, "dove-1@test", func(r store.InterviewRecord) bool {
		return r.Status == interview.Scheduled && len(r.Reminders) == 2
	})
	t.Logf("invitation delivered → interview stored in %v", took)

	d.Deliver(t, d.User, invitationMessage("dove-1@test", "CANCEL", "CANCELLED", 1))
	waitFor(t, st, "dove-1@test", func(r store.InterviewRecord) bool {
		if r.Status != interview.Cancelled {
			return false
		}
		for _, rem := range r.Reminders {
			if rem.State != store.StateCancelled {
				return false
			}
		}
		return slices.Contains(r.Sources, "imap:INBOX")
	})
}

// BenchmarkInvitationToStored measures, against a real Dovecot with IDLE,
// the time from the delivery of an invitation to the interview being in
// the store. Reported: p50 and max in milliseconds.
func BenchmarkInvitationToStored(b *testing.B) {
	d := mailtest.StartDovecot(b)
	st := startMailboxDaemon(b, d)
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		uid := fmt.Sprintf("bench-%d-%d@test", time.Now().UnixNano(), i)
		d.Deliver(b, d.User, invitationMessage(uid, "REQUEST", "CONFIRMED", 0))
		took = append(took, waitFor(b, st, uid, func(store.InterviewRecord) bool { return true }))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max_ms")
}
