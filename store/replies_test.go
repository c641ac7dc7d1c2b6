package store

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// replyFixture stores one interview (Jane Doe at Acme, day 0 10:00) whose
// thank-you was sent and whose call is pending, and returns it.
func replyFixture(t *testing.T, s *Store, uid string) InterviewRecord {
	t.Helper()
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{newInterview(uid, 0, day(0, 10))}}, day(-1, 9))
	rec := find(t, s, uid)
	setState(t, s, rec, interview.ThankYou, StateSent)
	return find(t, s, uid)
}

// command is an OwnerCommand answering reminder rem, with a fresh message id.
func command(rem ReminderRecord, action OwnerAction, mod func(*OwnerCommand)) OwnerCommand {
	c := OwnerCommand{
		MessageID:  "reply-" + rand.Text() + "@example.org",
		ReminderID: rem.ID, Command: string(action), Action: action,
		Date: day(0, 17), Now: day(0, 18),
	}
	if action == ActionNone {
		c.Command = "status"
	}
	if mod != nil {
		mod(&c)
	}
	return c
}

func applyCommand(t *testing.T, s *Store, c OwnerCommand) CommandResult {
	t.Helper()
	res, err := s.ApplyOwnerCommand(context.Background(), c, nil)
	if err != nil {
		t.Fatalf("ApplyOwnerCommand(%s): %v", c.Action, err)
	}
	return res
}

