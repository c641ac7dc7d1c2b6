package mailer

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// CallSlotLength is how long the follow-up call slot in the .ics lasts: the
// call itself should take five minutes at most.
const CallSlotLength = 15 * time.Minute

// CallInput is what the follow-up call email is made from.
type CallInput struct {
	Interview interview.Interview
	Owner     config.Owner
	// Notes are the owner's notes for this interview; may be empty, and then
	// the outline leans on the owner's attributes and says how to add notes.
	Notes string
	// Others are the owner's other open interviews, named apart so that this
	// employer is not confused with another. The interview itself and
	// cancelled ones are left out.
	Others []interview.Interview
	// Slot is the start of the 15-minute call slot in the attached .ics.
	Slot time.Time
	// Now dates the email and the .ics (DTSTAMP).
	Now    time.Time
	Thread Thread
}

// callView is the data of the call templates.
type callView struct {
	Title    string
	Company  string // "" when unknown
	Position string
	Role     string
	People   []person
	Primary  person
	Phone    string
	When     string // "Tuesday, March 3, 2026, 10:00–11:00 EST"
	Day      string // "Tuesday, March 3"
	Slot     string
	Others   []otherView
	// Points are the salient points to run over: the owner's notes for
	// this interview, never the invitation's text (which is the employer's
	// words, not the owner's). Without notes they are the owner's configured
	// attributes, and FromAttributes says so.
	Points         []string
	FromAttributes bool
	OwnerName      string
	Attributes     []string
	Value          string
	Unique         string
	Footer         footer
}

// otherView is one of the owner's other open interviews.
type otherView struct {
	Company, Position, When, Who string
}

// FollowUpCall composes the email the owner gets on the follow-up day: the
// facts up front, the other open interviews named apart, a plan that fits in
// five minutes, what to do with or without an offer, room for notes, and an
// .ics attachment (METHOD:PUBLISH) holding a 15-minute call slot.
func FollowUpCall(in CallInput) (Email, error) {
	iv, o := in.Interview, in.Owner
	loc := ownerZone(o)
	ps := people(iv)
	v := callView{
		Title:      "Follow-up call: " + target(iv, ps),
		Company:    line(iv.Company, maxNameRunes),
		Position:   line(iv.Position, maxNameRunes),
		Role:       role(iv),
		People:     ps,
		Primary:    ps[0],
		Phone:      line(iv.Phone, 50),
		When:       longDate(iv.Start, loc) + ", " + timeSpan(iv.Start, iv.End, loc),
		Day:        shortDate(iv.Start, loc),
		Slot:       longDate(in.Slot, loc) + ", " + timeSpan(in.Slot, in.Slot.Add(CallSlotLength), loc),
		Others:     others(iv, in.Others, loc),
		OwnerName:  line(o.Name, maxNameRunes),
		Attributes: cleanList(o.Attributes, 5),
		Value:      sentence(line(o.Value, maxLineRunes)),
		Unique:     sentence(line(o.Unique, maxLineRunes)),
		Footer:     newFooter(in.Now, loc),
	}
	v.Points = items(in.Notes)
	if len(v.Points) == 0 && len(v.Attributes) > 0 {
		v.FromAttributes = true
		v.Points = v.Attributes[:min(3, len(v.Attributes))]
	}
	text, html, err := render("call", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose follow-up call email: %w", err)
	}
	ics, err := callSlotICS(iv, v, in.Slot, in.Now)
	if err != nil {
		return Email{}, fmt.Errorf("compose follow-up call email: %w", err)
	}
	e := envelope(in.Thread, o, callSubject(iv, ps), in.Now)
	e.Text, e.HTML = text, html
	e.Attachments = []Attachment{{
		Name:        "follow-up-call.ics",
		ContentType: "text/calendar; charset=utf-8; method=PUBLISH",
		Data:        ics,
	}}
	return e, nil
}

func callSubject(iv interview.Interview, ps []person) string {
	return "Follow-up call today: " + target(iv, ps)
}

// others lists the other open interviews by start time, leaving out iv
// itself and cancelled ones.
func others(iv interview.Interview, list []interview.Interview, loc *time.Location) []otherView {
	list = slices.Clone(list)
	slices.SortStableFunc(list, func(a, b interview.Interview) int { return a.Start.Compare(b.Start) })
	var out []otherView
	for _, o := range list {
		if o.Key == iv.Key || o.Status == interview.Cancelled {
			continue
		}
		company := line(o.Company, maxNameRunes)
		if company == "" {
			company = line(o.Summary, maxNameRunes)
		}
		if company == "" {
			company = "(company not named)"
		}
		var who []string
		for _, p := range o.Interviewers {
			who = append(who, newPerson(p).Name)
		}
		out = append(out, otherView{
			Company:  company,
			Position: line(o.Position, maxNameRunes),
			When:     shortDate(o.Start, loc),
			Who:      JoinAnd(who),
		})
		if len(out) == maxItems {
			break
		}
	}
	return out
}

// describe is the DESCRIPTION of the call slot: whom to call, at what number.
func (v callView) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Call %s about %s.\n", v.Primary.AskFor, v.Role)
	if v.Phone != "" {
		fmt.Fprintf(&b, "Phone: %s\n", v.Phone)
	} else {
		b.WriteString("Phone: not in the invitation; look it up before you call.\n")
	}
	fmt.Fprintf(&b, "Interviewed %s.\n", v.When)
	b.WriteString("Five minutes at most. The outline is in the reminder email.")
	return b.String()
}
