package detect

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

const ownerEmail = "sam@example.org"

// testConfig is the default configuration with an owner; every time in these
// tests is UTC, so the process TZ does not matter.
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	c := config.Default()
	c.Owner.Name = "Sam Seeker"
	c.Owner.Email = ownerEmail
	c.Owner.Aliases = []string{"sam.seeker@alias.example.net"}
	c.Owner.Location = time.UTC
	c.Owner.Phone = "+1 555 010 0199"
	return c
}

var (
	start = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	end   = start.Add(time.Hour)
)

// timed is a one-hour event with the owner as an accepted attendee.
func timed(summary, desc string, people ...calendar.Person) calendar.Event {
	ev := calendar.Event{
		UID: "uid-1@example.com", Summary: summary, Description: desc,
		Start: start, End: end, Stamp: start.Add(-72 * time.Hour),
		Attendees: []calendar.Person{{Email: ownerEmail, Name: "Sam Seeker", PartStat: "ACCEPTED"}},
	}
	ev.Attendees = append(ev.Attendees, people...)
	return ev
}

func person(email, name string) calendar.Person {
	return calendar.Person{Email: email, Name: name, CUType: "INDIVIDUAL", PartStat: "NEEDS-ACTION", Role: "REQ-PARTICIPANT"}
}

func TestEventSkipReasons(t *testing.T) {
	jane := person("jane@acme.com", "Jane Doe")
	allDay := timed("Interview – Acme", "")
	allDay.AllDay = true
	allDayOther := timed("Company holiday", "")
	allDayOther.AllDay = true
	declined := timed("Interview – Acme", "", jane)
	declined.Attendees[0].PartStat = "DECLINED"
	aliasDeclined := timed("Interview – Acme", "", person("Sam.Seeker@Alias.Example.NET", "Sam"), jane)
	aliasDeclined.Attendees[1].PartStat = "declined"
	declinedOther := timed("Team lunch", "", jane)
	declinedOther.Attendees[0].PartStat = "DECLINED"
	janeDeclined := timed("Interview – Acme", "", jane)
	janeDeclined.Attendees[1].PartStat = "DECLINED"

	tests := []struct {
		name   string
		ev     calendar.Event
		reason string // "" for an interview
	}{
		{"summary keyword", timed("Interview with Jane Doe at Acme Corp", ""), ""},
		{"description keyword only", timed("Chat with Jane", "This is your first interview with Acme."), ""},
		{"case-insensitive", timed("PHONE SCREEN – Globex", ""), ""},
		{"hyphen joins phrase words", timed("Globex phone-screen", ""), ""},
		{"colon between phrase words", timed("Phone:screen Globex", ""), ""},
		{"plural", timed("Interviews at Acme", ""), ""},
		{"plural of onsite", timed("Onsites at Acme", ""), ""},
		{"possessive", timed("Acme interview's debrief", ""), ""},
		{"interviewer is not interview", timed("Interviewer training", ""), ReasonNoKeyword},
		{"interviewing is not interview", timed("Interviewing candidates", ""), ReasonNoKeyword},
		{"glued phrase is not the phrase", timed("Globex phonescreen", ""), ReasonNoKeyword},
		{"word inside another word", timed("Preinterview reading", ""), ReasonNoKeyword},
		{"no keyword", timed("Dentist", "Bring your insurance card."), ReasonNoKeyword},
		{"keyword only in URL", timed("Lunch", "See https://acme.com/interview-guide first"), ReasonNoKeyword},
		{"keyword only in email address", timed("Lunch", "Questions: interviews@acme.com"), ReasonNoKeyword},
		{"keyword only in HTML link", timed("Lunch", `<a href="https://acme.com/interview">menu</a><br>see you`), ReasonNoKeyword},
		{"keyword in HTML text", timed("Chat", `<p>Your <b>interview</b> with Acme</p>`), ""},
		{"exclude in summary", timed("Mock interview with Pat", ""), `matches exclude "mock interview"`},
		{"exclude plural", timed("Mock Interviews", ""), `matches exclude "mock interview"`},
		{"exclude in description", timed("Interview practice", "A mock interview with Sam"), `matches exclude "mock interview"`},
		{"second exclude", timed("Interview prep – Acme", ""), `matches exclude "interview prep"`},
		{"all-day interview", allDay, ReasonAllDay},
		{"all-day other", allDayOther, ReasonAllDay},
		{"owner declined", declined, ReasonDeclined},
		{"alias declined", aliasDeclined, ReasonDeclined},
		{"declined non-interview says no keyword", declinedOther, ReasonNoKeyword},
		{"interviewer declined is still an interview", janeDeclined, ""},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv, skip := Event(tt.ev, calendar.MethodNone, cfg)
			if tt.reason == "" {
				if skip != nil {
					t.Fatalf("skipped (%q), want an interview", skip.Reason)
				}
				if iv.UID != tt.ev.UID {
					t.Errorf("UID = %q, want %q", iv.UID, tt.ev.UID)
				}
				return
			}
			if skip == nil {
				t.Fatalf("detected an interview, want skip %q", tt.reason)
			}
			want := Skip{UID: tt.ev.UID, Summary: tt.ev.Summary, Reason: tt.reason}
			if *skip != want {
				t.Errorf("skip = %+v, want %+v", *skip, want)
			}
			if !reflect.DeepEqual(iv, interview.Interview{}) {
				t.Errorf("skipped event also returned interview %#v", iv)
			}
		})
	}
}

