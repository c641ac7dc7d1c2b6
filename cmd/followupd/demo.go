package main

import (
	"context"
	"log/slog"

	"github.com/followupd/followupd/demo"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "demo", "[--log-level L]")
	level := fs.String("log-level", "", "also log the daemon on stderr at this level: debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	var log *slog.Logger
	if *level != "" {
		l, err := newLogger(e.stderr, *level, false, e.getenv)
		if err != nil {
			return err
		}
		log = l
	}
	return demo.Run(ctx, e.stdout, demo.Options{Log: log})
}
