package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/timerules"
)

// ErrAlreadyHandled is returned by ApplyOwnerCommand for a message whose
// Message-ID was handled before: nothing is applied again.
var ErrAlreadyHandled = errors.New("message already handled")

// OwnerAction is what an owner's command does to the stored state.
type OwnerAction string

// The actions. Which reminders each one moves, from which states, is said
// at its case in (*ownerTx).apply.
const (
	// ActionNone records the message and changes nothing (status, help, an
	// unknown command, a refused or ignored reply).
	ActionNone OwnerAction = ""
	// ActionConfirm confirms the interview's reminder of OwnerCommand.Kind,
	// recording OwnerCommand.Outcome.
	ActionConfirm OwnerAction = "confirm"
	// ActionSnooze puts the answered reminder's next send off until
	// OwnerCommand.Until.
	ActionSnooze OwnerAction = "snooze"
	// ActionSkip skips the answered reminder.
	ActionSkip OwnerAction = "skip"
	// ActionCancel cancels the interview (cancel_reason 'owner': no merge
	// revives it) and every reminder of it that is not resolved.
	ActionCancel OwnerAction = "cancel"
	// ActionNotes appends OwnerCommand.Notes to the interview's notes.
	ActionNotes OwnerAction = "notes"
	// ActionFormality sets OwnerCommand.Formality on every interview of the
	// company and remembers it for the company's later interviews.
	ActionFormality OwnerAction = "formality"
	// ActionHonorific sets OwnerCommand.Honorific on the interviewer at
	// OwnerCommand.Interviewer (and on every interviewer row with the same
	// address) and remembers it for that address.
	ActionHonorific OwnerAction = "honorific"
)

// Outcomes recorded on a confirmed follow-up call (ReminderRecord.Outcome).
const (
	OutcomeCalled  = "called"
	OutcomeOffer   = "offer"
	OutcomeNoOffer = "no_offer"
)

// OwnerCommand is one message of the owner's to apply at most once: a reply
// to a reminder, or a note to an interviewer noticed in the Sent folder.
type OwnerCommand struct {
	// MessageID identifies the message (its Message-ID); the same id is
	// never applied twice.
	MessageID string
	// ReminderID is the reminder the message answers; its interview is the
	// one the command changes.
	ReminderID int64
	// Command is recorded as the message's meaning: the reply command
	// ("sent", "snooze", ...), "refused", "ignored" or "sent_folder".
	Command string
	Action  OwnerAction

	Kind      interview.ReminderKind // ActionConfirm: which reminder
	Outcome   string                 // ActionConfirm: an Outcome constant, "" for a thank-you
	Until     time.Time              // ActionSnooze
	Notes     string                 // ActionNotes
	Formality string                 // ActionFormality: "formal" or "casual"
	// Interviewer is the index into the interview's Interviewers that
	// ActionHonorific addresses as Honorific.
	Interviewer int
	Honorific   interview.Honorific

	// Date is the message's own Date; Now stamps the change.
	Date, Now time.Time
}

// CommandResult is what ApplyOwnerCommand did.
type CommandResult struct {
	// Changed reports whether the stored state changed (false: the command
	// found nothing to change, or the state was so already).
	Changed bool
	// Before and After are the interview as the command found and left it.
	Before, After InterviewRecord
	// LastHelp is when the last help answer for this interview was queued;
	// zero when none was.
	LastHelp time.Time
}

// Answer kinds (Answer.Kind).
const (
	AnswerAck    = "ack"    // acknowledgement of an applied command
	AnswerHelp   = "help"   // the commands; rate-limited for unknown commands by LastHelp
	AnswerStatus = "status" // the open follow-ups
	AnswerDraft  = "draft"  // the thank-you email composed again
)

// Answer is an email to queue in answer to the owner's message.
type Answer struct {
	// MessageID is the answer's own Message-ID, derived from the answered
	// message's: queueing the same one twice is a no-op.
	MessageID string
	Kind      string // an Answer constant
	// Email is the composed message as the caller encodes it; the store
	// keeps it verbatim.
	Email string
}

// QueuedAnswer is an Answer in the outbox.
type QueuedAnswer struct {
	Answer
	// Answers is the Message-ID of the owner's message it answers.
	Answers     string
	InterviewID int64
	CreatedAt   time.Time
	Attempts    int
	LastError   string
	SentAt      time.Time // zero until sent
}

