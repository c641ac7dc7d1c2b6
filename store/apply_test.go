package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// day is hour:00 UTC n days after Monday 2026-03-02.
func day(n, hour int) time.Time {
	return time.Date(2026, 3, 2+n, hour, 0, 0, 0, time.UTC)
}

// newInterview is a one-hour interview at start, stamped long before.
func newInterview(uid string, seq int, start time.Time) interview.Interview {
	return interview.Interview{
		Key:      interview.Key{UID: uid},
		Sequence: seq,
		Stamp:    day(-10, 8),
		Status:   interview.Scheduled,
		Summary:  "Interview with Jane Doe at Acme",
		Company:  "Acme",
		Start:    start,
		End:      start.Add(time.Hour),
		Interviewers: []interview.Interviewer{
			{Name: "Jane Doe", Email: "jane@acme.example", Honorific: interview.Ms},
		},
		Phone: "+1 555 0100",
	}
}

// plan is a stand-in for the scheduler: a thank-you an hour after the end, a
// call three days after.
func plan(iv interview.Interview) []interview.Reminder {
	return []interview.Reminder{
		{Kind: interview.ThankYou, Due: iv.End.Add(time.Hour)},
		{Kind: interview.FollowUpCall, Due: iv.End.Add(72 * time.Hour)},
	}
}

func apply(t *testing.T, s *Store, r Report, now time.Time) []Change {
	t.Helper()
	ch, err := s.Apply(context.Background(), r, now, plan)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return ch
}

func wantChanges(t *testing.T, got []Change, want ...string) {
	t.Helper()
	var what []string
	for _, c := range got {
		what = append(what, c.Key.String()+" "+c.What)
	}
	if !slices.Equal(what, want) {
		t.Errorf("changes = %q, want %q", what, want)
	}
}

