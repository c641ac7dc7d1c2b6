package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// messageID is the Message-ID of send n of the reminder with token:
// "r.TOKEN.N@DOMAIN". It is the same every time it is computed, so a send
// repeated after a crash is recognisably the same message, and the
// unguessable token in it lets a reply be matched to its reminder. The
// token is a secret: the ID is never logged, and is taken out of errors
// before they are logged or stored.
func (d *Dispatcher) messageID(token string, n int) string {
	return mailer.ReminderID(token, n, d.domain)
}

// draftBase is the Message-ID the thank-you drafts' own IDs derive from
// (mailer.Drafts adds ".draftN"). It is not the email's: a draft goes to the
// interviewer and must not carry the reply token, so it holds a hash of it.
func (d *Dispatcher) draftBase(token string) string {
	sum := sha256.Sum256([]byte("followupd draft\x00" + token))
	return "d." + hex.EncodeToString(sum[:10]) + "@" + d.domain
}

// send makes (or settles) send w.n of a reminder: see Tick. Only a store
// failure is returned; the outcome of the send itself is recorded.
func (d *Dispatcher) send(ctx context.Context, w work, now time.Time, log *slog.Logger) error {
	rec, err := d.store.Interview(ctx, w.r.InterviewID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // deleted meanwhile, and its reminders with it
	case err != nil:
		return fmt.Errorf("read interview of reminder %d: %w", w.r.ID, err)
	}
	if rec.Status == interview.Cancelled {
		return d.resolve(ctx, w, store.StateCancelled, "the interview was cancelled", now, log)
	}
	if held, err := d.holdCall(ctx, rec, w, now, log); held || err != nil {
		return err
	}

	id := d.messageID(w.r.Token, w.n)
	if w.n == 0 && w.inFlight && w.r.MessageID != "" {
		// What was recorded before the crash, even if [smtp] from changed.
		id = w.r.MessageID
	}
	a := store.Attempt{Reminder: w.r.ID, N: w.n, MessageID: id}

	// A send interrupted by a crash is looked for in the owner's mailbox (the
	// Message-ID is the same on every attempt) before it goes out again.
	if w.inFlight && d.mailbox != nil {
		if d.inMailbox(ctx, id, w.r.Token, log) {
			if err := d.store.SendDone(ctx, a, now, now.Add(d.cfg.Schedule.NagEvery)); err != nil && !changed(err) {
				return err
			}
			log.Info("interrupted send found in the mailbox; not sent again")
			return nil
		}
		log.Info("interrupted send not in the mailbox; sending it again")
	}

	attempts, err := d.store.BeginSend(ctx, a, now.Add(d.backoff(w.r.Attempts+1)))
	switch {
	case changed(err):
		log.Debug("reminder changed meanwhile; not sent")
		return nil
	case err != nil:
		return err
	}

	// From here the attempt is on record: finish it, and record how it went,
	// even when asked to stop meanwhile.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendGrace)
	defer cancel()
	// An earlier attempt that failed in a way that may have delivered it
	// after all (the connection lost after the message went out, a server
	// that filed it and then answered 4xx) is looked for in the owner's
	// mailbox too before the message goes out again.
	if !w.inFlight && w.r.Attempts > 0 && d.inMailbox(sctx, id, w.r.Token, log) {
		log.Info("failed attempt arrived after all; not sent again")
		return d.record(d.store.SendDone(sctx, a, now, now.Add(d.cfg.Schedule.NagEvery)))
	}

	email, err := d.compose(sctx, rec, w, id, now, log)
	if err != nil {
		// A message that cannot be composed will not compose on a retry.
		log.Error("reminder could not be composed; given up", slog.Any("error", d.redact(err, w.r.Token)))
		return d.record(d.store.SendFailed(sctx, a, now, "compose: "+d.redact(err, w.r.Token).Error()))
	}
	err = d.sender.Send(sctx, email)
	if err == nil {
		// The text is kept, with the send, for reading the owner's
		// replies, which quote it (issue 10).
		a.Text = email.Text
		if err := d.store.SendDone(sctx, a, now, now.Add(d.cfg.Schedule.NagEvery)); err != nil && !changed(err) {
			// The row stays sending; the next pass finds the message in the
			// mailbox (or, without one, sends it again).
			return err
		}
		d.healthy(sctx, now)
		log.Info("reminder sent", slog.Int("attempts", attempts))
		if w.n == 0 && w.r.Kind == interview.ThankYou {
			return d.moveCallAfterThankYou(sctx, rec, w.r, now, log)
		}
		return nil
	}
	text := d.redact(err, w.r.Token).Error()
	switch {
	case mailer.IsAccountFailure(err):
		// Not this message's fault: every send would fail the same way.
		// Nothing is given up; every send waits for the account to work.
		// The reminder keeps its time: the hold (in this process) makes it
		// wait, so that a restart, a reload or the server coming back
		// sends it at once, and its lateness is still judged from it.
		d.hold(sctx, now, text, log)
		at := w.at
		if at.IsZero() || at.After(now) {
			at = now
		}
		return d.record(d.store.SendRetry(sctx, a, at, "held: "+text))
	case !mailer.IsTemporary(err):
		log.Error("reminder refused; given up", slog.String("error", text), slog.Int("attempts", attempts))
		return d.record(d.store.SendFailed(sctx, a, now, text))
	case attempts >= d.maxAttempts:
		log.Error("reminder still failing; given up", slog.String("error", text), slog.Int("attempts", attempts))
		return d.record(d.store.SendFailed(sctx, a, now, fmt.Sprintf("gave up after %d attempts: %s", attempts, text)))
	}
	retry := now.Add(d.backoff(attempts))
	log.Warn("reminder not sent; will retry", slog.String("error", text), slog.Int("attempts", attempts),
		slog.Time("retry_at", retry))
	return d.record(d.store.SendRetry(sctx, a, retry, text))
}

