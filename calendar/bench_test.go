package calendar

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// googleLikeExport builds a calendar export shaped like Google's: VTIMEZONEs
// up front, then n VEVENTs spread over seven years with folded descriptions,
// attendees with parameters, about 4% weekly series (some with EXDATEs and an
// override), a few all-day and UTC events and some Windows-zone ones.
func googleLikeExport(n int) []byte {
	var b bytes.Buffer
	// About 480 bytes an event: growing the buffer as it fills would leave
	// garbage several times the export's size behind.
	b.Grow(n*500 + 4096)
	line := func(s string) { // fold at 75 octets like a real producer
		for len(s) > 75 {
			b.WriteString(s[:75])
			b.WriteString("\r\n ")
			s = s[75:]
		}
		b.WriteString(s)
		b.WriteString("\r\n")
	}
	line("BEGIN:VCALENDAR")
	line("PRODID:-//Google Inc//Google Calendar 70.9054//EN")
	line("VERSION:2.0")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:alex.morgan@example.org")
	line("X-WR-TIMEZONE:America/New_York")
	for _, z := range []struct{ id, std, dst, stdOff, dstOff, on, off string }{
		{"America/New_York", "EST", "EDT", "-0500", "-0400", "BYMONTH=3;BYDAY=2SU", "BYMONTH=11;BYDAY=1SU"},
		{"America/Los_Angeles", "PST", "PDT", "-0800", "-0700", "BYMONTH=3;BYDAY=2SU", "BYMONTH=11;BYDAY=1SU"},
		{"Europe/Berlin", "CET", "CEST", "+0100", "+0200", "BYMONTH=3;BYDAY=-1SU", "BYMONTH=10;BYDAY=-1SU"},
		{"W. Europe Standard Time", "CET", "CEST", "+0100", "+0200", "BYMONTH=3;BYDAY=-1SU", "BYMONTH=10;BYDAY=-1SU"},
	} {
		line("BEGIN:VTIMEZONE")
		line("TZID:" + z.id)
		line("BEGIN:DAYLIGHT")
		line("TZOFFSETFROM:" + z.stdOff)
		line("TZOFFSETTO:" + z.dstOff)
		line("TZNAME:" + z.dst)
		line("DTSTART:19700329T020000")
		line("RRULE:FREQ=YEARLY;" + z.on)
		line("END:DAYLIGHT")
		line("BEGIN:STANDARD")
		line("TZOFFSETFROM:" + z.dstOff)
		line("TZOFFSETTO:" + z.stdOff)
		line("TZNAME:" + z.std)
		line("DTSTART:19701025T030000")
		line("RRULE:FREQ=YEARLY;" + z.off)
		line("END:STANDARD")
		line("END:VTIMEZONE")
	}
	zones := []string{"America/New_York", "America/New_York", "America/New_York", "America/Los_Angeles", "Europe/Berlin", "W. Europe Standard Time"}
	people := []struct{ name, email string }{
		{"Jane Doe", "jane.doe@acme.com"}, {"Sam Lee", "sam.lee@globex.com"}, {"Dr. Raj Patel", "raj.patel@acme.com"},
		{"Priya Shah", "priya.shah@northwind.example"}, {"Tom Becker", "tom.becker@northwind.example"},
		{"Globex Recruiting", "recruiting@greenhouse.io"}, {"Chris Wu", "chris.wu@gmail.com"}, {"Lena Vogel", "lena.vogel@siemens.example"},
	}
	summaries := []string{"Interview with Jane Doe at Acme Corp", "Acme Corp – onsite interview", "Phone screen: Globex",
		"Mock interview with friend", "Interview prep", "Dentist", "Team standup", "1:1 with Priya", "Lunch with Chris", "Sprint planning"}
	words := strings.Fields("please review the agenda before we meet, bring questions about the role, the team and the roadmap; " +
		"join with Google Meet or dial in by phone, and reply if the time no longer works for you")
	escape := strings.NewReplacer(",", `\,`, ";", `\;`)
	base := time.Date(2019, 6, 3, 0, 0, 0, 0, time.UTC)
	for i := range n {
		day := base.AddDate(0, 0, i*7*365/n*1+i%3) // spread over about seven years
		hour := 8 + i%10
		zone := zones[i%len(zones)]
		start := fmt.Sprintf("%04d%02d%02dT%02d%02d00", day.Year(), day.Month(), day.Day(), hour, (i%4)*15)
		end := fmt.Sprintf("%04d%02d%02dT%02d%02d00", day.Year(), day.Month(), day.Day(), hour+1, (i%4)*15)
		uid := fmt.Sprintf("%08x%08x%06d@google.com", i*2654435761, i*40503, i)
		line("BEGIN:VEVENT")
		switch {
		case i%97 == 5: // all-day
			d := start[:8]
			line("DTSTART;VALUE=DATE:" + d)
			line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		case i%13 == 7: // UTC
			line("DTSTART:" + start + "Z")
			line("DTEND:" + end + "Z")
		default:
			line("DTSTART;TZID=" + zone + ":" + start)
			line("DTEND;TZID=" + zone + ":" + end)
		}
		if i%25 == 3 { // a weekly series, a third of them with exceptions
			line("RRULE:FREQ=WEEKLY;COUNT=40;BYDAY=" + []string{"MO", "TU", "WE", "TH", "FR"}[day.Weekday()%5])
			if i%3 == 0 {
				line("EXDATE;TZID=" + zone + ":" + day.AddDate(0, 0, 14).Format("20060102") + start[8:] + "," + day.AddDate(0, 0, 21).Format("20060102") + start[8:])
			}
		}
		line("DTSTAMP:20260310T140512Z")
		org := people[i%len(people)]
		line("ORGANIZER;CN=" + org.name + ":mailto:" + org.email)
		line("UID:" + uid)
		for k := range i % 2 {
			p := people[(i+k)%len(people)]
			line("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=" + p.name + ";X-NUM-GUESTS=0:mailto:" + p.email)
		}
		if i%4 == 1 {
			line("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Alex Morgan;X-NUM-GUESTS=0:mailto:alex.morgan@example.org")
		}
		var desc strings.Builder
		for k := range 1 + i%6 {
			desc.WriteString(words[(i+k)%len(words)])
			desc.WriteByte(' ')
		}
		line("DESCRIPTION:" + escape.Replace(desc.String()))
		line("LOCATION:" + []string{"", "Google Meet", `Acme HQ\, 500 Market St\, New York`}[i%3])
		line("SEQUENCE:0")
		line("STATUS:CONFIRMED")
		line("SUMMARY:" + summaries[i%len(summaries)])
		line("TRANSP:OPAQUE")
		line("END:VEVENT")
		if i%25 == 3 && i%2 == 0 { // an override moving the second instance by an hour
			second := day.AddDate(0, 0, 7).Format("20060102")
			line("BEGIN:VEVENT")
			line("DTSTART;TZID=" + zone + ":" + second + fmt.Sprintf("T%02d%02d00", hour+1, (i%4)*15))
			line("DTEND;TZID=" + zone + ":" + second + fmt.Sprintf("T%02d%02d00", hour+2, (i%4)*15))
			line("RECURRENCE-ID;TZID=" + zone + ":" + second + start[8:])
			line("DTSTAMP:20260310T140512Z")
			line("UID:" + uid)
			line("SEQUENCE:1")
			line("SUMMARY:" + summaries[i%len(summaries)] + " (moved)")
			line("END:VEVENT")
		}
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

func BenchmarkParse50k(b *testing.B) {
	data := googleLikeExport(50_000)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	windows := []struct {
		name string
		opts Options
	}{
		// The API default: every series expanded over its first 366 days.
		{"series-window", Options{Location: ny}},
		// What the daemon asks for: a few months around now.
		{"daemon-window", Options{Location: ny, From: time.Date(2026, 1, 1, 0, 0, 0, 0, ny), Until: time.Date(2026, 7, 1, 0, 0, 0, 0, ny)}},
	}
	for _, w := range windows {
		b.Run(w.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var events, problems int
			for b.Loop() {
				cal, err := Parse(data, w.opts)
				if err != nil {
					b.Fatal(err)
				}
				events, problems = len(cal.Events), len(cal.Problems)
			}
			if problems != 0 {
				b.Fatalf("%d problems", problems)
			}
			b.ReportMetric(float64(events), "events")
			b.ReportMetric(float64(len(data))/1e6, "MB")
		})
	}
}
