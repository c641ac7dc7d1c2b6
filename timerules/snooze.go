package timerules

import (
	"time"

	"github.com/followupd/followupd/config"
)

// SnoozeHours is n hours after from, as elapsed time.
func SnoozeHours(from time.Time, n int) time.Time {
	return from.Add(time.Duration(n) * time.Hour).UTC()
}

// SnoozeDays is n days after from by the wall clock in loc: "2d" from
// Saturday 14:00 is Monday 14:00 across a DST change.
func SnoozeDays(from time.Time, n int, loc *time.Location) time.Time {
	local := from.In(loc)
	return SameClockOn(local, config.DateOf(local).AddDays(n))
}

// SnoozeBusinessDays is n business days after from (weekends and the
// schedule's holidays do not count), at the same wall-clock time in loc.
func SnoozeBusinessDays(from time.Time, n int, s config.Schedule, loc *time.Location) time.Time {
	local := from.In(loc)
	return SameClockOn(local, AddBusinessDays(config.DateOf(local), n, s))
}

// Tomorrow is the day after from's local date in loc, at the schedule's
// follow-up time.
func Tomorrow(from time.Time, s config.Schedule, loc *time.Location) time.Time {
	return s.FollowUpTime.On(config.DateOf(from.In(loc)).AddDays(1), loc).UTC()
}

// SameClockOn is the instant at local's wall-clock time on day d, in local's
// zone. A time in a spring-forward gap moves forward by the gap, as
// config.ClockTime.On does for every due time.
func SameClockOn(local time.Time, d config.Date) time.Time {
	clock := config.ClockTime{Hour: local.Hour(), Minute: local.Minute()}
	sub := time.Duration(local.Second())*time.Second + time.Duration(local.Nanosecond())
	return clock.On(d, local.Location()).Add(sub).UTC()
}
