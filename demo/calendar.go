package demo

import (
	"strings"
	"time"
)

// The demo's interviews. Their dates are set from the demo's start, so that
// the calendar is always current; the times are the owner's local times.
const (
	janeUID  = "demo-acme-jane-doe@followupd.invalid"
	panelUID = "demo-globex-panel@followupd.invalid"
)

// demoDay is the day the demo plays on: start's date in loc, moved to the
// next Monday when it falls on a weekend (interviews are weekday things).
func demoDay(start time.Time, loc *time.Location) time.Time {
	d := start.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	switch day.Weekday() {
	case time.Saturday:
		day = day.AddDate(0, 0, 2)
	case time.Sunday:
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// at is hh:mm local time on day's date (DST-safe: time.Date normalises).
func at(day time.Time, hh, mm int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, day.Location())
}

// scenario is the demo's calendar: the interview with Jane Doe at Acme Corp
// from 13:00 to 14:00 on day, and a panel at Globex a week later.
type scenario struct {
	janeStart, janeEnd   time.Time
	panelStart, panelEnd time.Time
}

func newScenario(day time.Time) scenario {
	panel := day.AddDate(0, 0, 7)
	return scenario{
		janeStart: at(day, 13, 0), janeEnd: at(day, 14, 0),
		panelStart: at(panel, 10, 0), panelEnd: at(panel, 11, 30),
	}
}

// ics is the scenario as a calendar export, with UTC times (no zone data
// needed) and a DTSTAMP of stamp.
func (s scenario) ics(stamp time.Time) []byte {
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	lines := []string{
		"BEGIN:VCALENDAR",
		"PRODID:-//followupd//demo//EN",
		"VERSION:2.0",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + janeUID,
		"DTSTAMP:" + utc(stamp),
		"DTSTART:" + utc(s.janeStart),
		"DTEND:" + utc(s.janeEnd),
		"SUMMARY:Interview with Jane Doe at Acme Corp",
		"DESCRIPTION:Hi Alex\\, looking forward to our conversation about the Senior Backend Engineer position. You will meet Ms. Jane Doe\\, Engineering Manager.\\nPhone: +1 212 555 0142",
		"LOCATION:Acme Corp\\, 200 Park Ave",
		"ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Jane Doe:mailto:jane.doe@acme.example",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Alex Morgan:mailto:" + ownerEmail,
		"STATUS:CONFIRMED",
		"SEQUENCE:0",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:" + panelUID,
		"DTSTAMP:" + utc(stamp),
		"DTSTART:" + utc(s.panelStart),
		"DTEND:" + utc(s.panelEnd),
		"SUMMARY:Globex – onsite panel interview",
		"DESCRIPTION:Panel for the Platform Engineer role.",
		"LOCATION:Globex HQ",
		"ORGANIZER;CN=Globex Recruiting:mailto:recruiting@globex.example",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Dr. Sam Lee:mailto:sam.lee@globex.example",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Priya Shah:mailto:priya.shah@globex.example",
		"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Alex Morgan:mailto:" + ownerEmail,
		"STATUS:CONFIRMED",
		"SEQUENCE:0",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	}
	return []byte(strings.Join(lines, "\r\n"))
}
