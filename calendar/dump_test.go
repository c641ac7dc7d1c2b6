package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDump(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	files, _ := filepath.Glob("../testdata/calendars/*.ics")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		cal, err := Parse(data, Options{Location: ny})
		fmt.Println("==", f, err)
		if cal == nil {
			continue
		}
		fmt.Println("method", cal.Method)
		for _, e := range cal.Events {
			fmt.Printf("%s | %s | %s - %s allday=%v rid=%s st=%s seq=%d\n", e.UID[:min(20, len(e.UID))], e.Summary, e.Start.In(ny).Format("2006-01-02 15:04 MST"), e.End.In(ny).Format("15:04"), e.AllDay, e.RecurrenceID.Format(time.RFC3339), e.Status, e.Sequence)
			if e.Organizer != nil {
				fmt.Printf("   org %+v\n", *e.Organizer)
			}
			for _, a := range e.Attendees {
				fmt.Printf("   att %+v\n", a)
			}
		}
		for _, p := range cal.Problems {
			fmt.Printf("PROBLEM %q %q %v\n", p.UID, p.Summary, p.Err)
		}
	}
}
