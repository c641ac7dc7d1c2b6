package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/daemon"
	"github.com/followupd/followupd/internal/sdnotify"
	"github.com/followupd/followupd/store"
)

// newLogger builds the process logger: text or JSON lines on stderr; when
// stderr is the journal, each line carries its priority and no time.
func newLogger(w io.Writer, level string, asJSON bool, getenv func(string) string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	if toJournal(w, getenv) {
		return slog.New(newJournalHandler(w, opts, asJSON)), nil
	}
	if asJSON {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// withStore opens the database the configuration names, runs f with it
// and its path, and closes it; an error closing it is reported when f
// succeeded.
func withStore(ctx context.Context, e *env, cfg *config.Config, f func(st *store.Store, path string) error) error {
	path, err := cfg.StorePath(e.getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	err = f(st, path)
	if cerr := st.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	return err
}

func runDaemon(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "run", "[--config FILE] [--log-level L] [--log-json] [--stop-timeout D] [--stall-after D]")
	cfgPath := fs.String("config", "", "configuration `file`")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "log JSON lines instead of text")
	stopTimeout := fs.Duration("stop-timeout", 80*time.Second, "after a stop signal, how long work in flight may take to finish")
	stallAfter := fs.Duration("stall-after", daemon.DefaultStallAfter, "how long one piece of work may take before the daemon counts itself stuck")
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := newLogger(e.stderr, *level, *logJSON, e.getenv)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	notifier := sdnotify.New(e.getenv)
	watchdog, err := sdnotify.WatchdogInterval(e.getenv)
	if err != nil {
		log.Warn("watchdog not fed", slog.Any("error", err))
	}
	opts := []daemon.Option{daemon.WithNotifier(notifier, watchdog), daemon.WithStallAfter(*stallAfter)}
	if part := e.getenv("FOLLOWUPD_TEST_HANG"); part != "" {
		opts = append(opts, daemon.WithTestHang(part))
	}
	path, err := cfg.StorePath(e.getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	log.Info("store open", slog.String("path", path))
	d := daemon.New(cfg, st, log, opts...)

	// The daemon runs on its own context: a stop signal (ctx) first stops
	// new work, and work in flight gets stopTimeout to finish.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	closeStore := func(err error) error {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
		return err
	}
	for ctx.Err() == nil {
		select {
		case err := <-done:
			return closeStore(err)
		case <-e.hangup:
			reload(runCtx, e, d, notifier, *cfgPath, log)
		case <-ctx.Done():
		}
	}
	_ = notifier.Stopping()
	log.Info("stopping: no new work; waiting for work in flight", slog.Duration("at_most", *stopTimeout))
	stop()
	t := time.NewTimer(*stopTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return closeStore(err)
	case <-t.C:
		// The store stays open: closing it would wait for the stuck work.
		log.Error("work in flight did not finish before the stop deadline; exiting without it", slog.Duration("waited", *stopTimeout))
		return errors.New("stop deadline passed with work in flight")
	}
}

// reload reads the configuration again and hands it to the daemon. A file
// that does not validate is reported as check reports it, and the old
// configuration stays in force.
func reload(ctx context.Context, e *env, d *daemon.Daemon, n *sdnotify.Notifier, flagPath string, log *slog.Logger) {
	_ = n.Reloading()
	defer func() {
		d.ReportStatus(ctx)
		_ = n.Ready()
	}()
	log.Info("reloading the configuration")
	cfg, err := checkedConfig(e, flagPath)
	if err != nil {
		log.Error("configuration not reloaded; the old one stays in force", slog.String("check", configFailure(err).line()))
		return
	}
	if err := d.Reload(ctx, cfg); err != nil {
		log.Error("configuration not reloaded; the old one stays in force", slog.Any("error", err))
	}
}

func runList(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "list", "[--config FILE] [--json] [--applications]")
	cfgPath := fs.String("config", "", "configuration `file`")
	asJSON := fs.Bool("json", false, "print JSON")
	apps := fs.Bool("applications", false, "show applications (interviews grouped per company) and where each stands")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(st *store.Store, _ string) error {
		if *apps { // applications.go
			return listApplications(ctx, e, cfg, st, *asJSON)
		}
		ivs, err := st.Interviews(ctx)
		if err != nil {
			return err
		}
		health, err := st.SenderHealth(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeListJSON(e.stdout, ivs, health, time.Now())
		}
		return writeListText(e.stdout, ivs, health, cfg.Owner.Location, time.Now())
	})
}

type listInterview struct {
	ID           int64             `json:"id"`
	UID          string            `json:"uid"`
	RecurrenceID string            `json:"recurrence_id,omitempty"`
	Status       string            `json:"status"`
	Summary      string            `json:"summary"`
	Company      string            `json:"company"`
	Position     string            `json:"position"`
	Start        string            `json:"start"`
	End          string            `json:"end"`
	Sources      []string          `json:"sources"`
	Interviewers []listInterviewer `json:"interviewers"`
	Reminders    []listReminder    `json:"reminders"`
}

type listInterviewer struct {
	Name      string `json:"name"`
	Email     string `json:"email"`
	Honorific string `json:"honorific"`
}

type listReminder struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	State    string `json:"state"`
	Due      string `json:"due"`
	Attempts int    `json:"attempts"`
	// NextAttempt is when the next send is due when not at Due: a snooze,
	// a retry, a nudge.
	NextAttempt string `json:"next_attempt,omitempty"`
	// Held is true for a send that is due but waits for the sender, which
	// a failure of the account or the connection holds.
	Held      bool   `json:"held,omitempty"`
	Snoozed   bool   `json:"snoozed,omitempty"`
	LastError string `json:"last_error,omitempty"`
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func writeListJSON(w io.Writer, ivs []store.InterviewRecord, health store.SenderHealth, now time.Time) error {
	out := make([]listInterview, 0, len(ivs))
	for _, r := range ivs {
		li := listInterview{ID: r.ID, UID: r.UID, Status: string(r.Status), Summary: r.Summary, Company: r.Company,
			Position: r.Position, Start: utc(r.Start), End: utc(r.End), Sources: r.Sources,
			Interviewers: []listInterviewer{}, Reminders: []listReminder{}}
		if li.Sources == nil {
			li.Sources = []string{}
		}
		if !r.RecurrenceID.IsZero() {
			li.RecurrenceID = utc(r.RecurrenceID)
		}
		for _, p := range r.Interviewers {
			li.Interviewers = append(li.Interviewers, listInterviewer{p.Name, p.Email, string(p.Honorific)})
		}
		for _, rem := range r.Reminders {
			st := standing(rem, health, now)
			li.Reminders = append(li.Reminders, listReminder{ID: rem.ID, Kind: string(rem.Kind), State: string(rem.State),
				Due: utc(rem.Due), Attempts: rem.Attempts, NextAttempt: utc(rem.NextAttempt), Held: st.word == "held",
				Snoozed: st.word == "snoozed", LastError: rem.LastError})
		}
		out = append(out, li)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
