package daemon

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/scheduler"
)

const (
	// DefaultStallAfter is how long one pass of the dispatcher, one
	// calendar read or one message's handling may take before the daemon
	// counts that part as hung and stops feeding the watchdog.
	DefaultStallAfter = 10 * time.Minute
	// DefaultReadyWait caps how long READY waits for every source's first
	// attempt: one still trying then does not hold READY back. It stays under
	// systemd's default TimeoutStartSec (90 s).
	DefaultReadyWait = time.Minute
	// statusEvery is how often STATUS is refreshed without a watchdog.
	statusEvery = 30 * time.Second
	// pingTimeout bounds the store's answer to the health check.
	pingTimeout = 10 * time.Second
)

// Notifier tells the service manager about the daemon (sdnotify.Notifier).
type Notifier interface {
	Ready() error
	Status(string) error
	Watchdog() error
}

// WithNotifier sets who hears READY, STATUS and WATCHDOG; watchdog is how
// often to ping (0: never).
func WithNotifier(n Notifier, watchdog time.Duration) Option {
	return func(d *Daemon) { d.notify, d.watchdog = n, watchdog }
}

// WithStallAfter sets how long one piece of work may take before the part
// doing it counts as hung (see DefaultStallAfter).
func WithStallAfter(t time.Duration) Option { return func(d *Daemon) { d.stallAfter = t } }

// WithHealthSource adds a part to the daemon's status and watchdog
// judgement, such as a sender that reports its own health.
func WithHealthSource(s HealthSource) Option {
	return func(d *Daemon) { d.board.extra = append(d.board.extra, s) }
}

// WithTestHang makes a part hang at its next piece of work, to show that the
// watchdog notices; "dispatcher" is the one part known. For tests only.
func WithTestHang(part string) Option { return func(d *Daemon) { d.testHang = part } }

// dispatcherRef is the dispatcher in force; a reload may replace it.
type dispatcherRef struct {
	p atomic.Pointer[scheduler.Dispatcher]
}

// Kick wakes the dispatcher in force, if any.
func (r *dispatcherRef) Kick() { r.p.Load().Kick() }

// senderRef sends through the [smtp] account in force, and reports how
// sending fares.
type senderRef struct {
	p  atomic.Pointer[mailer.Sender]
	tr *Tracker
}

func (s *senderRef) Send(ctx context.Context, e mailer.Email) error {
	err := s.p.Load().Send(ctx, e)
	switch {
	case ctx.Err() != nil:
	case err == nil:
		s.tr.Result(nil)
	default:
		// STATUS shows the root cause ("connection refused", the server's
		// reply), and it is for every local user to read: no reply tokens.
		root := err
		for u := errors.Unwrap(root); u != nil; u = errors.Unwrap(root) {
			root = u
		}
		text := mailer.RedactEmail(root.Error(), e)
		s.tr.Result(errors.New(text))
	}
	return err
}

// built is the set of components made from one configuration, not running
// yet.
type built struct {
	cfg        *config.Config
	comps      []component
	watcher    *mailbox.Watcher      // when "mailbox" is among comps
	dispatcher *scheduler.Dispatcher // when "dispatcher" is among comps
	smtp       *mailer.Sender
	trackers   map[string]*Tracker // by component name; health of each
	firstTries []*Tracker          // sources READY waits for
}