func TestEventCustomKeywords(t *testing.T) {
	cfg := testConfig(t)
	cfg.Detect.Keywords = []string{"on-site", "hiring chat"}
	cfg.Detect.Exclude = nil
	tests := []struct {
		summary string
		want    bool
	}{
		{"Acme on-site", true},
		{"Acme on site", true},
		{"Acme onsite", false}, // "onsite" is one word, "on-site" two
		{"Hiring chats with Acme", true},
		{"Interview with Acme", false},
	}
	for _, tt := range tests {
		_, skip := Event(timed(tt.summary, ""), calendar.MethodNone, cfg)
		if got := skip == nil; got != tt.want {
			t.Errorf("%q: interview = %v, want %v", tt.summary, got, tt.want)
		}
	}
}

func TestEventCopiesFields(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	rid := time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)
	ev := calendar.Event{
		UID: "series@acme.com", RecurrenceID: rid, Sequence: 3,
		Stamp:   time.Date(2026, 3, 1, 9, 0, 0, 0, ny),
		Status:  "CONFIRMED",
		Summary: "Interview – Acme", Description: "Meet the team.", Location: "Acme HQ, Room 5",
		Start: start.In(ny), End: end.In(ny),
	}
	iv, skip := Event(ev, calendar.MethodRequest, testConfig(t))
	if skip != nil {
		t.Fatalf("skipped: %s", skip.Reason)
	}
	want := interview.Interview{
		Key:      interview.Key{UID: "series@acme.com", RecurrenceID: rid},
		Sequence: 3, Stamp: time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC),
		Status:  interview.Scheduled,
		Summary: "Interview – Acme", Description: "Meet the team.", Location: "Acme HQ, Room 5",
		Company: "Acme", Start: start, End: end,
	}
	if !reflect.DeepEqual(iv, want) {
		t.Errorf("interview =\n%#v\nwant\n%#v", iv, want)
	}
	if iv.Start.Location() != time.UTC || iv.Stamp.Location() != time.UTC {
		t.Errorf("times not in UTC: start %v, stamp %v", iv.Start.Location(), iv.Stamp.Location())
	}
}

