package detect

import (
	"testing"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
)

func TestCompanyFromSummary(t *testing.T) {
	jane := person("jane@gmail.com", "Jane Doe") // a provider address, so only the summary can name the company
	tests := []struct {
		summary string
		want    string
	}{
		// The examples.
		{"Interview with Jane Doe at Acme Corp", "Acme Corp"},
		{"Phone screen: Globex", "Globex"},
		{"Acme Corp – onsite interview", "Acme Corp"},
		{"Interview – Acme Corp", "Acme Corp"},
		{"Onsite interview @ Initech", "Initech"},
		{"Interview with Jane Doe", ""},
		// Separators.
		{"Acme Corp - Interview", "Acme Corp"},
		{"Acme Corp — Interview", "Acme Corp"},
		{"Interview–Acme Corp", "Acme Corp"},
		{"Interview | Acme Corp", "Acme Corp"},
		{"Interview: Acme Corp", "Acme Corp"},
		{"[Acme] Onsite interview", "Acme"},
		{"Interview @Initech", "Initech"},
		{"Coca-Cola interview", ""}, // no separator, no suffix: not guessed
		{"Interview - Coca-Cola", "Coca-Cola"},
		// The person and the owner are not the company.
		{"Interview – Jane Doe", ""},
		{"Interview – Jane", ""},
		{"Interview – Jane Doe and Sam Seeker", ""},
		{"Interview – Jane Doe x Sam", ""},
		{"Interview – Acme and Sam Seeker", "Acme"},
		{"Interview – Jane Doe x Acme", "Acme"},
		{"Interview – Procter and Gamble", "Procter and Gamble"},
		{"Interview – Acme Corp & Initech", "Acme Corp & Initech"}, // two companies: not split
		{"Acme Interview - Sam Seeker", ""},
		{"Jane Doe – Phone screen – Globex", "Globex"},
		{"Interview with Jane Doe – Acme Corp", "Acme Corp"},
		// "with X" and "X interview" only when X reads as a company.
		{"Interview with Acme Corp", "Acme Corp"},
		{"Interview with Acme Labs", "Acme Labs"},
		{"Acme Corp interview", "Acme Corp"},
		{"Acme Corp technical interview", "Acme Corp"},
		{"Bob Smith interview", ""},
		// "at" that is not a company.
		{"Interview at 3pm", ""},
		{"Interview at 10:30 – Acme", "Acme"},
		{"Interview at the office", ""},
		{"Interview at the Berlin office", ""},
		{"Interview at Acme HQ", "Acme"},
		{"Interview at The New York Times", "The New York Times"},
		{"Interview at Acme on Zoom", "Acme"},
		{"Interview at Acme Corp for Senior Engineer", "Acme Corp"},
		{"Interview for Senior Engineer at Acme", "Acme"},
		{"Interview at Acme, Room 4", "Acme"},
		{"Interview at Acme (final round)", "Acme"},
		{"Interview @ Mon Mar 9, 2026 10am", ""},
		{"Interview at 123 Main St", ""},
		{"Interview @ Zoom", ""},
		{"Interview on Google Meet – Acme", "Acme"},
		// Parts that are not companies.
		{"Interview – Final round", ""},
		{"Interview – Senior Backend Engineer", ""},
		{"Interview - 30 min", ""},
		{"Interview – Microsoft Teams", ""},
		{"Interview – tbd", ""},
		{"Interview - acme", ""}, // all lower case: not trusted
		{"Interview - eBay", "eBay"},
		{"Senior Engineer – Acme – Interview", "Acme"},
		// Client prefixes.
		{"Canceled: Interview – Acme", "Acme"},
		{"Updated invitation: Interview – Acme", "Acme"},
		{"FW: Interview – Acme", "Acme"},
		// No keyword in the summary: nothing to anchor on.
		{"Acme Corp – Jane Doe", ""},
		{"", ""},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		ev := timed(tt.summary, "This is an interview.", jane)
		iv, skip := Event(ev, calendar.MethodNone, cfg)
		if skip != nil {
			t.Fatalf("%q skipped: %s", tt.summary, skip.Reason)
		}
		if iv.Company != tt.want {
			t.Errorf("%q: company = %q, want %q", tt.summary, iv.Company, tt.want)
		}
	}
}