// find returns the one stored interview with uid (no RECURRENCE-ID).
func find(t *testing.T, s *Store, uid string) InterviewRecord {
	t.Helper()
	recs, err := s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found []InterviewRecord
	for _, r := range recs {
		if r.UID == uid {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d interviews with UID %q, want 1", len(found), uid)
	}
	// The by-id read must agree with the list.
	one, err := s.Interview(context.Background(), found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if one.UID != uid || len(one.Reminders) != len(found[0].Reminders) || len(one.Sources) != len(found[0].Sources) {
		t.Fatalf("Interview(%d) = %+v, disagrees with Interviews()", found[0].ID, one)
	}
	return found[0]
}

func reminder(t *testing.T, rec InterviewRecord, kind interview.ReminderKind) ReminderRecord {
	t.Helper()
	for _, r := range rec.Reminders {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("interview %s has no %s reminder", rec.UID, kind)
	return ReminderRecord{}
}

func setState(t *testing.T, s *Store, rec InterviewRecord, kind interview.ReminderKind, state interview.State) {
	t.Helper()
	exec(t, s, "UPDATE reminders SET state = ?, sent_at = ? WHERE interview_id = ? AND kind = ?",
		state, timeText(day(0, 16)), rec.ID, string(kind))
}

func TestApplyNew(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	iv := newInterview("a@acme", 0, day(0, 14))
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, now), "a@acme new")

	rec := find(t, s, "a@acme")
	if rec.Status != interview.Scheduled || rec.Summary != iv.Summary || rec.Company != "Acme" || rec.Phone != iv.Phone {
		t.Errorf("stored %+v", rec.Interview)
	}
	if !slices.Equal(rec.Sources, []string{"imap:INBOX"}) {
		t.Errorf("sources = %q", rec.Sources)
	}
	if len(rec.Interviewers) != 1 || rec.Interviewers[0] != iv.Interviewers[0] {
		t.Errorf("interviewers = %+v", rec.Interviewers)
	}
	if len(rec.Reminders) != 2 {
		t.Fatalf("%d reminders, want 2", len(rec.Reminders))
	}
	ty, call := reminder(t, rec, interview.ThankYou), reminder(t, rec, interview.FollowUpCall)
	if ty.State != StatePending || !ty.Due.Equal(day(0, 16)) {
		t.Errorf("thank-you = %s due %v, want pending due %v", ty.State, ty.Due, day(0, 16))
	}
	if call.State != StatePending || !call.Due.Equal(day(3, 15)) {
		t.Errorf("call = %s due %v, want pending due %v", call.State, call.Due, day(3, 15))
	}
	if len(ty.Token) != 26 || ty.Token != strings.ToLower(ty.Token) || ty.Token == call.Token {
		t.Errorf("tokens %q and %q: want two different 26-character lower-case tokens", ty.Token, call.Token)
	}
	if !ty.SentAt.IsZero() || !ty.NextAttempt.IsZero() || ty.Attempts != 0 || ty.InterviewID != rec.ID {
		t.Errorf("fresh reminder %+v", ty)
	}
}

func TestApplyOnlyPlannedReminders(t *testing.T) {
	s, _ := openTest(t)
	onlyThanks := func(iv interview.Interview) []interview.Reminder {
		return []interview.Reminder{{Kind: interview.ThankYou, Due: iv.End}}
	}
	ctx := context.Background()
	cancelled := newInterview("c", 0, day(1, 14))
	cancelled.Status = interview.Cancelled
	r := Report{Source: "imap:INBOX", Interviews: []interview.Interview{newInterview("a", 0, day(1, 14)), cancelled}}
	ch, err := s.Apply(ctx, r, day(0, 9), onlyThanks)
	if err != nil {
		t.Fatal(err)
	}
	wantChanges(t, ch, "a new", "c new-cancelled")
	if rec := find(t, s, "a"); len(rec.Reminders) != 1 || rec.Reminders[0].Kind != interview.ThankYou {
		t.Errorf("reminders %+v, want only the thank-you the planner returned", rec.Reminders)
	}
	rec := find(t, s, "c")
	if len(rec.Reminders) != 0 || rec.Status != interview.Cancelled || rec.CancelReason != CancelledByEvent {
		t.Errorf("cancelled interview stored as %s (%s) with %d reminders, want cancelled (event) with none",
			rec.Status, rec.CancelReason, len(rec.Reminders))
	}
	if _, err := s.Apply(ctx, Report{Source: "imap:INBOX", Interviews: []interview.Interview{newInterview("n", 0, day(1, 14))}}, day(0, 9), nil); err != nil {
		t.Fatal(err)
	}
	if rec := find(t, s, "n"); len(rec.Reminders) != 0 {
		t.Errorf("a nil planner planned %d reminders", len(rec.Reminders))
	}
}

// Done-when: invitation then calendar.
func TestApplyInvitationThenCalendar(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	invite := newInterview("a@acme", 1, day(1, 14))
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{invite}}, now)
	before := find(t, s, "a@acme")

	// The export carries the same version, without attendees or company.
	exported := invite
	exported.Interviewers = nil
	exported.Company = ""
	exported.Phone = ""
	got := apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{exported}}, now.Add(time.Hour))
	wantChanges(t, got, "a@acme unchanged")

	after := find(t, s, "a@acme")
	if after.ID != before.ID {
		t.Errorf("a second interview was made")
	}
	if !slices.Equal(after.Sources, []string{"calendar:work", "imap:INBOX"}) {
		t.Errorf("sources = %q, want both", after.Sources)
	}
	if !slices.Equal(after.Reminders, before.Reminders) {
		t.Errorf("reminders changed:\n%+v\n%+v", before.Reminders, after.Reminders)
	}
	if after.Company != "Acme" || len(after.Interviewers) != 1 {
		t.Errorf("the invitation's data was lost: company %q, %d interviewers", after.Company, len(after.Interviewers))
	}

	// An export stamped later (as exports are) is a newer version: it updates
	// the data but keeps what it does not carry, and does not move reminders.
	exported.Stamp = now.Add(time.Hour)
	exported.Summary = "Acme onsite interview"
	exported.Interviewers = []interview.Interviewer{{Name: "Jane Doe", Email: "JANE@acme.example"}}
	got = apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{exported}}, now.Add(2*time.Hour))
	wantChanges(t, got, "a@acme updated")
	after = find(t, s, "a@acme")
	if after.Summary != "Acme onsite interview" || after.Company != "Acme" || after.Phone != invite.Phone {
		t.Errorf("after newer export: summary %q company %q phone %q", after.Summary, after.Company, after.Phone)
	}
	if len(after.Interviewers) != 1 || after.Interviewers[0].Honorific != interview.Ms {
		t.Errorf("interviewers %+v: the honorific learned before was lost", after.Interviewers)
	}
	if !slices.Equal(after.Reminders, before.Reminders) {
		t.Errorf("reminders changed by an update that did not move the interview")
	}
}

