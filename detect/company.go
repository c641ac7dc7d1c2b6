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

// company names the employer, first found of:
//  1. a [[company]] rule, in file order: a domain rule matches the address
//     of any participant but the owner (subdomains included), any other rule
//     a case-insensitive substring of the summary;
//  2. the summary (see companyFromSummary), whose parts are segs;
//  3. the registrable domain of the first interviewer whose address is not
//     at a mail provider, a scheduling or tracking service, or the owner's
//     own domain: jane@eng.acme.co.uk gives "Acme".
func (d *detector) company(ev *calendar.Event, summary string, segs []string, ivs []interview.Interviewer) string {
	parts := participants(ev, d.cfg.Owner)
	if c := companyRule(summary, parts, d.cfg.Companies); c != "" {
		return c
	}
	sc := summaryContext{keywords: d.keywords.nonEmpty, labels: map[string]bool{}}
	for _, p := range parts {
		_, domain, _ := strings.Cut(p.email, "@")
		if di := d.domain(domain); !di.generic {
			sc.labels[di.label] = true
		}
		if n := d.parseName(p.name); n.name != "" {
			sc.names = append(sc.names, n.words)
		}
	}
	if d.ownerName != nil {
		sc.names = append(sc.names, d.ownerName)
	}
	if c := companyFromSummary(segs, sc); c != "" {
		return c
	}
	return d.companyFromDomain(ivs)
}

type participant struct{ email, name string }

// participants lists the organizer and attendees that are not the owner.
func participants(ev *calendar.Event, owner config.Owner) []participant {
	out := make([]participant, 0, len(ev.Attendees)+1)
	add := func(p calendar.Person) {
		e := config.NormalizeAddress(p.Email)
		if owner.IsOwner(e) {
			return
		}
		out = append(out, participant{email: e, name: p.Name})
	}
	if ev.Organizer != nil {
		add(*ev.Organizer)
	}
	for _, a := range ev.Attendees {
		add(a)
	}
	return out
}

func companyRule(summary string, parts []participant, rules []config.Company) string {
	s := strings.ToLower(summary)
	for _, r := range rules {
		m := strings.ToLower(strings.TrimSpace(r.Match))
		if m == "" {
			continue
		}
		if r.IsDomain() {
			m = strings.TrimPrefix(m, "@")
			for _, p := range parts {
				if _, domain, ok := strings.Cut(p.email, "@"); ok && underDomain(domain, m) {
					return r.Name
				}
			}
			continue
		}
		if strings.Contains(s, m) {
			return r.Name
		}
	}
	return ""
}

func (d *detector) companyFromDomain(ivs []interview.Interviewer) string {
	for _, iv := range ivs {
		_, domain, ok := strings.Cut(iv.Email, "@")
		if !ok {
			continue
		}
		di := d.domain(domain)
		if di.generic || d.ownDomains[di.reg] || di.label == "" {
			continue
		}
		if c := companyFromLabel(di.label); c != "" {
			return c
		}
	}
	return ""
}

// summaryContext is what companyFromSummary needs to tell a company from the
// rest of a summary.
type summaryContext struct {
	keywords [][]string
	// names are the words of the participants' and the owner's names: a
	// candidate made of them is a person, not a company.
	names [][]string
	// labels are the registrable-domain labels of the participants' own
	// domains ("acme" for jane@acme.com).
	labels map[string]bool
}

var (
	// subjectPrefixRe matches what mail clients put before a summary.
	subjectPrefixRe = regexp.MustCompile(`(?i)^\s*(?:(?:updated\s+)?invitation|updated|cancell?ed(?:\s+event)?|accepted|declined|tentative|fwd?|re)\s*:\s*`)
	// separatorRe splits a summary into parts: a spaced hyphen or slash, an
	// en or em dash, a bar, or a colon followed by space.
	separatorRe = regexp.MustCompile(`\s+[-/]\s+|\s*[–—|]\s*|:\s+`)
	// atRe finds "at X" and "@ X".
	atRe = regexp.MustCompile(`(?i)(?:^|\s)(?:at\s+|@\s*)`)
	// withRe finds "with X".
	withRe = regexp.MustCompile(`(?i)(?:^|\s)with\s+`)
	// cutRe ends a candidate: a following preposition, punctuation, a
	// separator or a time.
	cutRe = regexp.MustCompile(`(?i)\s+(?:for|with|on|in|via|at|about|regarding|re|to|from)\s+|[,;(\[|!?]|\s+@|\s+[-–—]\s+|\s+\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\b`)
	// timeLikeRe recognizes a time or a date where a name was expected.
	timeLikeRe = regexp.MustCompile(`(?i)^(?:\d{1,2}(?:[:.h]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s|$|-)|\d{4}-\d{2}-\d{2}|\d+$|\d{3,}\s|noon\b|midnight\b|tomorrow\b|today\b)`)
)

