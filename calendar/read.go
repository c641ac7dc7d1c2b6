package calendar

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// vevent is one decoded VEVENT before series are expanded and overrides
// merged.
type vevent struct {
	Event // UID, Sequence, Stamp, Status, texts and people; Start/End/AllDay set

	// has records which inheritable properties the component carried, so a
	// sparse override can take the rest from its series.
	has struct{ summary, description, location, organizer, attendees, end bool }

	start wall           // DTSTART as written
	zone  *time.Location // DTSTART's zone: TZID, UTC, or the owner's when floating or all-day
	span  span

	rid time.Time // RECURRENCE-ID instant; zero if none
	// future is set on an override whose RECURRENCE-ID has
	// RANGE=THISANDFUTURE: it changes its instance and all later ones.
	future bool
	// recur holds the RRULE, RDATEs and EXDATEs; nil when there are none,
	// as for most events, which then do without the room.
	recur *recurrence
}

type recurrence struct {
	// rules are the RRULE values: RFC 5545 asks for one, RFC 2445 allowed
	// several (their instances are merged), and producers still write them.
	rules   []string
	rdates  []timeValue
	exdates []timeValue
}

// isSeries reports whether v has a rule or dates to expand.
func (v *vevent) isSeries() bool {
	return v.recur != nil && (len(v.recur.rules) > 0 || len(v.recur.rdates) > 0)
}

// span is how long an event lasts: nominal days that follow the wall clock
// (an all-day event, or a DURATION of P1D) plus an exact part.
type span struct {
	days  int
	exact time.Duration
}

// timeValue is one RDATE or EXDATE entry.
type timeValue struct {
	at       time.Time // the instant (a date: midnight in the series' zone)
	dateOnly bool
}

// add files a read VEVENT into p.masters or p.overrides.
func (p *parser) add(v *vevent) {
	if !v.rid.IsZero() {
		byRID := p.overrides[v.UID]
		if byRID == nil {
			byRID = map[int64]*vevent{}
			p.overrides[v.UID] = byRID
		}
		key := v.rid.Unix()
		old := byRID[key]
		if old == nil {
			p.overrideOrder = append(p.overrideOrder, overrideKey{v.UID, key})
		}
		if old == nil || !newer(old, v) {
			byRID[key] = v
		}
		return
	}
	old := p.masters[v.UID]
	if old == nil {
		p.masterOrder = append(p.masterOrder, v.UID)
	}
	if old == nil || !newer(old, v) {
		p.masters[v.UID] = v
	}
}

// newer reports whether a is a later version than b: higher SEQUENCE, then
// later DTSTAMP. On a tie the one read later wins.
func newer(a, b *vevent) bool {
	if a.Sequence != b.Sequence {
		return a.Sequence > b.Sequence
	}
	return a.Stamp.After(b.Stamp)
}

func (p *parser) fillEvent(v *vevent, props *eventProps) error {
	uid, _ := text(props.get(propUID))
	v.UID = strings.TrimSpace(uid)
	v.Summary, v.has.summary = props.text(propSummary)
	v.Description, v.has.description = props.text(propDescription)
	v.Location, v.has.location = props.text(propLocation)
	status, _ := text(props.get(propStatus))
	v.Status = strings.ToUpper(strings.TrimSpace(status))
	v.Sequence = integer(props.get(propSequence))
	if pr := props.get(propStamp); pr != nil {
		if dt, err := parseDateTime(pr.Value); err == nil && !dt.dateOnly {
			v.Stamp = inZone(dt.wall, time.UTC) // DTSTAMP is UTC by definition
		}
	}
	if len(props.organizers) > 0 {
		org := props.organizers[0]
		v.Organizer, v.has.organizer = &org, true
	}
	if len(props.attendees) > 0 {
		v.Attendees = slices.Clone(props.attendees)
		v.has.attendees = true
	}

	startProp := props.get(propStart)
	ridProp := props.get(propRecurrenceID)
	if ridProp != nil {
		rid, err := p.readTime(ridProp)
		if err != nil {
			return fmt.Errorf("read RECURRENCE-ID: %w", err)
		}
		v.rid = rid.UTC()
		v.future = strings.EqualFold(strings.TrimSpace(param(ridProp, "RANGE")), "THISANDFUTURE")
		if startProp == nil { // a sparse override: it happens when it was due
			startProp = ridProp
		}
	}
	if startProp == nil {
		return errors.New("event has no DTSTART")
	}
	start, zone, err := p.readDateTime(startProp)
	if err != nil {
		return fmt.Errorf("read DTSTART: %w", err)
	}
	v.start, v.zone, v.AllDay = start.wall, zone, start.dateOnly
	v.Start = inZone(v.start, v.zone).UTC()
	if v.UID == "" {
		v.UID = syntheticUID(startProp.Value, v.Summary)
	}

	if err := p.readSpan(v, props); err != nil {
		// What matters most is when it starts: read it as the event
		// without an end it would be.
		props.notes = append(props.notes, fmt.Errorf("%w: read as if the event had no end", err))
		v.has.end, v.span = false, span{}
		if v.AllDay {
			v.span = span{days: 1}
		}
	}
	v.End = v.endAt(v.start)

	if ridProp == nil {
		var r recurrence
		for _, pr := range props.byKind[propRule] {
			if strings.TrimSpace(pr.Value) != "" {
				r.rules = append(r.rules, pr.Value)
			}
		}
		var bad error
		if r.rdates, bad = p.readTimeList(props.byKind[propRDate], v.zone); bad != nil {
			props.notes = append(props.notes, fmt.Errorf("RDATE left out: %w", bad))
		}
		if r.exdates, bad = p.readTimeList(props.byKind[propExDate], v.zone); bad != nil {
			props.notes = append(props.notes, fmt.Errorf("EXDATE left out: %w", bad))
		}
		if r.rules != nil || r.rdates != nil || r.exdates != nil {
			v.recur = &r
		}
	}
	return nil
}

