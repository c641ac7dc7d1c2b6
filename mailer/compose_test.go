package mailer

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"
	"github.com/followupd/followupd/interview"
)

// parse renders e and reads it back with net/mail.
func parse(t *testing.T, e Email) *mail.Message {
	t.Helper()
	b, err := e.Bytes()
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse rendered message: %v\n%s", err, b)
	}
	return m
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode header %q: %v", v, err)
	}
	return s
}

func TestHTMLEscapesOutsideData(t *testing.T) {
	iv := acme()
	iv.Company = `"Doe & Sons"`
	iv.Position = "<b>Engineer</b>"
	iv.Interviewers = []interview.Interviewer{{Name: "<script>alert(1)</script> Doe", Email: "x@doe.example"}}
	notes := "<img src=x onerror=alert(2)>"
	owner := testOwner(t)
	ty, err := ThankYou(ThankYouInput{Interview: iv, Owner: owner, Notes: notes, Now: tyNow, Thread: testThread("x")})
	if err != nil {
		t.Fatal(err)
	}
	call, err := FollowUpCall(CallInput{Interview: iv, Owner: owner, Notes: notes, Slot: slot, Now: callNow, Thread: testThread("y")})
	if err != nil {
		t.Fatal(err)
	}
	nudge, err := Nudge(NudgeInput{Interview: iv, Owner: owner, Kind: interview.ThankYou, N: 1, Limit: 2, Now: tyNow, Thread: testThread("z")})
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]string{"thank-you": ty.HTML, "call": call.HTML, "nudge": nudge.HTML} {
		for _, bad := range []string{"<script", "<img", "<b>Engineer", `"Doe & Sons"`} {
			if strings.Contains(h, bad) {
				t.Errorf("%s HTML contains unescaped %q", name, bad)
			}
		}
		if !strings.Contains(h, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s HTML lacks the escaped name", name)
		}
		if !strings.Contains(h, "&#34;Doe &amp; Sons&#34;") {
			t.Errorf("%s HTML lacks the escaped company", name)
		}
	}
	// The text form keeps the characters as they are: it is not HTML.
	if !strings.Contains(ty.Text, `"Doe & Sons"`) {
		t.Error("text form lost the company name")
	}
}

func TestNoHeaderInjection(t *testing.T) {
	iv := acme()
	iv.Company = "Acme\r\nBcc: victim@example.com\r\nX-Injected: 1"
	iv.Summary = "Interview\nSubject: pwned"
	iv.Interviewers = []interview.Interviewer{{Name: "Jane\r\nCc: evil@example.com\r\n\r\nbody", Email: "jane.doe@acme.example"}}
	long := acme()
	long.Company = strings.Repeat("Very Long Company Name ", 40)
	owner := testOwner(t)
	owner.Name = "Alex\r\nReply-To: evil@example.com"
	th := testThread("inj")
	th.InReplyTo = "parent@x\r\nX-Evil: 1"
	th.References = []string{"root@x> <a@b\r\nX-Evil2: 1"}

	injected, err := ThankYou(ThankYouInput{Interview: iv, Owner: owner, Now: tyNow, Thread: th})
	if err != nil {
		t.Fatal(err)
	}
	longCall, err := FollowUpCall(CallInput{Interview: long, Owner: owner, Slot: slot, Now: callNow, Thread: testThread("long")})
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := Drafts(ThankYouInput{Interview: iv, Owner: owner, Now: tyNow, Thread: th})
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range map[string]Email{"thank-you": injected, "long call": longCall, "draft": drafts[0]} {
		m := parse(t, e)
		for _, h := range []string{"Bcc", "Cc", "Reply-To", "X-Injected", "X-Evil", "X-Evil2"} {
			if v, ok := m.Header[h]; ok {
				t.Errorf("%s: injected header %s: %q", name, h, v)
			}
		}
		subject := decodeHeader(t, m.Header.Get("Subject"))
		if n := utf8.RuneCountInString(subject); n > maxSubjectRunes {
			t.Errorf("%s: subject has %d runes, more than %d", name, n, maxSubjectRunes)
		}
		if strings.ContainsAny(subject, "\r\n") {
			t.Errorf("%s: subject has a line break: %q", name, subject)
		}
		for _, field := range []string{"To", "From"} {
			addrs, err := m.Header.AddressList(field)
			if err != nil || len(addrs) != 1 {
				t.Errorf("%s: %s does not parse as one address: %v %v", name, field, addrs, err)
			}
		}
	}
	m := parse(t, injected)
	if got := m.Header.Get("In-Reply-To"); got != "<parent@xX-Evil:1>" {
		t.Errorf("In-Reply-To = %q", got)
	}
	if got := decodeHeader(t, m.Header.Get("Subject")); !strings.Contains(got, "Acme Bcc: victim@example.com X-Injected: 1") {
		t.Errorf("subject = %q, want the line breaks turned into spaces", got)
	}
}

