package timerules

import (
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

func TestFormality(t *testing.T) {
	cfg := &config.Config{Companies: []config.Company{
		{Match: "bank.example", Name: "Old Bank", Formality: config.Formal},
		{Match: "startup", Name: "Startup", Formality: config.Casual},
	}}
	person := func(email string) []interview.Interviewer { return []interview.Interviewer{{Email: email}} }
	for _, c := range []struct {
		name   string
		iv     interview.Interview
		chosen string
		want   config.Formality
	}{
		{"the owner's choice wins", interview.Interview{Company: "Old Bank"}, "casual", config.Casual},
		{"the company's rule by name", interview.Interview{Company: "old bank"}, "", config.Formal},
		{"an interviewer's subdomain", interview.Interview{Interviewers: person("Ann@HR.Bank.Example")}, "", config.Formal},
		{"a look-alike domain is not it", interview.Interview{Interviewers: person("ann@notbank.example")}, "", config.Casual},
		{"no rule: casual", interview.Interview{Company: "Acme"}, "", config.Casual},
		{"an unknown stored value is no choice", interview.Interview{Company: "Old Bank"}, "stiff", config.Formal},
	} {
		if got := Formality(c.iv, c.chosen, cfg); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestCompanyKey(t *testing.T) {
	// As SQLite's lower(trim()): spaces only, ASCII letters only.
	for in, want := range map[string]string{
		"  Acme Corp ": "acme corp",
		"\tAcme":       "\tacme",
		"ÉCOLE":        "École", // SQLite lower() leaves non-ASCII letters alone
	} {
		if got := CompanyKey(in); got != want {
			t.Errorf("CompanyKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnoozeAcrossDST(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	s := schedule(t, "")
	// Saturday 7 March 2026, 14:00; clocks go forward on Sunday the 8th.
	from := at(t, ny, "2026-03-07 14:00")
	if got, want := SnoozeDays(from, 2, ny), at(t, ny, "2026-03-09 14:00"); !got.Equal(want) {
		t.Errorf("2d: %v, want %v", got.In(ny), want)
	}
	if got, want := SnoozeHours(from, 48), from.Add(48*time.Hour); !got.Equal(want) {
		t.Errorf("48h: %v, want %v", got.In(ny), want)
	}
	if got, want := SnoozeBusinessDays(from, 1, s, ny), at(t, ny, "2026-03-09 14:00"); !got.Equal(want) {
		t.Errorf("1bd: %v, want %v", got.In(ny), want)
	}
	if got, want := Tomorrow(from, s, ny), at(t, ny, "2026-03-08 09:00"); !got.Equal(want) {
		t.Errorf("tomorrow: %v, want %v", got.In(ny), want)
	}
}
