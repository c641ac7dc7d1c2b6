// Package store owns followupd's state and all of its SQL: interviews merged
// from every source that reported them, their interviewers, the reminders
// they give rise to and where each stands, and where the mailbox sync and
// each calendar fetch left off. It runs on SQLite (modernc.org/sqlite, pure
// Go) in WAL mode with synchronous=FULL, and migrates its own schema.
//
// Every method takes a context; when it has no deadline, the method applies
// its own (defaultTimeout). Times go in as any time.Time and come out UTC,
// to the second (see timeText).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/followupd/followupd/internal/backoff"
)

// ErrNotFound is returned when a row asked for by its id does not exist.
var ErrNotFound = errors.New("not found")

// defaultTimeout bounds a call whose context has no deadline.
const defaultTimeout = 10 * time.Second

// dsnParams are applied by the driver to every pooled connection.
// synchronous=FULL: the daemon commits a handful of rows a day, and NORMAL can
// lose an acknowledged commit on power loss. _txlock=immediate: a transaction
// takes the write lock at BEGIN, so a read-then-write transaction never fails
// with SQLITE_BUSY halfway; busy_timeout (as long as defaultTimeout; the
// context ends a wait sooner) makes a writer of another process wait.
const dsnParams = "_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=synchronous(FULL)" +
	"&_pragma=foreign_keys(1)" +
	"&_txlock=immediate"

// Store is the database. It is safe for concurrent use, also alongside another
// process (the CLI) that has the same file open.
type Store struct {
	db *sql.DB
	// writer admits one write transaction of this process at a time, in
	// arrival order, and gives up when the caller's context ends. SQLite's
	// busy handler polls and is not fair: without this, one of several
	// writers in a burst could wait out busy_timeout and fail with
	// SQLITE_BUSY. busy_timeout still covers another process.
	writer chan struct{}
}

// Open opens the database at path, creating it (parent directory 0700, file
// 0600) if needed, and migrates its schema. A database written by a newer
// followupd is refused with an error that wraps ErrSchemaTooNew.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: no path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	db, err := sql.Open("sqlite", fileURI(abs)+"?"+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	s := &Store{db: db, writer: make(chan struct{}, 1)}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	// Two processes opening a new database at once (the daemon starting and
	// `followupd list`) can get SQLITE_BUSY without a busy wait while one
	// of them switches the file to WAL: retry until the timeout.
	bo := backoff.Backoff{Policy: backoff.Policy{Min: 10 * time.Millisecond, Max: 500 * time.Millisecond}}
	for {
		err = s.migrate(ctx)
		if err == nil {
			return s, nil
		}
		if !isBusy(err) || ctx.Err() != nil {
			return nil, errors.Join(fmt.Errorf("open store %s: %w", abs, err), db.Close())
		}
		backoff.Sleep(ctx, bo.Next()) // a cancelled ctx ends the loop at the next try
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// prepareFile creates the parent directory (0700) and the database file
// (0600) when they are missing, and takes group and other permissions off an
// existing file: it holds the reply tokens. SQLite gives the -wal and -shm
// files the database file's mode.
func prepareFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create file: %w", err)
	}
	info, err := f.Stat()
	if err == nil && info.Mode().Perm()&0o077 != 0 {
		err = f.Chmod(info.Mode().Perm() &^ 0o077)
	}
	return errors.Join(err, f.Close())
}

// fileURI turns an absolute path into an SQLite "file:" URI, escaping the
// characters a URI would read as its own ('%', '?', '#'), so that the query
// string the driver reads is only ours.
func fileURI(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")
	return "file:" + esc.Replace(filepath.ToSlash(path))
}

// withTimeout returns ctx bounded by defaultTimeout when it has no deadline.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, defaultTimeout)
}

// inTx runs f in one immediate transaction and commits it when f succeeds.
// Every write goes through here.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	select {
	case s.writer <- struct{}{}:
		defer func() { <-s.writer }()
	case <-ctx.Done():
		return fmt.Errorf("wait for the writer: %w", ctx.Err())
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		return errors.Join(err, rollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// inReadTx runs f in one deferred, read-only transaction, so that a read over
// several tables sees one state.
func (s *Store) inReadTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		return errors.Join(err, rollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// timeText is how a time is stored: RFC 3339 in UTC, to the second
// ("2026-03-02T14:00:00Z"). The width is fixed for years 0000-9999, so text
// order is time order and SQL can compare stored times directly.
func timeText(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return timeText(t)
}

// parseTime reads a stored time; it is always UTC.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("read stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseNullTime reads a stored time that may be NULL (the zero time).
func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}
