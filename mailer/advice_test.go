package mailer

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/followupd/followupd/config"
)

// adviceCarried lists every piece of advice in
// shared/seed/interview-follow-up-advice.txt and the phrase, in followupd's
// own words, that carries it. The test fails when a template edit drops one,
// from the text or from the HTML form.
var adviceCarried = []struct {
	advice string
	email  string // "thankyou" (both forms), "casual", "formal", "draft" or "call"
	phrase string
}{
	{"follow-up shows enthusiasm for the job and seriousness about the opening", "thankyou",
		"shows how keen you are on the job and that you take this opening seriously"},
	{"send a quick thank-you note right after the interview", "thankyou",
		"send jane doe a short thank-you note today"},
	{"thanking for their time is courteous and keeps you remembered during selection", "thankyou",
		"thanking them for their time is a courtesy they notice, and it helps them remember you while they choose among the candidates"},
	{"mail or email, whichever suits the company", "casual",
		"and you will get the note as a letter on good paper instead"},
	{"a formal company gets a note on good paper, handwritten or a printed letter", "formal",
		"send a letter on good paper rather than an email: write it out by hand, or print it and sign it"},
	{"an email will do for a less formal company", "casual",
		"is not set as formal, so an email is enough"},
	{"keep the note professional and respectful, address the interviewer as Mr. or Ms.", "thankyou",
		"keep it courteous and businesslike: mr. or ms. before the interviewer's last name"},
	{"end the note with Sincerely", "thankyou", `"sincerely," above your name at the end`},
	{"the draft itself ends with Sincerely", "draft", "sincerely,\nalex morgan"},
	{"let a few days pass, then call", "call", "a few days have passed since the interview, so now is the time for a short call"},
	{"ask to speak to the interviewer", "call", "ask to speak to ms. doe"},
	{"stay fresh in the interviewer's mind", "call", "it keeps you front of mind with the interviewer"},
	{"keep it brief but summarize the salient points of the interview", "call",
		"a quick summary of the main points you made in the interview"},
	{"emphasize your top attributes", "call", "your top attributes: ten years of building payment systems"},
	{"emphasize the value you will add", "call", "the value you bring: i can take the reconciliation backlog"},
	{"emphasize your unique characteristics", "call", "what makes you unique: i have run both"},
	{"an unprepared call does more harm than good; keep the positive impression", "call",
		"an unprepared call can do more harm than good and undo the good impression the interview left"},
	{"remind yourself of the talking points; do not confuse this employer with another", "call",
		"go over the points you made in the interview, and make sure it is this employer you have in mind, not another company you are talking to"},
	{"the other employers are named apart", "call", "do not mix them up: this call is about acme corp only"},
	{"write an outline of areas to cover and let it guide the conversation", "call",
		"keep this outline in front of you and let it guide the call"},
	{"take notes on what the employer says", "call", "you will want notes of what they tell you"},
	{"room for those notes", "call", "notes from the call"},
	{"be prepared for any outcome", "call", "be ready for either outcome"},
	{"on an offer, ask about salary, benefits, start date and so on", "call",
		"ask what you need to know: salary, benefits, start date, plus anything else that matters to you"},
	{"do not accept yet: thank them, ask for a few days, so it is right for both sides", "call",
		"do not accept on the call. thank them, and ask for a few days to think it over, so that both you and they can be sure it is the right step"},
	{"no offer: do not keep them on the phone hoping to convince them", "call",
		"do not try to talk them round or keep them on the line"},
	{"stick to your main points and keep it brief", "call", "keep to the points that matter most and keep the call short"},
	{"the call lasts no more than about five minutes", "call", "the plan: five minutes at most"},
	{"you already stated your case; remind them of your best qualities", "call",
		"you made your case in the interview; this call only reminds them of your best qualities"},
	{"dragging it on may irritate", "call", "dragging it out can irritate"},
	{"state points clearly, be cordial and friendly, thank them at the end", "call",
		"state your points clearly, stay friendly and cordial, and thank them for their time"},
	{"sticking with this system keeps a favorable impression after the interview", "thankyou",
		"together, today's note and that call keep the good impression alive well after the interview"},
}

func TestAdviceIsCarried(t *testing.T) {
	owner := testOwner(t)
	casual, err := ThankYou(ThankYouInput{Interview: acme(), Owner: owner, Formality: config.Casual, Now: tyNow, Thread: testThread("a")})
	if err != nil {
		t.Fatal(err)
	}
	formal, err := ThankYou(ThankYouInput{Interview: acme(), Owner: owner, Formality: config.Formal, Now: tyNow, Thread: testThread("b")})
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := Drafts(ThankYouInput{Interview: acme(), Owner: owner, Now: tyNow, Thread: testThread("c")})
	if err != nil {
		t.Fatal(err)
	}
	call, err := FollowUpCall(CallInput{Interview: acme(), Owner: owner, Notes: acmeNotes, Others: otherOpen(),
		Slot: slot, Now: callNow, Thread: testThread("d")})
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string][]string{
		"casual":   {casual.Text, casual.HTML},
		"formal":   {formal.Text, formal.HTML},
		"thankyou": {casual.Text, casual.HTML, formal.Text, formal.HTML},
		"draft":    {drafts[0].Text},
		"call":     {call.Text, call.HTML},
	}
	for _, a := range adviceCarried {
		bodies, ok := forms[a.email]
		if !ok {
			t.Fatalf("advice %q: unknown email %q", a.advice, a.email)
		}
		for i, b := range bodies {
			if a.email != "draft" {
				b = squash(b, i%2 == 1)
			} else {
				b = strings.ToLower(b)
			}
			if !strings.Contains(b, a.phrase) {
				t.Errorf("advice %q is no longer carried: the %s email (form %d) lacks %q", a.advice, a.email, i, a.phrase)
			}
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// squash reduces a body to lower-case words separated by single spaces; for
// HTML, the visible text with typographic quotes made plain.
func squash(s string, isHTML bool) string {
	if isHTML {
		s = html.UnescapeString(tags.ReplaceAllString(s, " "))
		s = strings.NewReplacer("’", "'", "“", `"`, "”", `"`).Replace(s)
	}
	s = strings.Join(strings.Fields(s), " ")
	// Drop the space that tag removal leaves before punctuation.
	s = strings.NewReplacer(" ,", ",", " .", ".", " :", ":", " ;", ";").Replace(s)
	return strings.ToLower(s)
}
