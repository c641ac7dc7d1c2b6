package calendar

import (
	"bytes"
	"slices"
)

// block is one direct child of a VCALENDAR (a VEVENT, VTIMEZONE, VTODO...),
// as raw content lines from its BEGIN line to its END line.
type block struct {
	name string // upper-case component name
	data []byte
	// complete is false when the data ended or the VCALENDAR closed before
	// the block's own END line.
	complete bool
	// cut is set on an incomplete block: another component's BEGIN line, a
	// stray END:VCALENDAR or the end of the data ended it. An event is read
	// as if it had its END line (and the assumption reported); a VTIMEZONE
	// is not.
	cut bool
}

// object is one VCALENDAR found in the data.
type object struct {
	props  []byte // the VCALENDAR's own content lines (METHOD, PRODID...)
	blocks []block
	// bare is set for components found outside any VCALENDAR (a file that
	// is a bare VEVENT, or events after a stray END:VCALENDAR): they are
	// read as if a VCALENDAR held them.
	bare bool
}

// splitObjects cuts data into VCALENDAR objects and their direct children
// by looking only at the BEGIN and END lines. It does not read content lines
// itself: each block is decoded separately by go-ical, so that one malformed
// line costs one component rather than the whole file (go-ical's decoder
// stops at the first error). Folded continuation lines start with a space or
// a tab, so they never look like BEGIN or END lines; a BEGIN or END line
// that is itself folded ("BEGIN:VEV" + " ENT") is unfolded first. Lines of
// any length are fine.
//
// Damage costs as little as it can: a BEGIN line of a top-level component
// (VEVENT, VTIMEZONE...) inside an open one ends the open one (marked cut),
// an END line that closes nothing is passed over, and components outside
// any VCALENDAR (a bare VEVENT file, events after a stray END:VCALENDAR)
// are gathered into an object marked bare. Other text outside components is
// ignored. At most maxLines lines are looked at; lines reports how many
// were.
func splitObjects(data []byte) (objects []object, lines int) {
	var (
		cur   *object
		stack []string // open component names inside the current VCALENDAR
		start int      // offset of the open block's BEGIN line
		name  string   // the open block's component name
		props bytes.Buffer
		// lastTop: the previous line was a VCALENDAR property line.
		lastTop bool
	)
	flush := func(end int, complete bool) {
		if len(cur.blocks) == cap(cur.blocks) {
			// Double: append grows a large slice by a quarter, which for
			// the 50,000 blocks of a large export allocates five times
			// their size.
			cur.blocks = slices.Grow(cur.blocks, max(len(cur.blocks), 64))
		}
		cur.blocks = append(cur.blocks, block{name: name, data: bytes.TrimRight(data[start:end], "\r\n"), complete: complete, cut: !complete})
	}
	closeObject := func() {
		cur.props = bytes.Clone(props.Bytes())
		props.Reset()
		cur, stack = nil, stack[:0]
	}
	var unfolded []byte
	end := len(data) // where reading stops
	for pos := 0; pos < len(data); {
		if lines++; lines > maxLines {
			end = pos
			break
		}
		lineEnd := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if lineEnd < 0 {
			lineEnd = len(data)
		} else {
			lineEnd += pos
			next = lineEnd + 1
		}
		line := bytes.TrimRight(data[pos:lineEnd], "\r")
		raw := line
		if cur == nil || len(stack) == 0 && !lastTop {
			// Outside components, white space before BEGIN is harmless.
			line = bytes.TrimLeft(line, " \t")
		}
		if next < len(data) && continued(data[next:]) && maybeBeginEnd(line) {
			u, e, n := unfoldHead(unfolded[:0], line, data, next)
			unfolded = u
			if k, _ := beginEnd(u); k != lineOther {
				line, lineEnd, next = u, e, n
			}
		}
		kind, compName := beginEnd(line)
		if cur == nil {
			switch {
			case kind == lineOpen && compName == "VCALENDAR":
				objects = append(objects, object{})
				cur = &objects[len(objects)-1]
				lastTop, pos = false, next
				continue
			case kind == lineOpen && topLevel(compName):
				objects = append(objects, object{bare: true})
				cur = &objects[len(objects)-1]
			default:
				lastTop, pos = false, next
				continue
			}
		}
		switch {
		case len(stack) == 0: // directly inside VCALENDAR
			switch kind {
			case lineOpen:
				if compName == "VCALENDAR" { // a bare object ends where a real one starts
					closeObject()
					objects = append(objects, object{})
					cur = &objects[len(objects)-1]
					break
				}
				stack = append(stack, compName)
				start, name = pos, compName
			case lineClose:
				if compName == "VCALENDAR" {
					closeObject()
				}
			default:
				folded := continued(raw)
				if !cur.bare && (!folded || lastTop) {
					props.Write(raw)
					props.WriteString("\r\n")
				}
			}
		default: // inside a child component
			switch kind {
			case lineOpen:
				switch {
				case compName == "VCALENDAR": // the open block and its object lost their END
					flush(pos, false)
					closeObject()
					objects = append(objects, object{})
					cur = &objects[len(objects)-1]
				case topLevel(compName):
					// No component holds these: the open one lost its END.
					flush(pos, false)
					stack = append(stack[:0], compName)
					start, name = pos, compName
				default:
					stack = append(stack, compName)
				}
			case lineClose:
				i := lastIndex(stack, compName)
				switch {
				case i >= 0:
					stack = stack[:i]
					if i == 0 {
						flush(lineEnd, true)
					}
				case compName == "VCALENDAR":
					flush(pos, false)
					closeObject()
				}
			}
		}
		lastTop = cur != nil && len(stack) == 0 && kind == lineOther
		pos = next
	}
	if cur != nil {
		if len(stack) > 0 {
			flush(end, false)
		}
		closeObject()
	}
	return objects, lines
}

