package calendar

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseRejectsNonICalendar(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"text", "Dear Alex, thanks for coming in today."},
		{"json", `{"summary":"Interview"}`},
		{"vcard", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n"},
		{"binary", "\x00\x01\x02\xff\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, err := Parse([]byte(tt.data), Options{Location: time.UTC})
			if !errors.Is(err, ErrNotICalendar) || cal != nil {
				t.Errorf("Parse = %v, %v; want ErrNotICalendar", cal, err)
			}
		})
	}
}

func TestParseNeedsLocation(t *testing.T) {
	if _, err := Parse(vcal(""), Options{}); err == nil {
		t.Error("Parse without a Location succeeded")
	}
}

func TestParseEmptyCalendar(t *testing.T) {
	cal := mustParse(t, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"), Options{Location: time.UTC})
	if len(cal.Events) != 0 || len(cal.Problems) != 0 || cal.Method != MethodNone {
		t.Errorf("got %+v", cal)
	}
}

const interview = `
BEGIN:VEVENT
UID:iv-1@acme.com
DTSTAMP:20260310T090000Z
DTSTART;TZID=America/New_York:20260312T140000
DTEND;TZID=America/New_York:20260312T150000
SUMMARY:Interview with Jane Doe at Acme Corp
DESCRIPTION:Senior Backend Engineer\, Payments.\nBring questions.
ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.com
ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org
END:VEVENT
`

// The same event, written in the ways producers write it, reads the same.
func TestParseLineFormats(t *testing.T) {
	crlf := vcal(interview)
	long := strings.Repeat("Prepare the system design story. ", 4000) // about 130 KB on one line
	tests := []struct {
		name string
		data []byte
		desc string
	}{
		{"CRLF", crlf, "Senior Backend Engineer, Payments.\nBring questions."},
		{"LF", bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\n")), "Senior Backend Engineer, Payments.\nBring questions."},
		{"byte order mark", append([]byte("\xef\xbb\xbf"), crlf...), "Senior Backend Engineer, Payments.\nBring questions."},
		{"folded with spaces and tabs", bytes.Replace(crlf,
			[]byte("DESCRIPTION:Senior Backend Engineer\\, Payments.\\nBring questions."),
			[]byte("DESCRIPTION:Senior Back\r\n end Engineer\\, Pay\r\n\tments.\\nBring ques\r\n tions."), 1),
			"Senior Backend Engineer, Payments.\nBring questions."},
		{"folded inside a UTF-8 character", bytes.Replace(crlf,
			[]byte("DESCRIPTION:Senior Backend Engineer\\, Payments.\\nBring questions."),
			[]byte("DESCRIPTION:Acme Corp \xe2\x80\r\n \x93 onsite"), 1),
			"Acme Corp – onsite"},
		{"over-long unfolded line", bytes.Replace(crlf,
			[]byte("DESCRIPTION:Senior Backend Engineer\\, Payments.\\nBring questions."),
			[]byte("DESCRIPTION:"+long), 1), long},
		{"lower-case names", bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(crlf,
			[]byte("BEGIN:VEVENT"), []byte("begin:vevent")), []byte("END:VEVENT"), []byte("end:vevent")),
			[]byte("DESCRIPTION:"), []byte("description:")),
			"Senior Backend Engineer, Payments.\nBring questions."},
		{"spaces after component names", bytes.ReplaceAll(bytes.ReplaceAll(crlf,
			[]byte("BEGIN:VEVENT"), []byte("BEGIN:VEVENT  ")), []byte("END:VEVENT"), []byte("End:vevent ")),
			"Senior Backend Engineer, Payments.\nBring questions."},
		{"blank lines and text around", append(append([]byte("Content-Type: text/calendar\r\n\r\n"), bytes.ReplaceAll(crlf, []byte("UID:"), []byte("\r\nUID:"))...), "\r\n-- \r\nSent from my phone\r\n"...),
			"Senior Backend Engineer, Payments.\nBring questions."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustParse(t, tt.data, Options{Location: time.UTC})
			noProblems(t, cal)
			e := one(t, cal, "iv-1@acme.com")
			if !e.Start.Equal(utc("2026-03-12T18:00:00Z")) || !e.End.Equal(utc("2026-03-12T19:00:00Z")) {
				t.Errorf("times %v - %v", e.Start, e.End)
			}
			if e.Description != tt.desc {
				t.Errorf("description %.80q, want %.80q", e.Description, tt.desc)
			}
			if e.Organizer == nil || e.Organizer.Email != "jane.doe@acme.com" || len(e.Attendees) != 1 {
				t.Errorf("people: %+v %+v", e.Organizer, e.Attendees)
			}
		})
	}
}

