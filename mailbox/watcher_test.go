package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/followupd/followupd/internal/backoff"
	"github.com/followupd/followupd/internal/mailtest"
)

// fixedNow is the injected clock of the tests that pin dates.
var fixedNow = time.Date(2026, 11, 4, 12, 0, 0, 0, time.UTC)

// memWatcher is a watcher on an in-process server with short timings.
func memWatcher(t *testing.T, s *mailtest.MemIMAP, stats *netStats, sent string, opts ...Option) (*Watcher, *memState, *recorder, *logBuffer) {
	t.Helper()
	cfg := testConfig(t, s.Addr, testUser, testPassword, sent)
	st := newMemState()
	rec := newRecorder()
	logger, logs := newTestLogger(t)
	base := []Option{WithDialer(stats.dial), WithBackoff(10*time.Millisecond, 100*time.Millisecond), WithReadTimeout(5 * time.Second)}
	w := New(cfg, st, rec.handle, logger, append(base, opts...)...)
	return w, st, rec, logs
}

func TestWatcherBackfillWindow(t *testing.T) {
	// The window's edge is 2026-10-05 12:00 UTC; SINCE asks from 10-04.
	tests := []struct {
		name string
		age  time.Duration
		want bool
	}{
		{"an hour old", time.Hour, true},
		{"29 days old", 29 * 24 * time.Hour, true},
		{"just inside the window", 30*24*time.Hour - time.Minute, true},
		{"just outside the window, same day", 30*24*time.Hour + time.Minute, false},
		{"one day outside, found by the wider SINCE", 30*24*time.Hour + 20*time.Hour, false},
		{"90 days old", 90 * 24 * time.Hour, false},
	}
	s := startMemServer(t)
	var want []string
	for _, tt := range tests {
		id := newID(strings.ReplaceAll(tt.name, " ", "-"))
		s.Append("INBOX", testMessage(id, tt.name), fixedNow.Add(-tt.age))
		if tt.want {
			want = append(want, id)
		}
	}
	w, st, rec, _ := memWatcher(t, s, &netStats{}, "", WithClock(func() time.Time { return fixedNow }))
	startWatcher(t, w)
	last := uint32(len(tests))
	waitFor(t, func() bool { return st.get("INBOX").LastUID == last }, "the first sync")
	got := idsOf(rec.since(0))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("handled %q; want %q", got, want)
	}

	// After the first run only UIDs above the last one count, whatever their
	// date: one that arrives with an INTERNALDATE older than the window (a
	// server that keeps the sender's date, or an outage longer than the
	// window) is still handed on.
	id := newID("new-after-first-run")
	s.Append("INBOX", testMessage(id, "new"), fixedNow)
	old := newID("old-date-after-first-run")
	s.Append("INBOX", testMessage(old, "old date"), fixedNow.Add(-90*24*time.Hour))
	rec.waitIDs(t, len(want), 5*time.Second, id, old)
}

func TestWatcherBrokenMessageDoesNotBlock(t *testing.T) {
	s := startMemServer(t)
	good1, good2, failing, panicking := newID("good"), newID("good"), newID("handler-error"), newID("handler-panic")
	s.Append("INBOX", testMessage(good1, "first good"), fixedNow)
	// Not a message at all: no header, no body structure the server can build.
	s.Append("INBOX", []byte("\x00\x01 not a message\r\nat all\x00"), fixedNow)
	s.Append("INBOX", testMessage(failing, "the handler fails"), fixedNow)
	s.Append("INBOX", testMessage(panicking, "the handler panics"), fixedNow)
	s.Append("INBOX", testMessage(good2, "second good"), fixedNow)

	w, st, rec, logs := memWatcher(t, s, &netStats{}, "", WithClock(func() time.Time { return fixedNow }))
	rec.fail = func(m Message) error {
		switch idOf(m) {
		case failing:
			return errors.New("store is full")
		case panicking:
			panic("handler bug")
		}
		return nil
	}
	startWatcher(t, w)
	waitFor(t, func() bool { return st.get("INBOX").LastUID == 5 }, "all five messages to count as processed")
	got := idsOf(rec.since(0))
	if want := []string{good1, failing, panicking, good2}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("handled %q; want %q", got, want)
	}
	for _, line := range []string{"uid=2", "message handler failed", "uid=3", "message handler panicked", "uid=4"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q", line)
		}
	}
	if n := logs.count("imap connection lost"); n != 0 {
		t.Errorf("the connection was lost %d times", n)
	}
}

