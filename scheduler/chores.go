package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Chores runs recurring background work (calendar refresh, housekeeping) on
// robfig/cron. Each chore runs once at start and then every interval; a chore
// still running when its next turn comes is skipped, and a panic in one is
// logged and does not stop it or the others. One-shot reminders never go
// through cron: see the dispatcher.
type Chores struct {
	log  *slog.Logger
	loc  *time.Location
	mu   sync.Mutex
	jobs []chore
}

type chore struct {
	name  string
	every time.Duration
	run   func(ctx context.Context)
}

// NewChores returns an empty set of chores whose schedules are read in loc.
func NewChores(log *slog.Logger, loc *time.Location) *Chores {
	return &Chores{log: log, loc: loc}
}

// Every adds a chore. Intervals are rounded up to whole seconds (cron's
// granularity). Call before Run.
func (c *Chores) Every(name string, every time.Duration, run func(ctx context.Context)) {
	if every < time.Second {
		every = time.Second
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs = append(c.jobs, chore{name, every, run})
}

// Run starts the chores and blocks until ctx is done, then waits for the
// chores in flight (they see ctx cancelled) and returns ctx's error.
func (c *Chores) Run(ctx context.Context) error {
	logger := cronLogger{c.log}
	cr := cron.New(
		cron.WithLocation(c.loc),
		cron.WithLogger(logger),
		// Order matters: with Recover outside SkipIfStillRunning, a job that
		// panicked once stays "running" for good (DEPENDENCIES.md).
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)),
	)
	c.mu.Lock()
	jobs := append([]chore(nil), c.jobs...)
	c.mu.Unlock()

	var started sync.WaitGroup
	for _, j := range jobs {
		wrapped := cron.NewChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)).Then(cron.FuncJob(func() {
			if ctx.Err() == nil {
				j.run(ctx)
			}
		}))
		cr.Schedule(cron.Every(j.every), wrapped)
		// The first turn now, through the same wrapper, so that it cannot
		// overlap the first scheduled turn.
		started.Add(1)
		go func() {
			defer started.Done()
			wrapped.Run()
		}()
	}
	cr.Start()
	<-ctx.Done()
	<-cr.Stop().Done()
	started.Wait()
	return ctx.Err()
}

// cronLogger adapts slog to cron's logger with constant messages: cron's
// own words go into the "event" attribute. Its routine "schedule", "wake"
// and "run" lines go to debug; its errors (recovered panics, skipped turns)
// to error.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	l.log.Debug("cron event", append([]any{slog.String("event", msg)}, kv...)...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron job failed", append([]any{slog.String("event", msg), slog.String("error", fmt.Sprint(err))}, kv...)...)
}
