package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// pastInvitation is an invitation email for an interview that ended an hour
// ago, with the interviewer at domain as organizer.
func pastInvitation(uid, company, who, addr string, now time.Time) []byte {
	f := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	ics := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "METHOD:REQUEST",
		"BEGIN:VEVENT", "UID:" + uid, "SEQUENCE:0", "DTSTAMP:" + f(now.Add(-72*time.Hour)),
		"DTSTART:" + f(now.Add(-2*time.Hour)), "DTEND:" + f(now.Add(-time.Hour)), "STATUS:CONFIRMED",
		"SUMMARY:Interview with " + who + " at " + company,
		"ORGANIZER;CN=" + who + ":mailto:" + addr,
		"ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	return []byte("From: " + who + " <" + addr + ">\r\nTo: alex.morgan@example.org\r\n" +
		"Subject: Invitation: Interview with " + who + " at " + company + "\r\n" +
		"Date: " + now.Add(-72*time.Hour).UTC().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + uid + ".inv@test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n" + ics)
}

// inboxSubjects lists the subjects in the account's INBOX.
func inboxSubjects(t testing.TB, dc *mailtest.Dovecot) []string {
	t.Helper()
	c, err := imapclient.DialInsecure(dc.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(dc.User, dc.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{Envelope: true}).Collect()
	var out []string
	if err == nil {
		for _, m := range msgs {
			if m.Envelope != nil {
				out = append(out, m.Envelope.Subject)
			}
		}
	}
	_ = c.Logout().Wait()
	return out
}

// waitSubject waits until an email whose subject starts with prefix is in
// the INBOX and returns how long that took.
func waitSubject(t testing.TB, dc *mailtest.Dovecot, prefix string, logs *mailtest.LogBuffer) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 60*time.Second {
		for _, s := range inboxSubjects(t, dc) {
			if strings.HasPrefix(s, prefix) {
				return time.Since(start)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email %q reached the INBOX within 60 s; it has %q\nlog:\n%s", prefix, inboxSubjects(t, dc), logs.String())
	return 0
}

// An interview ends, the thank-you goes out, and the employer writes back:
// all through a real Postfix and a real Dovecot, with the whole daemon
// running. A rejection closes the follow-ups (the call email never comes)
// and brings the reply draft; an offer brings the offer outline at once.
func TestEmployerRepliesThroughPostfixAndDovecot(t *testing.T) {
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
aliases = ["alex.morgan@example.org"]
timezone = "America/New_York"
[schedule]
quiet_hours = ""
[digest]
enabled = false
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
[store]
path = %q
`, dc.User, pf.Host, pf.SMTPPort, pf.User, pw, dc.User, dc.Host, dc.IMAPPort, dc.User, pw, storePath))
	st, err := store.Open(context.Background(), storePath)
	if err != nil {
		t.Fatal(err)
	}
	logs := &mailtest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(cfg, st, log).Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon Run: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Error(err)
		}
		if strings.Contains(logs.String(), dc.Password) {
			t.Error("the password reached the log")
		}
	}()

	// The rejection.
	now := time.Now()
	dc.Deliver(t, dc.User, pastInvitation("e2e-acme@test", "Acme Corp", "Jane Doe", "jane.doe@acme.com", now))
	waitFor(t, st, "e2e-acme@test", func(r store.InterviewRecord) bool {
		ty, _ := reminderOf(r, interview.ThankYou)
		return ty.State == store.StateSent
	})
	waitSubject(t, dc, "Send a thank-you note today: Jane Doe at Acme Corp", logs)
	dc.Deliver(t, dc.User, []byte(employerMail("Acme Corp Talent <no-reply@hire.lever.co>", "e2e-rej@lever.co",
		"Your application to Acme Corp", time.Now().UTC().Format(time.RFC1123Z),
		"Hi Alex,\r\n\r\nThank you for your time. Unfortunately we have decided to move forward with other candidates.\r\n")))
	waitFor(t, st, "e2e-acme@test", func(r store.InterviewRecord) bool {
		call, _ := reminderOf(r, interview.FollowUpCall)
		return call.State == store.StateCancelled && call.Outcome == store.OutcomeRejected
	})
	took := waitSubject(t, dc, "Acme Corp: not this time", logs)
	t.Logf("rejection delivered → reply draft in the INBOX in %v", took)

	// The offer, from the interviewer herself.
	now = time.Now()
	dc.Deliver(t, dc.User, pastInvitation("e2e-globex@test", "Globex", "Sam Lee", "sam.lee@globex.com", now))
	waitFor(t, st, "e2e-globex@test", func(r store.InterviewRecord) bool {
		ty, _ := reminderOf(r, interview.ThankYou)
		return ty.State == store.StateSent
	})
	offerAt := time.Now()
	dc.Deliver(t, dc.User, []byte(employerMail("Sam Lee <sam.lee@globex.com>", "e2e-offer@globex.com", "Good news",
		offerAt.UTC().Format(time.RFC1123Z),
		"Hi Alex,\r\n\r\nWe are pleased to offer you the position. Let's talk about the details.\r\n")))
	took = waitSubject(t, dc, "Offer from Globex: plan the conversation", logs)
	t.Logf("offer delivered → offer outline in the INBOX in %v", took)
	if took > 5*time.Minute {
		t.Errorf("the offer outline took %v, not minutes", took)
	}

	for _, s := range inboxSubjects(t, dc) {
		if strings.HasPrefix(s, "Follow-up call") {
			t.Errorf("a call reminder reached the INBOX: %q", s)
		}
	}
	var rejections int
	for _, s := range inboxSubjects(t, dc) {
		if strings.HasPrefix(s, "Acme Corp: not this time") {
			rejections++
		}
	}
	if rejections != 1 {
		t.Errorf("%d rejection emails, want exactly 1", rejections)
	}
}