func TestApplyVersionOrder(t *testing.T) {
	stamp := day(-5, 8)
	tests := []struct {
		name       string
		seq        int
		stamp      time.Time
		want       string
		overwrites bool
	}{
		{"lower sequence, later stamp", 1, stamp.Add(time.Hour), ChangeOlder, false},
		{"same sequence, earlier stamp", 2, stamp.Add(-time.Hour), ChangeOlder, false},
		{"same sequence, same stamp", 2, stamp, ChangeUnchanged, false},
		{"same sequence, later stamp", 2, stamp.Add(time.Hour), ChangeUpdated, true},
		{"higher sequence, earlier stamp", 3, stamp.Add(-time.Hour), ChangeUpdated, true},
		{"same sequence, same stamp in another zone", 2, stamp.In(time.FixedZone("X", 5*3600)), ChangeUnchanged, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			now := day(0, 9)
			stored := newInterview("a", 2, day(1, 14))
			stored.Stamp = stamp
			apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{stored}}, now)

			incoming := stored
			incoming.Sequence, incoming.Stamp = tt.seq, tt.stamp
			incoming.Summary = "Changed summary"
			wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{incoming}}, now), "a "+tt.want)

			rec := find(t, s, "a")
			if got := rec.Summary == "Changed summary"; got != tt.overwrites {
				t.Errorf("summary %q: overwritten = %v, want %v", rec.Summary, got, tt.overwrites)
			}
			if !slices.Equal(rec.Sources, []string{"calendar:work", "imap:INBOX"}) {
				t.Errorf("sources = %q: the second source was not recorded", rec.Sources)
			}
		})
	}
}

// Done-when: update.
func TestApplyReschedule(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	iv := newInterview("a", 0, day(0, 10))
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now)
	rec := find(t, s, "a")
	// The thank-you went out already; the call is still pending.
	setState(t, s, rec, interview.ThankYou, StateSent)
	sentBefore := reminder(t, find(t, s, "a"), interview.ThankYou)
	callBefore := reminder(t, rec, interview.FollowUpCall)

	moved := iv
	moved.Sequence = 1
	moved.Start, moved.End = day(2, 10), day(2, 11)
	wantChanges(t, apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{moved}}, now), "a rescheduled")

	rec = find(t, s, "a")
	if !rec.Start.Equal(day(2, 10)) || rec.Sequence != 1 {
		t.Errorf("start %v sequence %d, want %v 1", rec.Start, rec.Sequence, day(2, 10))
	}
	ty, call := reminder(t, rec, interview.ThankYou), reminder(t, rec, interview.FollowUpCall)
	if ty != sentBefore {
		t.Errorf("a sent reminder was touched:\n%+v\n%+v", sentBefore, ty)
	}
	if call.State != StatePending || !call.Due.Equal(day(5, 11)) || call.ID != callBefore.ID || call.Token != callBefore.Token {
		t.Errorf("call = %+v, want the same pending reminder due %v", call, day(5, 11))
	}

	// Confirmed and skipped reminders stay too, and nothing goes back to pending.
	setState(t, s, rec, interview.ThankYou, StateConfirmed)
	setState(t, s, rec, interview.FollowUpCall, StateSkipped)
	moved.Sequence = 2
	moved.Start, moved.End = day(3, 10), day(3, 11)
	wantChanges(t, apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{moved}}, now), "a rescheduled")
	rec = find(t, s, "a")
	if ty, call := reminder(t, rec, interview.ThankYou), reminder(t, rec, interview.FollowUpCall); ty.State != StateConfirmed || call.State != StateSkipped || !call.Due.Equal(day(5, 11)) {
		t.Errorf("after reschedule: thank-you %s, call %s due %v; want confirmed, skipped at the old due", ty.State, call.State, call.Due)
	}
}

