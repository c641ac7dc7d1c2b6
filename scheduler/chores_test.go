package scheduler

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
)

func TestChoresPanicAndOverrun(t *testing.T) {
	var logs mailtest.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := NewChores(log, time.UTC)

	var panics, slowRuns, fastRuns atomic.Int32
	c.Every("panicky", time.Second, func(ctx context.Context) {
		panics.Add(1)
		panic("boom")
	})
	c.Every("slow", time.Second, func(ctx context.Context) {
		slowRuns.Add(1)
		select { // overruns its interval several times over
		case <-time.After(10 * time.Second):
		case <-ctx.Done():
		}
	})
	c.Every("fast", time.Second, func(ctx context.Context) { fastRuns.Add(1) })

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	// Wait (bounded) until each chore has had at least two turns' chance.
	deadline := time.Now().Add(mailtest.Scaled(20 * time.Second))
	for (panics.Load() < 2 || fastRuns.Load() < 2) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(mailtest.Scaled(10 * time.Second)):
		t.Fatal("Run did not return after cancel: a chore in flight ignored the context")
	}
	if panics.Load() < 2 {
		t.Errorf("panicking chore ran %d times: a panic stopped it", panics.Load())
	}
	if fastRuns.Load() < 2 {
		t.Errorf("fast chore ran %d times: another chore's panic or overrun held it up", fastRuns.Load())
	}
	if slowRuns.Load() != 1 {
		t.Errorf("overrunning chore started %d times, want 1 (later turns skipped while it runs)", slowRuns.Load())
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}
