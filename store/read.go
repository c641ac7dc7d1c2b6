package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/followupd/followupd/interview"
)

// Reminder states: interview.State, where the lifecycle and its sets (open,
// waiting, answerable) are defined.
const (
	StatePending   = interview.StatePending
	StateSending   = interview.StateSending
	StateSent      = interview.StateSent
	StateConfirmed = interview.StateConfirmed
	StateSkipped   = interview.StateSkipped
	StateExpired   = interview.StateExpired
	StateCancelled = interview.StateCancelled
	StateFailed    = interview.StateFailed
)

// Why a cancelled interview is cancelled (InterviewRecord.CancelReason).
const (
	CancelledByEvent  = "event"    // METHOD:CANCEL, STATUS:CANCELLED or Report.Cancelled
	CancelledByVanish = "vanished" // gone from its calendar before it started
	CancelledByOwner  = "owner"    // the owner cancelled it; merges never revive it
)

// InterviewRecord is a stored interview with what hangs off it.
type InterviewRecord struct {
	ID int64
	interview.Interview
	// Sources are the sources that currently report it, sorted.
	Sources []string
	// Reminders are ordered by due time.
	Reminders []ReminderRecord
	// Notes are the owner's notes (set by the owner, never by a merge).
	Notes string
	// Formality is the owner's override, "" (none), "casual" or "formal".
	Formality string
	// CancelReason is one of the CancelledBy constants when Status is
	// cancelled, else "".
	CancelReason string
}

// ReminderRecord is a stored reminder. Zero times are "not yet".
type ReminderRecord struct {
	ID          int64
	InterviewID int64
	Kind        interview.ReminderKind
	State       interview.State
	Due         time.Time
	Attempts    int
	NextAttempt time.Time
	LastError   string
	MessageID   string
	// Token is random and unguessable; it goes into our Message-ID so that a
	// reply can be matched to the reminder. Treat it as a secret: never log it.
	Token      string
	NagsSent   int
	SentAt     time.Time
	ResolvedAt time.Time
	// Snoozed is set by the owner's snooze of a reminder that already went
	// out, until its next send: that send is due even past nag_limit.
	Snoozed bool
	// Outcome is how a resolved reminder ended ("called", "offer", ...), "" until then.
	Outcome string
}

// NextSend is when the dispatcher next acts on r (interview.NextSend),
// before quiet hours move it; zero when it is in flight or resolved.
func (r ReminderRecord) NextSend(nagEvery time.Duration) time.Time {
	return interview.NextSend(r.State, r.Due, r.NextAttempt, r.SentAt, r.NagsSent, nagEvery)
}

// Interviews returns every stored interview, cancelled ones included, ordered
// by start.
func (s *Store) Interviews(ctx context.Context) ([]InterviewRecord, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var recs []InterviewRecord
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		recs, err = loadInterviews(ctx, tx, "", nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list interviews: %w", err)
	}
	return recs, nil
}

// Interview returns the interview with the given id, or an error wrapping
// ErrNotFound.
func (s *Store) Interview(ctx context.Context, id int64) (InterviewRecord, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var recs []InterviewRecord
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		recs, err = loadInterviews(ctx, tx, "WHERE i.id = ?", []any{id})
		return err
	})
	if err != nil {
		return InterviewRecord{}, fmt.Errorf("get interview %d: %w", id, err)
	}
	if len(recs) == 0 {
		return InterviewRecord{}, fmt.Errorf("get interview %d: %w", id, ErrNotFound)
	}
	return recs[0], nil
}

