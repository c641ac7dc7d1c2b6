package mailbox

import (
	"bytes"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
)

// mailEnv is a mail server the watcher scenarios run against: the
// in-process imapmemserver here, a real Dovecot in dovecot_test.go.
type mailEnv interface {
	config(t *testing.T, sent string) *config.IMAP
	// options are the watcher options the server needs (a dialer).
	options() []Option
	// deliver puts raw into the INBOX with the current time as INTERNALDATE.
	deliver(t *testing.T, raw []byte)
	stop(t *testing.T)
	restart(t *testing.T)
	// resetUIDValidity gives the INBOX a new UIDVALIDITY, keeping its mail,
	// and returns it.
	resetUIDValidity(t *testing.T) uint32
	// secrets must never appear in the watcher's log.
	secrets() []string
	stats() *netStats
}

type memEnv struct {
	s  *mailtest.MemIMAP
	st *netStats
}

func newMemEnv(t *testing.T, noIdle bool) *memEnv {
	e := &memEnv{s: startMemServer(t), st: &netStats{}}
	if noIdle {
		e.st.wrap = func(c net.Conn) net.Conn { return &capFilterConn{Conn: c} }
	}
	return e
}

func (e *memEnv) config(t *testing.T, sent string) *config.IMAP {
	return testConfig(t, e.s.Addr, testUser, testPassword, sent)
}
func (e *memEnv) options() []Option                { return []Option{WithDialer(e.st.dial)} }
func (e *memEnv) deliver(t *testing.T, raw []byte) { e.s.Append("INBOX", raw, time.Now()) }
func (e *memEnv) stop(*testing.T)                  { e.s.Stop() }
func (e *memEnv) restart(*testing.T)               { e.s.Start() }
func (e *memEnv) secrets() []string                { return nil }
func (e *memEnv) stats() *netStats                 { return e.st }

// resetUIDValidity re-creates the INBOX and drops every connection:
// imapmemserver, unlike Dovecot, would not tell the selected sessions.
func (e *memEnv) resetUIDValidity(*testing.T) uint32 {
	e.s.Recreate("INBOX")
	e.s.Restart()
	return e.s.UIDValidity("INBOX")
}

// capFilterConn removes IDLE from the server's capability lists, as a
// server without IDLE would send them.
type capFilterConn struct{ net.Conn }

func (c *capFilterConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	// Capability lines are short and arrive in one read here.
	if i := bytes.Index(p[:n], []byte("CAPABILITY")); i >= 0 {
		filtered := bytes.ReplaceAll(p[:n], []byte(" IDLE"), nil)
		n = copy(p, filtered)
	}
	return n, err
}

func TestScenariosMemServer(t *testing.T) {
	t.Run("new message via IDLE", func(t *testing.T) { scenarioIdleNewMessage(t, newMemEnv(t, false)) })
	t.Run("server drops the connection", func(t *testing.T) { scenarioDropRestart(t, newMemEnv(t, false)) })
	t.Run("UIDVALIDITY change", func(t *testing.T) { scenarioUIDValidity(t, newMemEnv(t, false)) })
	t.Run("poll fallback", func(t *testing.T) { scenarioPoll(t, newMemEnv(t, true)) })
	t.Run("only small parts fetched", func(t *testing.T) { scenarioSmallParts(t, newMemEnv(t, false)) })
}

func newScenarioWatcher(t *testing.T, e mailEnv, cfg *config.IMAP, opts ...Option) (*Watcher, *memState, *recorder, *logBuffer) {
	t.Helper()
	st := newMemState()
	rec := newRecorder()
	logger, logs := newTestLogger(t, e.secrets()...)
	opts = append([]Option{WithBackoff(20*time.Millisecond, 200*time.Millisecond), WithReadTimeout(10 * time.Second)}, opts...)
	w := New(cfg, st, rec.handle, logger, append(e.options(), opts...)...)
	return w, st, rec, logs
}

