package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/store"
)

// realSetup is a configuration for a real Dovecot and Postfix: the file
// text takes its parts from the fields, so a test can break one.
type realSetup struct {
	dir                  string
	dc                   *mailtest.Dovecot
	pf                   *mailtest.Postfix
	owner                string // owner.email; "" leaves it out
	smtpPass, imapPass   string // password file paths
	calendar, storePath  string
	thankYouDelay        string
	withIMAP, withSMTP   bool
	calendarName, extras string
}

func startReal(t *testing.T) *realSetup {
	t.Helper()
	dc := mailtest.StartDovecot(t)
	if dc == nil {
		return nil
	}
	pf := mailtest.StartPostfix(t, dc)
	if pf == nil {
		return nil
	}
	dir := t.TempDir()
	sample, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sample.ics"))
	if err != nil {
		t.Fatal(err)
	}
	return &realSetup{dir: dir, dc: dc, pf: pf, owner: dc.User,
		smtpPass: mailtest.WriteSecret(t, dir, "smtp-password", pf.Password),
		imapPass: mailtest.WriteSecret(t, dir, "imap-password", dc.Password),
		calendar: sample, storePath: filepath.Join(dir, "state", "followupd.db"),
		thankYouDelay: "1h", withIMAP: true, withSMTP: true, calendarName: "work"}
}

// write writes the configuration and returns its path.
func (s *realSetup) write(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[owner]\nname = \"Alex Morgan\"\ntimezone = \"America/New_York\"\n")
	if s.owner != "" {
		fmt.Fprintf(&b, "email = %q\n", s.owner)
	}
	fmt.Fprintf(&b, "\n[schedule]\nquiet_hours = \"\"\nthank_you_delay = %q\n", s.thankYouDelay)
	fmt.Fprintf(&b, "\n[[calendar]]\nname = %q\nsource = %q\n", s.calendarName, s.calendar)
	if s.withSMTP {
		fmt.Fprintf(&b, "\n[smtp]\nhost = %q\nport = %d\nsecurity = \"none\"\nusername = %q\npassword_file = %q\nfrom = %q\n",
			s.pf.Host, s.pf.SMTPPort, s.pf.User, s.smtpPass, s.dc.User)
	}
	if s.withIMAP {
		fmt.Fprintf(&b, "\n[imap]\nhost = %q\nport = %d\nsecurity = \"none\"\nusername = %q\npassword_file = %q\n",
			s.dc.Host, s.dc.IMAPPort, s.dc.User, s.imapPass)
	}
	fmt.Fprintf(&b, "\n[store]\npath = %q\n", s.storePath)
	b.WriteString(s.extras)
	return mailtest.WriteFile(t, s.dir, "config.toml", b.String())
}

