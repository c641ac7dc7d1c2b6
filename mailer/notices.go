package mailer

import (
	"fmt"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// NudgeInput is what a nudge about an unconfirmed reminder is made from.
type NudgeInput struct {
	Interview interview.Interview
	Owner     config.Owner
	// Kind is the reminder being nudged about.
	Kind interview.ReminderKind
	// N is which nudge this is (1 for the first) of at most Limit
	// ([schedule] nag_limit). Each is gentler than the one before, and the
	// one at Limit says it is the last.
	N, Limit int
	Now      time.Time
	// Thread places the nudge in the reminder's thread.
	Thread Thread
}

// nudgeView is the data of the nudge templates.
type nudgeView struct {
	Call    bool // a follow-up call rather than a thank-you note
	Tone    string
	N       int
	Limit   int
	Who     string
	AskFor  string
	Company string
	Footer  footer
}

// The tones of a nudge, from the first to the last.
const (
	toneFirst  = "first"
	toneMiddle = "middle"
	toneLast   = "last"
)

// nudgeTone picks the wording: direct first, softer in between, and a quiet
// last word at the limit.
func nudgeTone(n, limit int) string {
	switch {
	case n >= limit:
		return toneLast
	case n <= 1:
		return toneFirst
	}
	return toneMiddle
}

// Nudge composes a short reminder, in the reminder's own thread, that a
// thank-you note or follow-up call has not been confirmed.
func Nudge(in NudgeInput) (Email, error) {
	iv := in.Interview
	loc := ownerZone(in.Owner)
	ps := people(iv)
	v := nudgeView{
		Call:    in.Kind == interview.FollowUpCall,
		Tone:    nudgeTone(in.N, in.Limit),
		N:       in.N,
		Limit:   max(in.Limit, in.N),
		Who:     JoinAnd(names(ps)),
		AskFor:  ps[0].AskFor,
		Company: line(iv.Company, maxNameRunes),
		Footer:  newFooter(in.Now, loc),
	}
	text, html, err := render("nudge", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose nudge: %w", err)
	}
	subject := thankYouSubject(iv, ps)
	if v.Call {
		subject = callSubject(iv, ps)
	}
	e := envelope(in.Thread, in.Owner, reply(subject), in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}

// AckInput is what an acknowledgement of an applied reply command is made
// from. The caller words what changed and what comes next.
type AckInput struct {
	Owner config.Owner
	// Subject is the subject of the message being answered; "Re: " is added.
	Subject string
	// Changed says what the command changed ("The thank-you note to Jane Doe
	// is marked sent."); Next says what comes next ("The follow-up call
	// outline comes on Friday, March 6 at 09:00."). Either may be empty.
	Changed, Next string
	Now           time.Time
	Thread        Thread
}

type ackView struct {
	Changed, Next []string
	Footer        footer
}

// Acknowledgement composes the short reply that confirms a command the owner
// sent: what changed, and what comes next.
func Acknowledgement(in AckInput) (Email, error) {
	v := ackView{Changed: items(in.Changed), Next: items(in.Next), Footer: newFooter(in.Now, ownerZone(in.Owner))}
	text, html, err := render("ack", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose acknowledgement: %w", err)
	}
	e := envelope(in.Thread, in.Owner, reply(in.Subject), in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}

// HelpInput is what a help reply is made from.
type HelpInput struct {
	Owner config.Owner
	// Subject is the subject of the message being answered; "Re: " is added.
	Subject string
	// Line is the owner's text that was not understood; empty when the owner
	// asked for help. Hint says what was wrong with it ("snooze needs a
	// duration"); may be empty.
	Line, Hint string
	Now        time.Time
	Thread     Thread
}

type helpView struct {
	Line, Hint string
	Footer     footer
}

// Help composes the reply listing the commands, sent when the owner asks for
// help or sends something that is not a command.
func Help(in HelpInput) (Email, error) {
	v := helpView{Line: line(in.Line, maxLineRunes), Hint: line(in.Hint, maxLineRunes), Footer: newFooter(in.Now, ownerZone(in.Owner))}
	text, html, err := render("help", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose help: %w", err)
	}
	e := envelope(in.Thread, in.Owner, reply(in.Subject), in.Now)
	e.Text, e.HTML = text, html
	return e, nil
}

// reply prefixes "Re: " once.
func reply(subject string) string {
	s := headerText(subject, maxSubjectRunes)
	if s == "" {
		return "followupd"
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
		return s
	}
	return "Re: " + s
}