func TestOwnerCommandEffects(t *testing.T) {
	tests := []struct {
		name   string
		target interview.ReminderKind // the reminder answered
		action OwnerAction
		mod    func(*OwnerCommand)
		// prep runs before the command.
		prep        func(t *testing.T, s *Store, rec InterviewRecord)
		changed     bool
		check       func(t *testing.T, rec InterviewRecord)
		wantTY      interview.State // thank-you state after
		wantCall    interview.State // call state after
		wantOutcome string          // call outcome after
	}{
		{name: "confirm thank-you", target: interview.ThankYou, action: ActionConfirm,
			mod:     func(c *OwnerCommand) { c.Kind = interview.ThankYou },
			changed: true, wantTY: StateConfirmed, wantCall: StatePending},
		{name: "confirm thank-you twice is no change", target: interview.ThankYou, action: ActionConfirm,
			mod: func(c *OwnerCommand) { c.Kind = interview.ThankYou },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				setState(t, s, rec, interview.ThankYou, StateConfirmed)
			},
			changed: false, wantTY: StateConfirmed, wantCall: StatePending},
		{name: "called", target: interview.FollowUpCall, action: ActionConfirm,
			mod:     func(c *OwnerCommand) { c.Kind, c.Outcome = interview.FollowUpCall, OutcomeCalled },
			changed: true, wantTY: StateSent, wantCall: StateConfirmed, wantOutcome: OutcomeCalled},
		{name: "offer after called", target: interview.FollowUpCall, action: ActionConfirm,
			mod: func(c *OwnerCommand) { c.Kind, c.Outcome = interview.FollowUpCall, OutcomeOffer },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				exec(t, s, "UPDATE reminders SET state = 'confirmed', outcome = 'called' WHERE interview_id = ? AND kind = 'follow_up_call'", rec.ID)
			},
			changed: true, wantTY: StateSent, wantCall: StateConfirmed, wantOutcome: OutcomeOffer},
		{name: "called never overwrites an offer", target: interview.FollowUpCall, action: ActionConfirm,
			mod: func(c *OwnerCommand) { c.Kind, c.Outcome = interview.FollowUpCall, OutcomeCalled },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				exec(t, s, "UPDATE reminders SET state = 'confirmed', outcome = 'offer' WHERE interview_id = ? AND kind = 'follow_up_call'", rec.ID)
			},
			changed: false, wantTY: StateSent, wantCall: StateConfirmed, wantOutcome: OutcomeOffer},
		{name: "confirm a cancelled reminder is no change", target: interview.ThankYou, action: ActionConfirm,
			mod: func(c *OwnerCommand) { c.Kind = interview.ThankYou },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				setState(t, s, rec, interview.ThankYou, StateCancelled)
			},
			changed: false, wantTY: StateCancelled, wantCall: StatePending},
		{name: "snooze a sent reminder puts off its next nudge", target: interview.ThankYou, action: ActionSnooze,
			mod: func(c *OwnerCommand) { c.Until = day(2, 14) },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				exec(t, s, "UPDATE reminders SET nags_sent = 1 WHERE interview_id = ? AND kind = 'thank_you'", rec.ID)
			},
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				r := reminder(t, rec, interview.ThankYou)
				if !r.NextAttempt.Equal(day(2, 14)) || r.NagsSent != 1 {
					t.Errorf("snoozed reminder = %+v, want next attempt %v, nags kept (Message-IDs go on)", r, day(2, 14))
				}
			}},
		{name: "snooze a pending reminder past its due time", target: interview.FollowUpCall, action: ActionSnooze,
			mod:     func(c *OwnerCommand) { c.Until = day(5, 14) },
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				if r := reminder(t, rec, interview.FollowUpCall); !r.NextAttempt.Equal(day(5, 14)) {
					t.Errorf("snoozed pending reminder = %+v, want next attempt %v", r, day(5, 14))
				}
			}},
		{name: "snooze a pending reminder to before its due time keeps it", target: interview.FollowUpCall, action: ActionSnooze,
			mod:     func(c *OwnerCommand) { c.Until = day(1, 14) },
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				if r := reminder(t, rec, interview.FollowUpCall); !r.NextAttempt.IsZero() || !r.Due.Equal(day(0, 11).Add(72*time.Hour)) {
					t.Errorf("reminder = %+v, want due kept and no next attempt", r)
				}
			}},
		{name: "snooze a failed reminder that never went out", target: interview.FollowUpCall, action: ActionSnooze,
			mod: func(c *OwnerCommand) { c.Until = day(5, 14) },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				exec(t, s, "UPDATE reminders SET state = 'failed', attempts = 50, last_error = '550', resolved_at = ? WHERE interview_id = ? AND kind = 'follow_up_call'", timeText(day(4, 0)), rec.ID)
			},
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				r := reminder(t, rec, interview.FollowUpCall)
				if r.Attempts != 0 || r.LastError != "" || !r.ResolvedAt.IsZero() || !r.NextAttempt.Equal(day(5, 14)) {
					t.Errorf("revived reminder = %+v", r)
				}
			}},
		{name: "snooze an expired reminder that was sent", target: interview.ThankYou, action: ActionSnooze,
			mod: func(c *OwnerCommand) { c.Until = day(5, 14) },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				setState(t, s, rec, interview.ThankYou, StateExpired)
			},
			changed: true, wantTY: StateSent, wantCall: StatePending},
		{name: "snooze a reminder in flight is no change", target: interview.ThankYou, action: ActionSnooze,
			mod: func(c *OwnerCommand) { c.Until = day(5, 14) },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				setState(t, s, rec, interview.ThankYou, StateSending)
			},
			changed: false, wantTY: StateSending, wantCall: StatePending},
		{name: "snooze a confirmed reminder is no change", target: interview.ThankYou, action: ActionSnooze,
			mod: func(c *OwnerCommand) { c.Until = day(2, 14) },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				setState(t, s, rec, interview.ThankYou, StateConfirmed)
			},
			changed: false, wantTY: StateConfirmed, wantCall: StatePending},
		{name: "skip", target: interview.ThankYou, action: ActionSkip,
			changed: true, wantTY: StateSkipped, wantCall: StatePending},
		{name: "cancel", target: interview.ThankYou, action: ActionCancel,
			changed: true, wantTY: StateCancelled, wantCall: StateCancelled,
			check: func(t *testing.T, rec InterviewRecord) {
				if rec.Status != interview.Cancelled || rec.CancelReason != CancelledByOwner {
					t.Errorf("interview after cancel: %s/%s, want cancelled/owner", rec.Status, rec.CancelReason)
				}
			}},
		{name: "cancel keeps a confirmed reminder", target: interview.FollowUpCall, action: ActionCancel,
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				setState(t, s, rec, interview.ThankYou, StateConfirmed)
			},
			changed: true, wantTY: StateConfirmed, wantCall: StateCancelled},
		{name: "notes appended", target: interview.ThankYou, action: ActionNotes,
			mod: func(c *OwnerCommand) { c.Notes = "  second note  " },
			prep: func(t *testing.T, s *Store, rec InterviewRecord) {
				exec(t, s, "UPDATE interviews SET notes = 'first note' WHERE id = ?", rec.ID)
			},
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				if rec.Notes != "first note\nsecond note" {
					t.Errorf("notes = %q", rec.Notes)
				}
			}},
		{name: "notes on empty", target: interview.ThankYou, action: ActionNotes,
			mod:     func(c *OwnerCommand) { c.Notes = "line one\nline two" },
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				if rec.Notes != "line one\nline two" {
					t.Errorf("notes = %q", rec.Notes)
				}
			}},
		{name: "formality", target: interview.ThankYou, action: ActionFormality,
			mod:     func(c *OwnerCommand) { c.Formality = "formal" },
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				if rec.Formality != "formal" {
					t.Errorf("formality = %q", rec.Formality)
				}
			}},
		{name: "honorific", target: interview.ThankYou, action: ActionHonorific,
			mod:     func(c *OwnerCommand) { c.Honorific, c.Interviewer = interview.Dr, 0 },
			changed: true, wantTY: StateSent, wantCall: StatePending,
			check: func(t *testing.T, rec InterviewRecord) {
				if rec.Interviewers[0].Honorific != interview.Dr {
					t.Errorf("honorific = %q", rec.Interviewers[0].Honorific)
				}
			}},
		{name: "none", target: interview.ThankYou, action: ActionNone,
			changed: false, wantTY: StateSent, wantCall: StatePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			rec := replyFixture(t, s, "a@x")
			if tt.prep != nil {
				tt.prep(t, s, rec)
				rec = find(t, s, "a@x")
			}
			c := command(reminder(t, rec, tt.target), tt.action, tt.mod)
			res := applyCommand(t, s, c)
			if res.Changed != tt.changed {
				t.Errorf("Changed = %v, want %v", res.Changed, tt.changed)
			}
			after := find(t, s, "a@x")
			if got := reminder(t, after, interview.ThankYou).State; got != tt.wantTY {
				t.Errorf("thank-you state = %s, want %s", got, tt.wantTY)
			}
			call := reminder(t, after, interview.FollowUpCall)
			if call.State != tt.wantCall || call.Outcome != tt.wantOutcome {
				t.Errorf("call = %s/%q, want %s/%q", call.State, call.Outcome, tt.wantCall, tt.wantOutcome)
			}
			if res.After.ID != after.ID || reminder(t, res.After, interview.ThankYou).State != tt.wantTY {
				t.Errorf("result's After does not show the stored state")
			}
			if tt.check != nil {
				tt.check(t, after)
			}

			// The same message again: refused, nothing applied.
			_, err := s.ApplyOwnerCommand(context.Background(), c, nil)
			if !errors.Is(err, ErrAlreadyHandled) {
				t.Errorf("second apply: %v, want ErrAlreadyHandled", err)
			}
			handled, err := s.OwnerMessageHandled(context.Background(), c.MessageID)
			if err != nil || !handled {
				t.Errorf("OwnerMessageHandled = %v, %v", handled, err)
			}
		})
	}
}

