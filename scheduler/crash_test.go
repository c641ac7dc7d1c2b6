package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// crashChildEnv, when set to a config file's path, makes the test binary
// run the dispatcher on that config instead of the tests (see TestMain).
const crashChildEnv = "FOLLOWUPD_TEST_DISPATCH_CHILD"

// childReady is what the child prints once it starts dispatching.
const childReady = "dispatch child ready"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(runChild(path))
	}
	os.Exit(m.Run())
}

// runChild is the helper process: the real dispatcher, as the daemon runs
// it, against the config at path, until SIGTERM (or SIGKILL) ends it.
func runChild(path string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "dispatch child:", err)
		return 1
	}
	cfg, err := config.Load(path)
	if err != nil {
		return fail(err)
	}
	storePath, err := cfg.StorePath(os.Getenv)
	if err != nil {
		return fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, storePath)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	smtpCfg, err := cfg.SMTP()
	if err != nil {
		return fail(err)
	}
	im, err := cfg.IMAP()
	if err != nil {
		return fail(err)
	}
	d, err := New(st, mailer.NewSender(smtpCfg, log, mailer.WithTimeout(10*time.Second)),
		mailbox.New(im, nil, nil, log), cfg, log, SystemClock(nil), WithCatchUpSpacing(0))
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(os.Stderr, childReady)
	if err := d.Run(ctx); err != nil {
		return fail(err)
	}
	return 0
}

// child is one run of the helper process.
type child struct {
	cmd    *exec.Cmd
	stderr *mailtest.LogBuffer
}

