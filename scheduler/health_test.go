package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// A failure of the account or the connection gives no reminder up: every
// send is held, the health says so (in the process and in the store), the
// tries back off up to the cap, and once the server works again the held
// reminders go out. A rejection of one message still fails that one alone.
func TestDispatchHoldsOnAccountFailure(t *testing.T) {
	for _, tc := range []struct {
		name         string
		break_, heal func(*mailtest.SMTPServer)
		cause        string
	}{
		{"sender refused", func(s *mailtest.SMTPServer) {
			s.FailAlways(mailtest.StageMail, &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender not owned by user"})
		}, func(s *mailtest.SMTPServer) { s.FailAlways(mailtest.StageMail, nil) }, "553"},
		{"server refuses sessions", func(s *mailtest.SMTPServer) {
			s.FailHello(errors.New("too busy"))
		}, func(s *mailtest.SMTPServer) { s.FailHello(nil) }, "too busy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSetup(t, false, "")
			d := s.dispatcher(t, newFakeClock(t0), WithMaxAttempts(2), WithBackoff(time.Minute, time.Hour),
				WithMaxHold(4*time.Minute))
			a := s.addInterview(t, "a", "Acme", t0.Add(-time.Hour), t0, time.Time{})
			b := s.addInterview(t, "b", "Globex", t0.Add(-time.Hour), t0, time.Time{})
			tc.break_(s.smtp)

			next := tick(t, d, t0)
			if ok, since, cause := d.Health(); ok || !since.Equal(t0) || !strings.Contains(cause, tc.cause) {
				t.Fatalf("health after the failure: ok %v since %v cause %q", ok, since, cause)
			}
			if !next.Equal(t0.Add(time.Minute)) {
				t.Errorf("next try at %v, want %v", next, t0.Add(time.Minute))
			}
			// Only one send tried: the other waits for the account.
			if r := s.reminder(t, b, interview.ThankYou); r.Attempts+s.reminder(t, a, interview.ThankYou).Attempts != 1 {
				t.Errorf("attempts after the first failure: %d and %d, want one in all",
					s.reminder(t, a, interview.ThankYou).Attempts, r.Attempts)
			}
			h, err := s.store.SenderHealth(context.Background())
			if err != nil || h.OK || !strings.Contains(h.Cause, tc.cause) || !h.RetryAt.Equal(next) {
				t.Errorf("stored health %+v, %v", h, err)
			}

			// Hours of failure, far past the attempt limit: nothing given up,
			// tries spaced by the doubling wait up to the cap.
			now, tries := t0, 0
			var waits []time.Duration
			for now.Before(t0.Add(3 * time.Hour)) {
				at := tick(t, d, now)
				if ok, _, _ := d.Health(); !ok && at.After(now) {
					waits = append(waits, at.Sub(now))
				}
				tries++
				now = now.Add(time.Minute)
			}
			for _, id := range []int64{a, b} {
				if r := s.reminder(t, id, interview.ThankYou); r.State != store.StatePending {
					t.Fatalf("reminder of %d after hours held: %s (%s)", id, r.State, r.LastError)
				}
			}
			for _, w := range waits {
				if w > 4*time.Minute {
					t.Errorf("a held sender waits %v, more than the 4m cap", w)
				}
			}
			if n := len(s.smtp.Messages()); n != 0 {
				t.Fatalf("%d sent while the account fails", n)
			}

			tc.heal(s.smtp)
			for range 5 {
				tick(t, d, now)
				now = now.Add(time.Minute)
			}
			for _, id := range []int64{a, b} {
				if r := s.reminder(t, id, interview.ThankYou); r.State != store.StateSent {
					t.Errorf("reminder of %d once the server works: %s (%s)", id, r.State, r.LastError)
				}
			}
			if ok, _, cause := d.Health(); !ok || cause != "" {
				t.Errorf("health once sending works: ok %v cause %q", ok, cause)
			}
			if h, err := s.store.SenderHealth(context.Background()); err != nil || !h.OK {
				t.Errorf("stored health once sending works: %+v, %v", h, err)
			}
		})
	}
}

// A 5xx for the recipient fails that reminder alone and does not hold the
// others; followupd retry (Store.RetryReminder) takes it up again.
func TestDispatchRecipientRefusalFailsOneAndRetry(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	a := s.addInterview(t, "a", "Acme", t0.Add(-time.Hour), t0, time.Time{})
	b := s.addInterview(t, "b", "Globex", t0.Add(-time.Hour), t0, time.Time{})
	s.smtp.FailNext(mailtest.StageRcpt, permanent)
	tick(t, d, t0)
	ra, rb := s.reminder(t, a, interview.ThankYou), s.reminder(t, b, interview.ThankYou)
	if ra.State != store.StateFailed || rb.State != store.StateSent {
		t.Fatalf("after a 550 for one recipient: %s and %s, want failed and sent", ra.State, rb.State)
	}
	if ok, _, _ := d.Health(); !ok {
		t.Error("a refused recipient held the sender")
	}
	ctx := context.Background()
	if err := s.store.RetryReminder(ctx, rb.ID, t0); !errors.Is(err, store.ErrChanged) {
		t.Errorf("retry of a sent reminder: %v, want ErrChanged", err)
	}
	now := t0.Add(time.Hour)
	if err := s.store.RetryReminder(ctx, ra.ID, now); err != nil {
		t.Fatal(err)
	}
	if r := s.reminder(t, a, interview.ThankYou); r.State != store.StatePending || r.Attempts != 0 || r.LastError != "" {
		t.Fatalf("after retry: %+v", r)
	}
	tick(t, d, now)
	if r := s.reminder(t, a, interview.ThankYou); r.State != store.StateSent {
		t.Errorf("retried reminder: %s (%s)", r.State, r.LastError)
	}
}
