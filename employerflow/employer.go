// Package employerflow owns the path of an employer's message through
// followupd, from the parts the watcher decoded to the emails queued for the
// owner: read (package employer, pure), match to one of the owner's
// interviews, apply (the store, in one transaction with the emails) and
// compose (package mailer). It also undoes a misreading when the owner
// replies "not a rejection" (Flow.Undo, which package replyflow calls), and
// does the employer side's chores (chores.go: linking a next round into its
// application, the check-in after a silence, "no response", the digest, the
// notice of a moved interview). It neither watches, keeps time nor sends:
// the daemon hands it each message and runs the chores on its tick, and
// the dispatcher (package scheduler) sends what it queues. NextStep is the applications list's "next step".
//
// A message in the watched Inbox that is neither a reply to followupd nor
// an invitation, and not from the owner, is read by package employer. When
// it reads as an employer's message about a candidacy and matches one of
// the owner's interviews (by the interviewer's address, the company's
// domain or name, and recency), the store applies it
// (store.ApplyEmployerMessage) and the owner is told in the interview's
// thread:
//   - rejection: the open follow-ups close; one email with a gracious reply
//     draft (mailer.Rejection);
//   - offer: the call becomes the offer conversation; its outline comes at
//     once (mailer.OfferOutline);
//   - next round: the application moves on; when the next interview's
//     invitation is stored, the earlier pending call is dropped and the
//     owner told (store.LinkApplications);
//   - scheduling: nothing closes; an acknowledgement;
//   - other (an application receipt): recorded as contact, nothing sent.
//
// Anyone can send mail, so every change is reversible: the owner's reply
// "not a rejection" (or "not an offer", "not a next round") to any email of
// the interview's thread undoes the latest one (store.UndoEmployerMessage).
package employerflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
	emp "github.com/followupd/followupd/employer"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/replyflow"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// Flow handles the employer's messages. Its fields are set once by the
// daemon; Config is read at each message, so a reload takes effect.
type Flow struct {
	Store  *store.Store
	Config func() *config.Config
	Now    func() time.Time
	Log    *slog.Logger
	// Kick tells the dispatcher that reminders may have moved; nil is fine.
	Kick func()
	// Send is told that the employer side queued emails (the daemon kicks
	// the dispatcher, which sends them); nil leaves them for its next pass.
	Send func(ctx context.Context)
	// Deliver is told that answers are queued for the owner's message
	// known as key (as Send); nil leaves them for the dispatcher's next pass.
	Deliver func(ctx context.Context, key string, log *slog.Logger) error
}

func (f *Flow) kick() {
	if f.Kick != nil {
		f.Kick()
	}
}

// deliver says that answers are queued for key; without Deliver they wait
// for the dispatcher's next pass.
func (f *Flow) deliver(ctx context.Context, key string, log *slog.Logger) error {
	if f.Deliver == nil {
		return nil
	}
	return f.Deliver(ctx, key, log)
}

func (f *Flow) send(ctx context.Context) {
	if f.Send != nil {
		f.Send(ctx)
	}
}

// Interviews an employer's message may be about: started at most
// employerLookBack before it, or starting at most employerLookAhead after
// it (a reschedule of an interview to come).
const (
	employerLookBack  = 120 * 24 * time.Hour
	employerLookAhead = 60 * 24 * time.Hour
)

