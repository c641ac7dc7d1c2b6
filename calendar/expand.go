package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// maxSteps bounds the occurrences one series may generate on the way to
// the end of the window, counting those before its start: a daily series
// from 1990 read with a window in 2026 takes about 13,000.
const maxSteps = 100_000

type overrideKey struct {
	uid string
	rid int64 // RECURRENCE-ID, Unix seconds
}

// entry is one event of the result before it is built, so that sorting
// moves small values: a single event, an override (with its series, if
// the calendar has it), or the instance of series v at wall reading w.
type entry struct {
	kind   entryKind
	v      *vevent
	series *vevent   // overrides only
	w      time.Time // instances only: the wall reading, written as UTC
	start  time.Time // instances only
	key    int64     // start, Unix seconds: the first sort key
}

type entryKind uint8

const (
	entrySingle entryKind = iota
	entryOverride
	entryInstance
)

// finish expands the series, merges the overrides, sorts everything by
// start, UID and RECURRENCE-ID and builds the Events.
func (p *parser) finish() {
	entries := make([]entry, 0, len(p.masterOrder)+len(p.overrideOrder))
	used := map[overrideKey]bool{}
	for _, uid := range p.masterOrder {
		m := p.masters[uid]
		if m.rule == "" && len(m.rdates) == 0 {
			entries = append(entries, entry{kind: entrySingle, v: m, key: m.Start.Unix()})
			continue
		}
		var err error
		if entries, err = p.expand(entries, m, used); err != nil {
			p.cal.Problems = append(p.cal.Problems, Problem{UID: m.UID, Summary: m.Summary, Err: err})
		}
	}
	for _, k := range p.overrideOrder {
		if !used[k] {
			o := p.overrides[k.uid][k.rid]
			entries = append(entries, entry{kind: entryOverride, v: o, series: p.masters[k.uid], key: o.Start.Unix()})
		}
	}
	// Keys are unique (UID and RECURRENCE-ID identify an event), so an
	// unstable sort gives the same order every time.
	slices.SortFunc(entries, func(a, b entry) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Or(cmp.Compare(a.v.UID, b.v.UID), a.recurrenceID().Compare(b.recurrenceID()))
	})
	p.cal.Events = make([]Event, len(entries))
	for i, e := range entries {
		p.cal.Events[i] = e.event()
	}
}

func (e *entry) recurrenceID() time.Time {
	if e.kind == entryInstance {
		return e.start
	}
	return e.v.rid
}

func (e *entry) event() Event {
	switch e.kind {
	case entryOverride:
		return merged(e.v, e.series)
	case entryInstance:
		m := e.v
		ev := m.Event
		ev.RecurrenceID = e.start
		ev.Start = e.start
		ev.End = m.endAt(wallOf(e.w))
		return ev // Organizer and Attendees shared with the siblings
	}
	return e.v.Event
}

// expand generates the instances of series m that start in the window and
// appends them, an override taking the place of its instance.
//
// The rule runs on wall readings written as if they were UTC, and each
// reading is put in the series' zone afterwards. RRULE arithmetic is about
// the wall clock ("every Monday at 10:00 in Los Angeles"), so a weekly
// 10:00 series stays at 10:00 local across DST changes, and a reading that
// falls in a DST gap gets the RFC 5545 treatment of inZone.
func (p *parser) expand(entries []entry, m *vevent, used map[overrideKey]bool) (_ []entry, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expand recurrence: %v", r)
		}
	}()
	dtstart := m.start.asUTC()
	set := &rrule.Set{}
	if m.rule != "" {
		r, err := buildRule(m.rule, dtstart, m.untilWall)
		if err != nil {
			return entries, err
		}
		set.RRule(r)
	}
	set.RDate(dtstart) // DTSTART is always the first instance
	for _, rd := range m.rdates {
		w := wallOf(rd.at.In(m.zone))
		if rd.dateOnly && !m.AllDay {
			w.hour, w.min, w.sec = m.start.hour, m.start.min, m.start.sec
		}
		set.RDate(w.asUTC())
	}
	exAt := map[int64]bool{}
	exDay := map[[3]int]bool{}
	for _, ex := range m.exdates {
		if ex.dateOnly {
			y, mo, d := ex.at.In(m.zone).Date()
			exDay[[3]int{y, int(mo), d}] = true
		} else {
			exAt[ex.at.Unix()] = true
		}
	}

	from, until := p.opts.From, p.opts.Until
	if from.IsZero() {
		from = m.Start
	}
	if until.IsZero() {
		until = from.AddDate(0, 0, 366)
	}
	next := set.Iterator()
	for steps, n := 0, 0; ; steps++ {
		t, ok := next()
		if !ok {
			return entries, nil
		}
		if steps == maxSteps {
			return entries, fmt.Errorf("expand recurrence: stopped after %d occurrences before the window's end", maxSteps)
		}
		w := wallOf(t)
		start := inZone(w, m.zone)
		if start.Before(from) {
			continue
		}
		if !start.Before(until) || n == p.opts.MaxInstances {
			return entries, nil
		}
		y, mo, d := start.In(m.zone).Date()
		if exAt[start.Unix()] || exDay[[3]int{y, int(mo), d}] {
			continue
		}
		n++
		start = start.UTC()
		key := overrideKey{m.UID, start.Unix()}
		if o := p.overrides[m.UID][key.rid]; o != nil {
			used[key] = true
			entries = append(entries, entry{kind: entryOverride, v: o, series: m, key: o.Start.Unix()})
			continue
		}
		entries = append(entries, entry{kind: entryInstance, v: m, w: t, start: start, key: key.rid})
	}
}

// untilWall turns an RRULE UNTIL into the wall domain of expand. A UTC
// UNTIL is read in the series' zone; a bare date on a timed series (not
// valid, but written) is taken to include that whole day.
func (m *vevent) untilWall(dt dateTime) (time.Time, error) {
	switch {
	case dt.utc:
		return wallOf(inZone(dt.wall, time.UTC).In(m.zone)).asUTC(), nil
	case dt.dateOnly && !m.AllDay:
		return wall{dt.year, dt.month, dt.day, 23, 59, 59}.asUTC(), nil
	}
	return dt.asUTC(), nil
}

// merged is override o as an Event. What a sparse override leaves out
// (summary, people, its end) comes from its series m, when there is one.
func merged(o, m *vevent) Event {
	ev := o.Event
	ev.RecurrenceID = o.rid
	if m == nil {
		return ev
	}
	if !o.has.summary {
		ev.Summary = m.Summary
	}
	if !o.has.description {
		ev.Description = m.Description
	}
	if !o.has.location {
		ev.Location = m.Location
	}
	if !o.has.organizer && m.Organizer != nil {
		org := *m.Organizer
		ev.Organizer = &org
	}
	if !o.has.attendees {
		ev.Attendees = slices.Clone(m.Attendees)
	}
	if !o.has.end && o.AllDay == m.AllDay {
		sized := *o
		sized.span = m.span
		ev.End = sized.endAt(o.start)
	}
	return ev
}
