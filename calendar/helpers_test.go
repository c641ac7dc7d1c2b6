package calendar

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func loadLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "calendars", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// vcal wraps VEVENT/VTIMEZONE text in a VCALENDAR and gives it CRLF line
// ends, the way producers send it. Leading tabs (from Go source
// indentation) are removed; a line starting with a space stays a folded
// continuation.
func vcal(body string) []byte {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//followupd//test//EN\r\n")
	for _, line := range strings.Split(strings.Trim(body, "\n"), "\n") {
		line = strings.TrimLeft(line, "\t")
		if line == "" {
			continue
		}
		sb.WriteString(line)
		sb.WriteString("\r\n")
	}
	sb.WriteString("END:VCALENDAR\r\n")
	return []byte(sb.String())
}

func mustParse(t testing.TB, data []byte, opts Options) *Calendar {
	t.Helper()
	cal, err := Parse(data, opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cal
}

// noProblems fails the test if the calendar reported any.
func noProblems(t testing.TB, cal *Calendar) {
	t.Helper()
	for _, p := range cal.Problems {
		t.Errorf("unexpected problem: uid %q summary %q: %v", p.UID, p.Summary, p.Err)
	}
}

// byUID returns the events with that UID, in Parse's order.
func byUID(cal *Calendar, uid string) []Event {
	var out []Event
	for _, e := range cal.Events {
		if e.UID == uid {
			out = append(out, e)
		}
	}
	return out
}

func one(t testing.TB, cal *Calendar, uid string) Event {
	t.Helper()
	evs := byUID(cal, uid)
	if len(evs) != 1 {
		t.Fatalf("uid %s: got %d events, want 1", uid, len(evs))
	}
	return evs[0]
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func starts(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Start.UTC().Format(time.RFC3339)
	}
	return out
}
