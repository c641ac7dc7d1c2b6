package mailbox

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/followupd/followupd/internal/mailtest"
)

func TestWatcherTLS(t *testing.T) {
	cert, pool := mailtest.SelfSignedCert(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	tests := []struct {
		security string
		trusted  bool
	}{
		{"tls", true},
		{"starttls", true},
		{"tls", false},
		{"starttls", false},
	}
	for _, tt := range tests {
		name := tt.security
		if !tt.trusted {
			name += " with an untrusted certificate"
		}
		t.Run(name, func(t *testing.T) {
			tlsOpt := mailtest.IMAPSTARTTLS(serverTLS)
			if tt.security == "tls" {
				tlsOpt = mailtest.IMAPImplicitTLS(serverTLS)
			}
			s := startMemServer(t, tlsOpt)
			id := newID("tls")
			s.Append("INBOX", testMessage(id, "over TLS"), time.Now())
			cfg := testConfigWith(t, s.Addr, testUser, testPassword, "", tt.security, "")
			rec := newRecorder()
			logger, logs := newTestLogger(t)
			opts := []Option{WithBackoff(10*time.Millisecond, 50*time.Millisecond)}
			if tt.trusted {
				opts = append(opts, WithTLSConfig(&tls.Config{RootCAs: pool}))
			}
			w := New(cfg, newMemState(), rec.handle, logger, opts...)
			startWatcher(t, w)
			if !tt.trusted {
				logs.waitLog(t, "certificate signed by unknown authority", 5*time.Second)
				if rec.mark() != 0 || strings.Contains(logs.String(), "login refused") {
					t.Errorf("an untrusted server was used or its failure taken for a refused login")
				}
				return
			}
			rec.waitIDs(t, 0, 5*time.Second, id)
		})
	}
}

// xoauthSession is an imapmemserver session that accepts only XOAUTH2 with
// one token.
type xoauthSession struct {
	*imapmemserver.UserSession
	token string
	used  *atomic.Int32
}

func (s *xoauthSession) Login(string, string) error { return imapserver.ErrAuthFailed }

func (s *xoauthSession) AuthenticateMechanisms() []string { return []string{"XOAUTH2"} }

func (s *xoauthSession) Authenticate(mech string) (sasl.Server, error) {
	return &xoauthServer{want: "user=" + testUser + "\x01auth=Bearer " + s.token + "\x01\x01", used: s.used}, nil
}

type xoauthServer struct {
	want   string
	used   *atomic.Int32
	failed bool
}

func (x *xoauthServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case x.failed: // the client's empty answer to the error challenge
		return nil, true, imapserver.ErrAuthFailed
	case resp == nil:
		return []byte{}, false, nil
	case string(resp) == x.want:
		x.used.Add(1)
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
}

func TestWatcherXOAUTH2(t *testing.T) {
	const token = "ya29.test-token-Zr81"
	for _, tt := range []struct {
		name, command string
		accepted      bool
	}{
		{"fresh token", "printf " + token, true},
		{"expired token", "printf ya29.expired-token-Qq02", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var used atomic.Int32
			s := startMemServer(t, mailtest.IMAPSessions(func(m *mailtest.MemIMAP) imapserver.Session {
				return &xoauthSession{UserSession: imapmemserver.NewUserSession(m.User), token: token, used: &used}
			}))
			id := newID("oauth")
			s.Append("INBOX", testMessage(id, "via xoauth2"), time.Now())
			cfg := testConfigWith(t, s.Addr, testUser, "not-used", "", "none", "oauth2_token_command = \""+tt.command+"\"")
			rec := newRecorder()
			logger, logs := newTestLogger(t, token, "ya29.expired-token-Qq02")
			w := New(cfg, newMemState(), rec.handle, logger, WithBackoff(10*time.Millisecond, 50*time.Millisecond))
			startWatcher(t, w)
			if !tt.accepted {
				logs.waitLog(t, "imap login refused", 5*time.Second)
				return
			}
			rec.waitIDs(t, 0, 5*time.Second, id)
			if used.Load() == 0 {
				t.Errorf("the server never saw the token")
			}
		})
	}
}

