// Package daemon owns followupd's wiring and lifecycle: it builds the
// long-running components (calendar refresh, mailbox watcher) around one
// store, runs each as Run(ctx) error under a supervisor that logs a failure
// and restarts the component with backoff without stopping the others, and
// stops them all when its context ends.
package daemon

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

// Daemon is one running followupd.
type Daemon struct {
	cfg     *config.Config
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

	// sender delivers the answers to the owner's replies; nil without
	// [smtp] (answers then stay queued). answerMu makes one sender of
	// queued answers at a time (see replies_outbox.go).
	sender   scheduler.Sender
	answerMu sync.Mutex

	// dispatcher sends the reminders; nil without [smtp]. Set by
	// components before any component runs; Kick it after storing changes.
	dispatcher *scheduler.Dispatcher
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
func WithSender(s scheduler.Sender) Option { return func(d *Daemon) { d.sender = s } }

// New builds a daemon around an open store.
func New(cfg *config.Config, st *store.Store, log *slog.Logger, opts ...Option) *Daemon {
	d := &Daemon{cfg: cfg, store: st, log: log, now: time.Now, fetcher: &calendar.Fetcher{}, sources: map[string]*sourceHealth{},
		retryWait: time.Second}
	for _, o := range opts {
		o(d)
	}
	return d
}

// component is one long-running part of the daemon.
type component struct {
	name string
	run  func(ctx context.Context) error
}

// Run runs every configured component until ctx ends. It returns nil after
// a clean stop; a configuration error in a component is returned at once.
func (d *Daemon) Run(ctx context.Context) error {
	comps, err := d.components()
	if err != nil {
		return err
	}
	if len(comps) == 0 {
		return errors.New("nothing to watch: configure a [[calendar]] or [imap]")
	}
	var wg sync.WaitGroup
	for _, c := range comps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.supervise(ctx, c)
		}()
	}
	d.log.Info("followupd running", slog.Int("components", len(comps)), slog.String("zone", d.cfg.Owner.Location.String()))
	wg.Wait()
	d.log.Info("followupd stopped")
	return nil
}

func (d *Daemon) components() ([]component, error) {
	var comps []component
	if len(d.cfg.Calendars) > 0 {
		chores := scheduler.NewChores(d.log.With(slog.String("component", "chores")), d.cfg.Owner.Location)
		for _, cal := range d.cfg.Calendars {
			log := d.log.With(slog.String("calendar", cal.Name))
			chores.Every("calendar "+cal.Name, cal.Refresh, func(ctx context.Context) {
				d.refreshCalendar(ctx, cal, log)
			})
		}
		comps = append(comps, component{"calendars", chores.Run})
	}
	if d.sender == nil && d.cfg.HasSMTP() {
		smtpCfg, err := d.cfg.SMTP()
		if err != nil {
			return nil, err
		}
		d.sender = mailer.NewSender(smtpCfg, d.log.With(slog.String("component", "smtp")))
	}
	if d.sender != nil {
		comps = append(comps, component{"answers", d.runAnswers})
		comps = append(comps, component{"employer", d.runEmployer})
	}
	var mb scheduler.Mailbox // the dispatcher's view of the mailbox; nil without [imap]
	if d.cfg.HasIMAP() {
		imapCfg, err := d.cfg.IMAP()
		if err != nil {
			return nil, err
		}
		log := d.log.With(slog.String("component", "mailbox"), slog.String("account", imapCfg.Username))
		opts := append([]mailbox.Option{mailbox.WithClock(d.now)}, d.imapOpt...)
		w := mailbox.New(imapCfg, folderStates{d.store}, d.handleMessage, log, opts...)
		mb = w
		comps = append(comps, component{"mailbox", w.Run})
	}
	if d.sender != nil && d.cfg.HasSMTP() {
		disp, err := scheduler.New(d.store, d.sender, mb, d.cfg, d.log.With(slog.String("component", "dispatcher")),
			scheduler.SystemClock(d.now))
		if err != nil {
			return nil, err
		}
		d.dispatcher = disp
		comps = append(comps, component{"dispatcher", disp.Run})
	} else {
		d.log.Warn("no [smtp] section: reminders are stored and listed but not sent")
	}
	return comps, nil
}

// supervise runs c until ctx ends, restarting it with capped, jittered
// backoff when it returns early; a run that lasted a while resets the backoff.
func (d *Daemon) supervise(ctx context.Context, c component) {
	log := d.log.With(slog.String("component", c.name))
	backoff := time.Second
	for {
		started := time.Now()
		err := runGuarded(ctx, c.run)
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > 5*time.Minute {
			backoff = time.Second
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		log.Error("component stopped; restarting", slog.Any("error", err), slog.Duration("in", wait))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 5*time.Minute)
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
