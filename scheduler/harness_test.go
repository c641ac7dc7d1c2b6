package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

const (
	ownerEmail   = "alex.morgan@example.org"
	fromAddr     = "followupd@example.org"
	imapUser     = "alex.morgan@example.org"
	imapPassword = "pw-dispatch-never-logged"
)

var (
	temporary = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	permanent = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
)

// setup is what one dispatcher test runs against.
type setup struct {
	cfg    *config.Config
	store  *store.Store
	smtp   *mailtest.SMTPServer
	imap   *mailtest.MemIMAP // nil without [imap]
	logs   *mailtest.LogBuffer
	log    *slog.Logger
	sender *mailer.Sender
	mb     Mailbox
}

// configText is a whole config file for an SMTP server on smtpPort and,
// when imapAddr is not "", an IMAP server there; extra goes under [schedule].
func configText(t testing.TB, smtpPort int, imapAddr, storePath, schedule string) string {
	t.Helper()
	if !strings.Contains(schedule, "quiet_hours") {
		schedule += "\nquiet_hours = \"\""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `[owner]
name = "Alex Morgan"
email = %q
timezone = "America/New_York"
attributes = ["ten years of payment systems"]

[schedule]
nag_every = "24h"
nag_limit = 2
%s

[[company]]
match = "globex.example"
name = "Globex"
formality = "formal"

[smtp]
host = "127.0.0.1"
port = %d
security = "none"
from = %q

[store]
path = %q
`, ownerEmail, schedule, smtpPort, fromAddr, storePath)
	if imapAddr != "" {
		host, port, err := net.SplitHostPort(imapAddr)
		if err != nil {
			t.Fatal(err)
		}
		pw := mailtest.WriteSecret(t, filepath.Dir(storePath), "imap-password", imapPassword)
		fmt.Fprintf(&b, `
[imap]
host = %q
port = %s
security = "none"
username = %q
password_file = %q

[imap.folders]
drafts = "Drafts"
`, host, port, imapUser, pw)
	}
	return b.String()
}

// newSetup starts an SMTP server (and an IMAP server when withIMAP), opens
// a fresh store and loads a config for them; schedule goes under [schedule].
// smtpTweak adds an SMTP server option once the setup's IMAP server exists.
type smtpTweak func(s *setup) mailtest.SMTPOption