// segments splits a summary into its parts, a leading "[Tag]" being a part
// of its own, after dropping "Invitation:", "Canceled:" and similar prefixes.
func segments(summary string) []string {
	s := strings.TrimSpace(summary)
	// Both expressions need a colon to drop a prefix.
	for strings.Contains(s, ":") {
		t := subjectPrefixRe.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	var segs []string
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "]"); i > 0 {
			segs = append(segs, strings.TrimSpace(s[1:i]))
			s = s[i+1:]
		}
	}
	parts := []string{s}
	if strings.ContainsAny(s, "-/–—|:") { // what separatorRe needs
		parts = separatorRe.Split(s, -1)
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			segs = append(segs, p)
		}
	}
	return segs
}

// companyFromSummary reads the company from a summary that names a keyword,
// trying in turn:
//   - "at X" or "@ X" in a part with a keyword ("Interview with Jane Doe at
//     Acme Corp", "Onsite interview @ Initech");
//   - "with X" in such a part when X looks like a company, not a person: it
//     ends in Inc, Corp, GmbH... or is a participant's domain label
//     ("Interview with Acme" and jane@acme.com);
//   - the words before the keyword, on the same condition ("Acme Corp
//     interview");
//   - another part of the summary ("Acme Corp – onsite interview", "Phone
//     screen: Globex", "[Acme] Interview").
//
// A candidate is never a person's name, a time, a video-call service, a job
// title or made only of words such as "final round".
func companyFromSummary(segs []string, sc summaryContext) string {
	var kw, other []string
	for _, s := range segs {
		if hasPhraseWords(words(s), sc.keywords) {
			kw = append(kw, s)
		} else {
			other = append(other, s)
		}
	}
	if len(kw) == 0 {
		return ""
	}
	for _, s := range kw {
		if !strings.Contains(s, "@") && indexFold(s, "at") < 0 { // what atRe needs
			continue
		}
		for _, loc := range atRe.FindAllStringIndex(s, -1) {
			if c := sc.dropPeople(cleanCompany(s[loc[1]:])); sc.valid(c) {
				return c
			}
		}
	}
	for _, s := range kw {
		var with [][]int
		if indexFold(s, "with") >= 0 { // what withRe needs
			with = withRe.FindAllStringIndex(s, -1)
		}
		for _, loc := range with {
			if c := sc.dropPeople(cleanCompany(s[loc[1]:])); sc.valid(c) && sc.companyLike(c) {
				return c
			}
		}
		if before, ok := beforeKeyword(s, sc.keywords); ok {
			if c := cleanCompany(trimQualifiers(before)); sc.valid(c) && sc.companyLike(c) {
				return c
			}
		}
	}
	for _, s := range other {
		if c := sc.dropPeople(cleanCompany(s)); sc.valid(c) {
			return c
		}
	}
	return ""
}

// placeWords end "Acme HQ" or "the Berlin office": a place, not a name.
var placeWords = map[string]bool{"office": true, "offices": true, "hq": true, "headquarters": true, "campus": true, "building": true}

// cleanCompany cuts a candidate at the first preposition, punctuation or
// time, trims quotes and dots, and drops a trailing place word ("Acme HQ").
// "the X office" is a place and gives "".
func cleanCompany(s string) string {
	s = tidy.TruncateBytes(s, 200) // a name is short; never scan the rest of a long text
	if mayCut(s) {
		if loc := cutRe.FindStringIndex(s); loc != nil {
			s = s[:loc[0]]
		}
	}
	s = strings.Trim(tidy.OneLine(s), "\"'“”‘’*_.:;")
	f := strings.Fields(s)
	if n := len(f); n > 1 && placeWords[strings.ToLower(f[n-1])] {
		switch strings.ToLower(f[0]) {
		case "the", "our", "your", "their":
			return ""
		}
		f = f[:n-1]
	}
	return strings.Join(f, " ")
}

