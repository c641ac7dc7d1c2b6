package daemon

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

func utcTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReplyFixtures hands every fixture of testdata/replies to the daemon,
// its references rewritten to a stored reminder, and checks the change and
// the answers; then hands it on again (a re-sync) and checks that nothing
// more happens.
func TestReplyFixtures(t *testing.T) {
	tests := []struct {
		file string
		// toThankYou: the fixture's token is the thank-you's (else the call's).
		toThankYou bool
		check      func(t *testing.T, e *rpEnv)
		answers    []string // kinds of the emails sent, in order
		// log is a line the log must hold exactly once ("" for none).
		log string
	}{
		{file: "gmail-multipart.eml", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			// "sent" confirms the thank-you whichever email it answers.
			if r := e.reminder(t, interview.ThankYou); r.State != store.StateConfirmed {
				t.Errorf("thank-you = %s, want confirmed", r.State)
			}
			if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateSent {
				t.Errorf("call = %s, want still sent", r.State)
			}
		}},
		{file: "outlook-desktop.eml", answers: []string{"ack"}, check: wantNextAttempt(interview.FollowUpCall, "2026-12-03T19:00:00Z")},
		{file: "outlook-html-only.eml", answers: []string{"ack"}, check: wantCall(store.StateConfirmed, store.OutcomeNoOffer)},
		{file: "outlook-web.eml", toThankYou: true, answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			if r := e.reminder(t, interview.ThankYou); r.State != store.StateSkipped {
				t.Errorf("thank-you = %s, want skipped (reply from an alias)", r.State)
			}
		}},
		{file: "apple-mail.eml", answers: []string{"ack"}, check: wantNextAttempt(interview.FollowUpCall, "2026-12-02T14:00:00Z")},
		{file: "apple-iphone.eml", toThankYou: true, answers: []string{"ack", "draft"}, check: func(t *testing.T, e *rpEnv) {
			if h := e.interview(t).Interviewers[0].Honorific; h != interview.Dr {
				t.Errorf("honorific = %q, want Dr.", h)
			}
			draft := e.sender.emails()[1]
			if !strings.Contains(draft.Text, "Dear Dr. Doe,") {
				t.Errorf("re-sent draft does not greet Dr. Doe:\n%s", draft.Text)
			}
		}},
		{file: "thunderbird.eml", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			if n := e.interview(t).Notes; !strings.HasPrefix(n, "She stressed the team's move to Go") || !strings.Contains(n, "panel decides by Friday") {
				t.Errorf("notes = %q", n)
			}
		}},
		{file: "thunderbird-html.eml", answers: []string{"ack"}, check: wantCall(store.StateConfirmed, store.OutcomeCalled)},
		// Friday 10:15 EST + 1 business day, Monday 7 December a holiday.
		{file: "mutt.eml", answers: []string{"ack"}, check: wantNextAttempt(interview.FollowUpCall, "2026-12-08T15:15:00Z")},
		{file: "k9.eml", answers: []string{"ack", "draft"}, check: func(t *testing.T, e *rpEnv) {
			if f := e.interview(t).Formality; f != "formal" {
				t.Errorf("formality = %q", f)
			}
			if draft := e.sender.emails()[1]; !strings.Contains(draft.Text, "letter on good paper") {
				t.Errorf("re-sent draft is not the formal one:\n%s", draft.Text)
			}
		}},
		{file: "french-latin1.eml", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			if r := e.reminder(t, interview.ThankYou); r.State != store.StateConfirmed {
				t.Errorf("thank-you = %s", r.State)
			}
		}},
		{file: "german-base64.eml", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			if n := e.interview(t).Notes; !strings.Contains(n, "Frau Müller") {
				t.Errorf("notes = %q", n)
			}
		}},
		{file: "quoted-commands.eml", answers: []string{"status"}, check: func(t *testing.T, e *rpEnv) {
			// The text part is wrapped at 76 columns: compare the words.
			text := strings.Join(strings.Fields(e.sender.emails()[0].Text), " ")
			for _, want := range []string{"Open follow-ups:", "Thank-you note for Jane Doe at Acme Corp: waiting for your answer since Tuesday, December 1"} {
				if !strings.Contains(text, want) {
					t.Errorf("status does not say %q:\n%s", want, text)
				}
			}
			wantUnchanged(t, e)
		}},
		{file: "quoted-only.eml", answers: []string{"help"}, check: wantUnchanged},
		{file: "signature.eml", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			wantCall(store.StateConfirmed, store.OutcomeOffer)(t, e)
			if text := e.sender.emails()[0].Text; !strings.Contains(text, "Congratulations") || !strings.Contains(text, "few days") {
				t.Errorf("offer acknowledgement:\n%s", text)
			}
		}},
		{file: "stranger.eml", check: wantUnchanged, log: "reply refused; nothing changed"},
		{file: "forged-owner.eml", check: wantUnchanged, log: "reply refused; nothing changed"},
		{file: "forged-spf.eml", check: wantUnchanged, log: "reply refused; nothing changed"},
		{file: "out-of-office.eml", check: wantUnchanged, log: "reply ignored; nothing changed"},
		// Saturday 31 October 14:00 EDT + 2 days, across the end of DST.
		{file: "apple-html-mixed.eml", answers: []string{"ack"}, check: wantNextAttempt(interview.FollowUpCall, "2026-11-02T19:00:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newReplyEnv(t, true)
			rem := e.call
			if tt.toThankYou {
				rem = e.ty
			}
			m := replyFixture(t, tt.file, rem.Token)
			e.handle(t, m)
			got := e.sender.emails()
			if kinds := kindsOf(t, got); !slices.Equal(kinds, tt.answers) {
				t.Fatalf("answers = %q, want %q", kinds, tt.answers)
			}
			tt.check(t, e)
			for _, a := range got {
				token := rem.Token
				if answerKind(t, a.MessageID) == "draft" {
					token = e.ty.Token // a reply to the draft answers the thank-you
				}
				checkAnswerEnvelope(t, a, m, token)
			}
			if tt.log != "" {
				if n := strings.Count(e.logs.String(), tt.log); n != 1 {
					t.Errorf("log has %q %d times, want once:\n%s", tt.log, n, e.logs.String())
				}
			}
			if strings.Contains(e.logs.String(), rem.Token) {
				t.Error("the reply token appears in the log")
			}

			// The same message again, as after a UIDVALIDITY change.
			before := e.interview(t)
			e.handle(t, m)
			if n := len(e.sender.emails()); n != len(got) {
				t.Errorf("handled again: %d emails sent in all, want still %d", n, len(got))
			}
			after := e.interview(t)
			if before.Notes != after.Notes || !slices.EqualFunc(before.Reminders, after.Reminders,
				func(a, b store.ReminderRecord) bool { return a == b }) {
				t.Errorf("handled again, the state changed:\n%+v\n%+v", before, after)
			}
			if tt.log != "" {
				if n := strings.Count(e.logs.String(), tt.log); n != 1 {
					t.Errorf("handled again: log has %q %d times, want once", tt.log, n)
				}
			}
		})
	}
}

