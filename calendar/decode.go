package calendar

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/emersion/go-ical"

	"github.com/followupd/followupd/internal/tidy"
)

// maxCachedPeople bounds a decoder's cache of ORGANIZER and ATTENDEE lines.
const maxCachedPeople = 4096

// maxParams bounds the parameters of one content line (everything between
// the property name and the colon before the value). go-ical builds each
// parameter value one byte at a time, which takes time quadratic in its
// length: 40 KB of CN cost 0.2 s, a megabyte would stall the daemon for
// minutes. Real parameters are a few hundred bytes.
const maxParams = 4096

// decoder decodes blocks, with go-ical or, for the common lines of a
// VEVENT, with decodeEvent, which reads them as go-ical does at a fraction
// of the cost. It is one goroutine's state: a reused line reader and
// buffers, and caches of decoded ORGANIZER and ATTENDEE lines and of
// parameters. In an export the same people lines (the owner's own ATTENDEE
// line above all) come back in event after event, and their parameters
// are the dearest part of go-ical's decoding, so each distinct line is
// decoded once.
type decoder struct {
	br     *bufio.Reader
	body   wrapped
	buf    bytes.Buffer
	people [][]byte
	cache  map[string]cachedPerson
	// props, unfold and params serve decodeEvent.
	props  eventProps
	unfold []byte
	params map[string]ical.Params
}

// cachedPerson is a decoded ORGANIZER or ATTENDEE line.
type cachedPerson struct {
	kind   propKind // propOrganizer or propAttendee
	person Person
}

func newDecoder() *decoder {
	return &decoder{
		br:     bufio.NewReaderSize(nil, 16<<10),
		cache:  map[string]cachedPerson{},
		params: map[string]ical.Params{},
	}
}

// component decodes a block as it is or, if go-ical refuses it, without
// the END lines that close nothing (go-ical fails on those, and splitObjects
// passes over them).
func (d *decoder) component(b block) (*ical.Component, error) {
	if !b.complete {
		return nil, fmt.Errorf("decode %s: no END:%s before the data ends", b.name, b.name)
	}
	c, err := d.single(b.name, b.data)
	if err != nil {
		if clean, dropped := dropStrayEnds(b.data); dropped {
			if c2, err2 := d.single(b.name, clean); err2 == nil {
				return c2, nil
			}
		}
	}
	return c, err
}

// dropStrayEnds returns data without its END lines that close no open
// component, and whether there were any.
func dropStrayEnds(data []byte) ([]byte, bool) {
	var stack []string
	var out []byte
	dropped := false
	for line := range bytes.Lines(data) {
		kind, name := beginEnd(bytes.TrimRight(line, "\r\n"))
		switch kind {
		case lineOpen:
			stack = append(stack, name)
		case lineClose:
			i := lastIndex(stack, name)
			if i < 0 {
				dropped = true
				continue
			}
			stack = stack[:i]
		}
		out = append(out, line...)
	}
	return out, dropped
}

// event decodes a VEVENT block: only the properties Parse reads (see
// keepEventLines), with decodeEvent or, for what it declines, go-ical, and
// the people lines one by one through the cache. Their order is kept: it
// is the order of the panel. What it returns is valid until the decoder's
// next call.
//
// A block that was cut (see block.cut) is read as if it ended with its END
// line. A malformed ORGANIZER or ATTENDEE line costs that person only, and
// people past maxAttendees are left out; each is noted in eventProps.notes.
func (d *decoder) event(b block) (*eventProps, error) {
	d.buf.Reset()
	d.people = keepEventLines(&d.buf, d.people[:0], b.data)
	if b.cut {
		if d.buf.Len() > 0 && !bytes.HasSuffix(d.buf.Bytes(), []byte("\n")) {
			d.buf.WriteString("\r\n")
		}
		d.buf.WriteString("END:" + b.name + "\r\n")
	}
	d.props.reset()
	if !d.decodeEvent(d.buf.Bytes()) {
		d.props.reset()
		c, err := d.single(b.name, d.buf.Bytes())
		if err != nil {
			return nil, err
		}
		d.props.fill(c.Props)
	}
	attendees := 0
	for _, line := range d.people {
		if attendees == maxAttendees {
			d.props.notes = append(d.props.notes, fmt.Errorf("more than %d ATTENDEE lines (limit): the rest left out", maxAttendees))
			break
		}
		p, err := d.person(line)
		if err != nil {
			name, _, _ := bytes.Cut(line, []byte(";"))
			name, _, _ = bytes.Cut(name, []byte(":"))
			d.props.notes = append(d.props.notes, fmt.Errorf("malformed %s line left out: %w", bytes.ToUpper(bytes.TrimSpace(name)), err))
			continue
		}
		if p.kind == propAttendee {
			attendees++
		}
		if p.kind == propOrganizer {
			d.props.organizers = append(d.props.organizers, p.person)
		} else {
			d.props.attendees = append(d.props.attendees, p.person)
		}
	}
	return &d.props, nil
}

func (d *decoder) single(name string, data []byte) (*ical.Component, error) {
	cal, err := d.calendar(data)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	if len(cal.Children) != 1 {
		return nil, fmt.Errorf("decode %s: malformed component", name)
	}
	return cal.Children[0], nil
}