// mayCut reports whether cutRe could match s: every way it has to end a
// candidate needs white space or one of a few punctuation marks.
func mayCut(s string) bool {
	return strings.ContainsAny(s, " \t\n\f\r,;([|!?")
}

// noiseWords say what kind of meeting it is, not who with.
var noiseWords = map[string]bool{
	"interview": true, "interviews": true, "onsite": true, "on": true, "site": true,
	"virtual": true, "video": true, "phone": true, "call": true, "screen": true, "screening": true,
	"technical": true, "tech": true, "final": true, "round": true, "first": true, "second": true,
	"third": true, "fourth": true, "1st": true, "2nd": true, "3rd": true, "4th": true, "initial": true,
	"hr": true, "recruiter": true, "recruiting": true, "hiring": true, "manager": true, "team": true,
	"panel": true, "loop": true, "chat": true, "meeting": true, "meet": true, "remote": true,
	"online": true, "in": true, "person": true, "coffee": true, "lunch": true, "dinner": true,
	"intro": true, "introduction": true, "introductory": true, "conversation": true,
	"discussion": true, "session": true, "follow": true, "up": true, "with": true, "the": true,
	"a": true, "an": true, "of": true, "for": true, "and": true, "min": true, "mins": true,
	"minute": true, "minutes": true, "hour": true, "debrief": true, "assessment": true,
	"coding": true, "challenge": true, "case": true, "study": true, "presentation": true,
	"culture": true, "fit": true, "behavioral": true, "behavioural": true, "system": true,
	"design": true, "whiteboard": true, "pairing": true, "pair": true, "programming": true,
	"take": true, "home": true, "exercise": true, "office": true, "test": true, "sync": true,
	"quick": true, "informal": true, "tbd": true, "tba": true, "rescheduled": true,
	"updated": true, "invitation": true, "invite": true, "cancelled": true, "canceled": true,
	"reminder": true, "confirmed": true, "new": true, "candidate": true, "me": true, "you": true,
	"us": true, "our": true, "your": true, "job": true, "position": true, "role": true,
	"hold": true, "placeholder": true, "prep": true, "practice": true, "mock": true,
	"zoom": true, "teams": true, "webex": true, "skype": true, "hangout": true, "hangouts": true,
}

// servicePhrases name video-call services, which a summary may mention where
// a company would stand ("Interview @ Zoom").
var servicePhrases = [][]string{
	{"zoom"}, {"google", "meet"}, {"microsoft", "teams"}, {"ms", "teams"}, {"teams"},
	{"webex"}, {"skype"}, {"hangouts"}, {"bluejeans"}, {"gotomeeting"}, {"whereby"},
	{"jitsi"}, {"chime"}, {"facetime"},
}

// corpSuffixes end a company's name.
var corpSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "llc": true, "llp": true,
	"ltd": true, "limited": true, "gmbh": true, "ag": true, "sa": true, "sas": true, "sarl": true,
	"plc": true, "co": true, "company": true, "group": true, "labs": true, "technologies": true,
	"software": true, "solutions": true, "systems": true, "bank": true, "partners": true,
	"associates": true, "holdings": true, "bv": true, "nv": true, "oy": true, "ab": true,
	"srl": true, "spa": true, "pty": true, "kk": true, "ventures": true, "capital": true,
	"consulting": true, "studios": true, "studio": true, "health": true, "ai": true,
}

var weekdayMonth = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true, "wed": true,
	"wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true, "fri": true,
	"friday": true, "sat": true, "saturday": true, "sun": true, "sunday": true,
	"jan": true, "january": true, "feb": true, "february": true, "mar": true, "march": true,
	"apr": true, "april": true, "may": true, "jun": true, "june": true, "jul": true, "july": true,
	"aug": true, "august": true, "sep": true, "sept": true, "september": true, "oct": true,
	"october": true, "nov": true, "november": true, "dec": true, "december": true,
}

