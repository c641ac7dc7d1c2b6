// Package employer reads the employer's side of a candidacy: whether a
// message in the owner's Inbox comes from an employer (an interviewer, the
// company's own domain, or an applicant-tracking or scheduling service
// writing on its behalf) about the owner's candidacy, and what it says: a
// rejection, an offer, a next round, a scheduling change, or something
// else. It judges from the message alone, by the readable rules in
// rules.go (English, German, French and Spanish), without network or
// models; what is done with a verdict is package employerflow's.
package employer

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"github.com/followupd/followupd/detect"
)

// Kind is what an employer's message says.
type Kind string

// The kinds.
const (
	Rejection  Kind = "rejection"
	Offer      Kind = "offer"
	NextRound  Kind = "next_round"
	Scheduling Kind = "scheduling" // a time change, or a request to pick a time
	Other      Kind = "other"      // about the candidacy, nothing to act on (an application receipt)
)

// Message is what Classify reads of a message.
type Message struct {
	From    mail.Address
	Subject string
	// Text is the body as plain text (an HTML-only body turned into text by
	// the caller).
	Text string
	// Bulk is set for mass mail: a List-Unsubscribe or List-Id header, or
	// Precedence: bulk or list.
	Bulk bool
	// KnownSender is set when the caller knows the sender as one of the
	// owner's interviewers: then even a free-mail address is the employer's.
	KnownSender bool
}

// Verdict is what Classify makes of a message.
type Verdict struct {
	// Employer is set when the message reads as an employer's message
	// about a candidacy; the other fields are meaningful only then.
	Employer bool
	Kind     Kind
	// Company is the employer's name as far as the message tells it: the
	// sender's domain, a service's display name ("Initech Talent" via
	// Lever is Initech), or the text; "" when none does.
	Company string
	// Service names the applicant-tracking or scheduling service that sent
	// the message ("Lever"), "" when the employer wrote itself.
	Service string
	// Reason says, for a person, why: which rule matched.
	Reason string
}

// maxScan bounds how much of a body is read: the decisive sentences of such
// a message come early, and a hostile message may be large.
const maxScan = 64 << 10

// Classify reads m. It never fails: what it cannot read is not an
// employer's message.
func Classify(m Message) Verdict {
	text := m.Text
	if len(text) > maxScan {
		text = text[:maxScan]
	}
	norm := newText(normalise(m.Subject + "\n" + text))
	service := serviceOf(m.From.Address)
	domainCompany, _ := detect.SenderCompany(m.From.Address)

	if lang, p, ok := norm.find(alertPhrases); ok {
		return Verdict{Reason: fmt.Sprintf("a job alert or newsletter (%s: %q)", lang, p)}
	}
	kind, lang, phrase := kindOf(norm)
	if kind == "" {
		if l, p, ok := norm.find(salesPhrases); ok {
			return Verdict{Reason: fmt.Sprintf("advertising (%s: %q)", l, p)}
		}
	}
	if m.Bulk && (kind == "" || kind == Other) {
		return Verdict{Reason: "mass mail (List-Unsubscribe or Precedence) with nothing about a candidacy's outcome"}
	}
	if _, _, ok := norm.findPrefix(candidacyWords); !ok && service == "" && !m.KnownSender {
		return Verdict{Reason: "nothing about a candidacy"}
	}

	var from string
	switch {
	case m.KnownSender:
		from = "one of the interviewers"
	case service != "":
		from = service + ", writing for the employer"
	case domainCompany != "":
		from = "the company's domain"
	case kind == "" || kind == Other:
		// A free-mail address with nothing decisive: anyone's message.
		return Verdict{Reason: "from a personal address, with nothing about a candidacy's outcome"}
	default:
		from = "a personal address"
	}

	v := Verdict{Employer: true, Kind: kind, Service: service}
	if v.Kind == "" {
		v.Kind = Other
	}
	switch {
	case service != "":
		v.Company = companyFromServiceSender(m.From, service)
	case domainCompany != "":
		v.Company = domainCompany
	}
	if v.Company == "" {
		v.Company = companyFromText(m.Subject + "\n" + text)
	}
	if phrase != "" {
		v.Reason = fmt.Sprintf("from %s; %s (%s: %q)", from, kindWords[kind], lang, phrase)
	} else {
		v.Reason = fmt.Sprintf("from %s; about a candidacy, nothing to act on", from)
	}
	return v
}

// kindWords name a verdict's kind in a reason.
var kindWords = map[Kind]string{
	Rejection:  "says the candidacy ends",
	Offer:      "offers the job",
	NextRound:  "invites to a next round",
	Scheduling: "moves an interview or asks for a time",
	Other:      "acknowledges an application",
}

// kindOf applies the rules in their order: a rejection first (it may thank
// for applying and mention an offer it cannot make), then an offer, then a
// receipt, then a reschedule (it may name the next round it moves), then a
// next round, then a request to pick a time (a next round asks for one
// too). "" when none matches.
func kindOf(norm text) (Kind, string, string) {
	order := []struct {
		kind Kind
		list phrases
	}{
		{Rejection, rejectionPhrases},
		{Offer, offerPhrases},
		{Other, receiptPhrases},
		{Scheduling, reschedulePhrases},
		{NextRound, nextRoundPhrases},
		{Scheduling, pickTimePhrases},
	}
	for _, o := range order {
		if lang, p, ok := norm.find(o.list); ok {
			return o.kind, lang, p
		}
	}
	return "", "", ""
}