func TestParseTimes(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tests := []struct {
		name       string
		body       string
		start, end string
		allDay     bool
	}{
		{"UTC", "DTSTART:20260312T150000Z\nDTEND:20260312T160000Z", "2026-03-12T15:00:00Z", "2026-03-12T16:00:00Z", false},
		{"UTC with a TZID that does not matter", "DTSTART;TZID=Europe/Berlin:20260312T150000Z\nDTEND:20260312T160000Z", "2026-03-12T15:00:00Z", "2026-03-12T16:00:00Z", false},
		{"floating is the owner's zone", "DTSTART:20260312T150000\nDTEND:20260312T160000", "2026-03-12T19:00:00Z", "2026-03-12T20:00:00Z", false},
		{"IANA TZID without VTIMEZONE", "DTSTART;TZID=Asia/Tokyo:20260312T150000\nDTEND;TZID=Asia/Tokyo:20260312T160000", "2026-03-12T06:00:00Z", "2026-03-12T07:00:00Z", false},
		{"end in another zone", "DTSTART;TZID=Europe/London:20260312T090000\nDTEND;TZID=America/New_York:20260312T060000", "2026-03-12T09:00:00Z", "2026-03-12T10:00:00Z", false},
		{"DURATION instead of DTEND", "DTSTART:20260312T150000Z\nDURATION:PT1H30M", "2026-03-12T15:00:00Z", "2026-03-12T16:30:00Z", false},
		// A day of DURATION is a calendar day: 24 hours of clock, 23 real
		// ones across the spring-forward night.
		{"DURATION in days across DST", "DTSTART;TZID=America/New_York:20260307T120000\nDURATION:P1D", "2026-03-07T17:00:00Z", "2026-03-08T16:00:00Z", false},
		{"no DTEND: no length", "DTSTART:20260312T150000Z", "2026-03-12T15:00:00Z", "2026-03-12T15:00:00Z", false},
		{"DTEND before DTSTART: no length", "DTSTART:20260312T150000Z\nDTEND:20260312T140000Z", "2026-03-12T15:00:00Z", "2026-03-12T15:00:00Z", false},
		{"all-day", "DTSTART;VALUE=DATE:20260312\nDTEND;VALUE=DATE:20260313", "2026-03-12T04:00:00Z", "2026-03-13T04:00:00Z", true},
		{"all-day without VALUE", "DTSTART:20260312\nDTEND:20260313", "2026-03-12T04:00:00Z", "2026-03-13T04:00:00Z", true},
		{"all-day without DTEND: one day", "DTSTART;VALUE=DATE:20260312", "2026-03-12T04:00:00Z", "2026-03-13T04:00:00Z", true},
		{"all-day over the DST change", "DTSTART;VALUE=DATE:20260307\nDTEND;VALUE=DATE:20260310", "2026-03-07T05:00:00Z", "2026-03-10T04:00:00Z", true},
		{"all-day with DURATION", "DTSTART;VALUE=DATE:20260312\nDURATION:P2D", "2026-03-12T04:00:00Z", "2026-03-14T04:00:00Z", true},
		{"leap second", "DTSTART:20261231T235960Z", "2026-12-31T23:59:59Z", "2026-12-31T23:59:59Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:t@x\n"+tt.body+"\nSUMMARY:Phone screen: Globex\nEND:VEVENT"), Options{Location: ny})
			noProblems(t, cal)
			e := one(t, cal, "t@x")
			if !e.Start.Equal(utc(tt.start)) || !e.End.Equal(utc(tt.end)) || e.AllDay != tt.allDay {
				t.Errorf("got %v - %v allDay %v, want %s - %s allDay %v", e.Start.UTC(), e.End.UTC(), e.AllDay, tt.start, tt.end, tt.allDay)
			}
		})
	}
}

