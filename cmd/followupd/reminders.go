package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/replyflow"
	"github.com/followupd/followupd/store"
)

// The owner's commands on follow-ups: done, snooze, skip, cancel, retry.
// done, snooze, skip and cancel go through the store operation the owner's
// replies use (store.ApplyOwnerCommand), snooze's length is read by the
// reply parser, and what they print is the acknowledgement email's wording
// (replyflow.Acknowledgement): the same words mean the same, and accept and
// refuse the same states, whether the owner replies or types them. A
// running daemon notices the change at its next read of the store, within
// scheduler.DefaultMaxSleep (a minute).

const pickedUp = "A running followupd picks this up within a minute."

func runDone(ctx context.Context, e *env, args []string) error {
	return runReminderCommand(ctx, e, "done", args, func(r store.ReminderRecord) (replies.Reply, store.OwnerCommand) {
		rep := replies.Reply{Command: replies.Sent}
		c := store.OwnerCommand{Command: string(replies.Sent), Action: store.ActionConfirm, Kind: r.Kind}
		if r.Kind == interview.FollowUpCall {
			rep.Command, c.Command, c.Outcome = replies.Called, string(replies.Called), store.OutcomeCalled
		}
		return rep, c
	})
}

func runSkip(ctx context.Context, e *env, args []string) error {
	return runReminderCommand(ctx, e, "skip", args, func(store.ReminderRecord) (replies.Reply, store.OwnerCommand) {
		return replies.Reply{Command: replies.Skip}, store.OwnerCommand{Command: string(replies.Skip), Action: store.ActionSkip}
	})
}

// reminderArgs parses NAME [--config FILE] [--kind K] ID; byDefault says
// which follow-ups the command takes without --kind.
func reminderArgs(e *env, name, byDefault string, args []string) (cfgPath, kind, id string, err error) {
	fs := flags(e, name, "[--config FILE] [--kind thank_you|follow_up_call] ID")
	cfg := fs.String("config", "", "configuration `file`")
	k := fs.String("kind", "", "which follow-up: thank_you or follow_up_call (default: "+byDefault+")")
	pos, err := parseAll(fs, args)
	if err != nil {
		return "", "", "", err
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", "", "", errUsage
	}
	return *cfg, *k, pos[0], nil
}

// runReminderCommand is a command of the form NAME [--kind K] ID that
// applies to one open follow-up what command says, as a reply would.
func runReminderCommand(ctx context.Context, e *env, name string, args []string,
	command func(store.ReminderRecord) (replies.Reply, store.OwnerCommand)) error {
	cfgPath, kind, id, err := reminderArgs(e, name, "the earliest open one", args)
	if err != nil {
		return err
	}
	return withInterview(ctx, e, cfgPath, id, func(st *store.Store, cfg *config.Config, rec store.InterviewRecord, now time.Time) error {
		r, err := pickReminder(rec, kind, true)
		if err != nil {
			return err
		}
		rep, c := command(r)
		return applyOwner(ctx, e, st, cfg, rec, r, rep, c, now)
	})
}

func runSnooze(ctx context.Context, e *env, args []string) (err error) {
	const usage = "[--config FILE] [--kind thank_you|follow_up_call] ID 3h|2d|1bd|until YYYY-MM-DD [HH:MM]"
	fs := flags(e, "snooze", usage)
	cfgPath := fs.String("config", "", "configuration `file`")
	kind := fs.String("kind", "", "which follow-up: thank_you or follow_up_call (default: the earliest open one)")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		fs.Usage()
		return errUsage
	}
	return withInterview(ctx, e, *cfgPath, pos[0], func(st *store.Store, cfg *config.Config, rec store.InterviewRecord, now time.Time) error {
		// The words a reply would carry, read by the reply parser: the same
		// units, limits and DST rule.
		rep := replies.ParseCommand("snooze "+strings.Join(pos[1:], " "), now, replies.RulesFrom(cfg, now))
		if rep.Command != replies.Snooze {
			return &exitError{code: 2, err: fmt.Errorf("snooze %s: %s", strings.Join(pos[1:], " "), rep.Hint)}
		}
		r, err := pickReminder(rec, *kind, false)
		if err != nil {
			return err
		}
		c := store.OwnerCommand{Command: string(replies.Snooze), Action: store.ActionSnooze, Until: rep.Until}
		return applyOwner(ctx, e, st, cfg, rec, r, rep, c, now)
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
		if len(rec.Reminders) == 0 {
			// Nothing a reply could have answered: cancel it directly.
			if _, err := st.CancelInterview(ctx, rec.ID, now); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "#%d: the interview is cancelled; it had no follow-ups.\n", rec.ID)
			return nil
		}
		c := store.OwnerCommand{Command: string(replies.Cancel), Action: store.ActionCancel}
		return applyOwner(ctx, e, st, cfg, rec, rec.Reminders[0], replies.Reply{Command: replies.Cancel}, c, now)
	})
}