// Moved into the past of now: the reminders stay pending (the dispatcher
// sends a missed one once).
func TestApplyRescheduleIntoThePast(t *testing.T) {
	s, _ := openTest(t)
	iv := newInterview("a", 0, day(1, 10))
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, day(0, 9))
	moved := iv
	moved.Sequence = 1
	moved.Start, moved.End = day(-2, 10), day(-2, 11)
	now := day(0, 12)
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{moved}}, now), "a rescheduled")
	ty := reminder(t, find(t, s, "a"), interview.ThankYou)
	if ty.State != StatePending || !ty.Due.Equal(day(-2, 12)) || !ty.Due.Before(now) {
		t.Errorf("thank-you %s due %v, want pending due %v", ty.State, ty.Due, day(-2, 12))
	}
}

// A plan that no longer asks for a kind cancels its pending reminder.
func TestApplyRescheduleDropsUnplannedKind(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	iv := newInterview("a", 0, day(1, 10))
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, day(0, 9))
	onlyThanks := func(iv interview.Interview) []interview.Reminder {
		return []interview.Reminder{{Kind: interview.ThankYou, Due: iv.End}}
	}
	iv.Sequence, iv.Start, iv.End = 1, day(1, 12), day(1, 13)
	if _, err := s.Apply(ctx, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, day(0, 9), onlyThanks); err != nil {
		t.Fatal(err)
	}
	rec := find(t, s, "a")
	if ty := reminder(t, rec, interview.ThankYou); ty.State != StatePending || !ty.Due.Equal(day(1, 13)) {
		t.Errorf("thank-you %s due %v", ty.State, ty.Due)
	}
	if call := reminder(t, rec, interview.FollowUpCall); call.State != StateCancelled || !call.ResolvedAt.Equal(day(0, 9)) {
		t.Errorf("unplanned call %s resolved %v, want cancelled at %v", call.State, call.ResolvedAt, day(0, 9))
	}
}

// Done-when: cancel.
func TestApplyCancel(t *testing.T) {
	tests := []struct {
		name   string
		report func(iv interview.Interview) Report
	}{
		{"METHOD:CANCEL key", func(iv interview.Interview) Report {
			return Report{Source: "imap:INBOX", Cancelled: []interview.Key{iv.Key}}
		}},
		{"STATUS:CANCELLED newer version", func(iv interview.Interview) Report {
			iv.Sequence++
			iv.Status = interview.Cancelled
			return Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			now := day(0, 9)
			iv := newInterview("a", 0, day(0, 10)) // cancelled while it runs: before its end
			apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now)
			setState(t, s, find(t, s, "a"), interview.ThankYou, StateSent)

			wantChanges(t, apply(t, s, tt.report(iv), now.Add(time.Hour)), "a cancelled")
			rec := find(t, s, "a")
			if rec.Status != interview.Cancelled || rec.CancelReason != CancelledByEvent {
				t.Errorf("status %s (%s), want cancelled (event)", rec.Status, rec.CancelReason)
			}
			if ty := reminder(t, rec, interview.ThankYou); ty.State != StateSent {
				t.Errorf("sent thank-you became %s", ty.State)
			}
			if call := reminder(t, rec, interview.FollowUpCall); call.State != StateCancelled || !call.ResolvedAt.Equal(now.Add(time.Hour)) {
				t.Errorf("pending call became %s resolved %v, want cancelled", call.State, call.ResolvedAt)
			}
			// Cancelling again changes nothing.
			wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Cancelled: []interview.Key{iv.Key}}, now), "a unchanged")
		})
	}
}

