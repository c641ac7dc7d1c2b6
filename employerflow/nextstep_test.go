package employerflow

import (
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// The next step of an application is the earliest open follow-up at the time
// it will really come: a snoozed one at the time it was put off to.
func TestNextStepHonoursASnooze(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 3, 16, 0, 0, 0, loc)
	iv := rec(1, "Acme Corp", "jane@acme.example", due.Add(-2*time.Hour), interview.Scheduled)
	iv.Reminders = []store.ReminderRecord{
		{ID: 1, Kind: interview.ThankYou, State: store.StatePending, Due: due,
			NextAttempt: time.Date(2026, 12, 5, 10, 0, 0, 0, loc)},
		{ID: 2, Kind: interview.FollowUpCall, State: store.StatePending, Due: time.Date(2026, 12, 8, 9, 0, 0, 0, loc)},
	}
	a := store.Application{Company: "Acme Corp", Stage: store.StageInterviewing, Interviews: []store.InterviewRecord{iv}}
	got := NextStep(a, loc)
	if want := "thank-you note on Saturday, December 5 at 10:00"; got != want {
		t.Errorf("NextStep = %q, want %q", got, want)
	}
	// Snoozed past the call, the call comes first.
	iv.Reminders[0].NextAttempt = time.Date(2026, 12, 9, 10, 0, 0, 0, loc)
	a.Interviews = []store.InterviewRecord{iv}
	if got := NextStep(a, loc); !strings.HasPrefix(got, "follow-up call on Tuesday, December 8") {
		t.Errorf("NextStep = %q, want the call first", got)
	}
}
