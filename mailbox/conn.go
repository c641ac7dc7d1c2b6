package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/config"
)

// deadlineConn gives every read a deadline. imapclient clears the read
// deadline (sets the zero time) whenever it waits for the server's next
// response, so a silently dead connection would block it for good; here a
// zero deadline becomes "now + the silence currently allowed". The watcher
// allows a short silence while it waits for a command's response and a
// longer one while it idles or sleeps between polls.
type deadlineConn struct {
	net.Conn
	allowed atomic.Int64 // nanoseconds of silence allowed; 0 means no deadline
}

// Read treats a timeout as the end of the connection. imapclient would
// read again after one (Go's net and tls reads survive a timeout), with
// its own 30-second deadline, so a dead connection would be noticed late.
func (c *deadlineConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		_ = c.Conn.Close() // later reads fail at once
		return n, fmt.Errorf("imap server silent for too long: %w", err)
	}
	return n, err
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	if t.IsZero() {
		if d := time.Duration(c.allowed.Load()); d > 0 {
			t = time.Now().Add(d)
		}
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *deadlineConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(t)
}

// allow sets the silence allowed from now on and moves the pending read's
// deadline to match.
func (c *deadlineConn) allow(d time.Duration) {
	c.allowed.Store(int64(d))
	// An error here means the connection is closed; the next command says so.
	_ = c.Conn.SetReadDeadline(time.Now().Add(d))
}

// session is one logged-in IMAP connection.
type session struct {
	c   *imapclient.Client
	dc  *deadlineConn
	cmd time.Duration // silence allowed while a command runs
	// kick receives a value when the server reports EXISTS (new mail).
	kick chan struct{}
	// selected is the folder currently selected (read-only), sel its data.
	selected string
	sel      *imap.SelectData
	release  func()
	closed   bool
}

// dead reports whether the connection has been closed, by either side.
func (s *session) dead() bool {
	select {
	case <-s.c.Closed():
		return true
	default:
		return false
	}
}

// close ends the session: LOGOUT when the connection is healthy and logout
// is set, then closes the socket and frees its connection slot.
func (s *session) close(logout bool) {
	if s.closed {
		return
	}
	s.closed = true
	if logout && !s.dead() {
		s.dc.allow(5 * time.Second)
		_ = s.c.Logout().Wait() // best effort: the socket is closed next anyway
	}
	_ = s.c.Close() // the session is over: a close error changes nothing
	s.release()
}

// selectFolder selects name read-only unless it is already selected. The
// watcher only reads (BODY.PEEK), so EXAMINE never changes a flag.
func (s *session) selectFolder(name string) (*imap.SelectData, error) {
	if s.selected == name && s.sel != nil {
		return s.sel, nil
	}
	s.selected, s.sel = "", nil
	data, err := s.c.Select(name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("select %q: %w", name, err)
	}
	s.selected, s.sel = name, data
	return data, nil
}

// refresh selects name, or when it is already selected asks the server
// for news (NOOP): not every server looks for new mail on SEARCH alone.
func (s *session) refresh(name string) error {
	if s.selected == name && s.sel != nil {
		if err := s.c.Noop().Wait(); err != nil {
			return fmt.Errorf("noop in %q: %w", name, err)
		}
		return nil
	}
	_, err := s.selectFolder(name)
	return err
}

// canIdle reports whether the server offers IDLE (RFC 2177, part of IMAP4rev2).
func (s *session) canIdle() bool {
	caps := s.c.Caps()
	return caps.Has(imap.CapIdle) || caps.Has(imap.CapIMAP4rev2)
}

// LoginRefusedError is returned when the server refuses the credentials (a NO
// or BAD to LOGIN or AUTHENTICATE), or when the configured way of logging in
// is not offered. Retrying soon would not help.
type LoginRefusedError struct {
	// Reason is the server's reply or what is missing; it never holds the secret.
	Reason string
}

func (e *LoginRefusedError) Error() string { return "imap login refused: " + e.Reason }

// connect dials, protects and logs in one connection, holding one of the
// account's two connection slots until the session is closed.
func (w *Watcher) connect(ctx context.Context) (*session, error) {
	release, err := w.acquireSlot(ctx)
	if err != nil {
		return nil, err
	}
	s, err := w.dialLogin(ctx, release)
	if err != nil {
		release()
		return nil, err
	}
	return s, nil
}

func (w *Watcher) acquireSlot(ctx context.Context) (func(), error) {
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once atomic.Bool
	return func() {
		if !once.Swap(true) {
			<-w.slots
		}
	}, nil
}

