package detect

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
)

// interviewers returns the people the owner meets: the organizer first (it
// comes first in an iCalendar object), then the attendees in order, each
// email once. Left out are the owner and aliases, anyone without an email
// address (a thank-you needs one), rooms, resources and groups, no-reply and
// scheduling-tool addresses, shared team mailboxes, and attendees who
// declined. The honorific comes from the CN, else from the description
// ("you will meet Dr. Doe").
func interviewers(ev calendar.Event, owner config.Owner, desc string) []interview.Interviewer {
	return (&detector{}).interviewers(&ev, owner, desc)
}

func (d *detector) interviewers(ev *calendar.Event, owner config.Owner, desc string) []interview.Interviewer {
	people := make([]calendar.Person, 0, len(ev.Attendees)+1)
	if ev.Organizer != nil {
		people = append(people, *ev.Organizer)
	}
	people = append(people, ev.Attendees...)

	var out []interview.Interviewer
	index := map[string]int{}
	for i, p := range people {
		email := config.NormalizeAddress(p.Email)
		organizer := ev.Organizer != nil && i == 0
		if !d.isPerson(p, email) || owner.IsOwner(email) {
			continue
		}
		if !organizer && strings.EqualFold(p.PartStat, "DECLINED") {
			continue
		}
		pn := d.parseName(p.Name)
		name, hon := pn.name, pn.hon
		if isTeam(email, name, pn.words) {
			continue
		}
		if j, ok := index[email]; ok {
			// The organizer is often listed again as an attendee; keep the
			// first place and fill in what the first listing lacked.
			if out[j].Name == "" {
				out[j].Name = name
			}
			if out[j].Honorific == interview.NoHonorific {
				out[j].Honorific = hon
			}
			continue
		}
		index[email] = len(out)
		out = append(out, interview.Interviewer{Name: name, Email: email, Honorific: hon})
	}
	honorificsFromText(desc, out)
	return out
}

// isPerson reports whether p, whose normalized address is email, can be an
// interviewer.
func isPerson(p calendar.Person, email string) bool {
	return (&detector{}).isPerson(p, email)
}

func (d *detector) isPerson(p calendar.Person, email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || !plausibleAddress(email) {
		return false
	}
	switch strings.ToUpper(p.CUType) {
	case "ROOM", "RESOURCE", "GROUP":
		return false
	}
	return !isNoReply(local) && !d.domain(domain).service && !isRoom(local, domain, p.Name)
}

// plausibleAddress reports whether email can be an addr-spec: one "@", a
// dotted-or-not domain, and no space, control character or the punctuation
// that only a display name or a broken parameter would bring.
func plausibleAddress(email string) bool {
	if strings.Count(email, "@") != 1 || !utf8.ValidString(email) {
		return false
	}
	return !strings.ContainsFunc(email, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>()[],;:"\`, r)
	})
}

// isNoReply reports whether an address's local part belongs to a robot:
// noreply, no-reply, do_not_reply, notifications, calendar-notification,
// mailer-daemon and the like, with or without a +tag.
func isNoReply(local string) bool {
	local, _, _ = strings.Cut(strings.ToLower(local), "+")
	compact := compactLocal(local)
	if strings.Contains(compact, "noreply") || strings.Contains(compact, "donotreply") ||
		strings.HasPrefix(compact, "notification") {
		return true
	}
	switch compact {
	case "calendarnotification", "mailerdaemon", "postmaster", "bounce", "bounces", "notify":
		return true
	}
	return false
}

