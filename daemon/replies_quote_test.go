package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

// A reply whose client wrote a reply header followupd does not know, with
// the reminder quoted unmarked below it: the text kept for the reminder
// when it was sent tells where the owner's notes end (issue 10).
func TestReplyQuoteOfKeptReminderText(t *testing.T) {
	reminder := "Time for your thank-you note to Jane Doe at Acme Corp.\n\n" +
		"Dear Ms. Doe,\n\nThank you for taking the time to meet with me on Tuesday to talk about the position.\n\n" +
		"Reply \"sent\" once the note is on its way.\n"
	body := "notes: She liked the design answer.\nAsk about the on-call rota.\n\n" +
		"Στις Τρί 1 Δεκ 2026 ο χρήστης followupd έστειλε\n\n" +
		"Time for your thank-you note to Jane Doe at Acme\nCorp.\n\nDear Ms. Doe,\n\n" +
		"Thank you for taking the time to meet with me on Tuesday to talk about\nthe position.\n\n" +
		"Reply \"sent\" once the note is on its way.\n"
	for _, tt := range []struct {
		kept bool
		// answers is the send the reply answers: 0 the reminder, whose
		// text is kept; 1 its nudge, whose text is not (the reminder's is
		// used).
		answers string
	}{{true, "0"}, {true, "1"}, {false, "0"}} {
		kept := tt.kept
		e := newReplyEnv(t, false)
		id := "r." + e.ty.Token + ".0@" + rpDomain
		if kept {
			if err := e.st.RecordSentText(context.Background(), id, e.ty.ID, reminder, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		answered := "r." + e.ty.Token + "." + tt.answers + "@" + rpDomain
		e.handle(t, readFixture(t, ownReply(t, answered, body), "INBOX"))
		notes := e.interview(t).Notes
		if kept && notes != "She liked the design answer.\nAsk about the on-call rota." {
			t.Errorf("notes with the reminder's text kept, answering send %s = %q", tt.answers, notes)
		}
		if !kept && !strings.Contains(notes, "Dear Ms. Doe") {
			t.Errorf("notes without the reminder's text = %q; this test no longer shows what the kept text is for", notes)
		}
		if r := e.reminder(t, interview.ThankYou); r.State == "confirmed" {
			t.Error("the quoted reminder confirmed the thank-you")
		}
	}
}

// ownReply is a plain-text reply of the owner's (the headers of the Gmail
// fixture, which pass the owner's checks) answering the Message-ID id.
func ownReply(t *testing.T, id, body string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "replies", "gmail-multipart.eml"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "Content-Type: multipart")
	var b strings.Builder
	for _, l := range strings.SplitAfter(head, "\n") {
		switch {
		case strings.HasPrefix(l, "References:"), strings.HasPrefix(l, "In-Reply-To:"):
			continue
		case strings.HasPrefix(l, "Message-ID:"):
			l = "Message-ID: <own-reply-1@example.org>\n"
		}
		b.WriteString(l)
	}
	b.WriteString("In-Reply-To: <" + id + ">\nReferences: <" + id + ">\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\n\n" + body)
	return b.String()
}
