package detect

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/followupd/followupd/internal/tidy"
)

// jobWords mark a job title ("Senior Backend Engineer", "Staff SRE").
var jobWords = map[string]bool{
	"engineer": true, "developer": true, "programmer": true, "manager": true, "designer": true,
	"analyst": true, "scientist": true, "director": true, "architect": true, "lead": true,
	"head": true, "intern": true, "internship": true, "sre": true, "devops": true,
	"consultant": true, "specialist": true, "coordinator": true, "administrator": true,
	"officer": true, "associate": true, "representative": true, "executive": true,
	"accountant": true, "recruiter": true, "writer": true, "editor": true, "researcher": true,
	"technician": true, "tester": true, "qa": true, "cto": true, "ceo": true, "cfo": true,
	"coo": true, "vp": true, "president": true, "assistant": true, "nurse": true,
	"teacher": true, "attorney": true, "counsel": true, "lawyer": true, "advisor": true,
	"strategist": true, "owner": true, "partner": true, "principal": true, "fellow": true,
	"operator": true, "agent": true, "clerk": true, "pharmacist": true, "physician": true,
	"therapist": true, "professor": true, "lecturer": true, "supervisor": true,
}

// interviewerWords describe who holds an interview ("hiring manager", "CTO"):
// a "position" made only of them is the interviewer's, not the job's.
var interviewerWords = map[string]bool{
	"hiring": true, "manager": true, "recruiter": true, "recruiting": true, "hr": true,
	"team": true, "lead": true, "panel": true, "ceo": true, "cto": true, "cfo": true, "coo": true,
	"founder": true, "cofounder": true, "co": true, "vp": true, "director": true, "head": true,
	"of": true, "engineering": true, "with": true, "the": true, "your": true, "our": true,
}

func hasJobWord(ws []string) bool {
	for _, w := range ws {
		if jobWords[w] {
			return true
		}
	}
	return false
}

var (
	// positionLineRe is a description line that states the position.
	positionLineRe = regexp.MustCompile(`(?im)^[ \t*•\-]*(?:position|role|job title|job|opening|vacancy)[ \t*]*[:–][ \t*]*(.+)$`)
	// positionWordRe finds the word after a title in "the X position".
	positionWordRe = regexp.MustCompile(`(?i)\b(?:position|role|opening|vacancy)\b`)
	// determinerRe finds the word that opens "the X position".
	determinerRe = regexp.MustCompile(`(?i)\b(?:the|a|an|our|your|this)\s+`)
	// forRe finds "for X" in a summary.
	forRe = regexp.MustCompile(`(?i)(?:^|\s)for\s+(?:the\s+|a\s+|an\s+)?`)
	// positionSuffixRe ends an explicit position: "Senior Engineer role".
	positionSuffixRe = regexp.MustCompile(`(?i)\s+(?:position|role|opening|vacancy|job)$`)
)

// position names the job when the event states it, first found of:
//   - a description line "Position: X", "Role: X", "Job title: X", "Job: X";
//   - the summary: "Interview for X at Acme" (X a job title or followed by
//     "position"/"role"), a part of it that is a job title ("Senior Backend
//     Engineer – Acme – Interview"), or the words before the keyword when
//     they are one ("Acme – Staff SRE interview");
//   - "the X position" (or role, opening, vacancy) in the description, X
//     being the words after the last "the", "a", "our"... before it, and
//     either a job title or a few capitalized words ("Thanks for your
//     interest in the Senior Backend Engineer position", "the Platform
//     role", not "the open position");
//   - a description line with a keyword read like a summary ("Phone screen
//     for Site Reliability Engineer at Globex.").
//
// Anything else gives "": a wrong position in a follow-up call is worse
// than none.
func (d *detector) position(segs []string, t texts, company string) string {
	desc := t.description
	if strings.ContainsAny(desc, ":–") { // what positionLineRe needs
		for _, m := range positionLineRe.FindAllStringSubmatch(desc, -1) {
			if p := cleanPosition(m[1], company); p != "" {
				return p
			}
		}
	}
	kw := d.keywords.nonEmpty
	if p := positionFromSummary(segs, company, kw); p != "" {
		return p
	}
	if p := positionFromPhrase(desc, company); p != "" {
		return p
	}
	// The words of a sentence are a run of the description's words (words
	// never span white space or a full stop), so a description without a
	// keyword has no sentence with one.
	if !hasPhraseWords(t.descWords, kw) {
		return ""
	}
	for _, line := range strings.Split(desc, "\n") {
		for _, sentence := range strings.SplitAfter(line, ". ") {
			if !hasPhraseWords(words(sentence), kw) {
				continue
			}
			if p := positionAfterFor(strings.TrimSuffix(strings.TrimSpace(sentence), "."), company); p != "" {
				return p
			}
		}
	}
	return ""
}