// loadInterviews reads the interviews that where (a WHERE clause on
// "interviews i", or "") selects, with their interviewers, sources and
// reminders, ordered by start.
func loadInterviews(ctx context.Context, tx *sql.Tx, where string, args []any) ([]InterviewRecord, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.uid, i.recurrence_id, i.sequence, i.dtstamp,
		i.status, i.cancel_reason, i.summary, i.description, i.location, i.company, i.position,
		i.phone, i.start_at, i.end_at, i.notes, i.formality
		FROM interviews i `+where+` ORDER BY i.start_at, i.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("query interviews: %w", err)
	}
	var recs []InterviewRecord
	byID := make(map[int64]int)
	for rows.Next() {
		rec, err := scanInterview(rows)
		if err != nil {
			return nil, joinClose(err, rows)
		}
		byID[rec.ID] = len(recs)
		recs = append(recs, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("read interviews: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read interviews: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	// The children of the selected interviews.
	sub := "SELECT i.id FROM interviews i " + where
	if err := loadInterviewers(ctx, tx, sub, args, recs, byID); err != nil {
		return nil, err
	}
	if err := loadSources(ctx, tx, sub, args, recs, byID); err != nil {
		return nil, err
	}
	if err := loadReminders(ctx, tx, sub, args, recs, byID); err != nil {
		return nil, err
	}
	return recs, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanInterview(sc scanner) (InterviewRecord, error) {
	var (
		rec                            InterviewRecord
		recurrence, status, start, end string
		stamp                          sql.NullString
	)
	err := sc.Scan(&rec.ID, &rec.UID, &recurrence, &rec.Sequence, &stamp, &status,
		&rec.CancelReason, &rec.Summary, &rec.Description, &rec.Location, &rec.Company,
		&rec.Position, &rec.Phone, &start, &end, &rec.Notes, &rec.Formality)
	if err != nil {
		return InterviewRecord{}, fmt.Errorf("read interview: %w", err)
	}
	rec.Status = interview.Status(status)
	if recurrence != "" {
		if rec.RecurrenceID, err = parseTime(recurrence); err != nil {
			return InterviewRecord{}, fmt.Errorf("read interview %d: %w", rec.ID, err)
		}
	}
	if rec.Stamp, err = parseNullTime(stamp); err != nil {
		return InterviewRecord{}, fmt.Errorf("read interview %d: %w", rec.ID, err)
	}
	if rec.Start, err = parseTime(start); err != nil {
		return InterviewRecord{}, fmt.Errorf("read interview %d: %w", rec.ID, err)
	}
	if rec.End, err = parseTime(end); err != nil {
		return InterviewRecord{}, fmt.Errorf("read interview %d: %w", rec.ID, err)
	}
	return rec, nil
}

func loadInterviewers(ctx context.Context, tx *sql.Tx, sub string, args []any, recs []InterviewRecord, byID map[int64]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT interview_id, name, email, honorific FROM interviewers
		WHERE interview_id IN (`+sub+`) ORDER BY interview_id, position`, args...)
	if err != nil {
		return fmt.Errorf("query interviewers: %w", err)
	}
	for rows.Next() {
		var (
			id  int64
			iv  interview.Interviewer
			hon string
		)
		if err := rows.Scan(&id, &iv.Name, &iv.Email, &hon); err != nil {
			return joinClose(fmt.Errorf("read interviewer: %w", err), rows)
		}
		iv.Honorific = interview.Honorific(hon)
		if i, ok := byID[id]; ok {
			recs[i].Interviewers = append(recs[i].Interviewers, iv)
		}
	}
	if err := rows.Err(); err != nil {
		return joinClose(fmt.Errorf("read interviewers: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read interviewers: %w", err)
	}
	return nil
}

func loadSources(ctx context.Context, tx *sql.Tx, sub string, args []any, recs []InterviewRecord, byID map[int64]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT interview_id, source FROM interview_sources
		WHERE interview_id IN (`+sub+`) ORDER BY interview_id, source`, args...)
	if err != nil {
		return fmt.Errorf("query sources: %w", err)
	}
	for rows.Next() {
		var (
			id     int64
			source string
		)
		if err := rows.Scan(&id, &source); err != nil {
			return joinClose(fmt.Errorf("read source: %w", err), rows)
		}
		if i, ok := byID[id]; ok {
			recs[i].Sources = append(recs[i].Sources, source)
		}
	}
	if err := rows.Err(); err != nil {
		return joinClose(fmt.Errorf("read sources: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	return nil
}

func loadReminders(ctx context.Context, tx *sql.Tx, sub string, args []any, recs []InterviewRecord, byID map[int64]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+reminderColumns+`
		FROM reminders WHERE interview_id IN (`+sub+`) ORDER BY interview_id, due, id`, args...)
	if err != nil {
		return fmt.Errorf("query reminders: %w", err)
	}
	for rows.Next() {
		r, err := scanReminder(rows)
		if err != nil {
			return joinClose(err, rows)
		}
		if i, ok := byID[r.InterviewID]; ok {
			recs[i].Reminders = append(recs[i].Reminders, r)
		}
	}
	if err := rows.Err(); err != nil {
		return joinClose(fmt.Errorf("read reminders: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read reminders: %w", err)
	}
	return nil
}

// reminderColumns are the columns scanReminder reads, in its order.
const reminderColumns = `id, interview_id, kind, state, due, attempts,
		next_attempt, last_error, message_id, token, nags_sent, sent_at, resolved_at, outcome, snoozed`

func scanReminder(sc scanner) (ReminderRecord, error) {
	var (
		r                      ReminderRecord
		kind, due              string
		next, sentAt, resolved sql.NullString
	)
	err := sc.Scan(&r.ID, &r.InterviewID, &kind, &r.State, &due, &r.Attempts, &next,
		&r.LastError, &r.MessageID, &r.Token, &r.NagsSent, &sentAt, &resolved, &r.Outcome, &r.Snoozed)
	if err != nil {
		return ReminderRecord{}, fmt.Errorf("read reminder: %w", err)
	}
	r.Kind = interview.ReminderKind(kind)
	if r.Due, err = parseTime(due); err != nil {
		return ReminderRecord{}, fmt.Errorf("read reminder %d: %w", r.ID, err)
	}
	if r.NextAttempt, err = parseNullTime(next); err != nil {
		return ReminderRecord{}, fmt.Errorf("read reminder %d: %w", r.ID, err)
	}
	if r.SentAt, err = parseNullTime(sentAt); err != nil {
		return ReminderRecord{}, fmt.Errorf("read reminder %d: %w", r.ID, err)
	}
	if r.ResolvedAt, err = parseNullTime(resolved); err != nil {
		return ReminderRecord{}, fmt.Errorf("read reminder %d: %w", r.ID, err)
	}
	return r, nil
}

// joinClose closes rows after a failure and keeps both errors.
func joinClose(err error, rows *sql.Rows) error {
	if cerr := rows.Close(); cerr != nil {
		return fmt.Errorf("%w (and close rows: %v)", err, cerr)
	}
	return err
}
