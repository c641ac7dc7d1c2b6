package calendar

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRecurrence(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	window := Options{Location: ny, From: time.Date(2026, 3, 1, 0, 0, 0, 0, ny), Until: time.Date(2026, 4, 1, 0, 0, 0, 0, ny)}
	tests := []struct {
		name string
		body string
		opts Options
		want []string // starts of the events with UID s@x
	}{
		{"weekly COUNT", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=WEEKLY;COUNT=3`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-09T14:00:00Z", "2026-03-16T14:00:00Z"}},
		{"several days a week, local UNTIL", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260309T100000`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z", "2026-03-09T14:00:00Z"}},
		{"UTC UNTIL is inclusive", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;UNTIL=20260304T150000Z`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z", "2026-03-04T15:00:00Z"}},
		{"date UNTIL on a timed series includes that day", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;UNTIL=20260303`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z"}},
		{"tidy-up: lower case, trailing semicolon, prefix", `
			DTSTART:20260302T150000Z
			RRULE:RRULE:freq=daily;count=2;`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z"}},
		{"DTSTART off the rule is still the first instance", `
			DTSTART:20260303T150000Z
			RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2`, Options{Location: ny},
			[]string{"2026-03-03T15:00:00Z", "2026-03-09T15:00:00Z", "2026-03-16T15:00:00Z"}},
		{"monthly on the last Friday", `
			DTSTART;TZID=America/New_York:20260130T090000
			RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3`, Options{Location: ny},
			[]string{"2026-01-30T14:00:00Z", "2026-02-27T14:00:00Z", "2026-03-27T13:00:00Z"}},
		{"comma-separated EXDATE with TZID, and a second EXDATE", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;COUNT=6
			EXDATE;TZID=America/New_York:20260303T100000,20260305T100000
			EXDATE;TZID=America/New_York:20260306T100000`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z", "2026-03-07T15:00:00Z"}},
		{"UTC EXDATE on a zoned series", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;COUNT=3
			EXDATE:20260303T150000Z`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z"}},
		{"EXDATE in another zone", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;COUNT=3
			EXDATE;TZID=Europe/Berlin:20260303T160000`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z"}},
		{"date EXDATE on a timed series drops that day", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;COUNT=3
			EXDATE;VALUE=DATE:20260303`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z"}},
		{"EXDATE that matches nothing", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=DAILY;COUNT=2
			EXDATE;TZID=America/New_York:20260303T110000`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z"}},
		{"RDATE list and PERIOD", `
			DTSTART;TZID=America/New_York:20260302T100000
			RRULE:FREQ=WEEKLY;COUNT=2
			RDATE;TZID=America/New_York:20260304T100000,20260305T120000
			RDATE;VALUE=PERIOD:20260320T150000Z/PT1H`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z", "2026-03-05T17:00:00Z", "2026-03-09T14:00:00Z", "2026-03-20T15:00:00Z"}},
		{"RDATE without RRULE", `
			DTSTART:20260302T150000Z
			RDATE:20260310T150000Z`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-10T15:00:00Z"}},
		{"date RDATE on a timed series takes its time of day", `
			DTSTART;TZID=America/New_York:20260302T100000
			RDATE;VALUE=DATE:20260310`, Options{Location: ny},
			[]string{"2026-03-02T15:00:00Z", "2026-03-10T14:00:00Z"}},
		{"floating series in the owner's zone", `
			DTSTART:20260306T100000
			RRULE:FREQ=DAILY;COUNT=3`, Options{Location: ny},
			[]string{"2026-03-06T15:00:00Z", "2026-03-07T15:00:00Z", "2026-03-08T14:00:00Z"}},
		{"UTC series keeps its UTC time", `
			DTSTART:20260306T150000Z
			RRULE:FREQ=DAILY;COUNT=3`, Options{Location: ny},
			[]string{"2026-03-06T15:00:00Z", "2026-03-07T15:00:00Z", "2026-03-08T15:00:00Z"}},
		{"window", `
			DTSTART;TZID=America/New_York:20260101T100000
			RRULE:FREQ=WEEKLY;BYDAY=MO`, window,
			[]string{"2026-03-02T15:00:00Z", "2026-03-09T14:00:00Z", "2026-03-16T14:00:00Z", "2026-03-23T14:00:00Z", "2026-03-30T14:00:00Z"}},
		{"window end is exclusive", `
			DTSTART;TZID=America/New_York:20260101T000000
			RRULE:FREQ=MONTHLY`, window,
			[]string{"2026-03-01T05:00:00Z"}},
		{"MaxInstances", `
			DTSTART:20260302T150000Z
			RRULE:FREQ=DAILY`, Options{Location: ny, MaxInstances: 2},
			[]string{"2026-03-02T15:00:00Z", "2026-03-03T15:00:00Z"}},
		{"all-day daily with a date EXDATE", `
			DTSTART;VALUE=DATE:20260307
			DTEND;VALUE=DATE:20260308
			RRULE:FREQ=DAILY;COUNT=3
			EXDATE;VALUE=DATE:20260308`, Options{Location: ny},
			[]string{"2026-03-07T05:00:00Z", "2026-03-09T04:00:00Z"}},
		{"all-day UNTIL as a date", `
			DTSTART;VALUE=DATE:20260307
			RRULE:FREQ=DAILY;UNTIL=20260308`, Options{Location: ny},
			[]string{"2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:s@x\nSUMMARY:Team standup\n"+tt.body+"\nEND:VEVENT"), tt.opts)
			if tt.opts.MaxInstances > 0 { // the cap is said, once
				if len(cal.Problems) != 1 || !strings.Contains(cal.Problems[0].Err.Error(), "limit") {
					t.Errorf("problems %v", cal.Problems)
				}
			} else {
				noProblems(t, cal)
			}
			if got := starts(byUID(cal, "s@x")); !slices.Equal(got, tt.want) {
				t.Errorf("starts\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestRecurrenceDefaultWindow(t *testing.T) {
	cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:s@x\nDTSTART:20200101T090000Z\nRRULE:FREQ=DAILY\nEND:VEVENT"), Options{Location: time.UTC})
	evs := byUID(cal, "s@x")
	// From the series' start to 366 days later, that end excluded.
	if len(evs) != 366 || !evs[0].Start.Equal(utc("2020-01-01T09:00:00Z")) || !evs[365].Start.Equal(utc("2020-12-31T09:00:00Z")) {
		t.Errorf("%d instances, %v ... %v", len(evs), evs[0].Start, evs[len(evs)-1].Start)
	}
	cal = mustParse(t, vcal("BEGIN:VEVENT\nUID:s@x\nDTSTART:20200101T090000Z\nRRULE:FREQ=DAILY\nEND:VEVENT"), Options{Location: time.UTC, MaxInstances: 0})
	if len(byUID(cal, "s@x")) != 366 {
		t.Error("MaxInstances 0 is not the default")
	}
}

func TestRecurrenceInstances(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	cal := mustParse(t, vcal(`
		BEGIN:VEVENT
		UID:s@x
		DTSTART;TZID=America/New_York:20260306T100000
		DTEND;TZID=America/New_York:20260306T103000
		RRULE:FREQ=DAILY;COUNT=3
		SEQUENCE:2
		STATUS:CANCELLED
		SUMMARY:Team standup
		ORGANIZER;CN=Priya Shah:mailto:priya.shah@northwind.example
		ATTENDEE;CN=Alex Morgan:mailto:alex.morgan@example.org
		END:VEVENT`), Options{Location: ny})
	noProblems(t, cal)
	evs := byUID(cal, "s@x")
	if len(evs) != 3 {
		t.Fatalf("%d instances", len(evs))
	}
	for _, e := range evs {
		if !e.RecurrenceID.Equal(e.Start) || e.End.Sub(e.Start) != 30*time.Minute || e.Sequence != 2 ||
			e.Status != "CANCELLED" || e.Summary != "Team standup" || e.Organizer == nil || len(e.Attendees) != 1 {
			t.Errorf("instance %+v", e)
		}
		if h, m, _ := e.Start.In(ny).Clock(); h != 10 || m != 0 {
			t.Errorf("instance at %v local, want 10:00", e.Start.In(ny))
		}
	}
}

func TestRecurrenceOverrides(t *testing.T) {
	const series = `
		BEGIN:VEVENT
		UID:s@x
		DTSTART;TZID=America/New_York:20260302T100000
		DTEND;TZID=America/New_York:20260302T110000
		RRULE:FREQ=WEEKLY;COUNT=4
		SUMMARY:Interview prep with Chris
		ATTENDEE;CN=Chris Wu:mailto:chris.wu@gmail.com
		END:VEVENT
	`
	ny := loadLoc(t, "America/New_York")
	type inst struct {
		rid, start, summary, status string
	}
	tests := []struct {
		name      string
		overrides string
		want      []inst
	}{
		{"moved instance", `
			BEGIN:VEVENT
			UID:s@x
			RECURRENCE-ID;TZID=America/New_York:20260309T100000
			DTSTART;TZID=America/New_York:20260310T120000
			DTEND;TZID=America/New_York:20260310T130000
			SEQUENCE:1
			SUMMARY:Interview prep with Chris (moved)
			END:VEVENT`,
			[]inst{
				{"2026-03-02T15:00:00Z", "2026-03-02T15:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-09T14:00:00Z", "2026-03-10T16:00:00Z", "Interview prep with Chris (moved)", ""},
				{"2026-03-16T14:00:00Z", "2026-03-16T14:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-23T14:00:00Z", "2026-03-23T14:00:00Z", "Interview prep with Chris", ""},
			}},
		{"cancelled instance, RECURRENCE-ID in UTC", `
			BEGIN:VEVENT
			UID:s@x
			RECURRENCE-ID:20260316T140000Z
			DTSTART;TZID=America/New_York:20260316T100000
			STATUS:CANCELLED
			SUMMARY:Interview prep with Chris
			END:VEVENT`,
			[]inst{
				{"2026-03-02T15:00:00Z", "2026-03-02T15:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-09T14:00:00Z", "2026-03-09T14:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-16T14:00:00Z", "2026-03-16T14:00:00Z", "Interview prep with Chris", "CANCELLED"},
				{"2026-03-23T14:00:00Z", "2026-03-23T14:00:00Z", "Interview prep with Chris", ""},
			}},
		{"override for an instance the rule does not make", `
			BEGIN:VEVENT
			UID:s@x
			RECURRENCE-ID;TZID=America/New_York:20260311T100000
			DTSTART;TZID=America/New_York:20260311T100000
			SUMMARY:Extra session
			END:VEVENT`,
			[]inst{
				{"2026-03-02T15:00:00Z", "2026-03-02T15:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-09T14:00:00Z", "2026-03-09T14:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-11T14:00:00Z", "2026-03-11T14:00:00Z", "Extra session", ""},
				{"2026-03-16T14:00:00Z", "2026-03-16T14:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-23T14:00:00Z", "2026-03-23T14:00:00Z", "Interview prep with Chris", ""},
			}},
		{"override before the series (newest wins)", `
			BEGIN:VEVENT
			UID:s@x
			RECURRENCE-ID;TZID=America/New_York:20260323T100000
			DTSTART;TZID=America/New_York:20260323T150000
			SEQUENCE:1
			SUMMARY:old move
			END:VEVENT
			BEGIN:VEVENT
			UID:s@x
			RECURRENCE-ID;TZID=America/New_York:20260323T100000
			DTSTART;TZID=America/New_York:20260323T160000
			SEQUENCE:2
			SUMMARY:new move
			END:VEVENT`,
			[]inst{
				{"2026-03-02T15:00:00Z", "2026-03-02T15:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-09T14:00:00Z", "2026-03-09T14:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-16T14:00:00Z", "2026-03-16T14:00:00Z", "Interview prep with Chris", ""},
				{"2026-03-23T14:00:00Z", "2026-03-23T20:00:00Z", "new move", ""},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Overrides may come before or after their series.
			for _, body := range []string{series + tt.overrides, tt.overrides + series} {
				cal := mustParse(t, vcal(body), Options{Location: ny})
				noProblems(t, cal)
				var got []inst
				for _, e := range byUID(cal, "s@x") {
					got = append(got, inst{e.RecurrenceID.Format(time.RFC3339), e.Start.Format(time.RFC3339), e.Summary, e.Status})
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("instances\n got %v\nwant %v", got, tt.want)
				}
			}
		})
	}

	t.Run("sparse override inherits from its series", func(t *testing.T) {
		cal := mustParse(t, vcal(series+`
			BEGIN:VEVENT
			UID:s@x
			RECURRENCE-ID;TZID=America/New_York:20260309T100000
			DTSTART;TZID=America/New_York:20260309T160000
			END:VEVENT`), Options{Location: ny})
		e := byUID(cal, "s@x")[1]
		if e.Summary != "Interview prep with Chris" || len(e.Attendees) != 1 || e.End.Sub(e.Start) != time.Hour ||
			!e.Start.Equal(utc("2026-03-09T20:00:00Z")) {
			t.Errorf("sparse override: %+v", e)
		}
	})
	t.Run("override without its series", func(t *testing.T) {
		cal := mustParse(t, vcal(`
			BEGIN:VEVENT
			UID:orphan@x
			RECURRENCE-ID;TZID=America/New_York:20260309T100000
			DTSTART;TZID=America/New_York:20260309T100000
			DTEND;TZID=America/New_York:20260309T110000
			STATUS:CANCELLED
			SUMMARY:Phone screen: Globex
			END:VEVENT`), Options{Location: ny})
		noProblems(t, cal)
		e := one(t, cal, "orphan@x")
		if !e.RecurrenceID.Equal(utc("2026-03-09T14:00:00Z")) || e.Status != "CANCELLED" || e.End.Sub(e.Start) != time.Hour {
			t.Errorf("orphan override: %+v", e)
		}
	})
	t.Run("all-day override by date", func(t *testing.T) {
		cal := mustParse(t, vcal(`
			BEGIN:VEVENT
			UID:d@x
			DTSTART;VALUE=DATE:20260302
			RRULE:FREQ=DAILY;COUNT=3
			SUMMARY:Interview prep
			END:VEVENT
			BEGIN:VEVENT
			UID:d@x
			RECURRENCE-ID;VALUE=DATE:20260303
			DTSTART;VALUE=DATE:20260303
			SUMMARY:Interview prep (Globex)
			END:VEVENT`), Options{Location: ny})
		noProblems(t, cal)
		var got []string
		for _, e := range byUID(cal, "d@x") {
			got = append(got, e.Summary)
		}
		if !slices.Equal(got, []string{"Interview prep", "Interview prep (Globex)", "Interview prep"}) {
			t.Errorf("got %v", got)
		}
	})
}

// Rules rrule-go would panic on, loop on forever, or grind through to the
// year 9999 for are refused quickly as problems.
func TestRecurrenceHostileRules(t *testing.T) {
	tests := []struct {
		rule    string
		errWant string
	}{
		{"FREQ=HOURLY;INTERVAL=2;BYHOUR=1", "BYHOUR"},
		{"FREQ=MINUTELY;INTERVAL=120;BYMINUTE=30", "BYHOUR/BYMINUTE"},
		{"FREQ=SECONDLY;INTERVAL=2;BYSECOND=1", "BYSECOND"},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "select no day"},
		{"FREQ=DAILY;BYMONTH=4,6,9,11;BYMONTHDAY=31", "select no day"},
		{"FREQ=HOURLY;BYYEARDAY=366;BYMONTH=1", "select no day"},
		{"FREQ=DAILY;BYWEEKNO=1;BYMONTH=7", "select no day"},
		{"FREQ=DAILY;INTERVAL=7;BYDAY=TU", "select no day"}, // DTSTART is a Monday
		{"FREQ=MONTHLY;BYDAY=6MO", "BYDAY"},
		{"FREQ=YEARLY;BYMONTH=12;BYDAY=20MO", "BYDAY"},
		{"FREQ=WEEKLY;BYSETPOS=8", "BYSETPOS"},
		{"FREQ=YEARLY;BYEASTER=0", "BYEASTER"},
		{"FREQ=DAILY;INTERVAL=-1", "INTERVAL"},
		{"FREQ=DAILY;INTERVAL=99999999999", "INTERVAL"},
		{"FREQ=DAILY;BYHOUR=25", "RRULE"},
		{"FREQ=DAILY;UNTIL=someday", "UNTIL"},
		{"FREQ=DAILY;X-NAME=1", "RRULE"},
		{"BYDAY=MO", "RRULE"},
		{strings.Repeat("FREQ=DAILY;", 300), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.rule[:min(len(tt.rule), 40)], func(t *testing.T) {
			start := time.Now()
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:h@x\nDTSTART:20260302T100000Z\nRRULE:"+tt.rule+"\nEND:VEVENT\n"+
				"BEGIN:VEVENT\nUID:ok@x\nDTSTART:20260302T100000Z\nEND:VEVENT"), Options{Location: time.UTC})
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if len(cal.Problems) != 1 || cal.Problems[0].UID != "h@x" || !strings.Contains(cal.Problems[0].Err.Error(), tt.errWant) {
				t.Errorf("problems %v, want one naming %q", cal.Problems, tt.errWant)
			}
			// The rule is left out; the series keeps its DTSTART instance.
			if len(byUID(cal, "ok@x")) != 1 || len(byUID(cal, "h@x")) != 1 || !cal.Problems[0].Salvaged {
				t.Errorf("events %+v problems %+v", cal.Events, cal.Problems)
			}
		})
	}
}

// Satisfiable rules with the same filters are not refused.
func TestRecurrenceFiltersThatMatch(t *testing.T) {
	tests := []struct {
		rule  string
		first string // the first instance after DTSTART (2026-03-02, a Monday, 10:00Z)
	}{
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29T10:00:00Z"},
		{"FREQ=MONTHLY;BYMONTHDAY=31", "2026-03-31T10:00:00Z"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1", "2026-03-31T10:00:00Z"},
		{"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "2026-03-13T10:00:00Z"},
		{"FREQ=YEARLY;BYYEARDAY=366", "2028-12-31T10:00:00Z"},
		{"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "2026-05-11T10:00:00Z"},
		{"FREQ=DAILY;INTERVAL=7;BYDAY=MO", "2026-03-09T10:00:00Z"},
		{"FREQ=HOURLY;INTERVAL=3;BYHOUR=13", "2026-03-02T13:00:00Z"},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2026-03-31T10:00:00Z"},
		{"FREQ=MONTHLY;BYDAY=5MO", "2026-03-30T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:f@x\nDTSTART:20260302T100000Z\nRRULE:"+tt.rule+"\nEND:VEVENT"),
				Options{Location: time.UTC, Until: utc("2030-01-01T00:00:00Z")})
			noProblems(t, cal)
			evs := byUID(cal, "f@x")
			if len(evs) < 2 || !evs[1].Start.Equal(utc(tt.first)) {
				t.Errorf("starts %v, want the second to be %s", starts(evs)[:min(3, len(evs))], tt.first)
			}
		})
	}
}

func TestRecurrenceStepLimit(t *testing.T) {
	// Every minute since January, for a million times (COUNT keeps the
	// walk from skipping ahead), read with a window in June: the walk to
	// the window is cut off, reported, and the rest of the file is read.
	cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:m@x\nDTSTART:20260101T000000Z\nRRULE:FREQ=MINUTELY;COUNT=1000000\nEND:VEVENT\n"+
		"BEGIN:VEVENT\nUID:ok@x\nDTSTART:20260601T100000Z\nEND:VEVENT"),
		Options{Location: time.UTC, From: utc("2026-06-01T00:00:00Z"), Until: utc("2026-06-02T00:00:00Z")})
	if len(cal.Problems) != 1 || cal.Problems[0].UID != "m@x" || !strings.Contains(cal.Problems[0].Err.Error(), "stopped") {
		t.Errorf("problems %v", cal.Problems)
	}
	if len(byUID(cal, "ok@x")) != 1 {
		t.Error("other event lost")
	}
}

// A series that steps by a fixed period and began long before the window
// is not walked from its start: it yields the same instances, at once.
func TestRecurrenceSkipsAhead(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tests := []struct {
		name, body string
		want       []string
	}{
		{"minutely since January", "DTSTART:20260101T000000Z\nRRULE:FREQ=MINUTELY;INTERVAL=17", []string{"2026-06-01T00:07:00Z", "2026-06-01T00:24:00Z"}},
		{"every 5 hours since 1990", "DTSTART;TZID=America/New_York:19900101T030000\nRRULE:FREQ=HOURLY;INTERVAL=5", []string{"2026-06-01T02:00:00Z", "2026-06-01T07:00:00Z"}},
		{"fortnightly since 2001", "DTSTART;TZID=America/New_York:20010102T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", []string{"2026-06-02T14:00:00Z", "2026-06-04T14:00:00Z"}},
		{"daily since 1970 at 9:30", "DTSTART;TZID=America/New_York:19700101T093000\nRRULE:FREQ=DAILY;BYDAY=MO,FR", []string{"2026-06-01T13:30:00Z", "2026-06-05T13:30:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:s@x\n"+tt.body+"\nEND:VEVENT"),
				Options{Location: ny, From: utc("2026-06-01T00:00:00Z"), Until: utc("2026-07-01T00:00:00Z")})
			noProblems(t, cal)
			got := starts(byUID(cal, "s@x"))
			if len(got) < 2 || !slices.Equal(got[:2], tt.want) {
				t.Errorf("first starts %v, want %v", got[:min(len(got), 2)], tt.want)
			}
			if cal.Events[0].Start.Before(utc("2026-06-01T00:00:00Z")) {
				t.Errorf("an instance before the window: %v", cal.Events[0].Start)
			}
		})
	}
}
