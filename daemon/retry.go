package daemon

import (
	"context"
	"log/slog"

	"github.com/followupd/followupd/internal/backoff"
)

// storeAttempts is how often a message's store work is tried before the
// message is given up with an error in the log.
const storeAttempts = 3

// retrying runs work up to storeAttempts times, d.retryWait (1 s) then
// twice that apart, while
// it fails. The mailbox watcher counts a message as read whatever its
// handler returns, so a passing store failure (another process holding the
// write lock past the busy timeout) would otherwise lose an invitation or an
// owner's reply for good. work must be safe to repeat: every store call it
// makes is one transaction, and replies are recorded by Message-ID.
func (d *Daemon) retrying(ctx context.Context, log *slog.Logger, what string, work func() error) error {
	p := backoff.Policy{Min: d.retryWait}
	for attempt := 1; ; attempt++ {
		err := work()
		if err == nil || attempt == storeAttempts || ctx.Err() != nil {
			return err
		}
		wait := p.Delay(attempt)
		log.Warn("message handling failed; retrying", slog.String("work", what), slog.Any("error", err), slog.Duration("in", wait))
		if !backoff.Sleep(ctx, wait) {
			return err
		}
	}
}