func (w *Watcher) dialLogin(ctx context.Context, release func()) (*session, error) {
	acct := w.cfg.Account
	raw, err := w.dial(ctx, "tcp", acct.Addr())
	if err != nil {
		return nil, fmt.Errorf("dial imap %s: %w", acct.Addr(), err)
	}
	dc := &deadlineConn{Conn: raw}
	dc.allow(w.readTimeout)
	s := &session{dc: dc, cmd: w.readTimeout, kick: make(chan struct{}, 1), release: release}
	opts := &imapclient.Options{
		WordDecoder: wordDecoder(),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages == nil {
					return
				}
				select { // must not block the client's reader
				case s.kick <- struct{}{}:
				default:
				}
			},
		},
	}
	// Closing the socket unblocks the TLS handshake and any command in
	// flight when ctx ends.
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	var tcfg *tls.Config
	if acct.Security != config.Plain {
		alpn := "imap" // implicit TLS only; STARTTLS negotiates none
		if acct.Security == config.StartTLS {
			alpn = ""
		}
		if tcfg, err = w.tlsConfig(alpn); err != nil {
			_ = raw.Close()
			return nil, err
		}
	}
	switch acct.Security {
	case config.TLS:
		tc := tls.Client(dc, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, fmt.Errorf("tls handshake with %s: %w", acct.Addr(), err)
		}
		s.c = imapclient.New(tc, opts)
	case config.StartTLS:
		opts.TLSConfig = tcfg
		c, err := imapclient.NewStartTLS(dc, opts)
		if err != nil {
			_ = raw.Close()
			return nil, fmt.Errorf("starttls with %s: %w", acct.Addr(), err)
		}
		s.c = c
	default: // config.Plain: validated to be a loopback address
		s.c = imapclient.New(dc, opts)
	}
	if err := s.c.WaitGreeting(); err != nil {
		_ = s.c.Close()
		return nil, fmt.Errorf("read imap greeting: %w", err)
	}
	if err := w.login(ctx, s.c); err != nil {
		_ = s.c.Close()
		return nil, err
	}
	if ctx.Err() != nil {
		_ = s.c.Close()
		return nil, ctx.Err()
	}
	return s, nil
}

func (w *Watcher) tlsConfig(alpn string) (*tls.Config, error) {
	var cfg *tls.Config
	if w.tls != nil {
		cfg = w.tls.Clone()
	} else if ca, err := w.cfg.TLSConfig(); err != nil { // [imap] ca_file
		return nil, fmt.Errorf("imap: %w", err)
	} else if ca != nil {
		cfg = ca
	} else {
		cfg = &tls.Config{}
	}
	cfg.InsecureSkipVerify = false
	if cfg.ServerName == "" {
		cfg.ServerName = w.cfg.Host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if alpn != "" && cfg.NextProtos == nil {
		cfg.NextProtos = []string{alpn}
	}
	return cfg, nil
}

// login authenticates with XOAUTH2 when a token command is set, else with
// LOGIN and the password. A refusal comes back as *LoginRefusedError.
func (w *Watcher) login(ctx context.Context, c *imapclient.Client) error {
	acct := w.cfg.Account
	caps := c.Caps()
	if acct.OAuth2TokenCommand != "" {
		if !caps.Has("AUTH=XOAUTH2") {
			return &LoginRefusedError{Reason: "the server does not offer AUTH=XOAUTH2"}
		}
		token, err := acct.Token(ctx)
		if err != nil {
			return fmt.Errorf("get imap access token: %w", err)
		}
		return refused(c.Authenticate(xoauth2{user: acct.Username, token: token}))
	}
	if caps.Has(imap.CapLoginDisabled) {
		return &LoginRefusedError{Reason: "the server has disabled LOGIN on this connection (LOGINDISABLED)"}
	}
	password, err := acct.Password.Resolve(ctx)
	if err != nil {
		return fmt.Errorf("get imap password: %w", err)
	}
	return refused(c.Login(acct.Username, password).Wait())
}

// refused turns a NO or BAD from LOGIN or AUTHENTICATE into a
// *LoginRefusedError; [UNAVAILABLE] is a temporary failure and stays as is.
func refused(err error) error {
	if err == nil {
		return nil
	}
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Code != imap.ResponseCodeUnavailable {
		reason := ie.Text
		if reason == "" {
			reason = "the server said " + string(ie.Type)
		}
		if ie.Code != "" {
			reason = "[" + string(ie.Code) + "] " + reason
		}
		return &LoginRefusedError{Reason: reason}
	}
	return fmt.Errorf("imap login: %w", err)
}

// xoauth2 is the SASL XOAUTH2 mechanism that Gmail and Microsoft 365 use:
// one message, "user=U ^A auth=Bearer T ^A ^A". On failure the server sends
// a JSON error as a challenge, which is answered with an empty response so
// that it can finish with NO.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }
