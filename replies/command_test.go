package replies

import (
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

func TestParseCommand(t *testing.T) {
	rules := testRules(t)
	ny := rules.Owner.Location
	// Tuesday 1 December 2026, 17:30 in New York.
	tue := time.Date(2026, 12, 1, 17, 30, 0, 0, ny)
	tests := []struct {
		name      string
		text      string
		date      time.Time // zero means tue
		command   Command
		until     string
		notes     string
		honorific interview.Honorific
		hint      string // substring
	}{
		{name: "sent", text: "sent", command: Sent},
		{name: "done", text: "Done.", command: Sent},
		{name: "sent with trailing words", text: "Sent it this afternoon!", command: Sent},
		{name: "upper case", text: "SENT", command: Sent},
		{name: "bold markup", text: "*Sent*", command: Sent},
		{name: "bullet", text: "- called, she was friendly", command: Called},
		{name: "skip", text: "skip this one", command: Skip},
		{name: "cancel", text: "Cancel: they filled the role", command: Cancel},
		{name: "offer", text: "Offer!!", command: Offer},
		{name: "no offer", text: "No offer, sadly.", command: NoOffer},
		{name: "no-offer", text: "no-offer", command: NoOffer},
		{name: "not a rejection", text: "Not a rejection!", command: NotEmployer},
		{name: "not an offer", text: "not an offer, they asked for references", command: NotEmployer},
		{name: "not a next round", text: "not a next round", command: NotEmployer},
		{name: "not alone", text: "not sure", command: Unknown},
		{name: "no alone", text: "No, not yet", command: Unknown, hint: `"no"`},
		{name: "not sent", text: "Not sent yet", command: Unknown, hint: `unknown command "not"`},
		{name: "formal", text: "formal", command: Formal},
		{name: "casual", text: "Casual - jeans and hoodies", command: Casual},
		{name: "mr", text: "mr", command: SetHonorific, honorific: interview.Mr},
		{name: "Ms.", text: "Ms. Doe it is", command: SetHonorific, honorific: interview.Ms},
		{name: "MRS", text: "MRS", command: SetHonorific, honorific: interview.Mrs},
		{name: "dr.", text: "dr.", command: SetHonorific, honorific: interview.Dr},
		{name: "status", text: "status?", command: Status},
		{name: "help", text: "help", command: Help},
		{name: "first meaningful line", text: "\n  \n---\n\nsent\ncancel", command: Sent},
		{name: "empty", text: "", command: Unknown, hint: "no text"},
		{name: "punctuation only", text: "?!\n...", command: Unknown, hint: "no text"},
		{name: "unknown word", text: "Thanks a lot", command: Unknown, hint: `unknown command "thanks"`},
		{name: "sentence is not sent", text: "sentence", command: Unknown},

		{name: "notes", text: "notes: she asked about Go", command: Notes, notes: "she asked about Go"},
		{name: "notes over lines", text: "Notes: first\n  second  \n\nthird\n\n", command: Notes, notes: "first\n  second\n\nthird"},
		{name: "notes with a space before the colon", text: "Notes : salaire", command: Notes, notes: "salaire"},
		{name: "notes with no space after the colon", text: "notes:salary", command: Notes, notes: "salary"},
		{name: "notes on the next lines", text: "Notes\nline one\nline two", command: Notes, notes: "line one\nline two"},
		{name: "note", text: "note: one thing", command: Notes, notes: "one thing"},
		{name: "notes empty", text: "notes:\n\n", command: Unknown, hint: "notes"},
		{name: "noteworthy is not notes", text: "noteworthy", command: Unknown},
		{name: "notes keep command words", text: "notes: cancel the old plan\nsnooze my worries", command: Notes, notes: "cancel the old plan\nsnooze my worries"},

		{name: "snooze 3h", text: "snooze 3h", command: Snooze, until: "2026-12-02T01:30:00Z"},
		{name: "snooze 3 hours", text: "Snooze 3 hours please", command: Snooze, until: "2026-12-02T01:30:00Z"},
		{name: "snooze 2d", text: "snooze 2d", command: Snooze, until: "2026-12-03T22:30:00Z"},
		{name: "snooze 2 days", text: "snooze 2 days", command: Snooze, until: "2026-12-03T22:30:00Z"},
		{name: "snooze 1bd from Tuesday", text: "snooze 1bd", command: Snooze, until: "2026-12-02T22:30:00Z"},
		{name: "snooze 1 business day", text: "snooze 1 business day", command: Snooze, until: "2026-12-02T22:30:00Z"},
		// Friday 4 December → Monday 7 is a holiday → Tuesday 8, then Wednesday 9.
		{name: "snooze 2bd over a weekend and a holiday", text: "snooze 2bd", date: time.Date(2026, 12, 4, 10, 0, 0, 0, ny),
			command: Snooze, until: "2026-12-09T15:00:00Z"},
		{name: "snooze 1bd from Saturday", text: "snooze 1bd", date: time.Date(2026, 12, 5, 10, 0, 0, 0, ny),
			command: Snooze, until: "2026-12-08T15:00:00Z"},
		{name: "snooze until date", text: "snooze until 2026-12-03", command: Snooze, until: "2026-12-03T14:00:00Z"},
		{name: "snooze until date and time", text: "Snooze until 2026-12-03 14:00.", command: Snooze, until: "2026-12-03T19:00:00Z"},
		{name: "snooze until date, trailing words", text: "snooze until 2026-12-03 please", command: Snooze, until: "2026-12-03T14:00:00Z"},
		{name: "snooze until tomorrow", text: "snooze until tomorrow", command: Snooze, until: "2026-12-02T14:00:00Z"},
		{name: "snooze until a bad time", text: "snooze until 2026-12-03 25:00", command: Unknown, hint: "not a time of day"},
		{name: "snooze until years away", text: "snooze until 9999-12-31 23:59", command: Unknown, hint: "at most 365 days"},
		{name: "snooze until a bad date", text: "snooze until 2026-02-30", command: Unknown, hint: "snooze takes"},
		{name: "snooze until the past", text: "snooze until 2026-12-01", command: Unknown, hint: "already past"},
		{name: "snooze alone", text: "snooze", command: Unknown, hint: "snooze takes"},
		{name: "snooze soon", text: "snooze for a bit", command: Unknown, hint: "snooze takes"},
		{name: "snooze 0d", text: "snooze 0d", command: Unknown, hint: "snooze takes"},
		{name: "snooze too long", text: "snooze 400d", command: Unknown, hint: "at most 365d"},
		{name: "snooze too many hours", text: "snooze 9999h", command: Unknown, hint: "at most"},
		{name: "snooze huge number", text: "snooze 99999999999999999999d", command: Unknown, hint: "snooze takes"},
		{name: "tomorrow", text: "Tomorrow, please", command: Snooze, until: "2026-12-02T14:00:00Z"},
		// 22:00 in New York is already 03:00 UTC the next day; tomorrow is still the 2nd.
		{name: "tomorrow late in the evening", text: "tomorrow", date: time.Date(2026, 12, 1, 22, 0, 0, 0, ny),
			command: Snooze, until: "2026-12-02T14:00:00Z"},

		// Daylight saving time in New York ends Sunday 1 November 2026 at 02:00.
		{name: "2d across the end of DST keeps the wall clock", text: "snooze 2d", date: time.Date(2026, 10, 31, 14, 0, 0, 0, ny),
			command: Snooze, until: "2026-11-02T19:00:00Z"},
		{name: "3h across the end of DST is elapsed time", text: "snooze 3h", date: time.Date(2026, 11, 1, 0, 30, 0, 0, ny),
			command: Snooze, until: "2026-11-01T07:30:00Z"},
		// It starts Sunday 8 March 2026 at 02:00: 02:30 does not exist and becomes 03:30 EDT.
		{name: "1d into the spring-forward gap", text: "snooze 1d", date: time.Date(2026, 3, 7, 2, 30, 0, 0, ny),
			command: Snooze, until: "2026-03-08T07:30:00Z"},
		{name: "until a time in the gap", text: "snooze until 2026-03-08 02:30", date: time.Date(2026, 3, 1, 9, 0, 0, 0, ny),
			command: Snooze, until: "2026-03-08T07:30:00Z"},
		{name: "a reply dated in another zone counts in the owner's", text: "tomorrow",
			date:    time.Date(2026, 12, 2, 2, 0, 0, 0, time.FixedZone("CET", 3600)), // 20:00 in New York on the 1st
			command: Snooze, until: "2026-12-02T14:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := tt.date
			if date.IsZero() {
				date = tue
			}
			got := ParseCommand(tt.text, date, rules)
			if got.Command != tt.command {
				t.Errorf("Command = %q (hint %q), want %q", got.Command, got.Hint, tt.command)
			}
			var want time.Time
			if tt.until != "" {
				want = utc(tt.until)
			}
			if !got.Until.Equal(want) {
				t.Errorf("Until = %v, want %v", got.Until, want)
			}
			if got.Notes != tt.notes {
				t.Errorf("Notes = %q, want %q", got.Notes, tt.notes)
			}
			if got.Honorific != tt.honorific {
				t.Errorf("Honorific = %q, want %q", got.Honorific, tt.honorific)
			}
			if (got.Command == Unknown) != (got.Hint != "") {
				t.Errorf("Hint = %q for command %q", got.Hint, got.Command)
			}
			if !strings.Contains(got.Hint, tt.hint) {
				t.Errorf("Hint = %q, want it to contain %q", got.Hint, tt.hint)
			}
		})
	}
}

