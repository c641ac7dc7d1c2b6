package store

import (
	"context"
	"fmt"
)

// Ping checks that the database answers a query; the daemon's health check
// (and so systemd's watchdog) relies on it.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("store ping: %w", err)
	}
	return nil
}
