package detect

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
)

// TestDetectLargeCalendarKeepsOrder checks that the parallel path for large
// calendars gives exactly what deciding each event in turn gives.
func TestDetectLargeCalendarKeepsOrder(t *testing.T) {
	cfg := config.Default()
	cfg.Owner.Email = "alex.morgan@example.org"
	cfg.Owner.Location = time.UTC
	summaries := []string{"Interview with Jane Doe at Acme Corp", "Dentist", "Phone screen: Globex", "Mock interview", "Team standup"}
	cal := &calendar.Calendar{}
	start := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	for i := 0; i < 3*parallelFrom+7; i++ {
		cal.Events = append(cal.Events, calendar.Event{
			UID: fmt.Sprintf("ev-%d", i), Summary: summaries[i%len(summaries)],
			Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i)*time.Hour + 45*time.Minute),
			Attendees: []calendar.Person{{Email: fmt.Sprintf("person%d@acme.com", i%7), Name: "Jane Doe"}},
		})
	}
	got := Detect(cal, cfg)
	var want Result
	for _, ev := range cal.Events {
		iv, skip := Event(ev, cal.Method, cfg)
		if skip != nil {
			want.Skipped = append(want.Skipped, *skip)
		} else {
			want.Interviews = append(want.Interviews, iv)
		}
	}
	if !reflect.DeepEqual(got.Interviews, want.Interviews) || !reflect.DeepEqual(got.Skipped, want.Skipped) {
		t.Fatalf("parallel Detect differs from deciding events in turn: %d/%d interviews, %d/%d skipped",
			len(got.Interviews), len(want.Interviews), len(got.Skipped), len(want.Skipped))
	}
	if len(got.Interviews) == 0 || len(got.Skipped) == 0 {
		t.Fatal("fixture should produce both interviews and skips")
	}
}
