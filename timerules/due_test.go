package timerules

import (
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func schedule(t *testing.T, quiet string, holidays ...string) config.Schedule {
	t.Helper()
	q, err := config.ParseQuietHours(quiet)
	if err != nil {
		t.Fatal(err)
	}
	s := config.Schedule{ThankYouDelay: time.Hour, QuietHours: q, FollowUpBusinessDays: 3,
		FollowUpTime: config.ClockTime{Hour: 9}, NagEvery: 24 * time.Hour, NagLimit: 2}
	for _, h := range holidays {
		d, err := config.ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		s.Holidays = append(s.Holidays, d)
	}
	return s
}

// at parses a local wall-clock time "2006-01-02 15:04" in loc.
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestThankYouDue(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	berlin := mustLoc(t, "Europe/Berlin")
	tests := []struct {
		name  string
		loc   *time.Location
		quiet string
		delay time.Duration
		end   string
		want  string // local
	}{
		{"afternoon, plain delay", ny, "21:00-08:00", time.Hour, "2026-12-03 15:00", "2026-12-03 16:00"},
		{"lands in evening quiet hours: next morning", ny, "21:00-08:00", time.Hour, "2026-12-03 20:30", "2026-12-04 08:00"},
		{"lands after midnight in quiet hours: same morning", ny, "21:00-08:00", 2 * time.Hour, "2026-12-03 23:30", "2026-12-04 08:00"},
		{"exactly at quiet end is allowed", ny, "21:00-08:00", time.Hour, "2026-12-04 07:00", "2026-12-04 08:00"},
		{"just before quiet start is allowed", ny, "21:00-08:00", time.Hour, "2026-12-03 19:59", "2026-12-03 20:59"},
		{"quiet hours disabled", ny, "", time.Hour, "2026-12-03 22:00", "2026-12-03 23:00"},
		{"same-day quiet window", ny, "12:00-14:00", 30 * time.Minute, "2026-12-03 11:45", "2026-12-03 14:00"},
		{"delay spans fall-back: elapsed hour", ny, "", time.Hour, "2026-11-01 01:30", "2026-11-01 01:30"}, // 01:30 EDT + 1h = 01:30 EST
		{"delay spans spring-forward", ny, "", time.Hour, "2026-03-08 01:30", "2026-03-08 03:30"},
		{"quiet end on spring-forward morning (Berlin)", berlin, "21:00-08:00", time.Hour, "2026-03-28 22:00", "2026-03-29 08:00"},
		{"quiet end on fall-back morning (Berlin)", berlin, "21:00-08:00", time.Hour, "2026-10-24 23:00", "2026-10-25 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := schedule(t, tt.quiet)
			s.ThankYouDelay = tt.delay
			end := at(t, tt.loc, tt.end)
			got := ThankYouDue(end, s, tt.loc)
			if got.Location() != time.UTC {
				t.Errorf("due %v is not in UTC", got)
			}
			want := at(t, tt.loc, tt.want)
			if tt.name == "delay spans fall-back: elapsed hour" {
				want = end.Add(time.Hour) // the second 01:30 of the day
			}
			if !got.Equal(want) {
				t.Errorf("ThankYouDue(%s) = %s, want %s", end, got.In(tt.loc), want)
			}
		})
	}
}

