package mailer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// anonymize takes each interviewer's names out of a draft, so that what is
// left is what the drafts say beyond them.
func anonymize(s string, ivs []interview.Interviewer) string {
	for _, iv := range ivs {
		for _, w := range strings.Fields(iv.Name) {
			s = strings.ReplaceAll(s, w, "NAME")
		}
		if iv.Honorific != interview.NoHonorific {
			s = strings.ReplaceAll(s, string(iv.Honorific), "HON")
		}
	}
	return strings.ReplaceAll(s, "Mr./Ms.", "HON")
}

func TestPanelDraftsDifferBeyondNames(t *testing.T) {
	for _, c := range []struct {
		name  string
		notes string
		desc  string
	}{
		{"notes name each", panelNotes, globexPanel().Description},
		{"no notes, no description", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			iv := globexPanel()
			iv.Description = c.desc
			in := ThankYouInput{Interview: iv, Owner: testOwner(t), Notes: c.notes, Now: tyNow, Thread: testThread("p")}
			drafts, err := Drafts(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(drafts) != 2 {
				t.Fatalf("%d drafts for a panel of two", len(drafts))
			}
			a, b := anonymize(drafts[0].Text, iv.Interviewers), anonymize(drafts[1].Text, iv.Interviewers)
			if a == b {
				t.Fatalf("the drafts differ only in the names:\n%s", a)
			}
			// Not one changed word: the opening, the strengths and the
			// closing differ.
			for i, part := range []func(string) string{paragraph(1), paragraph(2), paragraph(3)} {
				if part(a) == part(b) {
					t.Errorf("paragraph %d is the same in both drafts: %q", i+2, part(a))
				}
			}
			for _, d := range drafts {
				if !strings.Contains(d.Text, "\nSincerely,\n") {
					t.Errorf("draft to %s lost its Sincerely", d.To.Name)
				}
			}
			ty, err := ThankYou(in)
			if err != nil {
				t.Fatal(err)
			}
			text := squash(ty.Text, false)
			if n := strings.Count(text, "what sets this note apart:"); n != 2 {
				t.Errorf("the email says what sets each note apart %d times, want 2", n)
			}
			if c.notes == "" {
				return
			}
			for i, want := range []struct{ asked, role, not string }{
				{"how I mentor junior engineers", "Engineering Manager", "on-call experience"},
				{"my on-call experience", "Platform Tech Lead", "mentor"},
			} {
				d := squash(drafts[i].Text, false)
				if !strings.Contains(d, strings.ToLower("asked about "+want.asked)) {
					t.Errorf("draft %d does not mention what they asked about (%q):\n%s", i+1, want.asked, drafts[i].Text)
				}
				if !strings.Contains(d, strings.ToLower("perspective as "+want.role)) {
					t.Errorf("draft %d does not mention their role %q", i+1, want.role)
				}
				if strings.Contains(d, want.not) {
					t.Errorf("draft %d mentions the other interviewer's question (%q)", i+1, want.not)
				}
			}
			if !strings.Contains(text, "their question about your on-call experience, their role (platform tech lead)") {
				t.Errorf("the email does not say what sets Sam Okafor's note apart:\n%s", ty.Text)
			}
		})
	}
}

// paragraph returns the nth (0-based) blank-line separated paragraph.
func paragraph(n int) func(string) string {
	return func(s string) string {
		ps := strings.Split(s, "\n\n")
		if n < len(ps) {
			return ps[n]
		}
		return ""
	}
}