func startChild(t *testing.T, cfgPath string) *child {
	t.Helper()
	c := &child{stderr: &mailtest.LogBuffer{}}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), crashChildEnv+"="+cfgPath)
	c.cmd.Stderr = c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(mailtest.Scaled(20 * time.Second))
	for !strings.Contains(c.stderr.String(), childReady) {
		if time.Now().After(deadline) {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
			t.Fatalf("the dispatch child never got ready:\n%s", c.stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	return c
}

// kill ends the child with SIGKILL, as a crash or power loss would.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait() // "signal: killed"
}

// The dispatcher process is killed with SIGKILL at random moments while 200
// reminders are due, and restarted, 20 times; then it runs to the end. No
// reminder may be lost, each kill may cause at most the one send in flight
// to be repeated, and after the restart has settled what was in flight,
// nothing more is repeated.
func TestCrashRecovery(t *testing.T) {
	const (
		reminders = 200
		kills     = 20
	)
	imapSrv := mailtest.StartMemIMAP(t, imapUser, imapPassword, mailtest.IMAPFolders("INBOX", "Drafts"))
	// The server files each message in the owner's Inbox before it answers,
	// and then answers late, so that kills land between delivery and the
	// reply too (those are the sends reconciliation must settle), and so
	// that sending 200 takes longer than the 20 killed runs: every kill then
	// lands while reminders are still due.
	be := mailtest.StartSMTP(t, mailtest.SMTPDeliverTo(imapSrv.Deliver), mailtest.SMTPReplyDelay(40*time.Millisecond))
	dir := t.TempDir()
	storePath := filepath.Join(dir, "followupd.db")
	cfgPath := mailtest.WriteFile(t, dir, "config.toml", configText(t, be.Port, imapSrv.Addr, storePath, ""))

	// 200 thank-yous, all due a minute ago.
	now := time.Now()
	due := now.Add(-time.Minute)
	st, err := store.Open(context.Background(), storePath)
	if err != nil {
		t.Fatal(err)
	}
	var ivs []interview.Interview
	for i := range reminders {
		ivs = append(ivs, interview.Interview{
			Key: interview.Key{UID: fmt.Sprintf("crash-%03d", i)}, Status: interview.Scheduled,
			Summary: "Interview at Acme", Company: "Acme", Start: due.Add(-2 * time.Hour), End: due.Add(-time.Hour),
			Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@acme.example"}},
		})
	}
	plan := func(interview.Interview) []interview.Reminder {
		return []interview.Reminder{{Kind: interview.ThankYou, Due: due}}
	}
	if _, err := st.Apply(context.Background(), store.Report{Source: "calendar:test", Interviews: ivs}, now, plan); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	began := time.Now()
	var (
		perRun     []int // messages delivered during each run
		dupsPerRun []int
		seen       = map[string]bool{}
		reconciled int // sends found in the Inbox after a restart
		resent     int // sends not found there, and sent again
		mark       int
	)
	settle := func() (delivered, dups int) {
		be.WaitNoSession(t, 10*time.Second) // a message the server was reading when the child died
		msgs := be.Messages()
		for _, m := range msgs[mark:] {
			if seen[m.MessageID] {
				dups++
			}
			seen[m.MessageID] = true
		}
		delivered = len(msgs) - mark
		mark = len(msgs)
		return delivered, dups
	}
	for range kills {
		c := startChild(t, cfgPath)
		time.Sleep(time.Duration(20+rand.N(281)) * time.Millisecond)
		c.kill(t)
		n, dups := settle()
		perRun = append(perRun, n)
		dupsPerRun = append(dupsPerRun, dups)
		reconciled += strings.Count(c.stderr.String(), "interrupted send found in the mailbox")
		resent += strings.Count(c.stderr.String(), "interrupted send not in the mailbox")
	}

	if len(seen) >= reminders {
		t.Fatalf("all %d reminders went out before the last kill: the later kills tested nothing (per run %v)", reminders, perRun)
	}

	// The last run goes on until every reminder is sent.
	c := startChild(t, cfgPath)
	st, err = store.Open(context.Background(), storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	deadline := time.Now().Add(mailtest.Scaled(30 * time.Second))
	for {
		open, err := st.OpenReminders(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, r := range open {
			if r.State != store.StateSent {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			c.kill(t)
			t.Fatalf("%d reminders still not sent after the last restart; log:\n%s", pending, c.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	c.kill(t)
	finalRun, finalDups := settle()
	reconciled += strings.Count(c.stderr.String(), "interrupted send found in the mailbox")
	resent += strings.Count(c.stderr.String(), "interrupted send not in the mailbox")
	elapsed := time.Since(began)

	// A further restart, with nothing in flight, sends nothing at all.
	c = startChild(t, cfgPath)
	time.Sleep(300 * time.Millisecond)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("the child did not stop cleanly on SIGTERM: %v\n%s", err, c.stderr.String())
	}
	quietRun, _ := settle()

	// Every reminder arrived, under its own Message-ID, and is marked sent.
	recs, err := st.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for _, rec := range recs {
		for _, r := range rec.Reminders {
			if want := "r." + r.Token + ".0@example.org"; !seen[want] || r.State != store.StateSent || r.MessageID != want {
				lost++
			}
		}
	}
	total := len(be.Messages())
	dups := total - len(seen)
	maxRunDups := 0
	for _, d := range append(dupsPerRun, finalDups) {
		maxRunDups = max(maxRunDups, d)
	}
	t.Logf("crash test: %d reminders, %d SIGKILLs at 20-300 ms after start, then a run to the end (%v in all)",
		reminders, kills, elapsed.Round(time.Millisecond))
	t.Logf("crash test: delivered per killed run %v, then %d in the last run", perRun, finalRun)
	t.Logf("crash test: %d lost, %d duplicates (%d per run at most; per killed run %v, last run %d), "+
		"%d interrupted sends found in the Inbox and not resent, %d not found and resent, %d sent by a settled restart",
		lost, dups, maxRunDups, dupsPerRun, finalDups, reconciled, resent, quietRun)
	if len(recs) != reminders {
		t.Errorf("%d interviews stored, want %d", len(recs), reminders)
	}
	if lost != 0 {
		t.Errorf("%d reminders lost", lost)
	}
	if len(seen) != reminders {
		t.Errorf("%d distinct messages delivered, want %d", len(seen), reminders)
	}
	if dups > kills || maxRunDups > 1 {
		t.Errorf("%d duplicates in all, up to %d in one run; want at most one per kill", dups, maxRunDups)
	}
	if quietRun != 0 {
		t.Errorf("a restart with nothing in flight sent %d messages", quietRun)
	}
}
