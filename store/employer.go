package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/followupd/followupd/timerules"
)

// Application stages (Application.Stage).
const (
	StageInterviewing = "interviewing" // until the employer says more
	StageNextRound    = "next_round"   // invited to another interview
	StageOffer        = "offer"        // the employer offered the job
	StageRejected     = "rejected"     // the employer ended the candidacy
	StageCheckedIn    = "checked_in"   // silence after the call; followupd sent a check-in draft
	StageNoResponse   = "no_response"  // silence went on after the check-in
	// HistoryScheduling is a history entry only: an interview moved; the
	// stage stays.
	HistoryScheduling = "scheduling"
)

// Employer message kinds (EmployerMessage.Kind), as package employer names
// them.
const (
	EmployerRejection  = "rejection"
	EmployerOffer      = "offer"
	EmployerNextRound  = "next_round"
	EmployerScheduling = "scheduling"
	EmployerOther      = "other"
)

// Outcomes recorded on a reminder the employer's side closed.
const (
	OutcomeRejected = "rejected"   // closed by a rejection
	OutcomeOffered  = "offer"      // the call became the offer conversation
	OutcomeMoot     = "next_round" // a next round made the call moot
)

// Application is one candidacy: the interviews of one company for one
// position, with where it stands.
type Application struct {
	ID       int64
	Company  string
	Position string
	Stage    string // a Stage constant
	// LastContact is when the employer last wrote; zero when it has not.
	LastContact time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Interviews are ordered by start.
	Interviews []InterviewRecord
	// History is every stage in order, undone ones included.
	History []StageEntry
}

// StageEntry is one step of an application's history.
type StageEntry struct {
	Stage  string
	At     time.Time
	Undone bool
}

// EmployerMessage is one employer's message to apply at most once.
type EmployerMessage struct {
	// MessageID identifies the message; the same id is never applied twice.
	MessageID string
	// InterviewID is the interview the message was matched to.
	InterviewID int64
	Kind        string // an Employer constant
	Company     string
	Reason      string
	// Date is the message's own Date; Now stamps the change.
	Date, Now time.Time
}

// EmployerResult is what ApplyEmployerMessage did.
type EmployerResult struct {
	Application Application // as the message left it
	Interview   InterviewRecord
	PrevStage   string
	// Closed are the reminders the message closed, as it left them.
	Closed []ReminderRecord
}

// Outgoing is an email of the employer's side to queue.
type Outgoing struct {
	MessageID string
	Kind      string
	Email     string // the composed message as the caller encodes it
}

// QueuedEmail is an Outgoing in the employer outbox.
type QueuedEmail struct {
	Outgoing
	ApplicationID int64
	Cause         string
	CreatedAt     time.Time
	Attempts      int
	LastError     string
	SentAt        time.Time
}

