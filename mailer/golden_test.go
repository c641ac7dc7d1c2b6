package mailer

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// checkGolden compares got with testdata/golden/name, or rewrites it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./mailer -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./mailer -update and review the diff\n--- got ---\n%s", name, got)
	}
}

// goldenCase is one interview the emails are rendered for.
type goldenCase struct {
	name      string
	iv        interview.Interview
	owner     func(*testing.T) config.Owner
	formality config.Formality
	notes     string
	others    []interview.Interview
	drafts    string
	// late shifts both emails this long after their usual time: an
	// interview found (or a daemon back) days after it took place.
	late time.Duration
}

func goldenCases() []goldenCase {
	return []goldenCase{
		{name: "casual-known-honorific-notes", iv: acme(), owner: testOwner, formality: config.Casual,
			notes: acmeNotes, others: otherOpen(), drafts: "Drafts"},
		{name: "formal-unknown-honorific-no-notes", iv: initrode(), owner: testOwner, formality: config.Formal},
		{name: "panel-of-two", iv: globexPanel(), owner: testOwner, formality: config.Casual,
			notes: panelNotes, others: []interview.Interview{acme()}},
		{name: "formal-panel", iv: globexPanel(), owner: testOwner, formality: config.Formal, notes: acmeNotes},
		{name: "bare-event-bare-owner", iv: bare(), owner: bareOwner},
		{name: "found-six-days-late", iv: acme(), owner: testOwner, formality: config.Casual,
			notes: acmeNotes, drafts: "Drafts", late: 6 * 24 * time.Hour},
	}
}

func (c goldenCase) thankYouInput(t *testing.T) ThankYouInput {
	return ThankYouInput{Interview: c.iv, Owner: c.owner(t), Formality: c.formality, Notes: c.notes,
		DraftsFolder: c.drafts, Now: tyNow.Add(c.late), Thread: testThread("ty-" + c.name)}
}

func (c goldenCase) callInput(t *testing.T) CallInput {
	th := testThread("call-" + c.name)
	th.InReplyTo = "ty-" + c.name + "@followupd.example.org"
	return CallInput{Interview: c.iv, Owner: c.owner(t), Notes: c.notes, Others: c.others,
		Slot: slot.Add(c.late), Now: callNow.Add(c.late), Thread: th}
}

func TestGoldenEmails(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			ty, err := ThankYou(c.thankYouInput(t))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".thankyou.txt", []byte(ty.Text))
			checkGolden(t, c.name+".thankyou.html", []byte(ty.HTML))
			call, err := FollowUpCall(c.callInput(t))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".call.txt", []byte(call.Text))
			checkGolden(t, c.name+".call.html", []byte(call.HTML))
		})
	}
}

func TestGoldenMessages(t *testing.T) {
	c := goldenCases()[0]
	call, err := FollowUpCall(c.callInput(t))
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := Drafts(c.thankYouInput(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range map[string]Email{"call.eml": call, "draft.eml": drafts[0]} {
		b, err := e.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, c.name+"."+name, normalizeBoundaries(b))
	}
	// The drafts placed in the Drafts folder, as the interviewers would get
	// them: an unknown honorific, and a panel.
	for _, c := range goldenCases()[1:3] {
		drafts, err := Drafts(c.thankYouInput(t))
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range drafts {
			b, err := e.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, fmt.Sprintf("%s.draft%d.eml", c.name, i+1), normalizeBoundaries(b))
		}
	}
}

func TestGoldenNotices(t *testing.T) {
	owner := testOwner(t)
	for _, n := range []struct {
		kind     interview.ReminderKind
		n, limit int
	}{
		{interview.ThankYou, 1, 3}, {interview.ThankYou, 2, 3}, {interview.ThankYou, 3, 3},
		{interview.FollowUpCall, 1, 2}, {interview.FollowUpCall, 2, 2},
	} {
		e, err := Nudge(NudgeInput{Interview: acme(), Owner: owner, Kind: n.kind, N: n.n, Limit: n.limit,
			Now: tyNow, Thread: testThread("nudge")})
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("nudge-%s-%d-of-%d", n.kind, n.n, n.limit)
		checkGolden(t, name+".txt", []byte(e.Text))
		checkGolden(t, name+".html", []byte(e.HTML))
	}
	ack, err := Acknowledgement(AckInput{Owner: owner, Subject: "Send a thank-you note today: Jane Doe at Acme Corp",
		Changed: "The thank-you note to Jane Doe at Acme Corp is marked sent.",
		Next:    "The follow-up call outline comes on Friday, March 6 at 09:00.",
		Now:     tyNow, Thread: testThread("ack")})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "ack.txt", []byte(ack.Text))
	checkGolden(t, "ack.html", []byte(ack.HTML))
	help, err := Help(HelpInput{Owner: owner, Subject: "Re: Send a thank-you note today: Jane Doe at Acme Corp",
		Line: "snooze for a bit", Hint: "snooze needs a duration such as 3h, 2d or 1bd, or until a date",
		Now: tyNow, Thread: testThread("help")})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "help-unknown.txt", []byte(help.Text))
	checkGolden(t, "help-unknown.html", []byte(help.HTML))
}

var boundaryRE = regexp.MustCompile(`boundary=([0-9A-Za-z'()+_,\-./:=?]+)`)

// normalizeBoundaries replaces go-mail's random MIME boundaries with fixed
// names, in order of appearance.
func normalizeBoundaries(b []byte) []byte {
	for i, m := range boundaryRE.FindAllSubmatch(b, -1) {
		b = bytes.ReplaceAll(b, m[1], []byte(fmt.Sprintf("BOUNDARY-%d", i+1)))
	}
	return b
}
