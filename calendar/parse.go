package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-ical"

	"github.com/followupd/followupd/internal/tidy"
)

// Options tell Parse how to resolve times.
type Options struct {
	// Location is the owner's zone: floating times and all-day dates are
	// read in it. Required.
	Location *time.Location
	// Recurring series are expanded to the instances that start in
	// [From, Until). Zero From: the series' start. Zero Until: From plus 366
	// days. Single events and overrides are returned whatever their time.
	From, Until time.Time
	// MaxInstances caps the instances of one series in the window; 0 means
	// 5000. A series cut short by it is reported in Calendar.Problems.
	MaxInstances int
}

// Limits of one Parse call. Each one reached is reported once in
// Calendar.Problems (Salvaged), and what lies within it is read.
const (
	defaultMaxInstances = 5000
	// maxInstancesPerRead caps the instances of all series together.
	maxInstancesPerRead = 50_000
	// maxStepsPerRead caps the occurrences all series may generate on the
	// way to the window, those before it included (see maxSteps).
	maxStepsPerRead = 300_000
	// maxAttendees caps the ATTENDEE lines read per event.
	maxAttendees = 1000
	// maxTextBytes caps SUMMARY, DESCRIPTION and LOCATION.
	maxTextBytes = 2 << 20
)

// ErrNotICalendar is returned by Parse for data that holds no VCALENDAR.
var ErrNotICalendar = errors.New("not iCalendar data: no VCALENDAR")

// Parse reads iCalendar data: an export, an invitation or a cancellation.
// It fails only when the data is not iCalendar at all; a component that
// cannot be read is skipped and described in Calendar.Problems. Events come
// back ordered by start, then UID, then RECURRENCE-ID.
//
// Recurring series are expanded: each instance is its own Event with
// RecurrenceID set. EXDATEs are removed; an override (a VEVENT with
// RECURRENCE-ID) takes the place of its instance, and a cancelled override
// stays in the list with Status CANCELLED so the instance reads as
// cancelled. Overrides whose instance the series does not generate (outside
// the window, or the series missing) are returned as they are.
//
// The instances of one series share their Organizer and Attendees: treat
// them as read-only. Parse never panics and never reads time.Local.
func Parse(data []byte, opts Options) (*Calendar, error) {
	if opts.Location == nil {
		return nil, errors.New("parse calendar: Options.Location is required")
	}
	if opts.MaxInstances <= 0 {
		opts.MaxInstances = defaultMaxInstances
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = dedent(data)
	objects, lines := splitObjects(data)
	if len(objects) == 0 {
		return nil, fmt.Errorf("parse calendar: %w", ErrNotICalendar)
	}
	p := &parser{opts: opts, zones: newZones(opts.Location)}
	if lines > maxLines {
		p.partial("", "", fmt.Errorf("the calendar has more than %d lines (limit): the rest was not read", maxLines))
	}
	for _, obj := range objects {
		if obj.bare {
			p.salvage("", "", errors.New("components outside any VCALENDAR: read as if one held them"))
			break
		}
	}
	d := newDecoder()
	n := 0
	for _, obj := range objects {
		n += len(obj.blocks)
	}
	events := make([]block, 0, n)
	for _, obj := range objects {
		p.readProps(d, obj.props)
		// VTIMEZONEs first: a VEVENT may come before the zone it uses.
		for _, b := range obj.blocks {
			switch b.name {
			case ical.CompTimezone:
				if c, err := d.component(b); err != nil {
					p.problem(b, err)
				} else {
					p.zones.add(c)
				}
			case ical.CompEvent:
				events = append(events, b)
			}
		}
	}
	p.masters = make(map[string]*vevent, len(events))
	p.overrides = map[string]map[int64]*vevent{}
	for i, r := range p.readEvents(events) {
		if r.err != nil {
			p.problem(events[i], r.err)
			continue
		}
		if events[i].cut {
			p.partial(r.v.UID, r.v.Summary, fmt.Errorf("no END:%s: read up to where it stops", events[i].name))
		}
		for _, n := range r.notes {
			p.salvage(r.v.UID, r.v.Summary, n)
		}
		p.add(r.v)
	}
	p.finish()
	p.zones.report(p)
	cal := p.cal // not &p.cal: that would keep the parser and its maps alive
	return &cal, nil
}

type parser struct {
	opts  Options
	zones *zones
	cal   Calendar
	// masters holds events without RECURRENCE-ID by UID (a series or a
	// single event), overrides the RECURRENCE-ID ones by UID and instant.
	masters   map[string]*vevent
	overrides map[string]map[int64]*vevent
	// masterOrder and overrideOrder keep the order of first appearance, so
	// that the output is the same on every run.
	masterOrder   []string
	overrideOrder []overrideKey
	// instances and steps count what all series made so far (see
	// maxInstancesPerRead, maxStepsPerRead); the flags are set once a
	// limit was noted.
	instances, steps           int
	instancesNoted, stepsNoted bool
}

type readResult struct {
	v   *vevent
	err error
	// notes say what was assumed to read v (see Problem.Salvaged).
	notes []error
}

// readEvents decodes and reads VEVENT blocks, on as many goroutines as
// GOMAXPROCS allows: go-ical's decoding is most of the cost of a large
// export, and blocks are independent. Results keep the blocks' order.
func (p *parser) readEvents(blocks []block) []readResult {
	const batch = 128
	results := make([]readResult, len(blocks))
	work := func(next func() (int, int)) {
		d := newDecoder()
		for lo, hi := next(); lo < hi; lo, hi = next() {
			for i := lo; i < hi; i++ {
				results[i] = p.readEvent(d, blocks[i])
			}
		}
	}
	var claimed atomic.Int64
	next := func() (lo, hi int) {
		end := int(claimed.Add(batch))
		return min(end-batch, len(blocks)), min(end, len(blocks))
	}
	workers := min(runtime.GOMAXPROCS(0), (len(blocks)+batch-1)/batch)
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(func() { work(next) })
	}
	work(next)
	wg.Wait()
	return results
}