func scenarioIdleNewMessage(t *testing.T, e mailEnv) {
	cfg := e.config(t, "")
	w, st, rec, logs := newScenarioWatcher(t, e, cfg, WithIdleRestart(time.Hour))
	w.idleSettle = 50 * time.Millisecond
	idles := idleSignal(w)
	startWatcher(t, w)
	waitIdle(t, idles, 2) // the short settle IDLE, then the long one
	// imapmemserver drops the notice of mail that lands as IDLE starts.
	time.Sleep(50 * time.Millisecond)

	id := newID("idle")
	from := rec.mark()
	delivered := time.Now()
	e.deliver(t, withMessageID(readFixture(t, "gmail-invitation.eml"), id))
	got := rec.waitIDs(t, from, 10*time.Second, id)
	t.Logf("IDLE: delivery to handler in %v", time.Since(delivered).Round(time.Millisecond))

	if !strings.Contains(logs.String(), "idle=true") {
		t.Errorf("the watcher did not use IDLE")
	}
	m := got[0]
	if m.Folder != "INBOX" || m.UID == 0 {
		t.Errorf("folder %q uid %d", m.Folder, m.UID)
	}
	if d := time.Since(m.InternalDate); d < -time.Minute || d > time.Minute {
		t.Errorf("internal date %v is not about now", m.InternalDate)
	}
	if len(m.Invitations) != 2 {
		t.Fatalf("got %d invitations, want 2", len(m.Invitations))
	}
	for _, inv := range m.Invitations {
		if !bytes.Contains(inv, []byte("SUMMARY:Interview with Jane Doe at Acme Corp")) {
			t.Errorf("invitation lacks the summary: %.80q", inv)
		}
	}
	if !strings.Contains(m.Text, "3pm \u2013 4pm") || !strings.Contains(m.HTML, "<h3") {
		t.Errorf("text %.60q html %.60q", m.Text, m.HTML)
	}
	if ar := m.Header.Get("Authentication-Results"); !strings.Contains(ar, "dkim=pass") {
		t.Errorf("Authentication-Results = %q", ar)
	}
	waitFor(t, func() bool { return st.get("INBOX").LastUID == m.UID }, "the state to reach the message's UID")
}

func scenarioDropRestart(t *testing.T, e mailEnv) {
	cfg := e.config(t, "")
	w, _, rec, logs := newScenarioWatcher(t, e, cfg, WithIdleRestart(time.Hour))
	startWatcher(t, w)

	id1 := newID("before-drop")
	e.deliver(t, testMessage(id1, "before the drop"))
	rec.waitIDs(t, 0, 10*time.Second, id1)

	dropped := time.Now()
	e.stop(t)
	logs.waitLog(t, "imap connection lost", 30*time.Second)
	t.Logf("drop noticed in %v", time.Since(dropped).Round(time.Millisecond))
	e.restart(t)

	id2 := newID("after-drop")
	restarted := time.Now()
	e.deliver(t, testMessage(id2, "after the drop"))
	got := rec.waitIDs(t, 0, 30*time.Second, id1, id2)
	t.Logf("after the restart, delivery to handler in %v", time.Since(restarted).Round(time.Millisecond))
	if ids := idsOf(got); len(ids) != 2 {
		t.Errorf("handled %q; want each message once", ids)
	}
	if n := e.stats().maxLive.Load(); n > maxConns {
		t.Errorf("%d connections at once", n)
	}
}

func scenarioUIDValidity(t *testing.T, e mailEnv) {
	cfg := e.config(t, "")
	// A short window: mail delivered before it must not be handed on again.
	const window = 3 * time.Second
	cfg.Backfill = window
	// The clock stops once the recent message is in, so that however long
	// the server takes to report the change, that message stays inside.
	var stopped atomic.Int64
	clock := func() time.Time {
		if ns := stopped.Load(); ns != 0 {
			return time.Unix(0, ns)
		}
		return time.Now()
	}
	w, st, rec, logs := newScenarioWatcher(t, e, cfg, WithIdleRestart(time.Hour), WithClock(clock))
	startWatcher(t, w)

	old := newID("outside-window")
	e.deliver(t, testMessage(old, "outside the window"))
	rec.waitIDs(t, 0, 10*time.Second, old)
	time.Sleep(window + 1500*time.Millisecond) // INTERNALDATE has whole seconds

	recent := newID("inside-window")
	e.deliver(t, testMessage(recent, "inside the window"))
	rec.waitIDs(t, 0, 10*time.Second, recent)
	stopped.Store(time.Now().UnixNano())
	before := st.get("INBOX").UIDValidity

	from := rec.mark()
	validity := e.resetUIDValidity(t)
	if validity == before {
		t.Fatalf("UIDVALIDITY still %d", validity)
	}
	nudge := newID("after-reset")
	e.deliver(t, testMessage(nudge, "after the reset"))
	rec.waitIDs(t, from, 20*time.Second, recent, nudge)
	time.Sleep(300 * time.Millisecond) // anything more would come now
	got := idsOf(rec.since(from))
	slices.Sort(got)
	want := []string{recent, nudge}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after the UIDVALIDITY change, handled %q; want only the window's %q", got, want)
	}
	if logs.count("imap uidvalidity changed") == 0 {
		t.Errorf("the UIDVALIDITY change was not logged")
	}
	waitFor(t, func() bool { return st.get("INBOX").UIDValidity == validity }, "the new UIDVALIDITY to be saved")
}

