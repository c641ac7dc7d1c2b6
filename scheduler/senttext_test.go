package scheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// Every reminder and nudge sent leaves its text in the store under its
// Message-ID, for reading the replies that quote it (issue 10).
func TestDispatchKeepsSentText(t *testing.T) {
	s := newSetup(t, false, "")
	d := s.dispatcher(t, newFakeClock(t0))
	id := s.addInterview(t, "iv", "Acme", t0.Add(-time.Hour), t0, t0.Add(72*time.Hour))
	tick(t, d, t0)
	tick(t, d, t0.Add(72*time.Hour))
	tick(t, d, t0.Add(96*time.Hour)) // the first nudges
	ctx := context.Background()
	for _, kind := range []interview.ReminderKind{interview.ThankYou, interview.FollowUpCall} {
		r := s.reminder(t, id, kind)
		text, err := s.store.SentText(ctx, r.MessageID)
		if err != nil || !strings.Contains(text, "Acme") {
			t.Errorf("%s: kept text %.80q, %v", kind, text, err)
		}
		nudgeID := strings.Replace(r.MessageID, ".0@", ".1@", 1)
		nudge, err := s.store.SentText(ctx, nudgeID)
		if err != nil || nudge == "" || nudge == text {
			t.Errorf("%s nudge: kept text %.80q, %v; want its own", kind, nudge, err)
		}
	}
}
