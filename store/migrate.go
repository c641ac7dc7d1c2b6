package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// ErrSchemaTooNew is wrapped by Open when the database was written by a newer
// followupd than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this followupd")

// migrationFiles holds the schema: migrations/NNNN_name.sql, applied in order.
// They are append-only: a released file is never edited; a change is a new
// file. PRAGMA user_version is the number of files applied.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations returns the embedded migration scripts in order. Their names must
// be numbered 0001, 0002, ... without gaps.
func migrations() ([]string, error) {
	return readMigrations(migrationFiles, "migrations")
}

func readMigrations(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var scripts []string
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		num, _, _ := strings.Cut(e.Name(), "_")
		n, err := strconv.Atoi(num)
		if err != nil || len(num) != 4 || n != len(scripts)+1 {
			return nil, fmt.Errorf("read migrations: %s is not migration %04d", e.Name(), len(scripts)+1)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migrations: %w", err)
		}
		scripts = append(scripts, string(b))
	}
	if len(scripts) == 0 {
		return nil, errors.New("read migrations: none found")
	}
	return scripts, nil
}

// migrate brings the schema up to date in one immediate transaction: either
// every pending migration is applied and user_version bumped, or nothing is.
// The version is read inside the transaction, so two processes opening a new
// database at once cannot both apply the same script.
func (s *Store) migrate(ctx context.Context) error {
	scripts, err := migrations()
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return migrateTx(ctx, tx, scripts)
	})
}

func migrateTx(ctx context.Context, tx *sql.Tx, scripts []string) error {
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version > len(scripts):
		return fmt.Errorf("%w: the database is at schema version %d, this followupd knows up to %d; run a newer followupd",
			ErrSchemaTooNew, version, len(scripts))
	case version < 0:
		return fmt.Errorf("read schema version: %d is negative", version)
	}
	for i := version; i < len(scripts); i++ {
		if _, err := tx.ExecContext(ctx, scripts[i]); err != nil {
			return fmt.Errorf("apply migration %04d: %w", i+1, err)
		}
	}
	if version == len(scripts) {
		return nil
	}
	// PRAGMA takes no bound parameters; the value is an int we computed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(scripts))); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return nil
}
