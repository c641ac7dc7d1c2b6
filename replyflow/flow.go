// Package replyflow owns the path of the owner's messages to followupd,
// from the parts the watcher decoded to the answers queued for sending:
// match (the reminder a reply answers, by the reply token of our
// Message-IDs), authorize and parse (package replies), apply (the store, in
// one transaction with the answers) and answer (the wording, in package
// mailer's templates). It also notices thank-you notes in the Sent folder,
// and says in words what a command changed for the command line
// (Acknowledgement). It holds the Message-ID and token helpers the answers
// and the employer's side share.
//
// It neither watches a mailbox nor sends: the daemon hands it each message,
// and the dispatcher (package scheduler) sends the queued answers.
package replyflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/store"
)

// How the owner's replies are handled (issue 5).
//
// A message in the watched Inbox is a reply to followupd when its
// In-Reply-To, or failing that one of its References (the most recent
// first), is one of our Message-IDs, "r.TOKEN.SUFFIX@DOMAIN", and TOKEN is a
// stored reminder's reply token. Anything else is not ours and goes on to
// invitation handling. A reply is read with package replies; only an
// Actionable one (from the owner, not failing the owner's server's
// authentication checks, not an auto-reply) changes anything. A refused or
// ignored reply is recorded, logged once, and never answered.
//
// Each message is applied at most once: its Message-ID is recorded in the
// same transaction as the change and the answers it gets (store
// ApplyOwnerCommand), so a message handed on again (a re-sync after a
// UIDVALIDITY change, a crash before the folder position was saved) is
// neither applied nor answered twice. A message without a Message-ID is
// known by a hash of its sender, date, subject, In-Reply-To and text.
//
// The commands:
//   - "sent": the interview's thank-you is confirmed, whichever of its
//     emails the reply answers. "done": the reminder answered is confirmed
//     (a call as "called").
//   - "called": the follow-up call is confirmed (outcome "called").
//   - "offer" / "no offer": the call is confirmed with that outcome, also
//     when it was confirmed as "called" before; "called" never overwrites
//     an offer.
//   - "snooze ..." / "tomorrow": the answered reminder's next send is put off
//     until then (see store.ActionSnooze for what that means per state).
//   - "skip": the answered reminder is skipped.
//   - "cancel": the interview is cancelled by the owner, which no calendar
//     or invitation merge revives, and its open reminders with it.
//   - "notes: ...": appended to the interview's notes, which the dispatcher
//     puts in later drafts and in the call outline.
//   - "formal" / "casual": set for every interview of the company and
//     remembered for its later ones (a trigger of migration 0002).
//   - "mr" / "ms" / "mrs" / "dr": set for one interviewer, remembered by
//     address: the interviewer named after the word ("ms doe"), else the
//     first whose honorific is unknown, else the first.
//   - After "formal", "casual" or an honorific, while the thank-you is sent
//     and unanswered, its email is composed again and sent in the thread.
//   - "status": a reply listing the open follow-ups. "help": the help email.
//   - An unknown command: the help email, unless one (for any reason) went
//     to this interview's thread less than helpEvery ago; the time of the
//     last one is in the store, so the limit survives a restart. A reply
//     with no text of its own gets the plain help.
//
// [replies] acknowledge = false turns off the acknowledgements of applied
// commands and of notes noticed in the Sent folder. Help, status and the
// re-sent thank-you email still go: they answer a question or carry
// content, they do not only confirm.
//
// Answers go through the store's outbox: queued with the change; once it
// commits, Flow.Deliver is told (the daemon kicks the dispatcher, which
// sends them with its retry policy, scheduler.Dispatcher.SendQueued).

// Flow handles the owner's messages. Its fields are set once by the
// daemon; Config is read at each message, so a reload takes effect.
type Flow struct {
	Store  *store.Store
	Config func() *config.Config
	Now    func() time.Time
	Log    *slog.Logger
	// Kick tells the dispatcher that reminders may have moved; nil is fine.
	Kick func()
	// Deliver is told that answers are queued for the message known as
	// key (the daemon kicks the dispatcher, which sends them); nil leaves
	// them for the dispatcher's next pass.
	Deliver func(ctx context.Context, key string, log *slog.Logger) error
	// Employer handles the owner's "not a rejection" and its kin (the
	// NotEmployer command): employerflow.Flow.Undo. Without it such a reply
	// is logged and changes nothing.
	Employer func(ctx context.Context, m mailbox.Message, rep replies.Reply, rem store.ReminderRecord, key, matched string, log *slog.Logger) error
}

func (f *Flow) kick() {
	if f.Kick != nil {
		f.Kick()
	}
}