// refusingSession makes the server answer NO to any FETCH that names one UID.
type refusingSession struct {
	imapserver.Session
	refuse imap.UID
}

func (s *refusingSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if set, ok := numSet.(imap.UIDSet); ok && set.Contains(s.refuse) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "cannot fetch that message"}
	}
	return s.Session.Fetch(w, numSet, options)
}

func TestWatcherServerRefusesOneMessage(t *testing.T) {
	s := startMemServer(t, mailtest.IMAPSessions(func(m *mailtest.MemIMAP) imapserver.Session {
		return &refusingSession{Session: m.Mem.NewSession(), refuse: 2}
	}))
	ids := []string{newID("a"), newID("refused"), newID("c")}
	for _, id := range ids {
		s.Append("INBOX", testMessage(id, "x"), fixedNow)
	}
	w, st, rec, logs := memWatcher(t, s, &netStats{}, "", WithClock(func() time.Time { return fixedNow }))
	startWatcher(t, w)
	waitFor(t, func() bool { return st.get("INBOX").LastUID == 3 }, "all three messages to count as processed")
	if got, want := idsOf(rec.since(0)), []string{ids[0], ids[2]}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("handled %q; want %q", got, want)
	}
	if !strings.Contains(logs.String(), `msg="message skipped: the server cannot fetch it" folder=INBOX uid=2 attempts=3`) {
		t.Errorf("the refused message was not logged with its UID")
	}
	if got := idsOf(rec.since(0)); len(got) != 2 {
		t.Errorf("handled %q; a retry must not hand a message on twice", got)
	}
}

// poisonConn drops the connection whenever the server sends marker, as a
// response the client cannot parse would.
type poisonConn struct {
	net.Conn
	marker []byte
	tail   []byte
}

func (c *poisonConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	window := append(c.tail, p[:n]...)
	if bytes.Contains(window, c.marker) {
		_ = c.Conn.Close()
		return 0, errors.New("poisoned response")
	}
	c.tail = append(c.tail[:0], window[max(0, len(window)-len(c.marker)+1):]...)
	return n, err
}

func TestWatcherSkipsMessageThatBreaksTheConnection(t *testing.T) {
	const marker = "Poison-Subject-3f9a"
	s := startMemServer(t)
	ids := []string{newID("before"), newID("poison"), newID("after")}
	s.Append("INBOX", testMessage(ids[0], "fine"), fixedNow)
	s.Append("INBOX", testMessage(ids[1], marker), fixedNow)
	s.Append("INBOX", testMessage(ids[2], "fine too"), fixedNow)
	stats := &netStats{wrap: func(c net.Conn) net.Conn { return &poisonConn{Conn: c, marker: []byte(marker)} }}
	w, st, rec, logs := memWatcher(t, s, stats, "", WithClock(func() time.Time { return fixedNow }))
	startWatcher(t, w)
	waitFor(t, func() bool { return st.get("INBOX").LastUID == 3 }, "the messages after the poison one")
	if got, want := idsOf(rec.since(0)), []string{ids[0], ids[2]}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("handled %q; want %q", got, want)
	}
	if !strings.Contains(logs.String(), `msg="message skipped: fetching it broke the connection repeatedly" folder=INBOX uid=2`) {
		t.Errorf("the skipped message was not logged with its UID")
	}
	t.Logf("connections: %d", stats.dials.Load())
}

