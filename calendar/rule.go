package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/followupd/followupd/internal/tidy"
)

// maxInterval bounds INTERVAL: nothing in a real calendar comes near it,
// and it keeps rrule-go's counters far from overflow.
const maxInterval = 1_000_000

// buildRule reads an RRULE value for a series whose DTSTART, as a wall
// reading, is dtstart (see expand for the zone-free domain). untilWall
// turns an UNTIL value into that same domain. rrule-go parses the rule;
// around it we tidy what producers write (lower case, a trailing ";", an
// "RRULE:" prefix), read UNTIL ourselves (it may be UTC, local or a bare
// date) and refuse rules on which rrule-go would panic, loop forever or
// spin through the years up to 9999 without ever producing a date.
//
// When skipTo is after dtstart, the rule may start from a later date of
// its own (see skipAhead): only what it yields from skipTo on is wanted.
func buildRule(value string, dtstart, skipTo time.Time, untilWall func(dateTime) (time.Time, error)) (*rrule.RRule, error) {
	if len(value) > 2000 {
		return nil, errors.New("RRULE too long")
	}
	v := strings.ToUpper(strings.TrimSpace(value))
	v = strings.TrimPrefix(v, "RRULE:")
	var parts []string
	var until string
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case strings.HasPrefix(part, "UNTIL="):
			until = strings.TrimPrefix(part, "UNTIL=")
		default:
			parts = append(parts, tidyList(part))
		}
	}
	o, err := rrule.StrToROptionInLocation(strings.Join(parts, ";"), time.UTC)
	if err != nil {
		return nil, fmt.Errorf("read RRULE %q: %w", tidy.TruncateRunes(value, 80), err)
	}
	if until != "" {
		dt, err := parseDateTime(until)
		if err != nil {
			return nil, fmt.Errorf("read RRULE UNTIL: %w", err)
		}
		if o.Until, err = untilWall(dt); err != nil {
			return nil, fmt.Errorf("read RRULE UNTIL: %w", err)
		}
	}
	o.Dtstart = dtstart
	if err := checkRule(o); err != nil {
		return nil, fmt.Errorf("RRULE %q: %w", tidy.TruncateRunes(value, 80), err)
	}
	skipAhead(o, skipTo)
	r, err := rrule.NewRRule(*o)
	if err != nil {
		return nil, fmt.Errorf("RRULE %q: %w", tidy.TruncateRunes(value, 80), err)
	}
	return r, nil
}

// skipAhead moves the start of a rule that steps by a fixed period
// (SECONDLY to WEEKLY, INTERVAL times the unit) forward by whole periods to
// just before skipTo, so that a series that began decades before the read
// window is not walked through all those years. Whole periods keep every
// default the rule takes from its start (clock, weekday), and its BY
// filters do not depend on the start, so it yields the same dates from
// there on. A rule with COUNT or BYSETPOS is left as it is: which dates
// it yields depends on those before.
func skipAhead(o *rrule.ROption, skipTo time.Time) {
	var unit time.Duration
	switch o.Freq {
	case rrule.SECONDLY:
		unit = time.Second
	case rrule.MINUTELY:
		unit = time.Minute
	case rrule.HOURLY:
		unit = time.Hour
	case rrule.DAILY:
		unit = 24 * time.Hour
	case rrule.WEEKLY:
		unit = 7 * 24 * time.Hour
	default:
		return
	}
	if o.Count != 0 || len(o.Bysetpos) > 0 || skipTo.IsZero() {
		return
	}
	period := unit * time.Duration(max(o.Interval, 1))
	// A margin of two periods, and of three hours for the wall readings a
	// change of offset repeats or skips.
	gap := skipTo.Sub(o.Dtstart) - 2*period - 3*time.Hour
	if gap <= 0 || period <= 0 {
		return
	}
	o.Dtstart = o.Dtstart.Add(gap / period * period)
}

// tidyList removes the empty items and spaces some producers leave in a
// rule part's list ("BYDAY=MO, WE,"), which rrule-go refuses.
func tidyList(part string) string {
	k, v, ok := strings.Cut(part, "=")
	if !ok || !strings.ContainsAny(v, ", ") {
		return part
	}
	var items []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return strings.TrimSpace(k) + "=" + strings.Join(items, ",")
}

