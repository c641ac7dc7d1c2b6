package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
	emp "github.com/followupd/followupd/employer"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/replyflow"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
)

// The employer's side (issue 14).
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
//
// runEmployer, every employerTick: sends what is queued, links new
// interviews into applications, sends the one check-in after silence and
// then marks "no response", and queues the weekly digest.

// employerTick is how often runEmployer does its chores.
const employerTick = time.Minute

// Interviews an employer's message may be about: started at most
// employerLookBack before it, or starting at most employerLookAhead after
// it (a reschedule of an interview to come).
const (
	employerLookBack  = 120 * 24 * time.Hour
	employerLookAhead = 60 * 24 * time.Hour
)

// handleEmployer reads m as an employer's message and acts on it. A message
// that is not one, or matches no interview, is left alone.
func (d *Daemon) handleEmployer(ctx context.Context, m mailbox.Message) error {
	if len(m.Invitations) > 0 || emp.RepliesToFollowupd(m.Header) {
		return nil
	}
	msg := emp.FromMail(m.Header, m.Text, m.HTML)
	from := config.NormalizeAddress(msg.From.Address)
	if from == "" || d.config().Owner.IsOwner(from) || strings.EqualFold(from, d.fromAddress().Address) || outOfOffice(m.Header) {
		return nil
	}
	date, err := m.Header.Date()
	if err != nil || date.IsZero() {
		date = m.InternalDate
	}
	now := d.now()
	if date.IsZero() || date.After(now) {
		date = now
	}
	recent, err := d.store.RecentInterviews(ctx, date.Add(-employerLookBack), date.Add(employerLookAhead))
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
	log := d.log.With(slog.String("folder", m.Folder), slog.Uint64("uid", uint64(m.UID)))
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
	c := employerCompose{cfg: d.config(), now: now, from: d.fromAddress(), domain: d.idDomain(), key: key,
		verdict: v, date: date, sender: msg.From}
	c.subject = msg.Subject
	res, err := d.store.ApplyEmployerMessage(ctx, store.EmployerMessage{MessageID: key, InterviewID: rec.ID,
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
		d.dispatcher.Kick()
	}
	d.sendEmployerEmails(ctx)
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

// threadFor places an email in the interview's thread: In-Reply-To its
// latest reminder email, References all of them; the Message-ID carries the
// token of one of its reminders, so that a reply to it ("not a rejection",
// "notes: ...") is the owner's command like a reply to the reminder.
func threadFor(iv store.InterviewRecord, from mail.Address, kind, key, domain string) (mailer.Thread, bool) {
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
	th.MessageID = replyflow.AnswerID(token, kind, key, domain)
	return th, true
}

func (c employerCompose) compose(res store.EmployerResult) ([]store.Outgoing, error) {
	iv := res.Interview
	th, ok := threadFor(iv, c.from, "emp-"+string(c.verdict.Kind), c.key, c.domain)
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
	name := companyName(company)
	switch c.verdict.Kind {
	case emp.Rejection:
		e, err = mailer.Rejection(in)
	case emp.Offer:
		in.Closed = []string{"The follow-up call is no longer needed: this conversation takes its place."}
		if len(res.Closed) == 0 {
			in.Closed = nil
		}
		day := scheduler.AddBusinessDays(config.DateOf(c.now.In(c.cfg.Owner.Location)), 3, c.cfg.Schedule)
		in.AnswerBy = c.cfg.Schedule.FollowUpTime.On(day, c.cfg.Owner.Location)
		e, err = mailer.OfferOutline(in)
	case emp.NextRound:
		e, err = mailer.Acknowledgement(mailer.AckInput{Owner: c.cfg.Owner, Subject: name + ": a next round",
			Changed: name + " invites you to a next round: this application moves on to it.",
			Next: "When the next interview's invitation arrives it joins this application, and a follow-up call still pending " +
				"for the earlier interview is dropped then (you will be told). If this is wrong, reply \"not a next round\".",
			Now: c.now, Thread: th})
	case emp.Scheduling:
		e, err = mailer.Acknowledgement(mailer.AckInput{Owner: c.cfg.Owner, Subject: name + ": an interview time changes",
			Changed: name + " wrote about moving an interview or picking a time. Nothing is closed.",
			Next:    "When the new invitation arrives, the follow-ups move with the interview.",
			Now:     c.now, Thread: th})
	default:
		return nil, nil
	}
	return outgoing(string(c.verdict.Kind), e, err)
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

func companyName(c string) string {
	if c = oneLine(c); c != "" {
		return c
	}
	return "The company"
}

// closedLine says in words what closing a reminder meant.
func closedLine(r store.ReminderRecord, iv store.InterviewRecord) string {
	who := "the interviewer"
	if len(iv.Interviewers) > 0 && iv.Interviewers[0].Name != "" {
		who = oneLine(iv.Interviewers[0].Name)
	}
	if r.Kind == interview.ThankYou {
		return "The thank-you note to " + who + " is no longer asked of you."
	}
	return "The follow-up call to " + who + " is off."
}

func outgoing(kind string, e mailer.Email, err error) ([]store.Outgoing, error) {
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s email: %w", kind, err)
	}
	return []store.Outgoing{{MessageID: e.MessageID, Kind: kind, Email: string(b)}}, nil
}

// undoEmployer handles the owner's "not a rejection" (and its kin): the
// latest change an employer's message made to the interview's application
// is undone and acknowledged.
func (d *Daemon) undoEmployer(ctx context.Context, m mailbox.Message, rep replies.Reply, rem store.ReminderRecord, key, matched string, log *slog.Logger) error {
	now := d.now()
	a := replyflow.NewAnswerer(d.config(), m, rep, key, matched, now)
	res, err := d.store.UndoEmployerMessage(ctx, store.OwnerCommand{MessageID: key, ReminderID: rem.ID,
		Command: undoCommand(rep.Line), Date: rep.Date, Now: now},
		func(res store.UndoResult) ([]store.Answer, error) {
			changed, next := "There was nothing to undo: no message from the employer changed this application.", ""
			if res.Changed {
				changed = fmt.Sprintf("Undone: %s's message is no longer read as %s.", companyName(res.Company), kindWords(res.Kind))
				if len(res.Restored) > 0 {
					changed += fmt.Sprintf(" %d follow-up(s) are open again, as they were.", len(res.Restored))
				}
				next = "The application is back at the stage " + strings.ToLower(mailer.StageName(res.Stage)) + "."
			}
			e, err := mailer.Acknowledgement(mailer.AckInput{Owner: d.config().Owner, Subject: a.Subject(), Changed: changed, Next: next,
				Now: now, Thread: a.Thread(rem.Token, store.AnswerAck)})
			return replyflow.Encode(store.AnswerAck, e, err)
		})
	switch {
	case errors.Is(err, store.ErrAlreadyHandled):
		return d.deliverAnswersTo(ctx, key, log)
	case err != nil:
		return fmt.Errorf("undo employer's message: %w", err)
	}
	log.Info("employer's message undone", slog.Bool("changed", res.Changed), slog.String("kind", res.Kind))
	if res.Changed {
		d.dispatcher.Kick()
	}
	return d.deliverAnswersTo(ctx, key, log)
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

func kindWords(kind string) string {
	switch kind {
	case store.EmployerRejection:
		return "a rejection"
	case store.EmployerOffer:
		return "an offer"
	case store.EmployerNextRound:
		return "a next round"
	case store.EmployerScheduling:
		return "a change of time"
	}
	return "news"
}

// runEmployer does the employer side's chores until ctx ends. It only
// waits; the work is employerChores'.
func (d *Daemon) runEmployer(ctx context.Context) error {
	t := time.NewTicker(employerTick)
	defer t.Stop()
	for {
		d.employerChores(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// employerChores links new interviews into applications, checks for
// silence, queues the digest when its time has come, and sends what is
// queued. A failure is logged; the next tick tries again.
func (d *Daemon) employerChores(ctx context.Context) {
	d.linkApplications(ctx)
	if err := d.checkSilence(ctx); err != nil {
		d.log.Error("check for silence after calls", slog.Any("error", err))
	}
	if err := d.queueDigest(ctx); err != nil {
		d.log.Error("queue the weekly digest", slog.Any("error", err))
	}
	d.sendEmployerEmails(ctx)
}

// afterApply is the employer side's part in storing interviews: a next
// round's invitation joins its application (and may make an earlier call
// moot), and an interview the employer said would move, once its new time
// is stored, is announced to the owner.
func (d *Daemon) afterApply(ctx context.Context, changes []store.Change) {
	d.linkApplications(ctx)
	var moved []interview.Key
	for _, c := range changes {
		if c.What == store.ChangeRescheduled {
			moved = append(moved, c.Key)
		}
	}
	if len(moved) > 0 {
		if err := d.noticeMoves(ctx, moved); err != nil {
			d.log.Error("tell the owner of a moved interview", slog.Any("error", err))
		}
	}
	d.sendEmployerEmails(ctx)
}

// noticeMoves tells the owner that an interview moved, for each moved one
// whose application had a scheduling message from the employer (one that
// was not undone): the reminder the issue asks for when the new invitation
// comes. Each new time is told once.
func (d *Daemon) noticeMoves(ctx context.Context, moved []interview.Key) error {
	now := d.now()
	apps, err := d.store.Applications(ctx, now)
	if err != nil {
		return err
	}
	var out []store.Outgoing
	for _, a := range apps {
		scheduling := false
		for _, h := range a.History {
			if h.Stage == store.HistoryScheduling && !h.Undone {
				scheduling = true
			}
		}
		if !scheduling {
			continue
		}
		for _, iv := range a.Interviews {
			if !slicesContainsKey(moved, iv.Key) {
				continue
			}
			th, ok := threadFor(iv, d.fromAddress(), "emp-moved", fmt.Sprintf("moved#%d#%s", iv.ID, iv.Start.UTC().Format(time.RFC3339)), d.idDomain())
			if !ok {
				continue
			}
			loc := d.config().Owner.Location
			name := companyName(iv.Company)
			e, err := mailer.Acknowledgement(mailer.AckInput{Owner: d.config().Owner, Subject: name + ": your interview moved",
				Changed: "Your interview with " + whoAt(iv) + " moved: it is now on " +
					iv.Start.In(loc).Format("Monday, January 2 at 15:04 MST") + ".",
				Next: "The thank-you note and the follow-up call moved with it.", Now: now, Thread: th})
			list, err := outgoing("moved", e, err)
			if err != nil {
				return err
			}
			out = append(out, list...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return d.store.QueueEmployerEmails(ctx, out, now)
}

func slicesContainsKey(keys []interview.Key, k interview.Key) bool {
	for _, x := range keys {
		if x.UID == k.UID && x.RecurrenceID.Equal(k.RecurrenceID) {
			return true
		}
	}
	return false
}

// linkApplications links new interviews into applications and tells the
// owner of calls a next round made moot.
func (d *Daemon) linkApplications(ctx context.Context) {
	now := d.now()
	from, domain := d.fromAddress(), d.idDomain()
	moots, err := d.store.LinkApplications(ctx, now, func(m store.Moot) ([]store.Outgoing, error) {
		th, ok := threadFor(m.Interview, from, "emp-moot", m.Cause+"#"+fmt.Sprint(m.Next.ID), domain)
		if !ok {
			return nil, nil
		}
		name := companyName(m.Interview.Company)
		e, err := mailer.Acknowledgement(mailer.AckInput{Owner: d.config().Owner, Subject: name + ": the next round is set",
			Changed: "The next interview with " + name + " is in your calendar (" +
				m.Next.Start.In(d.config().Owner.Location).Format("Monday, January 2 at 15:04") +
				"), so the follow-up call for the earlier interview is dropped: the next round makes it moot.",
			Next: "The new interview gets its own thank-you note and call. If the call should stay, reply \"not a next round\".",
			Now:  now, Thread: th})
		return outgoing("moot", e, err)
	})
	if err != nil {
		d.log.Error("link interviews into applications", slog.Any("error", err))
		return
	}
	for _, m := range moots {
		d.log.Info("follow-up call dropped: a next round makes it moot", slog.Int64("interview", m.Interview.ID),
			slog.Int64("next", m.Next.ID))
	}
	if len(moots) > 0 {
		d.dispatcher.Kick()
	}
}

// checkSilence sends the one check-in draft when the company has not
// written for [employer] silence_business_days after the follow-up call,
// and marks the application "no response" when as many more pass.
func (d *Daemon) checkSilence(ctx context.Context) error {
	now := d.now()
	apps, err := d.store.Applications(ctx, now)
	if err != nil {
		return err
	}
	n := d.config().Employer.SilenceBusinessDays
	loc := d.config().Owner.Location
	after := func(t time.Time) time.Time {
		day := scheduler.AddBusinessDays(config.DateOf(t.In(loc)), n, d.config().Schedule)
		return d.config().Schedule.FollowUpTime.On(day, loc)
	}
	for _, a := range apps {
		if len(a.Interviews) == 0 {
			continue
		}
		last := a.Interviews[len(a.Interviews)-1]
		switch a.Stage {
		case store.StageInterviewing, store.StageNextRound:
			var call store.ReminderRecord
			for _, r := range last.Reminders {
				if r.Kind == interview.FollowUpCall {
					call = r
				}
			}
			base := call.ResolvedAt
			if call.State == store.StateSent {
				base = call.SentAt
			}
			if base.IsZero() || call.State == store.StateCancelled || a.LastContact.After(base) || now.Before(after(base)) {
				continue
			}
			from, domain := d.fromAddress(), d.idDomain()
			_, err := d.store.SetApplicationStage(ctx, a.ID, a.Stage, store.StageCheckedIn, now,
				func(app store.Application) ([]store.Outgoing, error) {
					th, ok := threadFor(last, from, "emp-checkin", fmt.Sprintf("checkin#%d", a.ID), domain)
					if !ok {
						return nil, nil
					}
					to := mail.Address{}
					if len(last.Interviewers) > 0 {
						to = mail.Address{Name: last.Interviewers[0].Name, Address: last.Interviewers[0].Email}
					}
					e, err := mailer.CheckIn(mailer.EmployerInput{Interview: last.Interview, Owner: d.config().Owner,
						Company: a.Company, To: to, Notes: last.Notes, Now: now, Thread: th})
					return outgoing("check_in", e, err)
				})
			if err != nil {
				return err
			}
		case store.StageCheckedIn:
			var since time.Time
			for _, h := range a.History {
				if h.Stage == store.StageCheckedIn && !h.Undone {
					since = h.At
				}
			}
			if since.IsZero() || a.LastContact.After(since) || now.Before(after(since)) {
				continue
			}
			from, domain := d.fromAddress(), d.idDomain()
			if _, err := d.store.SetApplicationStage(ctx, a.ID, a.Stage, store.StageNoResponse, now,
				func(app store.Application) ([]store.Outgoing, error) {
					th, ok := threadFor(last, from, "emp-silent", fmt.Sprintf("noresponse#%d", a.ID), domain)
					if !ok {
						return nil, nil
					}
					name := companyName(a.Company)
					e, err := mailer.Acknowledgement(mailer.AckInput{Owner: d.config().Owner, Subject: name + ": no response",
						Changed: name + " has not answered your check-in: the application is marked \"no response\". followupd will not ask you to chase them again.",
						Next:    "If they write after all, their message is read as usual and the application moves on.",
						Now:     now, Thread: th})
					return outgoing("no_response", e, err)
				}); err != nil {
				return err
			}
			d.log.Info("application marked no response", slog.Int64("application", a.ID))
		}
	}
	return nil
}

// queueDigest queues this week's digest once its time ([digest] weekday and
// time, in the owner's zone) has come. A digest more than a day late (the
// daemon was down, or first started later in the week) is not sent: the
// next one comes at its time.
// digestGrace is how late a week's digest may still go out.
const digestGrace = 24 * time.Hour

func (d *Daemon) queueDigest(ctx context.Context) error {
	dg := d.config().Digest
	if !dg.Enabled {
		return nil
	}
	now := d.now()
	loc := d.config().Owner.Location
	day := config.DateOf(now.In(loc))
	for day.Weekday() != dg.Weekday {
		day = day.AddDays(-1)
	}
	at := dg.Time.On(day, loc)
	if now.Before(at) || now.Sub(at) > digestGrace {
		return nil
	}
	id := fmt.Sprintf("digest.%s@%s", day, d.idDomain())
	if queued, err := d.store.EmployerEmailQueued(ctx, id); err != nil || queued {
		return err
	}
	apps, err := d.store.Applications(ctx, now)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		return nil
	}
	in := digestInput(apps, d.config(), now)
	in.Thread = mailer.Thread{From: d.fromAddress(), MessageID: id}
	e, err := mailer.Digest(in)
	if err != nil {
		return err
	}
	out, err := outgoing("digest", e, nil)
	if err != nil {
		return err
	}
	return d.store.QueueEmployerEmails(ctx, out, now)
}

// digestInput turns the applications into the digest's lists.
func digestInput(apps []store.Application, cfg *config.Config, now time.Time) mailer.DigestInput {
	in := mailer.DigestInput{Owner: cfg.Owner, Now: now}
	week := now.Add(7 * 24 * time.Hour)
	loc := cfg.Owner.Location
	for _, a := range apps {
		da := mailer.DigestApplication{Company: a.Company, Position: a.Position, Stage: a.Stage, LastContact: a.LastContact}
		da.Next = NextStep(a, loc)
		in.Applications = append(in.Applications, da)
		for _, iv := range a.Interviews {
			for _, r := range iv.Reminders {
				if r.State != store.StatePending || r.Due.After(week) {
					continue
				}
				what := "Thank-you note: "
				if r.Kind == interview.FollowUpCall {
					what = "Follow-up call: "
				}
				in.Due = append(in.Due, mailer.DigestItem{When: r.Due, What: what + whoAt(iv)})
			}
		}
		if a.Stage == store.StageInterviewing || a.Stage == store.StageNextRound || a.Stage == store.StageCheckedIn {
			if len(a.Interviews) > 0 && !a.Interviews[len(a.Interviews)-1].End.After(now) {
				last := a.Interviews[len(a.Interviews)-1]
				in.Waiting = append(in.Waiting, mailer.DigestItem{When: a.LastContact,
					What: companyName(a.Company) + ", interviewed " + last.Start.In(loc).Format("Monday, January 2")})
			}
		}
	}
	slices.SortStableFunc(in.Due, func(a, b mailer.DigestItem) int { return a.When.Compare(b.When) })
	return in
}

// NextStep says in words what comes next for an application (the digest
// and `followupd list --applications` show it).
func NextStep(a store.Application, loc *time.Location) string {
	switch a.Stage {
	case store.StageOffer:
		return "answer the offer: ask about salary, benefits and start date; take a few days"
	case store.StageRejected:
		return "none: thank them and stay in touch"
	case store.StageNoResponse:
		return "none: they did not answer the check-in"
	case store.StageCheckedIn:
		return "wait for their answer to your check-in"
	}
	var next store.ReminderRecord
	for _, iv := range a.Interviews {
		for _, r := range iv.Reminders {
			if r.State == store.StatePending && (next.ID == 0 || r.Due.Before(next.Due)) {
				next = r
			}
		}
	}
	if next.ID == 0 {
		return "wait for their word"
	}
	what := "thank-you note"
	if next.Kind == interview.FollowUpCall {
		what = "follow-up call"
	}
	return what + " on " + next.Due.In(loc).Format("Monday, January 2 at 15:04")
}

func whoAt(iv store.InterviewRecord) string {
	who := "your interviewer"
	if len(iv.Interviewers) > 0 && iv.Interviewers[0].Name != "" {
		who = oneLine(iv.Interviewers[0].Name)
	}
	if iv.Company != "" {
		who += " at " + oneLine(iv.Company)
	}
	return who
}

// sendEmployerEmails sends what the employer outbox holds, as the answers
// are sent: an attempt recorded before it is made, temporary failures
// retried on later ticks with growing pauses, a permanent one given up.
func (d *Daemon) sendEmployerEmails(ctx context.Context) {
	if d.sender == nil {
		return
	}
	d.answerMu.Lock()
	defer d.answerMu.Unlock()
	now := d.now()
	list, err := d.store.UnsentEmployerEmails(ctx, now.Add(-answerRetryWindow), maxAnswerAttempts)
	if err != nil {
		d.log.Error("read employer outbox", slog.Any("error", err))
		return
	}
	for _, q := range list {
		if q.Attempts > 0 && now.Before(q.CreatedAt.Add(time.Minute<<min(q.Attempts, 20))) {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		log := d.log.With(slog.String("email", q.Kind))
		var e mailer.Email
		if err := json.Unmarshal([]byte(q.Email), &e); err != nil {
			log.Error("queued email unreadable; given up", slog.Any("error", err))
			d.noteAnswer(log, d.store.NoteEmployerEmailFailure(ctx, q.MessageID, fmt.Sprintf("decode: %v", err), true))
			continue
		}
		if err := d.store.NoteEmployerEmailAttempt(ctx, q.MessageID); err != nil {
			log.Error("record email attempt", slog.Any("error", err))
			return
		}
		if err := d.sender.Send(ctx, e); err != nil {
			text := replyflow.RedactTokens(err.Error(), q.MessageID, e.InReplyTo)
			permanent := !mailer.IsTemporary(err) || q.Attempts+1 >= maxAnswerAttempts
			log.Warn("employer email not sent", slog.String("error", text), slog.Bool("given_up", permanent))
			d.noteAnswer(log, d.store.NoteEmployerEmailFailure(ctx, q.MessageID, text, permanent))
			continue
		}
		d.noteAnswer(log, d.store.MarkEmployerEmailSent(ctx, q.MessageID, d.now()))
		log.Info("employer email sent")
	}
}
