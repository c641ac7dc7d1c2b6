package calendar

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/emersion/go-ical"
)

// propKind is one of the VEVENT properties Parse reads.
type propKind uint8

const (
	propUID propKind = iota
	propStart
	propEnd
	propDuration
	propStamp
	propSequence
	propStatus
	propSummary
	propDescription
	propLocation
	propOrganizer
	propAttendee
	propRule
	propRDate
	propExDate
	propRecurrenceID
	numPropKinds
)

// propNames are the properties' names as go-ical spells them.
var propNames = [numPropKinds]string{
	propUID: ical.PropUID, propStart: ical.PropDateTimeStart, propEnd: ical.PropDateTimeEnd,
	propDuration: ical.PropDuration, propStamp: ical.PropDateTimeStamp, propSequence: ical.PropSequence,
	propStatus: ical.PropStatus, propSummary: ical.PropSummary, propDescription: ical.PropDescription,
	propLocation: ical.PropLocation, propOrganizer: ical.PropOrganizer, propAttendee: ical.PropAttendee,
	propRule: ical.PropRecurrenceRule, propRDate: ical.PropRecurrenceDates,
	propExDate: ical.PropExceptionDates, propRecurrenceID: ical.PropRecurrenceID,
}

// eventProperty tells which property Parse reads a content line holds, by
// the name before its first ";" or ":" in any case.
func eventProperty(line []byte) (propKind, bool) {
	// No name Parse reads is longer than 16 bytes: look no further.
	var name [16]byte
	end := -1
	for i, c := range line[:min(len(line), len(name)+1)] {
		if c == ';' || c == ':' {
			end = i
			break
		}
		if i < len(name) {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			name[i] = c
		}
	}
	if end <= 0 {
		return 0, false
	}
	switch string(name[:end]) {
	case "UID":
		return propUID, true
	case "DTSTART":
		return propStart, true
	case "DTEND":
		return propEnd, true
	case "DURATION":
		return propDuration, true
	case "DTSTAMP":
		return propStamp, true
	case "SEQUENCE":
		return propSequence, true
	case "STATUS":
		return propStatus, true
	case "SUMMARY":
		return propSummary, true
	case "DESCRIPTION":
		return propDescription, true
	case "LOCATION":
		return propLocation, true
	case "ORGANIZER":
		return propOrganizer, true
	case "ATTENDEE":
		return propAttendee, true
	case "RRULE":
		return propRule, true
	case "RDATE":
		return propRDate, true
	case "EXDATE":
		return propExDate, true
	case "RECURRENCE-ID":
		return propRecurrenceID, true
	}
	return 0, false
}

// eventProps are the properties of one VEVENT that Parse reads, each kind
// in the order of the content lines. ORGANIZER and ATTENDEE come already
// read as people. A decoder reuses them from one event to the next: they
// are valid until its next call.
type eventProps struct {
	byKind     [numPropKinds][]ical.Prop // ORGANIZER and ATTENDEE excepted
	organizers []Person
	attendees  []Person
	// notes say what was assumed or left out to read the event.
	notes []error
}

func (e *eventProps) reset() {
	for k := range e.byKind {
		clear(e.byKind[k])
		e.byKind[k] = e.byKind[k][:0]
	}
	clear(e.organizers)
	clear(e.attendees)
	e.organizers, e.attendees = e.organizers[:0], e.attendees[:0]
	clear(e.notes)
	e.notes = e.notes[:0]
}

// fill takes the properties go-ical decoded.
func (e *eventProps) fill(props ical.Props) {
	for k, name := range propNames {
		e.byKind[k] = append(e.byKind[k], props[name]...)
	}
}

// text returns the unescaped value of the first property of kind k and
// whether there is one, cut at maxTextBytes (noted).
func (e *eventProps) text(k propKind) (string, bool) {
	s, ok := text(e.get(k))
	if len(s) > maxTextBytes {
		e.notes = append(e.notes, fmt.Errorf("%s longer than %d bytes (limit): cut", propNames[k], maxTextBytes))
		s = strings.ToValidUTF8(s[:maxTextBytes], "")
	}
	return s, ok
}

// get returns the first property of kind k, or nil.
func (e *eventProps) get(k propKind) *ical.Prop {
	if ps := e.byKind[k]; len(ps) > 0 {
		return &ps[0]
	}
	return nil
}