// `followupd check` proves a good set-up against real servers, and names
// the part that fails for each broken one, with the fix; --offline passes
// every one of those files, as it validates the file alone. No secret is
// ever printed.
func TestCheckAgainstDovecotAndPostfix(t *testing.T) {
	s := startReal(t)
	if s == nil {
		return
	}
	good := s.write(t)
	code, out, errOut := runCLI(t, "check", "--config", good)
	if code != 0 {
		t.Fatalf("check of a good set-up: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"ok    smtp secret: read from password_file", "ok    smtp: 127.0.0.1:", "nothing sent",
		"ok    imap: 127.0.0.1:", "logged in as " + s.dc.User, "IDLE offered", `ok    imap inbox folder "INBOX"`,
		"ok    calendar work: 5 event(s), 2 interview(s)", "ok    store: ", "(created at the first run)"} {
		if !strings.Contains(out, want) {
			t.Errorf("check of a good set-up lacks %q:\n%s", want, out)
		}
	}
	var rep checkReport
	if code, js, _ := runCLI(t, "check", "--json", "--config", good); code != 0 || json.Unmarshal([]byte(js), &rep) != nil || !rep.OK || len(rep.Parts) < 6 {
		t.Errorf("check --json of a good set-up: exit %d, %+v\n%s", code, rep, js)
	}

	wrong := "not-" + s.dc.Password
	cases := []struct {
		name   string
		break_ func(*realSetup)
		want   []string
	}{
		{"wrong smtp password", func(r *realSetup) {
			r.smtpPass = mailtest.WriteSecret(t, r.dir, "wrong-smtp", wrong)
		}, []string{"FAIL  smtp: login refused (535): check [smtp] username and password_file", "ok    imap: "}},
		{"wrong imap password", func(r *realSetup) {
			r.imapPass = mailtest.WriteSecret(t, r.dir, "wrong-imap", wrong)
		}, []string{"FAIL  imap: login refused (", "check [imap] username and password_file", "ok    smtp: "}},
		{"missing calendar file", func(r *realSetup) {
			r.calendar = filepath.Join(r.dir, "exports", "work.ics")
		}, []string{"FAIL  calendar work: ", "no file at " + filepath.Join(s.dir, "exports", "work.ics")}},
		{"missing owner address", func(r *realSetup) {
			r.owner = ""
		}, []string{"FAIL  owner: owner.email is not set"}},
		{"missing password file", func(r *realSetup) {
			r.smtpPass = filepath.Join(r.dir, "nowhere")
		}, []string{"FAIL  smtp secret: read password_file", "check [smtp] password_file"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := *s
			tc.break_(&r)
			path := r.write(t)
			code, out, errOut := runCLI(t, "check", "--config", path)
			t.Logf("check:\n%s", out)
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s%s", code, out, errOut)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, wrong) || strings.Contains(out, s.dc.Password) {
				t.Errorf("a password reached the output:\n%s", out)
			}
			if code, out, errOut := runCLI(t, "check", "--offline", "--config", path); code != 0 {
				t.Errorf("check --offline: exit %d, want 0\n%s%s", code, out, errOut)
			}
		})
	}
}

// The daemon runs with a wrong SMTP password while a thank-you falls due:
// nothing is sent and nothing is given up (list shows it held, check names
// the cause); once the password is fixed and the daemon restarted, the
// thank-you arrives in the owner's Inbox.
func TestWrongSMTPPasswordHoldsThenSendsOnceFixed(t *testing.T) {
	t.Run("restart", func(t *testing.T) { heldThenFixed(t, false) })
	t.Run("reload", func(t *testing.T) { heldThenFixed(t, true) })
}

