package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// Retrying the answers to the owner's messages that could not be sent at
// once: the n-th retry comes no sooner than 2^n minutes after the answer was
// queued, up to maxAnswerAttempts attempts within answerRetryWindow. An
// answer a day late says nothing the owner does not know by then.
const (
	answerRetryEvery  = time.Minute
	answerRetryWindow = 24 * time.Hour
	maxAnswerAttempts = 12
)

// runAnswers retries unsent answers until ctx ends. It only waits; the work
// is retryAnswers'.
func (d *Daemon) runAnswers(ctx context.Context) error {
	t := time.NewTicker(answerRetryEvery)
	defer t.Stop()
	for {
		d.retryAnswers(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// retryAnswers sends the queued answers whose next try has come.
func (d *Daemon) retryAnswers(ctx context.Context) {
	d.answerMu.Lock()
	defer d.answerMu.Unlock()
	now := d.now()
	list, err := d.store.UnsentAnswers(ctx, now.Add(-answerRetryWindow), maxAnswerAttempts)
	if err != nil {
		d.log.Error("read unsent answers", slog.Any("error", err))
		return
	}
	for _, a := range list {
		if a.Attempts > 0 && now.Before(a.CreatedAt.Add(time.Minute<<min(a.Attempts, 20))) {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		d.deliverAnswer(ctx, a, d.log.With(slog.String("reply", a.Answers)))
	}
}

// deliverAnswersTo sends the answers queued for one message that are not
// sent yet. A failure to send is recorded for runAnswers, not returned: the
// message itself was handled.
func (d *Daemon) deliverAnswersTo(ctx context.Context, key string, log *slog.Logger) error {
	d.answerMu.Lock()
	defer d.answerMu.Unlock()
	list, err := d.store.AnswersTo(ctx, key)
	if err != nil {
		return err
	}
	for _, a := range list {
		if a.SentAt.IsZero() && a.Attempts < maxAnswerAttempts {
			d.deliverAnswer(ctx, a, log)
		}
	}
	return nil
}

// deliverAnswer makes one attempt at sending a queued answer; the caller
// holds answerMu, so that an answer is never sent by two at once.
func (d *Daemon) deliverAnswer(ctx context.Context, a store.QueuedAnswer, log *slog.Logger) {
	log = log.With(slog.String("answer", a.Kind))
	if d.sender == nil {
		log.Debug("no [smtp] section: answer not sent")
		return
	}
	var e mailer.Email
	if err := json.Unmarshal([]byte(a.Email), &e); err != nil {
		log.Error("queued answer unreadable; given up", slog.Any("error", err))
		d.noteAnswer(log, d.store.NoteAnswerFailure(ctx, a.MessageID, fmt.Sprintf("decode: %v", err), true))
		return
	}
	if err := d.store.NoteAnswerAttempt(ctx, a.MessageID); err != nil {
		log.Error("record answer attempt", slog.Any("error", err))
		return
	}
	err := d.sender.Send(ctx, e)
	if err == nil {
		d.noteAnswer(log, d.store.MarkAnswerSent(ctx, a.MessageID, d.now()))
		log.Info("answer sent", slog.Int("attempts", a.Attempts+1))
		return
	}
	// Our Message-IDs carry the reply token: never log or store them.
	text := mailer.RedactTokens(err.Error(), a.MessageID, e.InReplyTo)
	for _, r := range e.References {
		text = mailer.RedactTokens(text, r)
	}
	// A failure of the account or the connection is not this answer's: it
	// is tried again within the retry window however often it failed.
	permanent := !mailer.IsAccountFailure(err) && (!mailer.IsTemporary(err) || a.Attempts+1 >= maxAnswerAttempts)
	if permanent {
		log.Error("answer not sent; given up", slog.String("error", text), slog.Int("attempts", a.Attempts+1))
	} else {
		log.Warn("answer not sent; will retry", slog.String("error", text), slog.Int("attempts", a.Attempts+1))
	}
	d.noteAnswer(log, d.store.NoteAnswerFailure(ctx, a.MessageID, text, permanent))
}

func (d *Daemon) noteAnswer(log *slog.Logger, err error) {
	if err != nil {
		log.Error("record answer outcome", slog.Any("error", err))
	}
}