// deliver says that answers are queued for key; without Deliver they wait
// for the dispatcher's next pass.
func (f *Flow) deliver(ctx context.Context, key string, log *slog.Logger) error {
	if f.Deliver == nil {
		return nil
	}
	return f.Deliver(ctx, key, log)
}

// helpEvery is how often at most an unknown command gets the help email,
// per interview.
const helpEvery = time.Hour

// Sent-folder notes count from the interview's start to this long after.
const sentNoteWindow = 14 * 24 * time.Hour

// maxTokenLookups bounds the References looked up for one message.
const maxTokenLookups = 20

// HandleReply handles m when it answers one of followupd's emails and
// reports whether it did. false means the message is not a command to us
// (not a reply to our emails, or a refused or ignored one) and goes on to
// invitation handling; our own emails come back true, so that the call
// email's .ics slot is never read as an invitation.
func (f *Flow) HandleReply(ctx context.Context, m mailbox.Message) (bool, error) {
	if own, err := f.isOwnMessage(ctx, m); err != nil || own {
		return own, err
	}
	if m.Header.Get("In-Reply-To") == "" && m.Header.Get("References") == "" {
		return false, nil
	}
	now := f.Now()
	rep := readReply(m, replies.RulesFrom(f.Config(), now))
	rem, matched, err := f.answeredReminder(ctx, rep)
	if err != nil || rem.ID == 0 {
		return false, err
	}
	key := MessageKey(m)
	log := f.Log.With(slog.String("folder", m.Folder), slog.Uint64("uid", uint64(m.UID)),
		slog.String("reply", key), slog.Int64("interview", rem.InterviewID))

	// Read again knowing the text of the email answered (else of the
	// reminder's first send, for a reply to one of our answers): a quote of
	// it is then known for one whatever header the owner's client wrote
	// above it.
	text, err := f.Store.SentText(ctx, matched)
	if errors.Is(err, store.ErrNotFound) && rem.MessageID != "" && rem.MessageID != matched {
		text, err = f.Store.SentText(ctx, rem.MessageID)
	}
	switch {
	case err == nil && text != "":
		rules := replies.RulesFrom(f.Config(), now)
		rules.Answered = text
		rep = readReply(m, rules)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		log.Warn("text of the answered email unreadable; reply read without it", slog.Any("error", err))
	}

	handled, err := f.Store.OwnerMessageHandled(ctx, key)
	if err != nil {
		return true, err
	}
	if handled {
		log.Debug("reply handled before; not applied again")
		return true, f.deliver(ctx, key, log)
	}

	if !rep.Actionable() {
		what := "refused"
		if rep.Authorized {
			what = "ignored"
		}
		_, err := f.Store.ApplyOwnerCommand(ctx, store.OwnerCommand{MessageID: key, ReminderID: rem.ID,
			Command: what, Date: rep.Date, Now: now}, nil)
		switch {
		case errors.Is(err, store.ErrAlreadyHandled):
		case err != nil:
			return false, fmt.Errorf("record %s reply: %w", what, err)
		case rep.Authorized:
			log.Info("reply ignored; nothing changed", slog.String("from", rep.From), slog.String("reason", rep.Reason))
		default:
			log.Warn("reply refused; nothing changed", slog.String("from", rep.From), slog.String("reason", rep.Reason))
		}
		// Not a command: an invitation in it (a recruiter answering in a
		// forwarded thread) is still read.
		return false, nil
	}

	if rep.Command == replies.NotEmployer { // the employer's side: employerflow.Flow.Undo
		if f.Employer == nil {
			log.Warn("reply undoes an employer's message, but no employer side is wired; nothing changed")
			return true, nil
		}
		return true, f.Employer(ctx, m, rep, rem, key, matched, log)
	}
	rec, err := f.Store.Interview(ctx, rem.InterviewID)
	if err != nil {
		return true, fmt.Errorf("read interview of the reply: %w", err)
	}
	var all []store.InterviewRecord
	if rep.Command == replies.Status {
		if all, err = f.Store.Interviews(ctx); err != nil {
			return true, fmt.Errorf("read interviews for status: %w", err)
		}
	}
	c := ownerCommand(rep, rem, rec)
	c.MessageID, c.Now = key, now
	a := NewAnswerer(f.Config(), m, rep, key, matched, now)
	res, err := f.Store.ApplyOwnerCommand(ctx, c, func(res store.CommandResult) ([]store.Answer, error) {
		return a.answers(rep, c, rem, res, all)
	})
	switch {
	case errors.Is(err, store.ErrAlreadyHandled):
		return true, nil
	case err != nil:
		return true, fmt.Errorf("apply reply %q: %w", rep.Command, err)
	}
	log.Info("reply applied", slog.String("command", string(rep.Command)), slog.Bool("changed", res.Changed),
		slog.String("quote", rep.Quote))
	if res.Changed {
		f.kick() // nil-safe; reminders may have moved
	}
	return true, f.deliver(ctx, key, log)
}