// checkRule refuses what rrule-go cannot expand safely.
func checkRule(o *rrule.ROption) error {
	if o.Interval < 0 || o.Interval > maxInterval {
		return fmt.Errorf("INTERVAL %d out of range", o.Interval)
	}
	if o.Interval == 0 {
		o.Interval = 1
	}
	if len(o.Byeaster) > 0 {
		return errors.New("BYEASTER is not iCalendar")
	}
	inMonth := o.Freq == rrule.MONTHLY || o.Freq == rrule.YEARLY && len(o.Bymonth) > 0
	for i := range o.Byweekday {
		// rrule-go indexes past its masks (and panics) for the 6th or later
		// weekday of a month.
		if n := o.Byweekday[i].N(); inMonth && (n > 5 || n < -5) {
			return fmt.Errorf("BYDAY %d: no month has that many", n)
		}
	}
	if !setPosReachable(o) {
		return errors.New("BYSETPOS never selects a date")
	}
	if !clockReachable(o) {
		// rrule-go would loop forever looking for the next matching clock.
		return errors.New("BYHOUR/BYMINUTE/BYSECOND never reached with this INTERVAL")
	}
	if !dayReachable(o) {
		// rrule-go would search day by day up to the year 9999.
		return errors.New("the BY rules select no day")
	}
	return nil
}

// setPosReachable reports whether some BYSETPOS position fits in the
// largest set one period can hold.
func setPosReachable(o *rrule.ROption) bool {
	if len(o.Bysetpos) == 0 {
		return true
	}
	days := map[rrule.Frequency]int{rrule.YEARLY: 366, rrule.MONTHLY: 31, rrule.WEEKLY: 7}[o.Freq]
	days = max(days, 1)
	times := 1
	sizes := [][]int{o.Byhour, o.Byminute, o.Bysecond}
	switch o.Freq {
	case rrule.HOURLY:
		sizes = sizes[1:]
	case rrule.MINUTELY:
		sizes = sizes[2:]
	case rrule.SECONDLY:
		sizes = nil
	}
	for _, s := range sizes {
		times *= max(len(s), 1)
	}
	for _, p := range o.Bysetpos {
		if p != 0 && abs(p) <= days*times {
			return true
		}
	}
	return false
}

// clockReachable reports, for an HOURLY, MINUTELY or SECONDLY rule with
// BYHOUR/BYMINUTE/BYSECOND, whether stepping by INTERVAL from DTSTART's
// clock ever lands on an allowed clock. Steps visit exactly the clock
// readings congruent to DTSTART's modulo gcd(INTERVAL, steps per day).
func clockReachable(o *rrule.ROption) bool {
	var unit int
	switch o.Freq {
	case rrule.HOURLY:
		unit = 3600
	case rrule.MINUTELY:
		unit = 60
	case rrule.SECONDLY:
		unit = 1
	default:
		return true
	}
	perDay := 86400 / unit
	h, m, s := o.Dtstart.Clock()
	u0 := (h*3600 + m*60 + s) / unit
	g := gcd(o.Interval, perDay)
	for u := u0 % g; u < perDay; u += g {
		sec := u * unit
		hh, mm, ss := sec/3600, sec%3600/60, sec%60
		if len(o.Byhour) > 0 && !contains(o.Byhour, hh) ||
			unit <= 60 && len(o.Byminute) > 0 && !contains(o.Byminute, mm) ||
			unit == 1 && len(o.Bysecond) > 0 && !contains(o.Bysecond, ss) {
			continue
		}
		return true
	}
	return false
}

