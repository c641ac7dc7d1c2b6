package replyflow

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// Answerer composes the answers to one message of the owner's (and places
// the employer side's acknowledgements in the same thread). It runs
// inside the store transaction that applies the message: pure, no I/O.
type Answerer struct {
	cfg *config.Config
	now time.Time
	// key is what the answered message is known by (store owner_messages).
	key     string
	subject string
	// thread places the answers: In-Reply-To and References.
	inReplyTo  string
	references []string
	from       mail.Address
	domain     string
}

// NewAnswerer places answers to a reply in its thread: In-Reply-To the
// reply, References the reply's References and the reply. key is what the
// reply is known by (MessageKey), matched the Message-ID that named its
// reminder.
func NewAnswerer(cfg *config.Config, m mailbox.Message, rep replies.Reply, key, matched string, now time.Time) *Answerer {
	a := &Answerer{cfg: cfg, now: now, key: key, from: mailer.FromAddress(cfg), domain: mailer.IDDomain(cfg)}
	a.subject, _ = m.Header.Subject()
	// RFC 5322 3.6.4: the parent's References, or failing those its
	// In-Reply-To, then the parent.
	a.references = append([]string(nil), rep.References...)
	if len(a.references) == 0 && rep.InReplyTo != "" {
		a.references = []string{rep.InReplyTo}
	}
	if id, _ := m.Header.MessageID(); id != "" {
		a.inReplyTo = id
		a.references = append(a.references, id)
	} else if matched != "" {
		a.inReplyTo = matched
	}
	return a
}

// Subject is the subject of the message answered.
func (a *Answerer) Subject() string { return a.subject }

// Thread places an answer of the given kind (a store.Answer kind) about the
// reminder with token in the answered message's thread.
func (a *Answerer) Thread(token, kind string) mailer.Thread { return a.thread(token, kind) }

func (a *Answerer) thread(token, kind string) mailer.Thread {
	return mailer.Thread{From: a.from, MessageID: mailer.AnswerID(token, kind, a.key, a.domain),
		InReplyTo: a.inReplyTo, References: a.references}
}

// answers composes what a reply gets (see the command list in flow.go).
func (a *Answerer) answers(rep replies.Reply, c store.OwnerCommand, rem store.ReminderRecord, res store.CommandResult, all []store.InterviewRecord) ([]store.Answer, error) {
	switch rep.Command {
	case replies.Status:
		changed := a.status(all)
		e, err := mailer.Acknowledgement(mailer.AckInput{Owner: a.cfg.Owner, Subject: a.subject, Changed: changed,
			Now: a.now, Thread: a.thread(rem.Token, store.AnswerStatus)})
		return one(store.AnswerStatus, e, err)
	case replies.Help, replies.Unknown:
		line, hint := "", ""
		if rep.Command == replies.Unknown {
			if !res.LastHelp.IsZero() && a.now.Sub(res.LastHelp) < helpEvery {
				return nil, nil
			}
			// A reply with no text of its own gets the plain help, as if
			// it had asked.
			line, hint = rep.Line, rep.Hint
		}
		e, err := mailer.Help(mailer.HelpInput{Owner: a.cfg.Owner, Subject: a.subject, Line: line, Hint: hint,
			Now: a.now, Thread: a.thread(rem.Token, store.AnswerHelp)})
		return one(store.AnswerHelp, e, err)
	}

	var out []store.Answer
	resend := a.resendDraft(rep.Command, res)
	if a.cfg.Replies.Acknowledge {
		changed, next := a.ackText(rep, c, rem, res, resend)
		e, err := mailer.Acknowledgement(mailer.AckInput{Owner: a.cfg.Owner, Subject: a.subject,
			Changed: changed, Next: next, Now: a.now, Thread: a.thread(rem.Token, store.AnswerAck)})
		ack, err := one(store.AnswerAck, e, err)
		if err != nil {
			return nil, err
		}
		out = append(out, ack...)
	}
	if resend.ID != 0 {
		e, err := mailer.ThankYou(mailer.ThankYouInput{Interview: res.After.Interview, Owner: a.cfg.Owner,
			Formality: timerules.Formality(res.After.Interview, res.After.Formality, a.cfg), Notes: res.After.Notes, Now: a.now,
			Thread: a.thread(resend.Token, store.AnswerDraft)})
		draft, err := one(store.AnswerDraft, e, err)
		if err != nil {
			return nil, err
		}
		out = append(out, draft...)
	}
	return out, nil
}

