package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestRetrying(t *testing.T) {
	d := &Daemon{retryWait: time.Millisecond}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	busy := errors.New("database is locked")

	calls := 0
	err := d.retrying(t.Context(), log, "reply", func() error {
		if calls++; calls < storeAttempts {
			return busy
		}
		return nil
	})
	if err != nil || calls != storeAttempts {
		t.Errorf("passing failure: err %v after %d calls, want success on call %d", err, calls, storeAttempts)
	}

	calls = 0
	err = d.retrying(t.Context(), log, "reply", func() error { calls++; return busy })
	if !errors.Is(err, busy) || calls != storeAttempts {
		t.Errorf("lasting failure: err %v after %d calls, want the error after %d", err, calls, storeAttempts)
	}

	ctx, cancel := context.WithCancel(t.Context())
	calls = 0
	err = d.retrying(ctx, log, "reply", func() error { calls++; cancel(); return busy })
	if !errors.Is(err, busy) || calls != 1 {
		t.Errorf("cancelled: err %v after %d calls, want to stop after 1", err, calls)
	}
}
