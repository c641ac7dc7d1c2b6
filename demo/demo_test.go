package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
)

// TestRunShowsTheWholeLifecycle plays the demo to its end and checks that
// each step the owner should see was printed, in order.
func TestRunShowsTheWholeLifecycle(t *testing.T) {
	for _, start := range []string{
		"2026-12-03T12:00:00Z", // a Thursday
		"2026-12-05T23:30:00Z", // a Saturday (or Sunday): moved to Monday
		"2027-03-05T15:00:00Z", // the call falls after the US DST change
	} {
		t.Run(start, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, start)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), mailtest.Scaled(60*time.Second))
			defer cancel()
			var out bytes.Buffer
			began := time.Now()
			if err := Run(ctx, &out, Options{Start: at}); err != nil {
				t.Fatalf("Run: %v\noutput:\n%s", err, out.String())
			}
			t.Logf("the demo took %v", time.Since(began))
			text := out.String()
			steps := []string{
				"the interview with Jane Doe at Acme Corp ends",
				"Subject: Send a thank-you note today: Jane Doe at Acme Corp",
				"Dear Ms. Doe,",
				`Alex replies "sent"`,
				"followupd acknowledges",
				"The thank-you note to Jane Doe at Acme Corp is marked sent.",
				"the follow-up call falls due",
				"Subject: Follow-up call today: Jane Doe at Acme Corp",
				"Position:     Senior Backend Engineer",
				"Globex",
				"FIVE MINUTES",
				`Alex replies "offer"`,
				"The offer from Acme Corp is recorded",
				"where things stand",
			}
			rest := text
			for _, s := range steps {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("output lacks %q after the steps before it:\n%s", s, text)
				}
				rest = rest[i+len(s):]
			}
			summary := text[strings.LastIndex(text, "where things stand"):]
			for _, want := range []string{"thank_you", "follow_up_call", "Globex – onsite panel interview"} {
				if !strings.Contains(summary, want) {
					t.Errorf("summary lacks %q:\n%s", want, summary)
				}
			}
			if n := strings.Count(summary, "confirmed"); n != 2 {
				t.Errorf("summary has %d confirmed follow-ups, want 2:\n%s", n, summary)
			}
			if n := strings.Count(text, "snooze 3h | 2d | 1bd"); n != 1 {
				t.Errorf("the reply commands are printed %d times, want once", n)
			}
			if strings.Contains(text, demoPassword) {
				t.Error("the output shows the demo's IMAP password")
			}
		})
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	if err := Run(ctx, &out, Options{}); err == nil {
		t.Fatal("Run with a cancelled context returned nil")
	}
}

func TestDemoDay(t *testing.T) {
	loc := time.FixedZone("X", -5*3600)
	tests := []struct {
		start string
		want  string
	}{
		{"2026-12-03T12:00:00-05:00", "2026-12-03"}, // Thursday
		{"2026-12-05T12:00:00-05:00", "2026-12-07"}, // Saturday → Monday
		{"2026-12-06T12:00:00-05:00", "2026-12-07"}, // Sunday → Monday
		{"2026-12-04T03:00:00Z", "2026-12-03"},      // still Thursday in loc
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.start)
		if err != nil {
			t.Fatal(err)
		}
		if got := demoDay(at, loc).Format("2006-01-02"); got != tt.want {
			t.Errorf("demoDay(%s) = %s, want %s", tt.start, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	long := "  " + strings.Repeat("word ", 30)
	for _, line := range wrap(long, 40) {
		if len(line) > 40 {
			t.Errorf("line %q is longer than 40", line)
		}
		if !strings.HasPrefix(line, "  word") {
			t.Errorf("line %q lost its indentation", line)
		}
	}
	link := "mailto:" + strings.Repeat("x", 100)
	got := wrap(link, 40)
	if len(got) != 1 || []rune(got[0])[39] != '…' || len([]rune(got[0])) != 40 {
		t.Errorf("wrap(link) = %q, want one line of 40 ending in …", got)
	}
	if got := wrap("short\r\nlines\r\n", 40); strings.Join(got, "|") != "short|lines" {
		t.Errorf("wrap(short lines) = %q", got)
	}
	columns := "  notes: ...               keep notes for this interview (several lines are fine)"
	if got := wrap(columns, 40); len(got) != 1 || got[0] != columns {
		t.Errorf("wrap(column line) = %q, want it kept whole", got)
	}
}
