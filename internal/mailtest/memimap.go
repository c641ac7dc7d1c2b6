package mailtest

import (
	"bytes"
	"crypto/tls"
	"io"
	"log"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// MemIMAP is an in-process IMAP server (go-imap v2's imapmemserver) on 127.0.0.1 with
// one account, for tests that need a mailbox without a real server. It can be stopped and
// started again on the same port with the same mail, as a server that restarts.
type MemIMAP struct {
	// Mem holds the accounts: AddUser replaces one, for example with another password.
	Mem *imapmemserver.Server
	// User is the account StartMemIMAP created.
	User *imapmemserver.User
	// Addr is the listener's host:port; Start after Stop listens there again.
	Addr string

	t       testing.TB
	folders []string
	opts    imapserver.Options
	tls     *tls.Config // when set, the listener speaks implicit TLS

	mu       sync.Mutex
	srv      *imapserver.Server // nil while stopped
	ln       net.Listener
	appended map[string][]memMessage // what was appended, per folder, for Recreate
}

type memMessage struct {
	raw  []byte
	date time.Time
}

// MemIMAPOption changes how StartMemIMAP sets the server up.
type MemIMAPOption func(*MemIMAP)

// IMAPFolders gives the account these folders instead of INBOX alone.
func IMAPFolders(names ...string) MemIMAPOption {
	return func(m *MemIMAP) { m.folders = names }
}

// IMAPImplicitTLS makes the listener speak TLS with cfg from the first byte, and refuses
// logins without it.
func IMAPImplicitTLS(cfg *tls.Config) MemIMAPOption {
	return func(m *MemIMAP) {
		m.tls = cfg
		m.opts.InsecureAuth = false
	}
}

// IMAPSTARTTLS makes the server offer STARTTLS with cfg, and refuses logins before it.
func IMAPSTARTTLS(cfg *tls.Config) MemIMAPOption {
	return func(m *MemIMAP) {
		m.opts.TLSConfig = cfg
		m.opts.InsecureAuth = false
	}
}

// IMAPSessions makes each connection's session newSession(m) instead of a plain
// imapmemserver session: a wrapper that refuses a command, another way to log in.
func IMAPSessions(newSession func(m *MemIMAP) imapserver.Session) MemIMAPOption {
	return func(m *MemIMAP) {
		m.opts.NewSession = func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return newSession(m), nil, nil
		}
	}
}

// StartMemIMAP runs a MemIMAP with the account user (LOGIN with password; IMAP4rev1, no
// TLS unless an option says so) until the test ends. Its methods fail t on an error.
func StartMemIMAP(t testing.TB, user, password string, opts ...MemIMAPOption) *MemIMAP {
	t.Helper()
	m := &MemIMAP{
		Mem:      imapmemserver.New(),
		User:     imapmemserver.NewUser(user, password),
		Addr:     net.JoinHostPort(Host, "0"),
		t:        t,
		folders:  []string{"INBOX"},
		appended: make(map[string][]memMessage),
	}
	m.opts = imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return m.Mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	}
	for _, opt := range opts {
		opt(m)
	}
	for _, f := range m.folders {
		if err := m.User.Create(f, nil); err != nil {
			t.Fatalf("mailtest: create folder %q: %v", f, err)
		}
	}
	m.Mem.AddUser(m.User)
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// Start listens on Addr again after Stop (the first start takes a free port).
func (m *MemIMAP) Start() {
	m.t.Helper()
	var ln net.Listener
	var err error
	for range 100 { // the old port may be busy for a moment
		if ln, err = net.Listen("tcp", m.Addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		m.t.Fatalf("mailtest: listen for IMAP: %v", err)
	}
	m.Addr = ln.Addr().String()
	if m.tls != nil {
		ln = tls.NewListener(ln, m.tls)
	}
	srv := imapserver.New(&m.opts)
	m.mu.Lock()
	m.srv, m.ln = srv, ln
	m.mu.Unlock()
	go func() { _ = srv.Serve(ln) }() // returns when Stop closes it
}

// Stop closes the listener and every connection, as a crashing server does. The mail
// stays. Stopping a stopped server does nothing.
func (m *MemIMAP) Stop() {
	m.mu.Lock()
	srv, ln := m.srv, m.ln
	m.srv, m.ln = nil, nil
	m.mu.Unlock()
	if srv != nil {
		// Serve may not have registered the listener yet: close it too.
		_ = ln.Close()
		_ = srv.Close()
	}
}

// Restart stops the server and starts it again on the same port.
func (m *MemIMAP) Restart() {
	m.t.Helper()
	m.Stop()
	m.Start()
}

// Append puts raw into folder with the INTERNALDATE date and returns its UID.
func (m *MemIMAP) Append(folder string, raw []byte, date time.Time) uint32 {
	m.t.Helper()
	uid, err := m.append(folder, raw, date)
	if err != nil {
		m.t.Fatalf("mailtest: append to %q: %v", folder, err)
	}
	return uid
}

// Deliver puts raw into the INBOX with the current time, as incoming mail. It returns
// an error instead of failing the test, so that it can serve other goroutines, such as
// SMTPServer's (see SMTPDeliverTo).
func (m *MemIMAP) Deliver(raw []byte) error {
	_, err := m.append("INBOX", raw, time.Now())
	return err
}

func (m *MemIMAP) append(folder string, raw []byte, date time.Time) (uint32, error) {
	data, err := m.User.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Time: date})
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	m.appended[folder] = append(m.appended[folder], memMessage{raw, date})
	m.mu.Unlock()
	return uint32(data.UID), nil
}

// Count is the number of messages in folder.
func (m *MemIMAP) Count(folder string) int {
	m.t.Helper()
	st, err := m.User.Status(folder, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		m.t.Fatalf("mailtest: status of %q: %v", folder, err)
	}
	return int(*st.NumMessages)
}

// UIDValidity is folder's UIDVALIDITY.
func (m *MemIMAP) UIDValidity(folder string) uint32 {
	m.t.Helper()
	st, err := m.User.Status(folder, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		m.t.Fatalf("mailtest: status of %q: %v", folder, err)
	}
	return st.UIDValidity
}

// Recreate deletes folder and creates it again with the messages appended to it so far:
// a new UIDVALIDITY, as when a server rebuilds a mailbox. Sessions that have it selected
// are not told (a real server would disconnect them): Restart after it if that matters.
func (m *MemIMAP) Recreate(folder string) {
	m.t.Helper()
	m.mu.Lock()
	msgs := m.appended[folder]
	m.appended[folder] = nil
	m.mu.Unlock()
	if err := m.User.Delete(folder); err != nil {
		m.t.Fatalf("mailtest: delete %q: %v", folder, err)
	}
	if err := m.User.Create(folder, nil); err != nil {
		m.t.Fatalf("mailtest: create %q: %v", folder, err)
	}
	for _, msg := range msgs {
		m.Append(folder, msg.raw, msg.date)
	}
}
