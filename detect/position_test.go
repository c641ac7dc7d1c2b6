package detect

import (
	"testing"

	"github.com/followupd/followupd/calendar"
)

func TestPosition(t *testing.T) {
	tests := []struct {
		summary, desc string
		want          string
	}{
		// Description lines.
		{"Interview – Acme", "Hello!\nPosition: Senior Backend Engineer\nLocation: HQ", "Senior Backend Engineer"},
		{"Interview – Acme", "Role: Staff SRE (Remote)", "Staff SRE"},
		{"Interview – Acme", "  * Job title: Data Analyst", "Data Analyst"},
		{"Interview – Acme", "Job: Product Designer", "Product Designer"},
		{"Interview – Acme", "<p>Position: <b>QA Engineer</b></p>", "QA Engineer"},
		{"Interview – Acme", "Role: Hiring Manager", ""}, // the interviewer's role
		{"Interview – Acme", "Role: https://acme.com/jobs/1", ""},
		{"Interview – Acme", "Your role in this interview: listen", ""},
		// Summary.
		{"Interview for Senior Backend Engineer at Acme", "", "Senior Backend Engineer"},
		{"Interview for the Platform role at Acme", "", "Platform"},
		{"Interview for Acme", "", ""}, // a company, not a title
		{"Acme – Staff SRE interview", "", "Staff SRE"},
		{"Acme – Senior Engineer onsite interview", "", "Senior Engineer"},
		{"Senior Backend Engineer – Acme – Interview", "", "Senior Backend Engineer"},
		{"Acme Corp – Phone screen – Data Scientist", "", "Data Scientist"},
		{"Hiring manager interview – Acme", "", ""},
		{"CTO interview – Acme", "", ""},
		{"Technical interview – Acme", "", ""},
		{"Interview with Jane Doe at Acme Corp", "", ""},
		// Description phrase.
		{"Interview – Acme", "Thanks for applying for the Senior Data Engineer position.", "Senior Data Engineer"},
		{"Interview – Acme", "We are excited to talk about your application for the backend developer role", "backend developer"},
		{"Interview – Acme", "Let us know if the time works for you.", ""},
		{"Interview – Acme", "Thanks for your interest in the Senior Backend Engineer position.", "Senior Backend Engineer"},
		{"Interview – Acme", "our conversation about the Senior Backend Engineer position. You will meet", "Senior Backend Engineer"},
		{"Interview – Acme", "Your onsite interview for the Staff Software Engineer, Payments role is below.", "Staff Software Engineer, Payments"},
		{"Interview – Acme", "We hope the meeting, and the office, suit your role", ""},
		{"Interview – Acme", "Your role in this interview: listen", ""},
		{"Interview – Acme", "Read about the role.", ""},
		{"Interview – Acme", "Thanks for applying for the open position.", ""},
		{"Interview – Acme", "We are hiring for the Platform role.", "Platform"},
		{"Interview – Acme", "This is a new role, as explained.", ""},
		// A description line with a keyword, read like a summary.
		{"Interview – Globex", "Phone screen for Site Reliability Engineer at Globex.\nSam will call you.", "Site Reliability Engineer"},
		{"Interview – Globex", "Final round interview for the Platform Engineer role.", "Platform Engineer"},
		{"Interview – Globex", "Thanks for your time. Sorry for the delay.", ""},
		// Line beats summary beats phrase.
		{"Interview for Senior Engineer at Acme", "Position: Principal Engineer", "Principal Engineer"},
		{"Interview for Senior Engineer at Acme", "for the Junior Developer role", "Senior Engineer"},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		iv, skip := Event(timed(tt.summary, tt.desc+"\ninterview"), calendar.MethodNone, cfg)
		if skip != nil {
			t.Fatalf("%q skipped: %s", tt.summary, skip.Reason)
		}
		if iv.Position != tt.want {
			t.Errorf("summary %q, description %q: position = %q, want %q", tt.summary, tt.desc, iv.Position, tt.want)
		}
	}
}

