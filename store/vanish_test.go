package store

import (
	"slices"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// Done-when: vanish before start.
func TestApplyVanish(t *testing.T) {
	now := day(0, 9)
	tests := []struct {
		name       string
		start      time.Time
		others     []string // other sources that report it too
		wantChange string
		wantStatus interview.Status
	}{
		{"before start", day(1, 14), nil, ChangeVanished, interview.Cancelled},
		{"an invitation does not keep it alive", day(1, 14), []string{"imap:INBOX"}, ChangeVanished, interview.Cancelled},
		{"another calendar keeps it alive", day(1, 14), []string{"calendar:home"}, ChangeVanishedKept, interview.Scheduled},
		{"after start", day(0, 8), nil, ChangeVanishedKept, interview.Scheduled},
		{"at start", now, nil, ChangeVanishedKept, interview.Scheduled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			x, y := newInterview("x", 0, tt.start), newInterview("y", 0, day(2, 14))
			apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x, y}}, now.Add(-time.Hour))
			for _, src := range tt.others {
				apply(t, s, Report{Source: src, Interviews: []interview.Interview{x}}, now.Add(-time.Hour))
			}
			got := apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{y}}, now)
			wantChanges(t, got, "y unchanged", "x "+tt.wantChange)

			rec := find(t, s, "x")
			if rec.Status != tt.wantStatus {
				t.Errorf("status %s, want %s", rec.Status, tt.wantStatus)
			}
			if slices.Contains(rec.Sources, "calendar:work") {
				t.Errorf("sources %q still hold the calendar it vanished from", rec.Sources)
			}
			wantReminder := StatePending
			if tt.wantStatus == interview.Cancelled {
				wantReminder = StateCancelled
				if rec.CancelReason != CancelledByVanish {
					t.Errorf("cancel reason %q, want %q", rec.CancelReason, CancelledByVanish)
				}
			}
			for _, r := range rec.Reminders {
				if r.State != wantReminder {
					t.Errorf("%s reminder %s, want %s", r.Kind, r.State, wantReminder)
				}
			}
			if y := find(t, s, "y"); y.Status != interview.Scheduled {
				t.Errorf("the interview still listed was %s", y.Status)
			}
		})
	}
}

// Done-when: failed fetch. A failed fetch is no report (nothing happens) or
// an incomplete one; neither cancels what it does not list.
func TestApplyFailedFetchCancelsNothing(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	x, y := newInterview("x", 0, day(1, 14)), newInterview("y", 0, day(2, 14))
	apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x, y}}, now)

	reports := []Report{
		{Source: "calendar:work", Complete: false},                                           // fetch failed
		{Source: "calendar:work", Complete: false, Interviews: []interview.Interview{y}},     // read partly
		{Source: "calendar:work", Complete: false},                                           // an empty answer: the caller never calls it complete
		{Source: "imap:INBOX", Complete: true, Interviews: []interview.Interview{y}},         // not a calendar
		{Source: "calendar:home", Complete: true, Interviews: []interview.Interview{y}},      // another calendar
		{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x, y}},   // back to normal
		{Source: "calendar:work", Complete: false, Cancelled: []interview.Key{{UID: "zzz"}}}, // unrelated cancel
	}
	for i, r := range reports {
		for _, c := range apply(t, s, r, now.Add(time.Duration(i)*time.Minute)) {
			if c.What == ChangeVanished || c.What == ChangeCancelled {
				t.Errorf("report %d (%+v): %s %s", i, r, c.Key, c.What)
			}
		}
	}
	for _, uid := range []string{"x", "y"} {
		rec := find(t, s, uid)
		if rec.Status != interview.Scheduled || !slices.Contains(rec.Sources, "calendar:work") {
			t.Errorf("%s: status %s sources %q", uid, rec.Status, rec.Sources)
		}
		for _, r := range rec.Reminders {
			if r.State != StatePending {
				t.Errorf("%s: %s reminder %s", uid, r.Kind, r.State)
			}
		}
	}
}

func TestApplyRevive(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	iv := newInterview("a", 1, day(0, 10)) // not ended: it can be cancelled
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, now)
	setState(t, s, find(t, s, "a"), interview.ThankYou, StateSent)
	oldCall := reminder(t, find(t, s, "a"), interview.FollowUpCall)
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Cancelled: []interview.Key{iv.Key}}, now), "a cancelled")

	// An equal version does not revive an interview cancelled by its organizer.
	wantChanges(t, apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now), "a unchanged")
	if rec := find(t, s, "a"); rec.Status != interview.Cancelled {
		t.Fatalf("revived by an equal version")
	}

	again := iv
	again.Sequence = 2
	again.Start, again.End = day(1, 10), day(1, 11)
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{again}}, now), "a revived")
	rec := find(t, s, "a")
	if rec.Status != interview.Scheduled || rec.CancelReason != "" {
		t.Errorf("status %s (%q), want scheduled", rec.Status, rec.CancelReason)
	}
	if ty := reminder(t, rec, interview.ThankYou); ty.State != StateSent {
		t.Errorf("the thank-you already sent became %s", ty.State)
	}
	call := reminder(t, rec, interview.FollowUpCall)
	if call.State != StatePending || !call.Due.Equal(day(4, 11)) || !call.ResolvedAt.IsZero() {
		t.Errorf("call %+v, want pending due %v", call, day(4, 11))
	}
	if call.Token != oldCall.Token || call.ID != oldCall.ID {
		t.Errorf("the revived reminder is %d %q, want %d with its token %q kept", call.ID, call.Token, oldCall.ID, oldCall.Token)
	}
}

// Vanishing is our inference: a calendar listing the interview again brings
// it back, whatever its version.
func TestApplyVanishedReappears(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	x, y := newInterview("x", 0, day(1, 14)), newInterview("y", 0, day(2, 14))
	apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x, y}}, now)
	apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{y}}, now)
	// An invitation of the same version does not bring it back ...
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{x}}, now), "x unchanged")
	if rec := find(t, s, "x"); rec.Status != interview.Cancelled {
		t.Fatalf("status %s, want still cancelled", rec.Status)
	}
	// ... a calendar does.
	wantChanges(t, apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x, y}}, now),
		"x revived", "y unchanged")
	rec := find(t, s, "x")
	if rec.Status != interview.Scheduled {
		t.Errorf("status %s, want scheduled", rec.Status)
	}
	for _, r := range rec.Reminders {
		if r.State != StatePending {
			t.Errorf("%s reminder %s, want pending", r.Kind, r.State)
		}
	}
}

// An interview the owner cancelled stays cancelled through merges.
func TestApplyOwnerCancelSticks(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	iv := newInterview("a", 0, day(1, 14))
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now)
	rec := find(t, s, "a")
	exec(t, s, "UPDATE interviews SET status = 'cancelled', cancel_reason = 'owner' WHERE id = ?", rec.ID)
	exec(t, s, "UPDATE reminders SET state = 'cancelled' WHERE interview_id = ?", rec.ID)

	iv.Sequence = 5
	iv.Start, iv.End = day(2, 14), day(2, 15)
	wantChanges(t, apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now), "a updated")
	rec = find(t, s, "a")
	if rec.Status != interview.Cancelled || rec.CancelReason != CancelledByOwner || !rec.Start.Equal(day(2, 14)) {
		t.Errorf("status %s (%s) start %v: want the data updated, still cancelled by the owner", rec.Status, rec.CancelReason, rec.Start)
	}
	for _, r := range rec.Reminders {
		if r.State != StateCancelled {
			t.Errorf("%s reminder %s", r.Kind, r.State)
		}
	}
}