// freezeConn stops the traffic of every connection open when freeze is
// called, in both directions, without closing it: a connection that died
// without a FIN or RST (a laptop suspended, a NAT that forgot it).
type freezeConn struct {
	net.Conn
	frozen *atomic.Bool // shared by the connections of one "network"
	mine   atomic.Bool  // set on this connection when the network froze
	gen    *atomic.Int64
	myGen  int64
}

func (c *freezeConn) isFrozen() bool { return c.frozen.Load() && c.myGen < c.gen.Load() }

func (c *freezeConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if err != nil || !c.isFrozen() {
			return n, err
		}
		// frozen: the bytes are lost, the reader keeps waiting
	}
}

func (c *freezeConn) Write(p []byte) (int, error) {
	if c.isFrozen() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func TestWatcherNoticesDeadConnection(t *testing.T) {
	for _, mode := range []string{"idle", "poll"} {
		t.Run(mode, func(t *testing.T) {
			s := startMemServer(t)
			var frozen atomic.Bool
			var gen atomic.Int64
			stats := &netStats{wrap: func(c net.Conn) net.Conn {
				return &freezeConn{Conn: c, frozen: &frozen, gen: &gen, myGen: gen.Load()}
			}}
			opts := []Option{WithIdleRestart(300 * time.Millisecond), WithReadTimeout(300 * time.Millisecond)}
			if mode == "poll" {
				opts = append(opts, WithoutIDLE())
			}
			w, _, rec, logs := memWatcher(t, s, stats, "", opts...)
			idles := idleSignal(w)
			startWatcher(t, w)
			if mode == "idle" {
				waitIdle(t, idles, 2)
			} else {
				logs.waitLog(t, "idle=false", 5*time.Second)
			}

			gen.Add(1) // connections opened so far freeze
			frozen.Store(true)
			frozenAt := time.Now()
			id := newID("while-frozen")
			s.Append("INBOX", testMessage(id, "sent while the connection was dead"), time.Now())
			rec.waitIDs(t, 0, 10*time.Second, id)
			t.Logf("%s: dead connection replaced and mail seen in %v", mode, time.Since(frozenAt).Round(time.Millisecond))
			if !strings.Contains(logs.String(), "i/o timeout") {
				t.Errorf("the connection was not given up by its read deadline")
			}
		})
	}
}

func TestWatcherRestartsIdle(t *testing.T) {
	s := startMemServer(t)
	stats := &netStats{}
	w, _, rec, logs := memWatcher(t, s, stats, "", WithIdleRestart(100*time.Millisecond))
	startWatcher(t, w)
	waitFor(t, func() bool { return stats.idleCommands.Load() >= 4 }, "four IDLE commands with a 100 ms restart")
	if n := logs.count("imap connected"); n != 1 {
		t.Errorf("connected %d times; restarting IDLE must keep the connection", n)
	}
	id := newID("after-restarts")
	s.Append("INBOX", testMessage(id, "x"), time.Now())
	rec.waitIDs(t, 0, 5*time.Second, id)
	if DefaultIdleRestart > 10*time.Minute {
		t.Errorf("default IDLE restart %v is above 10 minutes", DefaultIdleRestart)
	}
}

func TestXOAUTH2Client(t *testing.T) {
	mech, ir, err := xoauth2{user: "alex.morgan@example.org", token: "tok"}.Start()
	if err != nil || mech != "XOAUTH2" || string(ir) != "user=alex.morgan@example.org\x01auth=Bearer tok\x01\x01" {
		t.Errorf("Start() = %q, %q, %v", mech, ir, err)
	}
	resp, err := xoauth2{}.Next([]byte(`{"status":"400"}`))
	if err != nil || resp == nil || len(resp) != 0 {
		t.Errorf("Next(error) = %q, %v; want an empty response", resp, err)
	}
	var lr *LoginRefusedError
	if !errors.As(error(&LoginRefusedError{Reason: "x"}), &lr) {
		t.Fatal("LoginRefusedError does not match itself")
	}
}
