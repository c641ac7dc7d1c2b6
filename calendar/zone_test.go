package calendar

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startOf parses one event with the given VTIMEZONEs and DTSTART line and
// returns its start.
func startOf(t *testing.T, zones, dtstart string) (time.Time, []Problem) {
	t.Helper()
	cal := mustParse(t, vcal(zones+"\nBEGIN:VEVENT\nUID:z@x\n"+dtstart+"\nEND:VEVENT"), Options{Location: loadLoc(t, "Asia/Kolkata")})
	if len(cal.Events) != 1 {
		return time.Time{}, cal.Problems
	}
	return cal.Events[0].Start, cal.Problems
}

func TestZoneNames(t *testing.T) {
	tests := []struct {
		name    string
		dtstart string
		want    string
	}{
		{"Windows Pacific", "DTSTART;TZID=Pacific Standard Time:20260715T100000", "2026-07-15T17:00:00Z"},
		{"Windows Pacific in winter", "DTSTART;TZID=Pacific Standard Time:20260115T100000", "2026-01-15T18:00:00Z"},
		{"Windows Eastern", "DTSTART;TZID=Eastern Standard Time:20260715T100000", "2026-07-15T14:00:00Z"},
		{"Windows Central", "DTSTART;TZID=Central Standard Time:20260715T100000", "2026-07-15T15:00:00Z"},
		{"Windows Mountain", "DTSTART;TZID=Mountain Standard Time:20260715T100000", "2026-07-15T16:00:00Z"},
		{"Windows Arizona", "DTSTART;TZID=US Mountain Standard Time:20260715T100000", "2026-07-15T17:00:00Z"},
		{"Windows Alaska", "DTSTART;TZID=Alaskan Standard Time:20260715T100000", "2026-07-15T18:00:00Z"},
		{"Windows Hawaii", "DTSTART;TZID=Hawaiian Standard Time:20260715T100000", "2026-07-15T20:00:00Z"},
		{"Windows Atlantic (Canada)", "DTSTART;TZID=Atlantic Standard Time:20260715T100000", "2026-07-15T13:00:00Z"},
		{"Windows Newfoundland", "DTSTART;TZID=Newfoundland Standard Time:20260715T100000", "2026-07-15T12:30:00Z"},
		{"Windows Saskatchewan", "DTSTART;TZID=Canada Central Standard Time:20260715T100000", "2026-07-15T16:00:00Z"},
		{"Windows UK", "DTSTART;TZID=GMT Standard Time:20260715T100000", "2026-07-15T09:00:00Z"},
		{"Windows Berlin", "DTSTART;TZID=W. Europe Standard Time:20260715T100000", "2026-07-15T08:00:00Z"},
		{"Windows Paris", "DTSTART;TZID=Romance Standard Time:20260115T100000", "2026-01-15T09:00:00Z"},
		{"Windows Helsinki", "DTSTART;TZID=FLE Standard Time:20260115T100000", "2026-01-15T08:00:00Z"},
		{"Windows India", "DTSTART;TZID=India Standard Time:20260715T100000", "2026-07-15T04:30:00Z"},
		{"Windows China", "DTSTART;TZID=China Standard Time:20260715T100000", "2026-07-15T02:00:00Z"},
		{"Windows Japan", "DTSTART;TZID=Tokyo Standard Time:20260715T100000", "2026-07-15T01:00:00Z"},
		{"Windows Sydney in summer", "DTSTART;TZID=AUS Eastern Standard Time:20260115T100000", "2026-01-14T23:00:00Z"},
		{"Windows Perth", "DTSTART;TZID=W. Australia Standard Time:20260115T100000", "2026-01-15T02:00:00Z"},
		{"Windows Brazil", "DTSTART;TZID=E. South America Standard Time:20260715T100000", "2026-07-15T13:00:00Z"},
		{"Windows UTC", "DTSTART;TZID=UTC:20260715T100000", "2026-07-15T10:00:00Z"},
		{"Windows name in another case", "DTSTART;TZID=eastern standard time:20260715T100000", "2026-07-15T14:00:00Z"},
		{"Outlook quoted", `DTSTART;TZID="Eastern Standard Time":20260715T100000`, "2026-07-15T14:00:00Z"},
		{"IANA", "DTSTART;TZID=Europe/Berlin:20260715T100000", "2026-07-15T08:00:00Z"},
		{"IANA quoted", `DTSTART;TZID="America/Chicago":20260715T100000`, "2026-07-15T15:00:00Z"},
		{"Mozilla prefix", "DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20260715T100000", "2026-07-15T14:00:00Z"},
		{"softwarestudio prefix", "DTSTART;TZID=/softwarestudio.org/Olson_20011030_5/Europe/London:20260715T100000", "2026-07-15T09:00:00Z"},
		{"Etc zone", "DTSTART;TZID=Etc/GMT+5:20260715T100000", "2026-07-15T15:00:00Z"},
		{"GMT", "DTSTART;TZID=GMT:20260715T100000", "2026-07-15T10:00:00Z"},
		{"IANA with a space", "DTSTART;TZID=America/New York:20260715T100000", "2026-07-15T14:00:00Z"},
		{"IANA behind a single slash", "DTSTART;TZID=/Europe/Stockholm:20260715T100000", "2026-07-15T08:00:00Z"},
		{"Windows display name", `DTSTART;TZID="(UTC-06:00) Central Time (US & Canada)":20260715T100000`, "2026-07-15T15:00:00Z"},
		{"empty TZID is floating", "DTSTART;TZID=:20260715T100000", "2026-07-15T04:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := startOf(t, "", tt.dtstart)
			if len(problems) > 0 || !got.Equal(utc(tt.want)) {
				t.Errorf("start %v (problems %v), want %s", got, problems, tt.want)
			}
		})
	}
}

