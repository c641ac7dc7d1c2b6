package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// employerMail is a message from the employer's side.
func employerMail(from, id, subject, date, text string) string {
	return strings.Join([]string{
		"From: " + from,
		"To: Alex Morgan <alex.morgan@example.org>",
		"Subject: " + subject,
		"Date: " + date,
		"Message-ID: <" + id + ">",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"", text, "",
	}, "\r\n")
}

func TestEmployerRejectionThenUndo(t *testing.T) {
	e := newReplyEnv(t, true)
	ctx := context.Background()
	// Applicant-tracking services mark their mail auto-generated: still read.
	rej := "Auto-Submitted: auto-generated\r\n" + employerMail("Acme Corp Talent <no-reply@hire.lever.co>", "rej-1@lever.co",
		"Your application to Acme Corp", "Fri, 04 Dec 2026 11:00:00 -0500",
		"Hi Alex,\n\nThank you for interviewing with us. We have decided not to move forward with your application.\n")
	e.handle(t, readFixture(t, rej, "INBOX"))

	for _, k := range []interview.ReminderKind{interview.ThankYou, interview.FollowUpCall} {
		if r := e.reminder(t, k); r.State != store.StateCancelled || r.Outcome != store.OutcomeRejected {
			t.Errorf("%s = %s/%s, want cancelled/rejected", k, r.State, r.Outcome)
		}
	}
	sent := e.sender.emails()
	if len(sent) != 1 {
		t.Fatalf("sent %d emails, want the rejection notice", len(sent))
	}
	notice := sent[0]
	for _, want := range []string{"Acme Corp will not go on", "Dear Mr./Ms. Doe,", "feedback", "not a rejection"} {
		if !strings.Contains(notice.Text, want) {
			t.Errorf("notice lacks %q:\n%s", want, notice.Text)
		}
	}
	if notice.InReplyTo == "" || !strings.Contains(notice.MessageID, e.ty.Token) {
		t.Errorf("notice not in the interview's thread: id %s, in-reply-to %s", notice.MessageID, notice.InReplyTo)
	}
	// The draft goes to the interviewer, not to Lever's no-reply address.
	if !strings.Contains(notice.HTML, "mailto:jane.doe@acme.example.com") {
		t.Error("the draft is not addressed to the interviewer")
	}

	// Handed on again (a re-sync): nothing more.
	e.handle(t, readFixture(t, rej, "INBOX"))
	if n := len(e.sender.emails()); n != 1 {
		t.Errorf("re-sync sent %d emails, want still 1", n)
	}

	// The owner says it was not a rejection.
	e.handle(t, readFixture(t, ownerReply("undo-1@example.org", notice.MessageID, "Fri, 04 Dec 2026 12:30:00 -0500", "Not a rejection"), "INBOX"))
	if r := e.reminder(t, interview.ThankYou); r.State != store.StateSent {
		t.Errorf("thank-you after undo = %s, want sent", r.State)
	}
	if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateSent {
		t.Errorf("call after undo = %s, want sent", r.State)
	}
	sent = e.sender.emails()
	if len(sent) != 2 || !strings.Contains(sent[1].Text, "Undone: Acme Corp's message is no longer read as a rejection") {
		t.Fatalf("undo acknowledgement missing: %d emails; last:\n%s", len(sent), sent[len(sent)-1].Text)
	}
	apps, err := e.st.Applications(ctx, e.clock.Now())
	if err != nil || len(apps) != 1 || apps[0].Stage != store.StageInterviewing {
		t.Fatalf("applications = %+v, %v", apps, err)
	}
}