// build makes the components cfg asks for; only, when not nil, limits them
// to those names. It changes nothing in d: install does.
func (d *Daemon) build(cfg *config.Config, only map[string]bool) (*built, error) {
	want := func(name string) bool { return only == nil || only[name] }
	b := &built{cfg: cfg, trackers: map[string]*Tracker{}}
	if len(cfg.Calendars) > 0 && want("calendars") {
		chores := scheduler.NewChores(d.log.With(slog.String("component", "chores")), cfg.Owner.Location)
		for _, cal := range cfg.Calendars {
			log := d.log.With(slog.String("calendar", cal.Name))
			tr := NewTracker("calendar "+cal.Name, d.stallAfter, time.Now)
			b.trackers["calendar "+cal.Name] = tr
			b.firstTries = append(b.firstTries, tr)
			chores.Every("calendar "+cal.Name, cal.Refresh, func(ctx context.Context) {
				end := tr.Busy()
				defer end()
				d.refreshCalendar(ctx, cal, log)
				if ctx.Err() == nil {
					tr.Result(d.calendarError(cal.Name))
				}
			})
		}
		b.comps = append(b.comps, component{"calendars", chores.Run})
	}
	if cfg.HasSMTP() && !d.injectedSender && want("dispatcher") {
		smtpCfg, err := cfg.SMTP()
		if err != nil {
			return nil, err
		}
		b.smtp = mailer.NewSender(smtpCfg, d.log.With(slog.String("component", "smtp")))
	}
	if (d.injectedSender || cfg.HasSMTP()) && want("employer") {
		b.comps = append(b.comps, component{"employer", d.runEmployer})
	}
	mb := d.watcher
	if cfg.HasIMAP() && want("mailbox") {
		imapCfg, err := cfg.IMAP()
		if err != nil {
			return nil, err
		}
		log := d.log.With(slog.String("component", "mailbox"), slog.String("account", imapCfg.Username))
		tr := NewTracker("imap", d.stallAfter, time.Now)
		b.trackers["imap"] = tr
		b.firstTries = append(b.firstTries, tr)
		handle := func(ctx context.Context, m mailbox.Message) error {
			end := tr.Busy()
			defer end()
			return d.handleMessage(ctx, m)
		}
		opts := append([]mailbox.Option{mailbox.WithClock(d.now), mailbox.WithConnHook(tr.Result)}, d.imapOpt...)
		w := mailbox.New(imapCfg, folderStates{d.store}, handle, log, opts...)
		b.watcher, mb = w, w
		b.comps = append(b.comps, component{"mailbox", w.Run})
	}
	if !cfg.HasIMAP() {
		mb = nil
	}
	if cfg.HasSMTP() && want("dispatcher") {
		tr := NewTracker("reminders", d.stallAfter, time.Now)
		b.trackers["dispatcher"] = tr
		hook := func() func(error) {
			end := tr.Busy()
			if d.testHang == "dispatcher" {
				d.log.Warn("dispatcher made to hang for a test")
				select {} // the supervisor's context cannot free it: a real hang
			}
			return func(err error) { end(); tr.Result(err) }
		}
		var sender scheduler.Sender = d.smtpRef // re-pointed by install
		if d.injectedSender {
			sender = d.sender
		}
		var mbx scheduler.Mailbox
		if mb != nil {
			mbx = mb
		}
		disp, err := scheduler.New(d.store, sender, mbx, cfg, d.log.With(slog.String("component", "dispatcher")),
			scheduler.SystemClock(d.now), scheduler.WithPassHook(hook))
		if err != nil {
			return nil, err
		}
		b.dispatcher = disp
		b.comps = append(b.comps, component{"dispatcher", disp.Run})
	}
	return b, nil
}

// install makes b's parts the ones in force. The components it replaces
// must be stopped already.
func (d *Daemon) install(b *built) {
	d.cfg.Store(b.cfg)
	if b.smtp != nil {
		d.smtpRef.p.Store(b.smtp)
	}
	// d.sender is written only when [smtp] comes or goes, and then every
	// component that reads it is stopped (see apply).
	if !d.injectedSender {
		switch {
		case b.cfg.HasSMTP() && d.sender == nil:
			d.sender = d.smtpRef
			d.board.set("smtp", d.smtpRef.tr)
		case !b.cfg.HasSMTP() && d.sender != nil:
			d.sender = nil
			d.board.set("smtp", nil)
		}
	}
	for _, c := range b.comps {
		switch c.name {
		case "mailbox":
			d.watcher = b.watcher
		case "dispatcher":
			d.dispatcher.p.Store(b.dispatcher)
		}
	}
	for name, tr := range b.trackers {
		d.board.set(name, tr)
	}
}

// calendarError is the last failure of a calendar source, nil when its
// last read worked.
func (d *Daemon) calendarError(name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if h := d.sources[name]; h != nil && h.failures > 0 {
		return errors.New(h.lastError)
	}
	return nil
}

