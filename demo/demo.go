// Package demo runs followupd's whole lifecycle with no configuration:
// built-in mail servers on loopback (an IMAP account and an SMTP server that
// files into it), a temporary store and calendar, and a simulated clock that
// jumps from one event to the next. It shows each email the owner would
// receive, answers them as the owner would, and ends with the interviews'
// states. Nothing outside a temporary directory and 127.0.0.1 is touched.
package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/daemon"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

// The demo owner's account on the built-in servers.
const (
	ownerEmail = "alex.morgan@example.org"
	senderAddr = "followupd@example.org"
	// demoPassword logs in to the built-in IMAP server only.
	demoPassword = "demo-password"
)

// waitFor bounds each real-time wait for the daemon (an email to arrive,
// the calendar to be read): far more than the milliseconds they take.
const waitFor = 15 * time.Second

// Options say how to run the demo.
type Options struct {
	// Start is the real time the demo starts at; the simulated days are
	// the ones around it. Zero means time.Now().
	Start time.Time
	// Log receives the daemon's log; nil discards it.
	Log *slog.Logger
}

// clock is the simulated time: it stands still until the demo moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Run plays the demo, writing what the owner sees to w.
func Run(ctx context.Context, w io.Writer, o Options) (err error) {
	if o.Start.IsZero() {
		o.Start = time.Now()
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := os.MkdirTemp("", "followupd-demo-")
	if err != nil {
		return fmt.Errorf("make demo directory: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("remove demo directory: %w", rerr)
		}
	}()

	clk := &clock{}
	po, err := openPostOffice(ownerEmail, demoPassword, clk.Now)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := po.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()

	// The daemon's configuration has no [smtp]: the demo's own dispatcher,
	// driven by the simulated clock, sends the reminders (the daemon's
	// would sleep in real time). It sends the answers to the owner's
	// replies too, which the daemon queues in the store.
	cfgDaemon, cfgSend, err := writeConfigs(dir, po)
	if err != nil {
		return err
	}
	loc := cfgDaemon.Owner.Location
	sc := newScenario(demoDay(o.Start, loc))
	clk.set(sc.janeEnd.Add(-15 * time.Minute))
	if err := os.WriteFile(filepath.Join(dir, "calendar.ics"), sc.ics(clk.Now().Add(-48*time.Hour)), 0o600); err != nil {
		return fmt.Errorf("write demo calendar: %w", err)
	}

	st, err := store.Open(ctx, filepath.Join(dir, "followupd.db"))
	if err != nil {
		return fmt.Errorf("open demo store: %w", err)
	}
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close demo store: %w", cerr)
		}
	}()
	smtpCfg, err := cfgSend.SMTP()
	if err != nil {
		return err
	}
	sender := mailer.NewSender(smtpCfg, log.With(slog.String("component", "smtp")))
	disp, err := scheduler.New(st, sender, nil, cfgSend, log.With(slog.String("component", "dispatcher")),
		scheduler.SystemClock(clk.Now), scheduler.WithCatchUpSpacing(0))
	if err != nil {
		return err
	}

	dctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	d := daemon.New(cfgDaemon, st, log, daemon.WithClock(clk.Now), daemon.WithSender(sender))
	go func() { done <- d.Run(dctx) }()
	defer func() {
		stop()
		if derr := <-done; derr != nil && err == nil {
			err = fmt.Errorf("run demo daemon: %w", derr)
		}
	}()

	p := &player{w: w, loc: loc, clk: clk, st: st, disp: disp, po: po}
	return p.play(ctx, sc)
}

// writeConfigs writes and loads the demo's configuration twice: without
// [smtp] for the daemon, with it for the dispatcher and the sender.
func writeConfigs(dir string, po *postOffice) (daemonCfg, sendCfg *config.Config, err error) {
	pw := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pw, []byte(demoPassword+"\n"), 0o600); err != nil {
		return nil, nil, fmt.Errorf("write demo password: %w", err)
	}
	imapHost, imapPort, err := net.SplitHostPort(po.imapAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("demo IMAP address: %w", err)
	}
	smtpHost, smtpPort, err := net.SplitHostPort(po.smtpAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("demo SMTP address: %w", err)
	}
	base := fmt.Sprintf(`[owner]
name = "Alex Morgan"
email = %q
phone = "+1 555 0100"
attributes = ["ten years of building payment systems", "calm under incident pressure"]
value = "I can take the reconciliation backlog off the team's hands in my first quarter"
unique = "I have run both the engineering and the support side of a fintech product"
signature = "alex.morgan@example.org · +1 555 0100"

[[calendar]]
name = "demo"
source = %q

[replies]
authserv_id = "mx.example.org"

# The weekly digest would land in the middle of the story.
[digest]
enabled = false

[store]
path = %q

[imap]
host = %q
port = %s
security = "none"
username = %q
password_file = %q
poll = "10s"
`, ownerEmail, filepath.Join(dir, "calendar.ics"), filepath.Join(dir, "followupd.db"), imapHost, imapPort, ownerEmail, pw)
	withSMTP := base + fmt.Sprintf(`
[smtp]
host = %q
port = %s
security = "none"
from = %q
`, smtpHost, smtpPort, senderAddr)
	load := func(name, body string) (*config.Config, error) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			return nil, fmt.Errorf("write demo config: %w", err)
		}
		cfg, err := config.Load(path)
		if err != nil {
			return nil, fmt.Errorf("load demo config: %w", err)
		}
		return cfg, nil
	}
	if daemonCfg, err = load("daemon.toml", base); err != nil {
		return nil, nil, err
	}
	if sendCfg, err = load("send.toml", withSMTP); err != nil {
		return nil, nil, err
	}
	return daemonCfg, sendCfg, nil
}