// "Local" must not resolve to the process's zone, nor a path reach the file
// system.
func TestZoneNamesRefused(t *testing.T) {
	for _, tzid := range []string{"Local", "localtime", "../../../etc/passwd", "/etc/localtime", "/usr/share/zoneinfo/localtime", "Not A Zone", "America/Atlantis"} {
		t.Run(tzid, func(t *testing.T) {
			_, problems := startOf(t, "", "DTSTART;TZID="+tzid+":20260715T100000")
			if len(problems) != 1 || !strings.Contains(problems[0].Err.Error(), "unknown time zone") {
				t.Errorf("problems %v", problems)
			}
		})
	}
}

const (
	// Outlook writes rules from 1601 and its own zone names.
	customBerlin = `
		BEGIN:VTIMEZONE
		TZID:Customized Time Zone
		BEGIN:STANDARD
		DTSTART:16010101T030000
		TZOFFSETFROM:+0200
		TZOFFSETTO:+0100
		RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
		END:STANDARD
		BEGIN:DAYLIGHT
		DTSTART:16010101T020000
		TZOFFSETFROM:+0100
		TZOFFSETTO:+0200
		RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
		END:DAYLIGHT
		END:VTIMEZONE`
	customSydney = `
		BEGIN:VTIMEZONE
		TZID:(UTC+10:00) Canberra, Melbourne, Sydney
		BEGIN:STANDARD
		DTSTART:20080406T030000
		TZOFFSETFROM:+1100
		TZOFFSETTO:+1000
		TZNAME:AEST
		RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
		END:STANDARD
		BEGIN:DAYLIGHT
		DTSTART:20081005T020000
		TZOFFSETFROM:+1000
		TZOFFSETTO:+1100
		TZNAME:AEDT
		RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU
		END:DAYLIGHT
		END:VTIMEZONE`
	customIndia = `
		BEGIN:VTIMEZONE
		TZID:(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi
		BEGIN:STANDARD
		DTSTART:16010101T000000
		TZOFFSETFROM:+0530
		TZOFFSETTO:+0530
		END:STANDARD
		END:VTIMEZONE`
	// An older style: the second Sunday as BYDAY=SU with a range of days,
	// and historic observances before the current ones.
	customEastern = `
		BEGIN:VTIMEZONE
		TZID:US-Eastern
		BEGIN:STANDARD
		DTSTART:19671029T020000
		RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10;UNTIL=20061029T060000Z
		TZOFFSETFROM:-0400
		TZOFFSETTO:-0500
		END:STANDARD
		BEGIN:DAYLIGHT
		DTSTART:19870405T020000
		RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4;UNTIL=20060402T070000Z
		TZOFFSETFROM:-0500
		TZOFFSETTO:-0400
		END:DAYLIGHT
		BEGIN:DAYLIGHT
		DTSTART:20070311T020000
		RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14
		TZOFFSETFROM:-0500
		TZOFFSETTO:-0400
		END:DAYLIGHT
		BEGIN:STANDARD
		DTSTART:20071104T020000
		RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=SU;BYMONTHDAY=1,2,3,4,5,6,7
		TZOFFSETFROM:-0400
		TZOFFSETTO:-0500
		END:STANDARD
		END:VTIMEZONE`
	// X-LIC-LOCATION names the IANA zone behind a private TZID; its own
	// rules (a fixed offset here) are then not needed.
	licParis = `
		BEGIN:VTIMEZONE
		TZID:Central European Time (private)
		X-LIC-LOCATION:Europe/Paris
		BEGIN:STANDARD
		DTSTART:19700101T000000
		TZOFFSETFROM:+0100
		TZOFFSETTO:+0100
		END:STANDARD
		END:VTIMEZONE`
	// A wrong VTIMEZONE for an IANA name loses to the IANA data.
	wrongNewYork = `
		BEGIN:VTIMEZONE
		TZID:America/New_York
		BEGIN:STANDARD
		DTSTART:19700101T000000
		TZOFFSETFROM:-0500
		TZOFFSETTO:-0500
		END:STANDARD
		END:VTIMEZONE`
)

