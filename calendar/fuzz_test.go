package calendar

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "calendars", "*.ics"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, body := range []string{
		interview,
		customBerlin + "BEGIN:VEVENT\nUID:z@x\nDTSTART;TZID=Customized Time Zone:20260715T100000\nRRULE:FREQ=WEEKLY;COUNT=5\nEND:VEVENT",
		"BEGIN:VEVENT\nUID:s@x\nDTSTART;VALUE=DATE:20260302\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1\nEXDATE;VALUE=DATE:20260327\nRDATE;VALUE=PERIOD:20260320T150000Z/PT1H\nEND:VEVENT",
		"BEGIN:VEVENT\nUID:s@x\nRECURRENCE-ID:20260316T140000Z\nDTSTART;TZID=\"Eastern Standard Time\":20260316T100000\nDURATION:P1DT2H\nATTENDEE;CN=\"Doe, Jane\";EMAIL=j@x:urn:uuid:1\nEND:VEVENT",
	} {
		f.Add(vcal(body))
	}
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID\n"))
	owner := time.FixedZone("owner", -5*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := Parse(data, Options{Location: owner, MaxInstances: 50})
		if err != nil {
			if cal != nil {
				t.Fatal("error with a calendar")
			}
			return
		}
		for _, e := range cal.Events {
			if e.UID == "" {
				t.Errorf("event without UID: %+v", e)
			}
			if e.End.Before(e.Start) {
				t.Errorf("event ends before it starts: %+v", e)
			}
		}
		for _, p := range cal.Problems {
			if p.Err == nil {
				t.Errorf("problem without an error: %+v", p)
			}
		}
	})
}