// isRoom recognizes a meeting room that lacks CUTYPE=ROOM: a Google resource
// address, a local part that is "room" followed by a non-letter ("room.4b",
// "room12"), or a CN that starts with "Room " or names a conference or
// meeting room.
func isRoom(local, domain, cn string) bool {
	if domain == "resource.calendar.google.com" || strings.HasSuffix(domain, ".resource.calendar.google.com") {
		return true
	}
	l := strings.ToLower(local)
	if rest, ok := strings.CutPrefix(l, "room"); ok {
		if rest == "" {
			return true
		}
		if r := []rune(rest)[0]; !unicode.IsLetter(r) {
			return true
		}
	}
	compact := compactLocal(l)
	for _, p := range []string{"confroom", "conferenceroom", "meetingroom", "boardroom"} {
		if strings.HasPrefix(compact, p) {
			return true
		}
	}
	n := strings.ToLower(strings.Join(strings.Fields(strings.Trim(cn, `"' `)), " "))
	for _, p := range []string{"room ", "conference room", "conf room", "conf. room", "meeting room", "boardroom", "board room"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// teamNameWords in a CN mark a shared mailbox ("Globex Recruiting", "Acme
// Talent Team"), not a person one could thank by name.
var teamNameWords = map[string]bool{
	"recruiting": true, "recruitment": true, "careers": true, "talent": true, "hr": true,
	"team": true, "jobs": true, "hiring": true, "staffing": true, "scheduling": true,
	"scheduler": true, "calendar": true, "interviews": true, "support": true,
	"notifications": true, "department": true, "dept": true, "desk": true, "resources": true,
}

// teamLocalParts are shared mailboxes by their local part (hyphens, dots and
// underscores removed), used when the CN gives no name.
var teamLocalParts = map[string]bool{
	"recruiting": true, "recruitment": true, "recruiter": true, "recruiters": true,
	"careers": true, "career": true, "jobs": true, "talent": true, "talentacquisition": true,
	"hr": true, "hiring": true, "people": true, "team": true, "info": true, "hello": true,
	"contact": true, "office": true, "support": true, "scheduling": true, "interviews": true,
	"interview": true, "calendar": true, "staffing": true, "admin": true,
}

// isTeam reports whether an address is a shared mailbox rather than a
// person: its name has a word such as "Recruiting" or "Team", or it has no
// name and its local part is one such as "careers" or "talent-acquisition".
// nameWords are the words of name.
// A named person at a role address ("Patricia Hale" <hr@...>) is a person.
func isTeam(email, name string, nameWords []string) bool {
	if name != "" {
		for _, w := range nameWords {
			if teamNameWords[w] {
				return true
			}
		}
		return false
	}
	local, _, _ := strings.Cut(email, "@")
	local, _, _ = strings.Cut(local, "+")
	return teamLocalParts[compactLocal(local)]
}

// honorificWord reads a title: Mr, Ms, Mrs, Dr with or without the dot, and
// "Miss" and "Doctor", which the model holds as Ms. and Dr.
func honorificWord(w string) (interview.Honorific, bool) {
	if h, ok := interview.ParseHonorific(w); ok {
		return h, true
	}
	switch strings.ToLower(strings.TrimSuffix(w, ".")) {
	case "miss":
		return interview.Ms, true
	case "doctor":
		return interview.Dr, true
	}
	return interview.NoHonorific, false
}

// postNominal classifies a letters-after-the-name part: doctorates give Dr.;
// the rest are dropped from the name so that LastName stays the surname.
func postNominal(s string) (doctor, ok bool) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ".", "")) {
	case "phd", "md", "dphil", "edd":
		return true, true
	case "jr", "sr", "ii", "iii", "iv", "esq", "mba", "cpa", "pe", "pmp":
		return false, true
	}
	return false, false
}

var parenRe = regexp.MustCompile(`\s*[(\[][^)\]]*[)\]]\s*`)

// dropParens replaces the parenthesized or bracketed parts of s (parenRe)
// by a space.
func dropParens(s string) string {
	if !strings.ContainsAny(s, "([") {
		return s
	}
	return parenRe.ReplaceAllString(s, " ")
}

