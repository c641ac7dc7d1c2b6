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
}

// object is one VCALENDAR found in the data.
type object struct {
	props  []byte // the VCALENDAR's own content lines (METHOD, PRODID...)
	blocks []block
}

// splitObjects cuts data into VCALENDAR objects and their direct children
// by looking only at the BEGIN and END lines. It does not read content lines
// itself: each block is decoded separately by go-ical, so that one malformed
// line costs one component rather than the whole file (go-ical's decoder
// stops at the first error). Folded continuation lines start with a space or
// a tab, so they never look like BEGIN or END lines. Lines of any length are
// fine; text outside any VCALENDAR is ignored.
func splitObjects(data []byte) []object {
	var (
		objects []object
		cur     *object
		stack   []string // open component names inside the current VCALENDAR
		start   int      // offset of the open block's BEGIN line
		name    string   // the open block's component name
		props   bytes.Buffer
		lastTop bool // the previous line was a VCALENDAR property line
	)
	flush := func(end int, complete bool) {
		if len(cur.blocks) == cap(cur.blocks) {
			// Double: append grows a large slice by a quarter, which for
			// the 50,000 blocks of a large export allocates five times
			// their size.
			cur.blocks = slices.Grow(cur.blocks, max(len(cur.blocks), 64))
		}
		cur.blocks = append(cur.blocks, block{name: name, data: bytes.TrimRight(data[start:end], "\r"), complete: complete})
	}
	closeObject := func() {
		cur.props = bytes.Clone(props.Bytes())
		props.Reset()
		cur, stack = nil, stack[:0]
	}
	for pos := 0; pos < len(data); {
		lineEnd := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if lineEnd < 0 {
			lineEnd = len(data)
		} else {
			lineEnd += pos
			next = lineEnd + 1
		}
		line := bytes.TrimRight(data[pos:lineEnd], "\r")
		kind, compName := beginEnd(line)
		switch {
		case cur == nil:
			if kind == lineOpen && compName == "VCALENDAR" {
				objects = append(objects, object{})
				cur = &objects[len(objects)-1]
			}
		case len(stack) == 0: // directly inside VCALENDAR
			switch kind {
			case lineOpen:
				stack = append(stack, compName)
				start, name = pos, compName
			case lineClose:
				if compName == "VCALENDAR" {
					closeObject()
				}
			default:
				folded := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
				if !folded || lastTop {
					props.Write(line)
					props.WriteString("\r\n")
				}
			}
		default: // inside a child component
			switch kind {
			case lineOpen:
				stack = append(stack, compName)
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
			flush(len(data), false)
		}
		closeObject()
	}
	return objects
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