func runRetry(ctx context.Context, e *env, args []string) (err error) {
	cfgPath, kind, id, err := reminderArgs(e, "retry", "every failed one", args)
	if err != nil {
		return err
	}
	return withInterview(ctx, e, cfgPath, id, func(st *store.Store, cfg *config.Config, rec store.InterviewRecord, now time.Time) error {
		var todo []store.ReminderRecord
		if kind != "" {
			r, err := pickReminder(rec, kind, true)
			if err != nil {
				return err
			}
			todo = append(todo, r)
		} else {
			for _, r := range rec.Reminders {
				if r.State == store.StateFailed {
					todo = append(todo, r)
				}
			}
		}
		if len(todo) == 0 {
			return fmt.Errorf("interview #%d has no failed follow-up (see followupd list)", rec.ID)
		}
		for _, r := range todo {
			if err := st.RetryReminder(ctx, r.ID, now); err != nil {
				if errors.Is(err, store.ErrChanged) {
					return fmt.Errorf("%s is %s, not failed; only a failed follow-up is retried", describe(r), r.State)
				}
				return err
			}
			fmt.Fprintf(e.stdout, "#%d: the %s goes out again shortly (it failed: %s).\n", rec.ID, noun(r.Kind), tidy.OneLine(r.LastError))
		}
		fmt.Fprintln(e.stdout, pickedUp)
		return nil
	})
}

// applyOwner applies c, a command on reminder r of interview rec, as a
// reply would, and prints the acknowledgement's words. A command that
// changes nothing (the follow-up already so, or being sent right now) is
// an error, with the same words.
func applyOwner(ctx context.Context, e *env, st *store.Store, cfg *config.Config, rec store.InterviewRecord,
	r store.ReminderRecord, rep replies.Reply, c store.OwnerCommand, now time.Time) error {
	id, err := cliMessageID()
	if err != nil {
		return err
	}
	c.MessageID, c.ReminderID, c.Date, c.Now = id, r.ID, now, now
	res, err := st.ApplyOwnerCommand(ctx, c, nil)
	if err != nil {
		return err
	}
	changed, next := replyflow.Acknowledgement(cfg, now, rep, c, r, res)
	if !res.Changed {
		return fmt.Errorf("#%d: %s", rec.ID, changed)
	}
	fmt.Fprintf(e.stdout, "#%d: %s\n", rec.ID, changed)
	if next != "" {
		fmt.Fprintln(e.stdout, next)
	}
	fmt.Fprintln(e.stdout, pickedUp)
	return nil
}

// cliMessageID names one command given on the command line, as a reply's
// Message-ID names a reply: the store records each once.
func cliMessageID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make command id: %w", err)
	}
	return "cli." + hex.EncodeToString(b[:]) + "@followupd.invalid", nil
}

func noun(k interview.ReminderKind) string {
	if k == interview.FollowUpCall {
		return "follow-up call"
	}
	return "thank-you note"
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
		if r.State.Open() {
			return r, nil
		}
	}
	var states []string
	for _, r := range rec.Reminders {
		states = append(states, string(r.Kind)+" "+string(r.State))
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