// HandleMessage reads m as an employer's message and acts on it. A message
// that is not one, or matches no interview, is left alone.
func (f *Flow) HandleMessage(ctx context.Context, m mailbox.Message) error {
	if len(m.Invitations) > 0 || emp.RepliesToFollowupd(m.Header) {
		return nil
	}
	msg := emp.FromMail(m.Header, m.Text, m.HTML)
	from := config.NormalizeAddress(msg.From.Address)
	if from == "" || f.Config().Owner.IsOwner(from) || strings.EqualFold(from, mailer.FromAddress(f.Config()).Address) || outOfOffice(m.Header) {
		return nil
	}
	date, err := m.Header.Date()
	if err != nil || date.IsZero() {
		date = m.InternalDate
	}
	now := f.Now()
	if date.IsZero() || date.After(now) {
		date = now
	}
	recent, err := f.Store.RecentInterviews(ctx, date.Add(-employerLookBack), date.Add(employerLookAhead))
	if err != nil {
		return err
	}
	for _, iv := range recent {
		for _, p := range iv.Interviewers {
			if strings.EqualFold(p.Email, from) {
				msg.KnownSender = true
			}
		}
	}
	v := emp.Classify(msg)
	log := f.Log.With(slog.String("folder", m.Folder), slog.Uint64("uid", uint64(m.UID)))
	if !v.Employer {
		return nil
	}
	rec, ok := matchInterview(recent, from, v, date)
	if !ok {
		log.Info("employer's message matches no interview; nothing done", slog.String("kind", string(v.Kind)),
			slog.String("company", v.Company))
		return nil
	}
	key := replyflow.MessageKey(m)
	log = log.With(slog.Int64("interview", rec.ID), slog.String("kind", string(v.Kind)))
	c := employerCompose{cfg: f.Config(), now: now, from: mailer.FromAddress(f.Config()), domain: mailer.IDDomain(f.Config()), key: key,
		verdict: v, date: date, sender: msg.From}
	c.subject = msg.Subject
	res, err := f.Store.ApplyEmployerMessage(ctx, store.EmployerMessage{MessageID: key, InterviewID: rec.ID,
		Kind: string(v.Kind), Company: v.Company, Reason: v.Reason, Date: date, Now: now}, c.compose)
	switch {
	case errors.Is(err, store.ErrAlreadyHandled):
		return nil
	case err != nil:
		return fmt.Errorf("apply employer's message: %w", err)
	}
	log.Info("employer's message applied", slog.String("stage", res.Application.Stage), slog.Int("closed", len(res.Closed)),
		slog.String("reason", v.Reason))
	if len(res.Closed) > 0 {
		f.kick()
	}
	f.send(ctx)
	return nil
}

// outOfOffice reports an automatic reply (out-of-office, delivery
// report). An applicant-tracking service's "Auto-Submitted:
// auto-generated" or bulk Precedence is no reason to ignore its message:
// Classify weighs mass mail itself.
func outOfOffice(h gomail.Header) bool {
	if !replies.IsAutoReply(h) {
		return false
	}
	auto := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted")))
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	return !strings.HasPrefix(auto, "auto-generated") && prec != "bulk" && prec != "junk"
}

// matchInterview picks the interview an employer's message is about: the
// one with the best evidence (the sender is one of its interviewers; the
// sender's domain is an interviewer's; the company names match), on a tie
// the latest that started by the message's date, else the soonest to come.
func matchInterview(recent []store.InterviewRecord, from string, v emp.Verdict, date time.Time) (store.InterviewRecord, bool) {
	fromCompany, generic := detect.SenderCompany(from)
	var best store.InterviewRecord
	bestScore := 0
	for _, iv := range recent {
		if iv.Status != interview.Scheduled {
			continue
		}
		score := 0
		for _, p := range iv.Interviewers {
			switch {
			case strings.EqualFold(p.Email, from):
				score = max(score, 4)
			case !generic && fromCompany != "":
				if c, g := detect.SenderCompany(p.Email); !g && strings.EqualFold(c, fromCompany) {
					score = max(score, 3)
				}
			}
		}
		score = max(score, companyScore(iv.Company, v.Company))
		if !generic && fromCompany != "" {
			score = max(score, companyScore(iv.Company, fromCompany))
		}
		if score == 0 {
			continue
		}
		if score > bestScore || score == bestScore && better(iv, best, date) {
			best, bestScore = iv, score
		}
	}
	return best, bestScore > 0
}

// companyScore compares two company names: 2 when equal (case, spaces and
// corporate suffixes aside), 1 when one contains the other as a word, 0
// otherwise.
func companyScore(a, b string) int {
	a, b = companyWords(a), companyWords(b)
	switch {
	case a == "" || b == "":
		return 0
	case a == b:
		return 2
	case strings.Contains(" "+a+" ", " "+b+" ") || strings.Contains(" "+b+" ", " "+a+" "):
		return 1
	}
	return 0
}

var corpSuffixes = map[string]bool{"inc": true, "corp": true, "corporation": true, "llc": true, "ltd": true,
	"gmbh": true, "ag": true, "sa": true, "sas": true, "sl": true, "bv": true, "plc": true, "co": true}

