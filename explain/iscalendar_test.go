package explain

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestIsCalendar(t *testing.T) {
	for data, want := range map[string]bool{
		"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n":             true,
		"\xef\xbb\xbf\r\n   begin:vcalendar\r\n":           true,
		"BEGIN:VEVENT\nUID:x\nDTSTART:20260714T150000Z\n":  true,
		"From: jane@acme.com\r\nSubject: BEGIN:VEVENT\r\n": false,
		"BEGIN:VCARD\r\nFN:Jane Doe\r\nEND:VCARD\r\n":      false,
		"": false,
	} {
		if got := IsCalendar([]byte(data)); got != want {
			t.Errorf("IsCalendar(%q) = %v, want %v", data, got, want)
		}
	}
}

// A damaged calendar is explained with what was assumed to read it.
func TestExplainSalvaged(t *testing.T) {
	r := explainFile(t, "testdata/calendars/bad-attendee.ics")
	if r.Error != "" || len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0], "read anyway: ") ||
		!strings.Contains(r.Problems[0], "ATTENDEE") {
		t.Fatalf("report %+v", r)
	}
	var b bytes.Buffer
	if err := WriteText(&b, r, time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "! read anyway: ") || strings.Contains(b.String(), "skipped a broken part") {
		t.Errorf("text:\n%s", b.String())
	}
}