// checkAnswerEnvelope checks an answer's addressing and threading: to the
// owner, in reply to the owner's message, with a Message-ID of ours that
// carries the token of the reminder replied to.
func checkAnswerEnvelope(t *testing.T, a mailer.Email, m mailbox.Message, token string) {
	t.Helper()
	if a.To.Address != "alex.morgan@example.org" {
		t.Errorf("answer to %q, want the owner", a.To.Address)
	}
	if a.From.Address != "followupd@"+rpDomain {
		t.Errorf("answer from %q", a.From.Address)
	}
	if !a.AutoSubmitted {
		t.Error("answer not marked Auto-Submitted")
	}
	if got, ok := mailer.TokenOf(a.MessageID); !ok || got != token || !strings.HasSuffix(a.MessageID, "@"+rpDomain) {
		t.Errorf("answer Message-ID %q does not carry the reminder's token", a.MessageID)
	}
	id, _ := m.Header.MessageID()
	if id != "" && (a.InReplyTo != id || !slices.Contains(a.References, id)) {
		t.Errorf("answer In-Reply-To %q, References %q; want the reply %q", a.InReplyTo, a.References, id)
	}
	if !slices.ContainsFunc(a.References, func(r string) bool { _, ok := mailer.TokenOf(r); return ok }) {
		t.Errorf("answer References %q leave the interview's thread", a.References)
	}
}