// maxLines bounds the lines one Parse call looks at.
const maxLines = 4_000_000

// topLevel reports whether a component lives directly in a VCALENDAR and
// never inside another component.
func topLevel(name string) bool {
	switch name {
	case "VEVENT", "VTIMEZONE", "VTODO", "VJOURNAL", "VFREEBUSY", "VAVAILABILITY", "VCALENDAR":
		return true
	}
	return false
}

// maybeBeginEnd reports whether line could be the first part of a folded
// BEGIN or END line.
func maybeBeginEnd(line []byte) bool {
	if len(line) == 0 || len(line) > 80 {
		return false
	}
	switch line[0] {
	case 'B', 'b', 'E', 'e':
		return true
	}
	return false
}

// unfoldHead joins line with the continuation lines that follow it in data
// at next (RFC 5545 section 3.1: a fold may come anywhere, even inside the
// name), writing into dst. It stops after a few hundred bytes: only the
// start of the line matters to the callers. It returns the joined line,
// where the last continuation line ends (before its line feed) and where
// the line after it starts.
func unfoldHead(dst, line, data []byte, next int) (joined []byte, end, after int) {
	dst = append(dst, line...)
	end = next - 1
	for next < len(data) && continued(data[next:]) {
		e := bytes.IndexByte(data[next:], '\n')
		stop := len(data)
		if e >= 0 {
			stop = next + e
		}
		if len(dst) < 256 {
			dst = append(dst, bytes.TrimRight(data[next+1:stop], "\r")...)
		}
		end, next = stop, min(stop+1, len(data))
	}
	return dst, end, next
}

type lineKind int

const (
	lineOther lineKind = iota
	lineOpen
	lineClose
)

// beginEnd tells a BEGIN:NAME or END:NAME line (any case) from other lines.
func beginEnd(line []byte) (lineKind, string) {
	var kind lineKind
	var rest []byte
	switch {
	case hasPrefixFold(line, "BEGIN:"):
		kind, rest = lineOpen, line[len("BEGIN:"):]
	case hasPrefixFold(line, "END:"):
		kind, rest = lineClose, line[len("END:"):]
	default:
		return lineOther, ""
	}
	rest = bytes.TrimSpace(rest)
	if len(rest) == 0 || len(rest) > 64 {
		return lineOther, ""
	}
	// The common names come back as constants, without an allocation.
	for _, known := range []string{"VEVENT", "VALARM", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VCALENDAR", "VTODO"} {
		if bytes.EqualFold(rest, []byte(known)) {
			return kind, known
		}
	}
	return kind, string(bytes.ToUpper(rest))
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

func lastIndex(stack []string, name string) int {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] == name {
			return i
		}
	}
	return -1
}
