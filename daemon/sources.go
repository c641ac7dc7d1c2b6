package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
	"github.com/followupd/followupd/internal/backoff"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// sourceHealth tracks a failing calendar source so that it is retried with
// backoff and its failure is logged once, not at every turn.
type sourceHealth struct {
	failures  int
	nextTry   time.Time
	lastError string
}

// maxBackoffTurns caps a failing source's wait at this many refresh intervals.
const maxBackoffTurns = 8

// refreshCalendar reads one calendar source and applies what it holds. A
// source that fails keeps its last good state in the store.
func (d *Daemon) refreshCalendar(ctx context.Context, cal config.Calendar, log *slog.Logger) {
	now := d.now()
	d.mu.Lock()
	h := d.sources[cal.Name]
	if h == nil {
		h = &sourceHealth{}
		d.sources[cal.Name] = h
	}
	waiting := now.Before(h.nextTry)
	d.mu.Unlock()
	if waiting {
		return
	}
	err := d.readCalendar(ctx, cal, now, log)
	if ctx.Err() != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil {
		if h.failures > 0 {
			log.Info("calendar source works again", slog.Int("failed_turns", h.failures))
		}
		*h = sourceHealth{}
		return
	}
	h.failures++
	h.nextTry = now.Add(backoff.Policy{Min: cal.Refresh, Max: maxBackoffTurns * cal.Refresh}.Step(h.failures))
	if msg := err.Error(); msg != h.lastError {
		h.lastError = msg
		log.Warn("calendar source failed; keeping its last good state", slog.Any("error", err), slog.Time("retry_at", h.nextTry))
	}
	if serr := d.saveCalendarError(ctx, cal.Name, err); serr != nil {
		log.Error("record calendar failure", slog.Any("error", serr))
	}
}

// readCalendar fetches, parses and applies one source; any error leaves the
// store as it was.
func (d *Daemon) readCalendar(ctx context.Context, cal config.Calendar, now time.Time, log *slog.Logger) error {
	prev, err := d.store.CalendarState(ctx, cal.Name)
	if err != nil {
		return fmt.Errorf("load calendar state: %w", err)
	}
	got, err := d.fetcher.Fetch(ctx, cal, calendar.FetchState{ETag: prev.ETag, LastModified: prev.LastModified, Hash: prev.Hash})
	if err != nil {
		return err
	}
	next := store.CalendarState{ETag: got.State.ETag, LastModified: got.State.LastModified, Hash: got.State.Hash, LastOK: now}
	if got.Unchanged {
		return d.store.SaveCalendarState(ctx, cal.Name, next)
	}
	cfg := d.config()
	parsed, err := calendar.Parse(got.Data, calendar.ReadOptions(cfg, now))
	if err != nil {
		return fmt.Errorf("parse calendar: %w", err)
	}
	for _, p := range parsed.Problems {
		if p.Salvaged {
			log.Warn("read a damaged calendar event on an assumption", slog.String("event_uid", p.UID), slog.Any("error", p.Err))
		} else {
			log.Warn("skipped a broken calendar event", slog.String("event_uid", p.UID), slog.Any("error", p.Err))
		}
	}
	res := detect.Detect(parsed, cfg)
	// The one guard against a bad answer (store.Report.Complete): a calendar
	// with skipped events or a limit reached may be a partial export, and
	// one with no events at all an empty answer from a broken server; either
	// adds and updates but never makes interviews vanish. Events read on an
	// assumption (an unknown zone, a bad attendee) leave it complete. A
	// calendar that holds events, none of them an interview any more, is
	// complete: its last interview was deleted.
	complete := parsed.Complete() && len(parsed.Events) > 0
	changes, err := d.store.Apply(ctx, store.Report{
		Source: "calendar:" + cal.Name, Complete: complete,
		Interviews: res.Interviews, Cancelled: res.Cancelled,
	}, now, timerules.Planner(cfg))
	if err != nil {
		return fmt.Errorf("store calendar %q: %w", cal.Name, err)
	}
	d.dispatcher.Kick() // reminders may have been added or moved
	logChanges(log, changes)
	d.afterApply(ctx, changes) // the employer's side: employer.go
	return d.store.SaveCalendarState(ctx, cal.Name, next)
}

func (d *Daemon) saveCalendarError(ctx context.Context, name string, failure error) error {
	st, err := d.store.CalendarState(ctx, name)
	if err != nil {
		return err
	}
	st.LastError = failure.Error()
	return d.store.SaveCalendarState(ctx, name, st)
}

// handleMessage takes the invitations out of one new message. A broken
// invitation is logged and skipped; the message still counts as read.
func (d *Daemon) handleMessage(ctx context.Context, m mailbox.Message) error {
	log := d.log.With(slog.String("folder", m.Folder), slog.Uint64("uid", uint64(m.UID)))
	if d.isSentFolder(m.Folder) {
		if err := d.retrying(ctx, log, "sent note", func() error { return d.handleSentNote(ctx, m) }); err != nil {
			return err
		}
	} else {
		var handled bool
		err := d.retrying(ctx, log, "reply", func() (err error) {
			handled, err = d.handleReply(ctx, m)
			return err
		})
		if handled || err != nil {
			return err
		}
		if len(m.Invitations) == 0 { // perhaps the employer's side (employer.go)
			return d.retrying(ctx, log, "employer", func() error { return d.handleEmployer(ctx, m) })
		}
	}
	now, cfg := d.now(), d.config()
	var ivs []interview.Interview
	var cancelled []interview.Key
	for i, inv := range m.Invitations {
		parsed, err := calendar.Parse(inv, calendar.ReadOptions(cfg, now))
		if err != nil {
			log.Warn("skipped an unreadable invitation", slog.Int("part", i), slog.Any("error", err))
			continue
		}
		res := detect.Detect(parsed, cfg)
		ivs = append(ivs, res.Interviews...)
		cancelled = append(cancelled, res.Cancelled...)
	}
	if len(ivs) == 0 && len(cancelled) == 0 {
		return nil
	}
	report := store.Report{Source: "imap:" + m.Folder, Interviews: interview.Latest(ivs), Cancelled: cancelled}
	var changes []store.Change
	err := d.retrying(ctx, log, "invitation", func() (err error) {
		changes, err = d.store.Apply(ctx, report, now, timerules.Planner(cfg))
		return err
	})
	if err != nil {
		return fmt.Errorf("store invitation: %w", err)
	}
	d.dispatcher.Kick() // reminders may have been added or moved
	logChanges(log, changes)
	d.afterApply(ctx, changes) // the employer's side: employer.go
	return nil
}

func logChanges(log *slog.Logger, changes []store.Change) {
	for _, c := range changes {
		log.Info("interview changed", slog.String("change", c.What), slog.String("event_uid", c.Key.String()))
	}
}