func TestApplyCancelUnknownAndStale(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Cancelled: []interview.Key{{UID: "nobody"}}}, now), "nobody cancel-unknown")
	recs, err := s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Errorf("a cancellation of an unknown key stored %d interviews", len(recs))
	}

	// A cancellation older than the stored re-invitation loses.
	iv := newInterview("a", 3, day(1, 14))
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, now)
	stale := iv
	stale.Sequence = 2
	stale.Status = interview.Cancelled
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{stale}}, now), "a unchanged-older")
	rec := find(t, s, "a")
	if rec.Status != interview.Scheduled || reminder(t, rec, interview.ThankYou).State != StatePending {
		t.Errorf("a stale cancellation cancelled the interview")
	}
}

func TestApplyOwnerFieldsSurviveMerge(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	iv := newInterview("a", 0, day(1, 14))
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now)
	rec := find(t, s, "a")
	exec(t, s, "UPDATE interviews SET notes = 'likes Go', formality = 'formal' WHERE id = ?", rec.ID)
	iv.Sequence = 1
	iv.Summary = "New summary"
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, now)
	rec = find(t, s, "a")
	if rec.Notes != "likes Go" || rec.Formality != "formal" || rec.Summary != "New summary" {
		t.Errorf("notes %q formality %q summary %q", rec.Notes, rec.Formality, rec.Summary)
	}
}

func TestApplyInvalidInterviewsAreSkipped(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	x := newInterview("x", 0, day(1, 14))
	apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{x}}, now)

	noUID := newInterview("", 0, day(1, 14))
	backwards := newInterview("b", 0, day(1, 14))
	backwards.End = day(1, 13)
	noStart := newInterview("n", 0, time.Time{})
	oddStatus := newInterview("o", 0, day(1, 14))
	oddStatus.Status = "tentative"
	// x's new version is broken: it is skipped, and not taken as vanished.
	brokenX := x
	brokenX.Sequence = 1
	brokenX.End = time.Time{}
	good := newInterview("g", 0, day(1, 16))
	got := apply(t, s, Report{Source: "calendar:work", Complete: true,
		Interviews: []interview.Interview{noUID, backwards, noStart, oddStatus, brokenX, good}}, now)
	wantChanges(t, got, " invalid", "b invalid", "n invalid", "o invalid", "x invalid", "g new")
	if rec := find(t, s, "x"); rec.Status != interview.Scheduled || rec.Sequence != 0 {
		t.Errorf("x: status %s sequence %d, want untouched", rec.Status, rec.Sequence)
	}
}

func TestApplyPlannerMistakeRollsBack(t *testing.T) {
	tests := []struct {
		name string
		plan Planner
		want string
	}{
		{"kind twice", func(iv interview.Interview) []interview.Reminder {
			return []interview.Reminder{{Kind: interview.ThankYou, Due: iv.End}, {Kind: interview.ThankYou, Due: iv.End}}
		}, "planned twice"},
		{"unknown kind", func(iv interview.Interview) []interview.Reminder {
			return []interview.Reminder{{Kind: "lunch", Due: iv.End}}
		}, "unknown kind"},
		{"no due", func(iv interview.Interview) []interview.Reminder {
			return []interview.Reminder{{Kind: interview.ThankYou}}
		}, "no due time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			ctx := context.Background()
			r := Report{Source: "imap:INBOX", Interviews: []interview.Interview{newInterview("a", 0, day(1, 14))}}
			_, err := s.Apply(ctx, r, day(0, 9), tt.plan)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			recs, err := s.Interviews(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 0 {
				t.Errorf("a failed Apply left %d interviews", len(recs))
			}
		})
	}
}

func TestApplyNoSource(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.Apply(context.Background(), Report{}, day(0, 9), plan); err == nil {
		t.Error("Apply without a source succeeded")
	}
}

