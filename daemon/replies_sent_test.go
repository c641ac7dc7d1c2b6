package daemon

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// sentNote is a message from the owner's Sent folder.
func sentNote(id, to, cc, date string) string {
	lines := []string{
		"From: Alex Morgan <alex.morgan@example.org>",
		"To: " + to,
	}
	if cc != "" {
		lines = append(lines, "Cc: "+cc)
	}
	return strings.Join(append(lines,
		"Subject: Thank you – our interview on Tuesday",
		"Date: "+date,
		"Message-ID: <"+id+">",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"", "Dear Ms. Doe, thank you for your time on Tuesday.", ""), "\r\n")
}

func TestSentFolderNote(t *testing.T) {
	tests := []struct {
		name      string
		to, cc    string
		date      string
		folder    string
		confirmed bool
	}{
		{name: "note to the interviewer", to: "Jane Doe <jane.doe@acme.example.com>",
			date: "Tue, 1 Dec 2026 16:30:00 -0500", folder: "Sent", confirmed: true},
		{name: "in Cc, any case", to: "someone@acme.example.com", cc: "JANE.DOE@ACME.EXAMPLE.COM",
			date: "Wed, 2 Dec 2026 08:00:00 -0500", folder: "Sent", confirmed: true},
		{name: "addressed only to the owner", to: "Alex Morgan <alex.morgan@example.org>, alex@example.org",
			date: "Tue, 1 Dec 2026 16:30:00 -0500", folder: "Sent"},
		{name: "dated before the interview started", to: "jane.doe@acme.example.com",
			date: "Tue, 1 Dec 2026 09:00:00 -0500", folder: "Sent"},
		{name: "more than two weeks after", to: "jane.doe@acme.example.com",
			date: "Wed, 16 Dec 2026 09:00:00 -0500", folder: "Sent"},
		{name: "to someone else", to: "john.roe@acme.example.com",
			date: "Tue, 1 Dec 2026 16:30:00 -0500", folder: "Sent"},
		{name: "in the Inbox, not the Sent folder", to: "jane.doe@acme.example.com",
			date: "Tue, 1 Dec 2026 16:30:00 -0500", folder: "INBOX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newReplyEnv(t, true)
			m := readFixture(t, sentNote("note-1@example.org", tt.to, tt.cc, tt.date), tt.folder)
			e.handle(t, m)
			ty := e.reminder(t, interview.ThankYou)
			if (ty.State == store.StateConfirmed) != tt.confirmed {
				t.Fatalf("thank-you = %s, want confirmed %v", ty.State, tt.confirmed)
			}
			if !tt.confirmed {
				wantUnchanged(t, e)
				if n := len(e.sender.emails()); n != 0 {
					t.Errorf("%d emails sent", n)
				}
				return
			}
			sent := e.sender.emails()
			if kinds := kindsOf(t, sent); !slices.Equal(kinds, []string{"ack"}) {
				t.Fatalf("answers = %q, want one ack", kinds)
			}
			ack := sent[0]
			if !strings.Contains(ack.Text, "Noticed your note to Jane Doe in your Sent folder") {
				t.Errorf("ack:\n%s", ack.Text)
			}
			root := "r." + e.ty.Token + ".0@" + rpDomain
			if ack.InReplyTo != root || !slices.Equal(ack.References, []string{root}) {
				t.Errorf("ack threading: %q %q, want the thank-you email %q", ack.InReplyTo, ack.References, root)
			}
			if got, _ := mailer.TokenOf(ack.MessageID); got != e.ty.Token {
				t.Errorf("ack Message-ID %q", ack.MessageID)
			}
			// A re-sync hands it on again: nothing more.
			e.handle(t, m)
			if n := len(e.sender.emails()); n != 1 {
				t.Errorf("handled again: %d emails", n)
			}
		})
	}
}

func TestSentFolderNotePicksTheLatestOpenInterview(t *testing.T) {
	e := newReplyEnv(t, false)
	// A second round with Jane two days later; its thank-you is not sent yet.
	id2, ty2, _ := e.addInterview(t, "acme-2@test", newYorkTime(t, "2026-12-03 10:00"), false)
	e.handle(t, readFixture(t, sentNote("note-2@example.org", "jane.doe@acme.example.com", "", "Thu, 3 Dec 2026 13:00:00 -0500"), "Sent"))
	rec2, err := e.st.Interview(context.Background(), id2)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := reminderOf(rec2, interview.ThankYou); r.ID != ty2.ID || r.State != store.StateConfirmed {
		t.Errorf("second round's thank-you = %s, want confirmed (before it was even sent)", r.State)
	}
	if r := e.reminder(t, interview.ThankYou); r.State != store.StateSent {
		t.Errorf("first round's thank-you = %s, want untouched", r.State)
	}
	if n := len(e.sender.emails()); n != 0 {
		t.Errorf("acknowledge = false: %d emails", n)
	}
	// Cancelled interviews do not count.
	e.handle(t, readFixture(t, ownerReply("c1@example.org", "r."+e.ty.Token+".0@"+rpDomain, "Thu, 3 Dec 2026 14:00:00 -0500", "cancel"), "INBOX"))
	e.handle(t, readFixture(t, sentNote("note-3@example.org", "jane.doe@acme.example.com", "", "Thu, 3 Dec 2026 15:00:00 -0500"), "Sent"))
	if r := e.reminder(t, interview.ThankYou); r.State != store.StateCancelled {
		t.Errorf("cancelled interview's thank-you = %s", r.State)
	}
}