// inMailbox reports whether the message with Message-ID id is in the
// owner's INBOX. Without a mailbox, or when the search fails, it says no:
// the message is then sent (again), the one duplicate a crash may cost.
func (d *Dispatcher) inMailbox(ctx context.Context, id, token string, log *slog.Logger) bool {
	if d.mailbox == nil {
		return false
	}
	found, err := d.mailbox.HasMessageID(ctx, d.inbox, id)
	if err != nil {
		log.Warn("could not look for an earlier attempt in the mailbox; sending it again",
			slog.Any("error", d.redact(err, token)))
		return false
	}
	return found
}

// record passes on a store error, except that someone else changing the
// reminder meanwhile is not one.
func (d *Dispatcher) record(err error) error {
	if changed(err) {
		return nil
	}
	return err
}

func changed(err error) bool {
	return errors.Is(err, store.ErrChanged) || errors.Is(err, store.ErrNotFound)
}

// redact takes the reply token (part of our Message-IDs) out of an error.
func (d *Dispatcher) redact(err error, token string) error {
	text := mailer.RedactToken(err.Error(), token)
	if text == err.Error() {
		return err
	}
	return errors.New(text)
}

// compose builds the email of send w.n with Message-ID id. Before the
// thank-you email, its drafts are placed in the Drafts folder (when one is
// configured), so that what the email says about them is true.
func (d *Dispatcher) compose(ctx context.Context, rec store.InterviewRecord, w work, id string, now time.Time, log *slog.Logger) (e mailer.Email, err error) {
	// A bug tripped by one interview's data must give up that reminder, not
	// restart the dispatcher on the same row for ever, holding up the rest.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic while composing: %v", p)
		}
	}()
	th := d.thread(rec, w, id)
	switch {
	case w.n > 0:
		return mailer.Nudge(mailer.NudgeInput{Interview: rec.Interview, Owner: d.cfg.Owner, Kind: w.r.Kind,
			N: w.n, Limit: d.cfg.Schedule.NagLimit, Now: now, Thread: th})
	case w.r.Kind == interview.ThankYou:
		in := mailer.ThankYouInput{Interview: rec.Interview, Owner: d.cfg.Owner, Formality: Formality(rec, d.cfg),
			Notes: rec.Notes, Now: now, Thread: th}
		if d.placeDrafts(ctx, in, w.r.Token, now, log) {
			in.DraftsFolder = d.drafts
		}
		return mailer.ThankYou(in)
	case w.r.Kind == interview.FollowUpCall:
		others, err := d.others(ctx, rec, now)
		if err != nil {
			return mailer.Email{}, err
		}
		return mailer.FollowUpCall(mailer.CallInput{Interview: rec.Interview, Owner: d.cfg.Owner, Notes: rec.Notes,
			Others: others, Slot: callSlot(now), Now: now, Thread: th})
	}
	return mailer.Email{}, fmt.Errorf("unknown reminder kind %q", w.r.Kind)
}

