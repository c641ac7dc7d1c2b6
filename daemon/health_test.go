package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
)

func TestStatusLineSaysWhatFailsAndWhatIsStuck(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, loc)
	clock := now.Add(-58 * time.Minute) // 14:02
	smtp := NewTracker("smtp", 0, func() time.Time { return clock })
	smtp.Result(errors.New("535 5.7.8 login\nrefused"))
	clock = now.Add(-10 * time.Minute)
	smtp.Result(errors.New("login refused")) // still failing: the start stays
	disp := NewTracker("reminders", time.Minute, func() time.Time { return now.Add(-2 * time.Minute) })
	disp.Busy()
	ok := NewTracker("imap", time.Minute, func() time.Time { return now })
	ok.Result(errors.New("down"))
	ok.Result(nil)
	hs := []Health{disp.Health(), ok.Health(), smtp.Health()}

	got := statusLine([]string{"calendar work", "imap alex"}, 3, time.Date(2026, 12, 3, 9, 0, 0, 0, loc), hs, now, loc)
	want := "watching calendar work, imap alex; 3 follow-up(s) open, next due Thu 3 Dec 09:00; " +
		"failing: reminders: stuck since 14:58; smtp: login refused since 14:02"
	if got != want {
		t.Errorf("status:\n got %q\nwant %q", got, want)
	}
	if !disp.Health().Stalled(now) || ok.Health().Stalled(now) || smtp.Health().Stalled(now) {
		t.Errorf("stalled: reminders %v imap %v smtp %v", disp.Health().Stalled(now), ok.Health().Stalled(now), smtp.Health().Stalled(now))
	}
	if s := statusLine(nil, 0, time.Time{}, nil, now, loc); s != "no follow-ups open" {
		t.Errorf("idle status %q", s)
	}
	if s := statusLine(nil, -1, time.Time{}, nil, now, loc); !strings.Contains(s, "store not answering") {
		t.Errorf("status without the store %q", s)
	}
}

func TestChangedParts(t *testing.T) {
	dir := t.TempDir() // one path, as a reload reads the same file
	load := func(body string) *config.Config {
		t.Helper()
		return loadConfigAt(t, filepath.Join(dir, "config.toml"), body)
	}
	base := `[owner]
email = "a@example.org"
timezone = "America/New_York"
[[calendar]]
name = "work"
source = "/tmp/work.ics"
[imap]
host = "imap.example.org"
username = "a"
[smtp]
host = "smtp.example.org"
username = "a"
`
	for _, tc := range []struct {
		name, body string
		want       string
	}{
		{"same file", base, ""},
		{"new calendar", base + "[[calendar]]\nname = \"home\"\nsource = \"/tmp/home.ics\"\n", "calendars"},
		{"smtp password", strings.Replace(base, "[smtp]\n", "[smtp]\npassword_file = \"/run/pw\"\n", 1), "dispatcher"},
		{"imap folder", strings.Replace(base, "[imap]\n", "[imap]\npoll = \"5m\"\n", 1), "dispatcher mailbox"},
		{"zone", strings.Replace(base, "America/New_York", "Europe/Paris", 1), "calendars dispatcher"},
	} {
		got := changedParts(load(base), load(tc.body))
		var names []string
		for _, n := range []string{"calendars", "dispatcher", "mailbox"} {
			if got[n] {
				names = append(names, n)
			}
		}
		if s := strings.Join(names, " "); s != tc.want {
			t.Errorf("%s: restart %q, want %q", tc.name, s, tc.want)
		}
	}
}

// loadConfigAt writes body to path and loads it, as the daemon would.
func loadConfigAt(t *testing.T, path, body string) *config.Config {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
