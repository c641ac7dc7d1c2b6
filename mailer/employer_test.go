package mailer

import (
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestGoldenEmployerEmails(t *testing.T) {
	owner := testOwner(t)
	received := utc("2026-03-09T15:20:00Z")
	in := EmployerInput{Interview: acme(), Owner: owner, Subject: "Your application to Acme Corp", Date: received,
		To: mail.Address{Name: "Jane Doe", Address: "jane.doe@acme.example"}, Notes: acmeNotes,
		Closed: []string{"The follow-up call to Jane Doe is off."}, Now: received.Add(time.Minute),
		Thread: testThread("employer")}

	rej, err := Rejection(in)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "employer-rejection.txt", []byte(rej.Text))
	checkGolden(t, "employer-rejection.html", []byte(rej.HTML))

	offer := in
	offer.Subject = "Your offer from Acme Corp"
	offer.Closed = []string{"The follow-up call is no longer needed: this conversation takes its place."}
	offer.AnswerBy = utc("2026-03-12T14:00:00Z")
	off, err := OfferOutline(offer)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "employer-offer.txt", []byte(off.Text))
	checkGolden(t, "employer-offer.html", []byte(off.HTML))

	check := in
	check.Subject, check.Date, check.Closed = "", time.Time{}, nil
	ci, err := CheckIn(check)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "employer-checkin.txt", []byte(ci.Text))
	checkGolden(t, "employer-checkin.html", []byte(ci.HTML))

	dg, err := Digest(DigestInput{Owner: owner, Now: utc("2026-03-16T14:00:00Z"), Thread: testThread("digest"),
		Applications: []DigestApplication{
			{Company: "Acme Corp", Position: "Senior Backend Engineer", Stage: "offer", LastContact: received, Next: "answer the offer"},
			{Company: "Initrode", Stage: "interviewing", Next: "follow-up call on Wednesday, March 18"},
			{Company: "Globex", Position: "Platform Engineer", Stage: "rejected", LastContact: utc("2026-03-10T09:00:00Z")},
			{Company: "Umbrella", Stage: "interviewing"},
		},
		Due:     []DigestItem{{When: utc("2026-03-18T13:00:00Z"), What: "Follow-up call: Bob Jones at Initrode"}},
		Waiting: []DigestItem{{What: "Umbrella, interviewed Friday, March 13"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "digest.txt", []byte(dg.Text))
	checkGolden(t, "digest.html", []byte(dg.HTML))
}

// TestEmployerAdvice checks that the emails carry the advice: an offer is
// not accepted on the spot, salary, benefits and start date are asked, a
// few days are asked for; a rejection is answered briefly and cordially,
// with thanks and a request for feedback.
func TestEmployerAdvice(t *testing.T) {
	owner := testOwner(t)
	in := EmployerInput{Interview: acme(), Owner: owner, Now: tyNow, Thread: testThread("advice")}
	off, err := OfferOutline(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Salary", "Benefits", "Start date", "do not say yes on this call", "a few days", "thank them"} {
		if !strings.Contains(flat(off.Text), want) || !strings.Contains(off.HTML, want) {
			t.Errorf("offer outline lacks %q", want)
		}
	}
	rej, err := Rejection(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Thank you for letting me know", "feedback", "future openings", "brief and cordial", "Sincerely"} {
		if !strings.Contains(flat(rej.Text), want) {
			t.Errorf("rejection email lacks %q", want)
		}
	}
	if !strings.Contains(rej.HTML, "mailto:jane.doe@acme.example") {
		t.Error("the rejection draft's mailto link does not go to the interviewer")
	}
	// Names from mail are escaped in HTML.
	in.Company = "<script>x</script>"
	e, err := Rejection(in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.HTML, "<script>") {
		t.Error("a company name was not escaped")
	}
}

// flat is an email's text with its line wrapping undone.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
