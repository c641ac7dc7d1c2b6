// Package mailbox owns the IMAP side of followupd: it watches the owner's
// Inbox (IDLE where the server has it, polling where not) and Sent folder,
// incrementally by UID with UIDVALIDITY, fetches only the small parts of each
// new message (header, invitations, short text bodies) and hands them on. It
// also reads invitations out of a raw message (ExtractInvitations,
// ReadMessage) for the explain command. It never holds more than two
// connections to the account.
package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"github.com/followupd/followupd/internal/backoff"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/followupd/followupd/config"
)

// FolderState is the sync position of one folder.
type FolderState struct {
	UIDValidity, LastUID uint32
}

// StateStore keeps each folder's sync position across restarts. It is
// called from two goroutines (Inbox and Sent).
type StateStore interface {
	// FolderState returns the zero value for a folder never synced.
	FolderState(ctx context.Context, folder string) (FolderState, error)
	SaveFolderState(ctx context.Context, folder string, st FolderState) error
}

// Handler receives each new message, from the Inbox and the Sent folder,
// one call at a time (never concurrently). A returned error (or a panic) is
// logged with the message's UID and the message still counts as handled, so
// it never blocks the ones after it; only when ctx is cancelled is the
// message left for the next run. A message may be handed on again after a
// crash or a UIDVALIDITY change: handlers must be idempotent.
type Handler func(ctx context.Context, m Message) error

// DialFunc opens the TCP connection to the server (net.Dialer.DialContext).
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Defaults for the Option values.
const (
	DefaultIdleRestart = 9 * time.Minute
	DefaultReadTimeout = time.Minute
	DefaultMinBackoff  = time.Second
	DefaultMaxBackoff  = 5 * time.Minute
	DefaultLoginRetry  = 15 * time.Minute
	// idleSettle is how long the first IDLE after a sync lasts before a
	// second UID SEARCH: a server may drop the notice of a message that
	// arrives just as IDLE starts (imapmemserver does, about 6 in 100).
	idleSettle = time.Second
	// stableSession is how long a connection must have lasted for the next
	// reconnect to start again from the shortest backoff.
	stableSession = time.Minute
	// fetchBatch is how many messages one metadata FETCH covers.
	fetchBatch = 100
	// maxConns is the account's connection limit (providers cap them).
	maxConns = 2
)

// Watcher watches one IMAP account. It uses at most two connections: one for
// the Inbox, one for the Sent folder, Append and HasMessageID.
type Watcher struct {
	cfg    *config.IMAP
	state  StateStore
	handle Handler
	// handleMu makes the Inbox and Sent syncs take turns in the handler.
	handleMu sync.Mutex
	log      *slog.Logger
	now      func() time.Time
	dial     DialFunc
	tls      *tls.Config
	noIdle   bool
	maxText  int

	poll                    time.Duration
	idleRestart, idleSettle time.Duration
	readTimeout             time.Duration
	minBackoff, maxBackoff  time.Duration
	loginRetry              time.Duration

	slots chan struct{} // one token per open connection, at most maxConns

	authMu       sync.Mutex
	refusedUntil time.Time // real time; no login attempt before it
	refusedLast  string    // the last refusal reported, so it is logged once

	stuckMu sync.Mutex
	stuck   map[string]stuckAt

	aux auxConn

	// onIdle, when set (tests), is called each time IDLE has started.
	onIdle func()
	// onConn, when set, hears how the Inbox connection fares (WithConnHook).
	onConn func(error)
}

// stuckAt counts the connection losses while the watcher worked on the
// message after LastUID; see syncFolder.
type stuckAt struct {
	uid uint32
	n   int
}

// Option changes a Watcher's defaults.
type Option func(*Watcher)

// WithClock sets the clock used for the backfill window.
func WithClock(now func() time.Time) Option { return func(w *Watcher) { w.now = now } }

// WithDialer sets how TCP connections are opened (tests: a counting or
// failing dialer).
func WithDialer(d DialFunc) Option { return func(w *Watcher) { w.dial = d } }

// WithTLSConfig sets the TLS configuration (tests: a private CA). ServerName
// defaults to the configured host.
func WithTLSConfig(c *tls.Config) Option { return func(w *Watcher) { w.tls = c } }

// WithConnHook sets a function told how the Inbox connection fares: nil
// once it is logged in, the error when an attempt fails or the connection
// is lost. The daemon shows it in its status.
func WithConnHook(f func(error)) Option { return func(w *Watcher) { w.onConn = f } }

