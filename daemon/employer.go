package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// The employer's side (issue 14). Package employerflow reads, matches,
// applies and answers an employer's message (the owner's "not a rejection"
// reaches it through package replyflow) and does the chores; what stays
// here is the clock and the sending: runEmployer, every employerTick, has
// it link new interviews into applications, check for silence and queue the
// weekly digest, then sends what is queued (sendEmployerEmails).

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
// silence, queues the digest when its time has come, and sends what is
// queued. A failure is logged; the next tick tries again.
func (d *Daemon) employerChores(ctx context.Context) {
	d.employerFlow().LinkApplications(ctx)
	if err := d.employerFlow().CheckSilence(ctx); err != nil {
		d.log.Error("check for silence after calls", slog.Any("error", err))
	}
	if err := d.employerFlow().QueueDigest(ctx); err != nil {
		d.log.Error("queue the weekly digest", slog.Any("error", err))
	}
	d.sendEmployerEmails(ctx)
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
	d.sendEmployerEmails(ctx)
}

// sendEmployerEmails sends what the employer outbox holds, as the answers
// are sent: an attempt recorded before it is made, temporary failures
// retried on later ticks with growing pauses, a permanent one given up.
func (d *Daemon) sendEmployerEmails(ctx context.Context) {
	if d.sender == nil {
		return
	}
	d.answerMu.Lock()
	defer d.answerMu.Unlock()
	now := d.now()
	list, err := d.store.UnsentEmployerEmails(ctx, now.Add(-answerRetryWindow), maxAnswerAttempts)
	if err != nil {
		d.log.Error("read employer outbox", slog.Any("error", err))
		return
	}
	for _, q := range list {
		if q.Attempts > 0 && now.Before(q.CreatedAt.Add(time.Minute<<min(q.Attempts, 20))) {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		log := d.log.With(slog.String("email", q.Kind))
		var e mailer.Email
		if err := json.Unmarshal([]byte(q.Email), &e); err != nil {
			log.Error("queued email unreadable; given up", slog.Any("error", err))
			d.noteAnswer(log, d.store.NoteEmployerEmailFailure(ctx, q.MessageID, fmt.Sprintf("decode: %v", err), true))
			continue
		}
		if err := d.store.NoteEmployerEmailAttempt(ctx, q.MessageID); err != nil {
			log.Error("record email attempt", slog.Any("error", err))
			return
		}
		if err := d.sender.Send(ctx, e); err != nil {
			text := mailer.RedactTokens(err.Error(), q.MessageID, e.InReplyTo)
			permanent := !mailer.IsTemporary(err) || q.Attempts+1 >= maxAnswerAttempts
			log.Warn("employer email not sent", slog.String("error", text), slog.Bool("given_up", permanent))
			d.noteAnswer(log, d.store.NoteEmployerEmailFailure(ctx, q.MessageID, text, permanent))
			continue
		}
		d.noteAnswer(log, d.store.MarkEmployerEmailSent(ctx, q.MessageID, d.now()))
		log.Info("employer email sent")
	}
}