// valid reports whether c can be a company's name.
func (sc summaryContext) valid(c string) bool {
	if c == "" || utf8.RuneCountInString(c) > 60 || len(strings.Fields(c)) > 6 {
		return false
	}
	if strings.Contains(c, "@") || strings.Contains(c, "://") || strings.HasPrefix(strings.ToLower(c), "www.") {
		return false
	}
	if !strings.ContainsFunc(c, unicode.IsUpper) || mayBeTime(c) && timeLikeRe.MatchString(c) {
		return false
	}
	ws := words(c)
	if len(ws) == 0 || weekdayMonth[ws[0]] || hasJobWord(ws) || hasPhraseWords(ws, servicePhrases) {
		return false
	}
	allNoise := true
	for _, w := range ws {
		allNoise = allNoise && (noiseWords[w] || isDigits(w))
	}
	if allNoise || hasPhraseWords(ws, sc.keywords) {
		return false
	}
	return !sc.isPerson(ws)
}

// mayBeTime reports whether timeLikeRe could match s: it needs a digit or
// the first letter of noon, midnight, today or tomorrow at the start.
func mayBeTime(s string) bool {
	return s != "" && strings.IndexByte("0123456789nNmMtT", s[0]) >= 0
}

// isPerson reports whether ws names people: every word is a word of a
// participant's or the owner's name, or a word that joins names ("Jane Doe
// and Sam Seeker").
func (sc summaryContext) isPerson(ws []string) bool {
	for _, w := range ws {
		switch w {
		case "and", "x", "with", "between", "meets", "vs":
			continue
		}
		found := false
		for _, name := range sc.names {
			for _, n := range name {
				found = found || w == n
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// joinRe splits "Acme and Sam Seeker" into its sides.
var joinRe = regexp.MustCompile(`(?i)\s+(?:and|x|&|/|\+|<>)\s+`)

// dropPeople removes the people from a candidate that joins a company and
// people ("Acme and Sam Seeker", "Jane x Acme") and returns the one side
// that is not a person. A candidate whose sides are all, or none, people is
// returned as it is ("Procter and Gamble").
func (sc summaryContext) dropPeople(c string) string {
	if !strings.ContainsAny(c, "xX&/+<") && indexFold(c, "and") < 0 { // what joinRe needs
		return c
	}
	sides := joinRe.Split(c, -1)
	if len(sides) < 2 {
		return c
	}
	var rest []string
	for _, s := range sides {
		if ws := words(s); len(ws) > 0 && !sc.isPerson(ws) {
			rest = append(rest, s)
		}
	}
	if len(rest) == 1 && len(rest) < len(sides) {
		return rest[0]
	}
	return c
}

// companyLike reports whether c reads as a company rather than a person:
// it ends in a company suffix or is a participant's domain label.
func (sc summaryContext) companyLike(c string) bool {
	ws := words(c)
	if len(ws) == 0 {
		return false
	}
	if len(ws) > 1 && corpSuffixes[ws[len(ws)-1]] {
		return true
	}
	return sc.labels[strings.Join(ws, "")] || sc.labels[strings.Join(ws, "-")]
}

// beforeKeyword returns the text of seg before its first keyword: the
// white-space-separated fields before the first one from which the words
// start with a keyword.
func beforeKeyword(seg string, keywords [][]string) (string, bool) {
	f := strings.Fields(seg)
	// The words of fields f[i:] are the words of each field in turn (words
	// never span white space), so they are all[starts[i]:].
	var all []string
	starts := make([]int, len(f))
	for i, field := range f {
		starts[i] = len(all)
		all = append(all, words(field)...)
	}
	for i := range f {
		ws := all[starts[i]:]
		for _, k := range keywords {
			if startsWithPhrase(ws, k) {
				if i == 0 {
					return "", false
				}
				return strings.Join(f[:i], " "), true
			}
		}
	}
	return "", false
}

// trimQualifiers drops trailing words such as "onsite" or "final round".
func trimQualifiers(s string) string {
	f := strings.Fields(s)
	for len(f) > 0 {
		ws := words(f[len(f)-1])
		noise := true
		for _, w := range ws {
			noise = noise && (noiseWords[w] || isDigits(w))
		}
		if !noise {
			break
		}
		f = f[:len(f)-1]
	}
	return strings.Join(f, " ")
}

func startsWithPhrase(ws, phrase []string) bool {
	if len(phrase) == 0 || len(ws) < len(phrase) {
		return false
	}
	return containsPhrase(ws[:len(phrase)], phrase)
}

func hasPhraseWords(ws []string, phrases [][]string) bool {
	for _, p := range phrases {
		if containsPhrase(ws, p) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}