func TestOwnerCommandAppliedOnce(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "a@x")
	c := command(reminder(t, rec, interview.ThankYou), ActionNotes, func(c *OwnerCommand) { c.Notes = "once" })
	applyCommand(t, s, c)
	if _, err := s.ApplyOwnerCommand(context.Background(), c, nil); !errors.Is(err, ErrAlreadyHandled) {
		t.Fatalf("second apply: %v", err)
	}
	if got := find(t, s, "a@x").Notes; got != "once" {
		t.Errorf("notes after the same message twice = %q, want %q", got, "once")
	}
}

func TestOwnerCommandAnswersAreAtomic(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "a@x")
	ty := reminder(t, rec, interview.ThankYou)

	// A failing composer rolls back the change and the record of the message.
	c := command(ty, ActionSkip, nil)
	_, err := s.ApplyOwnerCommand(context.Background(), c, func(CommandResult) ([]Answer, error) {
		return nil, errors.New("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("apply with a failing composer: %v", err)
	}
	if got := reminder(t, find(t, s, "a@x"), interview.ThankYou).State; got != StateSent {
		t.Errorf("thank-you after a rolled-back skip = %s, want sent", got)
	}
	if handled, _ := s.OwnerMessageHandled(context.Background(), c.MessageID); handled {
		t.Error("a rolled-back message counts as handled")
	}

	// A working one queues its answers with the change.
	var seen CommandResult
	res, err := s.ApplyOwnerCommand(context.Background(), c, func(r CommandResult) ([]Answer, error) {
		seen = r
		return []Answer{{MessageID: "ack-1@x", Kind: AnswerAck, Email: "{}"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen.Changed || !res.Changed || reminder(t, seen.After, interview.ThankYou).State != StateSkipped ||
		reminder(t, seen.Before, interview.ThankYou).State != StateSent {
		t.Errorf("composer saw %+v", seen)
	}
	got, err := s.AnswersTo(context.Background(), c.MessageID)
	if err != nil || len(got) != 1 || got[0].MessageID != "ack-1@x" || got[0].InterviewID != rec.ID || !got[0].SentAt.IsZero() {
		t.Fatalf("AnswersTo = %+v, %v", got, err)
	}
}

func TestOwnerCommandLastHelp(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "a@x")
	ty := reminder(t, rec, interview.ThankYou)
	help := func(r CommandResult) ([]Answer, error) {
		return []Answer{{MessageID: "help-" + rand.Text(), Kind: AnswerHelp, Email: "{}"}}, nil
	}
	first, err := s.ApplyOwnerCommand(context.Background(), command(ty, ActionNone, nil), help)
	if err != nil {
		t.Fatal(err)
	}
	if !first.LastHelp.IsZero() {
		t.Errorf("LastHelp before any help = %v", first.LastHelp)
	}
	second := applyCommand(t, s, command(ty, ActionNone, func(c *OwnerCommand) { c.Now = day(0, 19) }))
	if !second.LastHelp.Equal(day(0, 18)) {
		t.Errorf("LastHelp = %v, want %v", second.LastHelp, day(0, 18))
	}
	other := replyFixture(t, s, "b@x")
	if r := applyCommand(t, s, command(reminder(t, other, interview.ThankYou), ActionNone, nil)); !r.LastHelp.IsZero() {
		t.Errorf("another interview's LastHelp = %v, want zero", r.LastHelp)
	}
}

func TestOwnerCommandUnknownReminder(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.ApplyOwnerCommand(context.Background(), OwnerCommand{MessageID: "m@x", ReminderID: 999, Command: "sent", Now: day(0, 1)}, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("apply to a missing reminder: %v, want ErrNotFound", err)
	}
}

func TestRememberedFormalityAppliesToLaterInterviews(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "a@x")
	applyCommand(t, s, command(reminder(t, rec, interview.ThankYou), ActionFormality, func(c *OwnerCommand) { c.Formality = "formal" }))

	// A later interview of the same company, named in another case.
	iv := newInterview("b@x", 0, day(7, 10))
	iv.Company = "ACME"
	other := newInterview("c@x", 0, day(8, 10))
	other.Company = "Globex"
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv, other}}, day(1, 9))
	if got := find(t, s, "b@x").Formality; got != "formal" {
		t.Errorf("later Acme interview formality = %q, want formal", got)
	}
	if got := find(t, s, "c@x").Formality; got != "" {
		t.Errorf("other company's formality = %q, want none", got)
	}
	// The owner changes their mind: every Acme interview follows.
	applyCommand(t, s, command(reminder(t, rec, interview.ThankYou), ActionFormality, func(c *OwnerCommand) { c.Formality = "casual" }))
	for _, uid := range []string{"a@x", "b@x"} {
		if got := find(t, s, uid).Formality; got != "casual" {
			t.Errorf("%s formality = %q, want casual", uid, got)
		}
	}
}

