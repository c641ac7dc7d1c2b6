package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Applications returns every application, its interviews and its history,
// the most recently changed first. Interviews without an application are
// linked first (as LinkApplications does, but dropping no call: the
// daemon does that and tells the owner).
func (s *Store) Applications(ctx context.Context, now time.Time) ([]Application, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var out []Application
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := linkAll(ctx, tx, now); err != nil {
			return err
		}
		ids, err := queryIDs(ctx, tx, "SELECT id FROM applications ORDER BY updated_at DESC, id DESC")
		if err != nil {
			return err
		}
		for _, id := range ids {
			a, err := loadApplication(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	return out, nil
}

// loadApplication reads one application with its interviews and history.
func loadApplication(ctx context.Context, tx *sql.Tx, id int64) (Application, error) {
	var (
		a                Application
		contact          sql.NullString
		created, updated string
	)
	err := tx.QueryRowContext(ctx, `SELECT id, company, position, stage, last_contact, created_at, updated_at
		FROM applications WHERE id = ?`, id).Scan(&a.ID, &a.Company, &a.Position, &a.Stage, &contact, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, fmt.Errorf("application %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Application{}, fmt.Errorf("read application %d: %w", id, err)
	}
	if a.LastContact, err = parseNullTime(contact); err != nil {
		return Application{}, err
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return Application{}, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return Application{}, err
	}
	if a.Interviews, err = loadInterviews(ctx, tx,
		"WHERE i.id IN (SELECT interview_id FROM application_interviews WHERE application_id = ?)", []any{id}); err != nil {
		return Application{}, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT stage, at, undone_at IS NOT NULL FROM application_stages
		WHERE application_id = ? ORDER BY at, id`, id)
	if err != nil {
		return Application{}, fmt.Errorf("read history of application %d: %w", id, err)
	}
	for rows.Next() {
		var (
			e  StageEntry
			at string
		)
		if err := rows.Scan(&e.Stage, &at, &e.Undone); err != nil {
			return Application{}, joinClose(err, rows)
		}
		if e.At, err = parseTime(at); err != nil {
			return Application{}, joinClose(err, rows)
		}
		a.History = append(a.History, e)
	}
	if err := rows.Err(); err != nil {
		return Application{}, joinClose(err, rows)
	}
	return a, rows.Close()
}

// SetApplicationStage moves an application from stage from to stage to
// (followupd's own moves: the check-in after silence, then no response),
// records it in the history and queues the emails compose makes. It
// reports false, and does nothing, when the stage is no longer from.
func (s *Store) SetApplicationStage(ctx context.Context, id int64, from, to string, now time.Time,
	compose func(Application) ([]Outgoing, error)) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var changed bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE applications SET stage = ?, updated_at = ? WHERE id = ? AND stage = ?",
			to, timeText(now), id, from)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		changed = true
		if err := addHistory(ctx, tx, id, to, "", timeText(now)); err != nil {
			return err
		}
		a, err := loadApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		return queue(ctx, tx, compose, a, id, "", timeText(now))
	})
	if err != nil {
		return false, fmt.Errorf("set stage of application %d: %w", id, err)
	}
	return changed, nil
}

// QueueEmployerEmails queues emails that report no change (the weekly
// digest); one already queued under its Message-ID is left alone.
func (s *Store) QueueEmployerEmails(ctx context.Context, list []Outgoing, now time.Time) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, o := range list {
			if o.MessageID == "" || o.Email == "" || o.Kind == "" {
				return errors.New("no message id, kind or email")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO employer_outbox (message_id, kind, email, created_at)
				VALUES (?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`, o.MessageID, o.Kind, o.Email, timeText(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("queue employer emails: %w", err)
	}
	return nil
}

// EmployerEmailQueued reports whether an email with this Message-ID was
// ever queued.
func (s *Store) EmployerEmailQueued(ctx context.Context, messageID string) (bool, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM employer_outbox WHERE message_id = ?", messageID).Scan(&n); err != nil {
		return false, fmt.Errorf("look up employer email: %w", err)
	}
	return n > 0, nil
}

// UnsentEmployerEmails returns the queued emails not sent, not withdrawn,
// created at or after since and tried fewer than maxAttempts times, in
// queue order.
func (s *Store) UnsentEmployerEmails(ctx context.Context, since time.Time, maxAttempts int) ([]QueuedEmail, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT message_id, kind, email, coalesce(application_id, 0), cause, created_at,
		attempts, last_error FROM employer_outbox
		WHERE sent_at IS NULL AND withdrawn = 0 AND created_at >= ? AND attempts < ? ORDER BY created_at, rowid`,
		timeText(since), maxAttempts)
	if err != nil {
		return nil, fmt.Errorf("read employer outbox: %w", err)
	}
	var out []QueuedEmail
	for rows.Next() {
		var (
			q       QueuedEmail
			created string
		)
		if err := rows.Scan(&q.MessageID, &q.Kind, &q.Email, &q.ApplicationID, &q.Cause, &created, &q.Attempts, &q.LastError); err != nil {
			return nil, joinClose(fmt.Errorf("read employer outbox: %w", err), rows)
		}
		if q.CreatedAt, err = parseTime(created); err != nil {
			return nil, joinClose(err, rows)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("read employer outbox: %w", err), rows)
	}
	return out, rows.Close()
}

// RecentInterviews returns the interviews, cancelled ones included, that
// start in [from, until), ordered by start.
func (s *Store) RecentInterviews(ctx context.Context, from, until time.Time) ([]InterviewRecord, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var recs []InterviewRecord
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		recs, err = loadInterviews(ctx, tx, "WHERE i.start_at >= ? AND i.start_at < ?", []any{timeText(from), timeText(until)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list recent interviews: %w", err)
	}
	return recs, nil
}

// queryIDs runs a query whose rows are one id each and returns them.
func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// scanIDs reads rows of one id each, and closes rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, joinClose(err, rows)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(err, rows)
	}
	return ids, rows.Close()
}