// resendDraft is the thank-you reminder whose email is composed again after
// a change of register or salutation: only while that email is out and
// unanswered (before it goes out, it will carry the change; once answered,
// it is of no more use). The zero reminder when none is.
func (a *Answerer) resendDraft(cmd replies.Command, res store.CommandResult) store.ReminderRecord {
	switch cmd {
	case replies.Formal, replies.Casual, replies.SetHonorific:
	default:
		return store.ReminderRecord{}
	}
	if !res.Changed || res.After.Status != interview.Scheduled {
		return store.ReminderRecord{}
	}
	ty, ok := reminderOf(res.After, interview.ThankYou)
	if !ok || ty.State != store.StateSent {
		return store.ReminderRecord{}
	}
	return ty
}

// sentNoteAnswers is the acknowledgement of a thank-you note noticed in the
// Sent folder, placed in the thank-you email's thread.
func (a *Answerer) sentNoteAnswers(ty store.ReminderRecord, to []string, res store.CommandResult) ([]store.Answer, error) {
	if !a.cfg.Replies.Acknowledge || !res.Changed {
		return nil, nil
	}
	var names []string
	for _, addr := range to {
		for _, p := range res.After.Interviewers {
			if strings.EqualFold(p.Email, addr) {
				names = append(names, personName(p))
				break
			}
		}
	}
	w := mailer.AnswerWords{Person: mailer.JoinAnd(names), Who: target(res.After)}
	changed := mailer.Say(mailer.SayNoteNoticed, w)
	subject := mailer.Say(mailer.SayNoteSubject, w)
	th := mailer.Thread{From: a.from, MessageID: mailer.AnswerID(ty.Token, store.AnswerAck, a.key, a.domain)}
	if ty.MessageID != "" {
		subject = mailer.Say(mailer.SayNoteSubjectThread, w)
		th.InReplyTo, th.References = ty.MessageID, []string{ty.MessageID}
	}
	e, err := mailer.Acknowledgement(mailer.AckInput{Owner: a.cfg.Owner, Subject: subject, Changed: changed,
		Next: a.next(res.After), Now: a.now, Thread: th})
	return one(store.AnswerAck, e, err)
}

// Encode turns a composed email into the store's Answer; err, that of
// composing it, is passed on.
func Encode(kind string, e mailer.Email, err error) ([]store.Answer, error) { return one(kind, e, err) }

// one encodes a composed email as the store's Answer.
func one(kind string, e mailer.Email, err error) ([]store.Answer, error) {
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s answer: %w", kind, err)
	}
	return []store.Answer{{MessageID: e.MessageID, Kind: kind, Email: string(b)}}, nil
}