// The same replies read the same under another owner zone: nothing depends
// on time.Local.
func TestParseCommandKolkata(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	r := Rules{Owner: config.Owner{Email: "a@example.org", Location: kolkata},
		Schedule: config.Schedule{FollowUpTime: config.ClockTime{Hour: 9, Minute: 30}}}
	date := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC) // 01:30 on the 2nd in Kolkata
	tests := []struct{ text, until string }{
		{"tomorrow", "2026-12-03T04:00:00Z"},
		{"snooze 1d", "2026-12-02T20:00:00Z"},
		{"snooze until 2026-12-04", "2026-12-04T04:00:00Z"},
		{"snooze 1bd", "2026-12-02T20:00:00Z"}, // Wednesday the 2nd → Thursday the 3rd, 01:30 local
	}
	for _, tt := range tests {
		got := ParseCommand(tt.text, date, r)
		if !got.Until.Equal(utc(tt.until)) {
			t.Errorf("%q: Until = %v, want %s", tt.text, got.Until, tt.until)
		}
	}
}

func TestParseCommandLimits(t *testing.T) {
	long := strings.Repeat("x", 5000)
	got := ParseCommand("notes: "+long+"\n"+long+"\n"+long, time.Time{}, testRules(t))
	if got.Command != Notes || len(got.Notes) > maxNotesBytes {
		t.Errorf("notes of %d bytes kept, want at most %d", len(got.Notes), maxNotesBytes)
	}
	got = ParseCommand("ünknown "+strings.Repeat("é", 1000), time.Time{}, testRules(t))
	if n := len([]rune(got.Line)); n > maxLineRunes+1 {
		t.Errorf("Line has %d runes, want at most %d", n, maxLineRunes+1)
	}
}
