package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/followupd/followupd/interview"
)

// ErrChanged is returned when a reminder is not in the state a write
// expects: another writer (the CLI, a reply, a merge) changed it first. The
// caller reads the reminder again rather than overwrite what it did.
var ErrChanged = errors.New("reminder changed meanwhile")

// Attempt names one send of a reminder. N 0 is the reminder email itself;
// N k >= 1 is its kth nudge, sent once the reminder is sent and while it is
// not resolved. Within one reminder, sends happen in order: nudge k only
// after the reminder and nudges 1..k-1 went out.
//
// The row says which send is due or in flight: pending is send 0 waiting;
// sending with no sent_at is send 0 in flight; sent is send nags_sent+1
// waiting (at next_attempt); sending with sent_at is send nags_sent+1 in
// flight.
type Attempt struct {
	Reminder int64
	N        int
	// MessageID is the Message-ID of this send, decided before the send and
	// the same on every retry. For N 0 it is stored as the reminder's
	// message_id; a nudge's is derived by the caller the same way each time.
	MessageID string
	// Text is the text part of the email sent, kept by SendDone under
	// MessageID for reading the owner's replies, which quote it; "" keeps
	// none.
	Text string
}

// OpenReminders returns every reminder that is not resolved yet (pending,
// sending or sent), ordered by id.
func (s *Store) OpenReminders(ctx context.Context) ([]ReminderRecord, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT `+reminderColumns+`
		FROM reminders WHERE state IN `+openSet+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list open reminders: %w", err)
	}
	var out []ReminderRecord
	for rows.Next() {
		r, err := scanReminder(rows)
		if err != nil {
			return nil, joinClose(fmt.Errorf("list open reminders: %w", err), rows)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("list open reminders: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("list open reminders: %w", err)
	}
	return out, nil
}

// Reminder returns one reminder by id, or an error wrapping ErrNotFound.
func (s *Store) Reminder(ctx context.Context, id int64) (ReminderRecord, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, err := scanReminder(s.db.QueryRowContext(ctx, `SELECT `+reminderColumns+`
		FROM reminders WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ReminderRecord{}, fmt.Errorf("get reminder %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return ReminderRecord{}, fmt.Errorf("get reminder %d: %w", id, err)
	}
	return r, nil
}

// sendingIs is the WHERE condition (on id, then N-1) that picks the row whose
// send N is in flight.
const sendingIs = `id = ? AND state = 'sending' AND
	CASE WHEN ? = 0 THEN sent_at IS NULL ELSE sent_at IS NOT NULL AND nags_sent = ? - 1 END`

// BeginSend records an attempt before it is made: the reminder becomes
// sending, attempts goes up by one (for a nudge, it starts again at one:
// attempts counts the tries of the latest send), and next_attempt is
// retryAt, when a retry would be due if the attempt is lost. For N 0 the
// Message-ID is stored as the reminder's. A send already in flight (left by
// a crash) may be begun again. It returns the new attempts count;
// ErrChanged when send N is not the one due.
func (s *Store) BeginSend(ctx context.Context, a Attempt, retryAt time.Time) (int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var attempts int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var row *sql.Row
		if a.N == 0 {
			row = tx.QueryRowContext(ctx, `UPDATE reminders SET state = 'sending', attempts = attempts + 1,
				next_attempt = ?, message_id = ? WHERE id = ? AND state IN ('pending', 'sending') AND sent_at IS NULL
				RETURNING attempts`, nullTime(retryAt), a.MessageID, a.Reminder)
		} else {
			row = tx.QueryRowContext(ctx, `UPDATE reminders SET state = 'sending',
				attempts = CASE WHEN state = 'sent' AND last_error = '' THEN 1 ELSE attempts + 1 END,
				next_attempt = ? WHERE id = ? AND state IN ('sent', 'sending') AND sent_at IS NOT NULL AND nags_sent = ?
				RETURNING attempts`, nullTime(retryAt), a.Reminder, a.N-1)
		}
		err := row.Scan(&attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return missing(ctx, tx, a.Reminder)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record send %d of reminder %d: %w", a.N, a.Reminder, err)
	}
	return attempts, nil
}

// SendDone records that send N went out (or was found delivered): the
// reminder is sent, its next send (the next nudge, or its expiry) due at
// next, and last_error cleared. For N 0, sent_at is now; for a nudge,
// nags_sent becomes N. a.Text, when set, is kept (see RecordSentText).
func (s *Store) SendDone(ctx context.Context, a Attempt, now, next time.Time) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET state = 'sent', next_attempt = ?, last_error = '',
			sent_at = CASE WHEN ? = 0 THEN ? ELSE sent_at END, nags_sent = ?, snoozed = 0
			WHERE `+sendingIs, nullTime(next), a.N, timeText(now), a.N, a.Reminder, a.N, a.N)
		if err := affected(ctx, tx, res, err, a.Reminder); err != nil || a.Text == "" || a.MessageID == "" {
			return err
		}
		return keepSentText(ctx, tx, a.MessageID, a.Reminder, a.Text, now)
	})
	if err != nil {
		return fmt.Errorf("record send %d of reminder %d done: %w", a.N, a.Reminder, err)
	}
	return nil
}

// SendRetry records that send N failed for now and is tried again at
// retryAt: the reminder goes back to pending (N 0) or sent (a nudge), with
// the error in last_error.
func (s *Store) SendRetry(ctx context.Context, a Attempt, retryAt time.Time, lastError string) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET
			state = CASE WHEN ? = 0 THEN 'pending' ELSE 'sent' END, next_attempt = ?, last_error = ?
			WHERE `+sendingIs, a.N, nullTime(retryAt), lastError, a.Reminder, a.N, a.N)
		return affected(ctx, tx, res, err, a.Reminder)
	})
	if err != nil {
		return fmt.Errorf("record retry of send %d of reminder %d: %w", a.N, a.Reminder, err)
	}
	return nil
}