func TestApplyRecurrenceInstances(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	first := newInterview("series", 0, day(1, 14))
	first.RecurrenceID = day(1, 14).In(ny)
	second := newInterview("series", 0, day(8, 14))
	second.RecurrenceID = day(8, 14)
	master := newInterview("series", 0, day(15, 14))
	got := apply(t, s, Report{Source: "calendar:work", Complete: true, Interviews: []interview.Interview{first, second, master}}, now)
	wantChanges(t, got, "series/2026-03-03T14:00:00Z new", "series/2026-03-10T14:00:00Z new", "series new")

	recs, err := s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d interviews, want 3", len(recs))
	}
	if !recs[0].RecurrenceID.Equal(day(1, 14)) || recs[0].RecurrenceID.Location() != time.UTC || !recs[2].RecurrenceID.IsZero() {
		t.Errorf("recurrence IDs %v %v %v", recs[0].RecurrenceID, recs[1].RecurrenceID, recs[2].RecurrenceID)
	}
	// Cancelling one instance leaves the others.
	wantChanges(t, apply(t, s, Report{Source: "imap:INBOX", Cancelled: []interview.Key{{UID: "series", RecurrenceID: day(8, 14)}}}, now),
		"series/2026-03-10T14:00:00Z cancelled")
	recs, err = s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []interview.Status{interview.Scheduled, interview.Cancelled, interview.Scheduled} {
		if recs[i].Status != want {
			t.Errorf("instance %d: %s, want %s", i, recs[i].Status, want)
		}
	}
}

func TestInterviewsOrderedByStart(t *testing.T) {
	s, _ := openTest(t)
	now := day(0, 9)
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{
		newInterview("c", 0, day(3, 9)), newInterview("a", 0, day(1, 9)), newInterview("b", 0, day(2, 9)),
	}}, now)
	recs, err := s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var uids []string
	for _, r := range recs {
		uids = append(uids, r.UID)
	}
	if !slices.Equal(uids, []string{"a", "b", "c"}) {
		t.Errorf("order %q, want a b c", uids)
	}
}

// Times go in in any zone and come back as the same instants, in UTC. Run the
// suite under TZ=America/New_York too: nothing here may depend on time.Local.
func TestTimesRoundTripAsUTC(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	s, _ := openTest(t)
	// 2026-03-08 is the spring-forward day in New York.
	start := time.Date(2026, 3, 8, 3, 30, 0, 0, ny)
	iv := newInterview("tz", 0, start)
	iv.Stamp = time.Date(2026, 3, 1, 23, 59, 59, 999_000_000, ny)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, ny)
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, now)

	rec := find(t, s, "tz")
	for name, pair := range map[string][2]time.Time{
		"start": {rec.Start, start},
		"end":   {rec.End, start.Add(time.Hour)},
		"stamp": {rec.Stamp, iv.Stamp.Truncate(time.Second)},
		"due":   {reminder(t, rec, interview.ThankYou).Due, start.Add(2 * time.Hour)},
	} {
		got, want := pair[0], pair[1]
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s = %v (%v), want %v in UTC", name, got, got.Location(), want.UTC())
		}
	}
	var text string
	if err := s.db.QueryRow("SELECT start_at FROM interviews WHERE id = ?", rec.ID).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if text != "2026-03-08T07:30:00Z" {
		t.Errorf("stored start %q, want 2026-03-08T07:30:00Z", text)
	}
}

func TestApplyHonorificsStoredCanonical(t *testing.T) {
	s, _ := openTest(t)
	iv := newInterview("a", 0, day(1, 14))
	iv.Interviewers = []interview.Interviewer{
		{Name: "Al Roe", Email: "al@acme.example", Honorific: "mr"},
		{Name: "Bo Poe", Email: "bo@acme.example", Honorific: "DR."},
		{Name: "Cy Loe", Email: "cy@acme.example", Honorific: "Sir"},
	}
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{iv}}, day(0, 9))
	var got []interview.Honorific
	for _, p := range find(t, s, "a").Interviewers {
		got = append(got, p.Honorific)
	}
	if want := []interview.Honorific{interview.Mr, interview.Dr, interview.NoHonorific}; !slices.Equal(got, want) {
		t.Errorf("honorifics %q, want %q", got, want)
	}
}
