package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// holdCall reports whether the call email of rec (send w) must wait because
// the interview's thank-you went out late or has not gone out yet, and if so
// moves the reminder to its new time (as a snooze would, so that the owner's
// "status" shows it) and logs why. A thank-you still pending holds the call
// without a time: the pass that sends the thank-you decides it.
func (d *Dispatcher) holdCall(ctx context.Context, rec store.InterviewRecord, w work, now time.Time, log *slog.Logger) (bool, error) {
	if w.n != 0 || w.inFlight || w.r.Kind != interview.FollowUpCall {
		return false, nil
	}
	for _, r := range rec.Reminders {
		if r.Kind != interview.ThankYou {
			continue
		}
		if r.State == store.StatePending && r.Due.Before(w.r.Due) {
			// Not sent yet (quiet hours, catch-up pacing, a retry): the call
			// never goes before it.
			log.Debug("follow-up call waits for the thank-you email")
			return true, nil
		}
		at := timerules.CallAfterLateThankYou(r.Due, r.SentAt, d.cfg.Schedule, d.cfg.Owner.Location)
		if !at.After(now) || !at.After(w.r.Due) {
			return false, nil
		}
		if err := d.store.SnoozeReminder(ctx, w.r.ID, at); err != nil {
			if changed(err) {
				return true, nil
			}
			return true, err
		}
		log.Info("follow-up call moved after the late thank-you", slog.Time("due", at))
		return true, nil
	}
	return false, nil
}

// moveCallAfterThankYou applies the late thank-you rule to the interview's
// call as soon as the thank-you email (reminder ty, read before the send) is
// out at now, so that what the owner is told next ("status", the
// acknowledgement of "sent") already has the call's new day. It needs no
// store read: rec is the interview as read before the send.
func (d *Dispatcher) moveCallAfterThankYou(ctx context.Context, rec store.InterviewRecord, ty store.ReminderRecord, now time.Time, log *slog.Logger) error {
	for i, r := range rec.Reminders {
		if r.Kind == interview.FollowUpCall && r.State == store.StatePending {
			sent := rec
			sent.Reminders = make([]store.ReminderRecord, 0, len(rec.Reminders))
			for j, o := range rec.Reminders {
				if j != i && o.ID == ty.ID {
					o.State, o.SentAt = store.StateSent, now
				}
				sent.Reminders = append(sent.Reminders, o)
			}
			_, err := d.holdCall(ctx, sent, work{r: r}, now, log.With(slog.Int64("reminder", r.ID)))
			return d.record(err)
		}
	}
	return nil
}