// parseName turns a CN into a display name and an honorific:
//   - quotes are stripped, an "<address>" part and parenthesized notes
//     ("(she/her)", "(Acme)") are dropped, and a CN that is an address gives
//     no name;
//   - post-nominals after a comma are dropped, a doctorate giving Dr.
//     ("Jane Doe, PhD");
//   - "Doe, Jane" (one comma left, a few words each side) becomes "Jane Doe";
//   - a leading title ("Dr. Jane Doe", "Mrs Smith") becomes the honorific.
func parseName(cn string) (string, interview.Honorific) {
	s := tidy.OneLine(cn)
	if i := strings.Index(s, "<"); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(s, "\"'“”‘’ \t")
	s = dropParens(s)
	s = strings.Join(strings.Fields(s), " ")
	if strings.Contains(s, "@") {
		return "", interview.NoHonorific
	}

	hon := interview.NoHonorific
	parts := strings.Split(s, ",")
	for len(parts) > 1 {
		doctor, ok := postNominal(parts[len(parts)-1])
		if !ok {
			break
		}
		if doctor {
			hon = interview.Dr
		}
		parts = parts[:len(parts)-1]
	}
	if f := strings.Fields(parts[len(parts)-1]); len(parts) == 1 && len(f) > 1 {
		// "Jane Doe PhD" without the comma.
		if doctor, ok := postNominal(f[len(f)-1]); ok && doctor {
			hon = interview.Dr
			parts[0] = strings.Join(f[:len(f)-1], " ")
		}
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch {
	case len(parts) == 2 && parts[0] != "" && parts[1] != "" &&
		len(strings.Fields(parts[0])) <= 3 && len(strings.Fields(parts[1])) <= 3:
		s = parts[1] + " " + parts[0]
	default:
		s = strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
	}

	f := strings.Fields(s)
	if len(f) > 0 {
		if h, ok := honorificWord(f[0]); ok {
			if hon == interview.NoHonorific || h == interview.Dr {
				hon = h
			}
			f = f[1:]
		}
	}
	return strings.Join(f, " "), hon
}

// titleRe finds a title followed by one to three capitalized words:
// "Ms. Jane Doe", "Dr Doe", "Mrs. Smith's".
var titleRe = regexp.MustCompile(`\b((?i:mrs|mr|ms|miss|dr|doctor))\b\.?[ \t\x{00a0}]+(\p{Lu}[\p{L}'’\-]*(?:[ \t\x{00a0}]+\p{Lu}[\p{L}'’\-]*){0,2})`)

// honorificsFromText gives an interviewer without an honorific the one the
// description uses for them. A mention names an interviewer when it holds
// their last name and, if it holds more words, their first name too; a
// mention that fits several interviewers is ambiguous and ignored.
func honorificsFromText(desc string, ivs []interview.Interviewer) {
	if desc == "" || len(ivs) == 0 || !mayFold(desc, "mr", "ms", "miss", "dr", "doctor") { // what titleRe needs
		return
	}
	// Index the interviewers by last name so that a long description and a
	// long guest list do not multiply.
	byLast := map[string][]int{}
	for i, iv := range ivs {
		if f := strings.Fields(strings.ToLower(iv.Name)); len(f) > 0 {
			byLast[f[len(f)-1]] = append(byLast[f[len(f)-1]], i)
		}
	}
	for _, m := range titleRe.FindAllStringSubmatch(desc, -1) {
		h, ok := honorificWord(m[1])
		if !ok {
			continue
		}
		mention := strings.Fields(m[2])
		for i := range mention {
			w := strings.TrimSuffix(strings.TrimSuffix(mention[i], "'s"), "’s")
			mention[i] = strings.ToLower(w)
		}
		match := -1
		seen := map[int]bool{}
		for _, w := range mention {
			for _, i := range byLast[w] {
				if seen[i] || !mentions(mention, ivs[i].Name) {
					continue
				}
				seen[i] = true
				if match == -1 {
					match = i
				} else {
					match = -2 // ambiguous
				}
			}
		}
		if match >= 0 && ivs[match].Honorific == interview.NoHonorific {
			ivs[match].Honorific = h
		}
	}
}

// mentions reports whether the lower-case words of a mention name the person
// called name: the mention holds their last name, and every word before it
// is one of their names ("Jane Doe" is named by "Doe", "Jane Doe" and "Doe
// Thursday", not by "John Doe").
func mentions(mention []string, name string) bool {
	f := strings.Fields(strings.ToLower(name))
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	for k, w := range mention {
		if w != last {
			continue
		}
		for _, before := range mention[:k] {
			found := false
			for _, n := range f {
				found = found || before == n
			}
			if !found {
				return false
			}
		}
		return true
	}
	return false
}

// compactLocal drops the separators people put in mailbox names
// ("no-reply", "no_reply", "no.reply" are all "noreply").
func compactLocal(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, s)
}
