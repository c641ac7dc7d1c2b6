package mailer

import (
	"strings"
	"time"
	"unicode"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
)

const (
	// maxSubjectRunes caps a Subject: calendar summaries can be any length.
	maxSubjectRunes = 150
	// maxNameRunes caps a person's or company's name wherever it is shown.
	maxNameRunes = 100
	// maxLineRunes caps one line of notes or of an event description.
	maxLineRunes = 300
	// maxItems caps how many lines of notes or description a list shows.
	maxItems = 8
)

// headerText makes s safe as one header value: control characters (CR and LF
// above all) and Unicode line separators become spaces, runs of white space
// collapse, invalid UTF-8 is dropped, and the result is cut to max runes with
// an ellipsis.
func headerText(s string, max int) string {
	return tidy.Clip(tidy.OneLine(s), max)
}

// line is headerText for text shown in a body: the same single line.
func line(s string, max int) string { return headerText(s, max) }

// bodyText normalizes a body: valid UTF-8, LF line endings, no control
// characters other than tab and newline.
func bodyText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// items splits free text (the owner's notes, an event description) into at
// most maxItems single lines, dropping blank lines, list bullets and lines that
// are only a link (meeting URLs say nothing about the interview).
func items(s string) []string {
	var out []string
	for _, l := range strings.Split(bodyText(s), "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimSpace(strings.TrimLeft(l, "-*•·>"))
		if l == "" || isLinkOnly(l) {
			continue
		}
		out = append(out, line(l, maxLineRunes))
		if len(out) == maxItems {
			break
		}
	}
	return out
}

func isLinkOnly(s string) bool {
	if strings.ContainsAny(s, " \t") {
		return false
	}
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "<http")
}

// sentence ends s with exactly one full stop, unless it already ends in a
// question or exclamation mark.
func sentence(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".,;: ")
	if s == "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// JoinAnd joins a list as English prose: "a", "a and b", "a, b and c".
func JoinAnd(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

// cleanList applies line to each element and drops the empty ones.
func cleanList(list []string, max int) []string {
	var out []string
	for _, s := range list {
		if s = line(s, maxLineRunes); s != "" {
			out = append(out, s)
		}
		if len(out) == max {
			break
		}
	}
	return out
}

// Dates and times are always shown in the owner's zone, whatever the
// process's TZ.

func ownerZone(o config.Owner) *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// longDate is "Tuesday, March 3, 2026".
func longDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Monday, January 2, 2006")
}

// shortDate is "Tuesday, March 3".
func shortDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Monday, January 2")
}

// letterDate is "March 3, 2026".
func letterDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("January 2, 2006")
}

// timeSpan is "10:00–11:00 EST", or with the end's zone when it differs.
func timeSpan(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if end.IsZero() || !end.After(start) {
		return s.Format("15:04 MST")
	}
	if s.Format("MST") == e.Format("MST") {
		return s.Format("15:04") + "–" + e.Format("15:04 MST")
	}
	return s.Format("15:04 MST") + "–" + e.Format("15:04 MST")
}

// person is how an interviewer is named and addressed.
type person struct {
	Name  string // full name, or the address when there is none
	Email string
	// Honorific is "Ms." and the like, "" when unknown.
	Honorific string
	// Salutation is "Ms. Doe" when the honorific is known, else "Mr./Ms. Doe".
	Salutation string
	// AskFor is whom to ask for on the phone: "Ms. Doe", else the full name.
	AskFor string
	// NeedsHonorific is set when the draft says "Mr./Ms." and the owner must choose.
	NeedsHonorific bool
	// NeedsName is set when there is no name at all, only an address.
	NeedsName bool
}

func newPerson(iv interview.Interviewer) person {
	name := line(iv.Name, maxNameRunes)
	email := headerText(iv.Email, 320)
	p := person{Name: name, Email: email}
	last := line(interview.Interviewer{Name: name}.LastName(), maxNameRunes)
	if last == "" {
		p.NeedsName = true
		last = "[last name]"
	}
	if p.Name == "" {
		p.Name = email
	}
	if p.Name == "" {
		p.Name = "your interviewer"
	}
	if iv.Honorific != interview.NoHonorific {
		p.Honorific = string(iv.Honorific)
		p.Salutation = string(iv.Honorific) + " " + last
		p.AskFor = p.Salutation
	} else {
		p.NeedsHonorific = true
		p.Salutation = "Mr./Ms. " + last
		p.AskFor = p.Name
	}
	return p
}

// people returns the interview's interviewers, or one placeholder person when
// the event named none.
func people(iv interview.Interview) []person {
	var out []person
	for _, v := range iv.Interviewers {
		out = append(out, newPerson(v))
	}
	if len(out) == 0 {
		out = append(out, newPerson(interview.Interviewer{}))
	}
	return out
}

func names(ps []person) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
