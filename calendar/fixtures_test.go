package calendar

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGoogleExport(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	cal := mustParse(t, fixture(t, "google-export.ics"), Options{Location: ny})
	noProblems(t, cal)
	if cal.Method != MethodPublish {
		t.Errorf("Method = %q, want PUBLISH", cal.Method)
	}
	if len(cal.Events) != 15 {
		t.Errorf("got %d events, want 15 (8 standups, 7 single events)", len(cal.Events))
	}
	if !slices.IsSortedFunc(cal.Events, func(a, b Event) int { return a.Start.Compare(b.Start) }) {
		t.Error("events are not ordered by start")
	}

	t.Run("weekly series with EXDATE and override", func(t *testing.T) {
		standups := byUID(cal, "2f8c1e7a9b3d4c5e6f7a8b9c0d1e2f3a@google.com")
		want := []string{
			"2026-03-02T14:30:00Z", // EST
			"2026-03-09T13:30:00Z", // EDT from March 8: still 09:30 local
			// 2026-03-16 is an EXDATE
			"2026-03-23T14:30:00Z", // the override moved it to 10:30
			"2026-03-30T13:30:00Z",
			"2026-04-06T13:30:00Z",
			"2026-04-13T13:30:00Z",
			"2026-04-20T13:30:00Z",
			"2026-04-27T13:30:00Z", // UNTIL is inclusive
		}
		if got := starts(standups); !slices.Equal(got, want) {
			t.Fatalf("standup starts\n got %v\nwant %v", got, want)
		}
		for _, e := range standups {
			if e.RecurrenceID.IsZero() {
				t.Errorf("instance at %v has no RecurrenceID", e.Start)
			}
			if e.Start.In(ny).Hour() == 9 && e.End.Sub(e.Start) != 15*time.Minute {
				t.Errorf("instance at %v lasts %v, want 15m", e.Start, e.End.Sub(e.Start))
			}
		}
		moved := standups[2]
		if !moved.RecurrenceID.Equal(utc("2026-03-23T13:30:00Z")) || moved.Sequence != 1 ||
			!strings.Contains(moved.Description, "Moved an hour later") {
			t.Errorf("override not merged: rid %v seq %d desc %q", moved.RecurrenceID, moved.Sequence, moved.Description)
		}
		if !standups[0].RecurrenceID.Equal(standups[0].Start) {
			t.Errorf("RecurrenceID %v != Start %v for a plain instance", standups[0].RecurrenceID, standups[0].Start)
		}
	})

	t.Run("interview with attendees", func(t *testing.T) {
		e := one(t, cal, "6b1e9d4f2a7c@acme.com")
		if e.Summary != "Interview with Jane Doe at Acme Corp" || e.AllDay || !e.RecurrenceID.IsZero() {
			t.Errorf("got %+v", e)
		}
		if !e.Start.Equal(utc("2026-03-12T18:00:00Z")) || !e.End.Equal(utc("2026-03-12T19:00:00Z")) {
			t.Errorf("times %v - %v", e.Start, e.End)
		}
		if e.Start.Location() != time.UTC {
			t.Errorf("Start is in %v, want UTC", e.Start.Location())
		}
		if e.Sequence != 1 || e.Status != "CONFIRMED" || !e.Stamp.Equal(utc("2026-03-10T14:05:12Z")) {
			t.Errorf("sequence %d status %q stamp %v", e.Sequence, e.Status, e.Stamp)
		}
		if !strings.HasPrefix(e.Description, "Hi Alex,\n\nThanks for your interest in the Senior Backend Engineer position.") ||
			!strings.Contains(e.Description, "PIN: 482 913 771#") {
			t.Errorf("description not unfolded and unescaped: %q", e.Description)
		}
		if e.Organizer == nil || *e.Organizer != (Person{Email: "jane.doe@acme.com", Name: "Jane Doe"}) {
			t.Errorf("organizer %+v", e.Organizer)
		}
		want := []Person{
			{Email: "jane.doe@acme.com", Name: "Jane Doe", CUType: "INDIVIDUAL", PartStat: "ACCEPTED", Role: "REQ-PARTICIPANT"},
			{Email: "alex.morgan@example.org", Name: "Alex Morgan", CUType: "INDIVIDUAL", PartStat: "ACCEPTED", Role: "REQ-PARTICIPANT"},
		}
		if !slices.Equal(e.Attendees, want) {
			t.Errorf("attendees\n got %+v\nwant %+v", e.Attendees, want)
		}
	})

	t.Run("declined and resource", func(t *testing.T) {
		declined := one(t, cal, "9e3c7a1b5d2f@initech.com")
		if i := slices.IndexFunc(declined.Attendees, func(p Person) bool { return p.Email == "alex.morgan@example.org" }); i < 0 || declined.Attendees[i].PartStat != "DECLINED" {
			t.Errorf("owner's PARTSTAT not DECLINED: %+v", declined.Attendees)
		}
		onsite := one(t, cal, "a41f0c8e27d3@acme.com")
		if onsite.Summary != "Acme Corp – onsite interview" || len(onsite.Attendees) != 4 ||
			onsite.Attendees[1].Name != "Dr. Raj Patel" || onsite.Attendees[3].CUType != "RESOURCE" {
			t.Errorf("onsite: %q %+v", onsite.Summary, onsite.Attendees)
		}
		if onsite.Location != "Acme HQ-4-Redwood (8), 500 Market St, New York, NY" {
			t.Errorf("location %q", onsite.Location)
		}
	})

	t.Run("UTC event", func(t *testing.T) {
		e := one(t, cal, "1d5f9h3k7m@google.com")
		if !e.Start.Equal(utc("2026-03-19T14:30:00Z")) || !e.End.Equal(utc("2026-03-19T15:15:00Z")) {
			t.Errorf("dentist %v - %v", e.Start, e.End)
		}
	})

	// An all-day date is a day in the owner's zone, whichever that is.
	for _, owner := range []string{"America/New_York", "Asia/Kolkata", "UTC"} {
		t.Run("all-day in "+owner, func(t *testing.T) {
			loc := loadLoc(t, owner)
			cal := mustParse(t, fixture(t, "google-export.ics"), Options{Location: loc})
			e := one(t, cal, "0q7h2v5k8m1n4p6r9s3t@google.com")
			wantStart := time.Date(2026, 3, 11, 0, 0, 0, 0, loc)
			if !e.AllDay || !e.Start.Equal(wantStart) || !e.End.Equal(wantStart.AddDate(0, 0, 1)) {
				t.Errorf("all-day: AllDay=%v %v - %v, want %v + 1 day", e.AllDay, e.Start, e.End, wantStart)
			}
			// Zoned events do not move with the owner.
			jane := one(t, cal, "6b1e9d4f2a7c@acme.com")
			if !jane.Start.Equal(utc("2026-03-12T18:00:00Z")) {
				t.Errorf("zoned event moved with the owner: %v", jane.Start)
			}
		})
	}
}

