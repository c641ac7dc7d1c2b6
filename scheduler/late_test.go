package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

func TestDispatchLateFoundInterview(t *testing.T) {
	st := newSetup(t, false, "")
	loc := st.cfg.Owner.Location
	spacing := 2 * time.Minute
	d := st.dispatcher(t, newFakeClock(t0), WithCatchUpSpacing(spacing))

	// Held on Wednesday, February 25 (New York), found on Tuesday, March 3.
	end := time.Date(2026, 2, 25, 11, 0, 0, 0, loc)
	if now := t0.In(loc); now.Weekday() != time.Tuesday || now.Day() != 3 {
		t.Fatalf("t0 moved: %v", now)
	}
	plan := timerules.Plan(interview.Interview{Start: end.Add(-time.Hour), End: end}, st.cfg)
	id := st.addInterview(t, "late", "Acme", end, plan[0].Due, plan[1].Due)
	if !plan[1].Due.Before(t0) {
		t.Fatalf("the planned call (%v) should already be past at %v", plan[1].Due, t0)
	}

	tick(t, d, t0)
	// Moved as soon as the thank-you is out, so that "status" and the
	// acknowledgement of "sent" already tell the new day.
	if ty, call := st.reminder(t, id, interview.ThankYou), st.reminder(t, id, interview.FollowUpCall); ty.SentAt.IsZero() ||
		!call.NextAttempt.Equal(timerules.FollowUpDue(ty.SentAt, st.cfg.Schedule, loc)) {
		t.Errorf("after the thank-you went out (%v), the call's next time is %v", ty.SentAt, call.NextAttempt)
	}
	now := t0
	for ; now.Before(t0.Add(15 * time.Minute)); now = now.Add(time.Minute) {
		tick(t, d, now)
	}
	msgs := st.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails in the first 15 minutes, want only the thank-you", len(msgs))
	}
	if subj := msgs[0].Header.Get("Subject"); !strings.Contains(subj, "thank-you") {
		t.Errorf("first email %q, want the thank-you", subj)
	}
	raw := strings.ReplaceAll(string(msgs[0].Raw), "=\r\n", "")
	if !strings.Contains(raw, "a short note now still helps") || strings.Contains(raw, "while the conversation is still fresh") {
		t.Error("the late thank-you email is worded as if on time")
	}

	ty := st.reminder(t, id, interview.ThankYou)
	wantCall := timerules.FollowUpDue(ty.SentAt, st.cfg.Schedule, loc)
	if got := wantCall.In(loc); got.Weekday() != time.Friday || got.Day() != 6 {
		t.Fatalf("expected the call on Friday, March 6; the rule gives %v", got)
	}
	call := st.reminder(t, id, interview.FollowUpCall)
	if call.State != store.StatePending || !call.NextAttempt.Equal(wantCall) {
		t.Fatalf("call reminder: %s, next attempt %v; want pending until %v", call.State, call.NextAttempt.In(loc), wantCall.In(loc))
	}
	// The thank-you's nudges go on meanwhile; the call waits for its day.
	for at := now; at.Before(wantCall); at = at.Add(time.Hour) {
		tick(t, d, at)
	}
	tick(t, d, wantCall.Add(-time.Minute))
	if r := st.reminder(t, id, interview.FollowUpCall); r.State != store.StatePending {
		t.Fatalf("call a minute before its time: %s, want pending", r.State)
	}
	for _, m := range st.smtp.Messages() {
		if strings.Contains(m.Header.Get("Subject"), "Follow-up call") {
			t.Fatalf("the call outline went out before its day: %q", m.Header.Get("Subject"))
		}
	}
	tick(t, d, wantCall)
	if r := st.reminder(t, id, interview.FollowUpCall); r.State != store.StateSent || !r.SentAt.Equal(wantCall) {
		t.Fatalf("call at its time: %s at %v, want sent at %v", r.State, r.SentAt.In(loc), wantCall.In(loc))
	}
	if !strings.Contains(st.logs.String(), "follow-up call moved after the late thank-you") {
		t.Error("the move was not logged")
	}
}

// On the usual path the rule changes nothing: the call keeps its day.
func TestDispatchOnTimeCallKeepsItsDay(t *testing.T) {
	st := newSetup(t, false, "")
	d := st.dispatcher(t, newFakeClock(t0))
	end := t0.Add(-2 * time.Hour)
	plan := timerules.Plan(interview.Interview{Start: end.Add(-time.Hour), End: end}, st.cfg)
	id := st.addInterview(t, "on-time", "Acme", end, plan[0].Due, plan[1].Due)
	tick(t, d, plan[0].Due)
	tick(t, d, plan[1].Due)
	if r := st.reminder(t, id, interview.FollowUpCall); r.State != store.StateSent || !r.SentAt.Equal(plan[1].Due) {
		t.Errorf("call: %s at %v, want sent at its planned %v", r.State, r.SentAt, plan[1].Due)
	}
}
