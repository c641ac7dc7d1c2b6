package store

import (
	"context"
	"errors"
	"testing"

	"github.com/followupd/followupd/interview"
)

func employerMessage(id string, iv InterviewRecord, kind string) EmployerMessage {
	return EmployerMessage{MessageID: id, InterviewID: iv.ID, Kind: kind, Company: "Acme", Reason: "test",
		Date: day(1, 9), Now: day(1, 10)}
}

func applyEmployer(t *testing.T, s *Store, m EmployerMessage, compose func(EmployerResult) ([]Outgoing, error)) EmployerResult {
	t.Helper()
	res, err := s.ApplyEmployerMessage(context.Background(), m, compose)
	if err != nil {
		t.Fatalf("ApplyEmployerMessage(%s): %v", m.Kind, err)
	}
	return res
}

func TestEmployerRejectionClosesAndUndoRestores(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rec := replyFixture(t, s, "acme-1") // thank-you sent, call pending
	ty, call := reminder(t, rec, interview.ThankYou), reminder(t, rec, interview.FollowUpCall)

	res := applyEmployer(t, s, employerMessage("<rej@acme.example>", rec, EmployerRejection),
		func(r EmployerResult) ([]Outgoing, error) {
			return []Outgoing{{MessageID: "notice-1", Kind: "rejection", Email: "{}"}}, nil
		})
	if res.PrevStage != StageInterviewing || res.Application.Stage != StageRejected {
		t.Errorf("stage %q → %q, want interviewing → rejected", res.PrevStage, res.Application.Stage)
	}
	if len(res.Closed) != 2 {
		t.Fatalf("closed %d reminders, want 2", len(res.Closed))
	}
	after := find(t, s, "acme-1")
	for _, r := range after.Reminders {
		if r.State != StateCancelled || r.Outcome != OutcomeRejected {
			t.Errorf("%s: %s/%s, want cancelled/rejected", r.Kind, r.State, r.Outcome)
		}
	}
	if _, err := s.ApplyEmployerMessage(ctx, employerMessage("<rej@acme.example>", rec, EmployerRejection), nil); !errors.Is(err, ErrAlreadyHandled) {
		t.Errorf("second apply: %v, want ErrAlreadyHandled", err)
	}
	q, err := s.UnsentEmployerEmails(ctx, day(0, 0), 5)
	if err != nil || len(q) != 1 || q[0].Kind != "rejection" {
		t.Fatalf("outbox = %v, %v; want the one notice", q, err)
	}

	undo, err := s.UndoEmployerMessage(ctx, OwnerCommand{MessageID: "<undo@example.org>", ReminderID: ty.ID,
		Date: day(1, 11), Now: day(1, 11)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !undo.Changed || undo.Kind != EmployerRejection || undo.Stage != StageInterviewing || len(undo.Restored) != 2 {
		t.Errorf("undo = %+v", undo)
	}
	after = find(t, s, "acme-1")
	if r := reminder(t, after, interview.ThankYou); r.State != StateSent || r.Outcome != "" {
		t.Errorf("thank-you after undo: %s/%s, want sent", r.State, r.Outcome)
	}
	if r := reminder(t, after, interview.FollowUpCall); r.State != StatePending || r.ID != call.ID || !r.Due.Equal(call.Due) {
		t.Errorf("call after undo: %+v, want pending at %v", r, call.Due)
	}
	if q, _ := s.UnsentEmployerEmails(ctx, day(0, 0), 5); len(q) != 0 {
		t.Errorf("an undone notice is still queued: %v", q)
	}
	apps, err := s.Applications(ctx, day(1, 12))
	if err != nil || len(apps) != 1 {
		t.Fatalf("applications = %v, %v", apps, err)
	}
	a := apps[0]
	if a.Stage != StageInterviewing || !a.LastContact.Equal(day(1, 9)) || len(a.Interviews) != 1 {
		t.Errorf("application = %+v", a)
	}
	if len(a.History) != 2 || a.History[1].Stage != StageRejected || !a.History[1].Undone {
		t.Errorf("history = %+v, want interviewing then an undone rejection", a.History)
	}
	// Nothing left to undo.
	undo, err = s.UndoEmployerMessage(ctx, OwnerCommand{MessageID: "<undo2@example.org>", ReminderID: ty.ID, Now: day(1, 12)}, nil)
	if err != nil || undo.Changed {
		t.Errorf("second undo = %+v, %v; want no change", undo, err)
	}
}

func TestEmployerOfferClosesOnlyTheCall(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "acme-1")
	res := applyEmployer(t, s, employerMessage("<offer@acme.example>", rec, EmployerOffer), nil)
	if res.Application.Stage != StageOffer || len(res.Closed) != 1 || res.Closed[0].Kind != interview.FollowUpCall {
		t.Fatalf("offer: stage %s, closed %+v", res.Application.Stage, res.Closed)
	}
	after := find(t, s, "acme-1")
	if r := reminder(t, after, interview.ThankYou); r.State != StateSent {
		t.Errorf("thank-you = %s, want still sent", r.State)
	}
}

func TestEmployerSchedulingAndOtherCloseNothing(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "acme-1")
	for i, kind := range []string{EmployerScheduling, EmployerOther} {
		res := applyEmployer(t, s, employerMessage("<m"+string(rune('0'+i))+"@acme.example>", rec, kind), nil)
		if len(res.Closed) != 0 || res.Application.Stage != StageInterviewing {
			t.Errorf("%s: closed %d, stage %s", kind, len(res.Closed), res.Application.Stage)
		}
	}
	after := find(t, s, "acme-1")
	if r := reminder(t, after, interview.FollowUpCall); r.State != StatePending {
		t.Errorf("call = %s, want pending", r.State)
	}
}

func TestNextRoundJoinsAndMootsTheCall(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	first := replyFixture(t, s, "acme-1")
	applyEmployer(t, s, employerMessage("<next@acme.example>", first, EmployerNextRound), nil)
	// An interview of another company is an application of its own.
	other := newInterview("globex-1", 0, day(2, 10))
	other.Company = "Globex"
	second := newInterview("acme-2", 0, day(5, 10))
	apply(t, s, Report{Source: "imap:INBOX", Interviews: []interview.Interview{other, second}}, day(2, 9))
	var told []Moot
	moots, err := s.LinkApplications(ctx, day(2, 9), func(m Moot) ([]Outgoing, error) {
		told = append(told, m)
		return []Outgoing{{MessageID: "moot-1", Kind: "next_round", Email: "{}"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(moots) != 1 || len(told) != 1 || moots[0].Interview.UID != "acme-1" || moots[0].Next.UID != "acme-2" {
		t.Fatalf("moots = %+v", moots)
	}
	if r := reminder(t, find(t, s, "acme-1"), interview.FollowUpCall); r.State != StateCancelled || r.Outcome != OutcomeMoot {
		t.Errorf("first call = %s/%s, want cancelled/next_round", r.State, r.Outcome)
	}
	if r := reminder(t, find(t, s, "acme-2"), interview.FollowUpCall); r.State != StatePending {
		t.Errorf("second call = %s, want pending", r.State)
	}
	apps, err := s.Applications(ctx, day(2, 10))
	if err != nil || len(apps) != 2 {
		t.Fatalf("applications = %d, %v; want 2", len(apps), err)
	}
	for _, a := range apps {
		want := 1
		if a.Company == "Acme" {
			want = 2
		}
		if len(a.Interviews) != want {
			t.Errorf("%s has %d interviews, want %d", a.Company, len(a.Interviews), want)
		}
	}
}

// "not a rejection" undoes the rejection even when a later message of
// another kind came after it.
func TestUndoByKind(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rec := replyFixture(t, s, "acme-1")
	ty := reminder(t, rec, interview.ThankYou)
	applyEmployer(t, s, employerMessage("<rej@acme.example>", rec, EmployerRejection), nil)
	later := employerMessage("<move@acme.example>", rec, EmployerScheduling)
	later.Now = day(1, 11)
	applyEmployer(t, s, later, nil)
	undo, err := s.UndoEmployerMessage(ctx, OwnerCommand{MessageID: "<undo@example.org>", ReminderID: ty.ID,
		Command: "not_rejection", Now: day(1, 12)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !undo.Changed || undo.Kind != EmployerRejection || len(undo.Restored) != 2 {
		t.Errorf("undo = %+v, want the rejection undone", undo)
	}
	// Nothing of that kind is left.
	undo, err = s.UndoEmployerMessage(ctx, OwnerCommand{MessageID: "<undo2@example.org>", ReminderID: ty.ID,
		Command: "not_offer", Now: day(1, 13)}, nil)
	if err != nil || undo.Changed {
		t.Errorf("undo of an offer that never came = %+v, %v", undo, err)
	}
}