// positionFromPhrase finds "the X position" in text.
func positionFromPhrase(text, company string) string {
	if !mayFold(text, "position", "role", "opening", "vacancy") { // what positionWordRe needs
		return ""
	}
	for _, loc := range positionWordRe.FindAllStringIndex(text, -1) {
		// A title is a few words: look back no further than 120 bytes.
		before := text[max(0, loc[0]-120):loc[0]]
		for before != "" && !utf8.RuneStart(before[0]) {
			before = before[1:]
		}
		if i := strings.LastIndexAny(before, "\n.;:!?()\""); i >= 0 {
			before = before[i+1:]
		}
		dets := determinerRe.FindAllStringIndex(before, -1)
		if len(dets) == 0 {
			continue
		}
		x := strings.TrimSpace(before[dets[len(dets)-1][1]:])
		ws := words(x)
		if len(ws) == 0 {
			continue
		}
		if !hasJobWord(ws) {
			// Without a job word, only a short capitalized name will do:
			// "the Platform role", not "the open position".
			first, _ := utf8.DecodeRuneInString(x)
			if !unicode.IsUpper(first) || strings.Contains(x, ",") || len(ws) > 4 {
				continue
			}
		}
		if p := cleanPosition(x, company); p != "" {
			return p
		}
	}
	return ""
}

// positionAfterFor reads "for X" in s: X ends at a preposition, a comma or
// a separator and must be a job title or end in "position" or "role".
func positionAfterFor(s, company string) string {
	if indexFold(s, "for") < 0 { // what forRe needs
		return ""
	}
	for _, loc := range forRe.FindAllStringIndex(s, -1) {
		c := tidy.TruncateBytes(s[loc[1]:], 200)
		if mayCut(c) {
			if l := cutRe.FindStringIndex(c); l != nil {
				c = c[:l[0]]
			}
		}
		c = strings.TrimSpace(c)
		explicit := false
		if mayFold(c, "position", "role", "opening", "vacancy", "job") { // what positionSuffixRe needs
			explicit = positionSuffixRe.MatchString(c)
			c = positionSuffixRe.ReplaceAllString(c, "")
		}
		if !explicit && !hasJobWord(words(c)) {
			continue
		}
		if p := cleanPosition(c, company); p != "" {
			return p
		}
	}
	return ""
}

func positionFromSummary(segs []string, company string, keywords [][]string) string {
	for _, s := range segs {
		if p := positionAfterFor(s, company); p != "" {
			return p
		}
	}
	for _, s := range segs {
		ws := words(s)
		if hasPhraseWords(ws, keywords) || !hasJobWord(ws) {
			continue
		}
		if p := cleanPosition(s, company); p != "" {
			return p
		}
	}
	for _, s := range segs {
		before, ok := beforeKeyword(s, keywords)
		if !ok {
			continue
		}
		before = trimQualifiers(before)
		if !hasJobWord(words(before)) {
			continue
		}
		if p := cleanPosition(before, company); p != "" {
			return p
		}
	}
	return ""
}

// cleanPosition trims a candidate and drops a leading company name; it
// returns "" for what cannot be a job title: too long, a link, an address,
// or only words that describe the interviewer.
func cleanPosition(s, company string) string {
	s = tidy.OneLine(dropParens(s))
	s = strings.Trim(s, "\"'“”‘’*_.:;,- ")
	s = trimLeadingWords(s, company)
	if s == "" || utf8.RuneCountInString(s) > 80 || len(strings.Fields(s)) > 8 {
		return ""
	}
	if strings.Contains(s, "://") || strings.Contains(s, "@") || !strings.ContainsFunc(s, unicode.IsLetter) {
		return ""
	}
	ws := words(s)
	only := true
	for _, w := range ws {
		only = only && interviewerWords[w]
	}
	if only {
		return ""
	}
	return s
}

// phoneRe finds a labelled phone number: "Phone: +1 555 123 4567", "Tel.
// (030) 1234567", "Call +44 20 7946 0958", a tel: URI. The label and the
// number share a line.
var phoneRe = regexp.MustCompile(`(?i)\b(?:phone|tel|telephone|call|mobile|cell)\b(?:[ \t]*(?:number|no\.?|#))?[ \t]*([:.\-–]?)[ \t]*(\+?\(?\d[\d \t().\-/]{5,24}\d)`)

