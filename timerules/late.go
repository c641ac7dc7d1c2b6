package timerules

import (
	"time"

	"github.com/followupd/followupd/config"
)

// CallAfterLateThankYou is when the follow-up call falls due for an
// interview whose thank-you email went out late (found days after it took
// place, or held up while the daemon was down or by the owner's snooze): the
// usual business days counted from the day the thank-you went out, not from
// the interview, so that the call never comes on the heels of the thank-you
// note. due and sent are the thank-you's due time and the time it went out.
// It is zero when the thank-you went out on the local day it was due, or has
// not gone out.
func CallAfterLateThankYou(due, sent time.Time, s config.Schedule, loc *time.Location) time.Time {
	if sent.IsZero() || due.IsZero() {
		return time.Time{}
	}
	if !after(config.DateOf(sent.In(loc)), config.DateOf(due.In(loc))) {
		return time.Time{}
	}
	return FollowUpDue(sent, s, loc)
}

func after(a, b config.Date) bool {
	if a.Year != b.Year {
		return a.Year > b.Year
	}
	if a.Month != b.Month {
		return a.Month > b.Month
	}
	return a.Day > b.Day
}