func TestThreadingAndAutoSubmitted(t *testing.T) {
	th := testThread("child")
	th.InReplyTo = "parent@followupd.example.org"
	th.References = []string{"root@followupd.example.org", "parent@followupd.example.org"}
	th.To = mail.Address{Name: "Alex (personal)", Address: "alex@example.net"}
	e, err := Nudge(NudgeInput{Interview: acme(), Owner: testOwner(t), Kind: interview.ThankYou, N: 1, Limit: 2, Now: tyNow, Thread: th})
	if err != nil {
		t.Fatal(err)
	}
	m := parse(t, e)
	for h, want := range map[string]string{
		"Message-Id":               "<child@followupd.example.org>",
		"In-Reply-To":              "<parent@followupd.example.org>",
		"References":               "<root@followupd.example.org> <parent@followupd.example.org>",
		"Auto-Submitted":           "auto-generated",
		"X-Auto-Response-Suppress": "All",
		"Date":                     "Tue, 03 Mar 2026 12:05:00 -0500",
		"Subject":                  "Re: Send a thank-you note today: Jane Doe at Acme Corp",
	} {
		if got := strings.Join(strings.Fields(m.Header.Get(h)), " "); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if to, _ := m.Header.AddressList("To"); len(to) != 1 || to[0].Address != "alex@example.net" {
		t.Errorf("To = %v, want the thread's To", to)
	}

	// References defaults to In-Reply-To alone.
	th.References = nil
	e.InReplyTo, e.References = th.InReplyTo, nil
	if got := parse(t, e).Header.Get("References"); got != "<parent@followupd.example.org>" {
		t.Errorf("References without a list = %q", got)
	}

	// A draft is the owner's own message: no Auto-Submitted, from the owner to the interviewer.
	drafts, err := Drafts(ThankYouInput{Interview: globexPanel(), Owner: testOwner(t), Now: tyNow, Thread: testThread("ty")})
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 2 {
		t.Fatalf("got %d drafts for a panel of two", len(drafts))
	}
	for i, want := range []string{"priya@globex.example", "sam.okafor@globex.example"} {
		m := parse(t, drafts[i])
		if _, ok := m.Header["Auto-Submitted"]; ok {
			t.Errorf("draft %d is marked Auto-Submitted", i)
		}
		to, _ := m.Header.AddressList("To")
		from, _ := m.Header.AddressList("From")
		if len(to) != 1 || to[0].Address != want || len(from) != 1 || from[0].Address != "alex.morgan@example.org" {
			t.Errorf("draft %d: From %v To %v", i, from, to)
		}
		if got, want := m.Header.Get("Message-Id"), "<ty.draft"+string(rune('1'+i))+"@followupd.example.org>"; got != want {
			t.Errorf("draft %d Message-ID = %q, want %q", i, got, want)
		}
		if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("draft %d Content-Type = %q, want text/plain", i, ct)
		}
	}
	if !strings.HasPrefix(drafts[0].Text, "Dear Dr. Raman,") || !strings.HasPrefix(drafts[1].Text, "Dear Sam Okafor,") {
		t.Errorf("salutations: %q / %q", firstLine(drafts[0].Text), firstLine(drafts[1].Text))
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func TestSalutation(t *testing.T) {
	for _, c := range []struct {
		iv   interview.Interviewer
		want string
		ask  bool
	}{
		{interview.Interviewer{Name: "Jane Doe", Honorific: interview.Ms}, "Dear Ms. Doe,", false},
		{interview.Interviewer{Name: "Jane Doe", Honorific: interview.Mrs}, "Dear Mrs. Doe,", false},
		// Unknown honorific: the full name, correct as it stands; the
		// email still offers the owner the choice.
		{interview.Interviewer{Name: "Jane Doe"}, "Dear Jane Doe,", true},
		{interview.Interviewer{Email: "jdoe@acme.example"}, "Dear Mr./Ms. [last name],", true},
	} {
		iv := acme()
		iv.Interviewers = []interview.Interviewer{c.iv}
		e, err := ThankYou(ThankYouInput{Interview: iv, Owner: testOwner(t), Now: tyNow, Thread: testThread("s")})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.Text, "\n"+c.want+"\n") {
			t.Errorf("%+v: draft lacks %q", c.iv, c.want)
		}
		if asks := strings.Contains(squash(e.Text, false), "reply mr, ms, mrs or dr"); asks != c.ask {
			t.Errorf("%+v: asks the owner to choose = %v, want %v", c.iv, asks, c.ask)
		}
	}
}

func TestMailtoDecodes(t *testing.T) {
	iv := acme()
	iv.Interviewers[0].Email = "jane+hiring@acme.example"
	in := ThankYouInput{Interview: iv, Owner: testOwner(t), Notes: "Q&A on pay=fair? 100% yes #1", Now: tyNow, Thread: testThread("m")}
	views, err := thankYouDrafts(in)
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := Drafts(in)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(views[0].Mailto)
	if err != nil {
		t.Fatalf("parse mailto: %v", err)
	}
	if u.Scheme != "mailto" {
		t.Errorf("scheme = %q", u.Scheme)
	}
	if to, err := url.PathUnescape(u.Opaque); err != nil || to != "jane+hiring@acme.example" {
		t.Errorf("recipient = %q (%v)", to, err)
	}
	q := u.Query()
	if got := q.Get("subject"); got != drafts[0].Subject || got != "Thank you – Backend Engineer interview on Tuesday, March 3" {
		t.Errorf("subject = %q, draft subject %q", got, drafts[0].Subject)
	}
	body := q.Get("body")
	if want := strings.ReplaceAll(strings.TrimRight(drafts[0].Text, "\n"), "\n", "\r\n"); body != want {
		t.Errorf("body = %q\nwant %q", body, want)
	}
	if !strings.Contains(body, "Q&A on pay=fair? 100% yes #1") {
		t.Error("body lost the note's special characters")
	}
	if strings.Contains(views[0].Mailto, "+") || strings.Contains(views[0].Mailto, " ") {
		t.Error("mailto has a raw '+' or space, which clients read differently")
	}
}

func TestCallSlotICS(t *testing.T) {
	e, err := FollowUpCall(CallInput{Interview: acme(), Owner: testOwner(t), Slot: slot, Now: callNow, Thread: testThread("ics")})
	if err != nil {
		t.Fatal(err)
	}
	// Find the attachment in the rendered message, as a mail client would.
	m := parse(t, e)
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("top Content-Type %q (%v)", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var ics []byte
	var icsType string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/calendar") {
			icsType = p.Header.Get("Content-Type")
			raw, _ := io.ReadAll(p)
			ics = decodeBase64(t, raw)
		}
	}
	if _, ps, _ := mime.ParseMediaType(icsType); ps["method"] != "PUBLISH" {
		t.Errorf("attachment Content-Type %q lacks method=PUBLISH", icsType)
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(ics), "\r\n"), "\r\n") {
		if strings.Contains(l, "\n") || len(l) > 75 {
			t.Errorf("line %d is not a folded CRLF line: %q", i, l)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(ics)).Decode()
	if err != nil {
		t.Fatalf("decode .ics: %v\n%s", err, ics)
	}
	if v, _ := cal.Props.Text(ical.PropMethod); v != "PUBLISH" {
		t.Errorf("METHOD = %q", v)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	start, err1 := evs[0].DateTimeStart(time.UTC)
	end, err2 := evs[0].DateTimeEnd(time.UTC)
	if err1 != nil || err2 != nil || !start.Equal(slot) || end.Sub(start) != 15*time.Minute {
		t.Errorf("slot %v–%v (%v, %v), want 15 minutes at %v", start, end, err1, err2, slot)
	}
	if s, _ := evs[0].Props.Text(ical.PropSummary); s != "Follow-up call: Jane Doe at Acme Corp" {
		t.Errorf("SUMMARY = %q", s)
	}
	if d, _ := evs[0].Props.Text(ical.PropDescription); !strings.Contains(d, "Phone: +1 555 0142") {
		t.Errorf("DESCRIPTION = %q, want the phone", d)
	}
	uid, _ := evs[0].Props.Text(ical.PropUID)
	again, _ := callSlotICS(acme(), callView{}, slot.Add(time.Hour), callNow)
	if !bytes.Contains(again, []byte("UID:"+uid+"\r\n")) {
		t.Error("the UID changes with the slot; a moved call would be a second event")
	}
}

func decodeBase64(t *testing.T, raw []byte) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	if err != nil {
		t.Fatalf("decode base64: %v", err)
	}
	return b
}

