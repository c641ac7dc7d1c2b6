package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
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
		if *asJSON {
			return writeListJSON(e.stdout, ivs)
		}
		return writeListText(e.stdout, ivs, cfg.Owner.Location)
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
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	State     string `json:"state"`
	Due       string `json:"due"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error,omitempty"`
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func writeListJSON(w io.Writer, ivs []store.InterviewRecord) error {
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
			li.Reminders = append(li.Reminders, listReminder{rem.ID, string(rem.Kind), rem.State, utc(rem.Due), rem.Attempts, rem.LastError})
		}
		out = append(out, li)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeListText(w io.Writer, ivs []store.InterviewRecord, loc *time.Location) error {
	if len(ivs) == 0 {
		_, err := fmt.Fprintln(w, "no interviews known yet")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range ivs {
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\n", r.ID, r.Start.In(loc).Format("Mon 2 Jan 2006 15:04 MST"), r.Status, clean(r.Summary))
		var people []string
		for _, p := range r.Interviewers {
			people = append(people, strings.TrimSpace(string(p.Honorific)+" "+p.Name)+" <"+p.Email+">")
		}
		fmt.Fprintf(tw, "\tcompany\t%s\t%s\n", clean(r.Company), strings.Join(r.Sources, ", "))
		if len(people) > 0 {
			fmt.Fprintf(tw, "\twith\t%s\t\n", clean(strings.Join(people, ", ")))
		}
		for _, rem := range r.Reminders {
			extra := ""
			if rem.LastError != "" {
				extra = " (" + clean(rem.LastError) + ")"
			}
			fmt.Fprintf(tw, "\t%s #%d\t%s\tdue %s%s\n", rem.Kind, rem.ID, rem.State, rem.Due.In(loc).Format("Mon 2 Jan 15:04 MST"), extra)
		}
	}
	return tw.Flush()
}

// clean keeps outside text on one line.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }), " ")
}
