package mailer

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/followupd/followupd/config"
)

// What makes each interviewer's thank-you note their own. Panel members
// compare notes, so two drafts must differ in more than the name: each gets
// its own opening and closing sentence (from the sets below, by position in
// the panel), its own pair of the owner's strengths, and, where the owner's
// notes or the invitation say so, what that person asked about and their
// role.

// openings are the first sentence of a note: %[1]s is the day, %[2]s the
// role ("the Staff Engineer position at Globex").
var openings = []string{
	"Thank you for taking the time to meet with me on %[1]s to talk about %[2]s.",
	"I appreciated the chance to speak with you on %[1]s about %[2]s.",
	"Thank you for our conversation on %[1]s about %[2]s; I came away with a much clearer picture of the work.",
}

// lateOpenings are used when the note goes out a day or more after the
// interview: it says so, briefly, rather than pretending it is prompt.
var lateOpenings = []string{
	"I wanted to thank you, if a little belatedly, for meeting with me on %[1]s to talk about %[2]s.",
	"Belatedly but sincerely: thank you for speaking with me on %[1]s about %[2]s.",
	"Though a few days have passed, I did not want to let our conversation on %[1]s about %[2]s go without a word of thanks.",
}

// strengthsLines say what the owner would bring: %[1]s is one or two of the
// owner's attributes, %[2]s where ("at Globex" or "to your team").
var strengthsLines = []string{
	"I believe my %[1]s would let me contribute %[2]s from the start.",
	"I would bring %[1]s %[2]s, ready to put them to work from the first week.",
	"My %[1]s are what I would offer %[2]s from day one.",
}

// closings are the sentence before the final thanks.
var closings = []string{
	"I remain very interested in the position and look forward to hearing from you.",
	"I would be glad to continue the conversation and hope to hear from you soon.",
	"I am keen to join the team and look forward to the next steps.",
}

// finalThanks is the line above "Sincerely,".
var finalThanks = []string{
	"Thank you again for your time and consideration.",
	"Thank you again for your time.",
	"With thanks again for your time and consideration,",
}

// personalNote is what one interviewer's draft says that the others' do not.
type personalNote struct {
	Opening, Closing, Thanks string
	// Strengths is the owner's strengths sentence; "" without attributes.
	Strengths string
	// Asked is what this person asked about, from the owner's notes ("my
	// Kafka experience"); "" when the notes do not say.
	Asked string
	// Role is this person's role from the notes or the invitation
	// ("Engineering Manager"); "" when neither says.
	Role string
	// Note is one of the owner's notes that names no interviewer, as a
	// sentence; panel members get different ones when there are several.
	Note string
	// Apart lists, for the owner, what sets this draft apart.
	Apart []string
}

// askedRE finds what someone asked about in a line of notes: "Jane asked
// about my Kafka experience", "Sam's question about on-call".
var askedRE = regexp.MustCompile(`(?i)\b(?:asked(?: me)?(?: about)?|questions? (?:about|on)|wanted to know(?: about)?|was curious about)\s+(.+)`)

// personal works out the draft particulars of interviewer i (0-based) of a
// panel of n, given the owner's notes split into lines.
func personal(i, n int, p person, everyone []person, notes []string, description string, o config.Owner, company, day, role string, late bool) personalNote {
	var pn personalNote
	set := openings
	if late {
		set = lateOpenings
	}
	pn.Opening = fmt.Sprintf(set[i%len(set)], day, role)
	pn.Closing = closings[i%len(closings)]
	pn.Thanks = finalThanks[i%len(finalThanks)]
	if i%len(finalThanks) == 2 {
		pn.Thanks = finalThanks[0] // the third form reads badly above "Sincerely,"
	}

	if attrs := cleanList(o.Attributes, maxItems); len(attrs) > 0 {
		pick := []string{attrs[(2*i)%len(attrs)]}
		if len(attrs) > 1 {
			if second := attrs[(2*i+1)%len(attrs)]; second != pick[0] {
				pick = append(pick, second)
			}
		}
		where := "to your team"
		if company != "" {
			where = "at " + company
			if i%len(strengthsLines) != 0 {
				where = "to " + company
			}
		}
		line := strengthsLines[i%len(strengthsLines)]
		if len(pick) == 1 && i%len(strengthsLines) == 2 {
			line = strengthsLines[0] // "My X are" needs a plural
		}
		pn.Strengths = fmt.Sprintf(line, JoinAnd(pick), where)
	}

	var general []string
	for _, l := range notes {
		switch who := mentioned(l, everyone); {
		case who < 0:
			general = append(general, l)
		case everyone[who].Name == p.Name:
			if m := askedRE.FindStringSubmatch(l); m != nil && pn.Asked == "" {
				pn.Asked = strings.TrimRight(strings.TrimSpace(m[1]), ".,;:!? ")
			}
			if pn.Role == "" {
				pn.Role = roleOf(l, p)
			}
		}
	}
	if pn.Role == "" {
		for _, l := range items(description) {
			if pn.Role = roleOf(l, p); pn.Role != "" {
				break
			}
		}
	}
	if pn.Role != "" && mentioned(pn.Role, everyone) >= 0 {
		pn.Role = "" // "Priya Raman, Sam Okafor": a list of names, not a role
	}
	if len(general) > 0 {
		pn.Note = sentence(general[i%len(general)])
	}

	if n > 1 {
		if pn.Asked != "" {
			pn.Apart = append(pn.Apart, "their question about "+ownerSide(pn.Asked))
		}
		if pn.Role != "" {
			pn.Apart = append(pn.Apart, "their role ("+pn.Role+")")
		}
		if pn.Note != "" && len(general) > 1 {
			pn.Apart = append(pn.Apart, "your note “"+strings.TrimSuffix(pn.Note, ".")+"”")
		}
		pn.Apart = append(pn.Apart, "its own opening and closing")
	}
	return pn
}