// person decodes one ORGANIZER or ATTENDEE line, from the cache if it can.
func (d *decoder) person(line []byte) (cachedPerson, error) {
	if p, ok := d.cache[string(line)]; ok {
		return p, nil
	}
	cal, err := d.calendar(line)
	if err != nil {
		return cachedPerson{}, err
	}
	var p ical.Prop
	for _, ps := range cal.Props {
		if len(ps) == 1 {
			p = ps[0]
		}
	}
	if p.Name == "" || len(cal.Props) != 1 || len(cal.Children) != 0 {
		return cachedPerson{}, fmt.Errorf("malformed %s line", tidy.TruncateRunes(string(line), 9))
	}
	cp := cachedPerson{kind: propAttendee, person: person(&p)}
	if p.Name == ical.PropOrganizer {
		cp.kind = propOrganizer
	}
	if len(d.cache) < maxCachedPeople {
		d.cache[string(line)] = cp
	}
	return cp, nil
}

// calendar decodes content lines as the body of a VCALENDAR. go-ical
// panics on some malformed lines; that costs these lines only.
func (d *decoder) calendar(body []byte) (cal *ical.Calendar, err error) {
	if err := checkParams(body); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			cal, err = nil, fmt.Errorf("malformed content line (%v)", r)
		}
	}()
	d.body = wrapped{parts: [3][]byte{calendarBegin, body, calendarEnd}}
	d.br.Reset(&d.body)
	return ical.NewDecoder(d.br).Decode()
}

var (
	calendarBegin = []byte("BEGIN:VCALENDAR\r\n")
	calendarEnd   = []byte("\r\nEND:VCALENDAR\r\n")
)

// wrapped reads its parts one after the other, like io.MultiReader, but
// without allocating for each of the many blocks of a large export.
type wrapped struct {
	parts [3][]byte
	i     int
}

func (w *wrapped) Read(p []byte) (int, error) {
	for w.i < len(w.parts) && len(w.parts[w.i]) == 0 {
		w.i++
	}
	if w.i == len(w.parts) {
		return 0, io.EOF
	}
	n := copy(p, w.parts[w.i])
	w.parts[w.i] = w.parts[w.i][n:]
	return n, nil
}

// keepEventLines copies into dst the lines of a VEVENT block that Parse
// reads: its BEGIN and END lines and the properties eventProperty names,
// each with its folded continuation lines. ORGANIZER and ATTENDEE lines are
// not copied but appended to people, continuation lines included and line
// breaks trimmed. Everything else (X- properties, CREATED, VALARMs...)
// never reaches go-ical, which saves most of the decoding of an Outlook
// invitation and makes a malformed line there harmless.
func keepEventLines(dst *bytes.Buffer, people [][]byte, block []byte) [][]byte {
	var stack []string
	keep, person := false, -1 // person: offset in block of the open people line
	var head []byte
	rest := block
	flushPerson := func(end int) {
		if person >= 0 {
			people = append(people, bytes.TrimRight(block[person:end], "\r\n"))
			person = -1
		}
	}
	for len(rest) > 0 {
		off := len(block) - len(rest)
		n := bytes.IndexByte(rest, '\n') + 1
		if n == 0 {
			n = len(rest)
		}
		line := rest[:n]
		rest = rest[n:]
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) > 0 && (trimmed[0] == ' ' || trimmed[0] == '\t') {
			if keep && person < 0 {
				dst.Write(line)
			}
			continue
		}
		flushPerson(off)
		if continued(rest) && (bytes.IndexAny(trimmed, ":;") < 0 || len(trimmed) < 24 && maybeBeginEnd(trimmed)) {
			// The fold comes inside the name: classify the line unfolded.
			head, _, _ = unfoldHead(head[:0], trimmed, block, len(block)-len(rest))
			trimmed = head
		}
		switch kind, name := beginEnd(trimmed); kind {
		case lineOpen:
			stack = append(stack, name)
			if len(stack) == 1 { // written afresh: "begin: VEVENT " is fine too
				dst.WriteString("BEGIN:")
				dst.WriteString(name)
				dst.WriteString("\r\n")
			}
			keep = false
		case lineClose:
			i := lastIndex(stack, name)
			if i >= 0 {
				stack = stack[:i]
			}
			if i == 0 {
				dst.WriteString("END:")
				dst.WriteString(name)
				dst.WriteString("\r\n")
			}
			keep = false
		default:
			kind, ok := eventProperty(trimmed)
			keep = len(stack) == 1 && ok
			if keep && (kind == propAttendee || kind == propOrganizer) {
				person = off
				continue
			}
		}
		if keep {
			dst.Write(line)
			if line[len(line)-1] != '\n' {
				dst.WriteString("\r\n")
			}
		}
	}
	flushPerson(len(block))
	return people
}

// checkParams refuses content lines whose parameters exceed maxParams
// (see there). A line's parameters end at its first colon outside double
// quotes; they may run over folded continuation lines.
func checkParams(body []byte) error {
	inParams, quoted, n := false, false, 0
	for len(body) > 0 {
		end := bytes.IndexByte(body, '\n') + 1
		if end == 0 {
			end = len(body)
		}
		line := bytes.TrimRight(body[:end], "\r\n")
		body = body[end:]
		continued := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		if continued {
			line = line[1:]
		} else {
			inParams, quoted, n = true, false, 0
		}
		if !inParams {
			continue
		}
		for _, c := range line {
			if c == '"' {
				quoted = !quoted
			} else if c == ':' && !quoted {
				inParams = false
				break
			}
			if n++; n > maxParams {
				return fmt.Errorf("content line parameters longer than %d bytes", maxParams)
			}
		}
	}
	return nil
}