func TestLateThankYouWording(t *testing.T) {
	for _, c := range []struct {
		after time.Duration // since the interview ended
		late  string        // "" when the email is on time
	}{
		{time.Hour, ""},
		{23 * time.Hour, ""},
		{25 * time.Hour, "yesterday"},
		{6*24*time.Hour + 2*time.Hour, "6 days ago"},
	} {
		now := ivEnd.Add(c.after)
		e, err := ThankYou(ThankYouInput{Interview: acme(), Owner: testOwner(t), Notes: acmeNotes, Now: now, Thread: testThread("l")})
		if err != nil {
			t.Fatal(err)
		}
		drafts, err := Drafts(ThankYouInput{Interview: acme(), Owner: testOwner(t), Now: now, Thread: testThread("l")})
		if err != nil {
			t.Fatal(err)
		}
		for i, body := range []string{squash(e.Text, false), squash(e.HTML, true)} {
			fresh := strings.Contains(body, "while the conversation is still fresh")
			helps := strings.Contains(body, "a short note now still helps")
			if c.late == "" && (!fresh || helps) {
				t.Errorf("%v after: form %d is worded as late", c.after, i)
			}
			if c.late != "" && (fresh || !helps || !strings.Contains(body, "was "+c.late)) {
				t.Errorf("%v after: form %d does not say it is late (%q):\n%s", c.after, i, c.late, body)
			}
		}
		belated := strings.Contains(drafts[0].Text, "belatedly")
		if belated != (c.late != "") {
			t.Errorf("%v after: the draft says it is belated = %v", c.after, belated)
		}
	}
}

func TestUnknownHonorificDraftIsSendable(t *testing.T) {
	iv := initrode() // Jordan Lee, no honorific
	for _, f := range []config.Formality{config.Casual, config.Formal} {
		in := ThankYouInput{Interview: iv, Owner: testOwner(t), Formality: f, Now: tyNow, Thread: testThread("h")}
		drafts, err := Drafts(in)
		if err != nil {
			t.Fatal(err)
		}
		d := drafts[0].Text
		if !strings.HasPrefix(d, "Dear Jordan Lee,\n") || strings.Contains(d, "Mr./Ms.") || strings.Contains(d, "[") {
			t.Errorf("%s: the draft placed in Drafts is not sendable as it is:\n%s", f, d)
		}
		views, err := thankYouDrafts(in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(views[0].Mailto, "body=Dear%20Jordan%20Lee%2C") {
			t.Errorf("%s: the mailto: draft does not open with the full name", f)
		}
		e, err := ThankYou(in)
		if err != nil {
			t.Fatal(err)
		}
		text := squash(e.Text, false)
		if !strings.Contains(text, `"dear jordan lee,", which is correct as it stands`) || !strings.Contains(text, "reply mr, ms, mrs or dr") {
			t.Errorf("%s: the email does not explain the salutation and offer the choice:\n%s", f, e.Text)
		}
		if f == config.Formal && !strings.Contains(views[0].Letter, "\nDear Mr./Ms. Lee,\n") {
			t.Errorf("the letter, completed by hand, still asks for the choice:\n%s", views[0].Letter)
		}
	}
}

func TestCallPointsOnlyFromTheOwner(t *testing.T) {
	iv := acme()
	iv.Description = "Hi Alex, looking forward to speaking with you!\nPhone: +1 555 0142\nJoin: https://meet.example.com/x"
	iv.Summary = "Interview with Jane Doe (Acme Corp)"
	for _, c := range []struct {
		name  string
		owner func(*testing.T) config.Owner
		notes string
		want  []string
	}{
		{"notes", testOwner, "they need a seventh on call", []string{"- they need a seventh on call"}},
		{"attributes", testOwner, "", []string{"here are the strengths from your settings", "- ten years of building payment systems", `"notes:"`}},
		{"nothing", bareOwner, "", []string{`reply to this email with "notes:" and a line for each`}},
	} {
		e, err := FollowUpCall(CallInput{Interview: iv, Owner: c.owner(t), Notes: c.notes, Slot: slot, Now: callNow, Thread: testThread("c")})
		if err != nil {
			t.Fatal(err)
		}
		_, points, _ := strings.Cut(e.Text, "2. Your salient points")
		points, _, _ = strings.Cut(points, "3. Why you")
		for _, bad := range []string{"looking forward", "Hi Alex", "Phone:", "Interview with"} {
			if strings.Contains(points, bad) || strings.Contains(squash(e.HTML, true), strings.ToLower(bad)) && bad != "Phone:" {
				t.Errorf("%s: the points carry the invitation's text %q:\n%s", c.name, bad, points)
			}
		}
		flat := strings.Join(strings.Fields(points), " ")
		for _, w := range c.want {
			if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s: the points lack %q:\n%s", c.name, w, points)
			}
		}
	}
}

