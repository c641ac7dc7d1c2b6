package mailer

import (
	"fmt"
	"net/mail"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// EmployerInput is what the emails about an employer's message are made
// from: the rejection notice with its reply draft, the offer outline, and
// the check-in draft after silence.
type EmployerInput struct {
	Interview interview.Interview
	Owner     config.Owner
	// Company is the employer as the message named it; the interview's
	// company when empty.
	Company string
	// Subject and Date are the employer's message's own; Subject may be
	// empty (the check-in answers no message).
	Subject string
	Date    time.Time
	// To is whom the owner's reply draft is addressed to: the person who
	// wrote, or the interviewer when a service wrote. The zero value means
	// the interview's first interviewer.
	To mail.Address
	// Closed says what the message closed, one line each ("The follow-up
	// call to Jane Doe is off."); may be empty.
	Closed []string
	// Notes are the owner's notes for the interview.
	Notes string
	// AnswerBy is when the owner says they will answer an offer (a few
	// business days on); the check-in's interview day otherwise unused.
	AnswerBy time.Time
	Now      time.Time
	Thread   Thread
}

// employerView is the data of the employer templates.
type employerView struct {
	Company  string // never empty: "the company" at worst
	Role     string
	Subject  string
	Received string // "Tuesday, March 3"
	Day      string // the interview's day
	Primary  person
	Phone    string
	Position string
	To       string // the draft's recipient address
	Closed   []string
	Points   []string
	Draft    string
	Mailto   string
	AnswerBy string
	Footer   footer
}

func newEmployerView(in EmployerInput) employerView {
	iv := in.Interview
	loc := ownerZone(in.Owner)
	ps := people(iv)
	company := line(in.Company, maxNameRunes)
	if company == "" {
		company = line(iv.Company, maxNameRunes)
	}
	if iv.Company == "" && company != "" {
		iv.Company = company
	}
	v := employerView{
		Company:  company,
		Role:     role(iv),
		Subject:  line(in.Subject, maxLineRunes),
		Day:      shortDate(iv.Start, loc),
		Primary:  ps[0],
		Phone:    line(iv.Phone, 50),
		Position: line(iv.Position, maxNameRunes),
		Closed:   in.Closed,
		Points:   items(in.Notes),
		Footer:   newFooter(in.Now, loc),
	}
	if v.Company == "" {
		v.Company = "the company"
	}
	if !in.Date.IsZero() {
		v.Received = shortDate(in.Date, loc)
	}
	if !in.AnswerBy.IsZero() {
		v.AnswerBy = longDate(in.AnswerBy, loc)
	}
	v.To = headerText(in.To.Address, 320)
	if v.To == "" {
		v.To = ps[0].Email
	}
	return v
}

// draftData is what the reply drafts to the employer say.
type employerDraftData struct {
	Salutation, Role, Company, Day, OwnerName string
}

func (v employerView) draftData(o config.Owner) employerDraftData {
	name := line(o.Name, maxNameRunes)
	if name == "" {
		name = "[your name]"
	}
	company := v.Company
	if company == "the company" {
		company = "your company"
	}
	return employerDraftData{Salutation: v.Primary.Salutation, Role: v.Role, Company: company, Day: v.Day, OwnerName: name}
}

// Rejection composes the email the owner gets when the employer ends the
// candidacy: what followupd closed, and a short, gracious reply draft that
// thanks them, asks for feedback and keeps the door open.
func Rejection(in EmployerInput) (Email, error) {
	v := newEmployerView(in)
	draft, err := renderText("employer_rejection_draft.txt.tmpl", v.draftData(in.Owner))
	if err != nil {
		return Email{}, fmt.Errorf("compose rejection email: %w", err)
	}
	v.Draft = draft
	v.Mailto = mailto(v.To, reply(in.Subject), draft)
	text, html, err := render("employer_rejection", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose rejection email: %w", err)
	}
	e := envelope(in.Thread, in.Owner, v.Company+": not this time (a reply draft inside)", in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}

// OfferOutline composes the offer conversation, which takes the follow-up
// call's place: what to ask (salary, benefits, start date), to thank them
// and ask for a few days, never to accept on the spot, with the owner's
// notes and room for their answers.
func OfferOutline(in EmployerInput) (Email, error) {
	v := newEmployerView(in)
	text, html, err := render("employer_offer", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose offer outline: %w", err)
	}
	e := envelope(in.Thread, in.Owner, "Offer from "+v.Company+": plan the conversation", in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}

// CheckIn composes the one polite check-in after the employer stayed
// silent following the call: a short draft asking where things stand.
func CheckIn(in EmployerInput) (Email, error) {
	v := newEmployerView(in)
	draft, err := renderText("employer_checkin_draft.txt.tmpl", v.draftData(in.Owner))
	if err != nil {
		return Email{}, fmt.Errorf("compose check-in email: %w", err)
	}
	v.Draft = draft
	subject := "Following up: " + v.Role
	if v.Position == "" {
		subject = "Following up on my interview"
	}
	v.Mailto = mailto(v.To, subject, draft)
	text, html, err := render("employer_checkin", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose check-in email: %w", err)
	}
	e := envelope(in.Thread, in.Owner, "No word from "+v.Company+" yet: a check-in draft", in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}
