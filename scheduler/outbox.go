package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// DefaultOutboxWindow is how long a queued email (an answer to the owner, an
// employer-side notice) is tried: one still unsent this long after it was
// queued is dropped. An answer a day late says nothing the owner does not
// know by then.
const DefaultOutboxWindow = 24 * time.Hour

// WithOutboxWindow sets how long a queued email is tried.
func WithOutboxWindow(d time.Duration) Option { return func(x *Dispatcher) { x.outboxWindow = d } }

// SendQueued sends the queued emails (store.NextOutgoing) whose time has
// come, and returns when the next one is due (zero: none is waiting). They
// go out as the reminders do: each attempt recorded before it is made, a
// failure of the account or the connection holding every send (see Health),
// a refusal of the message giving that one up, other failures retried with
// the dispatcher's backoff up to its attempt limit. They are answers to the
// owner's own messages or news of the owner's applications, so quiet hours
// and catch-up pacing do not hold them. Tick calls it first; it must not run
// concurrently with Tick. An error is returned only when the store fails.
func (d *Dispatcher) SendQueued(ctx context.Context, now time.Time) (time.Time, error) {
	list, err := d.store.NextOutgoing(ctx, now.Add(-d.outboxWindow))
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	later := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for _, q := range list {
		if ctx.Err() != nil {
			return next, nil
		}
		if q.NextAttempt.After(now) {
			later(q.NextAttempt)
			continue
		}
		if until := d.heldUntil(); until.After(now) {
			later(until)
			continue
		}
		retry, err := d.sendQueued(ctx, q, now)
		if err != nil {
			return next, err
		}
		if !retry.IsZero() {
			later(retry)
		}
	}
	return next, nil
}

// sendQueued makes one attempt at q and returns when the next is due (zero:
// none). Only a store failure is returned.
func (d *Dispatcher) sendQueued(ctx context.Context, q store.QueuedMail, now time.Time) (time.Time, error) {
	log := d.log.With(slog.String("outbox", string(q.Box)), slog.String("email", q.Kind))
	var e mailer.Email
	if err := json.Unmarshal([]byte(q.Email), &e); err != nil {
		// It will not decode on a retry either.
		log.Error("queued email unreadable; given up", slog.Any("error", err))
		return time.Time{}, d.record(d.store.OutgoingFailed(ctx, q, fmt.Sprintf("decode: %v", err)))
	}
	attempts, err := d.store.BeginOutgoing(ctx, q, now.Add(d.backoff(q.Attempts+1)))
	switch {
	case changed(err):
		log.Debug("queued email changed meanwhile; not sent")
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, err
	}
	// The attempt is on record: finish it, and record how it went, even when
	// asked to stop meanwhile.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendGrace)
	defer cancel()
	err = d.sender.Send(sctx, e)
	if err == nil {
		if err := d.record(d.store.OutgoingSent(sctx, q, now)); err != nil {
			return time.Time{}, err
		}
		d.healthy(sctx, now)
		log.Info("queued email sent", slog.Int("attempts", attempts))
		return time.Time{}, nil
	}
	// Our Message-IDs carry the reply token: never log or store them.
	text := mailer.RedactEmail(err.Error(), e)
	switch {
	case mailer.IsAccountFailure(err):
		// Not this message's fault: every send waits for the account.
		d.hold(sctx, now, text, log)
		return d.heldUntil(), d.record(d.store.OutgoingRetry(sctx, q, now, "held: "+text))
	case !mailer.IsTemporary(err):
		log.Error("queued email refused; given up", slog.String("error", text), slog.Int("attempts", attempts))
		return time.Time{}, d.record(d.store.OutgoingFailed(sctx, q, text))
	case attempts >= d.maxAttempts:
		log.Error("queued email still failing; given up", slog.String("error", text), slog.Int("attempts", attempts))
		return time.Time{}, d.record(d.store.OutgoingFailed(sctx, q, fmt.Sprintf("gave up after %d attempts: %s", attempts, text)))
	}
	retry := now.Add(d.backoff(attempts))
	log.Warn("queued email not sent; will retry", slog.String("error", text), slog.Int("attempts", attempts),
		slog.Time("retry_at", retry))
	return retry, d.record(d.store.OutgoingRetry(sctx, q, retry, text))
}