// readSpan reads DTEND or DURATION. Without either, a timed event lasts no
// time and an all-day event one day (RFC 5545 section 3.6.1).
func (p *parser) readSpan(v *vevent, props *eventProps) error {
	if pr := props.get(propEnd); pr != nil {
		end, zone, err := p.readDateTime(pr)
		if err != nil {
			return fmt.Errorf("read DTEND: %w", err)
		}
		v.has.end = true
		if v.AllDay {
			days := int(end.asUTC().Sub(v.start.asUTC()).Hours() / 24)
			v.span = span{days: max(days, 1)}
			return nil
		}
		exact := inZone(end.wall, zone).Sub(inZone(v.start, v.zone))
		v.span = span{exact: max(exact, 0)}
		return nil
	}
	if pr := props.get(propDuration); pr != nil {
		d, err := parseDuration(pr)
		if err != nil {
			return fmt.Errorf("read DURATION: %w", err)
		}
		v.has.end = true
		v.span = span{days: d.days, exact: d.exact}
		if v.AllDay {
			v.span = span{days: max(d.days, 1)}
		}
		return nil
	}
	if v.AllDay {
		v.span = span{days: 1}
	}
	return nil
}

// endAt is the end of an occurrence that starts at wall reading w.
func (v *vevent) endAt(w wall) time.Time {
	end := w
	if v.span.days > 0 {
		end = wallOf(w.asUTC().AddDate(0, 0, v.span.days))
	}
	return inZone(end, v.zone).Add(v.span.exact).UTC()
}

// readDateTime reads a DATE or DATE-TIME property and the zone its wall
// reading belongs to: UTC for a Z value, the TZID's zone, or the owner's
// zone for a floating time or a date.
func (p *parser) readDateTime(pr *ical.Prop) (dateTime, *time.Location, error) {
	dt, err := parseDateTime(pr.Value)
	if err != nil {
		return dt, nil, err
	}
	loc, err := p.zoneOf(pr, dt)
	return dt, loc, err
}

func (p *parser) zoneOf(pr *ical.Prop, dt dateTime) (*time.Location, error) {
	switch {
	case dt.utc:
		return time.UTC, nil
	case dt.dateOnly:
		return p.opts.Location, nil
	}
	tzid := param(pr, ical.ParamTimezoneID)
	if strings.TrimSpace(tzid) == "" {
		return p.opts.Location, nil
	}
	return p.zones.location(tzid), nil
}

// readTime reads a DATE or DATE-TIME property as an instant.
func (p *parser) readTime(pr *ical.Prop) (time.Time, error) {
	dt, loc, err := p.readDateTime(pr)
	if err != nil {
		return time.Time{}, err
	}
	return inZone(dt.wall, loc), nil
}

// readTimeList reads RDATE or EXDATE properties: several of them, each a
// comma-separated list, with VALUE=DATE, VALUE=PERIOD (the period's start
// counts) or DATE-TIME values in their own TZID. A date is read in
// seriesZone so it can be matched against the series' own days. A value
// that cannot be read is left out; the error names the first one.
func (p *parser) readTimeList(prs []ical.Prop, seriesZone *time.Location) (out []timeValue, bad error) {
	for i := range prs {
		pr := &prs[i]
		for _, item := range strings.Split(pr.Value, ",") {
			item, _, _ = strings.Cut(strings.TrimSpace(item), "/")
			if item == "" {
				continue
			}
			dt, err := parseDateTime(item)
			if err == nil && !dt.dateOnly {
				loc, err := p.zoneOf(pr, dt)
				if err == nil {
					out = append(out, timeValue{at: inZone(dt.wall, loc), dateOnly: false})
				}
			} else if err == nil {
				out = append(out, timeValue{at: inZone(dt.wall, seriesZone), dateOnly: true})
			}
			if err != nil && bad == nil {
				bad = err
			}
		}
	}
	return out, bad
}

// syntheticUID names an event that has no UID (RFC 5545 requires one; a
// few hand-made files omit it) after what identifies it, so that reading
// the same file again gives the same name.
func syntheticUID(start, summary string) string {
	h := fnv.New64a()
	h.Write([]byte(start))
	h.Write([]byte{0})
	h.Write([]byte(summary))
	return fmt.Sprintf("no-uid-%016x", h.Sum64())
}