func TestFoldICSKeepsRunes(t *testing.T) {
	long := "SUMMARY:" + strings.Repeat("é", 100) + "\r\n"
	got := string(foldICS([]byte(long)))
	for _, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Errorf("bad folded line %q", l)
		}
	}
	if unfolded := strings.ReplaceAll(got, "\r\n ", ""); unfolded != long {
		t.Errorf("unfolding gives %q", unfolded)
	}
}

func TestOtherInterviewsNamedApart(t *testing.T) {
	e, err := FollowUpCall(CallInput{Interview: acme(), Owner: testOwner(t), Others: otherOpen(), Slot: slot, Now: callNow, Thread: testThread("o")})
	if err != nil {
		t.Fatal(err)
	}
	_, apart, ok := strings.Cut(e.Text, "kept apart:")
	if !ok {
		t.Fatal("no list of other interviews")
	}
	apart, _, _ = strings.Cut(apart, "BEFORE YOU DIAL")
	g, i := strings.Index(apart, "Globex"), strings.Index(apart, "Initrode Holdings")
	if g < 0 || i < 0 || g > i {
		t.Errorf("other interviews missing or not by date:\n%s", apart)
	}
	if strings.Contains(apart, "Acme") || strings.Contains(apart, "Phone screen") {
		t.Errorf("the interview itself or a cancelled one is listed:\n%s", apart)
	}
}