// isOwnMessage reports whether m is one of followupd's own emails (its
// Message-ID holds a stored token), as it appears when [smtp] delivers to the
// watched mailbox: it is neither a reply nor an invitation.
func (f *Flow) isOwnMessage(ctx context.Context, m mailbox.Message) (bool, error) {
	id, _ := m.Header.MessageID()
	token, ok := mailer.TokenOf(id)
	if !ok {
		return false, nil
	}
	_, err := f.Store.ReminderByToken(ctx, token)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	f.Log.Debug("own email in the mailbox; skipped", slog.String("folder", m.Folder), slog.Uint64("uid", uint64(m.UID)))
	return true, nil
}

// answeredReminder finds the reminder a reply answers: the token of its
// In-Reply-To, else of its References from the most recent back. matched is
// the Message-ID that named it. A zero reminder means none of ours.
func (f *Flow) answeredReminder(ctx context.Context, rep replies.Reply) (rem store.ReminderRecord, matched string, err error) {
	ids := make([]string, 0, 1+len(rep.References))
	ids = append(ids, rep.InReplyTo)
	for i := len(rep.References) - 1; i >= 0; i-- {
		ids = append(ids, rep.References[i])
	}
	lookups := 0
	for _, id := range ids {
		token, ok := mailer.TokenOf(id)
		if !ok {
			continue
		}
		if lookups++; lookups > maxTokenLookups {
			break
		}
		r, err := f.Store.ReminderByToken(ctx, token)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return store.ReminderRecord{}, "", err
		}
		return r, id, nil
	}
	return store.ReminderRecord{}, "", nil
}

// ownerCommand turns a reply into the change it asks for.
func ownerCommand(rep replies.Reply, rem store.ReminderRecord, rec store.InterviewRecord) store.OwnerCommand {
	c := store.OwnerCommand{ReminderID: rem.ID, Command: string(rep.Command), Date: rep.Date}
	switch rep.Command {
	case replies.Sent:
		c.Action, c.Kind = store.ActionConfirm, interview.ThankYou
		if firstWord(rep.Line) == "done" {
			c.Kind = rem.Kind
			c.Command = "done"
			if rem.Kind == interview.FollowUpCall {
				c.Outcome = store.OutcomeCalled
			}
		}
	case replies.Called:
		c.Action, c.Kind, c.Outcome = store.ActionConfirm, interview.FollowUpCall, store.OutcomeCalled
	case replies.Offer:
		c.Action, c.Kind, c.Outcome = store.ActionConfirm, interview.FollowUpCall, store.OutcomeOffer
	case replies.NoOffer:
		c.Action, c.Kind, c.Outcome = store.ActionConfirm, interview.FollowUpCall, store.OutcomeNoOffer
	case replies.Snooze:
		c.Action, c.Until = store.ActionSnooze, rep.Until
	case replies.Skip:
		c.Action = store.ActionSkip
	case replies.Cancel:
		c.Action = store.ActionCancel
	case replies.Notes:
		c.Action, c.Notes = store.ActionNotes, rep.Notes
	case replies.Formal, replies.Casual:
		c.Action, c.Formality = store.ActionFormality, string(rep.Command)
	case replies.SetHonorific:
		if i := honorificTarget(rec.Interviewers, rep.Line); i >= 0 {
			c.Action, c.Honorific, c.Interviewer = store.ActionHonorific, rep.Honorific, i
		}
	}
	return c
}

// honorificTarget picks the interviewer an honorific reply is about: the
// one named in the words after the honorific ("ms doe"), else the first
// whose honorific is unknown, else the first. -1 when there is none.
func honorificTarget(ivs []interview.Interviewer, line string) int {
	if len(ivs) == 0 {
		return -1
	}
	words := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-' && r != '\''
	})
	if len(words) > 1 {
		for i, p := range ivs {
			last := strings.ToLower(p.LastName())
			for _, w := range words[1:] {
				if w == last {
					return i
				}
			}
		}
	}
	for i, p := range ivs {
		if p.Honorific == interview.NoHonorific {
			return i
		}
	}
	return 0
}

