package replyflow

import (
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/store"
)

// Acknowledgement is what the acknowledgement email says about an owner's
// command that store.ApplyOwnerCommand applied with result res: what
// changed, and what comes next. rem is the reminder the command named.
// The command line (`followupd done`, `snooze`, `skip`, `cancel`) prints the
// same words, so that a command means and says the same whichever way the
// owner gives it.
func Acknowledgement(cfg *config.Config, now time.Time, rep replies.Reply, c store.OwnerCommand, rem store.ReminderRecord, res store.CommandResult) (changed, next string) {
	a := &Answerer{cfg: cfg, now: now}
	return a.ackText(rep, c, rem, res, store.ReminderRecord{})
}