func TestEmployerOfferBringsTheOutline(t *testing.T) {
	e := newReplyEnv(t, true)
	offer := employerMail("Jane Doe <jane.doe@acme.example.com>", "offer-1@acme.example.com", "Good news",
		"Fri, 04 Dec 2026 11:00:00 -0500",
		"Hi Alex,\n\nWe are delighted to offer you the Backend Engineer position. Details to follow.\n")
	e.handle(t, readFixture(t, offer, "INBOX"))
	if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateCancelled || r.Outcome != store.OutcomeOffered {
		t.Errorf("call = %s/%s, want cancelled/offer", r.State, r.Outcome)
	}
	if r := e.reminder(t, interview.ThankYou); r.State != store.StateSent {
		t.Errorf("thank-you = %s, want still sent", r.State)
	}
	sent := e.sender.emails()
	if len(sent) != 1 || !strings.HasPrefix(sent[0].Subject, "Offer from Acme Corp") {
		t.Fatalf("sent %d emails (%q), want the offer outline", len(sent), sent[0].Subject)
	}
	for _, want := range []string{"Salary", "Benefits", "Start date", "do not say yes", "a few days", "Thursday, December 10"} {
		if !strings.Contains(flatText(sent[0].Text), want) {
			t.Errorf("outline lacks %q", want)
		}
	}
}

func TestEmployerLookAlikesChangeNothing(t *testing.T) {
	e := newReplyEnv(t, true)
	for i, raw := range []string{
		employerMail("Shop <deals@shop.example>", "sale@shop.example", "A special offer for you",
			"Fri, 04 Dec 2026 11:00:00 -0500", "Our special offer: 40% off, shop now."),
		employerMail("JobBoard <alerts@jobs.example>", "alert@jobs.example", "Job alert: 12 new jobs matching Backend",
			"Fri, 04 Dec 2026 11:00:00 -0500", "Acme Corp interview process... we are pleased to offer you tips for every interview."),
		employerMail("Initech <jobs@initech.example>", "rej@initech.example", "Your application",
			"Fri, 04 Dec 2026 11:00:00 -0500", "We have decided not to move forward with your application."),
		"Auto-Submitted: auto-replied\r\n" + employerMail("Jane Doe <jane.doe@acme.example.com>", "ooo@acme.example.com",
			"Out of office", "Fri, 04 Dec 2026 11:00:00 -0500", "I am away; I will reschedule our interview when back. Unfortunately I cannot offer you a time."),
		employerMail("Jane Doe <jane.doe@acme.example.com>", "re@acme.example.com", "Thursday",
			"Fri, 04 Dec 2026 11:00:00 -0500", "Unfortunately I have a conflict. Could we reschedule our next chat?"),
	} {
		e.handle(t, readFixture(t, raw, "INBOX"))
		wantUnchangedReminders(t, e, i)
	}
	// Only the reschedule was acknowledged.
	sent := e.sender.emails()
	if len(sent) != 1 || !strings.Contains(flatText(sent[0].Text), "Nothing is closed") {
		t.Fatalf("sent %d emails, want one scheduling acknowledgement", len(sent))
	}
}

func wantUnchangedReminders(t *testing.T, e *rpEnv, i int) {
	t.Helper()
	for _, k := range []interview.ReminderKind{interview.ThankYou, interview.FollowUpCall} {
		if r := e.reminder(t, k); r.State != store.StateSent {
			t.Errorf("message %d: %s = %s, want still sent", i, k, r.State)
		}
	}
}

