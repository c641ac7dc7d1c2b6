package scheduler

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// t0 is Tuesday 2026-03-03 11:00 in New York (16:00 UTC), the owner's zone.
var t0 = time.Date(2026, 3, 3, 16, 0, 0, 0, time.UTC)

// A 451 is retried after a backoff and then delivered once; the attempts
// and the error are on record meanwhile.
func TestDispatchRetriesTemporaryFailure(t *testing.T) {
	s := newSetup(t, false, "")
	clock := newFakeClock(t0)
	d := s.dispatcher(t, clock, WithBackoff(time.Minute, time.Hour))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	s.smtp.FailNext(mailtest.StageData, temporary)

	next := tick(t, d, t0)
	r := s.reminder(t, id, interview.ThankYou)
	if r.State != store.StatePending || r.Attempts != 1 || !strings.Contains(r.LastError, "451") {
		t.Fatalf("after a 451: state %s, attempts %d, last error %q", r.State, r.Attempts, r.LastError)
	}
	if wait := r.NextAttempt.Sub(t0); wait < 45*time.Second || wait > time.Minute {
		t.Errorf("retry in %v, want 45s-1m (1m less up to a quarter)", wait)
	}
	if !next.Equal(r.NextAttempt) {
		t.Errorf("Tick says next pass at %v, want the retry time %v", next, r.NextAttempt)
	}
	if strings.Contains(r.LastError, r.Token) || strings.Contains(s.logs.String(), r.Token) {
		t.Error("the reply token reached last_error or the log")
	}
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages delivered after a 451", n)
	}

	// Not before the retry time.
	tick(t, d, r.NextAttempt.Add(-time.Second))
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("retried before its time: %d messages", n)
	}
	tick(t, d, r.NextAttempt)
	tick(t, d, r.NextAttempt.Add(time.Second))
	msgs := s.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages delivered, want exactly 1", len(msgs))
	}
	r = s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateSent || r.Attempts != 2 || r.LastError != "" || r.MessageID != msgs[0].MessageID {
		t.Errorf("after delivery: state %s, attempts %d, last error %q, message id %q (delivered %q)",
			r.State, r.Attempts, r.LastError, r.MessageID, msgs[0].MessageID)
	}
	if want := "r." + r.Token + ".0@example.org"; msgs[0].MessageID != want {
		t.Errorf("Message-ID %q, want %q", msgs[0].MessageID, want)
	}
}

// The backoff doubles per attempt, is capped, and is jittered down by at
// most a quarter.
func TestBackoff(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0), WithBackoff(time.Minute, time.Hour))
	for _, c := range []struct {
		attempts int
		max      time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {4, 8 * time.Minute}, {7, time.Hour}, {40, time.Hour}, {1000, time.Hour}} {
		seen := map[time.Duration]bool{}
		for range 50 {
			w := d.backoff(c.attempts)
			if w > c.max || w < c.max*3/4 {
				t.Errorf("backoff(%d) = %v, want between %v and %v", c.attempts, w, c.max*3/4, c.max)
			}
			seen[w] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) is not jittered: %v", c.attempts, seen)
		}
	}
}

// A 550 is recorded and not retried.
func TestDispatchPermanentFailure(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	s.smtp.FailNext(mailtest.StageData, permanent)

	if next := tick(t, d, t0); !next.IsZero() {
		t.Errorf("next pass at %v after a permanent failure, want none", next)
	}
	r := s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateFailed || r.Attempts != 1 || !strings.Contains(r.LastError, "550") || r.ResolvedAt.IsZero() {
		t.Fatalf("after a 550: %+v", r)
	}
	for _, at := range []time.Time{t0.Add(time.Hour), t0.Add(48 * time.Hour)} {
		tick(t, d, at)
	}
	if n := len(s.smtp.Messages()); n != 0 {
		t.Errorf("%d messages after a 550, want none", n)
	}
	if r2 := s.reminder(t, id, interview.ThankYou); r2.Attempts != 1 {
		t.Errorf("attempts %d after later passes: retried", r2.Attempts)
	}
}