func TestWrapText(t *testing.T) {
	long := "word " + strings.Repeat("lorem ipsum dolor ", 10)
	link := "mailto:" + strings.Repeat("x", 120)
	in := strings.Join([]string{
		long,
		"   - " + long,
		"Company:      " + long,
		link,
		"-- ",
	}, "\n")
	out := wrapText(in, textWidth)
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > textWidth && l != link {
			t.Errorf("line of %d runes: %q", n, l)
		}
	}
	if strings.Join(strings.Fields(out), " ") != strings.Join(strings.Fields(in), " ") {
		t.Error("wrapping changed the words")
	}
	for _, want := range []string{"\n     dolor", "\n              lorem", "\n" + link + "\n", "\n-- "} {
		if !strings.Contains(out, want) {
			t.Errorf("wrapped text lacks %q:\n%s", want, out)
		}
	}
}

func TestInlineStyles(t *testing.T) {
	doc := `<html><head><style>
p { margin: 0 0 12px; }
.note { padding: 4px; }
p.note { color: red; }
.box p { margin: 0; }
@media (prefers-color-scheme: dark) { p { color: white !important; } }
</style></head><body><p>a</p><p class="note" style="color: blue">b</p><div class="box"><p>c</p></div><br></body></html>`
	got, err := inlineStyles(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<p style="margin: 0 0 12px">a</p>`,
		// Cascade: element, class, element+class, then the element's own.
		`<p class="note" style="margin: 0 0 12px; padding: 4px; color: red; color: blue">b</p>`,
		`<div class="box"><p style="margin: 0 0 12px; margin: 0">c</p></div><br>`,
		"@media (prefers-color-scheme: dark) { p { color: white !important; } }",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("inlined document lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "white") != 1 {
		t.Error("a rule inside @media was inlined")
	}
	if _, err := inlineStyles(`<style>#id > p { x: y }</style><body></body>`); err == nil {
		t.Error("an unsupported selector was accepted")
	}
}

// Every HTML email carries its styles on the elements too.
func TestEveryHTMLEmailIsInlined(t *testing.T) {
	for _, c := range goldenCases() {
		ty, err := ThankYou(c.thankYouInput(t))
		if err != nil {
			t.Fatal(err)
		}
		call, err := FollowUpCall(c.callInput(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{ty.HTML, call.HTML} {
			body := h[strings.Index(h, "<body"):]
			if strings.Contains(body, "<p>") || strings.Contains(body, "<h2>") || strings.Contains(body, `<div class="draft">`) {
				t.Errorf("%s: an element without its inlined style", c.name)
			}
			if !strings.Contains(h, "<style>") || !strings.Contains(h, "prefers-color-scheme: dark") {
				t.Errorf("%s: the <style> block (with its dark-mode rules) is gone", c.name)
			}
		}
	}
}

// BenchmarkThankYouPanel composes the panel's thank-you email: two drafts,
// both forms, the styles inlined.
func BenchmarkThankYouPanel(b *testing.B) {
	owner := config.Owner{Name: "Alex Morgan", Email: "alex.morgan@example.org", Location: time.UTC,
		Attributes: []string{"ten years of building payment systems", "calm under incident pressure"}}
	in := ThankYouInput{Interview: globexPanel(), Owner: owner, Formality: config.Formal, Notes: panelNotes,
		Now: tyNow, Thread: testThread("bench")}
	for b.Loop() {
		if _, err := ThankYou(in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRoleIsNotAnotherName(t *testing.T) {
	iv := globexPanel()
	iv.Description = "Panel: Priya Raman, Sam Okafor"
	drafts, err := Drafts(ThankYouInput{Interview: iv, Owner: testOwner(t), Now: tyNow, Thread: testThread("r")})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drafts {
		if strings.Contains(d.Text, "perspective as") {
			t.Errorf("a list of names was taken for a role:\n%s", d.Text)
		}
	}
}