func TestFollowUpDue(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	berlin := mustLoc(t, "Europe/Berlin")
	kolkata := mustLoc(t, "Asia/Kolkata")
	tests := []struct {
		name     string
		loc      *time.Location
		days     int
		holidays []string
		start    string
		want     string
	}{
		{"Thursday + 3 business days is Tuesday", ny, 3, nil, "2026-12-03 14:00", "2026-12-08 09:00"},
		{"Monday + 3 is Thursday", ny, 3, nil, "2026-12-07 10:00", "2026-12-10 09:00"},
		{"Friday + 1 is Monday", ny, 1, nil, "2026-12-04 10:00", "2026-12-07 09:00"},
		{"Saturday interview + 1 is Monday", ny, 1, nil, "2026-12-05 10:00", "2026-12-07 09:00"},
		{"holiday skipped (Thanksgiving)", ny, 3, []string{"2026-11-26"}, "2026-11-23 10:00", "2026-11-27 09:00"},
		{"holidays skipped around Christmas", ny, 3, []string{"2026-12-24", "2026-12-25"}, "2026-12-22 10:00", "2026-12-29 09:00"},
		{"across spring-forward (NY)", ny, 3, nil, "2026-03-05 10:00", "2026-03-10 09:00"},
		{"across fall-back (Berlin)", berlin, 3, nil, "2026-10-22 10:00", "2026-10-27 09:00"},
		{"late-evening interview counts its local date", ny, 1, nil, "2026-12-03 23:30", "2026-12-04 09:00"},
		{"half-hour zone", kolkata, 2, nil, "2026-12-03 18:00", "2026-12-07 09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := schedule(t, "21:00-08:00", tt.holidays...)
			s.FollowUpBusinessDays = tt.days
			got := FollowUpDue(at(t, tt.loc, tt.start), s, tt.loc)
			want := at(t, tt.loc, tt.want)
			if !got.Equal(want) {
				t.Errorf("FollowUpDue = %s, want %s", got.In(tt.loc), want)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	cfg := config.Default()
	cfg.Owner.Location = mustLoc(t, "America/Los_Angeles")
	start := at(t, cfg.Owner.Location, "2026-12-03 11:00")
	iv := interview.Interview{Key: interview.Key{UID: "x"}, Status: interview.Scheduled, Start: start, End: start.Add(time.Hour)}
	got := Plan(iv, cfg)
	if len(got) != 2 || got[0].Kind != interview.ThankYou || got[1].Kind != interview.FollowUpCall {
		t.Fatalf("Plan = %+v, want thank_you then follow_up_call", got)
	}
	if want := at(t, cfg.Owner.Location, "2026-12-03 13:00"); !got[0].Due.Equal(want) {
		t.Errorf("thank-you due %s, want %s", got[0].Due, want)
	}
	if want := at(t, cfg.Owner.Location, "2026-12-08 09:00"); !got[1].Due.Equal(want) {
		t.Errorf("call due %s, want %s", got[1].Due, want)
	}
	iv.Status = interview.Cancelled
	if got := Plan(iv, cfg); len(got) != 0 {
		t.Errorf("cancelled interview planned %v, want none", got)
	}
}

func TestAddBusinessDays(t *testing.T) {
	s := schedule(t, "", "2026-12-25")
	d := config.Date{Year: 2026, Month: time.December, Day: 24} // Thursday
	if got, want := AddBusinessDays(d, 1, s), (config.Date{Year: 2026, Month: time.December, Day: 28}); got != want {
		t.Errorf("AddBusinessDays(%s, 1) = %s, want %s", d, got, want)
	}
	if got := AddBusinessDays(d, 0, s); got != d {
		t.Errorf("AddBusinessDays(%s, 0) = %s, want the same day", d, got)
	}
}

func TestAddBusinessDaysTable(t *testing.T) {
	s := config.Schedule{Holidays: []config.Date{{Year: 2026, Month: time.December, Day: 25}}}
	tests := []struct {
		from config.Date
		n    int
		want config.Date
	}{
		{config.Date{Year: 2026, Month: time.December, Day: 24}, 1, config.Date{Year: 2026, Month: time.December, Day: 28}},
		{config.Date{Year: 2026, Month: time.December, Day: 26}, 1, config.Date{Year: 2026, Month: time.December, Day: 28}},
		{config.Date{Year: 2026, Month: time.December, Day: 21}, 5, config.Date{Year: 2026, Month: time.December, Day: 29}},
	}
	for _, tt := range tests {
		if got := AddBusinessDays(tt.from, tt.n, s); got != tt.want {
			t.Errorf("AddBusinessDays(%v, %d) = %v, want %v", tt.from, tt.n, got, tt.want)
		}
	}
}