func TestCompanyFromSummaryDomainLabel(t *testing.T) {
	cfg := testConfig(t)
	tests := []struct {
		summary string
		email   string
		want    string
	}{
		{"Interview with ACME", "jane@acme.com", "ACME"},          // the summary's spelling wins
		{"Globex interview", "ann@globex.io", "Globex"},           // words before the keyword
		{"Interview with Jane", "jane@acme.com", "Acme"},          // a person: the domain decides
		{"Interview with Initech", "jane@gmail.com", ""},          // no suffix, no matching domain
		{"Interview with Big Co", "jane@bigco.example", "Big Co"}, // suffix
		{"Interview with Big Corp", "jane@big-corp.com", "Big Corp"},
	}
	for _, tt := range tests {
		iv, skip := Event(timed(tt.summary, "", person(tt.email, "Jane Doe")), calendar.MethodNone, cfg)
		if skip != nil {
			t.Fatalf("%q skipped: %s", tt.summary, skip.Reason)
		}
		if iv.Company != tt.want {
			t.Errorf("%q with %s: company = %q, want %q", tt.summary, tt.email, iv.Company, tt.want)
		}
	}
}

func TestCompanyRules(t *testing.T) {
	cfg := testConfig(t)
	cfg.Companies = []config.Company{
		{Match: "initech.com", Name: "Initech Corporation", Formality: config.Formal},
		{Match: "globex", Name: "Globex International"},
		{Match: "example.org", Name: "Owner's Own"}, // the owner's domain: must never match the owner
		{Match: "acme", Name: "ACME by summary"},
	}
	tests := []struct {
		name      string
		summary   string
		organizer *calendar.Person
		people    []calendar.Person
		want      string
	}{
		{"domain rule", "Interview", nil, []calendar.Person{person("jane@initech.com", "Jane")}, "Initech Corporation"},
		{"domain rule, subdomain", "Interview", nil, []calendar.Person{person("jane@eng.initech.com", "Jane")}, "Initech Corporation"},
		{"domain rule, look-alike domain", "Interview", nil, []calendar.Person{person("jane@notinitech.com", "Jane")}, "Notinitech"},
		{"domain rule via no-reply organizer", "Interview", &calendar.Person{Email: "noreply@initech.com"}, nil, "Initech Corporation"},
		{"domain rule beats summary", "Interview – Acme", nil, []calendar.Person{person("jane@initech.com", "Jane")}, "Initech Corporation"},
		{"summary rule, case-insensitive", "GLOBEX phone screen", nil, nil, "Globex International"},
		{"summary rule beats summary parsing", "Interview – Acme Corp", nil, nil, "ACME by summary"},
		{"file order decides", "Interview – Globex and Acme", nil, nil, "Globex International"},
		{"owner's domain rule ignores the owner", "Interview", nil, nil, ""},
		{"owner's domain rule matches a colleague", "Interview", nil, []calendar.Person{person("pat@example.org", "Pat")}, "Owner's Own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := timed(tt.summary, "", tt.people...)
			ev.Organizer = tt.organizer
			iv, skip := Event(ev, calendar.MethodNone, cfg)
			if skip != nil {
				t.Fatalf("skipped: %s", skip.Reason)
			}
			if iv.Company != tt.want {
				t.Errorf("company = %q, want %q", iv.Company, tt.want)
			}
		})
	}
}