// heldThenFixed runs the daemon with a wrong SMTP password while a
// thank-you falls due, then fixes the password and restarts the daemon, or
// with reload sends it SIGHUP instead: the thank-you arrives within a minute.
func heldThenFixed(t *testing.T, reload bool) {
	s := startReal(t)
	if s == nil {
		return
	}
	// An interview that ended a minute ago, its thank-you due at once.
	end := time.Now().Add(-time.Minute).UTC()
	s.calendar = mailtest.WriteFile(t, s.dir, "work.ics", fmt.Sprintf(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//followupd test//EN
BEGIN:VEVENT
UID:e2e-held@example.test
DTSTAMP:%s
DTSTART:%s
DTEND:%s
SUMMARY:Interview with Jane Doe at Acme Corp
ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example
END:VEVENT
END:VCALENDAR
`, end.Format("20060102T150405Z"), end.Add(-time.Hour).Format("20060102T150405Z"), end.Format("20060102T150405Z")))
	s.thankYouDelay = "0m"
	s.withIMAP = false // the Inbox is read by the test itself
	good := s.smtpPass
	s.smtpPass = mailtest.WriteSecret(t, s.dir, "smtp-password-wrong", "not-"+s.pf.Password)
	cfgPath := s.write(t)

	logs := &mailtest.LogBuffer{}
	run := followupd(t, s.dir, "run", "--config", cfgPath)
	run.Stderr = logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()
	defer func() {
		if t.Failed() {
			t.Logf("daemon log:\n%s", logs.String())
		}
	}()

	waitFor(t, "the thank-you to be held", func() (bool, string) {
		rs := listReminders(t, s.dir, cfgPath)
		return len(rs) > 0 && rs[0]["held"] == true, fmt.Sprint(rs)
	})
	if strings.Contains(logs.String(), "given up") {
		t.Errorf("a reminder was given up for a wrong password")
	}
	text, _ := followupd(t, s.dir, "list", "--config", cfgPath).Output()
	if !strings.Contains(string(text), "SENDING HELD since") || !strings.Contains(string(text), "held") {
		t.Errorf("list does not say sending is held:\n%s", text)
	}
	if out, err := followupd(t, s.dir, "check", "--config", cfgPath).Output(); err == nil ||
		!strings.Contains(string(out), "FAIL  smtp: login refused (535)") || !strings.Contains(string(out), "FAIL  sending: the daemon holds every send") {
		t.Errorf("check while held: %v\n%s", err, out)
	}
	if n := inboxCount(t, s.dc); n != 0 {
		t.Fatalf("%d messages in the Inbox while the password is wrong", n)
	}

	// Fix the password, then restart the daemon or have it reload.
	if !reload {
		if err := run.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := run.Wait(); err != nil {
			t.Fatalf("followupd run after SIGTERM: %v", err)
		}
	}
	s.smtpPass = good
	cfgPath = s.write(t)
	// check says the account works now, and what the daemon held goes out
	// at its next try.
	if out, err := followupd(t, s.dir, "check", "--config", cfgPath).Output(); err != nil ||
		!strings.Contains(string(out), "ok    sending: the daemon has held every send since") {
		t.Errorf("check once the password is fixed: %v\n%s", err, out)
	}
	started := time.Now()
	if reload {
		if err := run.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	} else {
		run2 := followupd(t, s.dir, "run", "--config", cfgPath)
		run2.Stderr = logs
		if err := run2.Start(); err != nil {
			t.Fatal(err)
		}
		defer run2.Process.Kill()
		run = run2
	}
	waitFor(t, "the thank-you in the Inbox", func() (bool, string) {
		n := inboxCount(t, s.dc)
		return n == 1, fmt.Sprintf("%d messages", n)
	})
	if d := time.Since(started); d > time.Minute {
		t.Errorf("the thank-you took %v after the fix, want under a minute", d)
	}
	t.Logf("the thank-you arrived %v after the fix", time.Since(started).Round(time.Millisecond))
	rs := listReminders(t, s.dir, cfgPath)
	if rs[0]["state"] != "sent" || rs[0]["held"] == true {
		t.Errorf("after the restart: %v", rs[0])
	}
	if text, _ := followupd(t, s.dir, "list", "--config", cfgPath).Output(); strings.Contains(string(text), "SENDING HELD") {
		t.Errorf("list still says held once sending works:\n%s", text)
	}
	_ = run.Process.Signal(syscall.SIGTERM)
	_ = run.Wait()
}

// waitFor polls cond until it holds; the limit is generous (a loaded
// machine, -race), and what cond last saw is reported when it runs out.
func waitFor(t *testing.T, what string, cond func() (bool, string)) string {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		ok, seen := cond()
		if ok {
			return seen
		}
		last = seen
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("waited for %s; last saw: %s", what, last)
	return ""
}

// listReminders is the first interview's reminders from list --json.
func listReminders(t *testing.T, stateDir, cfgPath string) []map[string]any {
	t.Helper()
	out, err := followupd(t, stateDir, "list", "--json", "--config", cfgPath).Output()
	if err != nil {
		return nil
	}
	var ivs []struct {
		Reminders []map[string]any `json:"reminders"`
	}
	if json.Unmarshal(out, &ivs) != nil || len(ivs) == 0 {
		return nil
	}
	return ivs[0].Reminders
}

func inboxCount(t *testing.T, dc *mailtest.Dovecot) uint32 {
	t.Helper()
	c, err := imapclient.DialInsecure(dc.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(dc.User, dc.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Logout().Wait()
	return data.NumMessages
}

// add, snooze until and retry through the real binary: the added interview
// lives like any other, a snooze shows in list, and a failed follow-up is
// sent again on request.
func TestAddSnoozeRetryThroughTheBinary(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "state", "followupd.db")
	cfgPath := mailtest.WriteFile(t, dir, "config.toml", fmt.Sprintf(`[owner]
email = "alex@example.org"
timezone = "America/New_York"
[store]
path = %q
`, storePath))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(ny).AddDate(0, 0, 2)
	start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, ny)
	cli := func(args ...string) (string, error) {
		out, err := followupd(t, dir, append(args, "--config", cfgPath)...).CombinedOutput()
		return string(out), err
	}

	out, err := cli("add", "--company", "Acme Corp", "--start", start.Format("2006-01-02 15:04"), "--duration", "45m",
		"--with", "Jane Doe <jane@acme.example>", "--honorific", "Ms.", "--position", "Backend Engineer")
	if err != nil || !strings.HasPrefix(out, "#1: Interview at Acme Corp") {
		t.Fatalf("add: %v\n%s", err, out)
	}
	js, err := cli("list", "--json")
	var ivs []listInterview
	if err != nil || json.Unmarshal([]byte(js), &ivs) != nil || len(ivs) != 1 {
		t.Fatalf("list after add: %v\n%s", err, js)
	}
	iv := ivs[0]
	if iv.Company != "Acme Corp" || iv.Position != "Backend Engineer" || iv.Start != start.UTC().Format(time.RFC3339) ||
		iv.End != start.Add(45*time.Minute).UTC().Format(time.RFC3339) || len(iv.Sources) != 1 || iv.Sources[0] != "manual" {
		t.Errorf("added interview: %+v", iv)
	}
	if len(iv.Interviewers) != 1 || iv.Interviewers[0].Honorific != "Ms." || iv.Interviewers[0].Email != "jane@acme.example" {
		t.Errorf("interviewers: %+v", iv.Interviewers)
	}
	if len(iv.Reminders) != 2 || iv.Reminders[0].Kind != "thank_you" || iv.Reminders[1].Kind != "follow_up_call" {
		t.Fatalf("reminders: %+v", iv.Reminders)
	}

	// snooze until: the owner's zone, the same as a reply's "snooze until".
	until := start.AddDate(0, 0, 1)
	until = time.Date(until.Year(), until.Month(), until.Day(), 10, 0, 0, 0, ny)
	out, err = cli("snooze", "1", "until", until.Format("2006-01-02"), "10:00")
	if err != nil || !strings.Contains(out, "is put off until "+until.Format("Monday, January 2")) {
		t.Fatalf("snooze until: %v\n%s", err, out)
	}
	js, _ = cli("list", "--json")
	ivs = nil
	if json.Unmarshal([]byte(js), &ivs) != nil || len(ivs) != 1 {
		t.Fatalf("list: %s", js)
	}
	if r := ivs[0].Reminders[0]; r.NextAttempt != until.UTC().Format(time.RFC3339) || !r.Snoozed {
		t.Errorf("thank-you after snooze until: %+v, want next attempt %s", r, until.UTC().Format(time.RFC3339))
	}
	if text, _ := cli("list"); !strings.Contains(text, "snoozed   until "+until.Format("Mon 2 Jan")) {
		t.Errorf("list does not show the snooze:\n%s", text)
	}

	// retry: only a failed follow-up.
	if out, err := cli("retry", "1"); err == nil || !strings.Contains(out, "no failed follow-up") {
		t.Errorf("retry with nothing failed: %v\n%s", err, out)
	}
	withTestStore(t, storePath, func(st *store.Store) {
		a := store.Attempt{Reminder: ivs[0].Reminders[1].ID, MessageID: "m@example.org"}
		if _, err := st.BeginSend(context.Background(), a, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := st.SendFailed(context.Background(), a, time.Now(), "550 5.1.1 no such mailbox"); err != nil {
			t.Fatal(err)
		}
	})
	text, _ := cli("list")
	if !strings.Contains(text, "FAILED") || !strings.Contains(text, "followupd retry 1") {
		t.Errorf("list does not show the failure apart, with the command:\n%s", text)
	}
	if out, err := cli("retry", "1"); err != nil || !strings.Contains(out, "the follow-up call goes out again") {
		t.Fatalf("retry: %v\n%s", err, out)
	}
	js, _ = cli("list", "--json")
	ivs = nil
	if json.Unmarshal([]byte(js), &ivs) != nil || ivs[0].Reminders[1].State != "pending" || ivs[0].Reminders[1].LastError != "" {
		t.Errorf("after retry: %s", js)
	}
	if out, err := cli("add", "--company", "X", "--start", "tomorrow"); err == nil || !strings.Contains(out, "--start") {
		t.Errorf("add with a bad start: %v\n%s", err, out)
	}
	if _, err := os.Stat(storePath); err != nil {
		t.Fatal(err)
	}
}
