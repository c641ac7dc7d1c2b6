package calendar

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The fixtures read here are shaped like the files of the public iCalendar
// test suites and of the exporters recruiters use (Exchange, Lotus Notes):
// each holds one class of damage or oddity that used to lose or misplace
// events. They use only Parse's long-standing API, so that they can be run
// against an older reader to see them fail.

func suiteOpts(t *testing.T) Options {
	return Options{Location: loadLoc(t, "America/New_York"), From: utc("2026-01-01T00:00:00Z"), Until: utc("2027-01-01T00:00:00Z")}
}

func parseFixture(t *testing.T, name string) *Calendar {
	t.Helper()
	return mustParse(t, fixture(t, name), suiteOpts(t))
}

// problemsMention fails unless there are exactly n problems and each names
// one of the words, in order.
func problemsMention(t *testing.T, cal *Calendar, words ...string) {
	t.Helper()
	if len(cal.Problems) != len(words) {
		t.Fatalf("problems %v, want %d", cal.Problems, len(words))
	}
	for i, w := range words {
		if !strings.Contains(cal.Problems[i].Err.Error(), w) {
			t.Errorf("problem %d %q does not mention %q", i, cal.Problems[i].Err, w)
		}
	}
}

func wantStart(t *testing.T, cal *Calendar, uid, start string) Event {
	t.Helper()
	e := one(t, cal, uid)
	if !e.Start.Equal(utc(start)) {
		t.Errorf("%s starts %v, want %s", uid, e.Start.UTC(), start)
	}
	return e
}

func TestSuiteWindowsDisplayNames(t *testing.T) {
	cal := parseFixture(t, "outlook-display-tzid.ics")
	const prefix = "040000008200E00074C5B7101A82E0080000000020A6B1C2D3E4DC01000000000000000010000000"
	e := wantStart(t, cal, prefix+"AAAA", "2026-07-14T14:00:00Z")
	if !e.End.Equal(utc("2026-07-14T15:00:00Z")) {
		t.Errorf("end %v", e.End)
	}
	wantStart(t, cal, prefix+"BBBB", "2026-01-15T13:00:00Z")
	// Unknown place, known offset that New York never keeps: that offset.
	wantStart(t, cal, prefix+"CCCC", "2026-07-15T06:00:00Z")
	problemsMention(t, cal, "Somewhere Unlisted")
}

func TestSuiteLotusNotesZone(t *testing.T) {
	cal := parseFixture(t, "lotus-notes.ics")
	noProblems(t, cal)
	e := wantStart(t, cal, "8A3C7D2E1F0B4A59852579C8004D5E6F-Lotus_Notes_Generated", "2026-07-14T17:00:00Z")
	if len(e.Attendees) != 2 || e.Organizer == nil || e.Organizer.Email != "tom.becker@northwind.example" {
		t.Errorf("people %+v %+v", e.Organizer, e.Attendees)
	}
}

func TestSuiteTZIDForms(t *testing.T) {
	cal := parseFixture(t, "tzid-forms.ics")
	noProblems(t, cal)
	wantStart(t, cal, "kl-1@example.com", "2026-07-14T01:00:00Z")
	wantStart(t, cal, "sthlm-1@example.com", "2026-07-14T07:00:00Z")
}

func TestSuiteFoldedNames(t *testing.T) {
	cal := parseFixture(t, "folded-names.ics")
	noProblems(t, cal)
	evs := byUID(cal, "fold-1@example.com")
	if got := starts(evs); !slices.Equal(got, []string{"2026-07-14T12:00:00Z", "2026-07-21T12:00:00Z", "2026-07-28T12:00:00Z"}) {
		t.Fatalf("starts %v", got)
	}
	e := evs[0]
	if e.Summary != "Interview with Lena Vogel" || !e.End.Equal(utc("2026-07-14T13:00:00Z")) ||
		len(e.Attendees) != 1 || e.Attendees[0].Email != "lena.vogel@siemens.example" {
		t.Errorf("event %+v", e)
	}
	wantStart(t, cal, "fold-2@example.com", "2026-07-16T08:00:00Z")
}