func TestParseProperties(t *testing.T) {
	cal := mustParse(t, vcal(`
		BEGIN:VEVENT
		UID:  props@x
		DTSTART:20260312T150000Z
		SEQUENCE:3
		STATUS:cancelled
		DTSTAMP:20260310T101112Z
		SUMMARY:Interview with Jane, Acme Corp; round 2 \: final
		LOCATION:Room 4B\, 500 Market St
		ORGANIZER;CN="'Jane Doe'":MAILTO:Jane.Doe@ACME.com
		ATTENDEE;CN=Doe, Jane;CUTYPE=individual;PARTSTAT=tentative;ROLE=chair:mailto:jane.doe@acme.com
		ATTENDEE;CN=Sam Lee <sam@globex.com>:Sam Lee <Sam@Globex.com>
		ATTENDEE;CN=Board Room;CUTYPE=ROOM:urn:uuid:1234
		ATTENDEE;EMAIL=alex.morgan@example.org:urn:uuid:5678
		END:VEVENT`), Options{Location: time.UTC})
	noProblems(t, cal)
	e := one(t, cal, "props@x")
	if e.Sequence != 3 || e.Status != "CANCELLED" || !e.Stamp.Equal(utc("2026-03-10T10:11:12Z")) {
		t.Errorf("sequence %d status %q stamp %v", e.Sequence, e.Status, e.Stamp)
	}
	if e.Summary != "Interview with Jane, Acme Corp; round 2 : final" || e.Location != "Room 4B, 500 Market St" {
		t.Errorf("summary %q location %q", e.Summary, e.Location)
	}
	if e.Organizer == nil || *e.Organizer != (Person{Email: "jane.doe@acme.com", Name: "Jane Doe"}) {
		t.Errorf("organizer %+v", e.Organizer)
	}
	want := []Person{
		{Email: "jane.doe@acme.com", Name: "Doe, Jane", CUType: "INDIVIDUAL", PartStat: "TENTATIVE", Role: "CHAIR"},
		{Email: "sam@globex.com", Name: "Sam Lee <sam@globex.com>"},
		{Name: "Board Room", CUType: "ROOM"},
		{Email: "alex.morgan@example.org"},
	}
	if !slices.Equal(e.Attendees, want) {
		t.Errorf("attendees\n got %+v\nwant %+v", e.Attendees, want)
	}
}

func TestParseMethod(t *testing.T) {
	tests := []struct {
		header string
		want   Method
	}{
		{"METHOD:REQUEST", MethodRequest},
		{"METHOD:cancel", MethodCancel},
		{"METHOD:PUBLISH\r\nX-WR-CALNAME;broken", MethodPublish}, // a broken line beside it does not hide it
		{"", MethodNone},
	}
	for _, tt := range tests {
		t.Run(string(tt.want), func(t *testing.T) {
			data := "BEGIN:VCALENDAR\r\n" + tt.header + "\r\nBEGIN:VEVENT\r\nUID:m@x\r\nDTSTART:20260312T150000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
			cal := mustParse(t, []byte(data), Options{Location: time.UTC})
			if cal.Method != tt.want || len(cal.Events) != 1 || cal.Events[0].Status != "CANCELLED" {
				t.Errorf("method %q events %+v", cal.Method, cal.Events)
			}
		})
	}
}

