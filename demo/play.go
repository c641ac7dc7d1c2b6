package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

// player walks the scenario step by step on the simulated clock.
type player struct {
	w    io.Writer
	loc  *time.Location
	clk  *clock
	st   *store.Store
	disp *scheduler.Dispatcher
	po   *postOffice

	replies     int  // owner replies sent so far, for their Message-IDs
	footerShown bool // the reply commands were printed once
}

func (p *player) play(ctx context.Context, sc scenario) error {
	p.header("followupd demo: the owner is Alex Morgan <%s>; mail servers on %s", ownerEmail, loopback)
	fmt.Fprintf(p.w, "   The calendar holds an interview with Jane Doe at Acme Corp (%s–%s)\n",
		p.stamp(sc.janeStart), sc.janeEnd.In(p.loc).Format("15:04"))
	fmt.Fprintf(p.w, "   and a panel interview at Globex (%s). Simulated time; nothing leaves this machine.\n\n",
		p.stamp(sc.panelStart))
	if err := p.waitInterviews(ctx, 2); err != nil {
		return err
	}
	next, err := p.disp.Tick(ctx, p.clk.Now())
	if err != nil {
		return fmt.Errorf("demo dispatcher: %w", err)
	}

	p.clk.set(sc.janeEnd)
	p.header("the interview with Jane Doe at Acme Corp ends")
	fmt.Fprintf(p.w, "   The thank-you draft is due at %s.\n\n", next.In(p.loc).Format("15:04"))

	ty, err := p.dueEmail(ctx, next, "the thank-you draft falls due")
	if err != nil {
		return err
	}
	if err := p.reply(ctx, 12*time.Minute, ty, "sent"); err != nil {
		return err
	}

	next, err = p.disp.Tick(ctx, p.clk.Now())
	if err != nil {
		return fmt.Errorf("demo dispatcher: %w", err)
	}
	call, err := p.dueEmail(ctx, next, "the follow-up call falls due")
	if err != nil {
		return err
	}
	if err := p.reply(ctx, 3*time.Hour, call, "offer\n\nThey offered the role; I asked for a few days to decide."); err != nil {
		return err
	}
	p.header("where things stand (as `followupd list` shows it)")
	return p.summary(ctx)
}

// dueEmail moves the clock to when, runs the dispatcher and shows the email
// it sends.
func (p *player) dueEmail(ctx context.Context, when time.Time, what string) (shown, error) {
	if when.IsZero() {
		return shown{}, fmt.Errorf("demo: nothing is due, expected %s", what)
	}
	p.clk.set(when)
	p.header("%s", what)
	if _, err := p.disp.Tick(ctx, when); err != nil {
		return shown{}, fmt.Errorf("demo dispatcher: %w", err)
	}
	raw, err := p.po.next(ctx, waitFor, what)
	if err != nil {
		return shown{}, err
	}
	return p.show(raw)
}

// reply moves the clock on by after, files the owner's reply with text to
// the email parent in the INBOX, and shows the acknowledgement.
func (p *player) reply(ctx context.Context, after time.Duration, parent shown, text string) error {
	p.clk.set(p.clk.Now().Add(after))
	first, _, _ := strings.Cut(text, "\n")
	p.header("Alex replies %q", first)
	p.replies++
	raw := ownerReply(fmt.Sprintf("reply-%d@mail.example.org", p.replies), parent.messageID, "Re: "+parent.subject, text, p.clk.Now())
	if err := p.po.file(raw); err != nil {
		return err
	}
	if _, err := p.show(raw); err != nil {
		return err
	}
	p.header("followupd acknowledges")
	ack, err := p.answer(ctx)
	if err != nil {
		return err
	}
	_, err = p.show(ack)
	return err
}

// answer waits (in real time) for the daemon to read the reply and queue
// its acknowledgement, which the demo's dispatcher sends (the daemon's own
// would be kicked), and returns the acknowledgement as it arrived.
func (p *player) answer(ctx context.Context) ([]byte, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	failed := make(chan error, 1)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := p.disp.SendQueued(wctx, p.clk.Now()); err != nil && wctx.Err() == nil {
				failed <- fmt.Errorf("demo dispatcher: %w", err)
				cancel()
				return
			}
			select {
			case <-wctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	ack, err := p.po.next(wctx, waitFor, "the acknowledgement")
	cancel()
	<-stopped
	select {
	case ferr := <-failed:
		return nil, ferr
	default:
	}
	return ack, err
}

// waitInterviews waits (in real time) until the daemon has read n
// interviews from the calendar.
func (p *player) waitInterviews(ctx context.Context, n int) error {
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ivs, err := p.st.Interviews(ctx)
		if err != nil {
			return err
		}
		if len(ivs) >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("wait for the calendar: %d interviews read within %v, want %d", len(ivs), waitFor, n)
		case <-tick.C:
		}
	}
}

// ownerReply is a plain-text reply from the owner's mail client, with the
// owner's receiving server's passing Authentication-Results.
func ownerReply(id, parent, subject, text string, date time.Time) []byte {
	return []byte(strings.Join([]string{
		"Authentication-Results: mx.example.org; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
		"From: Alex Morgan <" + ownerEmail + ">",
		"To: followupd <" + senderAddr + ">",
		"Subject: " + subject,
		"Date: " + date.Format(time.RFC1123Z),
		"Message-ID: <" + id + ">",
		"In-Reply-To: <" + parent + ">",
		"References: <" + parent + ">",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"",
		strings.ReplaceAll(text, "\n", "\r\n"),
		"",
	}, "\r\n"))
}
