package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// A complete calendar report without interviews (the calendar still holds
// other events, but its last interview was deleted, renamed so that it is no
// longer one, or declined) makes it vanish; guarding against an empty answer
// is the caller's, who never calls such an answer complete.
func TestApplyCompleteReportWithoutInterviewsVanishes(t *testing.T) {
	tests := []struct {
		name       string
		complete   bool
		wantChange string
		wantStatus interview.Status
		wantState  interview.State
	}{
		{"last interview gone from a calendar with other events", true, ChangeVanished, interview.Cancelled, StateCancelled},
		{"empty or broken answer, not complete", false, "", interview.Scheduled, StatePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			x, y := newInterview("x", 1, day(5, 10)), newInterview("y", 1, day(6, 10))
			apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x, y}}, day(0, 9))

			got := apply(t, s, Report{Source: "calendar:work", Complete: tt.complete}, day(1, 9))
			var want []string
			if tt.wantChange != "" {
				want = []string{"x " + tt.wantChange, "y " + tt.wantChange}
			}
			wantChanges(t, got, want...)
			for _, uid := range []string{"x", "y"} {
				rec := find(t, s, uid)
				if rec.Status != tt.wantStatus {
					t.Errorf("%s is %s, want %s", uid, rec.Status, tt.wantStatus)
				}
				for _, r := range rec.Reminders {
					if r.State != tt.wantState {
						t.Errorf("%s: %s reminder %s, want %s", uid, r.Kind, r.State, tt.wantState)
					}
				}
			}
		})
	}
}

// The guard against an empty answer is the caller's alone: once it calls a
// report complete, an interview that has started still does not vanish.
func TestApplyCompleteReportWithoutInterviewsKeepsStarted(t *testing.T) {
	s, _ := openTest(t)
	iv := newInterview("x", 1, day(0, 10))
	apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{iv}}, day(0, 9))
	wantChanges(t, apply(t, s, Report{Source: "calendar:work", Complete: true}, day(0, 10)), "x vanished-kept")
	if rec := find(t, s, "x"); rec.Status != interview.Scheduled {
		t.Errorf("started interview is %s, want scheduled", rec.Status)
	}
}

// sendThankYou records the thank-you of uid as sent at now, as the
// dispatcher does.
func sendThankYou(t *testing.T, s *Store, uid string, now time.Time) ReminderRecord {
	t.Helper()
	ctx := context.Background()
	ty := reminder(t, find(t, s, uid), interview.ThankYou)
	a := Attempt{Reminder: ty.ID, MessageID: "r." + ty.Token + ".0@example.test"}
	if _, err := s.BeginSend(ctx, a, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SendDone(ctx, a, now, now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return reminder(t, find(t, s, uid), interview.ThankYou)
}

// A reminder that went out before its interview was cancelled (and resolved
// cancelled by the dispatcher) stays as it was resolved when the interview
// comes back: it is never sent again, and keeps its token and Message-ID for
// replies. One that never went out is planned again, with its token.
func TestReviveNeverResendsWhatWentOut(t *testing.T) {
	tests := []struct {
		name   string
		revive func(t *testing.T, s *Store, iv interview.Interview, now time.Time) // cancels, then brings back
	}{
		{"organizer cancels, then re-sends", func(t *testing.T, s *Store, iv interview.Interview, now time.Time) {
			c := iv
			c.Sequence, c.Status = iv.Sequence+1, interview.Cancelled
			wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{c}}, now), "a cancelled")
			dispatcherCancels(t, s, now.Add(time.Minute))
			r := iv
			r.Sequence = iv.Sequence + 2
			wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{r}}, now.Add(time.Hour)), "a revived")
		}},
		{"vanishes from its calendar, then reappears", func(t *testing.T, s *Store, iv interview.Interview, now time.Time) {
			wantChanges(t, apply(t, s, Report{Source: "calendar:work", Complete: true}, now), "a vanished")
			dispatcherCancels(t, s, now.Add(time.Minute))
			wantChanges(t, apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{iv}}, now.Add(time.Hour)), "a revived")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			iv := newInterview("a", 1, day(0, 10))
			apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{iv}}, day(0, 9))
			sent := sendThankYou(t, s, "a", day(0, 12))
			// Moved to a later day after the thank-you went out: the sent one
			// stays sent, and the interview can still be cancelled.
			iv.Sequence, iv.Start, iv.End = 2, day(3, 10), day(3, 11)
			apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{iv}}, day(1, 9))
			call := reminder(t, find(t, s, "a"), interview.FollowUpCall)

			tt.revive(t, s, iv, day(2, 9))

			rec := find(t, s, "a")
			if rec.Status != interview.Scheduled {
				t.Fatalf("status %s, want scheduled again", rec.Status)
			}
			ty := reminder(t, rec, interview.ThankYou)
			if ty.State != StateCancelled || ty.Token != sent.Token || ty.MessageID != sent.MessageID ||
				!ty.SentAt.Equal(sent.SentAt) {
				t.Errorf("thank-you that went out = %+v, want cancelled as resolved, token %q, Message-ID %q and sent_at %v kept",
					ty, sent.Token, sent.MessageID, sent.SentAt)
			}
			open, err := s.OpenReminders(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(open, func(r ReminderRecord) bool { return r.ID == ty.ID }) {
				t.Errorf("the thank-you that went out is open again: it would be sent twice")
			}
			got := reminder(t, rec, interview.FollowUpCall)
			if got.State != StatePending || got.ID != call.ID || got.Token != call.Token || !got.Due.Equal(day(6, 11)) ||
				!got.ResolvedAt.IsZero() || got.Attempts != 0 {
				t.Errorf("call that never went out = %+v, want pending again due %v with token %q", got, day(6, 11), call.Token)
			}
		})
	}
}