func wantNextAttempt(kind interview.ReminderKind, at string) func(*testing.T, *rpEnv) {
	return func(t *testing.T, e *rpEnv) {
		t.Helper()
		r := e.reminder(t, kind)
		if r.State != store.StateSent || !r.NextAttempt.Equal(utcTime(t, at)) {
			t.Errorf("%s = %s, next %v; want sent, next %s", kind, r.State, r.NextAttempt, at)
		}
	}
}

func wantCall(state interview.State, outcome string) func(*testing.T, *rpEnv) {
	return func(t *testing.T, e *rpEnv) {
		t.Helper()
		if r := e.reminder(t, interview.FollowUpCall); r.State != state || r.Outcome != outcome {
			t.Errorf("call = %s/%q, want %s/%q", r.State, r.Outcome, state, outcome)
		}
	}
}

// wantUnchanged checks that the interview is as newReplyEnv left it.
func wantUnchanged(t *testing.T, e *rpEnv) {
	t.Helper()
	rec := e.interview(t)
	if rec.Status != interview.Scheduled || rec.Notes != "" || rec.Formality != "" || rec.Interviewers[0].Honorific != "" {
		t.Errorf("interview changed: %+v", rec)
	}
	if ty := e.reminder(t, interview.ThankYou); ty != e.ty {
		t.Errorf("thank-you changed: %+v", ty)
	}
	if call := e.reminder(t, interview.FollowUpCall); call != e.call {
		t.Errorf("call changed: %+v", call)
	}
}

