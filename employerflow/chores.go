package employerflow

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// The employer side's chores, which the daemon runs on its tick and after
// storing interviews: each applies a change in the store and queues the
// email that goes with it; the daemon sends them.

// NoticeMoves tells the owner that an interview moved, for each moved one
// whose application had a scheduling message from the employer (one that
// was not undone): the reminder the issue asks for when the new invitation
// comes. Each new time is told once.
func (f *Flow) NoticeMoves(ctx context.Context, moved []interview.Key) error {
	now := f.Now()
	apps, err := f.Store.Applications(ctx, now)
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
			th, ok := ThreadFor(iv, mailer.FromAddress(f.Config()), "emp-moved", fmt.Sprintf("moved#%d#%s", iv.ID, iv.Start.UTC().Format(time.RFC3339)), mailer.IDDomain(f.Config()))
			if !ok {
				continue
			}
			loc := f.Config().Owner.Location
			name := CompanyName(iv.Company)
			w := mailer.AnswerWords{Company: name, Who: whoAt(iv), At: iv.Start.In(loc).Format("Monday, January 2 at 15:04 MST")}
			e, err := mailer.Acknowledgement(mailer.AckInput{Owner: f.Config().Owner, Subject: mailer.Say(mailer.SayEmpMovedSubject, w),
				Changed: mailer.Say(mailer.SayEmpMoved, w), Next: mailer.Say(mailer.SayEmpMovedNext, w), Now: now, Thread: th})
			list, err := Outgoing("moved", e, err)
			if err != nil {
				return err
			}
			out = append(out, list...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return f.Store.QueueEmployerEmails(ctx, out, now)
}

func slicesContainsKey(keys []interview.Key, k interview.Key) bool {
	for _, x := range keys {
		if x.UID == k.UID && x.RecurrenceID.Equal(k.RecurrenceID) {
			return true
		}
	}
	return false
}

// LinkApplications links new interviews into applications and tells the
// owner of calls a next round made moot.
func (f *Flow) LinkApplications(ctx context.Context) {
	now := f.Now()
	from, domain := mailer.FromAddress(f.Config()), mailer.IDDomain(f.Config())
	moots, err := f.Store.LinkApplications(ctx, now, func(m store.Moot) ([]store.Outgoing, error) {
		th, ok := ThreadFor(m.Interview, from, "emp-moot", m.Cause+"#"+fmt.Sprint(m.Next.ID), domain)
		if !ok {
			return nil, nil
		}
		name := CompanyName(m.Interview.Company)
		w := mailer.AnswerWords{Company: name, At: m.Next.Start.In(f.Config().Owner.Location).Format("Monday, January 2 at 15:04")}
		e, err := mailer.Acknowledgement(mailer.AckInput{Owner: f.Config().Owner, Subject: mailer.Say(mailer.SayEmpMootSubject, w),
			Changed: mailer.Say(mailer.SayEmpMoot, w), Next: mailer.Say(mailer.SayEmpMootNext, w),
			Now: now, Thread: th})
		return Outgoing("moot", e, err)
	})
	if err != nil {
		f.Log.Error("link interviews into applications", slog.Any("error", err))
		return
	}
	for _, m := range moots {
		f.Log.Info("follow-up call dropped: a next round makes it moot", slog.Int64("interview", m.Interview.ID),
			slog.Int64("next", m.Next.ID))
	}
	if len(moots) > 0 {
		f.kick()
	}
}

// CheckSilence sends the one check-in draft when the company has not
// written for [employer] silence_business_days after the follow-up call,
// and marks the application "no response" when as many more pass.
func (f *Flow) CheckSilence(ctx context.Context) error {
	now := f.Now()
	apps, err := f.Store.Applications(ctx, now)
	if err != nil {
		return err
	}
	n := f.Config().Employer.SilenceBusinessDays
	loc := f.Config().Owner.Location
	after := func(t time.Time) time.Time {
		day := timerules.AddBusinessDays(config.DateOf(t.In(loc)), n, f.Config().Schedule)
		return f.Config().Schedule.FollowUpTime.On(day, loc)
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
			from, domain := mailer.FromAddress(f.Config()), mailer.IDDomain(f.Config())
			_, err := f.Store.SetApplicationStage(ctx, a.ID, a.Stage, store.StageCheckedIn, now,
				func(app store.Application) ([]store.Outgoing, error) {
					th, ok := ThreadFor(last, from, "emp-checkin", fmt.Sprintf("checkin#%d", a.ID), domain)
					if !ok {
						return nil, nil
					}
					to := mail.Address{}
					if len(last.Interviewers) > 0 {
						to = mail.Address{Name: last.Interviewers[0].Name, Address: last.Interviewers[0].Email}
					}
					e, err := mailer.CheckIn(mailer.EmployerInput{Interview: last.Interview, Owner: f.Config().Owner,
						Company: a.Company, To: to, Notes: last.Notes, Now: now, Thread: th})
					return Outgoing("check_in", e, err)
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
			from, domain := mailer.FromAddress(f.Config()), mailer.IDDomain(f.Config())
			if _, err := f.Store.SetApplicationStage(ctx, a.ID, a.Stage, store.StageNoResponse, now,
				func(app store.Application) ([]store.Outgoing, error) {
					th, ok := ThreadFor(last, from, "emp-silent", fmt.Sprintf("noresponse#%d", a.ID), domain)
					if !ok {
						return nil, nil
					}
					name := CompanyName(a.Company)
					w := mailer.AnswerWords{Company: name}
					e, err := mailer.Acknowledgement(mailer.AckInput{Owner: f.Config().Owner, Subject: mailer.Say(mailer.SayEmpSilentSubject, w),
						Changed: mailer.Say(mailer.SayEmpSilent, w), Next: mailer.Say(mailer.SayEmpSilentNext, w),
						Now: now, Thread: th})
					return Outgoing("no_response", e, err)
				}); err != nil {
				return err
			}
			f.Log.Info("application marked no response", slog.Int64("application", a.ID))
		}
	}
	return nil
}

// QueueDigest queues this week's digest once its time ([digest] weekday and
// time, in the owner's zone) has come. A digest more than a day late (the
// daemon was down, or first started later in the week) is not sent: the
// next one comes at its time.
// digestGrace is how late a week's digest may still go out.
const digestGrace = 24 * time.Hour

func (f *Flow) QueueDigest(ctx context.Context) error {
	dg := f.Config().Digest
	if !dg.Enabled {
		return nil
	}
	now := f.Now()
	loc := f.Config().Owner.Location
	day := config.DateOf(now.In(loc))
	for day.Weekday() != dg.Weekday {
		day = day.AddDays(-1)
	}
	at := dg.Time.On(day, loc)
	if now.Before(at) || now.Sub(at) > digestGrace {
		return nil
	}
	id := fmt.Sprintf("digest.%s@%s", day, mailer.IDDomain(f.Config()))
	if queued, err := f.Store.EmployerEmailQueued(ctx, id); err != nil || queued {
		return err
	}
	apps, err := f.Store.Applications(ctx, now)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		return nil
	}
	in := digestInput(apps, f.Config(), now)
	in.Thread = mailer.Thread{From: mailer.FromAddress(f.Config()), MessageID: id}
	e, err := mailer.Digest(in)
	if err != nil {
		return err
	}
	out, err := Outgoing("digest", e, nil)
	if err != nil {
		return err
	}
	return f.Store.QueueEmployerEmails(ctx, out, now)
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
				if r.State != store.StatePending || r.NextSend(0).After(week) {
					continue
				}
				what := "Thank-you note: "
				if r.Kind == interview.FollowUpCall {
					what = "Follow-up call: "
				}
				in.Due = append(in.Due, mailer.DigestItem{When: r.NextSend(0), What: what + whoAt(iv)})
			}
		}
		if a.Stage == store.StageInterviewing || a.Stage == store.StageNextRound || a.Stage == store.StageCheckedIn {
			if len(a.Interviews) > 0 && !a.Interviews[len(a.Interviews)-1].End.After(now) {
				last := a.Interviews[len(a.Interviews)-1]
				in.Waiting = append(in.Waiting, mailer.DigestItem{When: a.LastContact,
					What: CompanyName(a.Company) + ", interviewed " + last.Start.In(loc).Format("Monday, January 2")})
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
			if r.State == store.StatePending && (next.ID == 0 || r.NextSend(0).Before(next.NextSend(0))) {
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
	// A pending reminder's next send is its due time, or the time the
	// owner snoozed it to.
	return what + " on " + next.NextSend(0).In(loc).Format("Monday, January 2 at 15:04")
}

func whoAt(iv store.InterviewRecord) string {
	who := "your interviewer"
	if len(iv.Interviewers) > 0 && iv.Interviewers[0].Name != "" {
		who = tidy.OneLine(iv.Interviewers[0].Name)
	}
	if iv.Company != "" {
		who += " at " + tidy.OneLine(iv.Company)
	}
	return who
}