// WithIdleRestart sets how often IDLE is re-issued (default 9 minutes; many
// servers drop idlers well before RFC 2177's 29).
func WithIdleRestart(d time.Duration) Option { return func(w *Watcher) { w.idleRestart = d } }

// WithReadTimeout sets how long the server may stay silent while a command
// runs before the connection is taken for dead (default 1 minute).
func WithReadTimeout(d time.Duration) Option { return func(w *Watcher) { w.readTimeout = d } }

// WithBackoff sets the reconnect delay range (default 1s to 5m, doubled
// after each failure, jittered).
func WithBackoff(lo, hi time.Duration) Option {
	return func(w *Watcher) { w.minBackoff, w.maxBackoff = lo, hi }
}

// WithLoginRetry sets the wait after a refused login (default 15 minutes).
func WithLoginRetry(d time.Duration) Option { return func(w *Watcher) { w.loginRetry = d } }

// WithoutIDLE polls the Inbox every Poll even when the server offers IDLE.
func WithoutIDLE() Option { return func(w *Watcher) { w.noIdle = true } }

// WithMaxText sets the size cap of the Text and HTML bodies (default
// DefaultMaxText).
func WithMaxText(n int) Option { return func(w *Watcher) { w.maxText = n } }

// New returns a Watcher for the validated [imap] section. Nothing is dialled
// until Run, Append or HasMessageID.
func New(cfg *config.IMAP, st StateStore, h Handler, log *slog.Logger, opts ...Option) *Watcher {
	w := &Watcher{
		cfg:         cfg,
		state:       st,
		handle:      h,
		log:         log,
		now:         time.Now,
		dial:        (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		maxText:     DefaultMaxText,
		idleRestart: DefaultIdleRestart,
		idleSettle:  idleSettle,
		readTimeout: DefaultReadTimeout,
		minBackoff:  DefaultMinBackoff,
		maxBackoff:  DefaultMaxBackoff,
		loginRetry:  DefaultLoginRetry,
		slots:       make(chan struct{}, maxConns),
		stuck:       make(map[string]stuckAt),
	}
	for _, o := range opts {
		o(w)
	}
	w.poll = cfg.Poll
	if w.poll <= 0 { // config.IMAP validates it; a hand-made value may not be
		w.poll = 2 * time.Minute
	}
	w.minBackoff = max(w.minBackoff, time.Millisecond)
	w.maxBackoff = max(w.maxBackoff, w.minBackoff)
	if w.idleSettle > w.idleRestart {
		w.idleSettle = w.idleRestart
	}
	return w
}

// Run watches the Inbox (IDLE or polling) and, when a Sent folder is set,
// polls it every Poll on the second connection. Connection losses are
// retried with a capped, jittered backoff; a refused login is logged and
// retried slowly. Run returns nil once ctx is done.
func (w *Watcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { w.runAuxGuarded(ctx) })
	w.runInbox(ctx)
	wg.Wait()
	w.closeAux()
	return nil
}

// runAuxGuarded runs the second connection's loop and restarts it after a
// panic (a hostile server's answer tripping the client): it runs on a
// goroutine of its own, where a panic would otherwise end the whole daemon.
// The Inbox loop runs on Run's goroutine, under the daemon's supervisor.
func (w *Watcher) runAuxGuarded(ctx context.Context) {
	for {
		p := func() (p any) {
			defer func() { p = recover() }()
			w.runAux(ctx)
			return nil
		}()
		if p == nil {
			return
		}
		w.log.Error("imap second connection failed; restarting it", slog.Any("panic", p))
		if !backoff.Sleep(ctx, w.maxBackoff) {
			return
		}
	}
}

func (w *Watcher) runInbox(ctx context.Context) {
	bo := backoff.Backoff{Policy: backoff.Policy{Min: w.minBackoff, Max: w.maxBackoff, Jitter: 0.5}}
	for ctx.Err() == nil {
		start := time.Now()
		err := w.watchInbox(ctx)
		if ctx.Err() != nil {
			return
		}
		if w.onConn != nil && !errors.Is(err, errLoginDeferred) {
			w.onConn(err)
		}
		if time.Since(start) >= stableSession {
			bo.Reset()
		}
		wait := w.retryDelay(err, &bo)
		if !backoff.Sleep(ctx, wait) {
			return
		}
	}
}

