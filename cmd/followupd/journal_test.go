package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestJournalLinesCarryPriorityAndNoTime(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stream"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	st := info.Sys().(*syscall.Stat_t)
	stream := fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	getenv := func(v string) func(string) string {
		return func(k string) string {
			if k == "JOURNAL_STREAM" {
				return v
			}
			return ""
		}
	}
	log, err := newLogger(f, "debug", false, getenv(stream))
	if err != nil {
		t.Fatal(err)
	}
	log = log.With(slog.String("component", "mailbox"))
	log.Debug("d")
	log.Info("i", slog.Int("n", 1))
	log.Warn("w")
	log.Error("e")
	data, _ := os.ReadFile(f.Name())
	want := []string{"<7>msg=d component=mailbox", "<6>msg=i component=mailbox n=1", "<4>msg=w component=mailbox", "<3>msg=e component=mailbox"}
	got := strings.Split(strings.TrimSpace(string(data)), "\n")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("journal lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Another stream in JOURNAL_STREAM (a parent's, inherited): plain lines
	// with their time, as on a terminal.
	for _, other := range []string{"", fmt.Sprintf("%d:%d", st.Dev, st.Ino+1), "garbage"} {
		var buf bytes.Buffer
		if toJournal(&buf, getenv(stream)) {
			t.Errorf("a buffer counted as the journal")
		}
		if toJournal(f, getenv(other)) {
			t.Errorf("JOURNAL_STREAM %q matched the file %s", other, stream)
		}
	}
	f2, _ := os.Create(filepath.Join(t.TempDir(), "plain"))
	defer f2.Close()
	plain, _ := newLogger(f2, "info", false, getenv(stream))
	plain.Warn("w")
	data, _ = os.ReadFile(f2.Name())
	if !strings.HasPrefix(string(data), "time=") || !strings.Contains(string(data), "level=WARN") {
		t.Errorf("plain line = %q, want time= and level=", data)
	}
}

func TestJournalJSONLines(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stream"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	st := info.Sys().(*syscall.Stat_t)
	log, _ := newLogger(f, "info", true, func(k string) string {
		if k == "JOURNAL_STREAM" {
			return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
		}
		return ""
	})
	log.Error("boom", slog.String("k", "v"))
	data, _ := os.ReadFile(f.Name())
	if got := strings.TrimSpace(string(data)); got != `<3>{"msg":"boom","k":"v"}` {
		t.Errorf("JSON journal line = %q", got)
	}
}
