package daemon

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Health is what one part of the daemon says about itself: whether it
// works, and whether it is in the middle of a piece of work (and since
// when). STATUS lines are composed of these, and the watchdog is fed only
// while no part has been busy longer than its deadline.
type Health struct {
	// Name is what the part is called in STATUS: "calendar work", "imap", "smtp".
	Name string
	// FailingSince is when the part started failing; zero when it works.
	FailingSince time.Time
	// Cause says what fails, in a few words without secrets.
	Cause string
	// BusySince is when the part's current piece of work began; zero when
	// it waits for work.
	BusySince time.Time
	// StallAfter is how long one piece of work may take before the part
	// counts as hung; zero means it is never counted as hung.
	StallAfter time.Duration
	// Tried is true once the part has made its first attempt (a calendar
	// read, an IMAP login); READY waits for every part's first attempt.
	Tried bool
}

// Stalled reports whether the part has been busy longer than it may be at now.
func (h Health) Stalled(now time.Time) bool {
	return h.StallAfter > 0 && !h.BusySince.IsZero() && now.Sub(h.BusySince) > h.StallAfter
}

// HealthSource is anything that reports its Health: the daemon's own parts
// (Tracker) and parts plugged in from outside (WithHealthSource).
type HealthSource interface {
	Health() Health
}

// Tracker is a HealthSource that a part updates as it works. Its methods are
// safe for concurrent use.
type Tracker struct {
	now func() time.Time
	mu  sync.Mutex
	h   Health
}

// NewTracker returns a Tracker for the named part; stallAfter is how long
// one piece of work may take (0: no limit). now is the clock; liveness is
// judged on it, so give it real time.
func NewTracker(name string, stallAfter time.Duration, now func() time.Time) *Tracker {
	return &Tracker{now: now, h: Health{Name: name, StallAfter: stallAfter}}
}

// Health returns the current report.
func (t *Tracker) Health() Health {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.h
}

// Busy marks the start of a piece of work; call the returned function when
// it ends.
func (t *Tracker) Busy() (done func()) {
	t.mu.Lock()
	t.h.BusySince = t.now()
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		t.h.BusySince = time.Time{}
		t.mu.Unlock()
	}
}

// Result records the outcome of an attempt: nil means the part works.
// cause is how the failure is shown (err's text when empty).
func (t *Tracker) Result(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.h.Tried = true
	if err == nil {
		t.h.FailingSince, t.h.Cause = time.Time{}, ""
		return
	}
	if t.h.FailingSince.IsZero() {
		t.h.FailingSince = t.now()
	}
	t.h.Cause = shortLine(err.Error(), 80)
}

// healthBoard is the set of health sources the daemon reports on.
type healthBoard struct {
	mu      sync.Mutex
	sources map[string]HealthSource // by name
	extra   []HealthSource          // plugged in from outside
}

func (b *healthBoard) set(name string, s HealthSource) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sources == nil {
		b.sources = map[string]HealthSource{}
	}
	if s == nil {
		delete(b.sources, name)
		return
	}
	b.sources[name] = s
}

// all returns every report, sorted by name.
func (b *healthBoard) all() []Health {
	b.mu.Lock()
	srcs := make([]HealthSource, 0, len(b.sources)+len(b.extra))
	for _, s := range b.sources {
		srcs = append(srcs, s)
	}
	srcs = append(srcs, b.extra...)
	b.mu.Unlock()
	out := make([]Health, 0, len(srcs))
	for _, s := range srcs {
		out = append(out, s.Health())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// statusLine composes the one STATUS line: what is watched, the open
// follow-ups and the next due one, and what fails or hangs.
func statusLine(watched []string, open int, next time.Time, hs []Health, now time.Time, loc *time.Location) string {
	var b strings.Builder
	if len(watched) > 0 {
		b.WriteString("watching " + strings.Join(watched, ", ") + "; ")
	}
	switch {
	case open < 0:
		b.WriteString("follow-ups unknown (store not answering)")
	case open == 0:
		b.WriteString("no follow-ups open")
	default:
		fmt.Fprintf(&b, "%d follow-up(s) open", open)
		if !next.IsZero() {
			b.WriteString(", next due " + when(next, now, loc))
		}
	}
	var bad []string
	for _, h := range hs {
		switch {
		case h.Stalled(now):
			bad = append(bad, fmt.Sprintf("%s: stuck since %s", h.Name, when(h.BusySince, now, loc)))
		case !h.FailingSince.IsZero():
			bad = append(bad, fmt.Sprintf("%s: %s since %s", h.Name, h.Cause, when(h.FailingSince, now, loc)))
		}
	}
	if len(bad) > 0 {
		b.WriteString("; failing: " + strings.Join(bad, "; "))
	}
	return b.String()
}

// when shows t in the owner's zone: the time of day when it is today, else
// the date too.
func when(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// shortLine keeps s on one line and at most n runes long.
func shortLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}