// SendFailed records that send N was given up: the reminder is failed,
// resolved now, with the error in last_error.
func (s *Store) SendFailed(ctx context.Context, a Attempt, now time.Time, lastError string) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET state = 'failed', next_attempt = NULL,
			last_error = ?, resolved_at = ? WHERE `+sendingIs,
			lastError, timeText(now), a.Reminder, a.N, a.N)
		return affected(ctx, tx, res, err, a.Reminder)
	})
	if err != nil {
		return fmt.Errorf("record failure of send %d of reminder %d: %w", a.N, a.Reminder, err)
	}
	return nil
}

// ResolveReminder ends a reminder: state is StateConfirmed, StateSkipped,
// StateExpired or StateCancelled, reached only from the states
// interview.ResolvableFrom lists for it. outcome is stored as the reminder's
// outcome ("called", "offer", ... or ""); note, when not empty, replaces
// last_error, where `followupd list` shows it ("missed while followupd was
// not running"). ErrChanged when the reminder's state does not allow it
// (already resolved), ErrNotFound when there is no such reminder.
func (s *Store) ResolveReminder(ctx context.Context, id int64, state interview.State, outcome, note string, now time.Time) error {
	from, ok := interview.ResolvableFrom(state)
	if !ok {
		return fmt.Errorf("resolve reminder %d: %q is not a resolved state", id, state)
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	args := []any{state, outcome, timeText(now), note, note, id}
	for _, f := range from {
		args = append(args, f)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ")
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET state = ?, outcome = ?, resolved_at = ?,
			next_attempt = NULL, last_error = CASE WHEN ? = '' THEN last_error ELSE ? END
			WHERE id = ? AND state IN (`+marks+`)`, args...)
		return affected(ctx, tx, res, err, id)
	})
	if err != nil {
		return fmt.Errorf("mark reminder %d %s: %w", id, state, err)
	}
	return nil
}

// SnoozeReminder puts a reminder's next send off until until. A pending one
// is sent then (or at its due time, when that is later); a sent one gets its
// next nudge then (or, when it had all its nudges, expires then). A failed
// or expired one is taken up again the same way, with its attempts and
// error cleared: pending when its email never went out, else sent. Its sends
// keep their numbers (and Message-IDs). ErrChanged for a reminder in flight
// or resolved by the owner, ErrNotFound when there is none.
// snoozeUpdate moves one reminder (arguments: until, until, id) to until.
// A pending reminder is sent at next_attempt (or at its due time when that
// is later); a sent one gets its next nudge at next_attempt, even when it
// already had nag_limit of them (snoozed). A failed or expired one is taken
// up again the same way: pending when its email never went out, else sent.
// Sends keep their numbers (and Message-IDs r.TOKEN.N), so nags_sent is not
// reset. One in flight (sending) or resolved is left alone. Shared by the
// CLI and the owner's reply, so that both mean the same.
var snoozeUpdate = `UPDATE reminders SET
	state = CASE WHEN state IN ` + waitingSet + ` THEN state
		WHEN sent_at IS NULL THEN 'pending' ELSE 'sent' END,
	next_attempt = CASE WHEN state = 'pending' AND due >= ? THEN NULL ELSE ? END,
	attempts = CASE WHEN state IN ` + givenUpSet + ` THEN 0 ELSE attempts END,
	last_error = CASE WHEN state IN ` + givenUpSet + ` THEN '' ELSE last_error END,
	snoozed = CASE WHEN sent_at IS NULL THEN 0 ELSE 1 END,
	resolved_at = NULL
	WHERE id = ? AND state IN ` + snoozableSet

func (s *Store) SnoozeReminder(ctx context.Context, id int64, until time.Time) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	u := timeText(until)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, snoozeUpdate, u, u, id)
		return affected(ctx, tx, res, err, id)
	})
	if err != nil {
		return fmt.Errorf("snooze reminder %d: %w", id, err)
	}
	return nil
}

// CancelInterview records that the owner cancelled an interview: it is
// cancelled for good (a merge never revives it, see CancelledByOwner) and
// every reminder of it still open is cancelled. It returns how many
// reminders it cancelled; ErrNotFound when there is no such interview.
func (s *Store) CancelInterview(ctx context.Context, id int64, now time.Time) (int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE interviews SET status = 'cancelled', cancel_reason = ?,
			updated_at = ? WHERE id = ?`, CancelledByOwner, timeText(now), id)
		if err != nil {
			return fmt.Errorf("update interview: %w", err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update interview: %w", err)
		} else if k == 0 {
			return ErrNotFound
		}
		res, err = tx.ExecContext(ctx, `UPDATE reminders SET state = 'cancelled', resolved_at = ?,
			next_attempt = NULL WHERE interview_id = ? AND state IN `+openSet, timeText(now), id)
		if err != nil {
			return fmt.Errorf("cancel reminders: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("cancel interview %d: %w", id, err)
	}
	return int(n), nil
}

// affected turns an UPDATE of reminder id that matched no row into
// ErrNotFound (no such reminder) or ErrChanged (not in the expected state).
func affected(ctx context.Context, tx *sql.Tx, res sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return missing(ctx, tx, id)
}

// missing says why an UPDATE of reminder id matched no row: ErrNotFound
// when there is no such reminder, else ErrChanged.
func missing(ctx context.Context, tx *sql.Tx, id int64) error {
	var exists int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM reminders WHERE id = ?", id).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return ErrNotFound
	}
	return ErrChanged
}
