//go:build faults

package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// binary is the followupd built for this run.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "followupd-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "followupd")
	build := exec.Command("go", "build", "-o", binary, "github.com/followupd/followupd/cmd/followupd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build followupd:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// stack is a Dovecot, a Postfix delivering into it, and a config for the
// daemon that uses both.
type stack struct {
	dc        *mailtest.Dovecot
	pf        *mailtest.Postfix
	dir       string
	storePath string
	cfgPath   string
}

func startStack(t *testing.T, storeDir, extra string) *stack {
	t.Helper()
	dc := mailtest.StartDovecot(t)
	if dc == nil {
		t.Fatal("dovecot is needed")
	}
	pf := mailtest.StartPostfix(t, dc)
	if pf == nil {
		t.Fatal("postfix is needed")
	}
	s := &stack{dc: dc, pf: pf, dir: t.TempDir()}
	if storeDir == "" {
		storeDir = s.dir
	}
	s.storePath = filepath.Join(storeDir, "followupd.db")
	pw := mailtest.WriteSecret(t, s.dir, "password", dc.Password)
	s.cfgPath = mailtest.WriteFile(t, s.dir, "config.toml", fmt.Sprintf(`[owner]
name = "Alex Morgan"
email = %q
timezone = "America/New_York"

[schedule]
quiet_hours = ""

[smtp]
host = %q
port = %d
security = "none"
username = %q
password_file = %q
from = %q

[imap]
host = %q
port = %d
security = "none"
username = %q
password_file = %q

[imap.folders]
drafts = "Drafts"

[store]
path = %q
%s`, dc.User, pf.Host, pf.SMTPPort, pf.User, pw, dc.User, dc.Host, dc.IMAPPort, dc.User, pw, s.storePath, extra))
	c := s.imap(t)
	if err := c.Create("Drafts", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	_ = c.Logout().Wait()
	return s
}

func (s *stack) imap(t *testing.T) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.dc.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(s.dc.User, s.dc.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// inboxIDs counts the Message-IDs in the owner's Inbox.
func (s *stack) inboxIDs(t *testing.T) map[string]int {
	t.Helper()
	c := s.imap(t)
	defer c.Logout()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil && !strings.Contains(err.Error(), "No messages") {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, m := range msgs {
		if m.Envelope != nil {
			ids[m.Envelope.MessageID]++
		}
	}
	return ids
}

// seedReminders stores n interviews whose thank-yous fall due one after the
// other between from and from+spread.
func (s *stack) seedReminders(t *testing.T, n int, from time.Time, spread time.Duration) {
	t.Helper()
	st, err := store.Open(context.Background(), s.storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range n {
		due := from.Add(spread * time.Duration(i) / time.Duration(max(n-1, 1)))
		iv := interview.Interview{
			Key: interview.Key{UID: fmt.Sprintf("fault-%03d@test", i)}, Status: interview.Scheduled,
			Summary: "Interview at Acme", Company: "Acme", Start: due.Add(-2 * time.Hour), End: due.Add(-time.Hour),
			Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@acme.example"}},
		}
		plan := func(interview.Interview) []interview.Reminder {
			return []interview.Reminder{{Kind: interview.ThankYou, Due: due}}
		}
		if _, err := st.Apply(context.Background(), store.Report{Source: "calendar:faults", Interviews: []interview.Interview{iv}}, time.Now(), plan); err != nil {
			t.Fatal(err)
		}
	}
}

// reminders reads every thank-you from the store.
func (s *stack) reminders(t *testing.T) []store.ReminderRecord {
	t.Helper()
	st, err := store.Open(context.Background(), s.storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []store.ReminderRecord
	for _, r := range recs {
		out = append(out, r.Reminders...)
	}
	return out
}

// waitSent waits until every reminder is sent, and returns when.
func (s *stack) waitSent(t *testing.T, timeout time.Duration, d *daemonProc) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		pending := 0
		for _, r := range s.reminders(t) {
			if r.State != store.StateSent {
				pending++
			}
		}
		if pending == 0 {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reminders not sent after %v; log:\n%s", pending, timeout, d.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// delivered waits until every sent reminder is in the Inbox (Postfix
// delivers on its own time) and the Inbox stops growing, then counts the
// reminders lost and the duplicates.
func (s *stack) delivered(t *testing.T) (lost, dups int) {
	t.Helper()
	rems := s.reminders(t)
	deadline := time.Now().Add(2 * time.Minute)
	var ids map[string]int
	for {
		ids = s.inboxIDs(t)
		missing := 0
		for _, r := range rems {
			if r.MessageID == "" || ids[r.MessageID] == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A resent copy may still be in Postfix's queue: wait until two reads
	// a few seconds apart agree.
	for {
		time.Sleep(3 * time.Second)
		again := s.inboxIDs(t)
		if total(again) == total(ids) {
			break
		}
		ids = again
	}
	for _, r := range rems {
		n := 0
		if r.MessageID != "" {
			n = ids[r.MessageID]
		}
		if r.State != store.StateSent || n == 0 {
			lost++
		}
		if n > 1 {
			dups += n - 1
		}
	}
	return lost, dups
}

func total(ids map[string]int) int {
	n := 0
	for _, c := range ids {
		n += c
	}
	return n
}

// daemonProc is one run of `followupd run`.
type daemonProc struct {
	cmd  *exec.Cmd
	logs *mailtest.LogBuffer
	done chan struct{}
	err  error
}

func (s *stack) startDaemon(t *testing.T) *daemonProc {
	t.Helper()
	d := &daemonProc{logs: &mailtest.LogBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command(binary, "run", "--config", s.cfgPath, "--log-level", "debug")
	d.cmd.Stderr = d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.err = d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.kill() })
	return d
}

func (d *daemonProc) kill() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.done
}

func (d *daemonProc) stop(t *testing.T) {
	t.Helper()
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("followupd did not stop on SIGTERM; log:\n%s", d.logs.String())
	}
}

func (d *daemonProc) running() bool {
	select {
	case <-d.done:
		return false
	default:
		return true
	}
}

// waitLog waits until the log has said line n times.
func (d *daemonProc) waitLog(t *testing.T, line string, n int, timeout time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for strings.Count(d.logs.String(), line) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q %d times; log:\n%s", line, n, d.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Now()
}

func figures(t *testing.T, format string, args ...any) {
	t.Helper()
	line := "figures: " + fmt.Sprintf(format, args...)
	t.Log(line)
	fmt.Println(line)
}

// SIGKILL at random moments, 20 times, while 100 reminders fall due; then a
// run to the end.
func TestKillWhileRemindersFallDue(t *testing.T) {
	const reminders, kills = 100, 20
	s := startStack(t, "", "")
	began := time.Now()
	s.seedReminders(t, reminders, began.Add(time.Second), 10*time.Second)
	interrupted := 0 // sends a restart found in flight
	for range kills {
		d := s.startDaemon(t)
		time.Sleep(time.Duration(100+rand.N(500)) * time.Millisecond)
		d.kill()
		interrupted += strings.Count(d.logs.String(), "interrupted send")
	}
	sentKilled := 0
	for _, r := range s.reminders(t) {
		if r.State == store.StateSent {
			sentKilled++
		}
	}
	d := s.startDaemon(t)
	s.waitSent(t, 5*time.Minute, d)
	d.stop(t)
	lost, dups := s.delivered(t)
	interrupted += strings.Count(d.logs.String(), "interrupted send")
	figures(t, "kill -9: %d reminders due over 10 s, %d SIGKILLs at 100-600 ms after each start (%d sent by the killed runs, %d sends found in flight by a restart): %d lost, %d duplicates (%.2f per kill), %v in all",
		reminders, kills, sentKilled, interrupted, lost, dups, float64(dups)/kills, time.Since(began).Round(time.Second))
	if lost != 0 || dups > kills {
		t.Errorf("%d lost, %d duplicates; want 0 lost and at most one duplicate per kill", lost, dups)
	}
}

// invitation is an invitation email for uid.
func invitation(uid string) []byte {
	ics := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//faults//EN", "METHOD:REQUEST",
		"BEGIN:VEVENT", "UID:" + uid, "SEQUENCE:0", "DTSTAMP:20261120T100000Z",
		"DTSTART:20270115T150000Z", "DTEND:20270115T160000Z", "STATUS:CONFIRMED",
		"SUMMARY:Interview with Jane Doe at Acme Corp",
		"ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.com",
		"ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	return []byte("From: Jane Doe <jane.doe@acme.com>\r\nTo: alex.morgan@example.org\r\n" +
		"Subject: Invitation: Interview with Jane Doe at Acme Corp\r\n" +
		"Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + uid + ".invite@test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n" + ics)
}

// storedUIDs is the set of interview UIDs in the store.
func (s *stack) storedUIDs(t *testing.T) map[string]bool {
	t.Helper()
	st, err := store.Open(context.Background(), s.storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range recs {
		out[r.UID] = true
	}
	return out
}

// sendViaPostfix hands msg to Postfix for the owner, as mail from outside
// arrives: Postfix queues it while Dovecot is down and delivers it later.
func (s *stack) sendViaPostfix(t *testing.T, msg []byte) {
	t.Helper()
	s.pf.Submit(t, "jane.doe@acme.com", s.dc.User, msg)
}

// Dovecot stopped and restarted five times while invitations arrive, both
// through Postfix (queued during the outage) and straight into Dovecot.
// Between two outages the connection stays up for FAULTS_STABLE (default
// 65s: past the watcher's one-minute "stable session" that resets its
// reconnect backoff); with FAULTS_STABLE=0 the outages come back to back
// and the figure shows the backoff growing.
func TestDovecotRestarts(t *testing.T) {
	const cycles = 5
	stable := 65 * time.Second
	if v, err := time.ParseDuration(os.Getenv("FAULTS_STABLE")); err == nil {
		stable = v
	}
	s := startStack(t, "", "")
	d := s.startDaemon(t)
	d.waitLog(t, "imap connected", 1, time.Minute)
	var want []string
	var reconnect []time.Duration
	for i := range cycles {
		time.Sleep(stable)
		before := fmt.Sprintf("restart-%d-before@test", i)
		s.dc.Deliver(t, s.dc.User, invitation(before))
		want = append(want, before)
		s.dc.Stop()
		during := fmt.Sprintf("restart-%d-during@test", i)
		s.sendViaPostfix(t, invitation(during))
		want = append(want, during)
		time.Sleep(2 * time.Second)
		s.dc.Restart(t)
		up := time.Now()
		at := d.waitLog(t, "imap connected", i+2, 5*time.Minute)
		reconnect = append(reconnect, at.Sub(up))
		after := fmt.Sprintf("restart-%d-after@test", i)
		s.dc.Deliver(t, s.dc.User, invitation(after))
		want = append(want, after)
	}
	deadline := time.Now().Add(5 * time.Minute)
	var lost []string
	for {
		got := s.storedUIDs(t)
		lost = lost[:0]
		for _, uid := range want {
			if !got[uid] {
				lost = append(lost, uid)
			}
		}
		if len(lost) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	worst := time.Duration(0)
	for _, r := range reconnect {
		worst = max(worst, r)
	}
	figures(t, "dovecot restarts: %d stops of 2 s, %v apart, %d invitations (one before, one queued in Postfix during, one after each): %d lost, reconnect after restart %v (worst %v)",
		cycles, stable, len(want), len(lost), roundAll(reconnect), worst.Round(time.Millisecond))
	if len(lost) != 0 {
		t.Errorf("lost %v\nlog:\n%s", lost, d.logs.String())
	}
	if stable >= time.Minute && worst > 30*time.Second {
		t.Errorf("worst reconnect %v; want under 30 s\nlog:\n%s", worst, d.logs.String())
	}
	if !d.running() {
		t.Errorf("the daemon exited: %v", d.err)
	}
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// Postfix down for a minute (FAULTS_OUTAGE) while reminders fall due.
func TestPostfixOutage(t *testing.T) {
	outage := time.Minute
	if v, err := time.ParseDuration(os.Getenv("FAULTS_OUTAGE")); err == nil {
		outage = v
	}
	const reminders = 10
	s := startStack(t, "", "")
	s.pf.Stop()
	began := time.Now()
	s.seedReminders(t, reminders, began.Add(2*time.Second), outage/2)
	d := s.startDaemon(t)
	time.Sleep(time.Until(began.Add(outage)))
	s.pf.Restart(t)
	back := time.Now()
	done := s.waitSent(t, 15*time.Minute, d)
	d.stop(t)
	lost, dups := s.delivered(t)
	failed := strings.Count(d.logs.String(), "level=WARN") + strings.Count(d.logs.String(), "level=ERROR")
	figures(t, "postfix down %v while %d reminders fall due: %d lost, %d duplicates, all sent %v after it returned (%d warnings/errors logged)",
		outage, reminders, lost, dups, done.Sub(back).Round(time.Second), failed)
	if lost != 0 {
		t.Errorf("%d reminders lost", lost)
	}
}

// calendarServer serves a calendar with two interviews, then fails the way
// mode says.
type calendarServer struct {
	mode atomic.Value // "ok", "500", "hang", "cut", "truncated"
	ics  string
	srv  *httptest.Server
	hung sync.WaitGroup
	stop chan struct{}
}

func startCalendarServer(t *testing.T) *calendarServer {
	t.Helper()
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//faults//EN\r\n")
	for i, day := range []string{"20270115", "20270118"} {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:cal-%d@faults\r\nDTSTAMP:20261120T100000Z\r\nDTSTART:%sT150000Z\r\nDTEND:%sT160000Z\r\n"+
			"SUMMARY:Interview with Jane Doe at Acme Corp\r\nORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.com\r\n"+
			"DESCRIPTION:%s\r\nEND:VEVENT\r\n", i, day, day, strings.Repeat("Panel interview with the platform team. ", 20))
	}
	b.WriteString("END:VCALENDAR\r\n")
	c := &calendarServer{ics: b.String(), stop: make(chan struct{})}
	c.mode.Store("ok")
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch c.mode.Load().(string) {
		case "500":
			http.Error(w, "internal error", http.StatusInternalServerError)
		case "hang":
			select {
			case <-r.Context().Done():
			case <-c.stop:
			}
		case "cut": // the declared length, then the connection drops
			w.Header().Set("Content-Length", fmt.Sprint(len(c.ics)))
			_, _ = w.Write([]byte(c.ics[:len(c.ics)/2]))
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
				}
			}
		case "truncated": // a complete answer whose body stops mid-event
			w.Header().Set("Content-Type", "text/calendar")
			_, _ = w.Write([]byte(c.ics[:len(c.ics)*3/4]))
		default:
			w.Header().Set("Content-Type", "text/calendar")
			_, _ = w.Write([]byte(c.ics))
		}
	}))
	t.Cleanup(func() { close(c.stop); c.srv.Close() })
	return c
}

// The calendar server answers 500, hangs, drops the connection, or sends a
// truncated file, each met by a daemon (re)started on the last good state.
func TestCalendarServerFaults(t *testing.T) {
	cal := startCalendarServer(t)
	s := startStack(t, "", fmt.Sprintf("\n[[calendar]]\nname = \"work\"\nsource = %q\nrefresh = \"1m\"\n", cal.srv.URL+"/work.ics"))
	d := s.startDaemon(t)
	deadline := time.Now().Add(time.Minute)
	for len(s.storedUIDs(t)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the calendar was never read; log:\n%s", d.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.stop(t)
	good := s.snapshot(t)
	var results []string
	for _, mode := range []string{"500", "cut", "truncated", "hang"} {
		cal.mode.Store(mode)
		// The store keeps whole seconds: a second's gap tells this run's
		// reads from the last one's.
		time.Sleep(1100 * time.Millisecond)
		began := time.Now()
		d := s.startDaemon(t)
		// A failure is logged; a truncated file read as far as it goes may
		// be applied (LastOK moves), without making anything vanish.
		deadline := time.Now().Add(3 * time.Minute)
		for !strings.Contains(d.logs.String(), "calendar source failed") && !strings.Contains(d.logs.String(), "skipped a broken calendar event") &&
			!s.calendarReadSince(t, "work", began) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the calendar was not read again; log:\n%s", mode, d.logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		took := time.Since(began)
		how := "read"
		switch logs := d.logs.String(); {
		case strings.Contains(logs, "calendar source failed"):
			how = "failed"
		case strings.Contains(logs, "skipped a broken calendar event"):
			how = "broken events skipped"
		}
		d.stop(t)
		now := s.snapshot(t)
		kept := now == good
		results = append(results, fmt.Sprintf("%s: %s, last good state kept %v, nothing cancelled %v (%v)", mode, how, kept,
			!strings.Contains(now, string(interview.Cancelled)) && !strings.Contains(now, store.StateCancelled), took.Round(time.Second)))
		if !kept {
			t.Errorf("%s: the store changed:\nbefore %s\nafter  %s\nlog:\n%s", mode, good, now, d.logs.String())
		}
	}
	figures(t, "calendar server faults: %s", strings.Join(results, "; "))
}

// calendarReadSince reports whether the calendar source name was read
// successfully after since.
func (s *stack) calendarReadSince(t *testing.T, name string, since time.Time) bool {
	t.Helper()
	st, err := store.Open(context.Background(), s.storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.CalendarState(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	// The store keeps whole seconds.
	return !cs.LastOK.Before(since.Truncate(time.Second))
}

// snapshot is the store's interviews and reminders in a comparable form.
func (s *stack) snapshot(t *testing.T) string {
	t.Helper()
	st, err := store.Open(context.Background(), s.storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "%s %s %s-%s;", r.UID, r.Status, r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339))
		for _, rem := range r.Reminders {
			fmt.Fprintf(&b, " %s %s %s;", rem.Kind, rem.State, rem.Due.UTC().Format(time.RFC3339))
		}
	}
	return b.String()
}

// The disk under the store fills up while reminders fall due: the daemon
// stays up (no crash loop), and once space returns every reminder goes out.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("mounting a small tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	const reminders = 10
	s := startStack(t, mnt, "")
	began := time.Now()
	s.seedReminders(t, reminders, began.Add(3*time.Second), 10*time.Second)
	d := s.startDaemon(t)
	d.waitLog(t, "followupd running", 1, time.Minute)
	// Fill the disk: what is left is a few KB at most.
	filler := filepath.Join(mnt, "filler")
	_ = exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=64k").Run()
	full := time.Now()
	time.Sleep(20 * time.Second) // every reminder falls due on a full disk
	sentFull := 0
	for _, r := range s.reminders(t) {
		if r.State == store.StateSent {
			sentFull++
		}
	}
	alive := d.running()
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	done := s.waitSent(t, 5*time.Minute, d)
	d.stop(t)
	lost, dups := s.delivered(t)
	restarts := strings.Count(d.logs.String(), "component stopped; restarting")
	figures(t, "disk full under the store for %v while %d reminders fall due: daemon up throughout %v, %d component restarts, %d sent while full, %d lost, %d duplicates, all sent %v after space returned",
		freed.Sub(full).Round(time.Second), reminders, alive, restarts, sentFull, lost, dups, done.Sub(freed).Round(time.Second))
	if !alive || lost != 0 {
		t.Errorf("daemon up %v, %d lost; log:\n%s", alive, lost, d.logs.String())
	}
}
