package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ClockTime is a wall-clock time of day, HH:MM, in the owner's zone.
type ClockTime struct {
	Hour, Minute int
}

// ParseClockTime reads "HH:MM" (24-hour).
func ParseClockTime(s string) (ClockTime, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return ClockTime{}, fmt.Errorf("time %q is not HH:MM", s)
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return ClockTime{}, fmt.Errorf("time %q is not HH:MM", s)
	}
	return ClockTime{hour, minute}, nil
}

func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Minutes is the number of minutes since midnight.
func (c ClockTime) Minutes() int { return c.Hour*60 + c.Minute }

// On returns the instant this clock time names on the civil date d in loc.
// A time that does not exist that day (a spring-forward gap) is moved forward
// by the length of the gap: 02:30 on the morning clocks jump from 02:00 to
// 03:00 is 03:30. (time.Date leaves the choice open and in practice moves it
// back, which could make a reminder earlier than asked.) In a repeated hour
// the first occurrence is used.
func (c ClockTime) On(d Date, loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, c.Hour, c.Minute, 0, 0, loc)
	want := time.Date(d.Year, d.Month, d.Day, c.Hour, c.Minute, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	if got.Before(want) {
		return t.Add(want.Sub(got))
	}
	// In a repeated hour, step back to the first occurrence when there is one.
	_, off := t.Zone()
	if _, offBefore := t.Add(-24 * time.Hour).Zone(); offBefore > off {
		e := t.Add(-time.Duration(offBefore-off) * time.Second)
		if e.Hour() == c.Hour && e.Minute() == c.Minute && e.Day() == d.Day {
			return e
		}
	}
	return t
}

// Date is a civil date, YYYY-MM-DD, with no zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf is the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// QuietHours is a daily window [Start, End) of local time in which nothing is
// sent. Start after End wraps midnight ("21:00-08:00"). The zero value (Start
// == End) means no quiet hours.
type QuietHours struct {
	Start, End ClockTime
}

// ParseQuietHours reads "HH:MM-HH:MM"; "" means none.
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return QuietHours{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours %q are not HH:MM-HH:MM", s)
	}
	start, err := ParseClockTime(a)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", s, err)
	}
	end, err := ParseClockTime(b)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", s, err)
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("quiet hours %q start and end at the same time (use \"\" for none)", s)
	}
	return QuietHours{start, end}, nil
}

// Enabled reports whether there are quiet hours at all.
func (q QuietHours) Enabled() bool { return q.Start != q.End }

func (q QuietHours) String() string {
	if !q.Enabled() {
		return ""
	}
	return q.Start.String() + "-" + q.End.String()
}

// ParseDuration reads a Go duration ("90m", "1h30m") or a whole number of days
// ("30d"). Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 3650 {
			return 0, fmt.Errorf("duration %q: want a Go duration such as 90m or 1h, or whole days such as 30d", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want a Go duration such as 90m or 1h, or whole days such as 30d", s)
	}
	return d, nil
}