// One broken VEVENT becomes a Problem; the others are read.
func TestParseBrokenEvents(t *testing.T) {
	good := func(uid string) string {
		return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTART:20260312T150000Z\nSUMMARY:Team standup\nEND:VEVENT\n"
	}
	tests := []struct {
		name    string
		bad     string
		uid     string // "" when the problem cannot know it
		errWant string
	}{
		{"bad DTSTART", "BEGIN:VEVENT\nUID:bad@x\nDTSTART:2026-03-12T15:00\nEND:VEVENT", "bad@x", "DTSTART"},
		{"impossible date", "BEGIN:VEVENT\nUID:bad@x\nDTSTART:20260230T150000Z\nEND:VEVENT", "bad@x", "DTSTART"},
		{"no DTSTART", "BEGIN:VEVENT\nUID:bad@x\nSUMMARY:Interview\nEND:VEVENT", "bad@x", "DTSTART"},
		{"parameter without a value", "BEGIN:VEVENT\nUID:bad@x\nDTSTART;TZID\nEND:VEVENT", "bad@x", "VEVENT"},
		{"line without colon", "BEGIN:VEVENT\nUID:bad@x\nDTSTART:20260312T150000Z\nSUMMARY;LANGUAGE=en\nEND:VEVENT", "bad@x", "VEVENT"},
		{"nested component left open", "BEGIN:VEVENT\nUID:bad@x\nDTSTART:20260312T150000Z\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VEVENT", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustParse(t, vcal(good("a@x")+tt.bad+"\n"+good("b@x")), Options{Location: time.UTC})
			var uids []string
			for _, e := range cal.Events {
				uids = append(uids, e.UID)
			}
			if !slices.Contains(uids, "a@x") || !slices.Contains(uids, "b@x") {
				t.Errorf("good events lost: %v", uids)
			}
			if tt.errWant == "" { // leniency is fine here; losing good events is not
				return
			}
			if len(cal.Problems) != 1 || slices.Contains(uids, "bad@x") || cal.Problems[0].Salvaged {
				t.Fatalf("problems %+v, events %v", cal.Problems, uids)
			}
			p := cal.Problems[0]
			if p.UID != tt.uid || p.Err == nil || !strings.Contains(p.Err.Error(), tt.errWant) {
				t.Errorf("problem uid %q err %v; want uid %q and %q in the error", p.UID, p.Err, tt.uid, tt.errWant)
			}
		})
	}
}

func TestParseTruncated(t *testing.T) {
	data := vcal(interview)
	data = data[:bytes.Index(data, []byte("ATTENDEE"))] // cut inside the event
	cal := mustParse(t, data, Options{Location: time.UTC})
	// What is there is read, and the cut is said.
	if len(cal.Events) != 1 || len(cal.Problems) != 1 || cal.Problems[0].UID != "iv-1@acme.com" ||
		!cal.Problems[0].Salvaged || !strings.Contains(cal.Problems[0].Err.Error(), "no END:VEVENT") {
		t.Errorf("events %+v problems %+v", cal.Events, cal.Problems)
	}
	// A cut in the middle of the start is no event.
	data = vcal(interview)
	data = data[:bytes.Index(data, []byte("DTSTART"))+12]
	cal = mustParse(t, data, Options{Location: time.UTC})
	if len(cal.Events) != 0 || len(cal.Problems) != 1 || cal.Problems[0].Salvaged {
		t.Errorf("events %+v problems %+v", cal.Events, cal.Problems)
	}
}

// Properties Parse does not read cannot spoil an event.
func TestParseIgnoresUnreadProperties(t *testing.T) {
	cal := mustParse(t, vcal(`
		BEGIN:VEVENT
		UID:x-props@x
		DTSTART:20260312T150000Z
		X-BROKEN;NO-VALUE
		X-MICROSOFT-LOCATIONS:[{"DisplayName":"Room;"Quoted"
		CREATED:yesterday
		SUMMARY:Phone screen: Globex
		BEGIN:VALARM
		TRIGGER;BROKEN
		END:VALARM
		END:VEVENT`), Options{Location: time.UTC})
	noProblems(t, cal)
	if e := one(t, cal, "x-props@x"); e.Summary != "Phone screen: Globex" {
		t.Errorf("summary %q", e.Summary)
	}
}

func TestParseWithoutUID(t *testing.T) {
	data := vcal("BEGIN:VEVENT\nDTSTART:20260312T150000Z\nSUMMARY:Mock interview with friend\nEND:VEVENT")
	a := mustParse(t, data, Options{Location: time.UTC})
	b := mustParse(t, data, Options{Location: loadLoc(t, "Asia/Kolkata")})
	if len(a.Events) != 1 || a.Events[0].UID == "" || a.Events[0].UID != b.Events[0].UID {
		t.Errorf("synthetic UIDs %+v / %+v", a.Events, b.Events)
	}
}

