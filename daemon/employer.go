package daemon

import (
	"context"
	"log/slog"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// The employer's side (issue 14). Package employerflow reads, matches,
// applies and answers an employer's message (the owner's "not a rejection"
// reaches it through package replyflow) and does the chores; what stays
// here is the clock and the sending: runEmployer, every employerTick, has
// it link new interviews into applications, check for silence and queue the
// weekly digest; what is queued is sent by the dispatcher, kicked here.

// employerTick is how often runEmployer does its chores.
const employerTick = time.Minute

// runEmployer does the employer side's chores until ctx ends. It only
// waits; the work is employerChores'.
func (d *Daemon) runEmployer(ctx context.Context) error {
	t := time.NewTicker(employerTick)
	defer t.Stop()
	for {
		d.employerChores(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// employerChores links new interviews into applications, checks for
// silence, and queues the digest when its time has come; the dispatcher is
// kicked to send what was queued. A failure is logged; the next tick tries
// again.
func (d *Daemon) employerChores(ctx context.Context) {
	d.employerFlow().LinkApplications(ctx)
	if err := d.employerFlow().CheckSilence(ctx); err != nil {
		d.log.Error("check for silence after calls", slog.Any("error", err))
	}
	if err := d.employerFlow().QueueDigest(ctx); err != nil {
		d.log.Error("queue the weekly digest", slog.Any("error", err))
	}
	d.dispatcher.Kick()
}

// afterApply is the employer side's part in storing interviews: a next
// round's invitation joins its application (and may make an earlier call
// moot), and an interview the employer said would move, once its new time
// is stored, is announced to the owner.
func (d *Daemon) afterApply(ctx context.Context, changes []store.Change) {
	d.employerFlow().LinkApplications(ctx)
	var moved []interview.Key
	for _, c := range changes {
		if c.What == store.ChangeRescheduled {
			moved = append(moved, c.Key)
		}
	}
	if len(moved) > 0 {
		if err := d.employerFlow().NoticeMoves(ctx, moved); err != nil {
			d.log.Error("tell the owner of a moved interview", slog.Any("error", err))
		}
	}
	d.dispatcher.Kick()
}
