package calendar

import "time"

// Method is the iTIP METHOD of a calendar object: "" for a plain export,
// PUBLISH, REQUEST, CANCEL, REPLY...
type Method string

const (
	MethodNone    Method = ""
	MethodPublish Method = "PUBLISH"
	MethodRequest Method = "REQUEST"
	MethodCancel  Method = "CANCEL"
)

// Calendar is what was read from one iCalendar object.
type Calendar struct {
	Method Method
	// Events are the timed and all-day events with recurrences expanded: each
	// instance of a series is its own Event with RecurrenceID set, overrides
	// (RECURRENCE-ID components) already merged and EXDATEs removed.
	Events []Event
	// Problems are the components that could not be read (each was
	// skipped; the rest of the calendar was read) and the assumptions made
	// to read damaged ones (Problem.Salvaged).
	Problems []Problem
}

// Problem is one component that was skipped, and why; or, with Salvaged
// set, something that was read anyway on an assumption that Err states (an
// unknown time zone read as the owner's, an unreadable RRULE reduced to its
// first instance, a malformed attendee left out, a limit reached...).
type Problem struct {
	UID     string // may be empty
	Summary string // may be empty
	Err     error
	// Salvaged is set when nothing was skipped but a part: the event (or
	// the rest of the calendar) was read.
	Salvaged bool
	// Partial is set when data may be missing from what was read (a limit
	// was reached, or the file stops inside a component): a reader must not
	// take the absence of an event as its deletion.
	Partial bool
}

// Complete reports whether c holds every event its data has: nothing was
// skipped, and what was salvaged lost nothing but the damaged part.
func (c *Calendar) Complete() bool {
	for _, p := range c.Problems {
		if !p.Salvaged || p.Partial {
			return false
		}
	}
	return true
}

// Event is one VEVENT (or one instance of a recurring one), with its times
// resolved to instants.
type Event struct {
	UID string
	// RecurrenceID is the original start (UTC) of this instance of a recurring
	// series; zero for a single event.
	RecurrenceID time.Time
	Sequence     int
	Stamp        time.Time // DTSTAMP, UTC; zero if absent
	// Status is the upper-case STATUS (TENTATIVE, CONFIRMED, CANCELLED) or "".
	Status      string
	Summary     string
	Description string
	Location    string
	// Start and End are UTC instants. For an all-day event they are midnight
	// in the owner's zone of the first day and of the day after the last.
	Start, End time.Time
	AllDay     bool
	Organizer  *Person
	Attendees  []Person
}

// Person is an ORGANIZER or ATTENDEE.
type Person struct {
	Email string // lower-cased addr-spec, "mailto:" removed; may be empty
	Name  string // CN, quotes removed
	// CUType, PartStat and Role are upper-case parameter values, "" when absent.
	CUType   string
	PartStat string
	Role     string
}