func newSetup(t testing.TB, withIMAP bool, schedule string, tweaks ...smtpTweak) *setup {
	t.Helper()
	s := &setup{logs: &mailtest.LogBuffer{}}
	var smtpOpts []mailtest.SMTPOption
	imapAddr := ""
	if withIMAP {
		s.imap = mailtest.StartMemIMAP(t, imapUser, imapPassword, mailtest.IMAPFolders("INBOX", "Drafts"))
		imapAddr = s.imap.Addr
		smtpOpts = append(smtpOpts, mailtest.SMTPDeliverTo(s.imap.Deliver))
	}
	for _, tw := range tweaks {
		smtpOpts = append(smtpOpts, tw(s))
	}
	s.smtp = mailtest.StartSMTP(t, smtpOpts...)
	dir := t.TempDir()
	storePath := filepath.Join(dir, "followupd.db")
	s.cfg = mailtest.LoadConfig(t, dir, configText(t, s.smtp.Port, imapAddr, storePath, schedule))
	st, err := store.Open(context.Background(), storePath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	s.store = st
	s.log = slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	smtpCfg, err := s.cfg.SMTP()
	if err != nil {
		t.Fatal(err)
	}
	s.sender = mailer.NewSender(smtpCfg, s.log, mailer.WithTimeout(10*time.Second))
	if withIMAP {
		im, err := s.cfg.IMAP()
		if err != nil {
			t.Fatal(err)
		}
		s.mb = mailbox.New(im, nil, nil, s.log)
	}
	t.Cleanup(func() {
		if strings.Contains(s.logs.String(), imapPassword) {
			t.Error("the IMAP password reached the log")
		}
		if t.Failed() {
			t.Logf("dispatcher log:\n%s", s.logs.String())
		}
	})
	return s
}

// dispatcher builds a Dispatcher on the setup with a fake clock at now;
// catch-up spacing is off unless opts set it.
func (s *setup) dispatcher(t testing.TB, clock Clock, opts ...Option) *Dispatcher {
	t.Helper()
	opts = append([]Option{WithCatchUpSpacing(0)}, opts...)
	d, err := New(s.store, s.sender, s.mb, s.cfg, s.log, clock, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// addInterview stores an interview (one interviewer at company, ended an
// hour before end) whose reminders are due at thankYou and call (a zero
// time leaves that reminder out), and returns its id.
func (s *setup) addInterview(t testing.TB, uid, company string, end, thankYou, call time.Time) int64 {
	t.Helper()
	iv := interview.Interview{
		Key: interview.Key{UID: uid}, Status: interview.Scheduled,
		Summary: "Interview at " + company, Company: company, Position: "Backend Engineer",
		Start: end.Add(-time.Hour), End: end,
		Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@" + strings.ToLower(company) + ".example", Honorific: interview.Ms}},
	}
	plan := func(interview.Interview) []interview.Reminder {
		var rs []interview.Reminder
		if !thankYou.IsZero() {
			rs = append(rs, interview.Reminder{Kind: interview.ThankYou, Due: thankYou})
		}
		if !call.IsZero() {
			rs = append(rs, interview.Reminder{Kind: interview.FollowUpCall, Due: call})
		}
		return rs
	}
	if _, err := s.store.Apply(context.Background(), store.Report{Source: "calendar:test", Interviews: []interview.Interview{iv}}, end, plan); err != nil {
		t.Fatal(err)
	}
	recs, err := s.store.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.UID == uid {
			return r.ID
		}
	}
	t.Fatalf("interview %s not stored", uid)
	return 0
}

// reminder returns the interview's reminder of kind.
func (s *setup) reminder(t testing.TB, interviewID int64, kind interview.ReminderKind) store.ReminderRecord {
	t.Helper()
	rec, err := s.store.Interview(context.Background(), interviewID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.Reminders {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("interview %d has no %s reminder", interviewID, kind)
	return store.ReminderRecord{}
}

// tick runs one pass at now and fails the test on an error.
func tick(t testing.TB, d *Dispatcher, now time.Time) time.Time {
	t.Helper()
	next, err := d.Tick(context.Background(), now)
	if err != nil {
		t.Fatalf("Tick at %v: %v", now, err)
	}
	return next
}

// fakeClock is a Clock whose time moves only when the test says so.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	// created receives the duration of each new timer.
	created chan time.Duration
}

type fakeTimer struct {
	c    chan time.Time
	at   time.Time
	done bool
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, created: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	ft := &fakeTimer{c: make(chan time.Time, 1), at: c.now.Add(d)}
	if d <= 0 {
		ft.done = true
		ft.c <- c.now
	} else {
		c.timers = append(c.timers, ft)
	}
	c.mu.Unlock()
	c.created <- d
	return fakeTimerHandle{c, ft}
}

// Advance moves the clock on by d and fires the timers then due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, ft := range c.timers {
		if !ft.done && !ft.at.After(c.now) {
			ft.done = true
			ft.c <- c.now
		}
	}
}

// waitTimer waits for Run to go to sleep and returns for how long.
func (c *fakeClock) waitTimer(t testing.TB) time.Duration {
	t.Helper()
	select {
	case d := <-c.created:
		return d
	case <-time.After(mailtest.Scaled(10 * time.Second)):
		t.Fatal("the dispatcher never went to sleep")
		return 0
	}
}

type fakeTimerHandle struct {
	c  *fakeClock
	ft *fakeTimer
}

func (h fakeTimerHandle) C() <-chan time.Time { return h.ft.c }

func (h fakeTimerHandle) Stop() bool {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	was := !h.ft.done
	h.ft.done = true
	return was
}