func TestRememberedHonorificAppliesToLaterInterviews(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "a@x") // Jane Doe <jane@acme.example>, Ms. from the event
	applyCommand(t, s, command(reminder(t, rec, interview.ThankYou), ActionHonorific,
		func(c *OwnerCommand) { c.Honorific, c.Interviewer = interview.Dr, 0 }))

	iv := newInterview("b@x", 0, day(7, 10)) // the event says Ms. again
	iv.Interviewers = append(iv.Interviewers, interview.Interviewer{Name: "John Roe", Email: "john@acme.example"})
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, day(1, 9))
	got := find(t, s, "b@x").Interviewers
	if got[0].Honorific != interview.Dr {
		t.Errorf("remembered honorific not applied: %+v", got[0])
	}
	if got[1].Honorific != interview.NoHonorific {
		t.Errorf("another interviewer got an honorific: %+v", got[1])
	}
	// A merge that rewrites the interviewers keeps the owner's choice.
	iv.Sequence = 1
	iv.Summary = "Interview with Jane Doe at Acme (moved room)"
	apply(t, s, Report{Source: "calendar:work", Interviews: []interview.Interview{iv}}, day(2, 9))
	if got := find(t, s, "b@x").Interviewers[0].Honorific; got != interview.Dr {
		t.Errorf("after a merge the honorific is %q, want Dr.", got)
	}
}