// ApplyOwnerCommand applies c in one transaction: it records c.MessageID
// (an error wrapping ErrAlreadyHandled when it was recorded before, and then
// nothing else happens), applies c.Action, and queues the answers that
// answer composes from the result. answer runs inside the transaction and
// must not do I/O; it may be nil. A change and its answers are committed
// together or not at all, so a crash can neither apply a command without
// answering it nor answer one that was not applied.
func (s *Store) ApplyOwnerCommand(ctx context.Context, c OwnerCommand, answer func(CommandResult) ([]Answer, error)) (CommandResult, error) {
	if c.MessageID == "" {
		return CommandResult{}, errors.New("apply owner command: no message id")
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var res CommandResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		o := &ownerTx{ctx: ctx, tx: tx, c: c, now: timeText(c.Now)}
		var err error
		res, err = o.run(answer)
		return err
	})
	if err != nil {
		return CommandResult{}, fmt.Errorf("apply owner command %q: %w", c.Command, err)
	}
	return res, nil
}

// ownerTx is one ApplyOwnerCommand in progress.
type ownerTx struct {
	ctx context.Context
	tx  *sql.Tx
	c   OwnerCommand
	now string
}

func (o *ownerTx) run(answer func(CommandResult) ([]Answer, error)) (CommandResult, error) {
	var ivID int64
	err := o.tx.QueryRowContext(o.ctx, "SELECT interview_id FROM reminders WHERE id = ?", o.c.ReminderID).Scan(&ivID)
	if errors.Is(err, sql.ErrNoRows) {
		return CommandResult{}, fmt.Errorf("reminder %d: %w", o.c.ReminderID, ErrNotFound)
	}
	if err != nil {
		return CommandResult{}, fmt.Errorf("find reminder %d: %w", o.c.ReminderID, err)
	}
	res, err := o.tx.ExecContext(o.ctx, `INSERT INTO owner_messages (message_id, reminder_id, command, message_date, handled_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
		o.c.MessageID, o.c.ReminderID, o.c.Command, nullTime(o.c.Date), o.now)
	if err != nil {
		return CommandResult{}, fmt.Errorf("record message: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return CommandResult{}, fmt.Errorf("record message: %w", err)
	} else if n == 0 {
		return CommandResult{}, ErrAlreadyHandled
	}

	var out CommandResult
	if out.Before, err = o.interview(ivID); err != nil {
		return CommandResult{}, err
	}
	if out.Changed, err = o.apply(out.Before); err != nil {
		return CommandResult{}, err
	}
	if out.Changed {
		if _, err := o.tx.ExecContext(o.ctx, "UPDATE owner_messages SET changed = 1 WHERE message_id = ?", o.c.MessageID); err != nil {
			return CommandResult{}, fmt.Errorf("record message: %w", err)
		}
	}
	if out.After, err = o.interview(ivID); err != nil {
		return CommandResult{}, err
	}
	var last sql.NullString
	if err := o.tx.QueryRowContext(o.ctx, "SELECT max(created_at) FROM reply_outbox WHERE interview_id = ? AND kind = ?",
		ivID, AnswerHelp).Scan(&last); err != nil {
		return CommandResult{}, fmt.Errorf("find last help: %w", err)
	}
	if out.LastHelp, err = parseNullTime(last); err != nil {
		return CommandResult{}, err
	}
	if answer == nil {
		return out, nil
	}
	answers, err := answer(out)
	if err != nil {
		return CommandResult{}, fmt.Errorf("compose answer: %w", err)
	}
	for _, a := range answers {
		if a.MessageID == "" || a.Email == "" {
			return CommandResult{}, errors.New("queue answer: no message id or no email")
		}
		_, err := o.tx.ExecContext(o.ctx, `INSERT INTO reply_outbox (message_id, answers, interview_id, kind, email, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
			a.MessageID, o.c.MessageID, ivID, a.Kind, a.Email, o.now)
		if err != nil {
			return CommandResult{}, fmt.Errorf("queue %s answer: %w", a.Kind, err)
		}
	}
	return out, nil
}

func (o *ownerTx) interview(id int64) (InterviewRecord, error) {
	recs, err := loadInterviews(o.ctx, o.tx, "WHERE i.id = ?", []any{id})
	if err != nil {
		return InterviewRecord{}, err
	}
	if len(recs) == 0 {
		return InterviewRecord{}, fmt.Errorf("interview %d: %w", id, ErrNotFound)
	}
	return recs[0], nil
}

// answerable lists, as SQL, the states a reminder leaves when the owner
// confirms or skips it, interview.AnswerableStates: not yet
// sent, in flight, awaiting an answer, or given up on by the dispatcher.
var answerable = answerableSet

