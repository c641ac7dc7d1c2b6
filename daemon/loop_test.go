package daemon

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/store"
)

// The whole reply loop: the dispatcher sends the thank-you reminder over
// SMTP, it lands in the owner's Inbox (where the watcher must skip it as our
// own), the owner's reply arrives there, the daemon (its real mailbox
// watcher with IDLE, and the reply handler) changes the state, and the
// acknowledgement goes out over SMTP. Against the in-process servers
// (imapmemserver, go-smtp) and against a private Dovecot. The tests assert
// that each change happens within a generous deadline and log the
// latencies; they never assert them (BenchmarkReplyLoop measures them).

// loopRuns is how many replies each loop test sends: enough to show the
// loop works more than once; the timing is the benchmark's.
const loopRuns = 3

// loopDeadline bounds one reply's way through the loop.
var loopDeadline = mailtest.Scaled(30 * time.Second)

// loopEnv is a running daemon and what it talks to.
type loopEnv struct {
	d       *Daemon
	rp      *rpEnv // st and cfg, for storing interviews
	sink    *mailtest.SMTPServer
	deliver func(raw []byte)
	logs    *mailtest.LogBuffer
}

// startLoop runs the daemon built by New on the configuration o (with the
// sink as [smtp]) until the test ends.
func startLoop(t testing.TB, o rpOptions, deliver func(raw []byte)) *loopEnv {
	t.Helper()
	sink := mailtest.StartSMTP(t)
	o.smtpAddr, o.acknowledge, o.noQuietHours = sink.Addr, true, true
	cfg := rpConfig(t, o)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &mailtest.LogBuffer{}
	d := New(cfg, st, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon Run: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Error(err)
		}
		if t.Failed() || os.Getenv("FOLLOWUPD_TEST_LOG") != "" {
			t.Logf("daemon log:\n%s", logs.String())
		}
	})
	e := &loopEnv{d: d, rp: &rpEnv{st: st, cfg: cfg}, sink: sink, deliver: deliver, logs: logs}
	// The watcher is in IDLE (or at least logged in) before the first reply.
	deadline := time.Now().Add(loopDeadline)
	for !strings.Contains(logs.String(), "imap connected") {
		if time.Now().After(deadline) {
			t.Fatalf("the watcher never connected:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e
}

// replyOnce stores a fresh interview whose thank-you is due now, lets the
// dispatcher send it and delivers it to the mailbox, then delivers the
// owner's "sent" reply to it and returns how long the state took to change
// (polled every 10 ms).
func (e *loopEnv) replyOnce(t testing.TB, i int) time.Duration {
	t.Helper()
	ctx := context.Background()
	uid := fmt.Sprintf("loop-%d-%d@test", time.Now().UnixNano(), i)
	// Thank-you due = end + 1h: ten seconds ago, on time for the dispatcher.
	end := time.Now().Add(-time.Hour - 10*time.Second)
	_, ty, _ := e.rp.addInterview(t, uid, end.Add(-time.Hour), false)
	e.d.dispatcher.Kick()
	var sent store.ReminderRecord
	for began := time.Now(); sent.State != store.StateSent; time.Sleep(10 * time.Millisecond) {
		if time.Since(began) > loopDeadline {
			t.Fatalf("run %d: the dispatcher did not send the thank-you within %v:\n%s", i, loopDeadline, e.logs.String())
		}
		var err error
		if sent, err = e.rp.st.Reminder(ctx, ty.ID); err != nil {
			t.Fatal(err)
		}
	}
	var reminder []byte
	for _, m := range e.sink.Messages() {
		if bytes.Contains(m.Raw, []byte("Message-ID: <"+sent.MessageID+">")) {
			reminder = m.Raw
		}
	}
	if reminder == nil {
		t.Fatalf("run %d: the thank-you email is not at the SMTP server", i)
	}
	e.deliver(reminder)

	reply := ownerReply(fmt.Sprintf("loop-reply-%d-%d@example.org", time.Now().UnixNano(), i),
		sent.MessageID, time.Now().Format(time.RFC1123Z), "Sent it, thanks!")
	began := time.Now()
	e.deliver([]byte(reply))
	for time.Since(began) < loopDeadline {
		r, err := e.rp.st.Reminder(ctx, ty.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.State == store.StateConfirmed {
			return time.Since(began)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("run %d: the thank-you was not confirmed within %v", i, loopDeadline)
	return 0
}

// runLoop sends loopRuns replies one after the other, checks that each was
// acknowledged over SMTP in its thread, and returns the latencies, sorted.
func (e *loopEnv) runLoop(t testing.TB, n int) []time.Duration {
	t.Helper()
	var took []time.Duration
	for i := range n {
		took = append(took, e.replyOnce(t, i))
	}
	acks := func() [][]byte {
		var out [][]byte
		for _, m := range e.sink.Messages() {
			if bytes.Contains(m.Raw, []byte("In-Reply-To: <loop-reply-")) {
				out = append(out, m.Raw)
			}
		}
		return out
	}
	deadline := time.Now().Add(loopDeadline)
	for len(acks()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := len(acks()); got != n {
		t.Fatalf("%d acknowledgements reached the SMTP server, want %d", got, n)
	}
	for _, a := range acks() {
		if !bytes.Contains(a, []byte("is marked sent.")) {
			t.Fatalf("acknowledgement:\n%s", a)
		}
	}
	// Our own emails in the Inbox were skipped, not taken for replies.
	for _, bad := range []string{"reply refused", "reply ignored", "interview changed"} {
		if strings.Contains(e.logs.String(), bad) {
			t.Errorf("the log says %q: one of our own emails was read as mail to act on", bad)
		}
	}
	if got := strings.Count(e.logs.String(), "own email in the mailbox; skipped"); got != n {
		t.Errorf("%d of our own emails skipped in the Inbox, want %d", got, n)
	}
	if recs, err := e.rp.st.Interviews(context.Background()); err != nil || len(recs) != n {
		t.Errorf("%d interviews stored, want %d (%v)", len(recs), n, err)
	}
	slices.Sort(took)
	return took
}

func percentile(sorted []time.Duration, p int) time.Duration {
	return sorted[(len(sorted)-1)*p/100]
}

// startMemIMAP runs an imapmemserver with the owner's account (INBOX and
// Sent) and returns it and a function that appends to INBOX.
func startMemIMAP(t testing.TB) (*mailtest.MemIMAP, func(raw []byte)) {
	t.Helper()
	m := mailtest.StartMemIMAP(t, "alex.morgan@example.org", "pw-never-logged", mailtest.IMAPFolders("INBOX", "Sent"))
	return m, func(raw []byte) { m.Append("INBOX", raw, time.Now()) }
}

func TestReplyLoopInProcess(t *testing.T) {
	m, appendInbox := startMemIMAP(t)
	e := startLoop(t, rpOptions{imapAddr: m.Addr, sent: "Sent"}, appendInbox)
	took := e.runLoop(t, loopRuns)
	t.Logf("in-process IMAP (IDLE) + SMTP, %d replies: reply appended → state changed p50 %v, max %v",
		len(took), percentile(took, 50).Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
}

func TestReplyLoopDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	if d == nil {
		return
	}
	e := startLoop(t, rpOptions{imapAddr: d.IMAPAddr(), user: d.User, password: d.Password},
		func(raw []byte) { d.Deliver(t, d.User, raw) })
	took := e.runLoop(t, loopRuns)
	t.Logf("Dovecot (IDLE, LMTP delivery) + SMTP, %d replies: reply delivered → state changed p50 %v, max %v",
		len(took), percentile(took, 50).Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
}

// BenchmarkReplyLoop reports the latency from a reply reaching the mailbox
// to the state change, as p50_ms and max_ms.
func BenchmarkReplyLoop(b *testing.B) {
	b.Run("in-process", func(b *testing.B) {
		m, appendInbox := startMemIMAP(b)
		benchLoop(b, startLoop(b, rpOptions{imapAddr: m.Addr, sent: "Sent"}, appendInbox))
	})
	b.Run("dovecot", func(b *testing.B) {
		d := mailtest.StartDovecot(b)
		if d == nil {
			return
		}
		benchLoop(b, startLoop(b, rpOptions{imapAddr: d.IMAPAddr(), user: d.User, password: d.Password},
			func(raw []byte) { d.Deliver(b, d.User, raw) }))
	})
}

func benchLoop(b *testing.B, e *loopEnv) {
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		took = append(took, e.replyOnce(b, i))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(percentile(took, 50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max_ms")
}
