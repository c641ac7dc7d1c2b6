package daemon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

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
// latencies; they never assert them.

// loopRuns is how many replies each loop test sends.
const loopRuns = 20

// loopDeadline bounds one reply's way through the loop.
const loopDeadline = 30 * time.Second

// smtpSink is an in-process SMTP server that keeps what it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *smtpSink) received() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...)
}

type sinkSession struct{ s *smtpSink }

func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, b)
	x.s.mu.Unlock()
	return nil
}
func (*sinkSession) Reset()        {}
func (*sinkSession) Logout() error { return nil }

type discardSMTPLog struct{}

func (discardSMTPLog) Printf(string, ...any) {}
func (discardSMTPLog) Println(...any)        {}

// startSMTPSink runs the sink on 127.0.0.1 until the test ends.
func startSMTPSink(t testing.TB) (*smtpSink, string) {
	t.Helper()
	sink := &smtpSink{}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = discardSMTPLog{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return sink, l.Addr().String()
}

// startMemIMAP runs an imapmemserver with the owner's account (INBOX and
// Sent) and returns its address and a function that appends to INBOX.
func startMemIMAP(t testing.TB, user, password string) (string, func(raw []byte)) {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	for _, f := range []string{"INBOX", "Sent"} {
		if err := u.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		_ = l.Close()
		_ = srv.Close()
	})
	appendInbox := func(raw []byte) {
		if _, err := u.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	return l.Addr().String(), appendInbox
}

// loopEnv is a running daemon and what it talks to.
type loopEnv struct {
	d       *Daemon
	rp      *rpEnv // st and cfg, for storing interviews
	sink    *smtpSink
	deliver func(raw []byte)
	logs    *rpLog
}

// startLoop runs the daemon built by New on the configuration o (with the
// sink as [smtp]) until the test ends.
func startLoop(t testing.TB, o rpOptions, deliver func(raw []byte)) *loopEnv {
	t.Helper()
	sink, smtpAddr := startSMTPSink(t)
	o.smtpAddr, o.acknowledge, o.noQuietHours = smtpAddr, true, true
	cfg := rpConfig(t, o)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &rpLog{}
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
	for _, m := range e.sink.received() {
		if bytes.Contains(m, []byte("Message-ID: <"+sent.MessageID+">")) {
			reminder = m
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
		for _, m := range e.sink.received() {
			if bytes.Contains(m, []byte("In-Reply-To: <loop-reply-")) {
				out = append(out, m)
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

func TestReplyLoopInProcess(t *testing.T) {
	addr, appendInbox := startMemIMAP(t, "alex.morgan@example.org", "pw-never-logged")
	e := startLoop(t, rpOptions{imapAddr: addr, sent: "Sent"}, appendInbox)
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
		addr, appendInbox := startMemIMAP(b, "alex.morgan@example.org", "pw-never-logged")
		benchLoop(b, startLoop(b, rpOptions{imapAddr: addr, sent: "Sent"}, appendInbox))
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
