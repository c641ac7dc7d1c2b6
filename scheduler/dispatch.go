package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// Sender delivers one email; mailer.Sender is one. An error for which
// mailer.IsTemporary is true is retried later; any other gives up the send.
type Sender interface {
	Send(ctx context.Context, e mailer.Email) error
}

// Mailbox is the owner's IMAP account; mailbox.Watcher is one. The
// dispatcher looks there for a send a crash interrupted, and places the
// thank-you drafts in the Drafts folder.
type Mailbox interface {
	HasMessageID(ctx context.Context, folder, messageID string) (bool, error)
	Append(ctx context.Context, folder string, flags []imap.Flag, date time.Time, msg []byte) error
}

// Clock is the dispatcher's time: Now, and timers that a test can fire.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once, d from now.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer, as time.Timer.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// SystemClock is the real clock. now, when not nil, stands in for time.Now
// (the daemon's injected clock); timers always run in real time.
func SystemClock(now func() time.Time) Clock {
	if now == nil {
		now = time.Now
	}
	return systemClock{now}
}

type systemClock struct{ now func() time.Time }

func (c systemClock) Now() time.Time { return c.now() }

func (systemClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// Defaults of the dispatcher's options.
const (
	// DefaultCatchUpSpacing is the gap between two late sends past the
	// first DefaultCatchUpBurst, so that the reminders missed during a long
	// outage (or held back by quiet hours) come one by one and not as a
	// flood.
	DefaultCatchUpSpacing = 2 * time.Minute
	// DefaultCatchUpBurst is how many late sends go at once before the rest
	// are paced: a first run with a couple of past interviews should not
	// keep the owner waiting minutes for the second.
	DefaultCatchUpBurst = 3
	// DefaultMaxHold caps the wait between two tries of a sender held by a
	// failure of the account or the connection (see Health): the waits
	// double from the minimum backoff up to this.
	DefaultMaxHold = 10 * time.Minute
	// DefaultStaleAfter is how late a send may be and still go out: a
	// reminder (or nudge) more overdue than this when the dispatcher gets to
	// it is expired instead, with the reason in last_error. Both emails are
	// worded for the day they arrive ("send a thank-you note today", "follow-
	// up call today"); a week late, that advice is wrong and the owner has
	// moved on.
	DefaultStaleAfter = 7 * 24 * time.Hour
	// DefaultMaxSleep caps how long the dispatcher sleeps between two reads
	// of the store. Changes made in this process wake it at once (Kick); this
	// cap is how soon it notices what another process (the CLI) changed.
	DefaultMaxSleep = time.Minute
	// DefaultMinBackoff and DefaultMaxBackoff bound the wait before a retry
	// after a temporary failure: doubled after each failed attempt of the
	// same send, jittered down by up to a quarter.
	DefaultMinBackoff = time.Minute
	DefaultMaxBackoff = time.Hour
	// DefaultMaxAttempts is how many temporary failures of one send are
	// retried before it is given up (about two days at the backoff cap).
	DefaultMaxAttempts = 50
	// lateGrace is how far past its time a send may start and still count
	// as on time (not paced as a catch-up).
	lateGrace = time.Minute
	// sendGrace bounds a send in flight once the dispatcher is asked to
	// stop: it is finished, and its outcome recorded, rather than cut off.
	sendGrace = time.Minute
	// errorWait is how long Run waits after a pass that failed (the store
	// was unreadable) before the next.
	errorWait = 10 * time.Second
)

// Option changes a Dispatcher's defaults.
type Option func(*Dispatcher)

// WithCatchUpSpacing sets the gap between two late sends (0: none).
func WithCatchUpSpacing(d time.Duration) Option {
	return func(x *Dispatcher) { x.spacing = max(d, 0) }
}

// WithCatchUpBurst sets how many late sends go at once before the rest
// are spaced (at least 1).
func WithCatchUpBurst(n int) Option { return func(x *Dispatcher) { x.burst = max(n, 1) } }

// WithMaxHold caps the wait between two tries of a held sender.
func WithMaxHold(d time.Duration) Option { return func(x *Dispatcher) { x.maxHold = d } }

// WithStaleAfter sets how late a send may be before it is expired instead.
func WithStaleAfter(d time.Duration) Option { return func(x *Dispatcher) { x.staleAfter = d } }

// WithMaxSleep sets the longest sleep between two reads of the store.
func WithMaxSleep(d time.Duration) Option { return func(x *Dispatcher) { x.maxSleep = d } }

// WithBackoff sets the retry wait range after temporary failures.
func WithBackoff(lo, hi time.Duration) Option {
	return func(x *Dispatcher) { x.minBackoff, x.maxBackoff = lo, hi }
}

// WithPassHook sets a function called as each pass of work (Tick) begins;
// the function it returns is called with the pass's error when it ends. The
// daemon uses it to tell a dispatcher at work from a hung one.
func WithPassHook(begin func() (end func(error))) Option {
	return func(x *Dispatcher) { x.passHook = begin }
}

// WithMaxAttempts sets how many attempts of one send are made at most.
func WithMaxAttempts(n int) Option { return func(x *Dispatcher) { x.maxAttempts = n } }

// Dispatcher sends reminders when they fall due, and the other emails
// queued in the store (answers to the owner, the employer side's emails; see
// SendQueued): it is followupd's one sending loop. It sleeps until the next
// due send in the store, or until Kick says the reminders or the outbox
// changed, and then does one pass of work (Tick).
//
// Every send is one email with a Message-ID fixed in advance (see
// messageID), recorded in the store before the SMTP call, so that a crash
// can at most repeat the one message in flight, never lose one. Such a send
// is found on the next pass still marked sending; as reminders go to the
// owner's own mailbox, the dispatcher first looks for its Message-ID in the
// Inbox and sends it again (with the same Message-ID) only when it is not
// there.
type Dispatcher struct {
	store   *store.Store
	sender  Sender
	mailbox Mailbox // nil without [imap]
	cfg     *config.Config
	log     *slog.Logger
	clock   Clock

	from          mail.Address // [smtp] from
	domain        string       // of from: the right-hand side of our Message-IDs
	inbox, drafts string       // IMAP folders; drafts "" when none are placed

	spacing, staleAfter, maxSleep time.Duration
	minBackoff, maxBackoff        time.Duration
	maxHold                       time.Duration
	outboxWindow                  time.Duration
	maxAttempts                   int
	burst                         int

	kick chan struct{}

	// lastLate is when the latest late send went, and lateInRow how many
	// went since the catch-up began (catch-up pacing). Only Tick reads and
	// writes them, and Tick is never run concurrently.
	passHook func() func(error) // see WithPassHook; may be nil

	lastLate  time.Time
	lateInRow int

	// health is whether sending works (see Health). Tick writes it; the
	// mutex is for Health, called from other goroutines.
	healthMu sync.Mutex
	health   health
}

// health is the sender's state: ok, or held since a time for a cause, with
// the next try at retryAt after failures tries that failed.
type health struct {
	held     bool
	since    time.Time
	cause    string
	retryAt  time.Time
	failures int
}

// New returns a Dispatcher that sends through sender the reminders in st,
// from cfg's [smtp] from address to cfg's owner. mb is the owner's mailbox,
// nil when there is no [imap] section: then a send a crash interrupted is
// sent again without looking, and no drafts are placed.
func New(st *store.Store, sender Sender, mb Mailbox, cfg *config.Config, log *slog.Logger, clock Clock, opts ...Option) (*Dispatcher, error) {
	smtpCfg, err := cfg.SMTP()
	if err != nil {
		return nil, fmt.Errorf("set up reminders: %w", err)
	}
	if cfg.Owner.Email == "" {
		return nil, errors.New("set up reminders: owner.email is not set: reminders have nowhere to go")
	}
	from, err := mail.ParseAddress(smtpCfg.From)
	if err != nil {
		return nil, fmt.Errorf("set up reminders: smtp.from %q: %w", smtpCfg.From, err)
	}
	if from.Name == "" {
		from.Name = "followupd"
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	d := &Dispatcher{
		store: st, sender: sender, mailbox: mb, cfg: cfg, log: log, clock: clock,
		from: *from, domain: strings.ToLower(domain), inbox: "INBOX",
		spacing: DefaultCatchUpSpacing, staleAfter: DefaultStaleAfter, maxSleep: DefaultMaxSleep,
		minBackoff: DefaultMinBackoff, maxBackoff: DefaultMaxBackoff, maxAttempts: DefaultMaxAttempts,
		burst: DefaultCatchUpBurst, maxHold: DefaultMaxHold, outboxWindow: DefaultOutboxWindow,
		kick: make(chan struct{}, 1),
	}
	if mb != nil && cfg.HasIMAP() {
		im, err := cfg.IMAP()
		if err != nil {
			return nil, fmt.Errorf("set up reminders: %w", err)
		}
		d.inbox, d.drafts = im.Inbox, im.Drafts
	}
	for _, o := range opts {
		o(d)
	}
	d.minBackoff = max(d.minBackoff, time.Millisecond)
	d.maxBackoff = max(d.maxBackoff, d.minBackoff)
	d.maxSleep = max(d.maxSleep, time.Millisecond)
	d.maxAttempts = max(d.maxAttempts, 1)
	d.maxHold = max(d.maxHold, d.minBackoff)
	return d, nil
}

// Kick wakes the dispatcher to read the store again: call it after adding or
// moving reminders, and after queuing an email. It never blocks; kicks while one is pending are merged.
// A nil Dispatcher ignores it.
func (d *Dispatcher) Kick() {
	if d == nil {
		return
	}
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run sends reminders as they fall due until ctx ends; it then returns nil
// once the send in flight, if any, is finished and recorded. The first pass
// runs at once: it settles what a crash left in flight and sends what fell
// due while the daemon was down. Run only waits; the work is Tick's.
func (d *Dispatcher) Run(ctx context.Context) error {
	if d.mailbox == nil {
		d.log.Info("no [imap] section: a reminder interrupted by a crash is sent again without looking for it first")
	}
	for {
		wait := d.maxSleep
		var end func(error)
		if d.passHook != nil {
			end = d.passHook()
		}
		next, err := d.Tick(ctx, d.clock.Now())
		if end != nil {
			end(err)
		}
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil:
			d.log.Error("reminder pass failed", slog.Any("error", err), slog.Duration("retry_in", errorWait))
			wait = min(wait, errorWait)
		case !next.IsZero():
			wait = min(wait, max(next.Sub(d.clock.Now()), 0))
		}
		t := d.clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.kick:
			t.Stop()
		case <-t.C():
		}
	}
}
