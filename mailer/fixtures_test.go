package mailer

import (
	"net/mail"
	"testing"
	"time"
	_ "time/tzdata" // the goldens need America/New_York even where the system has no zoneinfo

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// Fixed inputs: the owner lives in New York, and every time below is a UTC
// instant, so the goldens do not depend on the process's TZ.

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

func testOwner(t *testing.T) config.Owner {
	t.Helper()
	return config.Owner{
		Name:       "Alex Morgan",
		Email:      "alex.morgan@example.org",
		Location:   newYork(t),
		Phone:      "+1 555 0100",
		Attributes: []string{"ten years of building payment systems", "calm under incident pressure", "a habit of writing things down"},
		Value:      "I can take the reconciliation backlog off the team's hands in my first quarter",
		Unique:     "I have run both the engineering and the support side of a fintech product",
		Signature:  "alex.morgan@example.org · +1 555 0100",
	}
}

// bareOwner has nothing but a name, an address and a zone.
func bareOwner(t *testing.T) config.Owner {
	t.Helper()
	return config.Owner{Name: "Alex Morgan", Email: "alex.morgan@example.org", Location: newYork(t)}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The interview: Tuesday, March 3, 2026, 10:00–11:00 in New York.
var (
	ivStart = utc("2026-03-03T15:00:00Z")
	ivEnd   = utc("2026-03-03T16:00:00Z")
	tyNow   = utc("2026-03-03T17:05:00Z") // the thank-you is due an hour after the end
	slot    = utc("2026-03-06T14:00:00Z") // Friday 09:00 in New York
	callNow = utc("2026-03-06T13:55:00Z")
)

func acme() interview.Interview {
	return interview.Interview{
		Key:         interview.Key{UID: "acme-onsite-1@calendar.example"},
		Status:      interview.Scheduled,
		Summary:     "Interview with Jane Doe (Acme Corp)",
		Description: "Onsite interview for the Backend Engineer role.\nhttps://meet.example.com/abc-defg\nBring ID for the front desk.",
		Company:     "Acme Corp",
		Position:    "Backend Engineer",
		Start:       ivStart, End: ivEnd,
		Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@acme.example", Honorific: interview.Ms}},
		Phone:        "+1 555 0142",
	}
}

func initrode() interview.Interview {
	return interview.Interview{
		Key:          interview.Key{UID: "initrode-42@calendar.example"},
		Status:       interview.Scheduled,
		Summary:      "Initrode – final interview",
		Description:  "Final round with the head of platform.\nTopics: system design, on-call culture.",
		Company:      "Initrode Holdings",
		Position:     "Platform Lead",
		Start:        ivStart,
		End:          ivEnd,
		Interviewers: []interview.Interviewer{{Name: "Jordan Lee", Email: "j.lee@initrode.example"}},
	}
}

func globexPanel() interview.Interview {
	return interview.Interview{
		Key:     interview.Key{UID: "globex-panel@calendar.example"},
		Status:  interview.Scheduled,
		Summary: "Globex panel interview",
		Description: "Panel: Priya Raman (Engineering Manager) and Sam Okafor, Platform Tech Lead.\n" +
			"Please be ready to talk through a system you designed.",
		Company:  "Globex",
		Position: "Staff Engineer",
		Start:    ivStart, End: ivEnd,
		Interviewers: []interview.Interviewer{
			{Name: "Priya Raman", Email: "priya@globex.example", Honorific: interview.Dr},
			{Name: "Sam Okafor", Email: "sam.okafor@globex.example"},
		},
		Phone: "+1 555 0199",
	}
}

// bare is an interview the calendar said almost nothing about.
func bare() interview.Interview {
	return interview.Interview{
		Key:     interview.Key{UID: "bare@calendar.example"},
		Status:  interview.Scheduled,
		Summary: "Phone screen",
		Start:   ivStart, End: ivEnd,
	}
}

// otherOpen are the owner's other open interviews, for the call email.
func otherOpen() []interview.Interview {
	g := globexPanel()
	g.Start, g.End = utc("2026-03-04T19:00:00Z"), utc("2026-03-04T20:00:00Z")
	i := initrode()
	i.Start, i.End = utc("2026-03-09T14:00:00Z"), utc("2026-03-09T15:00:00Z")
	c := bare()
	c.Key.UID = "cancelled@calendar.example"
	c.Status = interview.Cancelled
	return []interview.Interview{i, acme(), g, c} // acme itself and the cancelled one are left out
}

// panelNotes name one panel member each for two of their lines.
const panelNotes = `They liked the story of the ledger migration.
Priya asked about how I mentor junior engineers
Sam wanted to know about my on-call experience
the team ships twice a week`

const acmeNotes = `- their move from batch reconciliation to streaming
- the on-call rotation is six people; they want a seventh
- Jane asked about my Kafka experience`

func testThread(id string) Thread {
	return Thread{
		From:      mail.Address{Name: "followupd", Address: "followupd@example.org"},
		MessageID: id + "@followupd.example.org",
	}
}
