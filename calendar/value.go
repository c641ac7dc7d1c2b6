package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/followupd/followupd/internal/tidy"
)

// wall is a clock reading without a zone: what a DATE or DATE-TIME value
// says before its zone is applied.
type wall struct {
	year, month, day, hour, min, sec int
}

// asUTC returns the wall reading as if it were UTC. Recurrences are expanded
// in this zone-free domain (see expand) so that DST never shifts the clock.
func (w wall) asUTC() time.Time {
	return time.Date(w.year, time.Month(w.month), w.day, w.hour, w.min, w.sec, 0, time.UTC)
}

func wallOf(t time.Time) wall {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return wall{y, int(mo), d, h, mi, s}
}

// dateTime is a parsed DATE or DATE-TIME value.
type dateTime struct {
	wall
	dateOnly bool // a DATE: no time of day, no zone
	utc      bool // ended in Z
}

var errBadDateTime = errors.New("malformed date or date-time")

// parseDateTime reads "20260315", "20260315T100000" or "20260315T100000Z".
// The shape of the value decides, so a missing or wrong VALUE parameter
// does not matter.
func parseDateTime(v string) (dateTime, error) {
	v = strings.TrimSpace(v)
	var dt dateTime
	switch {
	case len(v) == 8:
		dt.dateOnly = true
	case len(v) == 16 && (v[15] == 'Z' || v[15] == 'z'):
		dt.utc = true
		v = v[:15]
		fallthrough
	case len(v) == 15:
		if v[8] != 'T' && v[8] != 't' {
			return dt, fmt.Errorf("%w: %q", errBadDateTime, v)
		}
	default:
		return dt, fmt.Errorf("%w: %q", errBadDateTime, tidy.TruncateRunes(v, 40))
	}
	fields := []struct {
		dst      *int
		from, to int
		min, max int
	}{
		{&dt.year, 0, 4, 1, 9999},
		{&dt.month, 4, 6, 1, 12},
		{&dt.day, 6, 8, 1, 31},
		{&dt.hour, 9, 11, 0, 23},
		{&dt.min, 11, 13, 0, 59},
		{&dt.sec, 13, 15, 0, 60},
	}
	if dt.dateOnly {
		fields = fields[:3]
	}
	for _, f := range fields {
		n, ok := digits(v[f.from:f.to])
		if !ok || n < f.min || n > f.max {
			return dt, fmt.Errorf("%w: %q", errBadDateTime, v)
		}
		*f.dst = n
	}
	if dt.day > daysIn(dt.year, dt.month) {
		return dt, fmt.Errorf("%w: %q", errBadDateTime, v)
	}
	if dt.sec == 60 { // a leap second: the instant just before
		dt.sec = 59
	}
	return dt, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// inZone turns a wall reading into an instant in loc, the way RFC 5545
// section 3.3.5 asks: a reading that falls in a DST gap is read with the
// offset in force before the gap (02:30 on a spring-forward night is 03:30
// new time), and a reading that happens twice is its first occurrence.
// time.Date alone promises neither.
func inZone(w wall, loc *time.Location) time.Time {
	t := time.Date(w.year, time.Month(w.month), w.day, w.hour, w.min, w.sec, 0, loc)
	if loc == time.UTC {
		return t
	}
	const near = 48 * time.Hour
	start, end := t.ZoneBounds()
	nearStart := !start.IsZero() && t.Sub(start) < near
	nearEnd := !end.IsZero() && end.Sub(t) < near
	if !nearStart && !nearEnd {
		return t // no transition close by: the reading is unique
	}
	// Try the offsets on both sides of the nearby transitions and keep the
	// earliest instant that shows this reading.
	_, off := t.Zone()
	offs := []int{off}
	if nearStart {
		_, o := start.Add(-time.Second).Zone()
		offs = append(offs, o)
	}
	if nearEnd {
		_, o := end.Zone()
		offs = append(offs, o)
	}
	u := w.asUTC()
	var best time.Time
	for _, o := range offs {
		c := u.Add(-time.Duration(o) * time.Second).In(loc)
		if wallOf(c) == w && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if !best.IsZero() {
		return best
	}
	// In a gap: clocks sprang forward, so the offset before it is the
	// smaller one.
	return u.Add(-time.Duration(slices.Min(offs)) * time.Second).In(loc)
}

// parseOffset reads a UTC-OFFSET value such as "-0800", "+0530" or
// "+013000" into seconds east of UTC.
func parseOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if len(v) != 5 && len(v) != 7 || v[0] != '+' && v[0] != '-' {
		return 0, fmt.Errorf("malformed UTC offset %q", tidy.TruncateRunes(v, 20))
	}
	h, ok1 := digits(v[1:3])
	m, ok2 := digits(v[3:5])
	s, ok3 := 0, true
	if len(v) == 7 {
		s, ok3 = digits(v[5:7])
	}
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 59 {
		return 0, fmt.Errorf("malformed UTC offset %q", v)
	}
	off := h*3600 + m*60 + s
	if v[0] == '-' {
		off = -off
	}
	return off, nil
}

// text returns the unescaped value of p, and whether there is a p. Unlike
// ical.Prop.Text it keeps unescaped commas (many producers forget to escape
// them) and unknown escapes instead of failing or cutting the text short.
func text(p *ical.Prop) (string, bool) {
	if p == nil {
		return "", false
	}
	return unescapeText(p.Value), true
}

func unescapeText(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var sb strings.Builder
	sb.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch c = v[i]; c {
		case 'n', 'N':
			sb.WriteByte('\n')
		default: // \\ \; \, and anything a producer invented
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// param returns a parameter's value. go-ical splits values at commas, which
// breaks an unquoted CN such as "Doe, Jane": the pieces are joined again.
func param(p *ical.Prop, name string) string {
	vs := p.Params[name]
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	return strings.Join(vs, ",")
}

// person reads an ORGANIZER or ATTENDEE.
func person(p *ical.Prop) Person {
	ps := Person{
		Email:    address(p.Value),
		Name:     cleanName(param(p, "CN")),
		CUType:   strings.ToUpper(strings.TrimSpace(param(p, "CUTYPE"))),
		PartStat: strings.ToUpper(strings.TrimSpace(param(p, "PARTSTAT"))),
		Role:     strings.ToUpper(strings.TrimSpace(param(p, "ROLE"))),
	}
	if ps.Email == "" {
		// Apple and others put a urn:uuid: in the value and the address in
		// an EMAIL parameter.
		ps.Email = address(param(p, "EMAIL"))
	}
	return ps
}

// address turns "mailto:Jane.Doe@Acme.com" (or "MAILTO:", or a bare
// address, or "Jane <jane@acme.com>") into "jane.doe@acme.com"; anything
// without an @ gives "".
func address(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = strings.TrimSpace(v[7:])
	}
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			v = v[i+1 : i+j]
		}
	}
	v = strings.Trim(v, " \t\"'")
	if strings.IndexByte(v, '@') <= 0 || strings.ContainsAny(v, " \t,;:<>") {
		return ""
	}
	return strings.ToLower(v)
}