// decodeEvent reads the content lines keepEventLines kept (BEGIN:VEVENT,
// properties of the kinds propNames lists, END:VEVENT) into d.props, the
// way go-ical would read them but at a fraction of the cost: go-ical
// builds each parameter value a byte at a time and a map for every
// property. It handles the lines well-formed producers write and gives up
// on anything else (a stray CR, a malformed or odd parameter, parameters
// longer than maxParams...), returning false; the caller then hands the
// lines to go-ical, so that results and errors are always go-ical's.
func (d *decoder) decodeEvent(buf []byte) bool {
	const begin, end = "BEGIN:VEVENT\r\n", "END:VEVENT\r\n"
	if !bytes.HasPrefix(buf, []byte(begin)) || !bytes.HasSuffix(buf, []byte(end)) || len(buf) < len(begin)+len(end) {
		return false
	}
	body := buf[len(begin) : len(buf)-len(end)]
	for len(body) > 0 {
		if continued(body) { // would continue the BEGIN line
			return false
		}
		line, rest, ok := physicalLine(body)
		if !ok {
			return false
		}
		body = rest
		if continued(body) {
			d.unfold = append(d.unfold[:0], line...)
			for continued(body) {
				if line, body, ok = physicalLine(body); !ok {
					return false
				}
				d.unfold = append(d.unfold, line[1:]...)
			}
			line = d.unfold
		}
		if !d.decodeLine(line) {
			return false
		}
	}
	return true
}

// continued reports whether data starts with a folded continuation line.
func continued(data []byte) bool {
	return len(data) > 0 && (data[0] == ' ' || data[0] == '\t')
}

// physicalLine cuts the first line off data, without its CRLF or LF. It
// fails for a line that holds any other CR, or that does not end in LF.
func physicalLine(data []byte) (line, rest []byte, ok bool) {
	n := bytes.IndexByte(data, '\n')
	if n < 0 {
		return nil, nil, false
	}
	line, rest = data[:n], data[n+1:]
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, rest, bytes.IndexByte(line, '\r') < 0
}

// decodeLine reads one unfolded content line into d.props, following
// go-ical's grammar: the name up to the first ";" or ":", then parameters,
// each NAME=value[,value...] with values either quoted (up to the next
// double quote) or up to the next ";", "," or ":", then ":" and the value,
// the rest of the line. It returns false where go-ical would fail or panic,
// and where it would accept something unusual (a parameter name that is
// not letters, digits and hyphens).
func (d *decoder) decodeLine(line []byte) bool {
	i := bytes.IndexAny(line, ";:")
	if i <= 0 {
		return false
	}
	kind, ok := eventProperty(line)
	if !ok || kind == propOrganizer || kind == propAttendee {
		return false // people lines never come here
	}
	rest := line[i:]
	var params ical.Params
	if rest[0] == ';' {
		n, ok := paramsLen(rest)
		if !ok {
			return false
		}
		params = d.paramsOf(rest[:n+1])
		rest = rest[n:]
	}
	// go-ical refuses nothing here, but Parse does (see maxParams).
	if len(line)-len(rest) > maxParams {
		return false
	}
	d.props.byKind[kind] = append(d.props.byKind[kind], ical.Prop{
		Name:   propNames[kind],
		Params: params,
		Value:  string(rest[1:]),
	})
	return true
}

// paramsLen returns the length of the parameters at the start of s (which
// starts with ";"), up to the ":" that ends them, or false.
func paramsLen(s []byte) (int, bool) {
	n := len(s)
	for len(s) > 0 && s[0] == ';' {
		s = s[1:]
		eq := bytes.IndexByte(s, '=')
		if eq <= 0 || !paramName(s[:eq]) {
			return 0, false
		}
		s = s[eq+1:]
		for {
			if len(s) > 0 && s[0] == '"' {
				q := bytes.IndexByte(s[1:], '"')
				if q < 0 {
					return 0, false
				}
				s = s[q+2:]
			} else {
				e := bytes.IndexAny(s, "\";,:")
				if e < 0 || s[e] == '"' {
					return 0, false
				}
				s = s[e:]
			}
			if len(s) == 0 {
				return 0, false
			}
			if s[0] != ',' {
				break
			}
			s = s[1:]
		}
		if s[0] != ';' && s[0] != ':' {
			return 0, false
		}
	}
	if len(s) == 0 || s[0] != ':' {
		return 0, false
	}
	return n - len(s), true
}

func paramName(b []byte) bool {
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// maxCachedParams bounds a decoder's cache of decoded parameters.
const maxCachedParams = 1024

// paramsOf decodes parameters that paramsLen accepted, given with the ":"
// that ends them. The same few
// (";TZID=Europe/Berlin", ";VALUE=DATE") come back in event after event,
// so each distinct text is decoded once; the maps are shared and must not
// be modified.
func (d *decoder) paramsOf(raw []byte) ical.Params {
	if p, ok := d.params[string(raw)]; ok {
		return p
	}
	params := ical.Params{}
	s := string(raw)
	for len(s) > 0 && s[0] == ';' {
		s = s[1:]
		eq := strings.IndexByte(s, '=')
		name := strings.ToUpper(s[:eq])
		s = s[eq+1:]
		for {
			var v string
			if s[0] == '"' {
				q := strings.IndexByte(s[1:], '"')
				v, s = s[1:q+1], s[q+2:]
			} else {
				e := strings.IndexAny(s, ";,:")
				v, s = s[:e], s[e:]
			}
			params[name] = append(params[name], v)
			if s[0] != ',' {
				break
			}
			s = s[1:]
		}
	}
	if len(d.params) < maxCachedParams {
		d.params[string(raw)] = params
	}
	return params
}