func TestReminderByToken(t *testing.T) {
	s, _ := openTest(t)
	rec := replyFixture(t, s, "a@x")
	ty := reminder(t, rec, interview.ThankYou)
	got, err := s.ReminderByToken(context.Background(), strings.ToUpper(ty.Token))
	if err != nil || got.ID != ty.ID || got.Kind != interview.ThankYou {
		t.Errorf("ReminderByToken = %+v, %v", got, err)
	}
	_, err = s.ReminderByToken(context.Background(), "nosuchtokennosuchtoken")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	if err != nil && strings.Contains(err.Error(), "nosuchtoken") {
		t.Error("the error names the token")
	}
}

func TestInterviewsWithInterviewer(t *testing.T) {
	s, _ := openTest(t)
	replyFixture(t, s, "a@x") // jane@acme.example, day 0 10:00
	got, err := s.InterviewsWithInterviewer(context.Background(), []string{"JANE@acme.example", "x@y"}, day(-1, 0), day(1, 0))
	if err != nil || len(got) != 1 || got[0].UID != "a@x" {
		t.Errorf("in window = %+v, %v", got, err)
	}
	got, err = s.InterviewsWithInterviewer(context.Background(), []string{"jane@acme.example"}, day(0, 11), day(1, 0))
	if err != nil || len(got) != 0 {
		t.Errorf("out of window = %+v, %v", got, err)
	}
	got, err = s.InterviewsWithInterviewer(context.Background(), []string{"someone@else.example"}, day(-1, 0), day(1, 0))
	if err != nil || len(got) != 0 {
		t.Errorf("other address = %+v, %v", got, err)
	}
}

func TestAnswerOutbox(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rec := replyFixture(t, s, "a@x")
	c := command(reminder(t, rec, interview.ThankYou), ActionNone, nil)
	_, err := s.ApplyOwnerCommand(ctx, c, func(CommandResult) ([]Answer, error) {
		return []Answer{{MessageID: "a1@x", Kind: AnswerAck, Email: "one"}, {MessageID: "a2@x", Kind: AnswerDraft, Email: "two"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	unsent := func() []string {
		t.Helper()
		got, err := s.UnsentAnswers(ctx, day(0, 0), 3)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.MessageID)
		}
		return ids
	}
	if got := unsent(); len(got) != 2 {
		t.Fatalf("unsent = %q", got)
	}
	queued, err := s.NextOutgoing(ctx, day(0, 0))
	if err != nil || len(queued) != 2 || queued[0].MessageID != "a1@x" || queued[0].Box != OutboxAnswers {
		t.Fatalf("NextOutgoing = %+v, %v; want a1, a2 from the answers", queued, err)
	}
	if n, err := s.BeginOutgoing(ctx, queued[0], day(0, 20)); err != nil || n != 1 {
		t.Fatalf("BeginOutgoing = %d, %v; want attempt 1", n, err)
	}
	if err := s.OutgoingSent(ctx, queued[0], day(0, 19)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginOutgoing(ctx, queued[0], day(0, 20)); !errors.Is(err, ErrChanged) {
		t.Errorf("BeginOutgoing of a sent answer: %v, want ErrChanged", err)
	}
	if err := s.OutgoingFailed(ctx, queued[1], "550 no such user"); err != nil {
		t.Fatal(err)
	}
	if got := unsent(); len(got) != 0 {
		t.Errorf("unsent after one sent and one given up = %q", got)
	}
	all, err := s.AnswersTo(ctx, c.MessageID)
	if err != nil || len(all) != 2 {
		t.Fatalf("AnswersTo = %+v, %v", all, err)
	}
	if all[0].Attempts != 1 || !all[0].SentAt.Equal(day(0, 19)) || all[1].LastError != "550 no such user" {
		t.Errorf("answers = %+v", all)
	}
	// Too old to retry.
	if got, err := s.UnsentAnswers(ctx, day(1, 0), 1<<30); err != nil || len(got) != 0 {
		t.Errorf("answers created before since = %+v, %v", got, err)
	}
}