// languages is the order phrases are tried in, so that reasons are stable.
var languages = []string{"en", "de", "fr", "es"}

// text is a normalised message: its words, and where each word occurs.
type text struct {
	words []string
	at    map[string][]int
}

func newText(norm string) text {
	t := text{words: strings.Fields(norm), at: map[string][]int{}}
	for i, w := range t.words {
		t.at[w] = append(t.at[w], i)
	}
	return t
}

// has reports whether the phrase's words occur in a row.
func (t text) has(phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for _, i := range t.at[phrase[0]] {
		if i+len(phrase) > len(t.words) {
			continue
		}
		ok := true
		for k := 1; k < len(phrase); k++ {
			if t.words[i+k] != phrase[k] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// find reports the first phrase of list found in the text on word
// boundaries.
func find(norm string, list phrases) (lang, phrase string, ok bool) {
	return newText(norm).find(list)
}

func (t text) find(list phrases) (lang, phrase string, ok bool) {
	for _, l := range languages {
		for _, p := range list[l] {
			if t.has(strings.Fields(normaliseWords(p))) {
				return l, p, true
			}
		}
	}
	return "", "", false
}

// findPrefix reports the first word of list found at the start of a word
// of the text.
func (t text) findPrefix(list phrases) (lang, word string, ok bool) {
	for _, l := range languages {
		for _, w := range list[l] {
			ws := strings.Fields(normaliseWords(w))
			switch {
			case len(ws) > 1: // a phrase: whole words
				if t.has(ws) {
					return l, w, true
				}
			case len(ws) == 1:
				for _, x := range t.words {
					if strings.HasPrefix(x, ws[0]) {
						return l, w, true
					}
				}
			}
		}
	}
	return "", "", false
}

// normalise makes text comparable with the rules' phrases: " words "
// with one space before, between and after.
func normalise(s string) string {
	return " " + normaliseWords(s) + " "
}

// folds are the accented letters of the four languages, folded.
var folds = strings.NewReplacer(
	"ß", "ss", "ä", "a", "ö", "o", "ü", "u", "à", "a", "â", "a", "á", "a", "ç", "c",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "î", "i", "ï", "i", "í", "i", "ô", "o", "ó", "o",
	"ù", "u", "û", "u", "ú", "u", "ÿ", "y", "ñ", "n", "œ", "oe", "æ", "ae",
)

// normaliseWords lower-cases s, folds accents, and turns every run of
// characters other than letters, digits and '%' into one space.
func normaliseWords(s string) string {
	s = folds.Replace(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '%' {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// serviceOf names the service an address belongs to, "" for none.
func serviceOf(addr string) string {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	if !ok {
		return ""
	}
	for d, name := range services {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return name
		}
	}
	return ""
}

// companyFromServiceSender takes the company out of a service's sender: the
// display name without its team words ("Initech Talent" → "Initech",
// "Acme via Greenhouse" → "Acme"), else a local part that names one
// (initech@myworkday.com → "Initech").
func companyFromServiceSender(from mail.Address, service string) string {
	name := from.Name
	for _, sep := range []string{" via ", " (", " - ", " | ", " @ ", ": "} {
		if i := strings.Index(strings.ToLower(name), sep); i > 0 {
			name = name[:i]
		}
	}
	words := strings.Fields(name)
	for len(words) > 0 && teamWords[strings.ToLower(strings.Trim(words[len(words)-1], ",.;:"))] {
		words = words[:len(words)-1]
	}
	if len(words) > 0 && strings.EqualFold(words[0], "the") {
		words = words[1:]
	}
	name = strings.Join(words, " ")
	if name != "" && !strings.EqualFold(name, service) && !strings.ContainsRune(name, '@') {
		return name
	}
	local, _, _ := strings.Cut(strings.ToLower(from.Address), "@")
	local, _, _ = strings.Cut(local, "+")
	if local == "" || genericLocals[local] || strings.ContainsAny(local, ".0123456789") {
		return ""
	}
	r := []rune(local)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// companyInText finds the company a message names: "your application to
// Initech", "the role at Acme Corp", "Ihre Bewerbung bei Globex", "votre
// candidature chez Umbrella", "tu candidatura en Hooli".
var companyInText = regexp.MustCompile(`(?:\b(?:application|applying|interest|interview|position|role|job|opportunity|team|candidacy)\s+(?:to|with|at|in joining|in)|\bBewerbung\s+(?:bei|als\s+\S+\s+bei)|\b(?:chez|rejoindre)|\b(?:candidatura|entrevista|puesto)\s+(?:en|con|para))\s+((?:[A-Z][\p{L}0-9&'-]*)(?:[ \t]+[A-Z][\p{L}0-9&'-]*){0,2})`)

// companyFromText returns the first company companyInText finds, without a
// trailing full stop; "" when none.
func companyFromText(s string) string {
	if len(s) > maxScan {
		s = s[:maxScan]
	}
	m := companyInText.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	c := strings.TrimRight(m[1], ".,'")
	// A sentence may run on into the next capitalised word.
	for _, stop := range []string{" We", " I", " Unfortunately", " Leider", " Malheureusement", " Lamentablemente", " Thank"} {
		if i := strings.Index(c, stop); i > 0 {
			c = c[:i]
		}
	}
	return c
}
