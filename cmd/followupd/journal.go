package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// toJournal reports whether w is the stream journald gave this process as
// stderr: $JOURNAL_STREAM holds that stream's "device:inode", and it must
// be w's, since a child with its own stderr may inherit the variable.
func toJournal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	js := getenv("JOURNAL_STREAM")
	if !ok || js == "" {
		return false
	}
	dev, ino, ok := strings.Cut(js, ":")
	if !ok {
		return false
	}
	info, err := f.Stat()
	if err != nil {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && strconv.FormatUint(uint64(st.Dev), 10) == dev && strconv.FormatUint(st.Ino, 10) == ino
}

// journalHandler writes one line per record, prefixed with its syslog
// priority the way journald reads a stream ("<3>" error, "<4>" warning,
// "<6>" info, "<7>" debug), and without a time: journald stamps each line.
type journalHandler struct {
	inner slog.Handler
	buf   *bytes.Buffer
	mu    *sync.Mutex // guards buf and w
	w     io.Writer
}

func newJournalHandler(w io.Writer, opts *slog.HandlerOptions, asJSON bool) slog.Handler {
	o := *opts
	o.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
			return slog.Attr{}
		}
		return a
	}
	h := &journalHandler{buf: &bytes.Buffer{}, mu: &sync.Mutex{}, w: w}
	if asJSON {
		h.inner = slog.NewJSONHandler(h.buf, &o)
	} else {
		h.inner = slog.NewTextHandler(h.buf, &o)
	}
	return h
}

func (h *journalHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.buf.Reset()
	fmt.Fprintf(h.buf, "<%d>", priority(r.Level))
	if err := h.inner.Handle(ctx, r); err != nil {
		return err
	}
	_, err := h.w.Write(h.buf.Bytes())
	return err
}

func (h *journalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.inner = h.inner.WithAttrs(as)
	return &c
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.inner = h.inner.WithGroup(name)
	return &c
}

// priority maps a level to syslog's: err 3, warning 4, info 6, debug 7.
func priority(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 3
	case l >= slog.LevelWarn:
		return 4
	case l >= slog.LevelInfo:
		return 6
	default:
		return 7
	}
}
