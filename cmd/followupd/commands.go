package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/explain"
)

// flags returns a FlagSet for one command that prints its usage to e.stderr.
func flags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: followupd %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	return nil
}

// loadConfig finds and loads the configuration; with no file anywhere it
// returns the built-in defaults.
func loadConfig(e *env, flagPath string) (*config.Config, error) {
	path, err := config.Locate(flagPath, e.getenv)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}

func runExplain(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "explain", "[--config FILE] [--json] [--now TIME] FILE...")
	cfgPath := fs.String("config", "", "configuration `file`")
	asJSON := fs.Bool("json", false, "one JSON object per file per line")
	nowFlag := fs.String("now", "", "explain as of this `instant` (RFC 3339, e.g. 2026-07-01T09:00:00Z) instead of the clock: it sets the calendar read window and the due times")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	now := time.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(e.stderr, "explain: --now %q is not an RFC 3339 time such as 2026-07-01T09:00:00Z\n", *nowFlag)
			return errUsage
		}
		now = t
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	x := explain.Explainer{Config: cfg, Now: now}
	failed := 0
	for _, path := range fs.Args() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := x.File(path)
		if r.Error != "" {
			failed++
		}
		if *asJSON {
			err = explain.WriteJSON(e.stdout, r)
		} else {
			err = explain.WriteText(e.stdout, r, cfg.Owner.Location)
		}
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if failed > 0 {
		// Each file's error is already in the output.
		return &exitError{code: 1, err: fmt.Errorf("%d of %d files could not be read", failed, fs.NArg())}
	}
	return nil
}

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "check", "[--config FILE]")
	cfgPath := fs.String("config", "", "configuration `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	if cfg.HasIMAP() {
		if _, err := cfg.IMAP(); err != nil {
			return err
		}
	}
	if cfg.HasSMTP() {
		if _, err := cfg.SMTP(); err != nil {
			return err
		}
	}
	src := cfg.Path
	if src == "" {
		src = "built-in defaults (no config file found)"
	}
	fmt.Fprintf(e.stdout, "configuration OK: %s\n", src)
	fmt.Fprintf(e.stdout, "  owner zone %s, %d calendar(s), %d company rule(s), imap %v, smtp %v\n",
		cfg.Owner.Location, len(cfg.Calendars), len(cfg.Companies), cfg.HasIMAP(), cfg.HasSMTP())
	return nil
}

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "version", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "followupd %s\n", version)
	return nil
}
