package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// maxSentTextBytes bounds the text kept per sent email: a reply's quote is
// recognised from its first lines as well as from all of them.
const maxSentTextBytes = 64 << 10

// RecordSentText keeps the text part of an email sent (or about to be sent)
// to the owner under its Message-ID, for reading the replies that quote it.
// Recording the same Message-ID again replaces the text.
//
// SendDone does the same in its own transaction when Attempt.Text is set.
func (s *Store) RecordSentText(ctx context.Context, messageID string, reminderID int64, text string, now time.Time) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return keepSentText(ctx, tx, messageID, reminderID, text, now)
	})
}

func keepSentText(ctx context.Context, tx *sql.Tx, messageID string, reminderID int64, text string, now time.Time) error {
	if len(text) > maxSentTextBytes {
		n := maxSentTextBytes
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sent_texts (message_id, reminder_id, body, created_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (message_id) DO UPDATE SET body = excluded.body, created_at = excluded.created_at`,
		messageID, reminderID, text, timeText(now))
	if err != nil {
		// Never name the Message-ID: it holds the reply token.
		return fmt.Errorf("keep sent text of reminder %d: %w", reminderID, err)
	}
	return nil
}

// SentText returns the text recorded for a Message-ID, or an error wrapping
// ErrNotFound.
func (s *Store) SentText(ctx context.Context, messageID string) (string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var text string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM sent_texts WHERE message_id = ?`, messageID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("find sent text: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("find sent text: %w", err)
	}
	return text, nil
}
