package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// NextOutgoing is one queue over both tables: the answers and the employer
// emails, in queue order; a withdrawn employer email, one sent, one given
// up and one older than the window are not in it; a retry's time is kept.
func TestNextOutgoingAcrossTables(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rec := replyFixture(t, s, "acme-1")
	c := command(reminder(t, rec, interview.ThankYou), ActionNone, nil)
	c.Now = day(0, 10)
	if _, err := s.ApplyOwnerCommand(ctx, c, func(CommandResult) ([]Answer, error) {
		return []Answer{{MessageID: "ans-1", Kind: AnswerStatus, Email: "{}"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// The digest, queued after the answer; a rejection notice that an undo
	// withdraws.
	if err := s.QueueEmployerEmails(ctx, []Outgoing{{MessageID: "digest-1", Kind: "digest", Email: "{}"}}, day(0, 11)); err != nil {
		t.Fatal(err)
	}
	applyEmployer(t, s, employerMessage("<rej@acme.example>", rec, EmployerRejection),
		func(EmployerResult) ([]Outgoing, error) {
			return []Outgoing{{MessageID: "notice-1", Kind: "rejection", Email: "{}"}}, nil
		})
	if _, err := s.UndoEmployerMessage(ctx, OwnerCommand{MessageID: "<undo@example.org>", ReminderID: c.ReminderID,
		Date: day(1, 11), Now: day(1, 11)}, nil); err != nil {
		t.Fatal(err)
	}

	ids := func(since time.Time) []string {
		t.Helper()
		got, err := s.NextOutgoing(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range got {
			out = append(out, string(q.Box)+":"+q.MessageID)
		}
		return out
	}
	if got := ids(day(-1, 0)); len(got) != 2 || got[0] != "answers:ans-1" || got[1] != "employer:digest-1" {
		t.Fatalf("outbox = %q, want the answer then the digest", got)
	}
	if got := ids(day(0, 10).Add(time.Minute)); len(got) != 1 || got[0] != "employer:digest-1" {
		t.Errorf("outbox since after the answer = %q, want the digest alone", got)
	}

	q, err := s.NextOutgoing(ctx, day(-1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.BeginOutgoing(ctx, q[1], day(0, 13)); err != nil || n != 1 {
		t.Fatalf("BeginOutgoing(digest) = %d, %v", n, err)
	}
	if err := s.OutgoingRetry(ctx, q[1], day(0, 12), "451 try again"); err != nil {
		t.Fatal(err)
	}
	q, err = s.NextOutgoing(ctx, day(-1, 0))
	if err != nil || len(q) != 2 || !q[1].NextAttempt.Equal(day(0, 12)) || q[1].Attempts != 1 {
		t.Fatalf("after a retry: %+v, %v; want the digest due at %v after 1 attempt", q, err, day(0, 12))
	}
	if err := s.OutgoingSent(ctx, q[1], day(0, 12)); err != nil {
		t.Fatal(err)
	}
	if err := s.OutgoingFailed(ctx, q[0], "550 refused"); err != nil {
		t.Fatal(err)
	}
	if got := ids(day(-1, 0)); len(got) != 0 {
		t.Errorf("outbox after one sent and one given up = %q", got)
	}
	if err := s.OutgoingSent(ctx, q[0], day(0, 12)); !errors.Is(err, ErrChanged) {
		t.Errorf("sending a given-up email: %v, want ErrChanged", err)
	}
	if err := s.OutgoingSent(ctx, QueuedMail{Box: "other", MessageID: "x"}, day(0, 12)); err == nil {
		t.Error("an unknown outbox was accepted")
	}
}
