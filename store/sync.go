package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FolderState is where incremental sync of one IMAP folder stands.
type FolderState struct {
	// UIDValidity is the folder's UIDVALIDITY when LastUID was seen; when the
	// server reports another, every UID is new and the folder is read again.
	UIDValidity uint32
	// LastUID is the highest UID already processed.
	LastUID uint32
}

// FolderState returns the sync state of an IMAP folder; the zero value when
// it was never synced.
func (s *Store) FolderState(ctx context.Context, folder string) (FolderState, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var st FolderState
	err := s.db.QueryRowContext(ctx, "SELECT uidvalidity, last_uid FROM mailbox_state WHERE folder = ?",
		folder).Scan(&st.UIDValidity, &st.LastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return FolderState{}, nil
	}
	if err != nil {
		return FolderState{}, fmt.Errorf("get state of folder %q: %w", folder, err)
	}
	return st, nil
}

// SaveFolderState records the sync state of an IMAP folder. Save it only
// after what it covers is applied: a crash in between then repeats work
// (Apply is idempotent) instead of losing it.
func (s *Store) SaveFolderState(ctx context.Context, folder string, st FolderState) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mailbox_state (folder, uidvalidity, last_uid) VALUES (?, ?, ?)
			ON CONFLICT (folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid`,
			folder, int64(st.UIDValidity), int64(st.LastUID))
		return err
	})
	if err != nil {
		return fmt.Errorf("save state of folder %q: %w", folder, err)
	}
	return nil
}

// CalendarState is what the last fetch of one calendar saw.
type CalendarState struct {
	// ETag and LastModified are the validators of the last successful HTTP
	// fetch, sent back for a conditional GET; "" when none.
	ETag, LastModified string
	// Hash is of the last content applied; the same content again is skipped.
	Hash string
	// LastOK is when a fetch last succeeded (zero: never).
	LastOK time.Time
	// LastError is the error of the last fetch, "" when it succeeded. It must
	// not hold a secret URL.
	LastError string
}

// CalendarState returns the fetch state of a calendar; the zero value when it
// was never fetched.
func (s *Store) CalendarState(ctx context.Context, name string) (CalendarState, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var (
		st     CalendarState
		lastOK sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `SELECT etag, last_modified, hash, last_ok, last_error
		FROM calendar_state WHERE name = ?`, name).Scan(&st.ETag, &st.LastModified, &st.Hash, &lastOK, &st.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return CalendarState{}, nil
	}
	if err != nil {
		return CalendarState{}, fmt.Errorf("get state of calendar %q: %w", name, err)
	}
	if st.LastOK, err = parseNullTime(lastOK); err != nil {
		return CalendarState{}, fmt.Errorf("get state of calendar %q: %w", name, err)
	}
	return st, nil
}

// SaveCalendarState records the fetch state of a calendar. Save a new Hash
// only after Apply of that content succeeded.
func (s *Store) SaveCalendarState(ctx context.Context, name string, st CalendarState) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_state (name, etag, last_modified, hash, last_ok, last_error)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
			hash = excluded.hash, last_ok = excluded.last_ok, last_error = excluded.last_error`,
			name, st.ETag, st.LastModified, st.Hash, nullTime(st.LastOK), st.LastError)
		return err
	})
	if err != nil {
		return fmt.Errorf("save state of calendar %q: %w", name, err)
	}
	return nil
}