// Temporary failures without end are given up after the attempt limit.
func TestDispatchGivesUpAfterMaxAttempts(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0), WithMaxAttempts(3), WithBackoff(time.Minute, time.Minute))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	s.smtp.FailNext(mailtest.StageData, temporary, temporary, temporary, temporary)
	now := t0
	for range 5 {
		tick(t, d, now)
		now = now.Add(time.Minute)
	}
	r := s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateFailed || r.Attempts != 3 || !strings.Contains(r.LastError, "gave up after 3 attempts") {
		t.Errorf("after 3 temporary failures: state %s attempts %d error %q", r.State, r.Attempts, r.LastError)
	}
}

// Nothing goes out in quiet hours; what falls due then waits for their end.
func TestDispatchQuietHours(t *testing.T) {
	s := newSetup(t, false, `quiet_hours = "21:00-08:00"`)
	d := s.dispatcher(t, newFakeClock(t0))
	ny := s.cfg.Owner.Location
	due := time.Date(2026, 3, 3, 21, 30, 0, 0, ny)
	s.addInterview(t, "iv", "Acme", due.Add(-time.Hour), due, time.Time{})

	next := tick(t, d, due)
	if want := time.Date(2026, 3, 4, 8, 0, 0, 0, ny); !next.Equal(want) {
		t.Errorf("next pass at %v, want the end of quiet hours %v", next.In(ny), want)
	}
	tick(t, d, time.Date(2026, 3, 4, 7, 59, 0, 0, ny))
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages sent in quiet hours", n)
	}
	tick(t, d, time.Date(2026, 3, 4, 8, 0, 0, 0, ny))
	if n := len(s.smtp.Messages()); n != 1 {
		t.Errorf("%d messages after quiet hours, want 1", n)
	}
}

