// Package interview owns followupd's domain model: an Interview, the people who
// held it, and the follow-up Reminders it gives rise to, with the reminder
// lifecycle (State: the states, which are open, waiting or answerable, and
// when a reminder is next sent), which the store, the dispatcher, replies
// and the CLI all call. It holds types and the small rules that belong to
// them, no I/O.
package interview

import (
	"strings"
	"time"
)

// Status is where an interview stands as its sources report it.
type Status string

const (
	Scheduled Status = "scheduled"
	Cancelled Status = "cancelled"
)

// Honorific is how an interviewer is addressed. Empty means unknown: a draft
// then says "Mr./Ms." and asks the owner to choose.
type Honorific string

const (
	NoHonorific Honorific = ""
	Mr          Honorific = "Mr."
	Ms          Honorific = "Ms."
	Mrs         Honorific = "Mrs."
	Dr          Honorific = "Dr."
)

// ParseHonorific reads "mr", "Mr.", "MS", "dr." and the like; ok is false for
// anything else.
func ParseHonorific(s string) (h Honorific, ok bool) {
	switch strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".") {
	case "mr":
		return Mr, true
	case "ms":
		return Ms, true
	case "mrs":
		return Mrs, true
	case "dr":
		return Dr, true
	}
	return NoHonorific, false
}

// Interviewer is a person the owner met: an attendee or organizer that is not
// the owner, not a room or resource, not a no-reply address.
type Interviewer struct {
	Name      string // display name, honorific removed, quotes stripped
	Email     string // lower-cased addr-spec
	Honorific Honorific
}

// LastName is the last word of the name, for "Dear Ms. Doe,"; the email's
// local part when there is no name.
func (iv Interviewer) LastName() string {
	f := strings.Fields(iv.Name)
	if len(f) > 0 {
		return f[len(f)-1]
	}
	local, _, _ := strings.Cut(iv.Email, "@")
	return local
}

// Key identifies one interview: the iCalendar UID and, for one instance of a
// recurring series, its RECURRENCE-ID (the instance's original start, UTC).
type Key struct {
	UID          string
	RecurrenceID time.Time // zero for an event that is not part of a series
}

// String is UID, or UID + "/" + the RECURRENCE-ID in RFC 3339 UTC.
func (k Key) String() string {
	if k.RecurrenceID.IsZero() {
		return k.UID
	}
	return k.UID + "/" + k.RecurrenceID.UTC().Format(time.RFC3339)
}

// Interview is one interview as detected from a calendar event. Times are UTC
// instants; they are turned into the owner's local time only for display and
// for due-time arithmetic.
type Interview struct {
	Key
	// Sequence and Stamp (DTSTAMP) order versions of the same event: a higher
	// Sequence wins; on a tie the later Stamp does.
	Sequence int
	Stamp    time.Time
	Status   Status

	Summary     string
	Description string
	Location    string
	Company     string // "" when nothing names it
	Position    string // "" when nothing names it
	Start, End  time.Time
	// Interviewers in the order the event lists them; a panel has several.
	Interviewers []Interviewer
	// Phone is a phone number found in the event, for the follow-up call.
	Phone string
}

// Newer reports whether a is a later version of the same event than b.
func Newer(a, b Interview) bool {
	if a.Sequence != b.Sequence {
		return a.Sequence > b.Sequence
	}
	return a.Stamp.After(b.Stamp)
}

// ReminderKind is which follow-up a reminder is for.
type ReminderKind string

const (
	ThankYou     ReminderKind = "thank_you"
	FollowUpCall ReminderKind = "follow_up_call"
)

// Reminder is a follow-up that falls due at Due (UTC).
type Reminder struct {
	Kind ReminderKind
	Due  time.Time
}

// Latest keeps one interview per Key, the newest version (see Newer), in
// the order the keys were first seen. An invitation often carries the same
// event twice (an inline text/calendar part and an .ics attachment).
func Latest(ivs []Interview) []Interview {
	out := make([]Interview, 0, len(ivs))
	at := make(map[Key]int, len(ivs))
	for _, iv := range ivs {
		if j, ok := at[iv.Key]; ok {
			if Newer(iv, out[j]) {
				out[j] = iv
			}
			continue
		}
		at[iv.Key] = len(out)
		out = append(out, iv)
	}
	return out
}