// retryDelay logs why the connection ended and says how long to wait. A
// refused login was logged by noteLogin and waits for the login gate.
func (w *Watcher) retryDelay(err error, bo *backoff.Backoff) time.Duration {
	var lr *LoginRefusedError
	if errors.As(err, &lr) || errors.Is(err, errLoginDeferred) {
		w.authMu.Lock()
		wait := time.Until(w.refusedUntil)
		w.authMu.Unlock()
		return max(wait, w.minBackoff)
	}
	wait := bo.Next()
	w.log.Warn("imap connection lost", slog.String("folder", w.cfg.Inbox),
		slog.Any("error", err), slog.Duration("retry_in", wait.Round(time.Millisecond)))
	return wait
}

var errLoginDeferred = errors.New("imap login deferred after a refusal")

// login gate: after a refusal no connection tries to log in again before
// loginRetry has passed, whichever connection asks.
func (w *Watcher) loginAllowed() error {
	w.authMu.Lock()
	defer w.authMu.Unlock()
	if time.Now().Before(w.refusedUntil) {
		return errLoginDeferred
	}
	return nil
}

// noteLogin records the outcome of a connection attempt: a refusal is
// logged once (again only when the server's reason changes) and blocks
// logins for loginRetry; a success after a refusal is logged.
func (w *Watcher) noteLogin(err error) {
	w.authMu.Lock()
	defer w.authMu.Unlock()
	var lr *LoginRefusedError
	switch {
	case errors.As(err, &lr):
		w.refusedUntil = time.Now().Add(w.loginRetry)
		if lr.Reason != w.refusedLast {
			w.refusedLast = lr.Reason
			w.log.Error("imap login refused; check the [imap] username and password (or token command)",
				slog.String("host", w.cfg.Host), slog.String("username", w.cfg.Username),
				slog.String("reason", lr.Reason), slog.Duration("retry_in", w.loginRetry))
		}
	case err == nil && w.refusedLast != "":
		w.refusedLast = ""
		w.log.Info("imap login accepted again", slog.String("host", w.cfg.Host))
	}
}

// open connects for one of the two roles, respecting the login gate.
func (w *Watcher) open(ctx context.Context) (*session, error) {
	if err := w.loginAllowed(); err != nil {
		return nil, err
	}
	s, err := w.connect(ctx)
	if ctx.Err() == nil {
		w.noteLogin(err)
	}
	return s, err
}

// watchInbox runs one connection's life: sync, then IDLE or poll, then sync
// again, until the connection fails or ctx ends.
func (w *Watcher) watchInbox(ctx context.Context) error {
	s, err := w.open(ctx)
	if err != nil {
		return err
	}
	defer s.close(false)
	stop := context.AfterFunc(ctx, func() { _ = s.c.Close() })
	defer stop()

	if w.onConn != nil {
		w.onConn(nil)
	}
	idle := !w.noIdle && s.canIdle()
	w.log.Info("imap connected", slog.String("folder", w.cfg.Inbox), slog.Bool("idle", idle))
	settle := true
	for {
		if err := w.syncFolder(ctx, s, w.cfg.Inbox); err != nil {
			return err
		}
		if idle {
			settled, err := w.idle(ctx, s, settle)
			if err != nil {
				return err
			}
			// The first IDLE after a sync is cut short for one more search;
			// the one after that runs its full period.
			settle = !settled
			continue
		}
		if err := w.pollWait(ctx, s, w.poll); err != nil {
			return err
		}
	}
}

// idle runs one IDLE command until new mail is announced, the restart
// period (or, when short, the settle period) ends, or ctx is done. It
// reports whether it ended because the settle period ran out.
func (w *Watcher) idle(ctx context.Context, s *session, short bool) (settled bool, err error) {
	cmd, err := s.c.Idle()
	if err != nil {
		return false, err
	}
	period := w.idleRestart
	if short {
		period = w.idleSettle
	}
	// Our own restart breaks the silence; the margin only catches a stall.
	s.dc.allow(period + w.readTimeout)
	if w.onIdle != nil {
		w.onIdle()
	}
	t := time.NewTimer(period)
	defer t.Stop()
	select {
	case <-s.kick:
	case <-t.C:
		settled = short
	case <-ctx.Done():
	case <-s.c.Closed():
	}
	s.dc.allow(w.readTimeout)
	err = cmd.Close()
	if werr := cmd.Wait(); err == nil {
		err = werr
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return false, err
	}
	if s.dead() {
		return false, net.ErrClosed
	}
	return settled, nil
}

// pollWait sleeps one poll period and then asks the server for news (NOOP).
func (w *Watcher) pollWait(ctx context.Context, s *session, period time.Duration) error {
	s.dc.allow(period + w.readTimeout)
	t := time.NewTimer(period)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.c.Closed():
		return net.ErrClosed
	case <-t.C:
	}
	s.dc.allow(w.readTimeout)
	return s.c.Noop().Wait()
}