// Reminders missed while the daemon was down go once each: the first three
// at once, the rest spaced; one more than a week late is expired with the
// reason instead.
func TestDispatchCatchUp(t *testing.T) {
	s := newSetup(t, false, "")
	spacing := 2 * time.Minute
	d := s.dispatcher(t, newFakeClock(t0), WithCatchUpSpacing(spacing))
	var ids []int64
	for i, late := range []time.Duration{30 * time.Hour, 20 * time.Hour, 10 * time.Hour, 5 * time.Hour} {
		due := t0.Add(-late)
		ids = append(ids, s.addInterview(t, "iv"+string(rune('a'+i)), "Acme", due.Add(-time.Hour), due, time.Time{}))
	}
	stale := s.addInterview(t, "stale", "Acme", t0.Add(-9*24*time.Hour), t0.Add(-8*24*time.Hour), time.Time{})
	onTime := s.addInterview(t, "on-time", "Acme", t0, t0.Add(3*time.Minute), time.Time{})

	now := t0
	next := tick(t, d, now)
	if n := len(s.smtp.Messages()); n != DefaultCatchUpBurst {
		t.Fatalf("first pass sent %d, want %d (the first catch-ups go at once)", n, DefaultCatchUpBurst)
	}
	if !next.Equal(now.Add(spacing)) {
		t.Errorf("next pass at %v, want %v", next, now.Add(spacing))
	}
	r := s.reminder(t, stale, interview.ThankYou)
	if r.State != store.StateExpired || !strings.Contains(r.LastError, "not sent") || !strings.Contains(r.LastError, "8 days") {
		t.Errorf("a reminder 8 days late: state %s, last error %q; want expired, saying why", r.State, r.LastError)
	}

	// One per spacing; the on-time one goes at its time regardless.
	for _, step := range []time.Duration{time.Minute, time.Minute, time.Minute} {
		now = now.Add(step)
		tick(t, d, now)
	}
	// t0+3m: four catch-ups (three at t0, one at t0+2m) and the on-time one.
	msgs := s.smtp.Messages()
	if len(msgs) != 5 {
		t.Fatalf("at +3m %d sent, want 5", len(msgs))
	}
	if r := s.reminder(t, onTime, interview.ThankYou); r.State != store.StateSent {
		t.Errorf("the on-time reminder was held back: %s", r.State)
	}
	for now.Before(t0.Add(10 * time.Minute)) {
		now = now.Add(time.Minute)
		tick(t, d, now)
	}
	msgs = s.smtp.Messages()
	if len(msgs) != 5 {
		t.Fatalf("%d sent in the end, want 5 (4 catch-ups, 1 on time)", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if seen[m.MessageID] {
			t.Errorf("message %s sent twice", m.MessageID)
		}
		seen[m.MessageID] = true
	}
	// Oldest first, the burst at once and then one per spacing: the
	// deliveries in store order.
	var sentAt []time.Time
	for _, id := range ids {
		r := s.reminder(t, id, interview.ThankYou)
		if r.State != store.StateSent {
			t.Fatalf("catch-up reminder %d: %s", id, r.State)
		}
		sentAt = append(sentAt, r.SentAt)
	}
	for i := 1; i < len(sentAt); i++ {
		gap := sentAt[i].Sub(sentAt[i-1])
		switch {
		case i < DefaultCatchUpBurst && gap != 0:
			t.Errorf("catch-ups %d and %d sent %v apart, want at once", i-1, i, gap)
		case i >= DefaultCatchUpBurst && gap < spacing:
			t.Errorf("catch-ups %d and %d sent %v apart, want at least %v", i-1, i, gap, spacing)
		}
	}
}

// An unconfirmed reminder is nudged nag_limit times in its thread, then
// expires; a confirmed one is not nudged.
func TestDispatchNagsThenExpiry(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	confirmed := s.addInterview(t, "confirmed", "Globex", t0.Add(-time.Hour), t0, time.Time{})

	if next := tick(t, d, t0); !next.Equal(t0.Add(24 * time.Hour)) {
		t.Errorf("after the send, next pass at %v, want nag_every later", next)
	}
	cr := s.reminder(t, confirmed, interview.ThankYou)
	if err := s.store.ResolveReminder(context.Background(), cr.ID, store.StateConfirmed, "", "", t0); err != nil {
		t.Fatal(err)
	}
	tick(t, d, t0.Add(23*time.Hour))
	if n := len(s.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages before the first nudge is due, want 2", n)
	}
	tick(t, d, t0.Add(24*time.Hour))
	tick(t, d, t0.Add(48*time.Hour))
	msgs := s.smtp.Messages()
	if len(msgs) != 4 {
		t.Fatalf("%d messages, want 2 reminders and 2 nudges", len(msgs))
	}
	r := s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateSent || r.NagsSent != 2 {
		t.Fatalf("after two nudges: state %s, nags %d", r.State, r.NagsSent)
	}
	for i, m := range msgs[2:] {
		wantID := "r." + r.Token + "." + string(rune('1'+i)) + "@example.org"
		if m.MessageID != wantID {
			t.Errorf("nudge %d Message-ID %q, want %q", i+1, m.MessageID, wantID)
		}
		if got := m.Header.Get("In-Reply-To"); got != "<"+r.MessageID+">" {
			t.Errorf("nudge %d In-Reply-To %q, want the reminder's %q", i+1, got, r.MessageID)
		}
		if !strings.HasPrefix(m.Header.Get("Subject"), "Re: ") {
			t.Errorf("nudge %d subject %q", i+1, m.Header.Get("Subject"))
		}
	}
	// Gentler each time: the one at the limit says it is the last.
	if first, last := unfold(msgs[2].Raw), unfold(msgs[3].Raw); strings.Contains(first, "no more after this") ||
		!strings.Contains(last, "no more after this") || !strings.Contains(last, "Reminder 2 of 2") {
		t.Error("nudge 2 of 2 does not say it is the last, or nudge 1 does")
	}

	next := tick(t, d, t0.Add(71*time.Hour))
	if want := t0.Add(72 * time.Hour); !next.Equal(want) {
		t.Errorf("next pass at %v, want the expiry at %v", next, want)
	}
	tick(t, d, t0.Add(72*time.Hour))
	r = s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateExpired || !strings.Contains(r.LastError, "2 nudges") {
		t.Errorf("after the last nudge went unanswered: state %s, last error %q", r.State, r.LastError)
	}
	tick(t, d, t0.Add(200*time.Hour))
	if n := len(s.smtp.Messages()); n != 4 {
		t.Errorf("%d messages in the end, want 4", n)
	}
}

// A snooze from the CLI moves the next nudge.
func TestDispatchSnoozedNudge(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	tick(t, d, t0)
	r := s.reminder(t, id, interview.ThankYou)
	until := t0.Add(50 * time.Hour)
	if err := s.store.SnoozeReminder(context.Background(), r.ID, until); err != nil {
		t.Fatal(err)
	}
	if next := tick(t, d, t0.Add(24*time.Hour)); !next.Equal(until) {
		t.Errorf("next pass at %v, want the snooze end %v", next, until)
	}
	if n := len(s.smtp.Messages()); n != 1 {
		t.Errorf("nudged during the snooze: %d messages", n)
	}
	tick(t, d, until)
	if n := len(s.smtp.Messages()); n != 2 {
		t.Errorf("%d messages after the snooze, want the nudge", n)
	}
}

// A snooze after the last nudge earns one more nudge at the snooze time (a
// send number, and so a Message-ID, of its own) instead of an expiry.
func TestDispatchSnoozeAfterLastNudge(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	tick(t, d, t0)
	tick(t, d, t0.Add(24*time.Hour))
	tick(t, d, t0.Add(48*time.Hour)) // nudge 2 of 2
	r := s.reminder(t, id, interview.ThankYou)
	if r.NagsSent != 2 {
		t.Fatalf("nags sent %d, want the limit 2", r.NagsSent)
	}
	until := t0.Add(100 * time.Hour)
	if err := s.store.SnoozeReminder(context.Background(), r.ID, until); err != nil {
		t.Fatal(err)
	}
	tick(t, d, t0.Add(72*time.Hour)) // would have been the expiry
	if r := s.reminder(t, id, interview.ThankYou); r.State != store.StateSent {
		t.Fatalf("snoozed reminder is %s at its old expiry, want still sent", r.State)
	}
	tick(t, d, until)
	msgs := s.smtp.Messages()
	if len(msgs) != 4 {
		t.Fatalf("%d messages after the snooze ended, want reminder, 2 nudges and one more", len(msgs))
	}
	if want := "r." + r.Token + ".3@example.org"; msgs[3].MessageID != want {
		t.Errorf("extra nudge Message-ID %q, want %q", msgs[3].MessageID, want)
	}
	// Unanswered after that, it expires as usual: the snooze is used up.
	tick(t, d, until.Add(24*time.Hour))
	if r := s.reminder(t, id, interview.ThankYou); r.State != store.StateExpired || r.Snoozed {
		t.Errorf("after the extra nudge went unanswered: state %s, snoozed %v; want expired", r.State, r.Snoozed)
	}
}

// A server that filed the message and then answered 451 (or a connection
// lost after the message went out): the retry finds it in the mailbox by its
// Message-ID and does not send it a second time.
func TestDispatchRetryFindsEarlierAttempt(t *testing.T) {
	var failed atomic.Bool
	s := newSetup(t, true, "", func(s *setup) mailtest.SMTPOption {
		return mailtest.SMTPDeliverTo(func(raw []byte) error {
			if err := s.imap.Deliver(raw); err != nil {
				return err
			}
			if failed.CompareAndSwap(false, true) {
				return errors.New("filed, then lost the answer")
			}
			return nil
		})
	})
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	next := tick(t, d, t0)
	r := s.reminder(t, id, interview.ThankYou)
	if r.State != store.StatePending || r.Attempts != 1 {
		t.Fatalf("after the 451: state %s, attempts %d; want pending for a retry", r.State, r.Attempts)
	}
	tick(t, d, next)
	r = s.reminder(t, id, interview.ThankYou)
	if r.State != store.StateSent {
		t.Fatalf("after the retry: state %s, want sent", r.State)
	}
	if n := s.imap.Count("INBOX"); n != 1 {
		t.Errorf("%d copies in the owner's INBOX, want 1", n)
	}
	if !strings.Contains(s.logs.String(), "failed attempt arrived after all") {
		t.Errorf("the retry did not look in the mailbox:\n%s", s.logs.String())
	}
}

// The call email and the nudges join the thank-you's thread.
func TestDispatchThreading(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, t0.Add(72*time.Hour))
	tick(t, d, t0)
	ty := s.reminder(t, id, interview.ThankYou)
	if err := s.store.ResolveReminder(context.Background(), ty.ID, store.StateConfirmed, "", "", t0); err != nil {
		t.Fatal(err)
	}
	tick(t, d, t0.Add(72*time.Hour))
	tick(t, d, t0.Add(96*time.Hour)) // the call's first nudge
	msgs := s.smtp.Messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want thank-you, call, nudge", len(msgs))
	}
	call := s.reminder(t, id, interview.FollowUpCall)
	root := "<" + ty.MessageID + ">"
	if got := msgs[0].Header.Get("In-Reply-To"); got != "" {
		t.Errorf("the thank-you answers %q; it starts the thread", got)
	}
	if got := msgs[1].Header.Get("In-Reply-To"); got != root {
		t.Errorf("call In-Reply-To %q, want %q", got, root)
	}
	if got, want := msgs[2].Header.Get("References"), root+" <"+call.MessageID+">"; got != want {
		t.Errorf("call nudge References %q, want %q", got, want)
	}
	if !strings.Contains(msgs[1].Header.Get("Content-Type"), "multipart/mixed") || !strings.Contains(string(msgs[1].Raw), "text/calendar") {
		t.Error("the call email has no .ics slot attached")
	}
}

