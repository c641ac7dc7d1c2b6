package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

// The owner's commands on follow-ups: done, snooze, cancel. They write to the
// store directly; a running daemon notices at its next read of the store,
// within scheduler.DefaultMaxSleep (a minute).

const pickedUp = "a running followupd picks this up within a minute"

func runDone(ctx context.Context, e *env, args []string) (err error) {
	const usage = "[--config FILE] [--kind thank_you|follow_up_call] ID"
	fs := flags(e, "done", usage)
	cfgPath := fs.String("config", "", "configuration `file`")
	kind := fs.String("kind", "", "which follow-up: thank_you or follow_up_call (default: the earliest open one)")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	return withInterview(ctx, e, *cfgPath, pos[0], func(st *store.Store, cfg *config.Config, rec store.InterviewRecord, now time.Time) error {
		r, err := pickReminder(rec, *kind, true)
		if err != nil {
			return err
		}
		outcome := ""
		if r.Kind == interview.FollowUpCall {
			outcome = "called" // as the "called" reply records it
		}
		if err := st.ResolveReminder(ctx, r.ID, store.StateConfirmed, outcome, "", now); err != nil {
			return reminderError(r, err)
		}
		fmt.Fprintf(e.stdout, "%s of interview #%d marked done; %s\n", describe(r), rec.ID, pickedUp)
		return nil
	})
}

func runSnooze(ctx context.Context, e *env, args []string) (err error) {
	const usage = "[--config FILE] [--kind thank_you|follow_up_call] ID LENGTH"
	fs := flags(e, "snooze", usage)
	cfgPath := fs.String("config", "", "configuration `file`")
	kind := fs.String("kind", "", "which follow-up: thank_you or follow_up_call (default: the earliest open one)")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return errUsage
	}
	return withInterview(ctx, e, *cfgPath, pos[0], func(st *store.Store, cfg *config.Config, rec store.InterviewRecord, now time.Time) error {
		until, err := snoozeUntil(pos[1], now, cfg)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		r, err := pickReminder(rec, *kind, false)
		if err != nil {
			return err
		}
		if err := st.SnoozeReminder(ctx, r.ID, until); err != nil {
			return reminderError(r, err)
		}
		what := "sent"
		if r.State == store.StateSent {
			what = "nudged again"
		}
		fmt.Fprintf(e.stdout, "%s of interview #%d snoozed: %s %s at the earliest; %s\n", describe(r), rec.ID, what,
			until.In(cfg.Owner.Location).Format("Mon 2 Jan 15:04 MST"), pickedUp)
		return nil
	})
}

func runCancel(ctx context.Context, e *env, args []string) (err error) {
	fs := flags(e, "cancel", "[--config FILE] ID")
	cfgPath := fs.String("config", "", "configuration `file`")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	return withInterview(ctx, e, *cfgPath, pos[0], func(st *store.Store, cfg *config.Config, rec store.InterviewRecord, now time.Time) error {
		n, err := st.CancelInterview(ctx, rec.ID, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "interview #%d cancelled, %d open follow-up(s) with it; %s\n", rec.ID, n, pickedUp)
		return nil
	})
}

// parseAll parses flags given before, between or after the positional
// arguments, and returns the positional ones.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// withInterview loads the config, opens the store, reads the interview
// named by arg ("3" or "#3", as `followupd list` shows it) and runs f.
func withInterview(ctx context.Context, e *env, cfgPath, arg string, f func(*store.Store, *config.Config, store.InterviewRecord, time.Time) error) error {
	id, perr := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(arg), "#"), 10, 64)
	if perr != nil || id <= 0 {
		return &exitError{code: 2, err: fmt.Errorf("%q is not an interview id (the #N of followupd list)", arg)}
	}
	cfg, err := loadConfig(e, cfgPath)
	if err != nil {
		return err
	}
	return withStore(ctx, e, cfg, func(st *store.Store, _ string) error {
		rec, err := st.Interview(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no interview #%d (see followupd list)", id)
		}
		if err != nil {
			return err
		}
		return f(st, cfg, rec, time.Now())
	})
}

// pickReminder picks the interview's reminder of kind, or without a kind
// its earliest open one (pending, in flight or sent). For done, a failed or
// expired one may be picked too (the owner did it after all).
func pickReminder(rec store.InterviewRecord, kind string, forDone bool) (store.ReminderRecord, error) {
	if kind != "" {
		k := interview.ReminderKind(strings.ReplaceAll(strings.ToLower(kind), "-", "_"))
		if k != interview.ThankYou && k != interview.FollowUpCall {
			return store.ReminderRecord{}, &exitError{code: 2, err: fmt.Errorf("--kind %q: want thank_you or follow_up_call", kind)}
		}
		for _, r := range rec.Reminders {
			if r.Kind == k {
				return r, nil
			}
		}
		return store.ReminderRecord{}, fmt.Errorf("interview #%d has no %s follow-up", rec.ID, k)
	}
	for _, r := range rec.Reminders { // ordered by due time
		switch r.State {
		case store.StatePending, store.StateSending, store.StateSent:
			return r, nil
		}
	}
	var states []string
	for _, r := range rec.Reminders {
		states = append(states, string(r.Kind)+" "+r.State)
	}
	if len(states) == 0 {
		return store.ReminderRecord{}, fmt.Errorf("interview #%d has no follow-ups", rec.ID)
	}
	hint := ""
	if forDone {
		hint = "; name one with --kind"
	}
	return store.ReminderRecord{}, fmt.Errorf("interview #%d has no open follow-up (%s)%s", rec.ID, strings.Join(states, ", "), hint)
}

// reminderError explains a refused change of r.
func reminderError(r store.ReminderRecord, err error) error {
	if errors.Is(err, store.ErrChanged) {
		if r.State == store.StateSending {
			return fmt.Errorf("%s is being sent right now; try again in a moment", describe(r))
		}
		return fmt.Errorf("%s is already %s", describe(r), r.State)
	}
	return err
}

func describe(r store.ReminderRecord) string { return fmt.Sprintf("%s #%d", r.Kind, r.ID) }

// snoozeUntil reads a snooze length: a duration ("3h", "90m", "2d"), or
// business days ("1bd": the same time of day one business day later,
// skipping weekends and holidays, in the owner's zone).
func snoozeUntil(s string, now time.Time, cfg *config.Config) (time.Time, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, ok := strings.CutSuffix(s, "bd"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > 60 {
			return time.Time{}, fmt.Errorf("snooze %q: want a number of business days from 1 to 60, such as 1bd", s)
		}
		local := now.In(cfg.Owner.Location)
		day := scheduler.AddBusinessDays(config.DateOf(local), days, cfg.Schedule)
		return config.ClockTime{Hour: local.Hour(), Minute: local.Minute()}.On(day, cfg.Owner.Location), nil
	}
	d, err := config.ParseDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("snooze: %w, or business days such as 1bd", err)
	}
	if d <= 0 {
		return time.Time{}, fmt.Errorf("snooze %q: want a length greater than zero", s)
	}
	return now.Add(d), nil
}