func TestOutlookInviteAndCancel(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	const uid = "040000008200E00074C5B7101A82E00800000000D0C4F3A1E8A7DC010000000000000000100000004B6F2E0D3A9C4E41A7F1C2B3D4E5F607"
	tests := []struct {
		file     string
		method   Method
		status   string
		sequence int
		summary  string
	}{
		{"outlook-invite.ics", MethodRequest, "CONFIRMED", 0, "Acme Corp – onsite interview"},
		{"outlook-cancel.ics", MethodCancel, "CANCELLED", 1, "Canceled: Acme Corp – onsite interview"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cal := mustParse(t, fixture(t, tt.file), Options{Location: ny})
			noProblems(t, cal)
			if cal.Method != tt.method {
				t.Errorf("Method = %q, want %q", cal.Method, tt.method)
			}
			e := one(t, cal, uid)
			// "Pacific Standard Time" is a Windows zone name: 10:00 PDT.
			if !e.Start.Equal(utc("2026-03-24T17:00:00Z")) || !e.End.Equal(utc("2026-03-24T19:00:00Z")) {
				t.Errorf("times %v - %v", e.Start, e.End)
			}
			if e.Status != tt.status || e.Sequence != tt.sequence || e.Summary != tt.summary {
				t.Errorf("status %q sequence %d summary %q", e.Status, e.Sequence, e.Summary)
			}
			if e.Organizer == nil || e.Organizer.Name != "Jane Doe" || e.Organizer.Email != "jane.doe@acme.com" {
				t.Errorf("organizer %+v", e.Organizer)
			}
			want := []Person{
				{Email: "alex.morgan@example.org", Name: "Morgan, Alex", PartStat: "NEEDS-ACTION", Role: "REQ-PARTICIPANT"},
				{Email: "raj.patel@acme.com", Name: "Dr. Raj Patel", PartStat: "NEEDS-ACTION", Role: "REQ-PARTICIPANT"},
				{Email: "recruiting@greenhouse.io", Name: "recruiting@greenhouse.io", PartStat: "NEEDS-ACTION", Role: "OPT-PARTICIPANT"},
				{Email: "sf-12-goldengate@acme.com", Name: "Acme SF 12th Floor - Golden Gate (10)", CUType: "ROOM", PartStat: "NEEDS-ACTION", Role: "NON-PARTICIPANT"},
			}
			if !slices.Equal(e.Attendees, want) {
				t.Errorf("attendees\n got %+v\nwant %+v", e.Attendees, want)
			}
		})
	}
	t.Run("long folded description", func(t *testing.T) {
		e := one(t, mustParse(t, fixture(t, "outlook-invite.ics"), Options{Location: ny}), uid)
		for _, want := range []string{
			"Your onsite interview for the Staff Software Engineer, Payments role",
			"10:45 – 11:30  Coding (Dr. Raj Patel, Principal Engineer)",
			"Meeting ID: 245 871 336 902",
		} {
			if !strings.Contains(e.Description, want) {
				t.Errorf("description lacks %q:\n%s", want, e.Description)
			}
		}
	})
}

