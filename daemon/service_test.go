package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/store"
)

// waitLogCount waits until s appears n times in the log.
func waitLogCount(t *testing.T, e *loopEnv, s string, n int) {
	t.Helper()
	deadline := time.Now().Add(loopDeadline)
	for strings.Count(e.logs.String(), s) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%q not %d times in the log:\n%s", s, n, e.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// reloadWith appends text to the running configuration's file, loads it
// and reloads the daemon with it.
func reloadWith(t *testing.T, e *loopEnv, text string) {
	t.Helper()
	path := e.d.config().Path
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(text)
	f.Close()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), loopDeadline)
	defer cancel()
	if err := e.d.Reload(ctx, cfg); err != nil {
		t.Fatalf("reload: %v", err)
	}
}

// A reload restarts only what its change touches: a new [[calendar]] is
// read at once while the IMAP connection stays up; a changed [imap]
// reconnects, and the new watcher reads the mail. No log line carries one
// key twice.
func TestReloadRestartsOnlyWhatChanged(t *testing.T) {
	m, appendInbox := startMemIMAP(t)
	e := startLoop(t, rpOptions{imapAddr: m.Addr, sent: "Sent"}, appendInbox)
	waitLogCount(t, e, "imap connected", 1)

	appendInbox(invitationMessage("reload-1@test", "REQUEST", "CONFIRMED", 0))
	waitFor(t, e.rp.st, "reload-1@test", func(store.InterviewRecord) bool { return true })

	sample, err := filepath.Abs(filepath.Join("..", "testdata", "sample.ics"))
	if err != nil {
		t.Fatal(err)
	}
	reloadWith(t, e, "[[calendar]]\nname = \"added\"\nsource = \""+sample+"\"\n")
	waitLogCount(t, e, "calendar=added change=new", 1)
	if !strings.Contains(e.logs.String(), "restarted=[calendars]") {
		t.Errorf("a new calendar restarted more than the calendars:\n%s", e.logs.String())
	}
	if n := strings.Count(e.logs.String(), "imap connected"); n != 1 {
		t.Errorf("the IMAP connection was made %d times; a new calendar must not touch it", n)
	}

	reloadWith(t, e, "") // the same file again: nothing restarts
	if !strings.Contains(e.logs.String(), "nothing to restart") {
		t.Errorf("reloading an unchanged file restarted something:\n%s", e.logs.String())
	}
	// A changed [imap] (poll is in its table, not at the end of the file).
	path := e.d.config().Path
	data, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(data), "[imap]\n", "[imap]\npoll = \"7m\"\n", 1)), 0o600)
	reloadWith(t, e, "")
	waitLogCount(t, e, "imap connected", 2)
	appendInbox(invitationMessage("reload-2@test", "REQUEST", "CONFIRMED", 0))
	waitFor(t, e.rp.st, "reload-2@test", func(store.InterviewRecord) bool { return true })

	for _, line := range strings.Split(e.logs.String(), "\n") {
		if k := repeatedKey(line); k != "" {
			t.Errorf("key %q twice on one line: %s", k, line)
		}
	}
}

// repeatedKey returns a key that appears twice in a slog text line, or "".
func repeatedKey(line string) string {
	seen := map[string]bool{}
	for i := 0; i < len(line); {
		eq := strings.IndexByte(line[i:], '=')
		if eq < 0 {
			break
		}
		key := line[i : i+eq]
		if seen[key] {
			return key
		}
		seen[key] = true
		i += eq + 1
		if i < len(line) && line[i] == '"' { // a quoted value: skip to its end
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' {
					i++
				}
			}
			i++
		} else {
			for i < len(line) && line[i] != ' ' {
				i++
			}
		}
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	return ""
}

// notices records what the daemon tells systemd.
type notices struct{ ch chan string }

func (n *notices) Ready() error          { n.ch <- "READY=1"; return nil }
func (n *notices) Status(s string) error { n.ch <- "STATUS=" + s; return nil }
func (n *notices) Watchdog() error       { n.ch <- "WATCHDOG=1"; return nil }
func (n *notices) wait(t *testing.T, what string, ok func(string) bool) string {
	t.Helper()
	timeout := time.After(loopDeadline)
	for {
		select {
		case m := <-n.ch:
			if ok(m) {
				return m
			}
		case <-timeout:
			t.Fatalf("no %s within %v", what, loopDeadline)
		}
	}
}

// A reminder that cannot be sent shows in STATUS as the smtp part failing,
// since when, and the watchdog is still fed: the daemon is not stuck.
func TestStatusShowsFailingSMTP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	end := time.Now().Add(-2 * time.Hour).UTC()
	ics := strings.Join([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT",
		"UID:past@test", "DTSTAMP:20261120T100000Z",
		"DTSTART:" + end.Add(-time.Hour).Format("20060102T150405Z"), "DTEND:" + end.Format("20060102T150405Z"),
		"SUMMARY:Interview with Jane Doe at Acme Corp", "ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.com",
		"ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org",
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	icsPath := filepath.Join(dir, "past.ics")
	os.WriteFile(icsPath, []byte(ics), 0o600)
	cfg := loadConfigAt(t, filepath.Join(dir, "config.toml"), fmt.Sprintf(`[owner]
email = "alex.morgan@example.org"
timezone = "America/New_York"
[schedule]
quiet_hours = ""
[[calendar]]
name = "past"
source = %q
[smtp]
host = "127.0.0.1"
port = %d
security = "none"
`, icsPath, closed))
	st, err := store.Open(context.Background(), filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := &notices{ch: make(chan string, 1000)}
	logs := &mailtest.LogBuffer{}
	d := New(cfg, st, slog.New(slog.NewTextHandler(logs, nil)), WithNotifier(n, 50*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("log:\n%s", logs.String())
		}
	}()
	n.wait(t, "READY=1", func(m string) bool { return m == "READY=1" })
	status := n.wait(t, "a STATUS with smtp failing", func(m string) bool { return strings.Contains(m, "failing: smtp: ") })
	if !strings.Contains(status, " since ") || !strings.Contains(status, "watching calendar past") {
		t.Errorf("STATUS %q: want what fails since when, and what is watched", status)
	}
	t.Logf("%s", status)
	rems, err := st.OpenReminders(ctx)
	if err != nil || len(rems) == 0 {
		t.Fatalf("open reminders: %v, %d", err, len(rems))
	}
	for _, r := range rems {
		if strings.Contains(status, r.Token) {
			t.Errorf("STATUS shows a reply token: %q", status)
		}
	}
	n.wait(t, "WATCHDOG=1 while smtp fails", func(m string) bool { return m == "WATCHDOG=1" })
}
