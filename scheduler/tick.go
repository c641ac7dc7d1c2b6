package scheduler

import (
	"context"
	"errors"
	"fmt"
	"github.com/followupd/followupd/internal/backoff"
	"log/slog"
	"slices"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// work is what one open reminder needs next.
type work struct {
	r store.ReminderRecord
	// n is the send: 0 the reminder email, k >= 1 its kth nudge.
	n int
	// at is when the send (or the expiry) is due; zero for a send in flight.
	at time.Time
	// inFlight: the send was recorded and never finished (the process
	// stopped, or the outcome could not be recorded). It is settled at once.
	inFlight bool
	// expire: every nudge went out and nag_every passed since the last one
	// without an answer; the reminder expires at at.
	expire bool
}

// next says what an open reminder (pending, sending or sent) needs next.
func (d *Dispatcher) next(r store.ReminderRecord) work {
	s := d.cfg.Schedule
	switch r.State {
	case store.StatePending:
		return work{r: r, at: r.NextSend(s.NagEvery)}
	case store.StateSending:
		w := work{r: r, inFlight: true}
		if !r.SentAt.IsZero() {
			w.n = r.NagsSent + 1
		}
		return w
	}
	// Sent: the next nudge, or the expiry after the last one, is due at
	// next_attempt (set when the last send went out, or by a snooze).
	at := r.NextSend(s.NagEvery)
	// An owner's snooze earns one more nudge even past the limit.
	if r.NagsSent >= s.NagLimit && !r.Snoozed {
		return work{r: r, at: at, expire: true}
	}
	return work{r: r, n: r.NagsSent + 1, at: at}
}

// Tick does one pass of work at now and returns when the next one is due
// (zero: nothing is scheduled). In order:
//
//   - the queued emails whose time has come go out (SendQueued);
//   - a send left in flight is settled: marked done when its Message-ID is
//     in the owner's Inbox, else sent again with the same Message-ID;
//   - a send that is due goes out, unless now is in quiet hours (it waits
//     for their end), or it is more than the stale limit late (the reminder
//     expires instead, saying why), or sending is held (see Health: it
//     waits for the next try), or it is late and the catch-up burst went
//     out less than the catch-up spacing ago (it waits its turn: the first
//     few go at once, the rest one per spacing);
//   - a reminder whose last nudge went unanswered for nag_every expires.
//
// An error is returned only when the store cannot be read or written; a
// failed send is recorded and retried or given up (see send). Tick must not
// run concurrently with itself or with Run.
func (d *Dispatcher) Tick(ctx context.Context, now time.Time) (time.Time, error) {
	// The queued emails first: they answer what the owner just did.
	queuedNext, err := d.SendQueued(ctx, now)
	if err != nil {
		return time.Time{}, err
	}
	open, err := d.store.OpenReminders(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("read reminders: %w", err)
	}
	todo := make([]work, 0, len(open))
	for _, r := range open {
		todo = append(todo, d.next(r))
	}
	slices.SortStableFunc(todo, func(a, b work) int {
		switch {
		case a.inFlight != b.inFlight:
			if a.inFlight {
				return -1
			}
			return 1
		case !a.at.Equal(b.at):
			return a.at.Compare(b.at)
		}
		return 0
	})

	next := queuedNext
	later := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	quietUntil := timerules.OutOfQuietHours(now, d.cfg.Schedule.QuietHours, d.cfg.Owner.Location)
	worked := false // whether a send was made (and rescheduled its reminder)
	for _, w := range todo {
		if ctx.Err() != nil {
			// Stopping: start nothing new.
			return next, nil
		}
		if !w.inFlight && w.at.After(now) {
			later(w.at)
			continue
		}
		log := d.log.With(slog.Int64("reminder", w.r.ID), slog.Int64("interview", w.r.InterviewID),
			slog.String("kind", string(w.r.Kind)), slog.Int("send", w.n))
		switch {
		case w.expire:
			note := fmt.Sprintf("not confirmed after %d nudges", w.r.NagsSent)
			if w.r.NagsSent == 0 {
				note = "not confirmed"
			}
			if err := d.resolve(ctx, w, store.StateExpired, note, now, log); err != nil {
				return next, err
			}
			continue
		case !w.inFlight && now.Sub(w.at) > d.staleAfter:
			what := "not sent"
			if w.n > 0 {
				what = fmt.Sprintf("nudge %d not sent", w.n)
			}
			note := fmt.Sprintf("%s: it was due %s, %s before followupd got to it", what,
				w.at.In(d.cfg.Owner.Location).Format("Mon 2 Jan 15:04 MST"), roundDuration(now.Sub(w.at)))
			if err := d.resolve(ctx, w, store.StateExpired, note, now, log); err != nil {
				return next, err
			}
			continue
		case quietUntil.After(now):
			later(quietUntil)
			continue
		}
		if until := d.heldUntil(); until.After(now) {
			// Sending is held (see Health): wait for the next try.
			later(until)
			continue
		}
		late := !w.inFlight && now.Sub(w.at) > lateGrace
		if late && d.lateInRow >= d.burst && now.Before(d.lastLate.Add(d.spacing)) {
			later(d.lastLate.Add(d.spacing))
			continue
		}
		if err := d.send(ctx, w, now, log); err != nil {
			return next, err
		}
		worked = true
		if late {
			if now.Sub(d.lastLate) > d.spacing {
				d.lateInRow = 0 // a new catch-up
			}
			d.lateInRow++
			d.lastLate = now
		}
	}
	if !worked {
		return next, nil
	}
	// What was just sent has its next send (a retry, a nudge) scheduled.
	open, err = d.store.OpenReminders(ctx)
	if err != nil {
		return next, fmt.Errorf("read reminders: %w", err)
	}
	for _, r := range open {
		if w := d.next(r); !w.inFlight && w.at.After(now) {
			later(w.at)
		}
	}
	return next, nil
}

// resolve ends a reminder without sending; a reminder someone else changed
// meanwhile is left alone.
func (d *Dispatcher) resolve(ctx context.Context, w work, state interview.State, note string, now time.Time, log *slog.Logger) error {
	err := d.store.ResolveReminder(ctx, w.r.ID, state, "", note, now)
	switch {
	case errors.Is(err, store.ErrChanged), errors.Is(err, store.ErrNotFound):
		log.Debug("reminder changed meanwhile; left alone")
		return nil
	case err != nil:
		return err
	}
	log.Info("reminder ended without sending", slog.String("state", string(state)), slog.String("why", note))
	return nil
}

// backoff is the wait before retrying a send whose attempt number attempts
// failed: minBackoff doubled per earlier attempt, capped at maxBackoff, less
// a random part of up to a quarter so that retries do not line up.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	return backoff.Policy{Min: d.minBackoff, Max: d.maxBackoff, Jitter: 0.25}.Delay(attempts)
}

// roundDuration shows a lateness the way a person would say it.
func roundDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	}
	return d.Round(time.Minute).String()
}
