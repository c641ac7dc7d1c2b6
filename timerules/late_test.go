package timerules

import (
	"testing"
	"time"
)

func TestCallAfterLateThankYou(t *testing.T) {
	loc := mustLoc(t, "America/New_York")
	s := schedule(t, "")
	ny := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, loc) }
	for _, c := range []struct {
		name      string
		due, sent time.Time
		want      time.Time // zero: the call keeps its planned time
	}{
		{"sent the day it was due", ny(3, 12), ny(3, 12), time.Time{}},
		{"sent late the same evening", ny(3, 12), ny(3, 22), time.Time{}},
		{"not sent", ny(3, 12), time.Time{}, time.Time{}},
		// Found six days late on Tuesday the 3rd: three business days on,
		// Friday the 6th at the follow-up time.
		{"found six days late", time.Date(2026, 2, 25, 12, 0, 0, 0, loc), ny(3, 11), ny(6, 9)},
		// Sent on Friday: Monday, Tuesday, Wednesday.
		{"held over a weekend", ny(5, 12), ny(6, 10), ny(11, 9)},
	} {
		got := CallAfterLateThankYou(c.due, c.sent, s, loc)
		if !got.Equal(c.want) {
			t.Errorf("%s: call at %v, want %v", c.name, got.In(loc), c.want.In(loc))
		}
	}
}

// An interview found six days after it took place: the thank-you email goes
// out at once, worded for being late, and the call outline does not follow
// it two minutes later but waits its business days from that day.
