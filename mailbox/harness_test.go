package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
)

const (
	testUser     = "alex.morgan@example.org"
	testPassword = "pw-Kq83-never-logged"
)

// testConfig writes a config file with an [imap] section for the server at
// addr and returns the validated section, with a short poll period.
func testConfig(t *testing.T, addr, user, password, sent string) *config.IMAP {
	t.Helper()
	return testConfigWith(t, addr, user, password, sent, "none", "")
}

// testConfigWith also sets the security and adds extra lines to [imap].
func testConfigWith(t *testing.T, addr, user, password, sent, security, extra string) *config.IMAP {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pwFile := mailtest.WriteSecret(t, dir, "imap-password", password)
	toml := fmt.Sprintf("[imap]\nhost = %q\nport = %s\nsecurity = %q\nusername = %q\npassword_file = %q\n%s\n"+
		"[imap.folders]\nsent = %q\n", host, port, security, user, pwFile, extra, sent)
	im, err := mailtest.LoadConfig(t, dir, toml).IMAP()
	if err != nil {
		t.Fatal(err)
	}
	im.Poll = 200 * time.Millisecond // below the config minimum, for tests only
	return im
}

// memState is an in-memory StateStore.
type memState struct {
	mu sync.Mutex
	m  map[string]FolderState
}

func newMemState() *memState { return &memState{m: make(map[string]FolderState)} }

func (s *memState) FolderState(_ context.Context, folder string) (FolderState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[folder], nil
}

func (s *memState) SaveFolderState(_ context.Context, folder string, st FolderState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[folder] = st
	return nil
}

func (s *memState) get(folder string) FolderState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[folder]
}

// recorder is a Handler that keeps every message it is given.
type recorder struct {
	mu      sync.Mutex
	msgs    []Message
	changed chan struct{}
	// fail, when set, decides the handler's result for a message.
	fail func(Message) error
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) handle(_ context.Context, m Message) error {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	fail := r.fail
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
	if fail != nil {
		return fail(m)
	}
	return nil
}

// mark is the number of messages handled so far.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

func (r *recorder) since(from int) []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs[from:]...)
}

func idOf(m Message) string {
	id, _ := m.Header.MessageID()
	return id
}

func idsOf(msgs []Message) []string {
	var ids []string
	for _, m := range msgs {
		ids = append(ids, idOf(m))
	}
	return ids
}

// waitIDs waits until every id has been handled after mark from, and
// returns the messages handled since from.
func (r *recorder) waitIDs(t *testing.T, from int, timeout time.Duration, ids ...string) []Message {
	t.Helper()
	deadline := time.After(mailtest.Scaled(timeout))
	for {
		got := r.since(from)
		seen := make(map[string]bool)
		for _, m := range got {
			seen[idOf(m)] = true
		}
		missing := 0
		for _, id := range ids {
			if !seen[id] {
				missing++
			}
		}
		if missing == 0 {
			return got
		}
		select {
		case <-r.changed:
		case <-deadline:
			t.Fatalf("after %v, handled %q; want %q", timeout, idsOf(got), ids)
			return nil
		}
	}
}

// logBuffer collects a watcher's log lines.
type logBuffer struct{ mailtest.LogBuffer }

func (l *logBuffer) count(s string) int { return strings.Count(l.String(), s) }

// waitLog waits until the log contains s.
func (l *logBuffer) waitLog(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(mailtest.Scaled(timeout))
	for !strings.Contains(l.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("log never said %q; log:\n%s", s, l.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newTestLogger returns a debug logger into a buffer; at the end of the
// test the buffer must not hold the password, and is shown on failure.
func newTestLogger(t *testing.T, secrets ...string) (*slog.Logger, *logBuffer) {
	t.Helper()
	buf := &logBuffer{}
	t.Cleanup(func() {
		out := buf.String()
		for _, s := range append(secrets, testPassword) {
			if strings.Contains(out, s) {
				t.Errorf("a secret appears in the log")
			}
		}
		if t.Failed() || os.Getenv("MAILBOX_TEST_LOG") != "" {
			t.Logf("watcher log:\n%s", out)
		}
	})
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// netStats counts a watcher's connections and the bytes it reads.
type netStats struct {
	dials, live, maxLive, bytesRead atomic.Int64
	// idleCommands counts the IDLE commands the watcher sent.
	idleCommands atomic.Int64
	// wrap, when set, wraps each new connection (after counting).
	wrap func(net.Conn) net.Conn
}

func (n *netStats) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	n.dials.Add(1)
	live := n.live.Add(1)
	for {
		m := n.maxLive.Load()
		if live <= m || n.maxLive.CompareAndSwap(m, live) {
			break
		}
	}
	var conn net.Conn = &countedConn{Conn: c, st: n}
	if n.wrap != nil {
		conn = n.wrap(conn)
	}
	return conn, nil
}

type countedConn struct {
	net.Conn
	st     *netStats
	closed atomic.Bool
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.st.bytesRead.Add(int64(n))
	return n, err
}

func (c *countedConn) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(" IDLE\r\n")) {
		c.st.idleCommands.Add(1)
	}
	return c.Conn.Write(p)
}

func (c *countedConn) Close() error {
	if !c.closed.Swap(true) {
		c.st.live.Add(-1)
	}
	return c.Conn.Close()
}

// startWatcher runs w until the test ends.
func startWatcher(t *testing.T, w *Watcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(mailtest.Scaled(10 * time.Second)):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// idleSignal makes w report each IDLE start on the returned channel.
func idleSignal(w *Watcher) <-chan struct{} {
	ch := make(chan struct{}, 100)
	w.onIdle = func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	return ch
}

// waitIdle waits for n IDLE starts.
func waitIdle(t *testing.T, ch <-chan struct{}, n int) {
	t.Helper()
	for range n {
		select {
		case <-ch:
		case <-time.After(mailtest.Scaled(10 * time.Second)):
			t.Fatal("the watcher never started IDLE")
		}
	}
}

// startMemServer runs an imapmemserver with the test account (INBOX, Sent
// and Drafts) on 127.0.0.1; opts change it.
func startMemServer(t *testing.T, opts ...mailtest.MemIMAPOption) *mailtest.MemIMAP {
	t.Helper()
	opts = append([]mailtest.MemIMAPOption{mailtest.IMAPFolders("INBOX", "Sent", "Drafts")}, opts...)
	return mailtest.StartMemIMAP(t, testUser, testPassword, opts...)
}

// testMessage is a small message with its own Message-ID.
func testMessage(id, subject string) []byte {
	return []byte(crlf("From: Jane Doe <jane.doe@acme-corp.example>\nTo: " + testUser +
		"\nSubject: " + subject + "\nDate: Wed, 04 Nov 2026 10:00:00 +0000\nMessage-ID: <" + id + ">\n" +
		"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + subject + "\n"))
}

// withMessageID returns raw with its Message-ID replaced by id.
func withMessageID(raw []byte, id string) []byte {
	lines := strings.SplitAfter(string(raw), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), "message-id:") {
			lines[i] = "Message-ID: <" + id + ">\r\n"
			break
		}
	}
	return []byte(strings.Join(lines, ""))
}

var idCounter atomic.Int64

// newID returns a fresh Message-ID.
func newID(prefix string) string {
	return prefix + "-" + strconv.FormatInt(idCounter.Add(1), 10) + "@test.example"
}
