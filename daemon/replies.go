package daemon

import (
	"context"
	"log/slog"
	"net/mail"

	"github.com/followupd/followupd/employerflow"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/replyflow"
)

// The owner's replies and Sent-folder notes are handled by package
// replyflow; the daemon hands it each message. The answers it queues, and
// the employer side's emails, are sent by the dispatcher (package
// scheduler, SendQueued), the one sending loop: queuing one kicks it.

// replyFlow is the reply path wired to this daemon's store, clock, log,
// dispatcher, outbox and employer side.
func (d *Daemon) replyFlow() *replyflow.Flow {
	return &replyflow.Flow{Store: d.store, Config: d.config, Now: d.now, Log: d.log,
		Kick: d.dispatcher.Kick, Deliver: d.queued, Employer: d.employerFlow().Undo}
}

// employerFlow is the employer's-message path wired to this daemon; the
// emails it queues go out through the dispatcher.
func (d *Daemon) employerFlow() *employerflow.Flow {
	return &employerflow.Flow{Store: d.store, Config: d.config, Now: d.now, Log: d.log,
		Kick: d.dispatcher.Kick, Send: func(context.Context) { d.dispatcher.Kick() }, Deliver: d.queued}
}

// queued wakes the dispatcher, which sends the answers queued for the
// owner's message known as key with the rest of the outbox.
func (d *Daemon) queued(context.Context, string, *slog.Logger) error {
	d.dispatcher.Kick()
	return nil
}

// handleEmployer: see employerflow.Flow.HandleMessage.
func (d *Daemon) handleEmployer(ctx context.Context, m mailbox.Message) error {
	return d.employerFlow().HandleMessage(ctx, m)
}

// handleReply: see replyflow.Flow.HandleReply.
func (d *Daemon) handleReply(ctx context.Context, m mailbox.Message) (bool, error) {
	return d.replyFlow().HandleReply(ctx, m)
}

// handleSentNote: see replyflow.Flow.HandleSentNote.
func (d *Daemon) handleSentNote(ctx context.Context, m mailbox.Message) error {
	return d.replyFlow().HandleSentNote(ctx, m)
}

func (d *Daemon) isSentFolder(folder string) bool { return replyflow.IsSentFolder(d.config(), folder) }

func (d *Daemon) fromAddress() mail.Address { return mailer.FromAddress(d.config()) }

func (d *Daemon) idDomain() string { return mailer.IDDomain(d.config()) }