func TestReplyCommands(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		toThankYou bool
		check      func(t *testing.T, e *rpEnv)
		answers    []string
		ack        string // a phrase the acknowledgement must hold
	}{
		{name: "done on the call email confirms the call", text: "Done, spoke to her.", answers: []string{"ack"},
			check: wantCall(store.StateConfirmed, store.OutcomeCalled), ack: "marked done"},
		{name: "done on the thank-you email confirms it", text: "done", toThankYou: true, answers: []string{"ack"},
			check: func(t *testing.T, e *rpEnv) {
				if r := e.reminder(t, interview.ThankYou); r.State != store.StateConfirmed {
					t.Errorf("thank-you = %s", r.State)
				}
			}, ack: "is marked sent"},
		{name: "skip the call", text: "skip", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateSkipped {
				t.Errorf("call = %s", r.State)
			}
			if r := e.reminder(t, interview.ThankYou); r.State != store.StateSent {
				t.Errorf("thank-you = %s, want untouched", r.State)
			}
		}, ack: "follow-up call for Jane Doe at Acme Corp is skipped"},
		{name: "cancel", text: "cancel", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			rec := e.interview(t)
			if rec.Status != interview.Cancelled || rec.CancelReason != store.CancelledByOwner {
				t.Errorf("interview %s/%s", rec.Status, rec.CancelReason)
			}
			for _, r := range rec.Reminders {
				if r.State != store.StateCancelled {
					t.Errorf("%s = %s", r.Kind, r.State)
				}
			}
			// A newer version of the event does not bring it back.
			iv := rpInterview("acme-1@test", newYorkTime(t, "2026-12-01 10:00"))
			iv.Sequence = 5
			if _, err := e.st.Apply(context.Background(), store.Report{Source: "calendar:work", Interviews: []interview.Interview{iv}},
				e.clock.Now(), nil); err != nil {
				t.Fatal(err)
			}
			if rec := e.interview(t); rec.Status != interview.Cancelled {
				t.Error("a merge revived an interview the owner cancelled")
			}
		}, ack: "Nothing more will be sent"},
		{name: "offer after called", text: "offer", answers: []string{"ack"}, check: func(t *testing.T, e *rpEnv) {
			wantCall(store.StateConfirmed, store.OutcomeOffer)(t, e)
		}},
		{name: "help", text: "help", answers: []string{"help"}, check: wantUnchanged},
		{name: "notes then formal: the draft carries the note", text: "notes: they use Go and Kafka", answers: []string{"ack"},
			check: func(t *testing.T, e *rpEnv) {
				e.handle(t, readFixture(t, ownerReply("formal-1@example.org", "r."+e.ty.Token+".0@"+rpDomain,
					"Fri, 4 Dec 2026 12:05:00 -0500", "formal"), "INBOX"))
				sent := e.sender.emails()
				if kinds := kindsOf(t, sent); !slices.Equal(kinds, []string{"ack", "ack", "draft"}) {
					t.Fatalf("answers = %q", kinds)
				}
				if !strings.Contains(sent[2].Text, "they use Go and Kafka") {
					t.Errorf("the re-sent draft does not carry the note:\n%s", sent[2].Text)
				}
				if !strings.Contains(sent[1].Text, "A new thank-you email") {
					t.Errorf("formal ack does not announce the draft:\n%s", sent[1].Text)
				}
			}, ack: "They will be in the follow-up call outline"},
		{name: "an honorific for an interviewer with no thank-you open: no draft", text: "ms", answers: []string{"ack"},
			check: func(t *testing.T, e *rpEnv) {
				if h := e.interview(t).Interviewers[0].Honorific; h != interview.Ms {
					t.Errorf("honorific = %q", h)
				}
			}, ack: "Jane Doe is now addressed as Ms. Doe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newReplyEnv(t, true)
			ctx := context.Background()
			switch tt.name {
			case "offer after called":
				if err := e.st.ResolveReminder(ctx, e.call.ID, store.StateConfirmed, store.OutcomeCalled, "", e.clock.Now()); err != nil {
					t.Fatal(err)
				}
			case "notes then formal: the draft carries the note":
				// The call outline is still to come.
				e.ivID, e.ty, e.call = e.addInterview(t, "acme-2@test", newYorkTime(t, "2026-12-03 10:00"), false)
				a := store.Attempt{Reminder: e.ty.ID, MessageID: "r." + e.ty.Token + ".0@" + rpDomain}
				if _, err := e.st.BeginSend(ctx, a, e.clock.Now()); err != nil {
					t.Fatal(err)
				}
				if err := e.st.SendDone(ctx, a, e.clock.Now(), e.clock.Now().Add(24*time.Hour)); err != nil {
					t.Fatal(err)
				}
			case "an honorific for an interviewer with no thank-you open: no draft":
				if err := e.st.ResolveReminder(ctx, e.ty.ID, store.StateConfirmed, "", "", e.clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			rem := e.call
			if tt.toThankYou {
				rem = e.ty
			}
			e.handle(t, readFixture(t, ownerReply("cmd-1@example.org", "r."+rem.Token+".0@"+rpDomain,
				"Fri, 4 Dec 2026 12:00:00 -0500", tt.text), "INBOX"))
			if kinds := kindsOf(t, e.sender.emails()); !slices.Equal(kinds[:min(len(kinds), len(tt.answers))], tt.answers) {
				t.Fatalf("answers = %q, want %q", kinds, tt.answers)
			}
			if tt.ack != "" {
				if text := e.sender.emails()[0].Text; !strings.Contains(text, tt.ack) {
					t.Errorf("acknowledgement does not say %q:\n%s", tt.ack, text)
				}
			}
			tt.check(t, e)
		})
	}
}

