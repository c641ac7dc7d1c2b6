package calendar

import (
	"strings"
	"testing"
	"time"
)

// An unknown TZID costs no event: its times are read in the owner's zone,
// and one salvage line per TZID says so and how often.
func TestSalvageUnknownZone(t *testing.T) {
	kolkata := loadLoc(t, "Asia/Kolkata")
	var body strings.Builder
	for _, uid := range []string{"a@x", "b@x", "c@x"} {
		body.WriteString("BEGIN:VEVENT\nUID:" + uid + "\nDTSTART;TZID=Mars/Olympus_Mons:20260312T150000\nEND:VEVENT\n")
	}
	cal := mustParse(t, vcal(body.String()), Options{Location: kolkata})
	if len(cal.Events) != 3 || !cal.Events[0].Start.Equal(utc("2026-03-12T09:30:00Z")) {
		t.Errorf("events %+v", cal.Events)
	}
	if len(cal.Problems) != 1 || !cal.Problems[0].Salvaged {
		t.Fatalf("problems %+v", cal.Problems)
	}
	for _, want := range []string{"Mars/Olympus_Mons", "owner's zone (Asia/Kolkata)", "3 times"} {
		if msg := cal.Problems[0].Err.Error(); !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

// A display name nobody knows, whose offset the owner's zone keeps, is
// read in the owner's zone (with its daylight saving time); else at the
// offset it states.
func TestSalvageDisplayOffset(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tests := []struct{ tzid, want, says string }{
		{"(UTC-05:00) Bogus Town", "2026-07-14T14:00:00Z", "owner's zone"},
		{"(GMT-05:00) Bogus Town", "2026-07-14T14:00:00Z", "owner's zone"},
		{"(UTC+05:30) Bogus Town", "2026-07-14T04:30:00Z", "fixed offset UTC+05:30"},
		{"(UTC) Bogus Town", "2026-07-14T10:00:00Z", "fixed offset"},
	}
	for _, tt := range tests {
		t.Run(tt.tzid, func(t *testing.T) {
			cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:z@x\nDTSTART;TZID=\""+tt.tzid+"\":20260714T100000\nEND:VEVENT"), Options{Location: ny})
			e := one(t, cal, "z@x")
			if !e.Start.Equal(utc(tt.want)) {
				t.Errorf("start %v, want %s", e.Start, tt.want)
			}
			if len(cal.Problems) != 1 || !strings.Contains(cal.Problems[0].Err.Error(), tt.says) {
				t.Errorf("problems %v", cal.Problems)
			}
		})
	}
}

// What is dropped is not marked salvaged; what is read anyway is.
func TestSalvageFlag(t *testing.T) {
	cal := mustParse(t, vcal(`
		BEGIN:VEVENT
		UID:dropped@x
		DTSTART:someday
		END:VEVENT
		BEGIN:VEVENT
		UID:kept@x
		DTSTART:20260714T100000Z
		DTEND:later
		EXDATE:20260715T100000Z,never
		RRULE:FREQ=DAILY;COUNT=3
		END:VEVENT`), Options{Location: time.UTC})
	if len(cal.Problems) != 3 {
		t.Fatalf("problems %+v", cal.Problems)
	}
	for _, p := range cal.Problems {
		if p.Salvaged != (p.UID == "kept@x") {
			t.Errorf("problem %+v", p)
		}
	}
	// The one readable EXDATE still counts; the end is taken as none.
	if got := starts(byUID(cal, "kept@x")); len(got) != 2 || got[1] != "2026-07-16T10:00:00Z" {
		t.Errorf("starts %v", got)
	}
}

func TestWindowsDisplayTable(t *testing.T) {
	for name, zone := range displayNames {
		if name != strings.ToLower(name) || name != strings.Join(strings.Fields(name), " ") {
			t.Errorf("%q is not normalized", name)
		}
		if zone != "UTC" && loadIANA(zone) == nil {
			t.Errorf("%q: zone %q does not load", name, zone)
		}
	}
	for id, want := range map[string]string{
		"(UTC-05:00) Eastern Time (US & Canada)":                       "America/New_York",
		"(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
		"  (UTC+08:00)   Kuala Lumpur,   Singapore ":                   "Asia/Singapore",
		"Eastern Time (US & Canada)":                                   "America/New_York",
	} {
		if got, ok := windowsDisplayZone(id); !ok || got != want {
			t.Errorf("windowsDisplayZone(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
}

// Only a calendar indented as a whole is dedented.
func TestDedent(t *testing.T) {
	for in, want := range map[string]string{
		"  BEGIN:VCALENDAR\n  VERSION:2.0\n   folded\n  END:VCALENDAR\n": "BEGIN:VCALENDAR\nVERSION:2.0\n folded\nEND:VCALENDAR\n",
		"BEGIN:VCALENDAR\n  VERSION:2.0\n":                               "BEGIN:VCALENDAR\n  VERSION:2.0\n",
		"  BEGIN:VCALENDAR\nVERSION:2.0\n":                               "  BEGIN:VCALENDAR\nVERSION:2.0\n",
		"\n\n\tBEGIN:VEVENT\n\tUID:x\n":                                  "\n\nBEGIN:VEVENT\nUID:x\n",
	} {
		if got := string(dedent([]byte(in))); got != want {
			t.Errorf("dedent(%q) = %q, want %q", in, got, want)
		}
	}
}

// An END line that closes nothing inside a VTIMEZONE does not cost the
// zone.
func TestStrayEndInTimezone(t *testing.T) {
	zone := strings.Replace(customBerlin, "END:DAYLIGHT", "END:DAYLIGHT\nEND:STANDARD", 1)
	got, problems := startOf(t, zone, "DTSTART;TZID=Customized Time Zone:20260715T100000")
	if len(problems) > 0 || !got.Equal(utc("2026-07-15T08:00:00Z")) {
		t.Errorf("start %v, problems %v", got, problems)
	}
}

func TestRuleListsTidied(t *testing.T) {
	cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:s@x\nDTSTART:20260706T150000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO, WE,;COUNT=3\nEND:VEVENT"), Options{Location: time.UTC})
	noProblems(t, cal)
	if got := starts(byUID(cal, "s@x")); len(got) != 3 || got[1] != "2026-07-08T15:00:00Z" {
		t.Errorf("starts %v", got)
	}
}

// Two exports pasted one after the other, the first cut short inside an
// event: both are read.
func TestConcatenatedCalendars(t *testing.T) {
	first := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20260714T100000Z\r\n"
	cal := mustParse(t, append([]byte(first), vcal("BEGIN:VEVENT\nUID:b@x\nDTSTART:20260715T100000Z\nEND:VEVENT")...), Options{Location: time.UTC})
	one(t, cal, "a@x")
	one(t, cal, "b@x")
	if len(cal.Problems) != 1 || !strings.Contains(cal.Problems[0].Err.Error(), "no END:VEVENT") {
		t.Errorf("problems %v", cal.Problems)
	}
}

// A calendar read on assumptions is complete (its missing events are
// deleted ones); one that reached a limit or stops inside an event is not.
func TestCompleteOnlyWhenNothingMayBeMissing(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    []Problem
		want bool
	}{
		{"clean", nil, true},
		{"unknown zone read in the owner's", []Problem{{Salvaged: true}}, true},
		{"event skipped", []Problem{{}}, false},
		{"limit reached", []Problem{{Salvaged: true, Partial: true}}, false},
		{"salvage and skip", []Problem{{Salvaged: true}, {}}, false},
	} {
		c := &Calendar{Problems: tc.p}
		if got := c.Complete(); got != tc.want {
			t.Errorf("%s: Complete() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
