package replies

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkReply asserts what every parsed command promises, whatever the input.
func checkReply(t *testing.T, r Reply) {
	t.Helper()
	switch r.Command {
	case Sent, Called, Skip, Cancel, Offer, NoOffer, Formal, Casual, Status, Help:
		if !r.Until.IsZero() || r.Notes != "" || r.Honorific != "" || r.Hint != "" {
			t.Fatalf("%q carries extra fields: %+v", r.Command, r)
		}
	case Snooze:
		if r.Until.IsZero() || r.Until.Location() != time.UTC {
			t.Fatalf("snooze without a UTC Until: %+v", r)
		}
	case Notes:
		if r.Notes == "" || !utf8.ValidString(r.Notes) || len(r.Notes) > maxNotesBytes {
			t.Fatalf("bad notes: %q", r.Notes)
		}
	case SetHonorific:
		if r.Honorific == "" {
			t.Fatalf("honorific command without one: %+v", r)
		}
	case Unknown:
		if r.Hint == "" {
			t.Fatalf("unknown command without a hint: %+v", r)
		}
	default:
		t.Fatalf("command %q is not one of the commands", r.Command)
	}
	if !utf8.ValidString(r.Line) {
		t.Fatalf("Line is not UTF-8: %q", r.Line)
	}
}

func FuzzRead(f *testing.F) {
	dir := filepath.Join("..", "testdata", "replies")
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.Fatalf("read fixtures: %v", err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatalf("read fixture: %v", err)
		}
		f.Add(b)
	}
	f.Add([]byte("From: alex@example.org\nContent-Type: text/html\n\n<blockquote><div class=gmail_quote>sent"))
	f.Add([]byte("From: alex@example.org\nContent-Type: text/plain; format=flowed; delsp=yes\n\nsnooze \n2d\n"))
	rules := testRules(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Read(bytes.NewReader(raw), rules)
		if err != nil {
			return
		}
		checkReply(t, r)
		if r.Actionable() != (r.Reason == "") {
			t.Fatalf("Actionable = %v with Reason %q", r.Actionable(), r.Reason)
		}
		if r.Authorized && !rules.Owner.IsOwner(r.From) {
			t.Fatalf("authorized a message from %q", r.From)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"sent", "No offer, sadly.", "snooze 2d", "snooze until 2026-12-03 14:00", "snooze 1bd", "tomorrow",
		"notes: a\nb", "Ms.", "On Tue, Dec 1, 2026 at 5:02 PM followupd <\nf@example.org> wrote:\n> cancel\nsent",
		"skip\n\nFrom: x\nSent: y\nTo: z\n", "-- \nsent", "Sent from my iPhone", "* f [2026-12-01 17:02]:\n> x\n\nhelp",
		"sent On Tue, Dec 1, 2026 at 5:02 PM f <\nf@example.org> wrote:\n> x", "iPhoneから送信\n\n2026年12月1日(火) 17:02 f <f@example.org>:\n> sent",
		"notes: a\n\nDate: Tue, 1 Dec 2026 17:02 From: f@example.org To: a Subject: b\nsent", "---- Reply Message ----\nsent",
	} {
		f.Add(s, int64(1796162400))
	}
	rules := testRules(f)
	f.Fuzz(func(t *testing.T, text string, unix int64) {
		own := StripQuoted(text)
		for _, l := range strings.Split(own, "\n") {
			if isQuotedLine(trimSpace(l)) || isSignatureSeparator(l) {
				t.Fatalf("StripQuoted(%q) kept %q", text, l)
			}
		}
		// The same with a text answered: the second half of the input.
		withAnswered, _ := StripQuotedFrom(text, text[len(text)/2:])
		for _, l := range strings.Split(withAnswered, "\n") {
			if isQuotedLine(trimSpace(l)) || isSignatureSeparator(l) {
				t.Fatalf("StripQuotedFrom(%q) kept %q", text, l)
			}
		}
		// Dates within ±10 000 years of 1970, as a Date header can say.
		date := time.Unix(unix%(315_360_000_000), 0)
		r := ParseCommand(own, date, rules)
		checkReply(t, r)
		if r.Command == Snooze && !r.Until.After(date) {
			t.Fatalf("snooze to %v is not after %v", r.Until, date)
		}
	})
}