func TestAppleExport(t *testing.T) {
	tests := []struct {
		owner     string
		mockStart string // the floating event follows the owner's zone
	}{
		{"America/New_York", "2026-03-25T20:00:00Z"},
		{"Asia/Kolkata", "2026-03-25T10:30:00Z"},
		{"UTC", "2026-03-25T16:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.owner, func(t *testing.T) {
			cal := mustParse(t, fixture(t, "apple-export.ics"), Options{Location: loadLoc(t, tt.owner)})
			noProblems(t, cal)
			mock := one(t, cal, "3C6F1E2A-8B4D-4F7A-9C1E-5D2B8A7F6E01")
			if !mock.Start.Equal(utc(tt.mockStart)) || mock.End.Sub(mock.Start) != time.Hour {
				t.Errorf("floating: %v - %v, want start %s", mock.Start, mock.End, tt.mockStart)
			}
			dentist := one(t, cal, "A7D2C9E4-5B1F-4E8A-B3C6-9F0D1E2A3B4C")
			if !dentist.Start.Equal(utc("2026-03-26T13:30:00Z")) {
				t.Errorf("UTC event moved: %v", dentist.Start)
			}
			if !strings.HasPrefix(dentist.Location, "Brooklyn Smiles Dental\n220 Court St, Brooklyn") {
				t.Errorf("location %q", dentist.Location)
			}
			prep := one(t, cal, "C1E3A5B7-9D2F-4C6E-8A0B-2D4F6A8C0E1F")
			if !prep.Start.Equal(utc("2026-03-27T13:30:00Z")) || prep.End.Sub(prep.Start) != 45*time.Minute {
				t.Errorf("DURATION event: %v - %v", prep.Start, prep.End)
			}
		})
	}
	t.Run("people with EMAIL parameters", func(t *testing.T) {
		cal := mustParse(t, fixture(t, "apple-export.ics"), Options{Location: time.UTC})
		e := one(t, cal, "5E9B7A3C-2D4F-4B6A-8E1C-7F3D5B9A1C2E")
		if e.Organizer == nil || e.Organizer.Email != "noreply@calendly.com" {
			t.Errorf("organizer %+v", e.Organizer)
		}
		if len(e.Attendees) != 2 || e.Attendees[0].Name != "Dana Scully" || e.Attendees[1].Email != "alex.morgan@example.org" {
			t.Errorf("attendees %+v", e.Attendees)
		}
	})
	t.Run("yearly all-day series in a window", func(t *testing.T) {
		ny := loadLoc(t, "America/New_York")
		cal := mustParse(t, fixture(t, "apple-export.ics"), Options{
			Location: ny, From: time.Date(2026, 1, 1, 0, 0, 0, 0, ny), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, ny),
		})
		e := one(t, cal, "E8F0A2C4-6B8D-4F1A-9C3E-5A7B9D1F3E5A")
		want := time.Date(2026, 4, 12, 0, 0, 0, 0, ny)
		if !e.AllDay || !e.Start.Equal(want) || !e.End.Equal(want.AddDate(0, 0, 1)) || !e.RecurrenceID.Equal(want) {
			t.Errorf("birthday: allday %v %v - %v rid %v", e.AllDay, e.Start, e.End, e.RecurrenceID)
		}
	})
}

