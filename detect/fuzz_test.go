package detect

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// FuzzDetect feeds arbitrary summaries, descriptions, names and addresses
// through Event and checks what must hold whatever the input: no panic, a
// verdict that is either an interview or a skip with a reason, fields
// copied, the owner never an interviewer, one-line names, and the same
// answer twice.
func FuzzDetect(f *testing.F) {
	seeds := [][4]string{
		{"Interview with Jane Doe at Acme Corp", "Position: Senior Engineer\nPhone: +1 415 555 0134", `"Doe, Jane"`, "jane@eng.acme.co.uk"},
		{"Phone screen: Globex", "You will meet Dr. Doe. tel:+14155550134", "Dr. Jane Doe", "MAILTO:Jane@Globex.com"},
		{"Acme Corp – onsite interview", "<p>for the <b>Staff SRE</b> role</p>", "Room 4B", "room.4b@acme.com"},
		{"Mock interview", "interview prep", "Sam Seeker", ownerEmail},
		{"Canceled: Interview – Initech", "One tap mobile\n+16465588656,,85412345678#", "Calendly", "no-reply@calendly.com"},
		{"[Acme] Interview @ Mon 10am", "Role: Hiring Manager", "Smith, Dr. John, PhD", "john@xn--mller-kva.de"},
		{"", "", "", ""},
		{"interview", "\xff\xfe", "\x00", "@"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3])
	}
	cfg := config.Default()
	cfg.Owner.Name = "Sam Seeker"
	cfg.Owner.Email = ownerEmail
	cfg.Owner.Aliases = []string{"sam.seeker@alias.example.net"}
	cfg.Owner.Phone = "+1 555 010 0199"
	cfg.Companies = []config.Company{{Match: "initech.com", Name: "Initech"}, {Match: "globex", Name: "Globex Corp"}}

	f.Fuzz(func(t *testing.T, summary, desc, cn, email string) {
		ev := calendar.Event{
			UID: "fuzz", Summary: summary, Description: desc, Location: desc,
			Start: start, End: end,
			Organizer: &calendar.Person{Email: email, Name: cn},
			Attendees: []calendar.Person{
				{Email: ownerEmail, Name: "Sam Seeker"},
				{Email: email, Name: cn, PartStat: "ACCEPTED"},
				{Email: "bob@" + strings.ToLower(cn) + ".com", Name: summary},
			},
		}
		iv, skip := Event(ev, calendar.MethodRequest, cfg)
		iv2, skip2 := Event(ev, calendar.MethodRequest, cfg)
		if !reflect.DeepEqual(iv, iv2) || !reflect.DeepEqual(skip, skip2) {
			t.Fatalf("two runs differ: %#v %+v / %#v %+v", iv, skip, iv2, skip2)
		}
		if skip != nil {
			if skip.Reason == "" || skip.UID != ev.UID || skip.Summary != summary {
				t.Fatalf("bad skip %+v", *skip)
			}
			if !reflect.DeepEqual(iv, interview.Interview{}) {
				t.Fatalf("skip with an interview: %#v", iv)
			}
			return
		}
		if iv.UID != ev.UID || iv.Summary != summary || iv.Description != desc || iv.Location != desc ||
			!iv.Start.Equal(start) || !iv.End.Equal(end) || iv.Status != interview.Scheduled {
			t.Fatalf("fields not copied: %#v", iv)
		}
		seen := map[string]bool{}
		for _, p := range iv.Interviewers {
			if cfg.Owner.IsOwner(p.Email) {
				t.Fatalf("owner %q is an interviewer", p.Email)
			}
			if seen[p.Email] || !strings.Contains(p.Email, "@") {
				t.Fatalf("bad or repeated interviewer email %q", p.Email)
			}
			seen[p.Email] = true
			assertOneLine(t, "name", p.Name)
			assertOneLine(t, "email", p.Email)
			if p.Name != strings.TrimSpace(p.Name) {
				t.Fatalf("name %q not trimmed", p.Name)
			}
			switch p.Honorific {
			case interview.NoHonorific, interview.Mr, interview.Ms, interview.Mrs, interview.Dr:
			default:
				t.Fatalf("honorific %q", p.Honorific)
			}
		}
		assertOneLine(t, "company", iv.Company)
		assertOneLine(t, "position", iv.Position)
		assertOneLine(t, "phone", iv.Phone)
		if iv.Phone != "" && len(digits(iv.Phone)) < 7 {
			t.Fatalf("phone %q has too few digits", iv.Phone)
		}
	})
}

func assertOneLine(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsFunc(s, unicode.IsControl) {
		t.Fatalf("%s %q holds a control character", what, s)
	}
}
