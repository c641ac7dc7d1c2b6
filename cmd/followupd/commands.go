package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/explain"
)

// flags returns a FlagSet for one command that prints its usage to
// e.stderr (run points that at stdout for --help and help CMD).
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

// checkedConfig loads the configuration and validates the sections that
// are checked only when used ([imap], [smtp]): what check and a reload do.
func checkedConfig(e *env, flagPath string) (*config.Config, error) {
	cfg, err := loadConfig(e, flagPath)
	if err != nil {
		return nil, err
	}
	if cfg.HasIMAP() {
		if _, err := cfg.IMAP(); err != nil {
			return nil, err
		}
	}
	if cfg.HasSMTP() {
		if _, err := cfg.SMTP(); err != nil {
			return nil, err
		}
	}
	return cfg, nil
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

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "version", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, versionLine())
	return nil
}

// versionLine is "followupd VERSION (REVISION DATE)": the version set at
// link time, else the module version, and the VCS revision the binary was
// built from, both from the build information Go embeds.
func versionLine() string {
	v := version
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		var when, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+modified"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			rev = " (" + strings.TrimSpace(rev+dirty+" "+when) + ")"
		}
	}
	return "followupd " + v + rev
}