// apply makes the change and reports whether anything changed.
func (o *ownerTx) apply(iv InterviewRecord) (bool, error) {
	c := o.c
	switch c.Action {
	case ActionNone:
		return false, nil

	case ActionConfirm:
		// From any state but cancelled: an expired or skipped follow-up that
		// the owner says happened after all did happen. A confirmed call
		// takes a decision that comes later ("called", then "offer"), but
		// "called" never overwrites a decision.
		if c.Kind != interview.ThankYou && c.Kind != interview.FollowUpCall {
			return false, fmt.Errorf("confirm: unknown kind %q", c.Kind)
		}
		return o.exec(`UPDATE reminders SET state = ?, outcome = ?, resolved_at = ?, next_attempt = NULL
			WHERE interview_id = ? AND kind = ? AND (state IN `+answerable+` OR state = 'skipped'
				OR (state = ? AND ? IN (?, ?) AND outcome <> ?))`,
			StateConfirmed, c.Outcome, o.now, iv.ID, string(c.Kind),
			StateConfirmed, c.Outcome, OutcomeOffer, OutcomeNoOffer, c.Outcome)

	case ActionSnooze:
		// The same as the CLI's snooze: see snoozeUpdate.
		if c.Until.IsZero() {
			return false, errors.New("snooze: no time")
		}
		u := timeText(c.Until)
		return o.exec(snoozeUpdate, u, u, c.ReminderID)

	case ActionSkip:
		return o.exec(`UPDATE reminders SET state = ?, resolved_at = ?, next_attempt = NULL
			WHERE id = ? AND state IN `+answerable, StateSkipped, o.now, c.ReminderID)

	case ActionCancel:
		a, err := o.exec(`UPDATE interviews SET status = ?, cancel_reason = ?, updated_at = ?
			WHERE id = ? AND NOT (status = ? AND cancel_reason = ?)`,
			string(interview.Cancelled), CancelledByOwner, o.now, iv.ID, string(interview.Cancelled), CancelledByOwner)
		if err != nil {
			return false, err
		}
		// As CancelInterview: what is still open; a failed one is resolved.
		b, err := o.exec(`UPDATE reminders SET state = ?, resolved_at = ?, next_attempt = NULL
			WHERE interview_id = ? AND state IN `+openSet, StateCancelled, o.now, iv.ID)
		return a || b, err

	case ActionNotes:
		notes := strings.TrimSpace(c.Notes)
		if notes == "" {
			return false, nil
		}
		return o.exec(`UPDATE interviews SET notes = CASE WHEN notes = '' THEN ?1 ELSE notes || char(10) || ?1 END,
			updated_at = ?2 WHERE id = ?3`, notes, o.now, iv.ID)

	case ActionFormality:
		if c.Formality != "formal" && c.Formality != "casual" {
			return false, fmt.Errorf("formality %q is neither formal nor casual", c.Formality)
		}
		changed := iv.Formality != c.Formality
		key := timerules.CompanyKey(iv.Company)
		if key == "" {
			_, err := o.exec("UPDATE interviews SET formality = ?, updated_at = ? WHERE id = ? AND formality <> ?",
				c.Formality, o.now, iv.ID, c.Formality)
			return changed, err
		}
		if _, err := o.exec(`INSERT INTO company_formality (company, formality, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (company) DO UPDATE SET formality = excluded.formality, updated_at = excluded.updated_at`,
			key, c.Formality, o.now); err != nil {
			return false, err
		}
		_, err := o.exec(`UPDATE interviews SET formality = ?, updated_at = ?
			WHERE (id = ? OR lower(trim(company)) = ?) AND formality <> ?`,
			c.Formality, o.now, iv.ID, key, c.Formality)
		return changed, err

	case ActionHonorific:
		h, ok := interview.ParseHonorific(string(c.Honorific))
		if !ok {
			return false, fmt.Errorf("honorific %q is not Mr., Ms., Mrs. or Dr.", c.Honorific)
		}
		if c.Interviewer < 0 || c.Interviewer >= len(iv.Interviewers) {
			return false, fmt.Errorf("interview %d has no interviewer %d", iv.ID, c.Interviewer)
		}
		p := iv.Interviewers[c.Interviewer]
		changed := p.Honorific != h
		email := strings.ToLower(strings.TrimSpace(p.Email))
		if email != "" {
			if _, err := o.exec(`INSERT INTO interviewer_honorifics (email, honorific, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (email) DO UPDATE SET honorific = excluded.honorific, updated_at = excluded.updated_at`,
				email, string(h), o.now); err != nil {
				return false, err
			}
		}
		// Positions are the indexes loadInterviewers orders by.
		_, err := o.exec(`UPDATE interviewers SET honorific = ?
			WHERE ((interview_id = ? AND position = (SELECT position FROM interviewers
					WHERE interview_id = ? ORDER BY position LIMIT 1 OFFSET ?))
				OR (? <> '' AND email = ?)) AND honorific <> ?`,
			string(h), iv.ID, iv.ID, c.Interviewer, email, email, string(h))
		return changed, err
	}
	return false, fmt.Errorf("unknown action %q", c.Action)
}