// ApplyEmployerMessage records m and acts on it in one transaction, and
// queues the emails compose makes of the result (compose runs inside the
// transaction and must not do I/O; it may be nil). A message recorded before
// gives an error wrapping ErrAlreadyHandled.
//
//   - rejection: every open (pending or sent) reminder of the application's
//     interviews is cancelled with outcome "rejected"; stage rejected.
//   - offer: the open follow-up calls are cancelled with outcome "offer" (the
//     offer conversation takes their place); stage offer.
//   - next_round: stage next_round; the calls stay until the next
//     interview's invitation arrives (LinkApplications).
//   - scheduling: nothing closes; a history entry.
//   - other: only the last contact is recorded.
//
// What was closed is remembered, so that UndoEmployerMessage restores it.
func (s *Store) ApplyEmployerMessage(ctx context.Context, m EmployerMessage, compose func(EmployerResult) ([]Outgoing, error)) (EmployerResult, error) {
	if m.MessageID == "" {
		return EmployerResult{}, errors.New("apply employer message: no message id")
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	now := timeText(m.Now)
	var out EmployerResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO employer_messages (message_id, interview_id, kind, company, reason,
			message_date, handled_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
			m.MessageID, m.InterviewID, m.Kind, m.Company, m.Reason, nullTime(m.Date), now)
		if err != nil {
			return fmt.Errorf("record message: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record message: %w", err)
		} else if n == 0 {
			return ErrAlreadyHandled
		}
		if err := linkAll(ctx, tx, m.Now); err != nil {
			return err
		}
		appID, err := applicationOf(ctx, tx, m.InterviewID, m.Now)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT stage FROM applications WHERE id = ?", appID).Scan(&out.PrevStage); err != nil {
			return fmt.Errorf("read application %d: %w", appID, err)
		}
		contact := m.Date
		if contact.IsZero() {
			contact = m.Now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE employer_messages SET application_id = ?, prev_stage = ? WHERE message_id = ?`,
			appID, out.PrevStage, m.MessageID); err != nil {
			return fmt.Errorf("record message: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET last_contact = max(coalesce(last_contact, ''), ?),
			updated_at = ? WHERE id = ?`, timeText(contact), now, appID); err != nil {
			return fmt.Errorf("record contact: %w", err)
		}
		var stage, closeWhere, outcome string
		switch m.Kind {
		case EmployerRejection:
			stage, outcome = StageRejected, OutcomeRejected
			closeWhere = "state IN " + waitingSet
		case EmployerOffer:
			stage, outcome = StageOffer, OutcomeOffered
			closeWhere = "kind = 'follow_up_call' AND state IN " + waitingSet
		case EmployerNextRound:
			stage = StageNextRound
		case EmployerScheduling:
			if err := addHistory(ctx, tx, appID, HistoryScheduling, m.MessageID, now); err != nil {
				return err
			}
		case EmployerOther:
		default:
			return fmt.Errorf("unknown employer message kind %q", m.Kind)
		}
		if stage != "" {
			if _, err := tx.ExecContext(ctx, "UPDATE applications SET stage = ?, updated_at = ? WHERE id = ?", stage, now, appID); err != nil {
				return fmt.Errorf("set stage: %w", err)
			}
			if err := addHistory(ctx, tx, appID, stage, m.MessageID, now); err != nil {
				return err
			}
		}
		if closeWhere != "" {
			if out.Closed, err = closeReminders(ctx, tx, appID, m.MessageID, closeWhere, outcome, now); err != nil {
				return err
			}
		}
		if out.Application, err = loadApplication(ctx, tx, appID); err != nil {
			return err
		}
		for _, iv := range out.Application.Interviews {
			if iv.ID == m.InterviewID {
				out.Interview = iv
			}
		}
		return queue(ctx, tx, compose, out, appID, m.MessageID, now)
	})
	if err != nil {
		return EmployerResult{}, fmt.Errorf("apply employer %s message: %w", m.Kind, err)
	}
	return out, nil
}