// callAtRe finds "call the recruiting desk at N", "reach me on N": a verb,
// a few words on the same line, "at" or "on", a number.
var callAtRe = regexp.MustCompile(`(?i)\b(?:call|phone|reach|contact|dial|text|ring)\b([^\n.:;,]{0,40}?)\b(?:at|on)[ \t]+(\+?\(?\d[\d \t().\-/]{5,24}\d)`)

// isoDateRe is a date that phoneRe would otherwise read as a number.
var isoDateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// phone finds a number to call back in the location, then the description:
// a labelled number or a plain tel: URI, "call the recruiting desk at N"
// (but not "we will call you at N" nor "... will call <the owner's name>
// at N"), or a location that is nothing but a number. It skips conference dial strings (a number followed by ",", ";"
// or "#", as Zoom, Teams and Meet write them) and the owner's own number
// (the interviewer calling the owner). A label needs a ":" after it unless
// the number starts with "+" or "(".
func (d *detector) phone(desc, location string) string {
	own, ownerName := d.ownerPhone, d.ownerWords
	for _, text := range []string{location, desc} {
		// Both expressions need a digit; phoneRe one of its labels, callAtRe
		// one of its verbs.
		if strings.IndexAny(text, "0123456789") < 0 {
			continue
		}
		var labelled, callAt [][]int
		if mayFold(text, "phone", "tel", "call", "mobile", "cell") {
			labelled = phoneRe.FindAllStringSubmatchIndex(text, -1)
		}
		for _, m := range labelled {
			sep := text[m[2]:m[3]]
			num := strings.TrimSpace(text[m[4]:m[5]])
			if isDialString(text[m[5]:]) {
				continue
			}
			if sep == "" && !strings.HasPrefix(num, "+") && !strings.HasPrefix(num, "(") {
				continue
			}
			if p := cleanPhone(num, own); p != "" {
				return p
			}
		}
		if mayFold(text, "call", "phone", "reach", "contact", "dial", "text", "ring") {
			callAt = callAtRe.FindAllStringSubmatchIndex(text, -1)
		}
		for _, m := range callAt {
			between := words(text[m[2]:m[3]])
			if slices.Contains(between, "you") || slices.Contains(between, "your") ||
				slices.ContainsFunc(between, func(w string) bool { return slices.Contains(ownerName, w) }) ||
				isDialString(text[m[5]:]) {
				continue // "we will call you (or Alex Morgan) at N": the owner's number
			}
			if p := cleanPhone(text[m[4]:m[5]], own); p != "" {
				return p
			}
		}
	}
	if p := cleanPhone(strings.TrimSpace(location), own); p != "" && isPhoneOnly(location) {
		return p
	}
	return ""
}

// isDialString reports whether rest, the text after a number, continues it
// as a conference dial string ("+1 555 0100,,123456#").
func isDialString(rest string) bool {
	rest = strings.TrimLeft(rest, " \t")
	return rest != "" && strings.ContainsAny(rest[:1], ",;#")
}

// isPhoneOnly reports whether s holds nothing but a phone number.
func isPhoneOnly(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsDigit(r) && !strings.ContainsRune("+()-./ \t", r)
	}) < 0
}

// cleanPhone returns num with its spaces collapsed when it has 7 to 15
// digits, is not a date and is not the owner's number.
func cleanPhone(num string, own string) string {
	d := digits(num)
	if len(d) < 7 || len(d) > 15 || isoDateRe.MatchString(num) {
		return ""
	}
	if own != "" && (d == own || len(d) >= 7 && len(own) >= 7 && lastN(d, 9) == lastN(own, 9)) {
		return ""
	}
	return strings.Join(strings.Fields(num), " ")
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func lastN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// trimLeadingWords drops prefix from the start of s when s begins with the
// same words, compared case-insensitively: "Acme Senior Engineer" less
// "Acme" is "Senior Engineer".
func trimLeadingWords(s, prefix string) string {
	f, pf := strings.Fields(s), strings.Fields(prefix)
	if len(pf) == 0 || len(f) <= len(pf) {
		return s
	}
	for i, w := range pf {
		if !strings.EqualFold(f[i], w) {
			return s
		}
	}
	return strings.Join(f[len(pf):], " ")
}