// cleanName removes the quotes some producers leave around or inside a CN
// ("'Jane Doe'", `\"Jane Doe\"`).
func cleanName(s string) string {
	s = strings.TrimSpace(unescapeText(s))
	for len(s) >= 2 {
		f, l := s[0], s[len(s)-1]
		if (f == '"' || f == '\'') && f == l {
			s = strings.TrimSpace(s[1 : len(s)-1])
			continue
		}
		break
	}
	return s
}

func integer(p *ical.Prop) int {
	if p == nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(p.Value))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// duration is a DURATION value split into its nominal days (which follow
// the wall clock across DST) and its exact part.
type duration struct {
	days  int
	exact time.Duration
}

// parseDuration reads a DURATION value with go-ical and splits whole days
// off the exact part. go-ical does not tell "P1D" from "PT24H"; reading
// both as a nominal day is what calendar users expect anyway.
func parseDuration(p *ical.Prop) (duration, error) {
	p2 := *p
	p2.Value = strings.TrimSpace(p.Value)
	p2.Params = nil // a stray VALUE parameter must not make go-ical refuse it
	d, err := p2.Duration()
	if err != nil {
		return duration{}, err
	}
	const day = 24 * time.Hour
	if d < 0 || d > 10*366*day {
		return duration{}, fmt.Errorf("duration %q out of range", tidy.TruncateRunes(p.Value, 40))
	}
	return duration{days: int(d / day), exact: d % day}, nil
}
