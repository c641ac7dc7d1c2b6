package mailer

import (
	"fmt"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
)

// DigestInput is what the weekly digest is made from: the pipeline of
// applications, what falls due this week, and what waits on the employer.
type DigestInput struct {
	Owner        config.Owner
	Applications []DigestApplication
	// Due are the owner's follow-ups due in the coming week, in order.
	Due []DigestItem
	// Waiting are the applications waiting on the employer.
	Waiting []DigestItem
	Now     time.Time
	Thread  Thread
}

// DigestApplication is one application as the digest lists it.
type DigestApplication struct {
	Company, Position string
	// Stage is one of the stage names: "interviewing", "next_round",
	// "offer", "rejected", "checked_in", "no_response".
	Stage       string
	LastContact time.Time // zero: the employer has not written
	Next        string    // the next step, in words
}

// DigestItem is one line of a digest list: when and what.
type DigestItem struct {
	When time.Time
	What string
}

// stageOrder and stageNames are the pipeline's stages in order, as the
// digest names them.
var stageOrder = []string{"interviewing", "next_round", "offer", "checked_in", "no_response", "rejected"}

var stageNames = map[string]string{
	"interviewing": "Interviewing", "next_round": "Next round", "offer": "Offer",
	"checked_in": "Checked in", "no_response": "No response", "rejected": "Rejected",
}

// StageName is how the emails and the list name a stage.
func StageName(stage string) string {
	if n, ok := stageNames[stage]; ok {
		return n
	}
	return stage
}

type digestView struct {
	Week    string
	Bars    []digestBar
	Total   int
	Apps    []digestAppView
	Due     []digestItemView
	Waiting []digestItemView
	Footer  footer
}

type digestBar struct {
	Name  string
	Count int
	// Text is the bar in the text form (one block per application);
	// Width its length in pixels in the HTML table, Rest the remainder.
	Text        string
	Width, Rest int
	Color       string
}

type digestAppView struct {
	Company, Position, Stage, LastContact, Next string
}

type digestItemView struct{ When, What string }

// barColors colour the stages' bars (bgcolor, which mail clients keep).
var barColors = map[string]string{
	"interviewing": "#2563eb", "next_round": "#7c3aed", "offer": "#16a34a",
	"checked_in": "#d97706", "no_response": "#9ca3af", "rejected": "#dc2626",
}

// digestBarWidth is the HTML width of the longest bar, in pixels.
const digestBarWidth = 240

// Digest composes the weekly digest.
func Digest(in DigestInput) (Email, error) {
	loc := ownerZone(in.Owner)
	v := digestView{Week: shortDate(in.Now, loc), Footer: newFooter(in.Now, loc), Total: len(in.Applications)}
	counts := map[string]int{}
	for _, a := range in.Applications {
		counts[a.Stage]++
		company := line(a.Company, maxNameRunes)
		if company == "" {
			company = "(company not named)"
		}
		last := "not yet"
		if !a.LastContact.IsZero() {
			last = shortDate(a.LastContact, loc)
		}
		v.Apps = append(v.Apps, digestAppView{Company: company, Position: line(a.Position, maxNameRunes),
			Stage: StageName(a.Stage), LastContact: last, Next: line(a.Next, maxLineRunes)})
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	for _, s := range stageOrder {
		n := counts[s]
		b := digestBar{Name: StageName(s), Count: n, Text: strings.Repeat("#", n), Color: barColors[s]}
		if most > 0 {
			b.Width = n * digestBarWidth / most
		}
		if n > 0 && b.Width < 4 {
			b.Width = 4
		}
		b.Rest = digestBarWidth - b.Width
		v.Bars = append(v.Bars, b)
	}
	for _, d := range in.Due {
		v.Due = append(v.Due, digestItemView{When: longDate(d.When, loc) + ", " + d.When.In(loc).Format("15:04"), What: line(d.What, maxLineRunes)})
	}
	for _, w := range in.Waiting {
		when := "no word yet"
		if !w.When.IsZero() {
			when = "since " + shortDate(w.When, loc)
		}
		v.Waiting = append(v.Waiting, digestItemView{When: when, What: line(w.What, maxLineRunes)})
	}
	text, html, err := render("digest", v)
	if err != nil {
		return Email{}, fmt.Errorf("compose digest: %w", err)
	}
	e := envelope(in.Thread, in.Owner, "Your job search this week: "+fmt.Sprint(v.Total)+" applications", in.Now)
	if v.Total == 1 {
		e.Subject = "Your job search this week: 1 application"
	}
	e.Text, e.HTML = text, html
	return e, nil
}
