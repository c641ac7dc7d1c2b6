package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The outbox: the emails queued for sending besides the reminders, that is
// the answers to the owner's messages (reply_outbox) and the employer
// side's emails (employer_outbox). Both are queued in the transaction of the
// change they report and sent by the dispatcher, the one sending loop, with
// one retry policy; this is its view of them. The tables stay apart (each
// keeps what its own side reads: the message answered, the application, the
// cause a withdrawal looks up) and keep the sent rows as history.

// Outbox names the table a queued email is in.
type Outbox string

const (
	OutboxAnswers  Outbox = "answers"  // reply_outbox
	OutboxEmployer Outbox = "employer" // employer_outbox
)

// table is Outbox's table; "" for an unknown one.
func (b Outbox) table() string {
	switch b {
	case OutboxAnswers:
		return "reply_outbox"
	case OutboxEmployer:
		return "employer_outbox"
	}
	return ""
}

// QueuedMail is one queued email as the dispatcher sends it.
type QueuedMail struct {
	Box       Outbox
	MessageID string // carries a reply token: never log it
	Kind      string
	Email     string // the composed email, as its composer encoded it
	CreatedAt time.Time
	// Attempts is how many attempts were begun.
	Attempts int
	// NextAttempt is when the next attempt may be made; zero: at once.
	NextAttempt time.Time
}

// NextOutgoing returns the queued emails that are not sent, given up or
// withdrawn, queued at or after since (older ones are dropped: an answer a
// day late says nothing the owner does not know by then), in queue order.
func (s *Store) NextOutgoing(ctx context.Context, since time.Time) ([]QueuedMail, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `
		SELECT 'answers', message_id, kind, email, created_at, attempts, next_attempt, rowid
			FROM reply_outbox WHERE sent_at IS NULL AND created_at >= ?1 AND attempts < ?2
		UNION ALL
		SELECT 'employer', message_id, kind, email, created_at, attempts, next_attempt, rowid
			FROM employer_outbox WHERE sent_at IS NULL AND withdrawn = 0 AND created_at >= ?1 AND attempts < ?2
		ORDER BY 5, 1, 8`, timeText(since), giveUpAttempts)
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	var out []QueuedMail
	for rows.Next() {
		var (
			q       QueuedMail
			created string
			next    sql.NullString
			rowid   int64
		)
		if err := rows.Scan(&q.Box, &q.MessageID, &q.Kind, &q.Email, &created, &q.Attempts, &next, &rowid); err != nil {
			return nil, joinClose(fmt.Errorf("read the outbox: %w", err), rows)
		}
		if q.CreatedAt, err = parseTime(created); err != nil {
			return nil, joinClose(err, rows)
		}
		if q.NextAttempt, err = parseNullTime(next); err != nil {
			return nil, joinClose(err, rows)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("read the outbox: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	return out, nil
}

// BeginOutgoing records an attempt at sending q before it is made, so that
// a crash during it still counts it, with retryAt as the next attempt's
// time should the process stop before the outcome is recorded. It returns
// the attempt's number, and ErrChanged when q was sent, given up or
// withdrawn meanwhile.
func (s *Store) BeginOutgoing(ctx context.Context, q QueuedMail, retryAt time.Time) (int, error) {
	var attempts int
	err := s.updateOutgoing(ctx, q, "attempts = attempts + 1, next_attempt = ?", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT attempts FROM "+q.Box.table()+" WHERE message_id = ?", q.MessageID).Scan(&attempts)
	}, nullTime(retryAt))
	return attempts, err
}

// OutgoingSent records that q was delivered at now.
func (s *Store) OutgoingSent(ctx context.Context, q QueuedMail, now time.Time) error {
	return s.updateOutgoing(ctx, q, "sent_at = ?, last_error = '', next_attempt = NULL", nil, timeText(now))
}

// OutgoingRetry records why an attempt at q failed and when the next may be
// made.
func (s *Store) OutgoingRetry(ctx context.Context, q QueuedMail, retryAt time.Time, lastError string) error {
	return s.updateOutgoing(ctx, q, "last_error = ?, next_attempt = ?", nil, lastError, nullTime(retryAt))
}

// OutgoingFailed gives q up, with why in last_error: NextOutgoing (and
// UnsentAnswers, UnsentEmployerEmails) no longer return it.
func (s *Store) OutgoingFailed(ctx context.Context, q QueuedMail, lastError string) error {
	return s.updateOutgoing(ctx, q, "last_error = ?, attempts = max(attempts, ?), next_attempt = NULL", nil,
		lastError, giveUpAttempts)
}

// updateOutgoing runs "UPDATE <q's table> SET <set>" on q while it is
// still to be sent, then after, when not nil, in the same transaction.
func (s *Store) updateOutgoing(ctx context.Context, q QueuedMail, set string, after func(*sql.Tx) error, args ...any) error {
	table := q.Box.table()
	if table == "" {
		return fmt.Errorf("update queued email: unknown outbox %q", q.Box)
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	extra := ""
	if q.Box == OutboxEmployer {
		extra = " AND withdrawn = 0"
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET "+set+
			" WHERE message_id = ? AND sent_at IS NULL AND attempts < ?"+extra, append(args, q.MessageID, giveUpAttempts)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrChanged
		}
		if after != nil {
			return after(tx)
		}
		return nil
	})
	if err != nil {
		// Not naming the email: its Message-ID carries a reply token.
		return fmt.Errorf("update queued %s email: %w", q.Box, err)
	}
	return nil
}