func TestCompanyFromDomain(t *testing.T) {
	tests := []struct {
		name      string
		organizer *calendar.Person
		people    []calendar.Person
		want      string
	}{
		{"simple", nil, []calendar.Person{person("jane@acme.com", "Jane")}, "Acme"},
		{"registrable domain", nil, []calendar.Person{person("jane@eng.acme.co.uk", "Jane")}, "Acme"},
		{"deep subdomain", nil, []calendar.Person{person("jane@mail.corp.initech.com.au", "Jane")}, "Initech"},
		{"hyphenated", nil, []calendar.Person{person("jane@acme-corp.de", "Jane")}, "Acme-Corp"},
		{"unlisted TLD", nil, []calendar.Person{person("jane@acme.example", "Jane")}, "Acme"},
		{"punycode", nil, []calendar.Person{person("jane@xn--mller-kva.de", "Jane")}, "Müller"},
		{"punycode that decodes to a control character", nil, []calendar.Person{person("jane@xn--a.com", "Jane")}, ""},
		{"not a host name", nil, []calendar.Person{person("jane@ac!me.com", "Jane")}, ""},
		{"mail provider", nil, []calendar.Person{person("jane@gmail.com", "Jane")}, ""},
		{"mail provider, other TLD", nil, []calendar.Person{person("jane@yahoo.co.uk", "Jane")}, ""},
		{"mail provider by domain", nil, []calendar.Person{person("jane@me.com", "Jane")}, ""},
		{"provider first, company second", nil, []calendar.Person{person("jane@outlook.com", "Jane"), person("bob@globex.com", "Bob")}, "Globex"},
		{"the owner's domain", nil, []calendar.Person{person("pat@example.org", "Pat")}, ""},
		{"the alias's domain", nil, []calendar.Person{person("pat@mail.alias.example.net", "Pat")}, ""},
		{"scheduling organizer, no interviewer", &calendar.Person{Email: "events@calendly.com", Name: "Calendly"}, nil, ""},
		{"ATS organizer, company interviewer", &calendar.Person{Email: "jobs@us.greenhouse-mail.io"}, []calendar.Person{person("jane@acme.com", "Jane")}, "Acme"},
		{"Google Calendar notification", &calendar.Person{Email: "calendar-notification@google.com"}, nil, ""},
		{"Google the employer", nil, []calendar.Person{person("jane@google.com", "Jane")}, "Google"},
		{"Teams notification", &calendar.Person{Email: "meet@teams.microsoft.com"}, nil, ""},
		{"Microsoft the employer", nil, []calendar.Person{person("jane@microsoft.com", "Jane")}, "Microsoft"},
		{"Workday tenant", &calendar.Person{Email: "acme@myworkday.com"}, nil, ""},
		{"room at the company's domain is not an interviewer", nil, []calendar.Person{{Email: "everest@acme.com", CUType: "ROOM"}}, ""},
		{"no-reply at the company is not an interviewer", nil, []calendar.Person{person("noreply@acme.com", "")}, ""},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := timed("Interview", "", tt.people...)
			ev.Organizer = tt.organizer
			iv, skip := Event(ev, calendar.MethodNone, cfg)
			if skip != nil {
				t.Fatalf("skipped: %s", skip.Reason)
			}
			if iv.Company != tt.want {
				t.Errorf("company = %q, want %q", iv.Company, tt.want)
			}
		})
	}
}

func TestRegistrable(t *testing.T) {
	tests := []struct{ domain, reg, label string }{
		{"acme.com", "acme.com", "acme"},
		{"eng.acme.co.uk", "acme.co.uk", "acme"},
		{"ACME.COM.", "acme.com", "acme"},
		{"co.uk", "co.uk", "co"}, // a bare public suffix falls back to its last two labels
		{"localhost", "localhost", "localhost"},
	}
	for _, tt := range tests {
		reg, label := registrable(tt.domain)
		if reg != tt.reg || label != tt.label {
			t.Errorf("registrable(%q) = %q, %q; want %q, %q", tt.domain, reg, label, tt.reg, tt.label)
		}
	}
}
