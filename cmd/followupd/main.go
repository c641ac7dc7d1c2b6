// Command followupd makes sure job interviews get followed up: see README.md.
//
// main parses the subcommand and its flags, loads the configuration, builds
// the logger and calls into the package that does the work; every error
// becomes an exit code here and nowhere else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// The zone database is built in, so that owner.timezone and calendar
	// TZIDs resolve on a host without tzdata (a minimal container).
	_ "time/tzdata"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand: its usage line and the function that runs it.
type command struct {
	name, args, help string
	run              func(ctx context.Context, env *env, args []string) error
}

func commands() []command {
	return []command{
		{"run", "[--config FILE] [--log-level L] [--log-json]", "run the daemon in the foreground (SIGHUP reloads)", runDaemon},
		{"check", "[--config FILE] [--offline] [--json]", "prove the set-up: secrets, IMAP, SMTP, calendars, store", runCheck},
		{"list", "[--config FILE] [--json] [--applications]", "show interviews, their sources and follow-ups", runList},
		{"add", "--company C --start \"YYYY-MM-DD HH:MM\" [flags]", "add an interview by hand", runAdd},
		{"explain", "[--config FILE] [--json] FILE...", "say what the daemon would do with .ics and .eml files", runExplain},
		{"done", "[--config FILE] [--kind K] ID", "mark an interview's follow-up done", runDone},
		{"snooze", "[--config FILE] [--kind K] ID LENGTH|until DATE [TIME]", "put a follow-up off: 3h, 2d, 1bd, until 2026-12-05 10:00", runSnooze},
		{"skip", "[--config FILE] [--kind K] ID", "skip an interview's follow-up", runSkip},
		{"retry", "[--config FILE] [--kind K] ID", "send an interview's failed follow-ups again", runRetry},
		{"cancel", "[--config FILE] ID", "cancel an interview and its open follow-ups", runCancel},
		{"demo", "[--log-level L]", "show the whole lifecycle on built-in mail servers", runDemo},
		{"version", "", "print the version and the revision it was built from", runVersion},
		{"help", "[COMMAND]", "print the usage of followupd or of one command", nil},
	}
}

// env is what a command gets from the process: no command reads os.Args,
// os.Stdout or the environment itself, so tests can run them in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// hangup delivers SIGHUP (run reloads its configuration); nil in
	// in-process tests.
	hangup <-chan os.Signal
}

// exitError carries an exit code other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errUsage is returned after a usage message was printed.
var errUsage = errors.New("usage")

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks for a clean stop; a second one exits at once.
		<-signals
		cancel()
		<-signals
		fmt.Fprintln(os.Stderr, "followupd: second signal, exiting now")
		os.Exit(130)
	}()
	hangup := make(chan os.Signal, 1)
	signal.Notify(hangup, syscall.SIGHUP)
	code := run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, hangup: hangup}, os.Args[1:])
	cancel()
	os.Exit(code)
}

// run runs one command line and returns the exit code: 0 success, 1 failure,
// 2 usage error.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(e.stdout)
		return 0
	case "-version", "--version":
		args = []string{"version"}
	case "help":
		if len(args) == 1 {
			usage(e.stdout)
			return 0
		}
		// help CMD is CMD --help.
		args = []string{args[1], "--help"}
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		ce := e
		if wantsHelp(args[1:]) {
			// Usage asked for is the output, not an error.
			ce = &env{stdout: e.stdout, stderr: e.stdout, getenv: e.getenv}
		}
		err := c.run(ctx, ce, args[1:])
		var ee *exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.As(err, &ee):
			if ee.err != nil && ee.err.Error() != "" {
				fmt.Fprintf(e.stderr, "followupd %s: %v\n", c.name, ee.err)
			}
			return ee.code
		default:
			fmt.Fprintf(e.stderr, "followupd %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "followupd: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

// wantsHelp reports whether a command's arguments ask for its usage.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: followupd COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n  %-8s   %s\n", c.name, c.args, "", c.help)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The configuration is --config FILE, else $FOLLOWUPD_CONFIG, else")
	fmt.Fprintln(w, "$XDG_CONFIG_HOME/followupd/config.toml, else /etc/followupd/config.toml;")
	fmt.Fprintln(w, "without one, built-in defaults apply. See config.example.toml.")
	fmt.Fprintln(w, "followupd help COMMAND (or COMMAND --help) shows one command's flags.")
}
