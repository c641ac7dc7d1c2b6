package mailer

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// ThankYouInput is what the thank-you email and its drafts are made from.
type ThankYouInput struct {
	Interview interview.Interview
	Owner     config.Owner
	// Formality is the company's register: config.Formal gets a letter on good
	// paper, anything else (the default, casual) an email.
	Formality config.Formality
	// Notes are the owner's notes for this interview; may be empty.
	Notes string
	// DraftsFolder names the IMAP folder the Drafts are placed in, "" when
	// [imap] folders.drafts is not set. It only changes what the email says.
	DraftsFolder string
	// Now dates the email and the letter.
	Now    time.Time
	Thread Thread
}

// thankYouView is the data of the thank-you templates.
type thankYouView struct {
	Who     string // "Jane Doe and John Roe"
	Company string // "" when unknown
	Role    string // "the Backend Engineer position at Acme Corp"
	When    string // "Tuesday, March 3, 2026, 10:00–11:00 EST"
	Formal  bool
	Panel   bool
	// Late is set when the email goes out a day or more after the
	// interview; Ago then says how long ago it was ("6 days ago").
	Late         bool
	Ago          string
	DraftsFolder string
	Drafts       []draftView
	Footer       footer
}

type draftView struct {
	person
	// Apart says, on a panel, what sets this note apart from the others.
	Apart string
	// EmailSalutation is how the email form opens ("Dear Jordan Lee,").
	EmailSalutation string
	N               int    // 1-based position in the panel
	Subject         string // the subject the interviewer will see
	Draft           string // the email form of the note
	Letter          string // the letter form; only for a formal company
	Mailto          string // mailto: link with recipient, subject and the email form
}

// draftData is the data of the draft templates (draft.txt.tmpl).
type draftData struct {
	// Salutation is "Ms. Doe"; when the honorific is unknown, the full name
	// ("Maria Lopez") in the email form, which is correct as it stands, and
	// "Mr./Ms. Lopez" in the letter, which the owner completes by hand.
	Salutation string
	Recipient  string // "Ms. Jane Doe" or "Jane Doe", for the letter's address block
	Company    string
	Role       string
	Day        string // "Tuesday, March 3"
	// Opening, Closing and Thanks are this interviewer's sentences (see
	// personal.go); Strengths the owner's strengths sentence, "" without
	// attributes.
	Opening, Closing, Thanks, Strengths string
	// Note is one of the owner's notes for this interview, as a sentence.
	Note string
	// Asked is what this interviewer asked about; PersonRole their role.
	Asked, PersonRole string
	OwnerName         string
	// Signature is the owner's signature lines; the first is dropped when it
	// only repeats the name.
	Signature  []string
	OwnerEmail string
	OwnerPhone string
	LetterDate string // "March 3, 2026"
}