func TestEventStatus(t *testing.T) {
	cancelled := timed("Interview – Acme", "")
	cancelled.Status = "CANCELLED"
	tentative := timed("Interview – Acme", "")
	tentative.Status = "TENTATIVE"
	tests := []struct {
		name   string
		ev     calendar.Event
		method calendar.Method
		want   interview.Status
	}{
		{"request", timed("Interview – Acme", ""), calendar.MethodRequest, interview.Scheduled},
		{"export", tentative, calendar.MethodNone, interview.Scheduled},
		{"method cancel", timed("Interview – Acme", ""), calendar.MethodCancel, interview.Cancelled},
		{"method cancel lower-case", timed("Interview – Acme", ""), "cancel", interview.Cancelled},
		{"status cancelled", cancelled, calendar.MethodPublish, interview.Cancelled},
		{"Outlook cancel summary", timed("Canceled: Interview – Acme", ""), calendar.MethodCancel, interview.Cancelled},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv, skip := Event(tt.ev, tt.method, cfg)
			if skip != nil {
				t.Fatalf("skipped: %s", skip.Reason)
			}
			if iv.Status != tt.want {
				t.Errorf("status = %q, want %q", iv.Status, tt.want)
			}
			if iv.Company != "Acme" {
				t.Errorf("company = %q, want Acme", iv.Company)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	cfg := testConfig(t)
	if r := Detect(nil, cfg); r.Interviews != nil || r.Skipped != nil || r.Cancelled != nil {
		t.Errorf("Detect(nil) = %#v, want empty", r)
	}

	a := timed("Interview – Acme", "")
	a.UID = "a"
	b := timed("Dentist", "")
	b.UID = "b"
	b.Status = "CANCELLED"
	c := timed("Phone screen: Globex", "")
	c.UID = "c"
	c.Status = "CANCELLED"
	d := timed("Weekly sync", "")
	d.UID = "d"
	inst := timed("Onsite interview @ Initech", "")
	inst.UID, inst.RecurrenceID = "e", start
	b2 := b // the same cancelled event listed twice

	r := Detect(&calendar.Calendar{Method: calendar.MethodPublish, Events: []calendar.Event{a, b, c, d, inst, b2}}, cfg)
	var got []string
	for _, iv := range r.Interviews {
		got = append(got, iv.UID+"/"+string(iv.Status)+"/"+iv.Company)
	}
	want := []string{"a/scheduled/Acme", "c/cancelled/Globex", "e/scheduled/Initech"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("interviews = %q, want %q", got, want)
	}
	wantSkips := []Skip{
		{UID: "b", Summary: "Dentist", Reason: ReasonNoKeyword},
		{UID: "d", Summary: "Weekly sync", Reason: ReasonNoKeyword},
		{UID: "b", Summary: "Dentist", Reason: ReasonNoKeyword},
	}
	if !reflect.DeepEqual(r.Skipped, wantSkips) {
		t.Errorf("skipped = %+v, want %+v", r.Skipped, wantSkips)
	}
	wantCancelled := []interview.Key{{UID: "b"}, {UID: "c"}}
	if !reflect.DeepEqual(r.Cancelled, wantCancelled) {
		t.Errorf("cancelled = %+v, want %+v", r.Cancelled, wantCancelled)
	}

	// METHOD:CANCEL cancels every event in the object, matched or not.
	r = Detect(&calendar.Calendar{Method: calendar.MethodCancel, Events: []calendar.Event{d, inst}}, cfg)
	wantCancelled = []interview.Key{{UID: "d"}, {UID: "e", RecurrenceID: start}}
	if !reflect.DeepEqual(r.Cancelled, wantCancelled) {
		t.Errorf("cancel: cancelled = %+v, want %+v", r.Cancelled, wantCancelled)
	}
	if len(r.Interviews) != 1 || r.Interviews[0].Status != interview.Cancelled {
		t.Errorf("cancel: interviews = %#v, want one cancelled", r.Interviews)
	}
}

func TestEventNilConfig(t *testing.T) {
	iv, skip := Event(timed("Interview – Acme", ""), calendar.MethodNone, nil)
	if skip != nil || iv.Company != "Acme" {
		t.Errorf("nil config: interview %#v, skip %+v; want defaults to apply", iv, skip)
	}
}

// TestEventShapes runs whole events shaped like those Google Calendar,
// Outlook/Exchange, Apple Calendar and a scheduling tool send.
func TestEventShapes(t *testing.T) {
	owner := calendar.Person{Email: ownerEmail, Name: "Sam Seeker", PartStat: "ACCEPTED", CUType: "INDIVIDUAL"}
	tests := []struct {
		name string
		ev   calendar.Event
		want interview.Interview // only Company, Position, Phone, Interviewers are compared
	}{
		{
			name: "Google Calendar with Meet and a room",
			ev: calendar.Event{
				Summary: "Onsite interview @ Initech",
				Description: "Hi Sam, you will meet Ms. Ann Lee and Raj Patel.<br>Position: <b>Staff SRE</b><br>" +
					"-::~:~::~:~:~:~:~::~:~::-<br>Join with Google Meet: https://meet.google.com/abc-defg-hij<br>" +
					"Or dial: (US) +1 475-555-0100 PIN: 123456789#",
				Location:  "HQ-2-Everest (8)",
				Organizer: &calendar.Person{Email: "ann.lee@initech.com", Name: "Ann Lee"},
				Attendees: []calendar.Person{
					{Email: "ann.lee@initech.com", Name: "Ann Lee", PartStat: "ACCEPTED", CUType: "INDIVIDUAL"},
					owner,
					{Email: "raj@initech.com", Name: "Raj Patel", PartStat: "NEEDS-ACTION", CUType: "INDIVIDUAL"},
					{Email: "initech.com_2d3132@resource.calendar.google.com", Name: "HQ-2-Everest (8)", CUType: "RESOURCE", PartStat: "ACCEPTED"},
				},
			},
			want: interview.Interview{Company: "Initech", Position: "Staff SRE", Interviewers: []interview.Interviewer{
				{Name: "Ann Lee", Email: "ann.lee@initech.com", Honorific: interview.Ms},
				{Name: "Raj Patel", Email: "raj@initech.com"},
			}},
		},
		{
			name: "Outlook with Teams",
			ev: calendar.Event{
				Summary: "Acme Corp – Senior Backend Engineer – Phone screen",
				Description: "________________\nMicrosoft Teams meeting\nJoin on your computer or mobile app\n" +
					"Click here to join the meeting\nCall in (audio only)\n+1 323-555-0100,,123456789# United States\n" +
					"Phone Conference ID: 123 456 789#\n________________\nMy direct line — Tel: +1 (415) 555-0134",
				Location:  "Microsoft Teams Meeting",
				Organizer: &calendar.Person{Email: "Jane.Doe@acme.com", Name: "Doe, Jane"},
				Attendees: []calendar.Person{
					{Email: "SAM@EXAMPLE.ORG", Name: "sam@example.org", Role: "REQ-PARTICIPANT", PartStat: "NEEDS-ACTION"},
					{Email: "bldg1-conf-3@acme.com", Name: "Bldg1 Conf 3", CUType: "RESOURCE", Role: "NON-PARTICIPANT"},
				},
			},
			want: interview.Interview{Company: "Acme Corp", Position: "Senior Backend Engineer", Phone: "+1 (415) 555-0134",
				Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@acme.com"}}},
		},
		{
			name: "Apple Calendar, phone interview",
			ev: calendar.Event{
				Summary:   "Phone Interview",
				Location:  "+44 20 7946 0958",
				Organizer: &calendar.Person{Email: "hr@globex.co.uk", Name: `"Mrs Patricia Hale"`},
				Attendees: []calendar.Person{owner},
			},
			want: interview.Interview{Company: "Globex", Phone: "+44 20 7946 0958",
				Interviewers: []interview.Interviewer{{Name: "Patricia Hale", Email: "hr@globex.co.uk", Honorific: interview.Mrs}}},
		},
		{
			name: "Calendly booking by a recruiter on Gmail",
			ev: calendar.Event{
				Summary:     "Interview – Jane Doe and Sam Seeker",
				Description: "Event Name: 30 Minute Interview\n\nPlease share anything that will help prepare for our meeting.\nFor the Data Analyst role at Hooli.",
				Organizer:   &calendar.Person{Email: "jane.recruits@gmail.com", Name: "Jane Doe"},
				Attendees: []calendar.Person{
					owner,
					{Email: "notifications@calendly.com", Name: "Calendly"},
				},
			},
			want: interview.Interview{Position: "Data Analyst",
				Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.recruits@gmail.com"}}},
		},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.UID, tt.ev.Start, tt.ev.End = "shape", start, end
			iv, skip := Event(tt.ev, calendar.MethodRequest, cfg)
			if skip != nil {
				t.Fatalf("skipped: %s", skip.Reason)
			}
			// Interview prints as its Key (the embedded String method), so
			// compare and show the fields on their own.
			type who struct {
				Company, Position, Phone string
				Interviewers             []interview.Interviewer
			}
			got := who{iv.Company, iv.Position, iv.Phone, iv.Interviewers}
			want := who{tt.want.Company, tt.want.Position, tt.want.Phone, tt.want.Interviewers}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

// TestEventHugeInput feeds runaway summaries, descriptions and guest lists:
// each must be handled in bounded time (the quadratic versions of these
// rules took minutes), and the clipped text must still be read.
func TestEventHugeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	var guests []calendar.Person
	for i := range 5000 {
		guests = append(guests, person(fmt.Sprintf("p%d@acme%d.com", i, i), fmt.Sprintf("Jane Doe%d", i)))
	}
	tests := []struct {
		name    string
		ev      calendar.Event
		company string
	}{
		{"long summary", timed("Interview – Acme "+strings.Repeat("Acme ", 20000), ""), ""},
		{"many at", timed("Interview at Acme; "+strings.Repeat("interview at ", 20000), ""), "Acme"},
		{"many separators", timed("Interview – Acme"+strings.Repeat(" - interview", 20000), ""), "Acme"},
		{"many roles", timed("Interview – Acme", strings.Repeat("the role ", 20000)), "Acme"},
		{"many for", timed("Interview – Acme", strings.Repeat("interview for ", 20000)), "Acme"},
		{"many calls", timed("Interview – Acme", strings.Repeat("call ", 20000)), "Acme"},
		{"one huge line", timed("Interview – Acme", strings.Repeat("x", 1<<20)), "Acme"},
		{"many titles and guests", timed("Interview – Acme", strings.Repeat("Dr. Doe ", 20000), guests...), "Acme"},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			began := time.Now()
			iv, skip := Event(tt.ev, calendar.MethodNone, cfg)
			if took := time.Since(began); took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			if skip != nil {
				t.Fatalf("skipped: %s", skip.Reason)
			}
			if iv.Summary != tt.ev.Summary || iv.Description != tt.ev.Description {
				t.Error("summary or description not copied whole")
			}
			if tt.company != "" && iv.Company != tt.company {
				t.Errorf("company = %q, want %q", iv.Company, tt.company)
			}
		})
	}
}
