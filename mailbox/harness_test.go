package mailbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/followupd/followupd/config"
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
	pwFile := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	toml := fmt.Sprintf("[imap]\nhost = %q\nport = %s\nsecurity = %q\nusername = %q\npassword_file = %q\n%s\n"+
		"[imap.folders]\nsent = %q\n", host, port, security, user, pwFile, extra, sent)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	im, err := c.IMAP()
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
	deadline := time.After(timeout)
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
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) count(s string) int { return strings.Count(l.String(), s) }

// waitLog waits until the log contains s.
func (l *logBuffer) waitLog(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
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
		case <-time.After(10 * time.Second):
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
		case <-time.After(10 * time.Second):
			t.Fatal("the watcher never started IDLE")
		}
	}
}

// memServer is an imapmemserver that can be stopped and started again on
// the same port with the same mail.
type memServer struct {
	t    *testing.T
	mem  *imapmemserver.Server
	user *imapmemserver.User
	opts imapserver.Options
	addr string
	// tls, when set, makes the listener speak implicit TLS.
	tls *tls.Config

	mu   sync.Mutex
	srv  *imapserver.Server
	ln   net.Listener
	sent map[string][]memMessage // what was appended, per folder
}

type memMessage struct {
	raw  []byte
	date time.Time
}

func startMemServer(t *testing.T, mod func(*memServer)) *memServer {
	t.Helper()
	s := &memServer{t: t, mem: imapmemserver.New(), sent: make(map[string][]memMessage)}
	s.user = imapmemserver.NewUser(testUser, testPassword)
	for _, f := range []string{"INBOX", "Sent", "Drafts"} {
		if err := s.user.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.mem.AddUser(s.user)
	s.opts = imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return s.mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	}
	if mod != nil {
		mod(s)
	}
	s.addr = "127.0.0.1:0"
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *memServer) start() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 100 { // the old port may be busy for a moment
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	if s.tls != nil {
		ln = tls.NewListener(ln, s.tls)
	}
	srv := imapserver.New(&s.opts)
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stop closes the listener and every connection, as a crashing server does.
func (s *memServer) stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Serve may not have registered the listener yet: close it too.
		_ = ln.Close()
		_ = srv.Close()
	}
}

func (s *memServer) restart() {
	s.stop()
	s.start()
}

func (s *memServer) appendTo(folder string, raw []byte, date time.Time) uint32 {
	s.t.Helper()
	data, err := s.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Time: date})
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.sent[folder] = append(s.sent[folder], memMessage{raw, date})
	s.mu.Unlock()
	return uint32(data.UID)
}

// recreate deletes folder and creates it again with the same messages: a
// new UIDVALIDITY, as when a server rebuilds a mailbox.
func (s *memServer) recreate(folder string) {
	s.t.Helper()
	s.mu.Lock()
	msgs := s.sent[folder]
	s.sent[folder] = nil
	s.mu.Unlock()
	if err := s.user.Delete(folder); err != nil {
		s.t.Fatal(err)
	}
	if err := s.user.Create(folder, nil); err != nil {
		s.t.Fatal(err)
	}
	for _, m := range msgs {
		s.appendTo(folder, m.raw, m.date)
	}
}

func (s *memServer) uidValidity(folder string) uint32 {
	s.t.Helper()
	st, err := s.user.Status(folder, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		s.t.Fatal(err)
	}
	return st.UIDValidity
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
