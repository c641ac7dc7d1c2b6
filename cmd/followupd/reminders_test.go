package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// reminderFixture writes a config whose store holds one interview (#1)
// that ended yesterday, with its thank-you due then and its call due in two
// days, and returns the config path and the store path.
func reminderFixture(t *testing.T) (cfgPath, storePath string) {
	t.Helper()
	dir := t.TempDir()
	storePath = filepath.Join(dir, "state", "followupd.db")
	cfgPath = filepath.Join(dir, "config.toml")
	cfg := fmt.Sprintf("[owner]\nemail = \"alex@example.org\"\ntimezone = \"America/New_York\"\n\n[store]\npath = %q\n", storePath)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	end := now.Add(-24 * time.Hour)
	iv := interview.Interview{Key: interview.Key{UID: "cli-1"}, Status: interview.Scheduled, Summary: "Interview at Acme",
		Company: "Acme", Start: end.Add(-time.Hour), End: end}
	plan := func(interview.Interview) []interview.Reminder {
		return []interview.Reminder{
			{Kind: interview.ThankYou, Due: end.Add(time.Hour)},
			{Kind: interview.FollowUpCall, Due: now.Add(48 * time.Hour)},
		}
	}
	withTestStore(t, storePath, func(st *store.Store) {
		if _, err := st.Apply(context.Background(), store.Report{Source: "calendar:t", Interviews: []interview.Interview{iv}}, end, plan); err != nil {
			t.Fatal(err)
		}
	})
	return cfgPath, storePath
}

func withTestStore(t *testing.T, path string, f func(*store.Store)) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}()
	f(st)
}

// storedReminders returns interview #1's reminders by kind.
func storedReminders(t *testing.T, path string) map[interview.ReminderKind]store.ReminderRecord {
	t.Helper()
	out := map[interview.ReminderKind]store.ReminderRecord{}
	withTestStore(t, path, func(st *store.Store) {
		rec, err := st.Interview(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rec.Reminders {
			out[r.Kind] = r
		}
	})
	return out
}

func TestDoneCommand(t *testing.T) {
	cfg, db := reminderFixture(t)

	// Without --kind: the earliest open follow-up, the thank-you.
	code, out, errOut := runCLI(t, "done", "--config", cfg, "#1")
	if code != 0 || !strings.Contains(out, "#1: The thank-you note to Acme is marked sent.") || !strings.Contains(out, "follow-up call outline comes") {
		t.Fatalf("done: exit %d, %q %q", code, out, errOut)
	}
	rs := storedReminders(t, db)
	if rs[interview.ThankYou].State != store.StateConfirmed || rs[interview.FollowUpCall].State != store.StatePending {
		t.Fatalf("after done: thank-you %s, call %s", rs[interview.ThankYou].State, rs[interview.FollowUpCall].State)
	}

	// Again with --kind, which may come after the id.
	if code, _, errOut := runCLI(t, "done", "1", "--kind", "thank_you", "--config", cfg); code != 1 || !strings.Contains(errOut, "already marked sent; nothing changed") {
		t.Errorf("done twice: exit %d, %q", code, errOut)
	}
	if code, out, errOut := runCLI(t, "done", "--config", cfg, "1"); code != 0 || !strings.Contains(out, "follow-up call to Acme is marked done") {
		t.Fatalf("done for the call: exit %d, %q %q", code, out, errOut)
	}
	if r := storedReminders(t, db)[interview.FollowUpCall]; r.State != store.StateConfirmed || r.Outcome != "called" {
		t.Errorf("call after done: %s, outcome %q", r.State, r.Outcome)
	}
	if code, _, errOut := runCLI(t, "done", "--config", cfg, "1"); code != 1 || !strings.Contains(errOut, "no open follow-up") {
		t.Errorf("done with nothing open: exit %d, %q", code, errOut)
	}

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"done", "--config", cfg}, 2, "usage"},
		{[]string{"done", "--config", cfg, "x"}, 2, "not an interview id"},
		{[]string{"done", "--config", cfg, "99"}, 1, "no interview #99"},
		{[]string{"done", "--config", cfg, "--kind", "lunch", "1"}, 2, "--kind"},
	} {
		if code, _, errOut := runCLI(t, c.args...); code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%q: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.err)
		}
	}
}