func TestUnknownCommandHelpRateLimit(t *testing.T) {
	e := newReplyEnv(t, true)
	parent := "r." + e.call.Token + ".0@" + rpDomain
	send := func(id string) {
		t.Helper()
		e.handle(t, readFixture(t, ownerReply(id, parent, "Fri, 4 Dec 2026 12:00:00 -0500", "what now?"), "INBOX"))
	}
	send("u1@example.org")
	e.clock.set(e.clock.Now().Add(30 * time.Minute))
	send("u2@example.org")
	if kinds := kindsOf(t, e.sender.emails()); !slices.Equal(kinds, []string{"help"}) {
		t.Fatalf("two unknown commands within the hour: answers %q, want one help", kinds)
	}
	if text := e.sender.emails()[0].Text; !strings.Contains(text, `"what now?"`) {
		t.Errorf("help does not quote the line:\n%s", text)
	}
	// An explicit help is always answered.
	e.handle(t, readFixture(t, ownerReply("h1@example.org", parent, "Fri, 4 Dec 2026 12:31:00 -0500", "help"), "INBOX"))
	if n := len(e.sender.emails()); n != 2 {
		t.Fatalf("explicit help: %d emails, want 2", n)
	}

	// After a restart, the limit still holds: it is in the store.
	e.d = New(e.cfg, e.st, e.d.log, WithClock(e.clock.Now), WithSender(e.sender))
	e.clock.set(e.clock.Now().Add(20 * time.Minute)) // 50 minutes after the first, 19 after the explicit help
	send("u3@example.org")
	if n := len(e.sender.emails()); n != 2 {
		t.Fatalf("unknown command after a restart within the hour: %d emails, want still 2", n)
	}
	e.clock.set(e.clock.Now().Add(time.Hour))
	send("u4@example.org")
	if kinds := kindsOf(t, e.sender.emails()); !slices.Equal(kinds, []string{"help", "help", "help"}) {
		t.Errorf("after an hour: answers %q, want a third help", kinds)
	}
	// Another interview has its own limit.
	_, _, call2 := e.addInterview(t, "acme-2@test", newYorkTime(t, "2026-12-02 10:00"), true)
	e.handle(t, readFixture(t, ownerReply("u5@example.org", "r."+call2.Token+".0@"+rpDomain,
		"Fri, 4 Dec 2026 12:00:00 -0500", "hmm"), "INBOX"))
	if n := len(e.sender.emails()); n != 4 {
		t.Errorf("unknown command for another interview: %d emails, want 4", n)
	}
}

func TestAcknowledgeOff(t *testing.T) {
	e := newReplyEnv(t, false)
	parent := "r." + e.ty.Token + ".0@" + rpDomain
	e.handle(t, readFixture(t, ownerReply("a1@example.org", parent, "Fri, 4 Dec 2026 12:00:00 -0500", "sent"), "INBOX"))
	if r := e.reminder(t, interview.ThankYou); r.State != store.StateConfirmed {
		t.Fatalf("thank-you = %s", r.State)
	}
	if n := len(e.sender.emails()); n != 0 {
		t.Fatalf("acknowledge = false: %d emails sent", n)
	}
	e.handle(t, readFixture(t, ownerReply("a2@example.org", parent, "Fri, 4 Dec 2026 12:01:00 -0500", "status"), "INBOX"))
	e.handle(t, readFixture(t, ownerReply("a3@example.org", parent, "Fri, 4 Dec 2026 12:02:00 -0500", "bogus"), "INBOX"))
	if kinds := kindsOf(t, e.sender.emails()); !slices.Equal(kinds, []string{"status", "help"}) {
		t.Errorf("acknowledge = false: answers %q, want status and help still", kinds)
	}
}