func TestSuiteThisAndFuture(t *testing.T) {
	cal := parseFixture(t, "thisandfuture.ics")
	noProblems(t, cal)
	evs := byUID(cal, "range-1@example.com")
	want := []string{"2026-07-06T14:00:00Z", "2026-07-13T14:00:00Z", "2026-07-20T18:00:00Z", "2026-07-27T18:00:00Z", "2026-08-03T18:00:00Z"}
	if got := starts(evs); !slices.Equal(got, want) {
		t.Fatalf("starts\n got %v\nwant %v", got, want)
	}
	for i, e := range evs {
		moved := i >= 2
		if strings.HasSuffix(e.Summary, "(afternoons)") != moved || e.End.Sub(e.Start) != time.Hour {
			t.Errorf("instance %d: %q %v-%v", i, e.Summary, e.Start, e.End)
		}
		wantRID := utc("2026-07-06T14:00:00Z").AddDate(0, 0, 7*i)
		if !e.RecurrenceID.Equal(wantRID) {
			t.Errorf("instance %d: RECURRENCE-ID %v, want %v", i, e.RecurrenceID, wantRID)
		}
	}
}

func TestSuiteStrayEnd(t *testing.T) {
	cal := parseFixture(t, "stray-end.ics")
	wantStart(t, cal, "stray-1@example.com", "2026-07-14T12:00:00Z")
	wantStart(t, cal, "stray-2@example.com", "2026-07-15T12:00:00Z")
	wantStart(t, cal, "stray-3@example.com", "2026-07-16T12:00:00Z")
	// Both assumptions are said.
	problemsMention(t, cal, "VCALENDAR", "END:VEVENT")
}

func TestSuiteSeveralRules(t *testing.T) {
	cal := parseFixture(t, "rrules.ics")
	want := []string{"2026-07-06T15:00:00Z", "2026-07-09T15:00:00Z", "2026-07-13T15:00:00Z", "2026-07-16T15:00:00Z", "2026-07-20T15:00:00Z"}
	if got := starts(byUID(cal, "multi-1@example.com")); !slices.Equal(got, want) {
		t.Errorf("starts\n got %v\nwant %v", got, want)
	}
	// The unreadable rule leaves its DTSTART instance.
	wantStart(t, cal, "badrule-1@example.com", "2026-07-08T15:00:00Z")
	problemsMention(t, cal, "FORTNIGHTLY")
	if cal.Problems[0].UID != "badrule-1@example.com" {
		t.Errorf("problem names %q", cal.Problems[0].UID)
	}
}

func TestSuiteMalformedAttendee(t *testing.T) {
	cal := parseFixture(t, "bad-attendee.ics")
	e := wantStart(t, cal, "people-1@example.com", "2026-07-14T15:00:00Z")
	if len(e.Attendees) != 1 || e.Attendees[0].Email != "alex.morgan@example.org" || e.Organizer == nil {
		t.Errorf("people %+v %+v", e.Organizer, e.Attendees)
	}
	problemsMention(t, cal, "ATTENDEE")
}

func TestSuiteBareVEVENT(t *testing.T) {
	cal := parseFixture(t, "bare-vevent.ics")
	e := wantStart(t, cal, "bare-1@example.com", "2026-07-14T15:00:00Z")
	if e.Summary != "Interview with Jane Doe" {
		t.Errorf("summary %q", e.Summary)
	}
	problemsMention(t, cal, "outside any VCALENDAR")
}

func TestSuiteLeadingWhitespace(t *testing.T) {
	cal := parseFixture(t, "leading-whitespace.ics")
	noProblems(t, cal)
	if e := wantStart(t, cal, "ws-1@example.com", "2026-07-14T15:00:00Z"); e.Summary != "Interview with Raj Patel" {
		t.Errorf("summary %q", e.Summary)
	}
}

func TestSuiteDatedObservances(t *testing.T) {
	cal := parseFixture(t, "dated-observances.ics")
	noProblems(t, cal)
	wantStart(t, cal, "dated-1@example.com", "2026-07-14T08:00:00Z")
	wantStart(t, cal, "dated-2@example.com", "2026-12-10T09:00:00Z")
}