// exec runs a statement and reports whether it changed any row.
func (o *ownerTx) exec(query string, args ...any) (bool, error) {
	res, err := o.tx.ExecContext(o.ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("apply %s: %w", o.c.Action, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("apply %s: %w", o.c.Action, err)
	}
	return n > 0, nil
}

// OwnerMessageHandled reports whether a message with this Message-ID was
// handled before (applied, refused or ignored).
func (s *Store) OwnerMessageHandled(ctx context.Context, messageID string) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM owner_messages WHERE message_id = ?", messageID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up handled message: %w", err)
	}
	return n > 0, nil
}

// ReminderByToken returns the reminder whose reply token is token (compared
// in lower case, as tokens are made), or an error wrapping ErrNotFound.
func (s *Store) ReminderByToken(ctx context.Context, token string) (ReminderRecord, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	row := s.db.QueryRowContext(ctx, `SELECT `+reminderColumns+`
		FROM reminders WHERE token = ?`, strings.ToLower(token))
	r, err := scanReminder(row)
	if errors.Is(err, sql.ErrNoRows) {
		// Never name the token: it is a secret.
		return ReminderRecord{}, fmt.Errorf("find reminder by token: %w", ErrNotFound)
	}
	if err != nil {
		return ReminderRecord{}, fmt.Errorf("find reminder by token: %w", err)
	}
	return r, nil
}

// InterviewsWithInterviewer returns the interviews, cancelled ones
// included, that started in [from, until) and list an interviewer with one
// of the addresses (lower-cased addr-specs), ordered by start.
func (s *Store) InterviewsWithInterviewer(ctx context.Context, emails []string, from, until time.Time) ([]InterviewRecord, error) {
	if len(emails) == 0 {
		return nil, nil
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	args := []any{timeText(from), timeText(until)}
	marks := make([]string, len(emails))
	for i, e := range emails {
		marks[i] = "?"
		args = append(args, strings.ToLower(e))
	}
	where := `WHERE i.start_at >= ? AND i.start_at < ? AND i.id IN
		(SELECT interview_id FROM interviewers WHERE email IN (` + strings.Join(marks, ", ") + `))`
	var recs []InterviewRecord
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		recs, err = loadInterviews(ctx, tx, where, args)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find interviews by interviewer: %w", err)
	}
	return recs, nil
}

// UnsentAnswers returns the queued answers not yet sent, created at or after
// since and tried fewer than maxAttempts times, in the order they were
// queued.
func (s *Store) UnsentAnswers(ctx context.Context, since time.Time, maxAttempts int) ([]QueuedAnswer, error) {
	return s.answers(ctx, "WHERE sent_at IS NULL AND created_at >= ? AND attempts < ?", timeText(since), maxAttempts)
}

// AnswersTo returns every answer queued for the owner's message with the
// given Message-ID, sent or not, in the order they were queued.
func (s *Store) AnswersTo(ctx context.Context, messageID string) ([]QueuedAnswer, error) {
	return s.answers(ctx, "WHERE answers = ?", messageID)
}

func (s *Store) answers(ctx context.Context, where string, args ...any) ([]QueuedAnswer, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT message_id, kind, email, answers, interview_id, created_at,
		attempts, last_error, sent_at FROM reply_outbox `+where+` ORDER BY created_at, rowid`, args...)
	if err != nil {
		return nil, fmt.Errorf("query answers: %w", err)
	}
	var out []QueuedAnswer
	for rows.Next() {
		var (
			a       QueuedAnswer
			ivID    sql.NullInt64
			created string
			sent    sql.NullString
		)
		if err := rows.Scan(&a.MessageID, &a.Kind, &a.Email, &a.Answers, &ivID, &created, &a.Attempts,
			&a.LastError, &sent); err != nil {
			return nil, joinClose(fmt.Errorf("read answer: %w", err), rows)
		}
		a.InterviewID = ivID.Int64
		if a.CreatedAt, err = parseTime(created); err != nil {
			return nil, joinClose(err, rows)
		}
		if a.SentAt, err = parseNullTime(sent); err != nil {
			return nil, joinClose(err, rows)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("read answers: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	return out, nil
}

// giveUpAttempts is the attempt count a queued email given up records
// (OutgoingFailed): more than any caller's maxAttempts.
const giveUpAttempts = 1 << 20
