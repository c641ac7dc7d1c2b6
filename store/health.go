package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/followupd/followupd/interview"
)

// SenderHealth is whether sending works, as the dispatcher last found it.
// The zero value (OK, no Since) is what a store that never sent says.
type SenderHealth struct {
	OK bool
	// Since is when sending last started or stopped working.
	Since time.Time
	// Cause says why sending is held; "" while OK.
	Cause string
	// RetryAt is when the dispatcher tries again; zero while OK.
	RetryAt time.Time
}

// SaveSenderHealth records h, replacing what was recorded before.
func (s *Store) SaveSenderHealth(ctx context.Context, h SenderHealth, now time.Time) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sender_health (id, ok, since, cause, retry_at, updated_at)
			VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET ok = excluded.ok, since = excluded.since,
			cause = excluded.cause, retry_at = excluded.retry_at, updated_at = excluded.updated_at`,
			h.OK, timeText(h.Since), h.Cause, nullTime(h.RetryAt), timeText(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("save sender health: %w", err)
	}
	return nil
}

// SenderHealth returns what the dispatcher last recorded: OK with a zero
// Since when it never recorded anything.
func (s *Store) SenderHealth(ctx context.Context) (SenderHealth, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var (
		h     SenderHealth
		since string
		retry sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `SELECT ok, since, cause, retry_at FROM sender_health WHERE id = 1`).
		Scan(&h.OK, &since, &h.Cause, &retry)
	if errors.Is(err, sql.ErrNoRows) {
		return SenderHealth{OK: true}, nil
	}
	if err != nil {
		return SenderHealth{}, fmt.Errorf("read sender health: %w", err)
	}
	if h.Since, err = parseTime(since); err != nil {
		return SenderHealth{}, fmt.Errorf("read sender health: %w", err)
	}
	if h.RetryAt, err = parseNullTime(retry); err != nil {
		return SenderHealth{}, fmt.Errorf("read sender health: %w", err)
	}
	return h, nil
}

// RetryReminder takes a failed reminder up again: it is due now (pending
// when its email never went out, else sent, with its next nudge now), its
// attempts and error cleared, as a snooze to now does. ErrChanged when it
// is not failed, ErrNotFound when there is none.
func (s *Store) RetryReminder(ctx context.Context, id int64, now time.Time) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	u := timeText(now)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var state interview.State
		if err := tx.QueryRowContext(ctx, `SELECT state FROM reminders WHERE id = ?`, id).Scan(&state); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if state != StateFailed {
			return ErrChanged
		}
		res, err := tx.ExecContext(ctx, snoozeUpdate, u, u, id)
		return affected(ctx, tx, res, err, id)
	})
	if err != nil {
		return fmt.Errorf("retry reminder %d: %w", id, err)
	}
	return nil
}
