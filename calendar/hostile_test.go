package calendar

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileCalendar is one calendar built to cost: an event with a flood of
// distinct attendees, lines with huge parameters, endless recurrences that
// start decades before the window, a huge description and a real
// interview among them.
func hostileCalendar() []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n")
	b.WriteString("BEGIN:VEVENT\r\nUID:flood@x\r\nDTSTART:20260714T150000Z\r\nSUMMARY:All hands\r\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "ATTENDEE;CN=Person %d;PARTSTAT=NEEDS-ACTION:mailto:p%d@example.com\r\n", i, i)
	}
	b.WriteString("END:VEVENT\r\n")
	huge := strings.Repeat("x", 1<<20)
	b.WriteString("BEGIN:VEVENT\r\nUID:params@x\r\nDTSTART:20260714T160000Z\r\n")
	b.WriteString("ATTENDEE;CN=" + huge + ":mailto:a@example.com\r\n")
	b.WriteString("ORGANIZER;X-A=" + strings.Repeat("a,", 100_000) + "b:mailto:o@example.com\r\n")
	b.WriteString("DESCRIPTION:" + strings.Repeat("y", 3<<20) + "\r\n")
	b.WriteString("END:VEVENT\r\n")
	for i := range 20 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:endless-%d@x\r\nDTSTART:19700101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n", i)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:minutely-%d@x\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n", i)
	}
	for i := range 5 { // COUNT keeps these from skipping ahead to the window
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:counted-%d@x\r\nDTSTART:19700101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=999999999\r\nEND:VEVENT\r\n", i)
	}
	b.WriteString("BEGIN:VEVENT\r\nUID:iv@x\r\nDTSTART:20260714T170000Z\r\nSUMMARY:Interview with Jane Doe\r\n" +
		"ATTENDEE;CN=Jane Doe:mailto:jane@acme.com\r\nEND:VEVENT\r\n")
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

var hostileOpts = Options{Location: time.UTC, From: utc("2026-07-01T00:00:00Z"), Until: utc("2027-07-01T00:00:00Z")}

// One hostile calendar is read within the limits of one read, each limit
// reached is said, and the interview among the junk is read.
func TestHostileCalendarLimits(t *testing.T) {
	data := hostileCalendar()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cal := mustParse(t, data, hostileOpts)
	runtime.ReadMemStats(&after)
	// Memory is bounded by the limits, not by what the calendar asks for
	// (about 38 MB were measured for this 7.7 MiB calendar).
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 96<<20 {
		t.Errorf("reading allocated %d MiB", alloc>>20)
	}
	if e := one(t, cal, "iv@x"); len(e.Attendees) != 1 {
		t.Errorf("interview %+v", e)
	}
	if e := one(t, cal, "flood@x"); len(e.Attendees) != maxAttendees {
		t.Errorf("flood: %d attendees, want %d", len(e.Attendees), maxAttendees)
	}
	if e := one(t, cal, "params@x"); len(e.Description) != maxTextBytes || len(e.Attendees) != 0 || e.Organizer != nil {
		t.Errorf("params: %d bytes of description, people %+v %+v", len(e.Description), e.Organizer, e.Attendees)
	}
	said := map[string]bool{}
	for _, p := range cal.Problems {
		msg := p.Err.Error()
		for _, want := range []string{"ATTENDEE lines (limit)", "DESCRIPTION longer", "parameters longer", "instances in all (limit)"} {
			if strings.Contains(msg, want) {
				said[want] = true
			}
		}
		if !p.Salvaged {
			t.Errorf("problem not salvaged: %v", p.Err)
		}
	}
	if len(said) != 4 {
		t.Errorf("limits said: %v; problems %v", said, cal.Problems)
	}
	if len(cal.Events) > maxInstancesPerRead+100 {
		t.Errorf("%d events", len(cal.Events))
	}
}

// Series that must be walked from their start (COUNT) are stopped one by
// one, then all together once the read's budget of steps is spent; the
// event after them is read.
func TestHostileRecurrenceSteps(t *testing.T) {
	var b strings.Builder
	for i := range 5 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:counted-%d@x\nDTSTART:19700101T000000Z\nRRULE:FREQ=SECONDLY;COUNT=999999999\nEND:VEVENT\n", i)
	}
	b.WriteString("BEGIN:VEVENT\nUID:ok@x\nDTSTART:20260714T170000Z\nEND:VEVENT")
	cal := mustParse(t, vcal(b.String()), hostileOpts)
	var stopped, budget int
	for _, p := range cal.Problems {
		switch msg := p.Err.Error(); {
		case strings.Contains(msg, "stopped after 100000 occurrences"):
			stopped++
		case strings.Contains(msg, "more than 300000 occurrences in all (limit)"):
			budget++
		default:
			t.Errorf("problem %v", p.Err)
		}
	}
	if stopped < 1 || budget != 1 {
		t.Errorf("%d series stopped, %d budget notes; want some and 1", stopped, budget)
	}
	if len(byUID(cal, "ok@x")) != 1 {
		t.Error("event after the series lost")
	}
}

// BenchmarkHostileCalendar reads the hostile calendar; it reports the
// heap the read leaves allocated and its peak, which bound its memory.
//
//	go test ./calendar -run '^$' -bench HostileCalendar -benchtime 10x
func BenchmarkHostileCalendar(b *testing.B) {
	data := hostileCalendar()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, hostileOpts); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap_sys_MiB")
	b.ReportMetric(float64(len(data))/(1<<20), "input_MiB")
}

// Past maxLines lines nothing more is read, and that is said; what came
// before is read.
func TestLineLimit(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:before@x\r\nDTSTART:20260714T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:open@x\r\nDTSTART:20260714T110000Z\r\n")
	b.Write(bytes.Repeat([]byte("X:\n"), maxLines))
	b.WriteString("END:VEVENT\r\nBEGIN:VEVENT\r\nUID:after@x\r\nDTSTART:20260714T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	cal := mustParse(t, b.Bytes(), Options{Location: time.UTC})
	one(t, cal, "before@x")
	one(t, cal, "open@x") // cut off by the limit, read as far as it goes
	if len(byUID(cal, "after@x")) != 0 {
		t.Error("read past the line limit")
	}
	if len(cal.Problems) != 2 || !strings.Contains(cal.Problems[0].Err.Error(), "lines (limit)") {
		t.Errorf("problems %v", cal.Problems)
	}
}
