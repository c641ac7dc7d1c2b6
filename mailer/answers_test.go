package mailer

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Every answer template is a Sentence and every Sentence has its template.
func TestAnswerSentencesDefined(t *testing.T) {
	helpers := []string{"noun", "Noun", "state", "closed", "employer-kind"}
	var defined []string
	for _, tp := range textTemplates.Templates() {
		if name, ok := strings.CutPrefix(tp.Name(), "answer."); ok && !slices.Contains(helpers, name) {
			defined = append(defined, name)
		}
	}
	for _, s := range sentences {
		if !slices.Contains(defined, string(s)) {
			t.Errorf("sentence %q has no template answer.%s", s, s)
		}
	}
	for _, name := range defined {
		if !slices.Contains(sentences, Sentence(name)) {
			t.Errorf("template answer.%s is not in sentences", name)
		}
	}
}

// Every sentence, filled in each way that changes its words: the golden
// file is the list of what an answer can say.
func TestGoldenAnswerSentences(t *testing.T) {
	base := AnswerWords{Who: "Jane Doe at Acme Corp", Company: "Acme Corp", Person: "Jane Doe", Form: "Ms. Doe",
		When: "on Friday, March 6 at 09:00", At: "Friday, March 6 at 09:00", List: "Jane Doe at Acme Corp: offer", Count: 3}
	var variants []AnswerWords
	for _, v := range []struct{ kind, state, outcome string }{
		{"thank_you", "pending", ""}, {"thank_you", "sent", ""}, {"thank_you", "confirmed", ""},
		{"follow_up_call", "sending", ""}, {"follow_up_call", "confirmed", "called"},
		{"follow_up_call", "confirmed", "offer"}, {"follow_up_call", "confirmed", "no_offer"},
		{"follow_up_call", "", ""}, {"follow_up_call", "expired", ""},
		{"rejection", "", ""}, {"offer", "", ""}, {"next_round", "", ""}, {"scheduling", "", ""},
	} {
		w := base
		w.Kind, w.State, w.Outcome = v.kind, v.state, v.outcome
		variants = append(variants, w)
	}
	var b strings.Builder
	for _, s := range sentences {
		var seen []string
		for _, w := range variants {
			switch {
			case strings.HasPrefix(string(s), "register-"):
				w.Form = "formal"
			case s == SayUndoStage:
				w.Form = "interviewing"
			}
			got := Say(s, w)
			if got == string(s) || strings.TrimSpace(got) == "" || strings.Contains(got, "\n") {
				t.Errorf("sentence %s renders as %q", s, got)
			}
			if !slices.Contains(seen, got) {
				seen = append(seen, got)
				fmt.Fprintf(&b, "%s: %s\n", s, got)
			}
		}
	}
	checkGolden(t, "answers.txt", []byte(b.String()))
}

// The status answer is an acknowledgement whose lines are status sentences.
func TestGoldenStatusAnswer(t *testing.T) {
	w := AnswerWords{Kind: "thank_you", Who: "Jane Doe at Acme Corp", When: "on Friday, March 6 at 09:00"}
	lines := []string{Say(SayStatusOpen, w), Say(SayStatusPending, w)}
	w.Kind, w.Who, w.At = "follow_up_call", "John Roe at Initech", "Monday, March 2"
	lines = append(lines, Say(SayStatusWaiting, w))
	w.Who, w.Outcome = "Globex", "no_offer"
	lines = append(lines, Say(SayStatusOutcomes, AnswerWords{List: Say(SayStatusOutcome, w)}))
	e, err := Acknowledgement(AckInput{Owner: testOwner(t), Subject: "Re: Send a thank-you note today: Jane Doe at Acme Corp",
		Changed: strings.Join(lines, "\n"), Now: tyNow, Thread: testThread("status")})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "ack-status.txt", []byte(e.Text))
	checkGolden(t, "ack-status.html", []byte(e.HTML))
}