// ThankYou composes the email the owner gets after an interview: which
// medium to use and why, and one draft per interviewer (as a letter for a
// formal company, with a mailto: link to the email form either way).
func ThankYou(in ThankYouInput) (Email, error) {
	drafts, err := thankYouDrafts(in)
	if err != nil {
		return Email{}, err
	}
	iv := in.Interview
	loc := ownerZone(in.Owner)
	ps := people(iv)
	late, ago := lateness(iv.End, in.Now, loc)
	v := thankYouView{
		Late:         late,
		Ago:          ago,
		Who:          JoinAnd(names(ps)),
		Company:      line(iv.Company, maxNameRunes),
		Role:         role(iv),
		When:         longDate(iv.Start, loc) + ", " + timeSpan(iv.Start, iv.End, loc),
		Formal:       in.Formality == config.Formal,
		Panel:        len(ps) > 1,
		DraftsFolder: line(in.DraftsFolder, maxNameRunes),
		Drafts:       drafts,
		Footer:       newFooter(in.Now, loc),
	}
	text, html, err := render("thankyou", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose thank-you email: %w", err)
	}
	e := envelope(in.Thread, in.Owner, thankYouSubject(iv, ps), in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}

// Drafts composes one ready-to-send note per interviewer, from the owner and
// addressed to the interviewer, for placing in the owner's Drafts folder
// (IMAP APPEND with \Draft). They are the email form even for a formal
// company: a letter cannot be appended, and the email form is the owner's
// fallback. Their Message-IDs derive from in.Thread.MessageID (".draftN"
// before the "@"), so the caller can look for one before appending it again.
// A draft has no Auto-Submitted header and no footer: the owner sends it as
// their own.
func Drafts(in ThankYouInput) ([]Email, error) {
	views, err := thankYouDrafts(in)
	if err != nil {
		return nil, err
	}
	loc := ownerZone(in.Owner)
	var out []Email
	for _, d := range views {
		e := Email{
			From:      mail.Address{Name: in.Owner.Name, Address: in.Owner.Email},
			Subject:   d.Subject,
			Date:      in.Now.In(loc),
			MessageID: draftID(in.Thread.MessageID, d.N),
			Text:      d.Draft,
		}
		if d.person.Email != "" {
			e.To = mail.Address{Name: d.person.Name, Address: d.person.Email}
		}
		out = append(out, e)
	}
	return out, nil
}

// thankYouDrafts renders the drafts for every interviewer.
func thankYouDrafts(in ThankYouInput) ([]draftView, error) {
	iv, o := in.Interview, in.Owner
	loc := ownerZone(o)
	base := draftData{
		Company:    line(iv.Company, maxNameRunes),
		Role:       role(iv),
		Day:        shortDate(iv.Start, loc),
		OwnerName:  line(o.Name, maxNameRunes),
		OwnerEmail: headerText(o.Email, 320),
		OwnerPhone: line(o.Phone, 50),
		LetterDate: letterDate(in.Now, loc),
	}
	notes := items(in.Notes)
	late, _ := lateness(iv.End, in.Now, loc)
	for _, l := range items(o.Signature) {
		if len(base.Signature) == 0 && strings.EqualFold(l, base.OwnerName) {
			continue
		}
		base.Signature = append(base.Signature, l)
		if len(base.Signature) == 4 {
			break
		}
	}
	subject := "Thank you – our interview on " + base.Day
	if p := line(iv.Position, maxNameRunes); p != "" {
		subject = "Thank you – " + p + " interview on " + base.Day
	}
	subject = headerText(subject, maxSubjectRunes)

	ps := people(iv)
	var out []draftView
	for i, p := range ps {
		pn := personal(i, len(ps), p, ps, notes, iv.Description, o, base.Company, base.Day, base.Role, late)
		d := base
		d.Opening, d.Closing, d.Thanks, d.Strengths = pn.Opening, pn.Closing, pn.Thanks, pn.Strengths
		d.Note, d.Asked, d.PersonRole = pn.Note, pn.Asked, pn.Role
		d.Salutation = p.Salutation
		if p.NeedsHonorific && !p.NeedsName {
			// Unknown honorific: the full name is correct as it stands, so
			// the email form can be sent without editing.
			d.Salutation = p.Name
		}
		d.Recipient = p.Name
		if p.Honorific != "" {
			d.Recipient = p.Honorific + " " + p.Name
		}
		v := draftView{person: p, N: i + 1, Subject: subject, EmailSalutation: d.Salutation}
		if len(pn.Apart) > 0 {
			v.Apart = JoinAnd(pn.Apart)
		}
		var err error
		if v.Draft, err = renderText("draft-email", d); err != nil {
			return nil, fmt.Errorf("compose thank-you draft: %w", err)
		}
		if in.Formality == config.Formal {
			d.Salutation = p.Salutation
			if v.Letter, err = renderText("draft-letter", d); err != nil {
				return nil, fmt.Errorf("compose thank-you letter: %w", err)
			}
		}
		v.Mailto = mailto(p.Email, subject, v.Draft)
		out = append(out, v)
	}
	return out, nil
}

// role is "the Backend Engineer position at Acme Corp", shortened as far as
// the event leaves it unnamed.
func role(iv interview.Interview) string {
	r := "the position"
	if p := line(iv.Position, maxNameRunes); p != "" {
		r = "the " + p + " position"
	}
	if c := line(iv.Company, maxNameRunes); c != "" {
		r += " at " + c
	}
	return r
}

// target names who and where for a subject: "Jane Doe at Acme Corp".
func target(iv interview.Interview, ps []person) string {
	who := JoinAnd(names(ps))
	if c := line(iv.Company, maxNameRunes); c != "" {
		return who + " at " + c
	}
	if s := line(iv.Summary, maxNameRunes); s != "" {
		return who + " (" + s + ")"
	}
	return who
}

func thankYouSubject(iv interview.Interview, ps []person) string {
	if len(ps) > 1 {
		return "Send thank-you notes today: " + target(iv, ps)
	}
	return "Send a thank-you note today: " + target(iv, ps)
}

// draftID derives the Message-ID of the nth draft from the email's own.
func draftID(id string, n int) string {
	id = messageID(id)
	local, domain, ok := strings.Cut(id, "@")
	if !ok {
		return fmt.Sprintf("%s.draft%d", id, n)
	}
	return fmt.Sprintf("%s.draft%d@%s", local, n, domain)
}

// mailto builds an RFC 6068 link. Everything but unreserved characters is
// percent-encoded (spaces as %20, never "+", which mail clients would show),
// and line breaks in the body become %0D%0A.
func mailto(to, subject, body string) string {
	body = strings.ReplaceAll(strings.TrimRight(body, "\n"), "\n", "\r\n")
	return "mailto:" + pctEncode(to, "@") + "?subject=" + pctEncode(subject, "") + "&body=" + pctEncode(body, "")
}

func pctEncode(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
