package scheduler

import (
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/timerules"
)

// Planner returns timerules.Plan bound to cfg: what store.Apply is given to
// plan an interview's reminders.
//
// Deprecated: call timerules.Planner.
func Planner(cfg *config.Config) func(interview.Interview) []interview.Reminder {
	return timerules.Planner(cfg)
}

// OutOfQuietHours is timerules.OutOfQuietHours.
//
// Deprecated: call timerules.OutOfQuietHours.
func OutOfQuietHours(t time.Time, q config.QuietHours, loc *time.Location) time.Time {
	return timerules.OutOfQuietHours(t, q, loc)
}