func TestEmployerSilenceCheckInThenNoResponse(t *testing.T) {
	e := newReplyEnv(t, true)
	e.cfg.Digest.Enabled = false
	ctx := context.Background()
	// The call was made on Friday 4 December.
	if err := e.st.ResolveReminder(ctx, e.call.ID, store.StateConfirmed, store.OutcomeCalled, "", newYorkTime(t, "2026-12-04 10:00")); err != nil {
		t.Fatal(err)
	}
	e.chores(t)
	if n := len(e.sender.emails()); n != 0 {
		t.Fatalf("sent %d emails right after the call", n)
	}
	// Seven business days later (Monday 7 December is a holiday): Wednesday 16 December, 09:00.
	e.clock.now = newYorkTime(t, "2026-12-16 08:59")
	e.chores(t)
	if n := len(e.sender.emails()); n != 0 {
		t.Fatalf("check-in came early (%d emails)", n)
	}
	e.clock.now = newYorkTime(t, "2026-12-16 09:00")
	e.chores(t)
	sent := e.sender.emails()
	var checkIn bool
	for _, m := range sent {
		if strings.HasPrefix(m.Subject, "No word from Acme Corp yet") {
			checkIn = true
			if !strings.Contains(flatText(m.Text), "where the process stands") {
				t.Errorf("check-in draft:\n%s", m.Text)
			}
		}
	}
	if !checkIn {
		t.Fatalf("no check-in among %d emails", len(sent))
	}
	e.chores(t)
	n := len(e.sender.emails())
	e.clock.now = newYorkTime(t, "2026-12-28 09:00")
	e.chores(t)
	apps, err := e.st.Applications(ctx, e.clock.Now())
	if err != nil || len(apps) != 1 || apps[0].Stage != store.StageNoResponse {
		t.Fatalf("applications = %+v, %v; want no_response", apps, err)
	}
	var told bool
	for _, m := range e.sender.emails()[n:] {
		if strings.HasPrefix(m.Subject, "No word") {
			t.Error("a second check-in was sent")
		}
		told = told || strings.HasSuffix(m.Subject, "Acme Corp: no response")
	}
	if !told {
		t.Error("the owner was not told of the no response")
	}
}

func TestEmployerWeeklyDigestOnce(t *testing.T) {
	e := newReplyEnv(t, true)
	digests := func() int {
		n := 0
		for _, m := range e.sender.emails() {
			if strings.HasPrefix(m.Subject, "Your job search this week") {
				n++
				if !strings.Contains(m.HTML, `bgcolor="#2563eb"`) || !strings.Contains(m.Text, "Interviewing") {
					t.Errorf("digest lacks its bar chart:\n%s", m.Text)
				}
			}
		}
		return n
	}
	// Friday: this week's digest (Monday 09:00) is days late, as on a
	// first start late in the week: it is not sent; the next one comes on
	// its day.
	e.chores(t)
	if n := digests(); n != 0 {
		t.Errorf("%d digests sent four days late, want 0", n)
	}
	e.clock.Advance(3 * 24 * time.Hour) // Monday 12:00: the next week's
	e.chores(t)
	e.chores(t)
	if n := digests(); n != 1 {
		t.Errorf("%d digests on Monday, want 1", n)
	}
	e.clock.Advance(7 * 24 * time.Hour)
	e.chores(t)
	if n := digests(); n != 2 {
		t.Errorf("%d digests after a week, want 2", n)
	}
}

