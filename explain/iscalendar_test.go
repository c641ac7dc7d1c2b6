package explain

import "testing"

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