func TestWatcherSecondConnection(t *testing.T) {
	s := startMemServer(t)
	stats := &netStats{}
	w, _, rec, _ := memWatcher(t, s, stats, "Sent", WithClock(time.Now))
	startWatcher(t, w)
	ctx := t.Context()

	var wg sync.WaitGroup
	var appended sync.Map
	for g := range 4 {
		wg.Go(func() {
			for i := range 3 {
				id := newID(fmt.Sprintf("sent-%d-%d", g, i))
				var err error
				for range 50 { // a drop below may fail one try
					if err = w.Append(ctx, "Sent", []imap.Flag{imap.FlagSeen}, time.Now(), testMessage(id, "thank you")); err == nil {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				if err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				appended.Store(id, true)
				if g == 0 && i == 1 {
					s.Restart() // every connection drops
				}
			}
		})
	}
	wg.Wait()
	var ids []string
	appended.Range(func(k, _ any) bool { ids = append(ids, k.(string)); return true })
	got := rec.waitIDs(t, 0, 10*time.Second, ids...)
	for _, m := range got {
		if m.Folder != "Sent" {
			t.Errorf("message %s handed on from %q", idOf(m), m.Folder)
		}
	}

	draft := newID("draft")
	if err := w.Append(ctx, "Drafts", []imap.Flag{imap.FlagDraft}, time.Time{}, testMessage(draft, "draft")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		folder, id string
		want       bool
	}{
		{"Drafts", draft, true},
		{"Drafts", "<" + draft + ">", true},
		{"Sent", ids[0], true},
		{"Sent", draft, false},
		{"Sent", "no-such-id@test.example", false},
	} {
		got, err := w.HasMessageID(ctx, tt.folder, tt.id)
		if err != nil || got != tt.want {
			t.Errorf("HasMessageID(%s, %s) = %v, %v; want %v", tt.folder, tt.id, got, err, tt.want)
		}
	}
	if _, err := w.HasMessageID(ctx, "No Such Folder", draft); err == nil {
		t.Errorf("HasMessageID in a missing folder: no error")
	}
	if n := stats.maxLive.Load(); n > maxConns {
		t.Errorf("%d connections at once; the limit is %d", n, maxConns)
	}
	t.Logf("connections opened: %d, at most %d at once", stats.dials.Load(), stats.maxLive.Load())
}

func TestWatcherLoginRefused(t *testing.T) {
	s := startMemServer(t)
	// The server knows another password than the configured one.
	s.Mem.AddUser(imapmemserver.NewUser(testUser, "the-server-password"))
	stats := &netStats{}
	w, _, rec, logs := memWatcher(t, s, stats, "Sent", WithLoginRetry(250*time.Millisecond))
	began := time.Now()
	startWatcher(t, w)
	// Wait for a few tries (not a fixed time, which a slow run could
	// spend on one), then judge the rate over the time they took.
	waitFor(t, func() bool { return stats.dials.Load() >= 4 }, "four login attempts")
	took := time.Since(began)
	if n := logs.count("imap login refused"); n != 1 {
		t.Errorf("the refusal was logged %d times; want once", n)
	}
	if !strings.Contains(logs.String(), "reason=\"[AUTHENTICATIONFAILED] Authentication failed\"") {
		t.Errorf("the log does not give the server's reason")
	}
	// About one try per 250 ms for both connections together; a tight loop
	// would make hundreds.
	if n, most := stats.dials.Load(), 2*int64(took/(250*time.Millisecond))+4; n > most {
		t.Errorf("%d login attempts in %v with a 250 ms retry; want at most %d", n, took, most)
	}

	fixed := imapmemserver.NewUser(testUser, testPassword)
	for _, f := range []string{"INBOX", "Sent"} {
		if err := fixed.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	id := newID("after-fix")
	if _, err := fixed.Append("INBOX", bytes.NewReader(testMessage(id, "x")), &imap.AppendOptions{Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Mem.AddUser(fixed)
	rec.waitIDs(t, 0, 5*time.Second, id)
	if !strings.Contains(logs.String(), "imap login accepted again") {
		t.Errorf("the recovery was not logged")
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		err     error
		refused bool
	}{
		{&imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "bad"}, true},
		{&imap.Error{Type: imap.StatusResponseTypeBad, Text: "syntax"}, true},
		{&imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "try later"}, false},
		{net.ErrClosed, false},
	}
	for _, tt := range tests {
		var lr *LoginRefusedError
		if got := errors.As(refused(tt.err), &lr); got != tt.refused {
			t.Errorf("refused(%v) is a refusal: %v, want %v", tt.err, got, tt.refused)
		}
	}
	if refused(nil) != nil {
		t.Errorf("refused(nil) != nil")
	}
}

func TestBackoff(t *testing.T) {
	b := backoff.Backoff{Policy: backoff.Policy{Min: time.Second, Max: 8 * time.Second, Jitter: 0.5}}
	for round := range 2 {
		for i, step := range []time.Duration{1, 2, 4, 8, 8, 8} {
			step *= time.Second
			for range 20 {
				saved := b
				d := b.Next()
				if d < step/2 || d > step {
					t.Fatalf("round %d try %d: delay %v outside [%v, %v]", round, i, d, step/2, step)
				}
				b = saved
			}
			b.Next()
		}
		b.Reset()
	}
}