// A reschedule from the employer closes nothing; when the new invitation
// comes, the owner is told the interview moved, once.
func TestEmployerRescheduleThenNewInvitation(t *testing.T) {
	e := newReplyEnv(t, true)
	e.cfg.Digest.Enabled = false
	// An interview to come, on Tuesday 8 December.
	_, _, _ = e.addInterview(t, "acme-2@test", newYorkTime(t, "2026-12-08 10:00"), false)
	e.handle(t, readFixture(t, employerMail("Jane Doe <jane.doe@acme.example.com>", "move@acme.example.com", "Tuesday",
		"Fri, 04 Dec 2026 11:00:00 -0500", "Unfortunately something came up. Could we reschedule our interview to Wednesday?"), "INBOX"))
	if n := len(e.sender.emails()); n != 1 {
		t.Fatalf("sent %d emails, want the scheduling acknowledgement", n)
	}
	inv := strings.Join([]string{
		"From: Jane Doe <jane.doe@acme.example.com>", "To: alex.morgan@example.org", "Subject: Updated invitation",
		"Date: Fri, 04 Dec 2026 11:30:00 -0500", "Message-ID: <inv-2@acme.example.com>", "MIME-Version: 1.0",
		"Content-Type: text/calendar; charset=utf-8; method=REQUEST", "",
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "METHOD:REQUEST", "BEGIN:VEVENT",
		"UID:acme-2@test", "SEQUENCE:1", "DTSTAMP:20261204T163000Z",
		"DTSTART:20261209T150000Z", "DTEND:20261209T160000Z", "STATUS:CONFIRMED",
		"SUMMARY:Interview with Jane Doe at Acme Corp", "ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example.com",
		"ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	e.handle(t, readFixture(t, inv, "INBOX"))
	e.handle(t, readFixture(t, inv, "INBOX")) // handed on again: told once
	var moved int
	for _, m := range e.sender.emails() {
		if strings.HasSuffix(m.Subject, "your interview moved") {
			moved++
			if !strings.Contains(flatText(m.Text), "Wednesday, December 9 at 10:00 EST") {
				t.Errorf("moved notice:\n%s", m.Text)
			}
		}
	}
	if moved != 1 {
		t.Errorf("%d moved notices, want 1", moved)
	}
	if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateSent {
		t.Errorf("the first interview's call = %s, want untouched", r.State)
	}
}

// A next round: acknowledged at once; when the next interview's invitation
// arrives, the earlier call is dropped and the owner told.
func TestEmployerNextRoundMakesTheCallMoot(t *testing.T) {
	e := newReplyEnv(t, true)
	e.cfg.Digest.Enabled = false
	e.handle(t, readFixture(t, employerMail("Acme Corp via Greenhouse <no-reply@greenhouse.io>", "next@greenhouse.io",
		"Next steps with Acme Corp", "Fri, 04 Dec 2026 11:00:00 -0500",
		"Great news! We would like to invite you to the final round with our CTO."), "INBOX"))
	if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateSent {
		t.Fatalf("call = %s, want still sent until the next invitation", r.State)
	}
	e.clock.Advance(time.Hour)
	inv := strings.Join([]string{
		"From: Jane Doe <jane.doe@acme.example.com>", "To: alex.morgan@example.org", "Subject: Invitation: final round",
		"Date: Fri, 04 Dec 2026 13:00:00 -0500", "Message-ID: <final@acme.example.com>", "MIME-Version: 1.0",
		"Content-Type: text/calendar; charset=utf-8; method=REQUEST", "",
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "METHOD:REQUEST", "BEGIN:VEVENT",
		"UID:acme-final@test", "SEQUENCE:0", "DTSTAMP:20261204T180000Z",
		"DTSTART:20261210T150000Z", "DTEND:20261210T160000Z", "STATUS:CONFIRMED",
		"SUMMARY:Final interview with Jane Doe at Acme Corp", "ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example.com",
		"ATTENDEE;CN=Alex Morgan;PARTSTAT=ACCEPTED:mailto:alex.morgan@example.org",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	e.handle(t, readFixture(t, inv, "INBOX"))
	if r := e.reminder(t, interview.FollowUpCall); r.State != store.StateCancelled || r.Outcome != store.OutcomeMoot {
		t.Errorf("first call = %s/%s, want cancelled/next_round", r.State, r.Outcome)
	}
	var subjects []string
	for _, m := range e.sender.emails() {
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 2 || !strings.HasSuffix(subjects[0], "a next round") || !strings.HasSuffix(subjects[1], "the next round is set") {
		t.Errorf("emails = %q, want the next-round acknowledgement, then the moot notice", subjects)
	}
	apps, err := e.st.Applications(context.Background(), e.clock.Now())
	if err != nil || len(apps) != 1 || len(apps[0].Interviews) != 2 || apps[0].Stage != store.StageInterviewing {
		t.Fatalf("applications = %+v, %v; want one with both interviews", apps, err)
	}
}

// flatText is an email's text with its line wrapping undone.
func flatText(s string) string { return strings.Join(strings.Fields(s), " ") }
