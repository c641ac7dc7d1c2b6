package timerules

import (
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// Plan returns the follow-ups an interview gives rise to, with their due
// times: none for a cancelled interview. All arithmetic is done in the owner's
// time zone.
func Plan(iv interview.Interview, cfg *config.Config) []interview.Reminder {
	if iv.Status == interview.Cancelled {
		return nil
	}
	loc := cfg.Owner.Location
	return []interview.Reminder{
		{Kind: interview.ThankYou, Due: ThankYouDue(iv.End, cfg.Schedule, loc)},
		{Kind: interview.FollowUpCall, Due: FollowUpDue(iv.Start, cfg.Schedule, loc)},
	}
}

// Planner returns Plan bound to cfg.
func Planner(cfg *config.Config) func(interview.Interview) []interview.Reminder {
	return func(iv interview.Interview) []interview.Reminder { return Plan(iv, cfg) }
}

// ThankYouDue is the interview's end plus the thank-you delay, moved to the
// end of quiet hours when it falls inside them. The delay is elapsed time, so
// a DST change in between does not stretch or shrink it.
func ThankYouDue(end time.Time, s config.Schedule, loc *time.Location) time.Time {
	return OutOfQuietHours(end.Add(s.ThankYouDelay), s.QuietHours, loc).UTC()
}

// FollowUpDue is the follow-up time, in the owner's zone, on the Nth business
// day after the local date the interview started on. When the follow-up time
// does not exist that day (a spring-forward gap), it is moved forward by the
// gap, as the wall clock does.
func FollowUpDue(start time.Time, s config.Schedule, loc *time.Location) time.Time {
	day := AddBusinessDays(config.DateOf(start.In(loc)), s.FollowUpBusinessDays, s)
	return s.FollowUpTime.On(day, loc).UTC()
}

// AddBusinessDays returns the nth business day after d: weekends and the
// schedule's holidays are not counted. n <= 0 returns d.
func AddBusinessDays(d config.Date, n int, s config.Schedule) config.Date {
	for n > 0 {
		d = d.AddDays(1)
		if IsBusinessDay(d, s) {
			n--
		}
	}
	return d
}

// IsBusinessDay reports whether d is neither a weekend day nor a holiday.
func IsBusinessDay(d config.Date, s config.Schedule) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !s.IsHoliday(d)
}

// OutOfQuietHours returns t unchanged when it is outside the quiet hours, and
// otherwise the end of the quiet period it falls in (on the right local
// date), in loc. Quiet hours may wrap midnight ("21:00-08:00").
func OutOfQuietHours(t time.Time, q config.QuietHours, loc *time.Location) time.Time {
	if !q.Enabled() {
		return t
	}
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	start, end := q.Start.Minutes(), q.End.Minutes()
	today := config.DateOf(local)
	switch {
	case start < end: // same-day window, e.g. 12:00-14:00
		if m >= start && m < end {
			return q.End.On(today, loc)
		}
	default: // wraps midnight, e.g. 21:00-08:00
		if m >= start {
			return q.End.On(today.AddDays(1), loc)
		}
		if m < end {
			return q.End.On(today, loc)
		}
	}
	return t
}
