package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// dispatchNow is the clock of the dispatch tests.
var dispatchNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// dispatchStore opens a fresh store holding one interview (uid) whose
// thank-you is due an hour before dispatchNow and whose call is due two
// days after; it returns the store and the two reminders.
func dispatchStore(t *testing.T) (*Store, ReminderRecord, ReminderRecord) {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "followupd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	ty, call := addDispatchInterview(t, s, "iv-1")
	return s, ty, call
}

func addDispatchInterview(t *testing.T, s *Store, uid string) (thankYou, call ReminderRecord) {
	t.Helper()
	iv := interview.Interview{
		Key: interview.Key{UID: uid}, Status: interview.Scheduled, Summary: "Interview at Acme",
		Start: dispatchNow.Add(-3 * time.Hour), End: dispatchNow.Add(-2 * time.Hour),
	}
	planner := func(iv interview.Interview) []interview.Reminder {
		return []interview.Reminder{
			{Kind: interview.ThankYou, Due: iv.End.Add(time.Hour)},
			{Kind: interview.FollowUpCall, Due: dispatchNow.Add(48 * time.Hour)},
		}
	}
	if _, err := s.Apply(context.Background(), Report{Source: "calendar:t", Interviews: []interview.Interview{iv}}, dispatchNow, planner); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if rec.UID != uid {
			continue
		}
		for _, r := range rec.Reminders {
			switch r.Kind {
			case interview.ThankYou:
				thankYou = r
			case interview.FollowUpCall:
				call = r
			}
		}
	}
	if thankYou.ID == 0 || call.ID == 0 {
		t.Fatalf("interview %s has no reminders", uid)
	}
	return thankYou, call
}