func TestZoneFromVTIMEZONE(t *testing.T) {
	tests := []struct {
		name    string
		zones   string
		dtstart string
		want    string
	}{
		{"custom Berlin in summer", customBerlin, "DTSTART;TZID=Customized Time Zone:20260715T100000", "2026-07-15T08:00:00Z"},
		{"custom Berlin in winter", customBerlin, "DTSTART;TZID=Customized Time Zone:20260115T100000", "2026-01-15T09:00:00Z"},
		{"custom Berlin, day before the change", customBerlin, "DTSTART;TZID=Customized Time Zone:20260328T100000", "2026-03-28T09:00:00Z"},
		{"custom Berlin, after the change", customBerlin, "DTSTART;TZID=Customized Time Zone:20260329T040000", "2026-03-29T02:00:00Z"},
		{"custom Berlin, in the gap", customBerlin, "DTSTART;TZID=Customized Time Zone:20260329T023000", "2026-03-29T01:30:00Z"},
		{"custom Berlin, October", customBerlin, "DTSTART;TZID=Customized Time Zone:20261026T100000", "2026-10-26T09:00:00Z"},
		{"custom Sydney in January", customSydney, `DTSTART;TZID="(UTC+10:00) Canberra, Melbourne, Sydney":20260115T100000`, "2026-01-14T23:00:00Z"},
		{"custom Sydney in July", customSydney, `DTSTART;TZID="(UTC+10:00) Canberra, Melbourne, Sydney":20260715T100000`, "2026-07-15T00:00:00Z"},
		{"fixed India", customIndia, `DTSTART;TZID="(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi":20260715T100000`, "2026-07-15T04:30:00Z"},
		{"BYMONTHDAY rules, March 7", customEastern, "DTSTART;TZID=US-Eastern:20260307T100000", "2026-03-07T15:00:00Z"},
		{"BYMONTHDAY rules, March 9", customEastern, "DTSTART;TZID=US-Eastern:20260309T100000", "2026-03-09T14:00:00Z"},
		{"BYMONTHDAY rules, November 2", customEastern, "DTSTART;TZID=US-Eastern:20261102T100000", "2026-11-02T15:00:00Z"},
		{"X-LIC-LOCATION", licParis, "DTSTART;TZID=Central European Time (private):20260715T100000", "2026-07-15T08:00:00Z"},
		{"IANA beats a wrong VTIMEZONE", wrongNewYork, "DTSTART;TZID=America/New_York:20260715T100000", "2026-07-15T14:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := startOf(t, tt.zones, tt.dtstart)
			if len(problems) > 0 || !got.Equal(utc(tt.want)) {
				t.Errorf("start %v (problems %v), want %s", got, problems, tt.want)
			}
		})
	}
	t.Run("VTIMEZONE after the event", func(t *testing.T) {
		cal := mustParse(t, vcal("BEGIN:VEVENT\nUID:z@x\nDTSTART;TZID=Customized Time Zone:20260715T100000\nEND:VEVENT\n"+customBerlin), Options{Location: time.UTC})
		noProblems(t, cal)
		if e := one(t, cal, "z@x"); !e.Start.Equal(utc("2026-07-15T08:00:00Z")) {
			t.Errorf("start %v", e.Start)
		}
	})
}