func TestSnoozeCommand(t *testing.T) {
	cfg, db := reminderFixture(t)
	before := time.Now()
	if code, out, errOut := runCLI(t, "snooze", "--config", cfg, "1", "2d"); code != 0 || !strings.Contains(out, "put off until") {
		t.Fatalf("snooze: exit %d, %q %q", code, out, errOut)
	}
	r := storedReminders(t, db)[interview.ThankYou]
	want := before.Add(48 * time.Hour)
	if r.State != store.StatePending || r.NextAttempt.Before(want.Add(-time.Second)) || r.NextAttempt.After(want.Add(time.Minute)) {
		t.Errorf("thank-you after snooze 2d: %s, next attempt %v, want about %v", r.State, r.NextAttempt, want)
	}

	if code, _, errOut := runCLI(t, "snooze", "--config", cfg, "--kind", "thank_you", "1", "1bd"); code != 0 {
		t.Fatalf("snooze 1bd: exit %d, %q", code, errOut)
	}
	r = storedReminders(t, db)[interview.ThankYou]
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if wd := r.NextAttempt.In(ny).Weekday(); wd == time.Saturday || wd == time.Sunday || !r.NextAttempt.After(before) {
		t.Errorf("snooze 1bd: next attempt %v (%s), want a later business day", r.NextAttempt.In(ny), wd)
	}

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"snooze", "--config", cfg, "1"}, 2, "usage"},
		{[]string{"snooze", "--config", cfg, "1", "soon"}, 2, "snooze takes 3h, 2d, 1bd"},
		{[]string{"snooze", "--config", cfg, "1", "0bd"}, 2, "snooze takes"},
		{[]string{"snooze", "--config", cfg, "1", "400d"}, 2, "at most 365d"},
		{[]string{"snooze", "--config", cfg, "1", "until", "2020-01-01"}, 2, "already past"},
	} {
		if code, _, errOut := runCLI(t, c.args...); code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%q: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.err)
		}
	}

	// A reminder in flight is not snoozed.
	withTestStore(t, db, func(st *store.Store) {
		if _, err := st.BeginSend(context.Background(), store.Attempt{Reminder: r.ID, MessageID: "m@x"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	if code, _, errOut := runCLI(t, "snooze", "--config", cfg, "--kind", "thank_you", "1", "3h"); code != 1 || !strings.Contains(errOut, "being sent") {
		t.Errorf("snooze in flight: exit %d, %q", code, errOut)
	}
}

func TestCancelCommand(t *testing.T) {
	cfg, db := reminderFixture(t)
	code, out, errOut := runCLI(t, "cancel", "--config", cfg, "1")
	if code != 0 || !strings.Contains(out, "All follow-ups for Acme are cancelled") {
		t.Fatalf("cancel: exit %d, %q %q", code, out, errOut)
	}
	for kind, r := range storedReminders(t, db) {
		if r.State != store.StateCancelled {
			t.Errorf("%s after cancel: %s", kind, r.State)
		}
	}
	withTestStore(t, db, func(st *store.Store) {
		rec, err := st.Interview(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Status != interview.Cancelled || rec.CancelReason != store.CancelledByOwner {
			t.Errorf("interview after cancel: %s (%s)", rec.Status, rec.CancelReason)
		}
	})
	if code, _, errOut := runCLI(t, "cancel", "--config", cfg, "7"); code != 1 || !strings.Contains(errOut, "no interview #7") {
		t.Errorf("cancel of nothing: exit %d, %q", code, errOut)
	}
}

// `list` shows where each follow-up stands, and why one failed.
func TestListShowsSendFailure(t *testing.T) {
	cfg, db := reminderFixture(t)
	withTestStore(t, db, func(st *store.Store) {
		a := store.Attempt{Reminder: 1, MessageID: "m@x"}
		if _, err := st.BeginSend(context.Background(), a, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := st.SendFailed(context.Background(), a, time.Now(), "550 5.1.1 no such mailbox"); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errOut := runCLI(t, "list", "--config", cfg)
	if code != 0 || !strings.Contains(out, "failed") || !strings.Contains(out, "(550 5.1.1 no such mailbox)") {
		t.Errorf("list: exit %d, %q %q", code, out, errOut)
	}
}

// list keeps to the terminal's 100 columns: long summaries and errors are
// cut, and the columns of the follow-ups line up.
func TestListFitsTheTerminal(t *testing.T) {
	cfg, db := reminderFixture(t)
	withTestStore(t, db, func(st *store.Store) {
		a := store.Attempt{Reminder: 1, MessageID: "m@x"}
		if _, err := st.BeginSend(context.Background(), a, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := st.SendFailed(context.Background(), a, time.Now(), "550 5.1.1 "+strings.Repeat("the mailbox is gone ", 10)); err != nil {
			t.Fatal(err)
		}
		iv := interview.Interview{Key: interview.Key{UID: "cli-2"}, Status: interview.Scheduled,
			Summary: "Interview " + strings.Repeat("with a very long title ", 8), Company: "Globex",
			Start: time.Now().Add(time.Hour), End: time.Now().Add(2 * time.Hour)}
		plan := func(interview.Interview) []interview.Reminder {
			return []interview.Reminder{{Kind: interview.ThankYou, Due: time.Now().Add(3 * time.Hour)}}
		}
		if _, err := st.Apply(context.Background(), store.Report{Source: "calendar:t", Interviews: []interview.Interview{iv}}, time.Now(), plan); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errOut := runCLI(t, "list", "--config", cfg)
	if code != 0 {
		t.Fatalf("list: exit %d, %s", code, errOut)
	}
	col := -1
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line of %d columns: %q", n, line)
		}
		for _, kind := range []string{"thank_you ", "follow_up_call "} {
			if strings.HasPrefix(strings.TrimSpace(line), kind) {
				at := strings.Index(line, "#")
				if col >= 0 && at != col {
					t.Errorf("follow-up rows not aligned:\n%s", out)
				}
				col = at
			}
		}
	}
	if !strings.Contains(out, "followupd retry 1") || !strings.Contains(out, "…") {
		t.Errorf("list output:\n%s", out)
	}
}

// snooze until answers in the acknowledgement's words, naming the year
// only when the date is not in this one.
func TestSnoozeUntilSaysTheYear(t *testing.T) {
	cfg, _ := reminderFixture(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(ny)
	until := now.AddDate(0, 0, 200)
	code, out, errOut := runCLI(t, "snooze", "--config", cfg, "1", "until", until.Format("2006-01-02"), "10:00")
	if code != 0 {
		t.Fatalf("snooze until: exit %d, %s", code, errOut)
	}
	want := until.Format("Monday, January 2") + " at 10:00"
	if until.Year() != now.Year() {
		want = until.Format("Monday, January 2, 2006") + " at 10:00"
	}
	if !strings.Contains(out, "is put off until "+want+".") {
		t.Errorf("snooze until %s: %q, want %q", until.Format("2006-01-02"), out, want)
	}
}