// running is one component under its supervisor.
type running struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// runner starts and stops components, each under a context of its own.
type runner struct {
	d       *Daemon
	ctx     context.Context
	running map[string]*running
}

func (r *runner) start(comps []component) {
	for _, c := range comps {
		ctx, cancel := context.WithCancel(r.ctx)
		rc := &running{cancel: cancel, done: make(chan struct{})}
		r.running[c.name] = rc
		go func() {
			defer close(rc.done)
			r.d.supervise(ctx, c)
		}()
	}
}

// stop stops the named components and waits for them; work in flight ends
// first (a send is finished and recorded).
func (r *runner) stop(names map[string]bool) {
	for name := range names {
		if rc := r.running[name]; rc != nil {
			rc.cancel()
		}
	}
	for name := range names {
		if rc := r.running[name]; rc != nil {
			<-rc.done
			delete(r.running, name)
		}
	}
}

func (r *runner) stopAll() {
	all := map[string]bool{}
	for name := range r.running {
		all[name] = true
	}
	r.stop(all)
}

// reloadRequest asks Run to apply a new configuration.
type reloadRequest struct {
	cfg  *config.Config
	done chan error
}

// Reload makes cfg the configuration in force. The components whose part
// of it changed are restarted (a new [[calendar]] is read at once); the
// others keep running. On an error the old configuration stays in force.
// It returns once the change is made, or when ctx or the daemon ends.
func (d *Daemon) Reload(ctx context.Context, cfg *config.Config) error {
	req := reloadRequest{cfg: cfg, done: make(chan error, 1)}
	select {
	case d.reloads <- req:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// apply is Reload's work, on Run's goroutine.
func (d *Daemon) apply(r *runner, cfg *config.Config) error {
	old := d.config()
	noEnv := func(string) string { return "" }
	before, _ := old.StorePath(noEnv)
	after, _ := cfg.StorePath(noEnv)
	if before != after {
		d.log.Warn("store.path changed: the daemon keeps the database it has open until it is restarted")
	}
	restart := changedParts(old, cfg)
	if cfg.HasSMTP() != old.HasSMTP() || cfg.HasIMAP() != old.HasIMAP() {
		// Who sends and who watches changes: everything starts afresh.
		restart = map[string]bool{"calendars": true, "mailbox": true, "dispatcher": true, "employer": true}
	}
	if len(restart) == 0 {
		d.cfg.Store(cfg)
		d.log.Info("configuration reloaded; nothing to restart")
		return nil
	}
	if len(cfg.Calendars) == 0 && !cfg.HasIMAP() {
		return errors.New("nothing to watch: configure a [[calendar]] or [imap]")
	}
	b, err := d.build(cfg, restart)
	if err != nil {
		return err
	}
	r.stop(restart)
	d.board.drop(restart)
	d.install(b)
	r.start(b.comps)
	names := make([]string, 0, len(b.comps))
	for _, c := range b.comps {
		names = append(names, c.name)
	}
	d.log.Info("configuration reloaded", slog.Any("restarted", names))
	return nil
}

// changedParts says which components a change from a to b touches.
func changedParts(a, b *config.Config) map[string]bool {
	out := map[string]bool{}
	sameZone := a.Owner.Location.String() == b.Owner.Location.String()
	if !sameZone || !reflect.DeepEqual(a.Calendars, b.Calendars) {
		out["calendars"] = true
	}
	ia, erra := imapOf(a)
	ib, errb := imapOf(b)
	if !reflect.DeepEqual(ia, ib) || (erra == nil) != (errb == nil) {
		out["mailbox"] = true
	}
	// The dispatcher reads every section but the calendars; it also holds
	// the mailbox watcher.
	ca, cb := *a, *b
	ca.Owner.Location, cb.Owner.Location = nil, nil
	ca.Calendars, cb.Calendars = nil, nil
	if !sameZone || out["mailbox"] || !reflect.DeepEqual(ca, cb) {
		out["dispatcher"] = true
	}
	return out
}

func imapOf(c *config.Config) (*config.IMAP, error) {
	if !c.HasIMAP() {
		return nil, nil
	}
	return c.IMAP()
}

// drop forgets the health of the given components' parts: their
// replacements report afresh.
func (b *healthBoard) drop(components map[string]bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for name := range b.sources {
		switch {
		case components["calendars"] && strings.HasPrefix(name, "calendar "),
			components["mailbox"] && name == "imap",
			components["dispatcher"] && name == "dispatcher":
			delete(b.sources, name)
		}
	}
}

// report sends READY once every source has made its first attempt (or
// readyWait has passed), then keeps STATUS current and feeds the watchdog
// while the daemon is healthy, until ctx ends.
func (d *Daemon) report(ctx context.Context, firstTries []*Tracker) {
	if d.notify == nil {
		return
	}
	readyBy := time.Now().Add(d.readyWait)
	poll := time.NewTicker(50 * time.Millisecond)
	for !allTried(firstTries) && time.Now().Before(readyBy) {
		select {
		case <-ctx.Done():
			poll.Stop()
			return
		case <-poll.C:
		}
	}
	poll.Stop()
	healthy := d.checkHealth(ctx)
	d.sendStatus(ctx)
	d.note(d.notify.Ready())
	d.log.Info("ready")
	every := statusEvery
	if d.watchdog > 0 {
		every = min(every, d.watchdog)
		if healthy {
			d.note(d.notify.Watchdog())
		}
	}
	// A timer set anew after each turn, not a ticker: a late turn is not
	// followed by an early one, so pings are never closer than every.
	t := time.NewTimer(every)
	defer t.Stop()
	wasHealthy := healthy
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		healthy := d.checkHealth(ctx)
		if ctx.Err() != nil {
			return
		}
		if healthy != wasHealthy {
			if healthy {
				d.log.Info("healthy again: feeding the watchdog")
			} else {
				d.log.Error("a part of the daemon is stuck: the watchdog is no longer fed")
			}
			wasHealthy = healthy
		}
		if d.watchdog > 0 && healthy {
			d.note(d.notify.Watchdog())
		}
		d.sendStatus(ctx)
		t.Reset(every)
	}
}

// ReportStatus sends STATUS now (after a reload, say).
func (d *Daemon) ReportStatus(ctx context.Context) {
	if d.notify != nil {
		d.sendStatus(ctx)
	}
}

func allTried(trs []*Tracker) bool {
	for _, t := range trs {
		if !t.Health().Tried {
			return false
		}
	}
	return true
}

// checkHealth asks the store to answer and looks for a part that is stuck.
func (d *Daemon) checkHealth(ctx context.Context) bool {
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	err := d.store.Ping(pctx)
	cancel()
	if ctx.Err() != nil {
		return false
	}
	d.storeTr.Result(err)
	if err != nil {
		return false
	}
	now := time.Now()
	for _, h := range d.board.all() {
		if h.Stalled(now) {
			return false
		}
	}
	return true
}

func (d *Daemon) sendStatus(ctx context.Context) {
	cfg := d.config()
	var watched []string
	for _, c := range cfg.Calendars {
		watched = append(watched, "calendar "+c.Name)
	}
	if cfg.HasIMAP() {
		if im, err := cfg.IMAP(); err == nil {
			watched = append(watched, "imap "+im.Username)
		}
	}
	open, next := -1, time.Time{}
	if rems, err := d.store.OpenReminders(ctx); err == nil {
		open = len(rems)
		for _, r := range rems {
			due := r.Due
			if !r.NextAttempt.IsZero() {
				due = r.NextAttempt
			}
			if next.IsZero() || due.Before(next) {
				next = due
			}
		}
	}
	d.note(d.notify.Status(statusLine(watched, open, next, d.board.all(), time.Now(), cfg.Owner.Location)))
}

// note logs a failure to reach the service manager, once per kind.
func (d *Daemon) note(err error) {
	if err != nil {
		d.noteOnce.Do(func() { d.log.Warn("cannot reach systemd's notify socket", slog.Any("error", err)) })
	}
}