func TestParseDuplicates(t *testing.T) {
	ev := func(seq, stamp, summary string) string {
		return "BEGIN:VEVENT\nUID:dup@x\nDTSTART:20260312T150000Z\nSEQUENCE:" + seq + "\nDTSTAMP:" + stamp + "\nSUMMARY:" + summary + "\nEND:VEVENT\n"
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"higher SEQUENCE wins", ev("2", "20260301T000000Z", "new") + ev("1", "20260305T000000Z", "old"), "new"},
		{"higher SEQUENCE wins when later", ev("1", "20260305T000000Z", "old") + ev("2", "20260301T000000Z", "new"), "new"},
		{"same SEQUENCE: later DTSTAMP", ev("1", "20260305T000000Z", "new") + ev("1", "20260301T000000Z", "old"), "new"},
		{"same everything: the later one", ev("1", "20260305T000000Z", "old") + ev("1", "20260305T000000Z", "new"), "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustParse(t, vcal(tt.body), Options{Location: time.UTC})
			if e := one(t, cal, "dup@x"); e.Summary != tt.want {
				t.Errorf("summary %q, want %q", e.Summary, tt.want)
			}
		})
	}
}

// Several VCALENDARs in one file (concatenated exports) are all read.
func TestParseSeveralCalendars(t *testing.T) {
	data := append(vcal(interview), vcal("BEGIN:VEVENT\nUID:second@x\nDTSTART:20260313T150000Z\nEND:VEVENT")...)
	cal := mustParse(t, data, Options{Location: time.UTC})
	noProblems(t, cal)
	if len(cal.Events) != 2 {
		t.Errorf("events %+v", cal.Events)
	}
}

func TestParseIsDeterministic(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	data := googleLikeExport(2000)
	first := mustParse(t, data, Options{Location: ny})
	for range 3 {
		again := mustParse(t, data, Options{Location: ny})
		if !slices.EqualFunc(first.Events, again.Events, func(a, b Event) bool {
			return a.UID == b.UID && a.Start.Equal(b.Start) && a.RecurrenceID.Equal(b.RecurrenceID) && a.Summary == b.Summary
		}) {
			t.Fatal("two reads of the same data differ")
		}
	}
	if len(first.Problems) != 0 || len(first.Events) < 2000 {
		t.Errorf("%d events, problems %v", len(first.Events), first.Problems)
	}
}

// go-ical takes time quadratic in a parameter's length; an invitation
// with a megabyte of CN must cost its event, not minutes.
func TestParseLongParameters(t *testing.T) {
	huge := strings.Repeat("Jane Doe ", 120_000)
	for _, line := range []string{
		"ATTENDEE;CN=" + huge + ":mailto:jane.doe@acme.com",
		`ORGANIZER;CN="` + huge + `":mailto:jane.doe@acme.com`,
		"DTSTART;X-JUNK=" + huge + ":20260312T150000Z",
	} {
		t.Run(line[:12], func(t *testing.T) {
			start := time.Now()
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:long@x\nDTSTART:20260312T150000Z\n"+line+"\nEND:VEVENT\n"+
				"BEGIN:VEVENT\nUID:ok@x\nDTSTART:20260312T150000Z\nATTENDEE;CN=Jane Doe:mailto:jane.doe@acme.com\nEND:VEVENT"),
				Options{Location: time.UTC})
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
			if len(cal.Problems) != 1 || cal.Problems[0].UID != "long@x" || !strings.Contains(cal.Problems[0].Err.Error(), "parameters longer") {
				t.Errorf("problems %v", cal.Problems)
			}
			if len(byUID(cal, "ok@x")) != 1 {
				t.Error("the other event was lost")
			}
		})
	}
	// A long value is fine: only parameters are costly.
	cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:v@x\nDTSTART:20260312T150000Z\nDESCRIPTION:"+huge+"\nEND:VEVENT"), Options{Location: time.UTC})
	noProblems(t, cal)
	if e := one(t, cal, "v@x"); len(e.Description) != len(huge) {
		t.Errorf("description of %d bytes, want %d", len(e.Description), len(huge))
	}
}
