package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
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