// dayReachable reports whether any day that the rule's period steps visit
// in the next 28 years (a whole cycle of weekdays and leap years) passes
// its BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY filters. It errs
// on the side of yes: week numbers are matched loosely and, for WEEKLY and
// finer steps, every day counts as visited.
func dayReachable(o *rrule.ROption) bool {
	if len(o.Bymonth)+len(o.Byweekno)+len(o.Byyearday)+len(o.Bymonthday)+len(o.Byweekday) == 0 {
		return true
	}
	y0, m0, _ := o.Dtstart.Date()
	start := time.Date(y0, m0, o.Dtstart.Day(), 0, 0, 0, 0, time.UTC)
	const horizon = 28
	switch o.Freq {
	case rrule.YEARLY:
		for k := 0; k < horizon; k++ {
			y := y0 + k*o.Interval
			if y > rrule.MAXYEAR {
				break
			}
			first := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			for d := first; d.Year() == y; d = d.Add(24 * time.Hour) {
				if dayPasses(o, d) {
					return true
				}
			}
		}
	case rrule.MONTHLY:
		for k := 0; k < horizon*12; k++ {
			first := time.Date(y0, m0+time.Month(k*o.Interval), 1, 0, 0, 0, 0, time.UTC)
			if first.Year() > rrule.MAXYEAR {
				break
			}
			for d := first; d.Month() == first.Month(); d = d.Add(24 * time.Hour) {
				if dayPasses(o, d) {
					return true
				}
			}
		}
	case rrule.DAILY:
		for k := 0; k < horizon*366; k++ {
			d := start.AddDate(0, 0, k*o.Interval)
			if d.Year() > rrule.MAXYEAR {
				break
			}
			if dayPasses(o, d) {
				return true
			}
		}
	default:
		for d := start; d.Year() < y0+horizon && d.Year() <= rrule.MAXYEAR; d = d.Add(24 * time.Hour) {
			if dayPasses(o, d) {
				return true
			}
		}
	}
	return false
}

// dayPasses applies the day filters the way rrule-go does: plain weekdays
// and numbered weekdays ("2MO") are two filters that must both pass.
func dayPasses(o *rrule.ROption, d time.Time) bool {
	y, mo, day := d.Date()
	dim := daysIn(y, int(mo))
	yday := d.YearDay()
	ylen := 365
	if daysIn(y, 2) == 29 {
		ylen = 366
	}
	if len(o.Bymonth) > 0 && !contains(o.Bymonth, int(mo)) {
		return false
	}
	if len(o.Bymonthday) > 0 && !contains(o.Bymonthday, day) && !contains(o.Bymonthday, day-dim-1) {
		return false
	}
	if len(o.Byyearday) > 0 && !contains(o.Byyearday, yday) && !contains(o.Byyearday, yday-ylen-1) {
		return false
	}
	if len(o.Byweekno) > 0 && !weekNoNear(o, d) {
		return false
	}
	wd := (int(d.Weekday()) + 6) % 7 // rrule-go counts MO=0 ... SU=6
	plain, plainOK, nth, nthOK := false, false, false, false
	for i := range o.Byweekday {
		w := &o.Byweekday[i]
		if w.N() == 0 || o.Freq > rrule.MONTHLY {
			plain = true
			plainOK = plainOK || w.Day() == wd
			continue
		}
		nth = true
		if w.Day() != wd {
			continue
		}
		pos, neg := (day-1)/7+1, -((dim-day)/7 + 1)
		if o.Freq == rrule.YEARLY && len(o.Bymonth) == 0 {
			pos, neg = (yday-1)/7+1, -((ylen-yday)/7 + 1)
		}
		nthOK = nthOK || w.N() == pos || w.N() == neg
	}
	return (!plain || plainOK) && (!nth || nthOK)
}

// weekNoNear reports whether d lies within a week of a BYWEEKNO week.
// Week 1 is the week (starting on WKST) that holds January 4.
func weekNoNear(o *rrule.ROption, d time.Time) bool {
	wkst := o.Wkst.Day()
	week1 := func(y int) time.Time {
		jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
		back := ((int(jan4.Weekday())+6)%7 - wkst + 7) % 7
		return jan4.AddDate(0, 0, -back)
	}
	y := d.Year()
	w1, next := week1(y), week1(y+1)
	num := int(next.Sub(w1).Hours()) / (24 * 7)
	wn := int(d.Sub(w1).Hours())/(24*7) + 1
	if d.Before(w1) {
		wn = 0
	}
	for _, n := range o.Byweekno {
		if n < 0 {
			n += num + 1
		}
		if abs(wn-n) <= 1 {
			return true
		}
	}
	return false
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