func companyWords(s string) string {
	ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '-' || r == '&'
	})
	for len(ws) > 1 && corpSuffixes[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	return strings.Join(ws, " ")
}

// better reports whether a is a likelier subject of a message sent at date
// than b: one that started by then beats one to come; among started ones
// the latest, among those to come the soonest.
func better(a, b store.InterviewRecord, date time.Time) bool {
	aPast, bPast := !a.Start.After(date), !b.Start.After(date)
	switch {
	case aPast != bPast:
		return aPast
	case aPast:
		return a.Start.After(b.Start)
	}
	return a.Start.Before(b.Start)
}

// employerCompose composes the emails about one employer's message, inside
// the store transaction: pure, no I/O.
type employerCompose struct {
	cfg     *config.Config
	now     time.Time
	from    mail.Address
	domain  string
	key     string
	subject string
	verdict emp.Verdict
	date    time.Time
	sender  mail.Address
}

// ThreadFor places an email in the interview's thread: In-Reply-To its
// latest reminder email, References all of them; the Message-ID carries the
// token of one of its reminders, so that a reply to it ("not a rejection",
// "notes: ...") is the owner's command like a reply to the reminder.
func ThreadFor(iv store.InterviewRecord, from mail.Address, kind, key, domain string) (mailer.Thread, bool) {
	th := mailer.Thread{From: from}
	var token string
	for _, r := range iv.Reminders {
		if token == "" || r.Kind == interview.ThankYou {
			token = r.Token
		}
		if r.MessageID != "" && !r.SentAt.IsZero() {
			th.References = append(th.References, r.MessageID)
			th.InReplyTo = r.MessageID
		}
	}
	if token == "" {
		return th, false
	}
	th.MessageID = mailer.AnswerID(token, kind, key, domain)
	return th, true
}

func (c employerCompose) compose(res store.EmployerResult) ([]store.Outgoing, error) {
	iv := res.Interview
	th, ok := ThreadFor(iv, c.from, "emp-"+string(c.verdict.Kind), c.key, c.domain)
	if !ok {
		return nil, nil
	}
	// The name the owner knows the company by; the message's own reading
	// only when the interview named none.
	company := res.Application.Company
	if company == "" {
		company = iv.Company
	}
	if company == "" {
		company = c.verdict.Company
	}
	in := mailer.EmployerInput{Interview: iv.Interview, Owner: c.cfg.Owner, Company: company, Subject: c.subject,
		Date: c.date, To: c.draftTo(iv), Notes: iv.Notes, Now: c.now, Thread: th}
	for _, r := range res.Closed {
		in.Closed = append(in.Closed, closedLine(r, iv))
	}
	var e mailer.Email
	var err error
	name := CompanyName(company)
	switch c.verdict.Kind {
	case emp.Rejection:
		e, err = mailer.Rejection(in)
	case emp.Offer:
		in.Closed = []string{mailer.Say(mailer.SayEmpOfferClosed, mailer.AnswerWords{})}
		if len(res.Closed) == 0 {
			in.Closed = nil
		}
		day := timerules.AddBusinessDays(config.DateOf(c.now.In(c.cfg.Owner.Location)), 3, c.cfg.Schedule)
		in.AnswerBy = c.cfg.Schedule.FollowUpTime.On(day, c.cfg.Owner.Location)
		e, err = mailer.OfferOutline(in)
	case emp.NextRound:
		w := mailer.AnswerWords{Company: name}
		e, err = mailer.Acknowledgement(mailer.AckInput{Owner: c.cfg.Owner, Subject: mailer.Say(mailer.SayEmpNextRoundSubject, w),
			Changed: mailer.Say(mailer.SayEmpNextRound, w), Next: mailer.Say(mailer.SayEmpNextRoundNext, w),
			Now: c.now, Thread: th})
	case emp.Scheduling:
		w := mailer.AnswerWords{Company: name}
		e, err = mailer.Acknowledgement(mailer.AckInput{Owner: c.cfg.Owner, Subject: mailer.Say(mailer.SayEmpSchedulingSubject, w),
			Changed: mailer.Say(mailer.SayEmpScheduling, w), Next: mailer.Say(mailer.SayEmpSchedulingNext, w),
			Now: c.now, Thread: th})
	default:
		return nil, nil
	}
	return Outgoing(string(c.verdict.Kind), e, err)
}