func TestNudgesGetGentler(t *testing.T) {
	var texts []string
	for n := 1; n <= 3; n++ {
		e, err := Nudge(NudgeInput{Interview: acme(), Owner: testOwner(t), Kind: interview.ThankYou, N: n, Limit: 3, Now: tyNow, Thread: testThread("n")})
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, e.Text)
	}
	for i, want := range []string{"not marked sent yet", "A gentle nudge", "no more after this one"} {
		if !strings.Contains(texts[i], want) {
			t.Errorf("nudge %d lacks %q:\n%s", i+1, want, texts[i])
		}
		if i > 0 && strings.Contains(texts[i], "not marked sent yet") {
			t.Errorf("nudge %d repeats the first nudge's wording", i+1)
		}
	}
	// A limit of one: the only nudge is also the last.
	e, err := Nudge(NudgeInput{Interview: acme(), Owner: testOwner(t), Kind: interview.FollowUpCall, N: 1, Limit: 1, Now: tyNow, Thread: testThread("n")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Text, "no more after this one") || !strings.Contains(e.Text, "Reminder 1 of 1") {
		t.Errorf("single nudge:\n%s", e.Text)
	}
}

func TestAcknowledgementAndHelp(t *testing.T) {
	ack, err := Acknowledgement(AckInput{Owner: testOwner(t), Subject: "Re: Follow-up call today: Jane Doe at Acme Corp",
		Changed: "Snoozed until Monday.", Next: "The call outline comes back on Monday, March 9 at 09:00.", Now: tyNow, Thread: testThread("a")})
	if err != nil {
		t.Fatal(err)
	}
	if ack.Subject != "Re: Follow-up call today: Jane Doe at Acme Corp" {
		t.Errorf("subject %q: Re: must not be doubled", ack.Subject)
	}
	if !strings.HasPrefix(ack.Text, "Snoozed until Monday.\n\nNext: The call outline") || !strings.Contains(ack.Text, "\n-- \n") {
		t.Errorf("ack text:\n%s", ack.Text)
	}
	help, err := Help(HelpInput{Owner: testOwner(t), Subject: "Follow-up call today", Now: tyNow, Thread: testThread("h")})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"sent (or done)", "called", "snooze 3h | 2d | 1bd", "snooze until 2026-03-05 14:00", "tomorrow",
		"skip", "cancel", "offer / no offer", "notes: ...", "formal / casual", "mr / ms / mrs / dr", "status", "help"} {
		if !strings.Contains(help.Text, cmd) || !strings.Contains(unstyled(help.HTML), "<code>"+strings.Fields(cmd)[0]) {
			t.Errorf("help lacks %q", cmd)
		}
	}
	if strings.Contains(help.Text, "not understood") {
		t.Error("a help request is not a misunderstanding")
	}
}