// thread places send w.n in the interview's thread. The root is the
// thank-you email (send 0 of the thank-you reminder); the call email
// answers it, and each nudge answers its own reminder's email.
func (d *Dispatcher) thread(rec store.InterviewRecord, w work, id string) mailer.Thread {
	th := mailer.Thread{From: d.from, MessageID: id}
	var root string
	for _, r := range rec.Reminders {
		if r.Kind == interview.ThankYou && r.MessageID != "" {
			root = r.MessageID
		}
	}
	parent := root
	if w.n > 0 {
		parent = w.r.MessageID
		if parent == "" {
			parent = d.messageID(w.r.Token, 0)
		}
	}
	if parent == "" || parent == id {
		return th
	}
	th.InReplyTo = parent
	if root != "" && root != parent {
		th.References = []string{root}
	}
	th.References = append(th.References, parent)
	return th
}

// placeDrafts appends the thank-you drafts, addressed to the interviewers,
// to the Drafts folder with \Draft, skipping those already there (a send
// repeated after a crash places them again). It reports whether they are
// all there; a failure is logged, and the email then does not mention them.
func (d *Dispatcher) placeDrafts(ctx context.Context, in mailer.ThankYouInput, token string, now time.Time, log *slog.Logger) bool {
	if d.mailbox == nil || d.drafts == "" {
		return false
	}
	in.Thread = mailer.Thread{MessageID: d.draftBase(token)}
	drafts, err := mailer.Drafts(in)
	if err != nil {
		log.Warn("could not compose the drafts", slog.Any("error", err))
		return false
	}
	for i, e := range drafts {
		found, err := d.mailbox.HasMessageID(ctx, d.drafts, e.MessageID)
		if err != nil {
			log.Warn("could not look in the drafts folder; drafts not placed", slog.String("folder", d.drafts), slog.Any("error", err))
			return false
		}
		if found {
			continue
		}
		raw, err := e.Bytes()
		if err == nil {
			err = d.mailbox.Append(ctx, d.drafts, []imap.Flag{imap.FlagDraft}, now, raw)
		}
		if err != nil {
			log.Warn("could not place a draft", slog.String("folder", d.drafts), slog.Int("draft", i+1), slog.Any("error", err))
			return false
		}
	}
	log.Info("thank-you drafts placed", slog.String("folder", d.drafts), slog.Int("drafts", len(drafts)))
	return true
}

// others are the owner's other live interviews, for the call email: still
// scheduled, and either not yet held or with a follow-up still open.
func (d *Dispatcher) others(ctx context.Context, rec store.InterviewRecord, now time.Time) ([]interview.Interview, error) {
	all, err := d.store.Interviews(ctx)
	if err != nil {
		return nil, fmt.Errorf("read other interviews: %w", err)
	}
	var out []interview.Interview
	for _, o := range all {
		if o.ID == rec.ID || o.Status != interview.Scheduled {
			continue
		}
		live := o.Start.After(now)
		for _, r := range o.Reminders {
			if r.State.Open() {
				live = true
			}
		}
		if live {
			out = append(out, o.Interview)
		}
	}
	return out, nil
}

// callSlot is the start of the call slot offered in the call email: the
// next quarter hour at least a few minutes away.
func callSlot(now time.Time) time.Time {
	return now.Add(20 * time.Minute).Truncate(15 * time.Minute)
}

// Formality is timerules.Formality for a stored interview: the owner's
// choice recorded on it, else the configuration's rule, else casual.
func Formality(rec store.InterviewRecord, cfg *config.Config) config.Formality {
	return timerules.Formality(rec.Interview, rec.Formality, cfg)
}