func getReminder(t *testing.T, s *Store, id int64) ReminderRecord {
	t.Helper()
	r, err := s.Reminder(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSendLifecycle(t *testing.T) {
	ctx := context.Background()
	s, ty, _ := dispatchStore(t)
	a := Attempt{Reminder: ty.ID, N: 0, MessageID: "r.tok.0@example.org"}
	retry := dispatchNow.Add(time.Minute)

	// A temporary failure: back to pending, with the error and the retry time.
	if n, err := s.BeginSend(ctx, a, retry); err != nil || n != 1 {
		t.Fatalf("BeginSend = %d, %v; want 1 attempt", n, err)
	}
	r := getReminder(t, s, ty.ID)
	if r.State != StateSending || r.MessageID != a.MessageID || !r.NextAttempt.Equal(retry) || r.Attempts != 1 {
		t.Fatalf("after BeginSend: %+v", r)
	}
	if err := s.SendRetry(ctx, a, retry, "451 try later"); err != nil {
		t.Fatal(err)
	}
	r = getReminder(t, s, ty.ID)
	if r.State != StatePending || r.LastError != "451 try later" || !r.NextAttempt.Equal(retry) {
		t.Fatalf("after SendRetry: %+v", r)
	}

	// The second attempt goes out; a nudge may not be begun before.
	if _, err := s.BeginSend(ctx, Attempt{Reminder: ty.ID, N: 1}, retry); !errors.Is(err, ErrChanged) {
		t.Errorf("nudge before the reminder was sent: %v, want ErrChanged", err)
	}
	if n, err := s.BeginSend(ctx, a, retry); err != nil || n != 2 {
		t.Fatalf("second BeginSend = %d, %v", n, err)
	}
	nag := dispatchNow.Add(24 * time.Hour)
	if err := s.SendDone(ctx, a, dispatchNow, nag); err != nil {
		t.Fatal(err)
	}
	r = getReminder(t, s, ty.ID)
	if r.State != StateSent || !r.SentAt.Equal(dispatchNow) || !r.NextAttempt.Equal(nag) || r.LastError != "" || r.Attempts != 2 {
		t.Fatalf("after SendDone: %+v", r)
	}
	// Done twice is a conflict, not a second send.
	if err := s.SendDone(ctx, a, dispatchNow, nag); !errors.Is(err, ErrChanged) {
		t.Errorf("SendDone again: %v, want ErrChanged", err)
	}

	// Nudge 1: attempts start again; the reminder's own Message-ID stays.
	n1 := Attempt{Reminder: ty.ID, N: 1, MessageID: "r.tok.1@example.org"}
	if _, err := s.BeginSend(ctx, Attempt{Reminder: ty.ID, N: 2}, retry); !errors.Is(err, ErrChanged) {
		t.Errorf("nudge 2 before nudge 1: %v, want ErrChanged", err)
	}
	if n, err := s.BeginSend(ctx, n1, retry); err != nil || n != 1 {
		t.Fatalf("BeginSend nudge 1 = %d, %v; want attempts 1", n, err)
	}
	// In flight after a crash: begun again, attempts go on.
	if n, err := s.BeginSend(ctx, n1, retry); err != nil || n != 2 {
		t.Fatalf("BeginSend nudge 1 again = %d, %v; want attempts 2", n, err)
	}
	later := dispatchNow.Add(25 * time.Hour)
	if err := s.SendDone(ctx, n1, later, later.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r = getReminder(t, s, ty.ID)
	if r.State != StateSent || r.NagsSent != 1 || !r.SentAt.Equal(dispatchNow) || r.MessageID != a.MessageID {
		t.Fatalf("after nudge 1: %+v", r)
	}

	// Nudge 2 refused for good.
	n2 := Attempt{Reminder: ty.ID, N: 2}
	if _, err := s.BeginSend(ctx, n2, retry); err != nil {
		t.Fatal(err)
	}
	if err := s.SendFailed(ctx, n2, later, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	r = getReminder(t, s, ty.ID)
	if r.State != StateFailed || r.LastError != "550 no such user" || r.ResolvedAt.IsZero() || !r.NextAttempt.IsZero() {
		t.Fatalf("after SendFailed: %+v", r)
	}
	if _, err := s.BeginSend(ctx, n2, retry); !errors.Is(err, ErrChanged) {
		t.Errorf("BeginSend on a failed reminder: %v, want ErrChanged", err)
	}
	if _, err := s.BeginSend(ctx, Attempt{Reminder: 9999}, retry); !errors.Is(err, ErrNotFound) {
		t.Errorf("BeginSend on no reminder: %v, want ErrNotFound", err)
	}
}

func TestOpenReminders(t *testing.T) {
	ctx := context.Background()
	s, ty, call := dispatchStore(t)
	ty2, call2 := addDispatchInterview(t, s, "iv-2")
	if err := s.ResolveReminder(ctx, call.ID, StateConfirmed, "called", "", dispatchNow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginSend(ctx, Attempt{Reminder: ty2.ID}, dispatchNow); err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenReminders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range open {
		ids = append(ids, r.ID)
	}
	want := []int64{ty.ID, ty2.ID, call2.ID}
	if len(ids) != len(want) {
		t.Fatalf("open reminders %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("open reminders %v, want %v", ids, want)
		}
	}
	if open[1].State != StateSending || open[0].Token == "" {
		t.Errorf("open reminders read wrongly: %+v", open)
	}
}

func TestResolveReminder(t *testing.T) {
	for _, c := range []struct {
		name  string
		from  func(t *testing.T, s *Store, id int64) // brings the reminder into its state
		to    interview.State
		want  error
		state interview.State
	}{
		{"confirm pending", nil, StateConfirmed, nil, StateConfirmed},
		{"skip sent", sentState, StateSkipped, nil, StateSkipped},
		{"expire sent", sentState, StateExpired, nil, StateExpired},
		{"expire in flight", sendingState, StateExpired, ErrChanged, StateSending},
		{"cancel in flight", sendingState, StateCancelled, nil, StateCancelled},
		{"confirm after failure", failedState, StateConfirmed, nil, StateConfirmed},
		{"cancel after failure", failedState, StateCancelled, ErrChanged, StateFailed},
		{"confirm twice", confirmedState, StateConfirmed, ErrChanged, StateConfirmed},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, ty, _ := dispatchStore(t)
			if c.from != nil {
				c.from(t, s, ty.ID)
			}
			err := s.ResolveReminder(context.Background(), ty.ID, c.to, "offer", "a note", dispatchNow)
			if !errors.Is(err, c.want) {
				t.Fatalf("ResolveReminder: %v, want %v", err, c.want)
			}
			r := getReminder(t, s, ty.ID)
			if r.State != c.state {
				t.Errorf("state %s, want %s", r.State, c.state)
			}
			if c.want == nil && (r.Outcome != "offer" || r.LastError != "a note" || !r.ResolvedAt.Equal(dispatchNow)) {
				t.Errorf("resolved reminder %+v: want outcome, note and resolved_at", r)
			}
		})
	}
	s, _, _ := dispatchStore(t)
	if err := s.ResolveReminder(context.Background(), 9999, StateConfirmed, "", "", dispatchNow); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such reminder: %v, want ErrNotFound", err)
	}
	if err := s.ResolveReminder(context.Background(), 1, StatePending, "", "", dispatchNow); err == nil {
		t.Error("resolving to pending was accepted")
	}
}

func sendingState(t *testing.T, s *Store, id int64) {
	t.Helper()
	if _, err := s.BeginSend(context.Background(), Attempt{Reminder: id, MessageID: "m@x"}, dispatchNow); err != nil {
		t.Fatal(err)
	}
}

func sentState(t *testing.T, s *Store, id int64) {
	t.Helper()
	sendingState(t, s, id)
	if err := s.SendDone(context.Background(), Attempt{Reminder: id}, dispatchNow, dispatchNow.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func failedState(t *testing.T, s *Store, id int64) {
	t.Helper()
	sendingState(t, s, id)
	if err := s.SendFailed(context.Background(), Attempt{Reminder: id}, dispatchNow, "550"); err != nil {
		t.Fatal(err)
	}
}

func confirmedState(t *testing.T, s *Store, id int64) {
	t.Helper()
	if err := s.ResolveReminder(context.Background(), id, StateConfirmed, "", "", dispatchNow); err != nil {
		t.Fatal(err)
	}
}

func TestSnoozeReminder(t *testing.T) {
	ctx := context.Background()
	s, ty, call := dispatchStore(t)

	// Pending and due before: next_attempt is the snooze; due after the
	// snooze: it stays at its due time.
	until := dispatchNow.Add(3 * time.Hour)
	if err := s.SnoozeReminder(ctx, ty.ID, until); err != nil {
		t.Fatal(err)
	}
	if r := getReminder(t, s, ty.ID); !r.NextAttempt.Equal(until) || r.State != StatePending {
		t.Errorf("snoozed pending reminder: %+v", r)
	}
	if err := s.SnoozeReminder(ctx, call.ID, until); err != nil {
		t.Fatal(err)
	}
	if r := getReminder(t, s, call.ID); !r.NextAttempt.IsZero() {
		t.Errorf("snooze before the due time moved it: next_attempt %v", r.NextAttempt)
	}

	// Sent: the next nudge moves.
	sentState(t, s, ty.ID)
	if err := s.SnoozeReminder(ctx, ty.ID, until); err != nil {
		t.Fatal(err)
	}
	if r := getReminder(t, s, ty.ID); !r.NextAttempt.Equal(until) || r.State != StateSent {
		t.Errorf("snoozed sent reminder: %+v", r)
	}

	// Failed: taken up again, pending, its error and attempts cleared.
	failedState(t, s, call.ID)
	if err := s.SnoozeReminder(ctx, call.ID, until); err != nil {
		t.Fatal(err)
	}
	if r := getReminder(t, s, call.ID); r.State != StatePending || r.Attempts != 0 || r.LastError != "" || !r.ResolvedAt.IsZero() {
		t.Errorf("snoozed failed reminder: %+v", r)
	}

	// In flight or resolved by the owner: refused.
	sendingState(t, s, call.ID)
	if err := s.SnoozeReminder(ctx, call.ID, until); !errors.Is(err, ErrChanged) {
		t.Errorf("snooze in flight: %v, want ErrChanged", err)
	}
	confirmedState(t, s, ty.ID)
	if err := s.SnoozeReminder(ctx, ty.ID, until); !errors.Is(err, ErrChanged) {
		t.Errorf("snooze confirmed: %v, want ErrChanged", err)
	}
	if err := s.SnoozeReminder(ctx, 9999, until); !errors.Is(err, ErrNotFound) {
		t.Errorf("snooze nothing: %v, want ErrNotFound", err)
	}
}

func TestCancelInterview(t *testing.T) {
	ctx := context.Background()
	s, ty, call := dispatchStore(t)
	confirmedState(t, s, ty.ID)
	n, err := s.CancelInterview(ctx, ty.InterviewID, dispatchNow)
	if err != nil || n != 1 {
		t.Fatalf("CancelInterview = %d, %v; want 1 reminder cancelled", n, err)
	}
	rec, err := s.Interview(ctx, ty.InterviewID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != interview.Cancelled || rec.CancelReason != CancelledByOwner {
		t.Errorf("interview %s (%s), want cancelled by the owner", rec.Status, rec.CancelReason)
	}
	if r := getReminder(t, s, call.ID); r.State != StateCancelled || r.ResolvedAt.IsZero() {
		t.Errorf("open call reminder after cancel: %+v", r)
	}
	if r := getReminder(t, s, ty.ID); r.State != StateConfirmed {
		t.Errorf("a resolved reminder changed: %s", r.State)
	}
	if _, err := s.CancelInterview(ctx, 9999, dispatchNow); !errors.Is(err, ErrNotFound) {
		t.Errorf("cancel nothing: %v, want ErrNotFound", err)
	}
}