func scenarioPoll(t *testing.T, e mailEnv) {
	cfg := e.config(t, "")
	cfg.Poll = 300 * time.Millisecond
	w, _, rec, logs := newScenarioWatcher(t, e, cfg)
	startWatcher(t, w)
	logs.waitLog(t, "idle=false", 10*time.Second)

	id := newID("polled")
	delivered := time.Now()
	e.deliver(t, testMessage(id, "seen by polling"))
	rec.waitIDs(t, 0, 10*time.Second, id)
	t.Logf("poll every %v: delivery to handler in %v", cfg.Poll, time.Since(delivered).Round(time.Millisecond))
	if n := logs.count("imap connected"); n != 1 {
		t.Errorf("connected %d times; polling must keep its connection", n)
	}
	if n := e.stats().idleCommands.Load(); n > 0 || strings.Contains(logs.String(), "idle=true") {
		t.Errorf("the watcher sent %d IDLE commands to a server without IDLE", n)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(mailtest.Scaled(10 * time.Second))
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// interviewPack is a message with a small text body and invitation and two
// large attachments: a 5 MiB PDF and a 3 MiB .ics (above the cap).
func interviewPack(id string) []byte {
	pdf := b64(strings.Repeat("%PDF-1.7 binary-ish attachment bytes\n", 5<<20/37))
	bigICS := b64("BEGIN:VCALENDAR\r\nX-PAD:" + strings.Repeat("z", 3<<20) + "\r\nEND:VCALENDAR\r\n")
	return []byte(crlf("From: Jane Doe <jane.doe@acme-corp.example>\nTo: " + testUser + "\nSubject: Interview pack\n" +
		"Message-ID: <" + id + ">\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=outer\n\n" +
		"--outer\nContent-Type: multipart/alternative; boundary=alt\n\n" +
		"--alt\nContent-Type: text/plain; charset=utf-8\n\nSee you on Wednesday.\n" +
		"--alt\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\n\n" + testCalendar + "\n--alt--\n" +
		"--outer\nContent-Type: application/pdf; name=brochure.pdf\nContent-Disposition: attachment; filename=brochure.pdf\nContent-Transfer-Encoding: base64\n\n" + pdf + "\n" +
		"--outer\nContent-Type: application/ics; name=huge.ics\nContent-Disposition: attachment; filename=huge.ics\nContent-Transfer-Encoding: base64\n\n" + bigICS + "\n" +
		"--outer--\n"))
}

// scenarioSmallParts checks that the server's body structure and part
// sections lead to the same result as ReadMessage on the whole message,
// and that large attachments are never downloaded.
func scenarioSmallParts(t *testing.T, e mailEnv) {
	cfg := e.config(t, "")
	w, _, rec, logs := newScenarioWatcher(t, e, cfg)
	startWatcher(t, w)

	pack := newID("pack")
	raws := map[string][]byte{pack: interviewPack(pack)}
	for _, f := range []string{"cancel-single-part.eml", "latin1-invitation.eml", "outlook-invitation.eml", "apple-invitation.eml"} {
		id := newID(strings.TrimSuffix(f, ".eml"))
		raws[id] = withMessageID(readFixture(t, f), id)
	}
	var ids []string
	size := 0
	for id, raw := range raws {
		e.deliver(t, raw)
		ids = append(ids, id)
		size += len(raw)
	}
	for _, m := range rec.waitIDs(t, 0, 20*time.Second, ids...) {
		want, err := ReadMessage(bytes.NewReader(raws[idOf(m)]), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Invitations) != len(want.Invitations) {
			t.Errorf("%s: %d invitations from the server, %d from the whole message", idOf(m), len(m.Invitations), len(want.Invitations))
			continue
		}
		for i := range want.Invitations {
			if !bytes.Equal(m.Invitations[i], want.Invitations[i]) {
				t.Errorf("%s: invitation %d differs from the whole message's:\n%q\n%q", idOf(m), i, m.Invitations[i], want.Invitations[i])
			}
		}
		if m.Text != want.Text || m.HTML != want.HTML {
			t.Errorf("%s: text %.40q html %.40q; from the whole message %.40q %.40q", idOf(m), m.Text, m.HTML, want.Text, want.HTML)
		}
		if idOf(m) == pack && (len(m.Invitations) != 1 || m.Text != "See you on Wednesday.") {
			t.Errorf("interview pack: %d invitations, text %q", len(m.Invitations), m.Text)
		}
	}
	read := e.stats().bytesRead.Load()
	t.Logf("%d messages of %d KiB in all; the watcher read %d KiB", len(raws), size>>10, read>>10)
	if read > 96<<10 {
		t.Errorf("read %d bytes from the server; the large parts must not be fetched", read)
	}
	if !strings.Contains(logs.String(), `msg="message part not fetched: above the size cap" folder=INBOX`) {
		t.Errorf("the oversized invitation was not logged")
	}
}