// queue composes and queues the outgoing emails of a change.
func queue[R any](ctx context.Context, tx *sql.Tx, compose func(R) ([]Outgoing, error), r R, appID int64, cause, now string) error {
	if compose == nil {
		return nil
	}
	list, err := compose(r)
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	for _, o := range list {
		if o.MessageID == "" || o.Email == "" || o.Kind == "" {
			return errors.New("queue email: no message id, kind or email")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO employer_outbox (message_id, application_id, kind, cause, email, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
			o.MessageID, appID, o.Kind, cause, o.Email, now); err != nil {
			return fmt.Errorf("queue %s email: %w", o.Kind, err)
		}
	}
	return nil
}

func addHistory(ctx context.Context, tx *sql.Tx, appID int64, stage, messageID, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO application_stages (application_id, stage, at, message_id) VALUES (?, ?, ?, ?)`,
		appID, stage, now, messageID)
	if err != nil {
		return fmt.Errorf("record stage %s: %w", stage, err)
	}
	return nil
}

// closeReminders cancels the reminders of the application's interviews that
// match where, remembering under cause what each was.
func closeReminders(ctx context.Context, tx *sql.Tx, appID int64, cause, where, outcome, now string) ([]ReminderRecord, error) {
	sel := `FROM reminders WHERE ` + where + ` AND interview_id IN
		(SELECT interview_id FROM application_interviews WHERE application_id = ?)`
	if _, err := tx.ExecContext(ctx, `INSERT INTO employer_closed_reminders
		(message_id, reminder_id, prev_state, prev_next_attempt, prev_resolved_at, prev_outcome)
		SELECT ?, id, state, next_attempt, resolved_at, outcome `+sel+` ON CONFLICT DO NOTHING`, cause, appID); err != nil {
		return nil, fmt.Errorf("remember reminders: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `UPDATE reminders SET state = ?, outcome = ?, resolved_at = ?, next_attempt = NULL
		WHERE id IN (SELECT reminder_id FROM employer_closed_reminders WHERE message_id = ?)
		AND `+where+` RETURNING `+reminderColumns, StateCancelled, outcome, now, cause)
	if err != nil {
		return nil, fmt.Errorf("close reminders: %w", err)
	}
	var out []ReminderRecord
	for rows.Next() {
		r, err := scanReminder(rows)
		if err != nil {
			return nil, joinClose(err, rows)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("close reminders: %w", err), rows)
	}
	return out, rows.Close()
}

// applicationKey is what grouping compares: the company as timerules.CompanyKey
// makes it.
func applicationKey(company string) string { return timerules.CompanyKey(company) }

// applicationOf returns the application of an interview, linking it first
// when it has none.
func applicationOf(ctx context.Context, tx *sql.Tx, interviewID int64, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT application_id FROM application_interviews WHERE interview_id = ?", interviewID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find application of interview %d: %w", interviewID, err)
	}
	var company, position string
	if err := tx.QueryRowContext(ctx, "SELECT company, position FROM interviews WHERE id = ?", interviewID).Scan(&company, &position); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("interview %d: %w", interviewID, ErrNotFound)
		}
		return 0, fmt.Errorf("read interview %d: %w", interviewID, err)
	}
	id, _, err = link(ctx, tx, interviewID, company, position, timeText(now))
	return id, err
}

// Moot is a follow-up call a next round made moot: the next interview of
// the same application was stored.
type Moot struct {
	ApplicationID int64
	// Interview is the earlier interview whose call was dropped; Next the
	// new one.
	Interview, Next InterviewRecord
	Closed          []ReminderRecord
	// Cause is the employer's next-round message (undo restores the call).
	Cause string
}

// LinkApplications puts every interview without an application into one:
// the open application of the same company (same position, or one of the
// two unnamed), else a new one. Then, for each application at the
// next_round stage that an interview stored after the next-round message
// has joined, the open (pending or sent) follow-up calls of the interviews stored before
// it are dropped (the next round makes them moot), the stage goes back to
// interviewing, and compose makes the emails that tell the owner (inside
// the transaction; may be nil). The moot calls are returned.
func (s *Store) LinkApplications(ctx context.Context, now time.Time, compose func(Moot) ([]Outgoing, error)) ([]Moot, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var moots []Moot
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := linkAll(ctx, tx, now); err != nil {
			return err
		}
		ids, err := queryIDs(ctx, tx, "SELECT id FROM applications WHERE stage = ?", StageNextRound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			m, err := moot(ctx, tx, id, timeText(now))
			if err != nil {
				return err
			}
			if m == nil {
				continue
			}
			moots = append(moots, *m)
			if err := queue(ctx, tx, compose, *m, m.ApplicationID, m.Cause, timeText(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("link applications: %w", err)
	}
	return moots, nil
}

func linkAll(ctx context.Context, tx *sql.Tx, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, company, position FROM interviews
		WHERE id NOT IN (SELECT interview_id FROM application_interviews) ORDER BY start_at, id`)
	if err != nil {
		return fmt.Errorf("find unlinked interviews: %w", err)
	}
	type unlinked struct {
		id                int64
		company, position string
	}
	var list []unlinked
	for rows.Next() {
		var u unlinked
		if err := rows.Scan(&u.id, &u.company, &u.position); err != nil {
			return joinClose(fmt.Errorf("read unlinked interview: %w", err), rows)
		}
		list = append(list, u)
	}
	if err := rows.Err(); err != nil {
		return joinClose(fmt.Errorf("read unlinked interviews: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, u := range list {
		if _, _, err := link(ctx, tx, u.id, u.company, u.position, timeText(now)); err != nil {
			return err
		}
	}
	return nil
}

// link adds one interview to its application; joined reports that it
// joined an existing one.
func link(ctx context.Context, tx *sql.Tx, interviewID int64, company, position, now string) (id int64, joined bool, err error) {
	key := applicationKey(company)
	if key != "" {
		err = tx.QueryRowContext(ctx, `SELECT a.id FROM applications a WHERE a.group_key = ?
			AND a.stage NOT IN (?, ?)
			AND (a.position = '' OR ? = '' OR lower(trim(a.position)) = lower(trim(?)))
			ORDER BY a.updated_at DESC, a.id DESC LIMIT 1`,
			key, StageRejected, StageNoResponse, position, position).Scan(&id)
		switch {
		case err == nil:
			joined = true
		case !errors.Is(err, sql.ErrNoRows):
			return 0, false, fmt.Errorf("find application: %w", err)
		}
	}
	if !joined {
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (company, group_key, position, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, strings.TrimSpace(company), key, strings.TrimSpace(position), now, now).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("create application: %w", err)
		}
		if err := addHistory(ctx, tx, id, StageInterviewing, "", now); err != nil {
			return 0, false, err
		}
	} else if position != "" {
		if _, err := tx.ExecContext(ctx, "UPDATE applications SET position = ? WHERE id = ? AND position = ''", position, id); err != nil {
			return 0, false, fmt.Errorf("name position: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO application_interviews (interview_id, application_id) VALUES (?, ?)", interviewID, id); err != nil {
		return 0, false, fmt.Errorf("link interview %d: %w", interviewID, err)
	}
	return id, joined, nil
}

// moot drops the earlier pending calls of an application at next_round
// once an interview stored after the next-round message has joined it.
// nil when none has.
func moot(ctx context.Context, tx *sql.Tx, appID int64, now string) (*Moot, error) {
	var cause, handled string
	err := tx.QueryRowContext(ctx, `SELECT message_id, handled_at FROM employer_messages WHERE application_id = ? AND kind = ?
		AND undone_at IS NULL ORDER BY handled_at DESC LIMIT 1`, appID, EmployerNextRound).Scan(&cause, &handled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find next-round message: %w", err)
	}
	var next int64
	err = tx.QueryRowContext(ctx, `SELECT i.id FROM interviews i JOIN application_interviews ai ON ai.interview_id = i.id
		WHERE ai.application_id = ? AND i.created_at > ? AND i.status = 'scheduled' ORDER BY i.start_at LIMIT 1`,
		appID, handled).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find next interview: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE applications SET stage = ?, updated_at = ? WHERE id = ?", StageInterviewing, now, appID); err != nil {
		return nil, fmt.Errorf("set stage: %w", err)
	}
	if err := addHistory(ctx, tx, appID, StageInterviewing, cause, now); err != nil {
		return nil, err
	}
	closed, err := closeReminders(ctx, tx, appID, cause, fmt.Sprintf(`kind = 'follow_up_call' AND state IN %s
		AND interview_id IN (SELECT id FROM interviews WHERE created_at <= %s)`, waitingSet, sqlQuote(handled)), OutcomeMoot, now)
	if err != nil {
		return nil, err
	}
	app, err := loadApplication(ctx, tx, appID)
	if err != nil {
		return nil, err
	}
	m := &Moot{ApplicationID: appID, Closed: closed, Cause: cause}
	for _, iv := range app.Interviews {
		switch {
		case iv.ID == next:
			m.Next = iv
		case len(closed) > 0 && iv.ID == closed[0].InterviewID:
			m.Interview = iv
		}
	}
	if len(closed) == 0 {
		return nil, nil // the stage moved on; nothing to tell
	}
	return m, nil
}

// sqlQuote quotes a stored time for a condition built into SQL text.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// UndoResult is what UndoEmployerMessage did.
type UndoResult struct {
	// Changed is false when there was nothing to undo.
	Changed bool
	// Kind is the kind of the message undone; Stage the stage restored.
	Kind, Stage string
	Company     string
	// Restored are the reminders reopened, as left.
	Restored []ReminderRecord
	// Interview is the interview the owner's reply is about.
	Interview InterviewRecord
}

// UndoEmployerMessage undoes, for the owner's reply c (its MessageID,
// ReminderID, Command, Date and Now are read), the latest change an
// employer's message made to the application of the reply's interview (of
// the kind c.Command names, "not_rejection", "not_offer" or
// "not_next_round"; of any kind for another command): the reminders
// it closed that are still as it left them are reopened as they were, the
// stage is put back, and the emails about it not yet sent are withdrawn.
// The owner's message is recorded in the same transaction (command
// "not_employer"; ErrAlreadyHandled the second time) and the answers compose
// makes are queued as answers to it.
func (s *Store) UndoEmployerMessage(ctx context.Context, c OwnerCommand, compose func(UndoResult) ([]Answer, error)) (UndoResult, error) {
	if c.MessageID == "" {
		return UndoResult{}, errors.New("undo employer message: no message id")
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	now := timeText(c.Now)
	var out UndoResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var ivID int64
		if err := tx.QueryRowContext(ctx, "SELECT interview_id FROM reminders WHERE id = ?", c.ReminderID).Scan(&ivID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("reminder %d: %w", c.ReminderID, ErrNotFound)
			}
			return fmt.Errorf("find reminder %d: %w", c.ReminderID, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO owner_messages (message_id, reminder_id, command, message_date, handled_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`, c.MessageID, c.ReminderID,
			cmp.Or(c.Command, "not_employer"), nullTime(c.Date), now)
		if err != nil {
			return fmt.Errorf("record message: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record message: %w", err)
		} else if n == 0 {
			return ErrAlreadyHandled
		}
		kind, _ := strings.CutPrefix(c.Command, "not_")
		switch kind {
		case EmployerRejection, EmployerOffer, EmployerNextRound:
		default:
			kind = ""
		}
		if err := undo(ctx, tx, ivID, kind, now, &out); err != nil {
			return err
		}
		if out.Changed {
			if _, err := tx.ExecContext(ctx, "UPDATE owner_messages SET changed = 1 WHERE message_id = ?", c.MessageID); err != nil {
				return fmt.Errorf("record message: %w", err)
			}
		}
		recs, err := loadInterviews(ctx, tx, "WHERE i.id = ?", []any{ivID})
		if err != nil || len(recs) == 0 {
			return errors.Join(err, fmt.Errorf("interview %d: %w", ivID, ErrNotFound))
		}
		out.Interview = recs[0]
		if compose == nil {
			return nil
		}
		answers, err := compose(out)
		if err != nil {
			return fmt.Errorf("compose answer: %w", err)
		}
		for _, a := range answers {
			if a.MessageID == "" || a.Email == "" {
				return errors.New("queue answer: no message id or no email")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reply_outbox (message_id, answers, interview_id, kind, email, created_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
				a.MessageID, c.MessageID, ivID, a.Kind, a.Email, now); err != nil {
				return fmt.Errorf("queue %s answer: %w", a.Kind, err)
			}
		}
		return nil
	})
	if err != nil {
		return UndoResult{}, fmt.Errorf("undo employer message: %w", err)
	}
	return out, nil
}

func undo(ctx context.Context, tx *sql.Tx, ivID int64, kind, now string, out *UndoResult) error {
	var appID int64
	err := tx.QueryRowContext(ctx, "SELECT application_id FROM application_interviews WHERE interview_id = ?", ivID).Scan(&appID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find application: %w", err)
	}
	var msgID string
	err = tx.QueryRowContext(ctx, `SELECT message_id, kind, company, prev_stage FROM employer_messages
		WHERE application_id = ? AND undone_at IS NULL AND kind <> ? AND (? = '' OR kind = ?)
		ORDER BY handled_at DESC, rowid DESC LIMIT 1`,
		appID, EmployerOther, kind, kind).Scan(&msgID, &out.Kind, &out.Company, &out.Stage)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find employer message: %w", err)
	}
	out.Changed = true
	rows, err := tx.QueryContext(ctx, `UPDATE reminders SET state = c.prev_state, next_attempt = c.prev_next_attempt,
			resolved_at = c.prev_resolved_at, outcome = c.prev_outcome
		FROM employer_closed_reminders c
		WHERE c.message_id = ? AND reminders.id = c.reminder_id AND reminders.state = ?
			AND reminders.outcome IN (?, ?, ?)
		RETURNING reminders.id`, msgID, StateCancelled, OutcomeRejected, OutcomeOffered, OutcomeMoot)
	if err != nil {
		return fmt.Errorf("restore reminders: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r, err := scanReminder(tx.QueryRowContext(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE id = ?`, id))
		if err != nil {
			return err
		}
		out.Restored = append(out.Restored, r)
	}
	if out.Stage != "" {
		if _, err := tx.ExecContext(ctx, "UPDATE applications SET stage = ?, updated_at = ? WHERE id = ?", out.Stage, now, appID); err != nil {
			return fmt.Errorf("restore stage: %w", err)
		}
	}
	for _, q := range []string{
		"UPDATE employer_messages SET undone_at = ?1 WHERE message_id = ?2",
		"UPDATE application_stages SET undone_at = ?1 WHERE message_id = ?2 AND undone_at IS NULL",
		"UPDATE employer_outbox SET withdrawn = 1 WHERE cause = ?2 AND sent_at IS NULL AND ?1 <> ''",
	} {
		if _, err := tx.ExecContext(ctx, q, now, msgID); err != nil {
			return fmt.Errorf("undo: %w", err)
		}
	}
	return nil
}