// ackText says what a command changed and what comes next, in the words of
// mailer's answer sentences.
func (a *Answerer) ackText(rep replies.Reply, c store.OwnerCommand, rem store.ReminderRecord, res store.CommandResult, resend store.ReminderRecord) (changed, next string) {
	iv := res.After
	who := target(iv)
	next = a.next(iv)
	say := mailer.Say
	w := mailer.AnswerWords{Who: who, Company: employer(iv), Kind: string(rem.Kind)}
	switch c.Action {
	case store.ActionConfirm:
		r, ok := reminderOf(iv, c.Kind)
		w.Kind = string(c.Kind)
		switch {
		case !ok:
			return say(mailer.SayNothingToMark, w), next
		case res.Changed && c.Outcome == store.OutcomeOffer:
			return say(mailer.SayOffer, w), say(mailer.SayOfferNext, w)
		case res.Changed && c.Outcome == store.OutcomeNoOffer:
			return say(mailer.SayNoOffer, w), say(mailer.SayNoOfferNext, w)
		case res.Changed && c.Kind == interview.ThankYou:
			return say(mailer.SayThankYouSent, w), next
		case res.Changed:
			return say(mailer.SayCallDone, w), next
		}
		return alreadyText(r, c), next

	case store.ActionSnooze:
		r, _ := reminderOf(iv, rem.Kind)
		w.State = string(r.State)
		switch {
		case res.Changed:
			w.At = a.at(rep.Until)
			return say(mailer.SaySnoozed, w), next
		case r.State == store.StateSending:
			return say(mailer.SaySnoozeSending, w), next
		}
		return say(mailer.SayAlreadyState, w), next

	case store.ActionSkip:
		r, _ := reminderOf(iv, rem.Kind)
		w.State = string(r.State)
		if res.Changed {
			return say(mailer.SaySkipped, w), next
		}
		return say(mailer.SayAlreadyState, w), next

	case store.ActionCancel:
		if res.Changed {
			return say(mailer.SayCancelled, w), say(mailer.SayNothingMore, w)
		}
		return say(mailer.SayAlreadyCancelled, w), ""

	case store.ActionNotes:
		changed = say(mailer.SayNotesSaved, w)
		if call, ok := reminderOf(iv, interview.FollowUpCall); ok && call.State == store.StatePending && iv.Status == interview.Scheduled {
			w.When = a.when(a.sendAt(call))
			return changed, say(mailer.SayNotesInOutline, w)
		}
		return changed, say(mailer.SayNotesKept, w)

	case store.ActionFormality:
		company := w.Company
		w.Company, w.Form = upperFirst(company), c.Formality
		if !res.Changed {
			return say(mailer.SayRegisterSame, w), next
		}
		changed = say(mailer.SayRegisterCasual, w)
		if c.Formality == "formal" {
			changed = say(mailer.SayRegisterFormal, w)
		}
		if resend.ID != 0 {
			return changed, say(mailer.SayRegisterResend, w)
		}
		w.Company = company
		return changed, say(mailer.SayRegisterLater, w)

	case store.ActionHonorific:
		p := iv.Interviewers[c.Interviewer]
		w.Person, w.Form = personName(p), string(p.Honorific)+" "+p.LastName()
		if !res.Changed {
			return say(mailer.SayHonorificSame, w), next
		}
		changed = say(mailer.SayHonorificSet, w)
		var lines []string
		if resend.ID != 0 {
			lines = append(lines, say(mailer.SayHonorificResend, w))
		} else {
			lines = append(lines, say(mailer.SayHonorificLater, w))
		}
		for _, o := range iv.Interviewers {
			if o.Honorific == interview.NoHonorific {
				lines = append(lines, say(mailer.SayHonorificAsk, mailer.AnswerWords{Person: personName(o), Form: o.LastName()}))
				break
			}
		}
		return changed, strings.Join(lines, "\n")
	}
	if rep.Command == replies.SetHonorific {
		return say(mailer.SayHonorificNobody, w), next
	}
	return say(mailer.SayNothingChanged, w), next
}

// alreadyText explains a confirmation that changed nothing.
func alreadyText(r store.ReminderRecord, c store.OwnerCommand) string {
	w := mailer.AnswerWords{Kind: string(r.Kind), State: string(r.State), Outcome: r.Outcome}
	switch r.State {
	case store.StateConfirmed:
		return mailer.Say(mailer.SayAlreadyClosed, w)
	case store.StateCancelled:
		return mailer.Say(mailer.SayWasCancelled, w)
	}
	w.Kind = string(c.Kind)
	return mailer.Say(mailer.SayIsState, w)
}

// next says what comes next for an interview: its open reminders' next
// sends, soonest first.
func (a *Answerer) next(iv store.InterviewRecord) string {
	if iv.Status == interview.Cancelled {
		return mailer.Say(mailer.SayNothingMore, mailer.AnswerWords{})
	}
	var lines []string
	for _, r := range iv.Reminders { // ordered by due time
		at := a.sendAt(r)
		w := mailer.AnswerWords{Kind: string(r.Kind), When: a.when(at), At: a.at(at)}
		switch {
		case r.State == store.StatePending && r.Kind == interview.ThankYou:
			lines = append(lines, mailer.Say(mailer.SayNextThankYou, w))
		case r.State == store.StatePending:
			lines = append(lines, mailer.Say(mailer.SayNextCall, w))
		case r.State == store.StateSending:
			lines = append(lines, mailer.Say(mailer.SayNextSending, w))
		case r.State == store.StateSent && r.NagsSent >= a.cfg.Schedule.NagLimit:
			lines = append(lines, mailer.Say(mailer.SayNextLast, w))
		case r.State == store.StateSent:
			lines = append(lines, mailer.Say(mailer.SayNextNudge, w))
		}
	}
	if call, ok := reminderOf(iv, interview.FollowUpCall); ok && call.State == store.StateConfirmed && call.Outcome == store.OutcomeCalled {
		lines = append(lines, mailer.Say(mailer.SayNextOutcome, mailer.AnswerWords{}))
	}
	if len(lines) == 0 {
		return mailer.Say(mailer.SayNextNone, mailer.AnswerWords{})
	}
	return strings.Join(lines, "\n")
}