// A reminder of an interview cancelled meanwhile is not sent.
func TestDispatchSkipsCancelledInterview(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	if _, err := s.store.CancelInterview(context.Background(), id, t0); err != nil {
		t.Fatal(err)
	}
	tick(t, d, t0)
	if n := len(s.smtp.Messages()); n != 0 {
		t.Errorf("%d messages for a cancelled interview", n)
	}
}

// A send left in flight by a crash is looked for in the Inbox: found, it is
// marked sent and not sent again; missing, it is sent again with the same
// Message-ID.
func TestDispatchReconcilesInFlight(t *testing.T) {
	s := newSetup(t, true, "")
	d := s.dispatcher(t, newFakeClock(t0))
	arrived := s.addInterview(t, "arrived", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	lost := s.addInterview(t, "lost", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	ctx := context.Background()

	var ids []string
	for _, iv := range []int64{arrived, lost} {
		r := s.reminder(t, iv, interview.ThankYou)
		id := d.messageID(r.Token, 0)
		ids = append(ids, id)
		if _, err := s.store.BeginSend(ctx, store.Attempt{Reminder: r.ID, MessageID: id}, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	// The first made it to the Inbox before the crash.
	raw := "From: followupd <" + fromAddr + ">\r\nTo: " + ownerEmail + "\r\nSubject: x\r\nMessage-ID: <" + ids[0] +
		">\r\nDate: Tue, 03 Mar 2026 11:00:00 -0500\r\n\r\nbody\r\n"
	if err := s.imap.Deliver([]byte(raw)); err != nil {
		t.Fatal(err)
	}

	tick(t, d, t0.Add(time.Second))
	msgs := s.smtp.Messages()
	if len(msgs) != 1 || msgs[0].MessageID != ids[1] {
		var got []string
		for _, m := range msgs {
			got = append(got, m.MessageID)
		}
		t.Fatalf("sent %q, want only the lost one %q, again with its Message-ID", got, ids[1])
	}
	for _, iv := range []int64{arrived, lost} {
		if r := s.reminder(t, iv, interview.ThankYou); r.State != store.StateSent {
			t.Errorf("reminder of %d: %s, want sent", iv, r.State)
		}
	}
	if r := s.reminder(t, arrived, interview.ThankYou); r.Attempts != 1 {
		t.Errorf("the arrived reminder was attempted again: attempts %d", r.Attempts)
	}
	if n := s.imap.Count("INBOX"); n != 2 {
		t.Errorf("%d messages in the Inbox, want 2 (one each)", n)
	}
	if !strings.Contains(s.logs.String(), "interrupted send found in the mailbox") {
		t.Error("reconciliation not logged")
	}
}

// Without [imap], a send left in flight is sent again (same Message-ID).
func TestDispatchInFlightWithoutMailbox(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	r := s.reminder(t, id, interview.ThankYou)
	mid := d.messageID(r.Token, 0)
	if _, err := s.store.BeginSend(context.Background(), store.Attempt{Reminder: r.ID, MessageID: mid}, t0); err != nil {
		t.Fatal(err)
	}
	tick(t, d, t0)
	msgs := s.smtp.Messages()
	if len(msgs) != 1 || msgs[0].MessageID != mid {
		t.Fatalf("sent %d messages; want the one in flight again", len(msgs))
	}
}

// With a Drafts folder, the thank-you's drafts are placed there once, with
// \Draft, addressed to the interviewer, and without the reply token.
func TestDispatchPlacesDrafts(t *testing.T) {
	s := newSetup(t, true, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	r := s.reminder(t, id, interview.ThankYou)
	tick(t, d, t0)
	if n := s.imap.Count("Drafts"); n != 1 {
		t.Fatalf("%d drafts, want 1", n)
	}
	msgs := s.smtp.Messages()
	if len(msgs) != 1 || !strings.Contains(unfold(msgs[0].Raw), `"Drafts" folder`) {
		t.Errorf("the thank-you email does not mention the Drafts folder")
	}

	// A repeat of the send (as after a crash) does not place them twice.
	rec, err := s.store.Interview(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	in := mailer.ThankYouInput{Interview: rec.Interview, Owner: s.cfg.Owner, Formality: Formality(rec, s.cfg), Now: t0}
	if !d.placeDrafts(context.Background(), in, r.Token, t0, s.log) {
		t.Fatal("placing the drafts again failed")
	}
	if n := s.imap.Count("Drafts"); n != 1 {
		t.Errorf("%d drafts after a repeat, want still 1", n)
	}

	// What is there: \Draft, to the interviewer, no token.
	raw, flags := fetchFirst(t, s.imap.Addr, "Drafts")
	if !slices.Contains(flags, imap.FlagDraft) {
		t.Errorf("draft flags %v, want \\Draft", flags)
	}
	if !strings.Contains(raw, "\r\nTo: \"Jane Doe\" <jane.doe@acme.example>\r\n") {
		t.Errorf("draft not addressed to the interviewer:\n%s", raw)
	}
	if strings.Contains(raw, r.Token) {
		t.Error("the draft carries the reply token")
	}
}

// fetchFirst reads the first message of folder on the IMAP server at addr:
// its raw text and flags.
func fetchFirst(t *testing.T, addr, folder string) (string, []imap.Flag) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapUser, imapPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{
		Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch from %s: %v (%d messages)", folder, err, len(msgs))
	}
	var raw []byte
	for _, b := range msgs[0].BodySection {
		raw = b.Bytes
	}
	return string(raw), msgs[0].Flags
}

// unfold undoes quoted-printable soft line breaks, enough to search a body.
func unfold(raw []byte) string {
	return strings.ReplaceAll(string(raw), "=\r\n", "")
}

// Run sleeps until the next due send (not polling), wakes early on Kick,
// and returns nil when stopped.
func TestRunSleepsUntilDueAndWakesOnKick(t *testing.T) {
	s := newSetup(t, false, "")
	clock := newFakeClock(t0)
	d := s.dispatcher(t, clock, WithMaxSleep(48*time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	if got := clock.waitTimer(t); got != 48*time.Hour {
		t.Errorf("with nothing to do, Run sleeps %v; want the cap", got)
	}
	s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0.Add(90*time.Minute), time.Time{})
	d.Kick()
	if got := clock.waitTimer(t); got != 90*time.Minute {
		t.Errorf("after a kick, Run sleeps %v; want until the reminder is due (1h30m)", got)
	}
	clock.Advance(89 * time.Minute)
	select {
	case <-s.smtp.Arrived():
		t.Fatal("sent before its due time")
	case <-time.After(50 * time.Millisecond):
	}
	clock.Advance(time.Minute)
	s.smtp.WaitMessages(t, 1, 10*time.Second)
	// Asleep again: until the first nudge.
	if got := clock.waitTimer(t); got != 24*time.Hour {
		t.Errorf("after the send, Run sleeps %v; want 24h until the nudge", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v after cancel, want nil", err)
		}
	case <-time.After(mailtest.Scaled(10 * time.Second)):
		t.Fatal("Run did not return after cancel")
	}
}

// Kick never blocks, and kicks made while one is pending merge into it.
func TestKickNeverBlocks(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	for range 3 {
		d.Kick()
	}
	if n := len(d.kick); n != 1 {
		t.Errorf("%d kicks pending, want 1", n)
	}
	var none *Dispatcher
	none.Kick() // a daemon without [smtp] has no dispatcher
}

// The default sleep cap bounds how late a change made by another process
// (the CLI) is noticed.
func TestRunCapsSleep(t *testing.T) {
	s := newSetup(t, false, "")
	clock := newFakeClock(t0)
	d := s.dispatcher(t, clock)
	s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0.Add(5*time.Hour), time.Time{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = d.Run(ctx) }()
	if got := clock.waitTimer(t); got != DefaultMaxSleep {
		t.Errorf("Run sleeps %v with a reminder 5h away; want the %v cap", got, DefaultMaxSleep)
	}
}
