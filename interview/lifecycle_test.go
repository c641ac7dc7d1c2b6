package interview

import (
	"testing"
	"time"
)

func TestStateSets(t *testing.T) {
	all := []State{StatePending, StateSending, StateSent, StateConfirmed, StateSkipped, StateExpired, StateCancelled, StateFailed}
	for _, s := range all {
		open := s == StatePending || s == StateSending || s == StateSent
		if s.Open() != open {
			t.Errorf("%s.Open() = %v, want %v", s, s.Open(), open)
		}
		if s.Waiting() != (open && s != StateSending) {
			t.Errorf("%s.Waiting() = %v", s, s.Waiting())
		}
		answerable := open || s == StateFailed || s == StateExpired
		if s.Answerable() != answerable {
			t.Errorf("%s.Answerable() = %v, want %v", s, s.Answerable(), answerable)
		}
	}
	// The lists are copies: a caller cannot change the definition.
	o := OpenStates()
	o[0] = StateFailed
	if !StatePending.Open() {
		t.Error("changing OpenStates' result changed the definition")
	}
}

func TestResolvableFrom(t *testing.T) {
	for _, c := range []struct {
		to   State
		from State
		want bool
	}{
		{StateConfirmed, StateFailed, true},
		{StateSkipped, StateExpired, true},
		{StateExpired, StateSending, false},
		{StateExpired, StateSent, true},
		{StateCancelled, StateSending, true},
		{StateCancelled, StateFailed, false},
	} {
		from, ok := ResolvableFrom(c.to)
		if !ok {
			t.Fatalf("ResolvableFrom(%s) is not a resolved state", c.to)
		}
		got := false
		for _, f := range from {
			got = got || f == c.from
		}
		if got != c.want {
			t.Errorf("%s from %s: %v, want %v", c.to, c.from, got, c.want)
		}
	}
	if _, ok := ResolvableFrom(StatePending); ok {
		t.Error("pending is not a resolved state")
	}
}

func TestNextSend(t *testing.T) {
	due := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	retry := due.Add(10 * time.Minute)
	sent := due.Add(time.Minute)
	day := 24 * time.Hour
	for _, c := range []struct {
		name string
		s    State
		next time.Time
		nags int
		want time.Time
	}{
		{"pending at its due time", StatePending, time.Time{}, 0, due},
		{"pending retry", StatePending, retry, 0, retry},
		{"sent, first nudge", StateSent, time.Time{}, 0, sent.Add(day)},
		{"sent, third nudge", StateSent, time.Time{}, 2, sent.Add(3 * day)},
		{"sent, snoozed", StateSent, retry, 2, retry},
		{"in flight", StateSending, retry, 0, time.Time{}},
		{"resolved", StateConfirmed, retry, 0, time.Time{}},
	} {
		if got := NextSend(c.s, due, c.next, sent, c.nags, day); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
