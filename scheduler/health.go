package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/followupd/followupd/internal/backoff"
	"github.com/followupd/followupd/store"
)

// Health says whether sending works: ok, or since when it is held and why.
// Sending is held after a failure that is about the account or the
// connection, not about one message (mailer.IsAccountFailure: the login
// refused, a certificate that does not verify, a host that does not resolve
// or answer, a time-out): no reminder is given up for it; every send waits,
// and the dispatcher tries again with a capped backoff until one goes
// through. A new Dispatcher (a restart) starts out healthy and tries at
// once. Safe to call from any goroutine.
func (d *Dispatcher) Health() (ok bool, since time.Time, cause string) {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	return !d.health.held, d.health.since, d.health.cause
}

// heldUntil is when a held sender tries again; zero when it is not held.
func (d *Dispatcher) heldUntil() time.Time {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	if !d.health.held {
		return time.Time{}
	}
	return d.health.retryAt
}

// hold records a failure of the account or the connection at now: every
// send waits until the next try.
func (d *Dispatcher) hold(ctx context.Context, now time.Time, cause string, log *slog.Logger) {
	d.healthMu.Lock()
	h := d.health
	if !h.held {
		h = health{held: true, since: now}
	}
	h.cause = cause
	h.failures++
	h.retryAt = now.Add(backoff.Policy{Min: d.minBackoff, Max: d.maxHold}.Step(h.failures))
	d.health = h
	d.healthMu.Unlock()
	log.Warn("sending held: the mail account or connection fails; every reminder waits for it",
		slog.String("cause", cause), slog.Time("held_since", h.since), slog.Time("retry_at", h.retryAt))
	d.saveHealth(ctx, store.SenderHealth{OK: false, Since: h.since, Cause: cause, RetryAt: h.retryAt}, now)
}

// healthy records that a send went through at now; a held sender is
// released.
func (d *Dispatcher) healthy(ctx context.Context, now time.Time) {
	d.healthMu.Lock()
	was := d.health
	d.health = health{since: now}
	if !was.held && !was.since.IsZero() {
		d.health.since = was.since
	}
	d.healthMu.Unlock()
	switch {
	case was.held:
		d.log.Info("sending works again; held reminders go out", slog.Time("held_since", was.since),
			slog.Int("failed_tries", was.failures))
	case !was.since.IsZero():
		return // healthy already, and recorded
	}
	d.saveHealth(ctx, store.SenderHealth{OK: true, Since: now}, now)
}

func (d *Dispatcher) saveHealth(ctx context.Context, h store.SenderHealth, now time.Time) {
	if err := d.store.SaveSenderHealth(ctx, h, now); err != nil {
		d.log.Warn("could not record the sender's health", slog.Any("error", err))
	}
}