func TestPosixRule(t *testing.T) {
	at2 := wall{hour: 2}
	tests := []struct {
		rule string
		want string
		ok   bool
	}{
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "M3.2.0/2:00:00", true},
		{"FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "M10.5.0/2:00:00", true},
		{"FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "M4.1.0/2:00:00", true},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14", "M3.2.0/2:00:00", true},
		{"FREQ=YEARLY;BYMONTH=10;BYDAY=SU;BYMONTHDAY=-7,-6,-5,-4,-3,-2,-1", "M10.5.0/2:00:00", true},
		{"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=21", "J80/2:00:00", true},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;UNTIL=20060402T070000Z", "M3.2.0/2:00:00", true},
		{"FREQ=MONTHLY;BYMONTH=3;BYDAY=2SU", "", false},
		{"FREQ=YEARLY;BYDAY=2SU", "", false},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=2XX", "", false},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=-2SU", "", false},
		{"FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYDAY=2SU", "", false},
		{"FREQ=YEARLY;BYMONTH=13;BYDAY=2SU", "", false},
	}
	for _, tt := range tests {
		got, ok := posixRule(tt.rule, at2)
		if got != tt.want || ok != tt.ok {
			t.Errorf("posixRule(%q) = %q, %v; want %q, %v", tt.rule, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPosixOffsetAndName(t *testing.T) {
	tests := []struct {
		east       int
		name, tz   string
		nameOffset string
	}{
		{-8 * 3600, "PST", "8", "PST"},
		{5*3600 + 1800, "", "-5:30", "<+0530>"},
		{3600, "MEZ", "-1", "MEZ"},
		{-(3*3600 + 1800), "NST", "3:30", "NST"},
		{0, "GMT+1", "0", "<+0000>"},
	}
	for _, tt := range tests {
		if got := posixOffset(tt.east); got != tt.tz {
			t.Errorf("posixOffset(%d) = %q, want %q", tt.east, got, tt.tz)
		}
		if got := posixName(tt.name, tt.east); got != tt.nameOffset {
			t.Errorf("posixName(%q) = %q, want %q", tt.name, got, tt.nameOffset)
		}
	}
}

// Every Windows name in the table maps to a zone this machine can load, and
// the common ones are there.
func TestWindowsZoneTable(t *testing.T) {
	src, err := os.ReadFile("windows.go")
	if err != nil {
		t.Fatal(err)
	}
	cases := regexp.MustCompile(`case ((?:"[^"]+",? ?)+):\n\t\treturn "([^"]+)", true`).FindAllStringSubmatch(string(src), -1)
	names := 0
	for _, c := range cases {
		if _, err := time.LoadLocation(c[2]); err != nil {
			t.Errorf("%s: %v", c[2], err)
		}
		for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(c[1], -1) {
			names++
			if got, ok := windowsZone(q[1]); !ok || got != c[2] {
				t.Errorf("windowsZone(%q) = %q, %v", q[1], got, ok)
			}
		}
	}
	if names < 100 {
		t.Errorf("only %d Windows names found in windows.go", names)
	}
	for _, name := range []string{
		"Pacific Standard Time", "Mountain Standard Time", "US Mountain Standard Time", "Central Standard Time",
		"Eastern Standard Time", "US Eastern Standard Time", "Alaskan Standard Time", "Hawaiian Standard Time",
		"Aleutian Standard Time", "Atlantic Standard Time", "Newfoundland Standard Time", "Canada Central Standard Time",
		"GMT Standard Time", "Greenwich Standard Time", "W. Europe Standard Time", "Central Europe Standard Time",
		"Romance Standard Time", "Central European Standard Time", "GTB Standard Time", "FLE Standard Time",
		"E. Europe Standard Time", "Russian Standard Time", "Turkey Standard Time", "Israel Standard Time",
		"India Standard Time", "China Standard Time", "Tokyo Standard Time", "Korea Standard Time",
		"Singapore Standard Time", "AUS Eastern Standard Time", "E. Australia Standard Time", "Cen. Australia Standard Time",
		"AUS Central Standard Time", "W. Australia Standard Time", "Tasmania Standard Time", "New Zealand Standard Time",
		"E. South America Standard Time", "SA Eastern Standard Time", "Central Brazilian Standard Time", "Bahia Standard Time",
		"Tocantins Standard Time", "Argentina Standard Time", "Central Standard Time (Mexico)", "UTC",
	} {
		if _, ok := windowsZone(name); !ok {
			t.Errorf("windowsZone(%q) missing", name)
		}
	}
}
