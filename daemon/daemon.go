// Package daemon owns followupd's wiring and lifecycle: it builds the
// long-running components (calendar refresh, mailbox watcher) around one
// store, runs each as Run(ctx) error under a supervisor that logs a failure
// and restarts the component with backoff without stopping the others, and
// stops them all when its context ends. It routes each message the watcher
// decoded: to package replyflow (the owner's replies and Sent-folder notes),
// else to the invitation path (calendar, detect, store), else to the
// employer's side (employer.go). The answers replyflow queues and the
// employer side's emails are sent, with the reminders, by the dispatcher
// (package scheduler), which the daemon kicks; docs/architecture.md shows
// the whole path of each.
package daemon

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/backoff"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

// Daemon is one running followupd.
type Daemon struct {
	// cfg is the configuration in force; a reload swaps it (see config).
	cfg     atomic.Pointer[config.Config]
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	fetcher *calendar.Fetcher
	imapOpt []mailbox.Option

	// retryWait is the first pause before a message's failed store work is
	// tried again (see retrying).
	retryWait time.Duration

	mu      sync.Mutex
	sources map[string]*sourceHealth // by calendar name

	// sender is how the dispatcher sends; nil without [smtp] (reminders
	// and answers then stay queued). Unless a test injected one, it is a
	// *senderRef, so that a reload can change the [smtp] account under it.
	sender         scheduler.Sender
	injectedSender bool
	smtpRef        *senderRef

	// dispatcher sends the reminders and the queued emails; it holds none
	// without [smtp]. Kick it after storing changes or queuing an email.
	dispatcher *dispatcherRef
	// watcher is the running mailbox watcher, nil without [imap].
	watcher *mailbox.Watcher

	// Supervision, health and notification (see service.go).
	notify     Notifier
	watchdog   time.Duration
	stallAfter time.Duration
	readyWait  time.Duration
	testHang   string
	board      healthBoard
	storeTr    *Tracker
	reloads    chan reloadRequest
	noteOnce   sync.Once
}

// Option changes how a Daemon is built (tests inject clocks and dialers).
type Option func(*Daemon)

// WithClock sets the clock; the default is time.Now.
func WithClock(now func() time.Time) Option { return func(d *Daemon) { d.now = now } }

// WithFetcher sets the calendar fetcher (tests give it an httptest client).
func WithFetcher(f *calendar.Fetcher) Option { return func(d *Daemon) { d.fetcher = f } }

// WithIMAPOptions passes options to the mailbox watcher.
func WithIMAPOptions(opts ...mailbox.Option) Option {
	return func(d *Daemon) { d.imapOpt = append(d.imapOpt, opts...) }
}

// WithSender sets how emails are sent (tests: an in-process SMTP server or
// a recorder); the default is a mailer.Sender for [smtp], none without it.
func WithSender(s scheduler.Sender) Option {
	return func(d *Daemon) { d.sender, d.injectedSender = s, s != nil }
}

// New builds a daemon around an open store.
func New(cfg *config.Config, st *store.Store, log *slog.Logger, opts ...Option) *Daemon {
	d := &Daemon{store: st, log: log, now: time.Now, fetcher: &calendar.Fetcher{}, sources: map[string]*sourceHealth{},
		retryWait: time.Second, dispatcher: &dispatcherRef{}, stallAfter: DefaultStallAfter, readyWait: DefaultReadyWait,
		reloads: make(chan reloadRequest)}
	d.cfg.Store(cfg)
	for _, o := range opts {
		o(d)
	}
	d.smtpRef = &senderRef{tr: NewTracker("smtp", 0, time.Now)}
	d.storeTr = NewTracker("store", 0, time.Now)
	d.board.set("store", d.storeTr)
	return d
}

// config returns the configuration in force. Read it once per piece of
// work: a reload may swap it between two calls.
func (d *Daemon) config() *config.Config { return d.cfg.Load() }

// component is one long-running part of the daemon.
type component struct {
	name string
	run  func(ctx context.Context) error
}

// Run runs every configured component until ctx ends, and applies the
// reloads Reload asks for. It returns nil after a clean stop; a
// configuration error in a component is returned at once.
func (d *Daemon) Run(ctx context.Context) error {
	cfg := d.config()
	b, err := d.build(cfg, nil)
	if err != nil {
		return err
	}
	if len(b.comps) == 0 {
		return errors.New("nothing to watch: configure a [[calendar]] or [imap]")
	}
	if !cfg.HasSMTP() && !d.injectedSender {
		d.log.Warn("no [smtp] section: reminders are stored and listed but not sent")
	}
	r := &runner{d: d, ctx: ctx, running: map[string]*running{}}
	d.install(b)
	r.start(b.comps)
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		d.report(ctx, b.firstTries)
	}()
	d.log.Info("followupd running", slog.Int("components", len(b.comps)), slog.String("zone", cfg.Owner.Location.String()))
	for {
		select {
		case <-ctx.Done():
			r.stopAll()
			<-reported
			d.log.Info("followupd stopped")
			return nil
		case req := <-d.reloads:
			req.done <- d.apply(r, req.cfg)
		}
	}
}

// supervise runs c until ctx ends, restarting it with capped, jittered
// backoff when it returns early; a run that lasted a while resets the backoff.
func (d *Daemon) supervise(ctx context.Context, c component) {
	log := d.log.With(slog.String("component", c.name))
	bo := backoff.Backoff{Policy: backoff.Policy{Min: time.Second, Max: 5 * time.Minute, Jitter: 0.5}}
	for {
		started := time.Now()
		err := runGuarded(ctx, c.run)
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > 5*time.Minute {
			bo.Reset()
		}
		wait := bo.Next()
		log.Error("component stopped; restarting", slog.Any("error", err), slog.Duration("in", wait))
		if !backoff.Sleep(ctx, wait) {
			return
		}
	}
}

// runGuarded runs f, turning a panic into an error so that one component's
// bug does not take the daemon down.
func runGuarded(ctx context.Context, f func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New("panic: " + slog.AnyValue(p).String())
		}
	}()
	err = f(ctx)
	if err == nil && ctx.Err() == nil {
		err = errors.New("returned without an error before shutdown")
	}
	return err
}

// folderStates adapts the store to the watcher's StateStore.
type folderStates struct{ st *store.Store }

func (f folderStates) FolderState(ctx context.Context, folder string) (mailbox.FolderState, error) {
	s, err := f.st.FolderState(ctx, folder)
	return mailbox.FolderState{UIDValidity: s.UIDValidity, LastUID: s.LastUID}, err
}

func (f folderStates) SaveFolderState(ctx context.Context, folder string, s mailbox.FolderState) error {
	return f.st.SaveFolderState(ctx, folder, store.FolderState{UIDValidity: s.UIDValidity, LastUID: s.LastUID})
}