func TestNotOurReplies(t *testing.T) {
	e := newReplyEnv(t, true)
	// A reply in some other thread, naming a token-shaped id we never made.
	other := ownerReply("x1@example.org", "r.aaaaaaaaaaaaaaaaaaaaaaaaaa.0@"+rpDomain, "Fri, 4 Dec 2026 12:00:00 -0500", "cancel")
	handled, err := e.d.handleReply(context.Background(), readFixture(t, other, "INBOX"))
	if err != nil || handled {
		t.Errorf("reply to an unknown token: handled %v, %v; want not ours", handled, err)
	}
	plain := strings.Replace(other, "In-Reply-To: <r.aaaaaaaaaaaaaaaaaaaaaaaaaa.0@"+rpDomain+">\r\nReferences: <r.aaaaaaaaaaaaaaaaaaaaaaaaaa.0@"+rpDomain+">\r\n", "", 1)
	if handled, err := e.d.handleReply(context.Background(), readFixture(t, plain, "INBOX")); err != nil || handled {
		t.Errorf("message with no references: handled %v, %v", handled, err)
	}
	// Our own email coming back into the Inbox is skipped silently, even a
	// thread's root (no In-Reply-To): the call email's .ics slot must never
	// be read as an invitation.
	own := strings.Join([]string{
		"From: followupd <followupd@" + rpDomain + ">", "To: alex.morgan@example.org",
		"Subject: Follow-up call: Jane Doe at Acme Corp", "Date: Fri, 4 Dec 2026 09:00:00 -0500",
		"Message-ID: <r." + e.call.Token + ".0@" + rpDomain + ">",
		"Auto-Submitted: auto-generated", "Content-Type: text/plain; charset=utf-8", "", "cancel", "",
	}, "\r\n")
	if handled, err := e.d.handleReply(context.Background(), readFixture(t, own, "INBOX")); err != nil || !handled {
		t.Errorf("own email: handled %v, %v; want handled", handled, err)
	}
	// A refused reply is no command, but an invitation in it is still read.
	if handled, err := e.d.handleReply(context.Background(), replyFixture(t, "stranger.eml", e.call.Token)); err != nil || handled {
		t.Errorf("stranger's reply: handled %v, %v; want false (on to invitations)", handled, err)
	}
	if n := strings.Count(e.logs.String(), "reply refused"); n != 1 {
		t.Errorf("refusal logged %d times", n)
	}
	e.flush(t)
	wantUnchanged(t, e)
	if n := len(e.sender.emails()); n != 0 {
		t.Errorf("%d emails sent", n)
	}
	if strings.Contains(e.logs.String(), "reply ignored") {
		t.Error("own email logged as an ignored reply")
	}
}

func TestAnswerRetry(t *testing.T) {
	e := newReplyEnv(t, true)
	down := errors.New("dial tcp 127.0.0.1:25: connect: connection refused for r." + e.ty.Token)
	e.sender.fail = func(mailer.Email) error { return &net4xx{down} }
	parent := "r." + e.ty.Token + ".0@" + rpDomain
	e.handle(t, readFixture(t, ownerReply("r1@example.org", parent, "Fri, 4 Dec 2026 12:00:00 -0500", "sent"), "INBOX"))
	if r := e.reminder(t, interview.ThankYou); r.State != store.StateConfirmed {
		t.Fatalf("the change must not wait for the answer: thank-you = %s", r.State)
	}
	if strings.Contains(e.logs.String(), e.ty.Token) {
		t.Error("the token appears in the log")
	}
	unsent, err := e.st.UnsentAnswers(context.Background(), e.clock.Now().Add(-time.Hour), scheduler.DefaultMaxAttempts)
	if err != nil || len(unsent) != 1 || unsent[0].Attempts != 1 || strings.Contains(unsent[0].LastError, e.ty.Token) {
		t.Fatalf("unsent answers = %+v, %v", unsent, err)
	}

	// Too soon: the retry waits.
	e.sender.fail = nil
	e.flush(t)
	if n := len(e.sender.emails()); n != 0 {
		t.Fatalf("retried at once: %d sent", n)
	}
	e.clock.set(e.clock.Now().Add(3 * time.Minute))
	e.flush(t)
	e.flush(t)
	if kinds := kindsOf(t, e.sender.emails()); !slices.Equal(kinds, []string{"ack"}) {
		t.Fatalf("after the retry: answers %q, want one ack", kinds)
	}

	// A permanent refusal is given up.
	e.sender.fail = func(mailer.Email) error { return errors.New("550 mailbox unavailable") }
	e.handle(t, readFixture(t, ownerReply("r2@example.org", parent, "Fri, 4 Dec 2026 12:10:00 -0500", "status"), "INBOX"))
	if unsent, err := e.st.UnsentAnswers(context.Background(), e.clock.Now().Add(-time.Hour), scheduler.DefaultMaxAttempts); err != nil || len(unsent) != 0 {
		t.Errorf("after a permanent failure: unsent %+v, %v", unsent, err)
	}
}

// net4xx is a temporary network failure, as mailer.IsTemporary sees it.
type net4xx struct{ err error }

func (e *net4xx) Error() string   { return e.err.Error() }
func (e *net4xx) Timeout() bool   { return true }
func (e *net4xx) Temporary() bool { return true }
