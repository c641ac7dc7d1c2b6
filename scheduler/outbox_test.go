package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// queuedEmail is an email to the owner as the reply and employer paths
// queue it (JSON-encoded), with Message-ID id.
func queuedEmail(t testing.TB, id, subject string) string {
	t.Helper()
	raw, err := json.Marshal(mailer.Email{
		From: mail.Address{Name: "followupd", Address: fromAddr}, To: mail.Address{Address: ownerEmail},
		Subject: subject, Date: t0, MessageID: id, AutoSubmitted: true, Text: subject + "\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// queueAnswer records an owner's message (known as key) answering r and
// queues one status answer to it, as package replyflow does; it returns the
// answer's Message-ID.
func (s *setup) queueAnswer(t testing.TB, r store.ReminderRecord, key string, now time.Time) string {
	t.Helper()
	id := mailer.AnswerID(r.Token, store.AnswerStatus, key, "followupd.example.org")
	c := store.OwnerCommand{MessageID: key, ReminderID: r.ID, Command: "status", Action: store.ActionNone, Date: now, Now: now}
	_, err := s.store.ApplyOwnerCommand(context.Background(), c, func(store.CommandResult) ([]store.Answer, error) {
		return []store.Answer{{MessageID: id, Kind: store.AnswerStatus, Email: queuedEmail(t, id, "Your follow-ups")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// sentIDs counts the messages the SMTP server accepted, by Message-ID.
func (s *setup) sentIDs() map[string]int {
	n := map[string]int{}
	for _, m := range s.smtp.Messages() {
		n[m.MessageID]++
	}
	return n
}

// An answer queued while the SMTP server refuses sessions waits (the
// sending is held, nothing is given up), and goes out once the server is
// back: exactly once, however many passes follow.
func TestOutboxAnswerWaitsForSMTP(t *testing.T) {
	s := newSetup(t, false, "")
	clock := newFakeClock(t0)
	d := s.dispatcher(t, clock, WithMaxAttempts(2), WithMaxHold(4*time.Minute))
	iv := s.addInterview(t, "a", "Acme", t0.Add(-48*time.Hour), t0.Add(24*time.Hour), time.Time{})
	r := s.reminder(t, iv, interview.ThankYou)
	s.smtp.FailHello(errors.New("too busy"))
	id := s.queueAnswer(t, r, "status-1@example.org", t0)

	next := tick(t, d, t0)
	if ok, _, _ := d.Health(); ok {
		t.Fatal("sending not held after the server refused the session")
	}
	if !next.After(t0) || next.After(t0.Add(time.Hour)) {
		t.Errorf("next pass at %v, want soon after %v", next, t0)
	}
	// Far past the attempt limit: the answer is not given up.
	now := t0
	for range 30 {
		now = now.Add(time.Minute)
		tick(t, d, now)
	}
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages accepted while the server refused sessions", n)
	}
	unsent, err := s.store.UnsentAnswers(context.Background(), t0.Add(-time.Hour), DefaultMaxAttempts)
	if err != nil || len(unsent) != 1 {
		t.Fatalf("unsent answers while held: %+v, %v; want the one", unsent, err)
	}
	if strings.Contains(unsent[0].LastError, r.Token) || strings.Contains(s.logs.String(), r.Token) {
		t.Error("the reply token reached the stored error or the log")
	}

	s.smtp.FailHello(nil)
	for range 10 {
		now = now.Add(5 * time.Minute)
		tick(t, d, now)
	}
	if got := s.sentIDs(); got[id] != 1 || len(got) != 1 {
		t.Fatalf("accepted %v, want the answer once", got)
	}
	if ok, _, _ := d.Health(); !ok {
		t.Error("still held after the answer went out")
	}
	if unsent, err := s.store.UnsentAnswers(context.Background(), t0.Add(-time.Hour), DefaultMaxAttempts); err != nil || len(unsent) != 0 {
		t.Errorf("unsent answers after the send: %+v, %v", unsent, err)
	}
}

// An employer email and a reminder due at the same time both go out in
// one pass of the one loop, the queued email first.
func TestOutboxEmployerEmailAndReminderTogether(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	iv := s.addInterview(t, "a", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	eid := "r.digestdigestdigestdigest.digest-1@followupd.example.org"
	if err := s.store.QueueEmployerEmails(context.Background(),
		[]store.Outgoing{{MessageID: eid, Kind: "digest", Email: queuedEmail(t, eid, "Your job search this week")}}, t0); err != nil {
		t.Fatal(err)
	}
	tick(t, d, t0)
	msgs := s.smtp.Messages()
	if len(msgs) != 2 {
		t.Fatalf("accepted %d messages, want the digest and the reminder", len(msgs))
	}
	if msgs[0].MessageID != eid {
		t.Errorf("first message %q, want the queued digest", msgs[0].Header.Get("Subject"))
	}
	if r := s.reminder(t, iv, interview.ThankYou); r.State != store.StateSent || r.MessageID != msgs[1].MessageID {
		t.Errorf("thank-you reminder %s (%q), want sent as the second message", r.State, r.MessageID)
	}
	// Nothing is sent twice.
	tick(t, d, t0.Add(time.Minute))
	if n := len(s.smtp.Messages()); n != 2 {
		t.Errorf("accepted %d messages after a second pass, want still 2", n)
	}
}

// A refusal of the answer itself (5xx for the message) gives that answer
// up: it is not tried again (the server refuses only once, so a retry
// would be accepted), and the sending is not held.
func TestOutboxAnswerRefusedNotRetried(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	iv := s.addInterview(t, "a", "Acme", t0.Add(-48*time.Hour), t0.Add(24*time.Hour), time.Time{})
	r := s.reminder(t, iv, interview.ThankYou)
	s.smtp.FailNext(mailtest.StageData, permanent)
	s.queueAnswer(t, r, "status-1@example.org", t0)
	tick(t, d, t0)
	if ok, _, _ := d.Health(); !ok {
		t.Error("a refusal of one message held the sending")
	}
	for i := range 5 {
		tick(t, d, t0.Add(time.Duration(i+1)*time.Hour))
	}
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages accepted, want none: the answer was refused", n)
	}
	unsent, err := s.store.UnsentAnswers(context.Background(), t0.Add(-time.Hour), DefaultMaxAttempts)
	if err != nil || len(unsent) != 0 {
		t.Errorf("unsent answers after the refusal: %+v, %v; want it given up", unsent, err)
	}
	answers, err := s.store.AnswersTo(context.Background(), "status-1@example.org")
	if err != nil || len(answers) != 1 || !answers[0].SentAt.IsZero() {
		t.Fatalf("answers = %+v, %v; want the one, unsent", answers, err)
	}
	if !strings.Contains(answers[0].LastError, "550") {
		t.Errorf("last error %q, want the refusal", answers[0].LastError)
	}
}
