package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/daemon"
	"github.com/followupd/followupd/store"
)

// newLogger builds the process logger: text or JSON lines on stderr.
func newLogger(w io.Writer, level string, asJSON bool) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
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
	fs := flags(e, "run", "[--config FILE] [--log-level L] [--log-json]")
	cfgPath := fs.String("config", "", "configuration `file`")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "log JSON lines instead of text")
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := newLogger(e.stderr, *level, *logJSON)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(st *store.Store, path string) error {
		log.Info("store open", slog.String("path", path))
		return daemon.New(cfg, st, log).Run(ctx)
	})
}

func runList(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "list", "[--config FILE] [--json]")
	cfgPath := fs.String("config", "", "configuration `file`")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(st *store.Store, _ string) error {
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
			li.Reminders = append(li.Reminders, listReminder{ID: rem.ID, Kind: string(rem.Kind), State: rem.State,
				Due: utc(rem.Due), Attempts: rem.Attempts, NextAttempt: utc(rem.NextAttempt), Held: st.word == "held",
				Snoozed: st.word == "snoozed", LastError: rem.LastError})
		}
		out = append(out, li)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// clean keeps outside text on one line.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }), " ")
}