func TestPhone(t *testing.T) {
	tests := []struct {
		name, desc, location string
		want                 string
	}{
		{"phone line", "Phone: +1 (415) 555-0134", "", "+1 (415) 555-0134"},
		{"tel line", "Tel. 030 1234567", "", "030 1234567"},
		{"call line", "Call: 020 7946 0958", "", "020 7946 0958"},
		{"phone number label", "Phone number: 415.555.0134", "", "415.555.0134"},
		{"mobile with plus", "Jane's mobile +44 7700 900123", "", "+44 7700 900123"},
		{"tel URI", "Reach me at tel:+14155550134 if late", "", "+14155550134"},
		{"tel URI in HTML", plainText(`<a href="tel:+14155550134">call me</a>`), "", "+14155550134"},
		{"location is a number", "", "+1 415 555 0134", "+1 415 555 0134"},
		{"location phone label", "", "Phone call: (415) 555-0134", "(415) 555-0134"},
		{"location before description", "Phone: 415 555 0100", "Tel: 415 555 0199", "415 555 0199"},
		{"the owner's number is skipped", "We will call you at Phone: +1 555 010 0199.\nCall: +1 415 555 0134", "", "+1 415 555 0134"},
		{"the owner's number in the location", "", "+15550100199", ""},
		{"Zoom one tap", "One tap mobile\n+16465588656,,85412345678# US (New York)", "", ""},
		{"Zoom tel URI", "tel:+16465588656,,85412345678#", "", ""},
		{"Meet dial-in", "Join by phone\n(US) +1 475-555-0100 PIN: 123456#", "", ""},
		{"Teams call in", "Call in (audio only)\n+1 323-555-0100,,123456789#", "", ""},
		{"label without colon, no plus", "Call 415 555 0134", "", ""},
		{"date after label", "Call: 2026-03-10", "", ""},
		{"time after label", "Call: 10:30", "", ""},
		{"too short", "Phone: 12345", "", ""},
		{"telephone word inside another", "Hotel: 415 555 0134", "", ""},
		{"call the desk at", "Questions? Call the recruiting desk at +1 (415) 555-0142.", "", "+1 (415) 555-0142"},
		{"reach me on", "You can reach me on 020 7946 0958 any time", "", "020 7946 0958"},
		{"call you at is the owner's", "Sam Lee will call you at +1 (646) 555-0199.", "", ""},
		{"call the owner by name", "Dana Scully (Hooli) will call Sam Seeker at +1 212-555-0187.", "", ""},
		{"call your mobile", "We will phone your mobile at +1 (646) 555-0199", "", ""},
		{"call at a dial string", "Call in at +1 323-555-0100,,123456#", "", ""},
		{"call on a date", "Call on 2026-03-10 at 10:00", "", ""},
		{"call ... at too far", "Call us with any questions, the address is at 1234567 Main Street", "", ""},
		{"no phone", "See you on Zoom", "https://zoom.us/j/123456789", ""},
		{"location address", "", "123 Main Street, Springfield", ""},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := timed("Interview – Acme", tt.desc)
			ev.Location = tt.location
			iv, skip := Event(ev, calendar.MethodNone, cfg)
			if skip != nil {
				t.Fatalf("skipped: %s", skip.Reason)
			}
			if iv.Phone != tt.want {
				t.Errorf("phone = %q, want %q", iv.Phone, tt.want)
			}
		})
	}
}

func TestPositionDropsCompany(t *testing.T) {
	cfg := testConfig(t)
	iv, skip := Event(timed("Acme Senior Engineer interview", "", person("jane@acme.com", "Jane Doe")), calendar.MethodNone, cfg)
	if skip != nil {
		t.Fatalf("skipped: %s", skip.Reason)
	}
	if iv.Company != "Acme" || iv.Position != "Senior Engineer" {
		t.Errorf("company, position = %q, %q; want Acme, Senior Engineer", iv.Company, iv.Position)
	}
}