// readEvent decodes one VEVENT block and reads it. It recovers from a
// panic, in go-ical or here, as the block's error: a worker goroutine must
// never take the daemon down.
func (p *parser) readEvent(d *decoder, b block) (r readResult) {
	defer func() {
		if e := recover(); e != nil {
			r = readResult{err: fmt.Errorf("read %s: %v", b.name, e)}
		}
	}()
	props, err := d.event(b)
	if err != nil {
		return readResult{err: err}
	}
	v := &vevent{}
	if err := p.fillEvent(v, props); err != nil {
		return readResult{err: err}
	}
	return readResult{v: v, notes: slices.Clone(props.notes)}
}

// readProps reads the VCALENDAR's own properties; only METHOD matters. If
// a stray line spoils the lot, the METHOD line is decoded on its own.
func (p *parser) readProps(d *decoder, props []byte) {
	if p.cal.Method != MethodNone || len(props) == 0 {
		return
	}
	cal, err := d.calendar(props)
	if err != nil {
		for line := range bytes.Lines(props) {
			if hasPrefixFold(line, "METHOD") {
				if cal, err = d.calendar(bytes.TrimRight(line, "\r\n")); err == nil {
					break
				}
			}
		}
	}
	if err != nil {
		return
	}
	if m := cal.Props.Get(ical.PropMethod); m != nil {
		p.cal.Method = Method(strings.ToUpper(strings.TrimSpace(m.Value)))
	}
}

// salvage reports an assumption made to read something rather than skip
// it.
func (p *parser) salvage(uid, summary string, err error) {
	p.cal.Problems = append(p.cal.Problems, Problem{UID: uid, Summary: tidy.TruncateRunes(summary, 200), Err: err, Salvaged: true})
}

// partial reports a limit reached or data cut short: what was read is
// kept, but events may be missing from it.
func (p *parser) partial(uid, summary string, err error) {
	p.cal.Problems = append(p.cal.Problems, Problem{UID: uid, Summary: tidy.TruncateRunes(summary, 200), Err: err, Salvaged: true, Partial: true})
}

// dedent removes the indentation of a calendar whose every line is
// indented alike (pasted from a document or a program's source): the
// first line that is not blank is an indented BEGIN line, and so is the
// line after it. Other data is returned as it is, without a copy.
func dedent(data []byte) []byte {
	rest := bytes.TrimLeft(data, "\r\n")
	indent := len(rest) - len(bytes.TrimLeft(rest, " \t"))
	if indent == 0 || !hasPrefixFold(rest[indent:], "BEGIN:") {
		return data
	}
	prefix := rest[:indent]
	_, after, ok := bytes.Cut(rest, []byte("\n"))
	after = bytes.TrimLeft(after, "\r\n")
	if !ok || !bytes.HasPrefix(after, prefix) || continued(after[indent:]) {
		return data
	}
	out := make([]byte, 0, len(data))
	for line := range bytes.Lines(data) {
		out = append(out, bytes.TrimPrefix(line, prefix)...)
	}
	return out
}

func (p *parser) problem(b block, err error) {
	uid, summary := peek(b.data)
	p.cal.Problems = append(p.cal.Problems, Problem{UID: uid, Summary: summary, Err: err})
}

// peek finds the UID and SUMMARY of a block go-ical could not decode, so a
// problem can name the event. It reads physical lines only: a folded value
// is cut at the fold, which is enough to recognise the event.
func peek(data []byte) (uid, summary string) {
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		for _, name := range []string{"UID", "SUMMARY"} {
			if !hasPrefixFold(line, name) || len(line) == len(name) || line[len(name)] != ':' && line[len(name)] != ';' {
				continue
			}
			_, v, ok := bytes.Cut(line, []byte(":"))
			if !ok {
				continue
			}
			s := tidy.TruncateRunes(unescapeText(string(bytes.TrimSpace(v))), 200)
			if name == "UID" && uid == "" {
				uid = s
			} else if name == "SUMMARY" && summary == "" {
				summary = s
			}
		}
	}
	return uid, summary
}