func TestEmailsAreDeterministic(t *testing.T) {
	// Process TZ must not matter: the owner's zone is used throughout.
	in := CallInput{Interview: acme(), Owner: testOwner(t), Notes: acmeNotes, Others: otherOpen(), Slot: slot, Now: callNow, Thread: testThread("d")}
	a, err := FollowUpCall(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Owner.Location = newYork(t) // a fresh *Location of the same zone
	b, err := FollowUpCall(in)
	if err != nil {
		t.Fatal(err)
	}
	ab, _ := a.Bytes()
	bb, _ := b.Bytes()
	if !bytes.Equal(normalizeBoundaries(ab), normalizeBoundaries(bb)) {
		t.Error("the same input rendered two different messages")
	}
	if !strings.Contains(a.Text, "Friday, March 6, 2026, 09:00–09:15 EST") {
		t.Error("the call slot is not shown in the owner's zone")
	}
}

func TestRenderRefusesIncompleteEmail(t *testing.T) {
	good := Email{From: mail.Address{Address: "a@example.org"}, To: mail.Address{Address: "b@example.org"},
		Subject: "x", Date: tyNow, MessageID: "id@example.org", Text: "hi"}
	if _, err := good.Bytes(); err != nil {
		t.Fatalf("good email: %v", err)
	}
	for name, mutate := range map[string]func(*Email){
		"no Message-ID": func(e *Email) { e.MessageID = "<>" },
		"no Date":       func(e *Email) { e.Date = time.Time{} },
		"no From":       func(e *Email) { e.From = mail.Address{} },
		"bad To":        func(e *Email) { e.To = mail.Address{Address: "not an address"} },
	} {
		e := good
		mutate(&e)
		if _, err := e.Bytes(); err == nil {
			t.Errorf("%s: rendered without error", name)
		}
	}
}

var styleAttr = regexp.MustCompile(` style="[^"]*"`)

// unstyled drops the inlined style attributes from an HTML email, for
// assertions about its markup.
func unstyled(html string) string { return styleAttr.ReplaceAllString(html, "") }