// firstWord is the first word of a line, lower-cased, without punctuation.
func firstWord(line string) string {
	f := strings.Fields(strings.ToLower(line))
	if len(f) == 0 {
		return ""
	}
	return strings.TrimFunc(f[0], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// HandleSentNote confirms a thank-you from a message in the Sent folder: one
// addressed (To, Cc or Bcc) to an interviewer, dated after an interview
// with them started and at most sentNoteWindow after. A message addressed
// only to the owner never counts. When several interviews qualify, the
// latest-started one whose thank-you is still open is confirmed: a note
// answers the most recent meeting. The acknowledgement says the note was
// noticed.
func (f *Flow) HandleSentNote(ctx context.Context, m mailbox.Message) error {
	var to []string
	for _, k := range []string{"To", "Cc", "Bcc"} {
		list, _ := m.Header.AddressList(k)
		for _, a := range list {
			if addr := strings.ToLower(strings.TrimSpace(a.Address)); addr != "" && !f.Config().Owner.IsOwner(addr) {
				to = append(to, addr)
			}
		}
	}
	if len(to) == 0 {
		return nil
	}
	date, err := m.Header.Date()
	if err != nil || date.IsZero() {
		date = m.InternalDate
	}
	if date.IsZero() {
		return nil
	}
	ivs, err := f.Store.InterviewsWithInterviewer(ctx, to, date.Add(-sentNoteWindow), date)
	if err != nil {
		return err
	}
	var rec store.InterviewRecord
	var ty store.ReminderRecord
	for _, iv := range ivs { // ordered by start: the last one found wins
		if iv.Status != interview.Scheduled {
			continue
		}
		for _, r := range iv.Reminders {
			if r.Kind == interview.ThankYou && isOpen(r.State) {
				rec, ty = iv, r
			}
		}
	}
	if ty.ID == 0 {
		return nil
	}
	id, _ := m.Header.MessageID()
	key := fmt.Sprintf("%s#interview-%d", messageKeyOf(id, m), rec.ID)
	log := f.Log.With(slog.String("folder", m.Folder), slog.Uint64("uid", uint64(m.UID)),
		slog.String("note", key), slog.Int64("interview", rec.ID))
	now := f.Now()
	a := NewAnswerer(f.Config(), m, replies.Reply{}, key, ty.MessageID, now)
	c := store.OwnerCommand{MessageID: key, ReminderID: ty.ID, Command: "sent_folder", Action: store.ActionConfirm,
		Kind: interview.ThankYou, Date: date, Now: now}
	res, err := f.Store.ApplyOwnerCommand(ctx, c, func(res store.CommandResult) ([]store.Answer, error) {
		return a.sentNoteAnswers(ty, to, res)
	})
	switch {
	case errors.Is(err, store.ErrAlreadyHandled):
		return f.deliver(ctx, key, log)
	case err != nil:
		return fmt.Errorf("confirm thank-you from the Sent folder: %w", err)
	}
	log.Info("thank-you note noticed in the Sent folder", slog.Bool("changed", res.Changed))
	if res.Changed {
		f.kick()
	}
	return f.deliver(ctx, key, log)
}

// isOpen reports whether a reminder still waits for the owner (or to be
// sent), or ended without an answer.
func isOpen(state interview.State) bool { return state.Answerable() }

// readReply reads m with package replies from the parts the watcher
// decoded (the header, the text and HTML bodies, the text's format=flowed):
// the message is parsed once, by the watcher.
func readReply(m mailbox.Message, rules replies.Rules) replies.Reply {
	return replies.ReadParts(m.Header, replies.Body{Text: m.Text, HTML: m.HTML, Flowed: m.Flowed, DelSp: m.DelSp}, rules)
}

// MessageKey is what a reply is known by in the store: its Message-ID, or
// for a message without one a hash of what identifies it.
func MessageKey(m mailbox.Message) string {
	id, _ := m.Header.MessageID()
	return messageKeyOf(id, m)
}

func messageKeyOf(id string, m mailbox.Message) string {
	if id = strings.TrimSpace(id); id != "" {
		return id
	}
	h := sha256.New()
	for _, k := range []string{"From", "Date", "Subject", "In-Reply-To", "To"} {
		fmt.Fprintf(h, "%s\x00%s\x00", k, m.Header.Get(k))
	}
	fmt.Fprintf(h, "%s\x00%s", m.Text, m.HTML)
	return "no-message-id." + hex.EncodeToString(h.Sum(nil)[:16])
}

// IsSentFolder reports whether folder is [imap] folders.sent (and not the
// Inbox as well).
func IsSentFolder(cfg *config.Config, folder string) bool {
	if !cfg.HasIMAP() {
		return false
	}
	im, err := cfg.IMAP()
	return err == nil && im.Sent != "" && folder == im.Sent && folder != im.Inbox
}