// dispatcherCancels resolves every open reminder cancelled, as the
// dispatcher does for the reminders of a cancelled interview.
func dispatcherCancels(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	open, err := s.OpenReminders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range open {
		if err := s.ResolveReminder(ctx, r.ID, StateCancelled, "", "the interview was cancelled", now); err != nil {
			t.Fatal(err)
		}
	}
}

// A reminder whose first send was begun but never confirmed when the
// cancellation came may have gone out: it is planned again with its token,
// so that a reply to that email still finds it.
func TestReviveKeepsTokenOfInterruptedSend(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	iv := newInterview("a", 1, day(0, 10))
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, day(0, 9))
	ty := reminder(t, find(t, s, "a"), interview.ThankYou)
	if _, err := s.BeginSend(ctx, Attempt{Reminder: ty.ID, MessageID: "r." + ty.Token + ".0@example.test"}, day(0, 10)); err != nil {
		t.Fatal(err)
	}
	c := iv
	c.Sequence, c.Status = 2, interview.Cancelled
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{c}}, day(0, 9))
	dispatcherCancels(t, s, day(0, 9))
	iv.Sequence = 3
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, day(0, 9)), "a revived")
	got := reminder(t, find(t, s, "a"), interview.ThankYou)
	if got.State != StatePending || got.Token != ty.Token || got.Attempts != 0 {
		t.Errorf("interrupted thank-you = %+v, want pending with token %q", got, ty.Token)
	}
}

// A cancellation may only come before the interview ends: one at or after
// its end (the clean-up a recruiting tool sends after the fact) leaves the
// interview, its data and its follow-ups as they were, by either path.
func TestApplyCancelAfterEndKeepsFollowUps(t *testing.T) {
	paths := []struct {
		name   string
		report func(iv interview.Interview) Report
	}{
		{"METHOD:CANCEL key", func(iv interview.Interview) Report {
			return Report{Source: "imap:INBOX", Cancelled: []interview.Key{iv.Key}}
		}},
		{"STATUS:CANCELLED newer version", func(iv interview.Interview) Report {
			iv.Sequence++
			iv.Status = interview.Cancelled
			iv.Summary = "Cancelled: " + iv.Summary
			return Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}
		}},
	}
	times := []struct {
		name       string
		now        time.Time // the interview runs day(0, 10) to day(0, 11)
		wantChange string
		wantStatus interview.Status
		wantCall   interview.State
	}{
		{"during", day(0, 10).Add(30 * time.Minute), ChangeCancelled, interview.Cancelled, StateCancelled},
		{"at its end", day(0, 11), ChangeCancelAfterEnd, interview.Scheduled, StatePending},
		{"a day later", day(1, 11), ChangeCancelAfterEnd, interview.Scheduled, StatePending},
	}
	for _, p := range paths {
		for _, tm := range times {
			t.Run(p.name+"/"+tm.name, func(t *testing.T) {
				s, _ := openTest(t)
				iv := newInterview("a", 1, day(0, 10))
				apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, day(0, 9))

				wantChanges(t, apply(t, s, p.report(iv), tm.now), "a "+tm.wantChange)
				rec := find(t, s, "a")
				if rec.Status != tm.wantStatus {
					t.Errorf("status %s, want %s", rec.Status, tm.wantStatus)
				}
				if call := reminder(t, rec, interview.FollowUpCall); call.State != tm.wantCall {
					t.Errorf("follow-up call %s, want %s", call.State, tm.wantCall)
				}
				if !slices.Contains(rec.Sources, "imap:INBOX") {
					t.Errorf("sources %q do not record the cancellation's", rec.Sources)
				}
				if tm.wantChange == ChangeCancelAfterEnd && (rec.Sequence != 1 || rec.Summary != iv.Summary || rec.CancelReason != "") {
					t.Errorf("stored %d %q (%q), want the data as it was", rec.Sequence, rec.Summary, rec.CancelReason)
				}
			})
		}
	}
}