func TestDSTFixture(t *testing.T) {
	// The owner's zone must not matter for zoned events.
	for _, owner := range []string{"UTC", "America/New_York", "Asia/Kolkata"} {
		t.Run(owner, func(t *testing.T) {
			cal := mustParse(t, fixture(t, "dst.ics"), Options{Location: loadLoc(t, owner)})
			noProblems(t, cal)
			tests := []struct {
				uid    string
				starts []string
				end    string // of the first, "" to skip
			}{
				{"dst-ny-spring-before@example.org", []string{"2026-03-06T15:00:00Z"}, "2026-03-06T15:30:00Z"},
				// 02:30 does not exist on 2026-03-08 in New York: it is read
				// with the offset before the gap, that is 03:30 EDT.
				{"dst-ny-spring-gap@example.org", []string{"2026-03-08T07:30:00Z"}, "2026-03-08T08:00:00Z"},
				{"dst-ny-spring-after@example.org", []string{"2026-03-09T14:00:00Z"}, "2026-03-09T15:00:00Z"},
				{"dst-ny-daily-gap@example.org", []string{"2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"}, ""},
				{"dst-ny-fall-before@example.org", []string{"2026-10-30T14:00:00Z"}, ""},
				// 01:30 happens twice on 2026-11-01: the first (EDT) counts;
				// 02:00 happens once, in EST.
				{"dst-ny-fall-repeated@example.org", []string{"2026-11-01T05:30:00Z"}, "2026-11-01T07:00:00Z"},
				{"dst-ny-fall-after@example.org", []string{"2026-11-02T15:00:00Z"}, ""},
				{"dst-ny-weekly-fall@example.org", []string{"2026-10-22T14:00:00Z", "2026-10-29T14:00:00Z", "2026-11-05T15:00:00Z"}, ""},
				// A weekly 10:00 Los Angeles series stays at 10:00 local.
				{"dst-la-weekly-spring@example.org", []string{"2026-02-26T18:00:00Z", "2026-03-05T18:00:00Z", "2026-03-12T17:00:00Z", "2026-03-19T17:00:00Z"}, ""},
				// Europe/Berlin has no VTIMEZONE in the file.
				{"dst-berlin-spring-before@example.org", []string{"2026-03-27T08:00:00Z"}, ""},
				{"dst-berlin-spring-gap@example.org", []string{"2026-03-29T01:30:00Z"}, "2026-03-29T02:30:00Z"},
				{"dst-berlin-spring-after@example.org", []string{"2026-03-30T07:00:00Z"}, ""},
				{"dst-berlin-fall-before@example.org", []string{"2026-10-23T07:00:00Z"}, ""},
				{"dst-berlin-fall-repeated@example.org", []string{"2026-10-25T00:30:00Z"}, "2026-10-25T02:30:00Z"},
				{"dst-berlin-fall-after@example.org", []string{"2026-10-26T08:00:00Z"}, ""},
				{"dst-berlin-weekly-fall@example.org", []string{"2026-10-16T07:00:00Z", "2026-10-23T07:00:00Z", "2026-10-30T08:00:00Z", "2026-11-06T08:00:00Z"}, ""},
			}
			for _, tt := range tests {
				evs := byUID(cal, tt.uid)
				if got := starts(evs); !slices.Equal(got, tt.starts) {
					t.Errorf("%s starts\n got %v\nwant %v", tt.uid, got, tt.starts)
					continue
				}
				if tt.end != "" && !evs[0].End.Equal(utc(tt.end)) {
					t.Errorf("%s end %v, want %s", tt.uid, evs[0].End, tt.end)
				}
			}
		})
	}
}

func TestBrokenFixture(t *testing.T) {
	cal := mustParse(t, fixture(t, "broken.ics"), Options{Location: time.UTC})
	if got := []string{cal.Events[0].UID, cal.Events[1].UID}; len(cal.Events) != 2 ||
		!slices.Equal(got, []string{"broken-good-1@acme.com", "broken-good-2@greenhouse.io"}) {
		t.Errorf("good events: %+v", cal.Events)
	}
	if len(cal.Problems) != 1 {
		t.Fatalf("problems: %+v", cal.Problems)
	}
	p := cal.Problems[0]
	if p.UID != "broken-bad-dtstart@initech.com" || p.Summary != "Phone screen: Initech" || p.Err == nil ||
		!strings.Contains(p.Err.Error(), "DTSTART") {
		t.Errorf("problem %+v", p)
	}
}