// draftTo is whom a reply draft goes to: the person who wrote, unless a
// service or a no-reply address wrote; then the first interviewer.
func (c employerCompose) draftTo(iv store.InterviewRecord) mail.Address {
	local, _, _ := strings.Cut(strings.ToLower(c.sender.Address), "@")
	if c.verdict.Service == "" && !strings.Contains(local, "reply") && c.sender.Address != "" {
		return c.sender
	}
	if len(iv.Interviewers) > 0 {
		return mail.Address{Name: iv.Interviewers[0].Name, Address: iv.Interviewers[0].Email}
	}
	return mail.Address{}
}

// CompanyName is the company's name on one line, "The company" when it is
// not known.
func CompanyName(c string) string {
	if c = tidy.OneLine(c); c != "" {
		return c
	}
	return "The company"
}

// closedLine says in words what closing a reminder meant.
func closedLine(r store.ReminderRecord, iv store.InterviewRecord) string {
	who := "the interviewer"
	if len(iv.Interviewers) > 0 && iv.Interviewers[0].Name != "" {
		who = tidy.OneLine(iv.Interviewers[0].Name)
	}
	return mailer.Say(mailer.SayEmpClosed, mailer.AnswerWords{Kind: string(r.Kind), Person: who})
}

// Outgoing turns a composed email into the employer outbox's row; err, that
// of composing it, is passed on.
func Outgoing(kind string, e mailer.Email, err error) ([]store.Outgoing, error) {
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s email: %w", kind, err)
	}
	return []store.Outgoing{{MessageID: e.MessageID, Kind: kind, Email: string(b)}}, nil
}

// Undo handles the owner's "not a rejection" (and its kin): the
// latest change an employer's message made to the interview's application
// is undone and acknowledged.
func (f *Flow) Undo(ctx context.Context, m mailbox.Message, rep replies.Reply, rem store.ReminderRecord, key, matched string, log *slog.Logger) error {
	now := f.Now()
	a := replyflow.NewAnswerer(f.Config(), m, rep, key, matched, now)
	res, err := f.Store.UndoEmployerMessage(ctx, store.OwnerCommand{MessageID: key, ReminderID: rem.ID,
		Command: undoCommand(rep.Line), Date: rep.Date, Now: now},
		func(res store.UndoResult) ([]store.Answer, error) {
			w := mailer.AnswerWords{Kind: res.Kind, Company: CompanyName(res.Company), Count: len(res.Restored),
				Form: strings.ToLower(mailer.StageName(res.Stage))}
			changed, next := mailer.Say(mailer.SayUndoNothing, w), ""
			if res.Changed {
				changed = mailer.Say(mailer.SayUndone, w)
				if len(res.Restored) > 0 {
					changed = mailer.Say(mailer.SayUndoneRestored, w)
				}
				next = mailer.Say(mailer.SayUndoStage, w)
			}
			e, err := mailer.Acknowledgement(mailer.AckInput{Owner: f.Config().Owner, Subject: a.Subject(), Changed: changed, Next: next,
				Now: now, Thread: a.Thread(rem.Token, store.AnswerAck)})
			return replyflow.Encode(store.AnswerAck, e, err)
		})
	switch {
	case errors.Is(err, store.ErrAlreadyHandled):
		return f.deliver(ctx, key, log)
	case err != nil:
		return fmt.Errorf("undo employer's message: %w", err)
	}
	log.Info("employer's message undone", slog.Bool("changed", res.Changed), slog.String("kind", res.Kind))
	if res.Changed {
		f.kick()
	}
	return f.deliver(ctx, key, log)
}

// undoCommand records which kind the owner's "not a ..." names:
// "not_rejection", "not_offer", "not_next_round", else "not_employer"
// (the latest of any kind).
func undoCommand(line string) string {
	l := strings.ToLower(line)
	switch {
	case strings.Contains(l, "reject"):
		return "not_" + store.EmployerRejection
	case strings.Contains(l, "offer"):
		return "not_" + store.EmployerOffer
	case strings.Contains(l, "next round"):
		return "not_" + store.EmployerNextRound
	}
	return "not_employer"
}

// oneLine keeps outside text on one line (the mailer sanitizes again).
