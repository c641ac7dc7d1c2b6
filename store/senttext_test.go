package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSentText(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	rec := replyFixture(t, s, "sent-text")
	rem := rec.Reminders[0]

	if _, err := s.SentText(ctx, "r.none.0@example.org"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SentText of an unknown id: %v, want ErrNotFound", err)
	}
	if err := s.RecordSentText(ctx, "r.tok.0@example.org", rem.ID, "first text", day(0, 18)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSentText(ctx, "r.tok.0@example.org", rem.ID, "text of the retry", day(0, 19)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SentText(ctx, "r.tok.0@example.org"); err != nil || got != "text of the retry" {
		t.Fatalf("SentText = %q, %v; want the text recorded last", got, err)
	}

	long := strings.Repeat("é", maxSentTextBytes) // two bytes each
	if err := s.RecordSentText(ctx, "r.tok.1@example.org", rem.ID, long, day(0, 19)); err != nil {
		t.Fatal(err)
	}
	got, err := s.SentText(ctx, "r.tok.1@example.org")
	if err != nil || len(got) != maxSentTextBytes || !strings.HasPrefix(long, got) {
		t.Fatalf("long text kept as %d bytes (%v), want %d", len(got), err, maxSentTextBytes)
	}

	// The text goes with its reminder.
	exec(t, s, "DELETE FROM interviews WHERE id = ?", rec.ID)
	if _, err := s.SentText(ctx, "r.tok.0@example.org"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SentText after the interview was deleted: %v, want ErrNotFound", err)
	}
}
