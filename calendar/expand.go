package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
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
// the calendar has it), or the instance of series v at wall reading w. A
// large export makes a few hundred thousand of them, so they are kept
// small: times are Unix seconds (every instant Parse makes is a whole
// second).
type entry struct {
	kind   entryKind
	v      *vevent
	series *vevent // overrides only
	w      int64   // instances only: the wall reading, written as UTC
	key    int64   // start: the first sort key, and an instance's RECURRENCE-ID
}

type entryKind uint8

const (
	entrySingle entryKind = iota
	entryOverride
	entryInstance
	// entryFuture is an instance changed by a RANGE=THISANDFUTURE override
	// v of its series: key is its start, w its RECURRENCE-ID (Unix seconds).
	entryFuture
)

// finish expands the series, merges the overrides, sorts everything by
// start, UID and RECURRENCE-ID and builds the Events.
func (p *parser) finish() {
	series := 0
	for _, m := range p.masters {
		if m.isSeries() {
			series++
		}
	}
	// Room for the single events and overrides and a few instances per
	// series; append grows it when a window holds more.
	entries := make([]entry, 0, len(p.masterOrder)+len(p.overrideOrder)+series*4)
	used := map[overrideKey]bool{}
	for _, uid := range p.masterOrder {
		m := p.masters[uid]
		if !m.isSeries() {
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
	// Sort small keys rather than the entries. Keys are unique (UID and
	// RECURRENCE-ID identify an event), so an unstable sort gives the same
	// order every time.
	keys := make([]sortKey, len(entries))
	for i := range entries {
		keys[i] = sortKey{entries[i].key, int32(i)}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		ea, eb := &entries[a.i], &entries[b.i]
		return cmp.Or(cmp.Compare(ea.v.UID, eb.v.UID), ea.recurrenceID().Compare(eb.recurrenceID()))
	})
	p.cal.Events = make([]Event, len(entries))
	build := func(lo, hi int) {
		for k := lo; k < hi; k++ {
			p.cal.Events[k] = entries[keys[k].i].event()
		}
	}
	// Building a few hundred thousand Events is worth a second goroutine.
	half := len(keys) / 2
	var wg sync.WaitGroup
	if half >= 10_000 {
		wg.Go(func() { build(half, len(keys)) })
	} else {
		half = len(keys)
	}
	build(0, half)
	wg.Wait()
}

type sortKey struct {
	start int64 // Unix seconds
	i     int32 // index in entries
}

func (e *entry) recurrenceID() time.Time {
	switch e.kind {
	case entryInstance:
		return time.Unix(e.key, 0).UTC()
	case entryFuture:
		return time.Unix(e.w, 0).UTC()
	}
	return e.v.rid
}

func (e *entry) event() Event {
	switch e.kind {
	case entryOverride:
		return merged(e.v, e.series)
	case entryFuture:
		ev := merged(e.v, e.series)
		length := ev.End.Sub(ev.Start)
		ev.RecurrenceID = time.Unix(e.w, 0).UTC()
		ev.Start = time.Unix(e.key, 0).UTC()
		ev.End = ev.Start.Add(length)
		return ev
	case entryInstance:
		m := e.v
		start := time.Unix(e.key, 0).UTC()
		ev := m.Event
		ev.RecurrenceID = start
		ev.Start = start
		ev.End = m.endAt(wallOf(time.Unix(e.w, 0).UTC()))
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
//
// An RRULE that cannot be read is left out (noted): the series keeps its
// DTSTART instance, its RDATEs and its other RRULEs. An override with
// RANGE=THISANDFUTURE changes the later instances too, each moved as much
// as it moved its own. A series stopped by a limit keeps the instances it
// had; the limit is noted.
func (p *parser) expand(entries []entry, m *vevent, used map[overrideKey]bool) (out []entry, err error) {
	out = entries // what a panic in rrule-go leaves: none of this series
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expand recurrence: %v", r)
		}
	}()
	if p.instancesNoted || p.stepsNoted { // a limit of the whole read was reached
		return entries, nil
	}
	from, until := p.opts.From, p.opts.Until
	if from.IsZero() {
		from = m.Start
	}
	if until.IsZero() {
		until = from.AddDate(0, 0, 366)
	}
	dtstart := m.start.asUTC()
	// The window's start as a wall reading of the series' zone.
	skipTo := wallOf(from.In(m.zone)).asUTC()
	var rules []*rrule.RRule
	for _, value := range m.recur.rules {
		rule, err := buildRule(value, dtstart, skipTo, m.untilWall)
		if err != nil {
			p.salvage(m.UID, m.Summary, fmt.Errorf("%w: left out, the series keeps its first instance", err))
			continue
		}
		rules = append(rules, rule)
	}
	next := occurrences(rules, dtstart, m.recur.rdates, m)
	exAt := map[int64]bool{}
	exDay := map[[3]int]bool{}
	for _, ex := range m.recur.exdates {
		if ex.dateOnly {
			y, mo, d := ex.at.In(m.zone).Date()
			exDay[[3]int{y, int(mo), d}] = true
		} else {
			exAt[ex.at.Unix()] = true
		}
	}
	futures := p.futureOverrides(m)
	for steps, n := 0, 0; ; steps++ {
		if p.steps++; p.steps > maxStepsPerRead {
			p.limitOnce(&p.stepsNoted, m, fmt.Errorf("recurring series generated more than %d occurrences in all (limit): the rest left out", maxStepsPerRead))
			return entries, nil
		}
		t, ok := next()
		if !ok {
			return entries, nil
		}
		if steps == maxSteps {
			p.partial(m.UID, m.Summary, fmt.Errorf("expand recurrence: stopped after %d occurrences before the window's end (limit)", maxSteps))
			return entries, nil
		}
		w := wallOf(t)
		start := inZone(w, m.zone)
		if start.Before(from) {
			continue
		}
		if !start.Before(until) {
			return entries, nil
		}
		y, mo, d := start.In(m.zone).Date()
		if exAt[start.Unix()] || exDay[[3]int{y, int(mo), d}] {
			continue
		}
		if n == p.opts.MaxInstances {
			p.partial(m.UID, m.Summary, fmt.Errorf("series has more than %d instances in the read window (limit): the later ones left out", p.opts.MaxInstances))
			return entries, nil
		}
		if p.instances == maxInstancesPerRead {
			p.limitOnce(&p.instancesNoted, m, fmt.Errorf("recurring series have more than %d instances in all (limit): the rest left out", maxInstancesPerRead))
			return entries, nil
		}
		n++
		p.instances++
		start = start.UTC()
		key := overrideKey{m.UID, start.Unix()}
		if o := p.overrides[m.UID][key.rid]; o != nil {
			used[key] = true
			entries = append(entries, entry{kind: entryOverride, v: o, series: m, key: o.Start.Unix()})
			continue
		}
		if f := latestBefore(futures, start); f != nil {
			entries = append(entries, entry{kind: entryFuture, v: f, series: m, w: key.rid, key: f.moved(t, m).Unix()})
			continue
		}
		entries = append(entries, entry{kind: entryInstance, v: m, w: t.Unix(), key: key.rid})
	}
}

// limitOnce notes a limit of the whole read the first time it is reached.
func (p *parser) limitOnce(noted *bool, m *vevent, err error) {
	if !*noted {
		*noted = true
		p.partial(m.UID, m.Summary, err)
	}
}

// futureOverrides returns the RANGE=THISANDFUTURE overrides of series m,
// by RECURRENCE-ID.
func (p *parser) futureOverrides(m *vevent) []*vevent {
	var out []*vevent
	for _, o := range p.overrides[m.UID] {
		if o.future {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b *vevent) int { return a.rid.Compare(b.rid) })
	return out
}

// latestBefore returns the last override in futures (sorted by
// RECURRENCE-ID) whose RECURRENCE-ID is before start, or nil.
func latestBefore(futures []*vevent, start time.Time) *vevent {
	for i := len(futures) - 1; i >= 0; i-- {
		if futures[i].rid.Before(start) {
			return futures[i]
		}
	}
	return nil
}

// moved is where THISANDFUTURE override f puts the instance of series m
// at wall reading t (written as UTC): shifted on the wall clock as much as
// f shifted its own instance, in f's zone.
func (f *vevent) moved(t time.Time, m *vevent) time.Time {
	delta := f.start.asUTC().Sub(wallOf(f.rid.In(m.zone)).asUTC())
	return inZone(wallOf(t.Add(delta)), f.zone).UTC()
}

// occurrences returns the series' wall readings in order, each once:
// DTSTART (always the first instance, even when the rules would not
// produce it), the rules', and the RDATEs. rrule-go's Set holds one RRULE
// only, so several are merged here.
func occurrences(rules []*rrule.RRule, dtstart time.Time, rdates []timeValue, m *vevent) rrule.Next {
	if len(rdates) > 0 || len(rules) != 1 {
		dates := []time.Time{dtstart}
		for _, rd := range rdates {
			w := wallOf(rd.at.In(m.zone))
			if rd.dateOnly && !m.AllDay {
				w.hour, w.min, w.sec = m.start.hour, m.start.min, m.start.sec
			}
			dates = append(dates, w.asUTC())
		}
		slices.SortFunc(dates, time.Time.Compare)
		sources := []rrule.Next{listed(dates)}
		for _, rule := range rules {
			sources = append(sources, rule.Iterator())
		}
		return merge(sources)
	}
	next := rules[0].Iterator()
	first, pending := true, false
	var held time.Time
	return func() (time.Time, bool) {
		if first {
			first = false
			t, ok := next()
			if ok && !t.Equal(dtstart) {
				held, pending = t, true
			}
			return dtstart, true
		}
		if pending {
			pending = false
			return held, true
		}
		return next()
	}
}

// listed returns the times of a sorted list one by one.
func listed(ts []time.Time) rrule.Next {
	return func() (time.Time, bool) {
		if len(ts) == 0 {
			return time.Time{}, false
		}
		t := ts[0]
		ts = ts[1:]
		return t, true
	}
}

// merge returns the times of several ordered sources in order, each time
// once.
func merge(sources []rrule.Next) rrule.Next {
	heads := make([]time.Time, len(sources))
	live := make([]bool, len(sources))
	for i, next := range sources {
		heads[i], live[i] = next()
	}
	var last time.Time
	started := false
	return func() (time.Time, bool) {
		for {
			best := -1
			for i := range sources {
				if live[i] && (best < 0 || heads[i].Before(heads[best])) {
					best = i
				}
			}
			if best < 0 {
				return time.Time{}, false
			}
			t := heads[best]
			heads[best], live[best] = sources[best]()
			if started && t.Equal(last) {
				continue
			}
			started, last = true, t
			return t, true
		}
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