// mentioned returns the index of the one interviewer a line of notes names
// (by first or last name, as a whole, capitalized word), or -1 when it names
// none or several.
func mentioned(l string, everyone []person) int {
	found := -1
	for j, p := range everyone {
		if !namesPerson(l, p) {
			continue
		}
		if found >= 0 {
			return -1
		}
		found = j
	}
	return found
}

func namesPerson(l string, p person) bool {
	if p.NeedsName || p.Name == p.Email {
		return false // no name, only an address or a placeholder
	}
	words := strings.FieldsFunc(l, func(r rune) bool {
		return !(r == '-' || r == '\'' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f)
	})
	for _, part := range strings.Fields(p.Name) {
		if len(part) < 2 || !unicode.IsUpper([]rune(part)[0]) {
			continue // initials, and words that are not names
		}
		for _, w := range words {
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			if w == part {
				return true
			}
		}
	}
	return false
}

// roleOf finds "Priya Raman (Engineering Manager)" or "Priya Raman, Head of
// Platform" in a line, for the person p: the words in parentheses after the
// name, or a capitalized phrase after a comma or dash, up to the next
// punctuation.
func roleOf(l string, p person) string {
	for _, name := range []string{p.Name, firstName(p.Name)} {
		if len(name) < 2 {
			continue
		}
		for rest := l; ; {
			at := strings.Index(rest, name)
			if at < 0 {
				break
			}
			rest = rest[at+len(name):]
			after := strings.TrimLeft(rest, " ")
			var r string
			switch {
			case strings.HasPrefix(after, "("):
				if end := strings.IndexByte(after, ')'); end > 0 {
					r = after[1:end]
				}
			case strings.HasPrefix(after, ","), strings.HasPrefix(after, "–"), strings.HasPrefix(after, "—"):
				_, size := utf8.DecodeRuneInString(after)
				after = strings.TrimLeft(after[size:], " ")
				if end := strings.IndexAny(after, ",;.()"); end >= 0 {
					after = after[:end]
				}
				if after != "" && unicode.IsUpper([]rune(after)[0]) {
					r = after
				}
			}
			if r = strings.TrimSpace(r); utf8.RuneCountInString(r) >= 2 && utf8.RuneCountInString(r) <= 60 && !askedRE.MatchString(r) {
				return line(r, maxNameRunes)
			}
		}
	}
	return ""
}

func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) < 2 {
		return ""
	}
	return f[0]
}

// lateness says how long after the interview a thank-you email goes out:
// late when a full day has passed since the interview ended; ago is then
// "yesterday" or "6 days ago", counted in the owner's calendar days.
func lateness(end, now time.Time, loc *time.Location) (late bool, ago string) {
	if end.IsZero() || now.Sub(end) < 24*time.Hour {
		return false, ""
	}
	days := daysBetween(config.DateOf(end.In(loc)), config.DateOf(now.In(loc)))
	if days <= 1 {
		return true, "yesterday"
	}
	return true, fmt.Sprintf("%d days ago", days)
}

// daysBetween counts the calendar days from a to b.
func daysBetween(a, b config.Date) int {
	noon := func(d config.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }
	return int(noon(b).Sub(noon(a)).Round(time.Hour) / (24 * time.Hour))
}

// ownerSide turns words from the owner's notes, written in the first person
// ("my on-call experience"), into the second person for an email to the
// owner ("your on-call experience").
func ownerSide(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		switch w {
		case "my":
			words[i] = "your"
		case "I", "me":
			words[i] = "you"
		case "I'm":
			words[i] = "you're"
		case "mine":
			words[i] = "yours"
		}
	}
	return strings.Join(words, " ")
}