// sendAt is when the dispatcher next acts on an open reminder, as it
// computes it (scheduler's next), moved out of quiet hours.
func (a *Answerer) sendAt(r store.ReminderRecord) time.Time {
	s := a.cfg.Schedule
	at := r.NextSend(s.NagEvery)
	if at.IsZero() {
		at = r.Due
	}
	return timerules.OutOfQuietHours(at, s.QuietHours, a.loc())
}

// status lists the open follow-ups of every interview, and the outcomes
// of recent ones.
func (a *Answerer) status(all []store.InterviewRecord) string {
	const maxLines = 7 // the acknowledgement shows 8 lines at most
	var open, outcomes []string
	for _, iv := range all {
		if iv.Status != interview.Scheduled {
			continue
		}
		for _, r := range iv.Reminders {
			w := mailer.AnswerWords{Kind: string(r.Kind), Who: target(iv), Outcome: r.Outcome}
			switch r.State {
			case store.StatePending:
				w.When = a.when(a.sendAt(r))
				open = append(open, mailer.Say(mailer.SayStatusPending, w))
			case store.StateSending:
				open = append(open, mailer.Say(mailer.SayStatusSending, w))
			case store.StateSent:
				w.At = r.SentAt.In(a.loc()).Format("Monday, January 2")
				open = append(open, mailer.Say(mailer.SayStatusWaiting, w))
			case store.StateConfirmed:
				if r.Outcome == store.OutcomeOffer || r.Outcome == store.OutcomeNoOffer {
					if a.now.Sub(iv.Start) < 90*24*time.Hour {
						w.Who = upperFirst(w.Who)
						outcomes = append(outcomes, mailer.Say(mailer.SayStatusOutcome, w))
					}
				}
			}
		}
	}
	lines := []string{mailer.Say(mailer.SayStatusOpen, mailer.AnswerWords{})}
	if len(open) == 0 {
		lines[0] = mailer.Say(mailer.SayStatusNone, mailer.AnswerWords{})
	}
	lines = append(lines, open...)
	if len(outcomes) > 0 {
		lines = append(lines, mailer.Say(mailer.SayStatusOutcomes, mailer.AnswerWords{List: strings.Join(outcomes, "; ")}))
	}
	if len(lines) > maxLines+1 {
		more := len(lines) - maxLines
		lines = append(lines[:maxLines], mailer.Say(mailer.SayStatusMore, mailer.AnswerWords{Count: more}))
	}
	return strings.Join(lines, "\n")
}

func (a *Answerer) loc() *time.Location {
	if a.cfg.Owner.Location == nil {
		return time.UTC
	}
	return a.cfg.Owner.Location
}

// when is "on Friday, December 4 at 09:00" in the owner's zone, or "shortly"
// for a time already come.
func (a *Answerer) when(t time.Time) string {
	if !t.After(a.now) {
		return "shortly"
	}
	return "on " + a.at(t)
}

// at is "Friday, December 4 at 09:00" in the owner's zone, with the year
// ("Monday, January 4, 2027 at 09:00") when it is not this year.
func (a *Answerer) at(t time.Time) string {
	local := t.In(a.loc())
	if local.Year() != a.now.In(a.loc()).Year() {
		return local.Format("Monday, January 2, 2006 at 15:04")
	}
	return local.Format("Monday, January 2 at 15:04")
}

func reminderOf(iv store.InterviewRecord, kind interview.ReminderKind) (store.ReminderRecord, bool) {
	for _, r := range iv.Reminders {
		if r.Kind == kind {
			return r, true
		}
	}
	return store.ReminderRecord{}, false
}

// target names who and where: "Jane Doe at Acme Corp".
func target(iv store.InterviewRecord) string {
	var names []string
	for _, p := range iv.Interviewers {
		names = append(names, personName(p))
	}
	who := mailer.JoinAnd(names)
	company := tidy.OneLine(iv.Company)
	switch {
	case who != "" && company != "":
		return who + " at " + company
	case who != "":
		return who
	case company != "":
		return company
	case tidy.OneLine(iv.Summary) != "":
		return "“" + tidy.OneLine(iv.Summary) + "”"
	}
	return "this interview"
}

// employer is the company, or failing that who the owner met.
func employer(iv store.InterviewRecord) string {
	if c := tidy.OneLine(iv.Company); c != "" {
		return c
	}
	return target(iv)
}

func personName(p interview.Interviewer) string {
	if n := tidy.OneLine(p.Name); n != "" {
		return n
	}
	return p.Email
}

// oneLine keeps outside text on one line (the mailer sanitizes again).

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
