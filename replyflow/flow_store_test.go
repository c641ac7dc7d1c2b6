package replyflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// The reply path on its own, with a real store and no daemon: a "sent"
// reply confirms the thank-you and queues one acknowledgement; handed on
// again, it is neither applied nor answered twice; a message that answers
// nothing of ours is not a reply.
func TestFlowAppliesAReplyOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := mailtest.LoadConfig(t, dir, `[owner]
name = "Alex Morgan"
email = "alex.morgan@example.org"
timezone = "America/New_York"
[replies]
authserv_id = "mx.example.org"
acknowledge = true
`)
	st, err := store.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	loc := cfg.Owner.Location
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	iv := interview.Interview{Key: interview.Key{UID: "acme-1@test"}, Status: interview.Scheduled,
		Stamp: start.Add(-72 * time.Hour), Summary: "Interview", Company: "Acme Corp", Start: start, End: start.Add(time.Hour),
		Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@acme.example.com"}}}
	if _, err := st.Apply(ctx, store.Report{Source: "calendar:work", Interviews: []interview.Interview{iv}},
		start.Add(-48*time.Hour), timerules.Planner(cfg)); err != nil {
		t.Fatal(err)
	}
	recs, err := st.Interviews(ctx)
	if err != nil || len(recs) != 1 {
		t.Fatalf("interviews: %v, %d", err, len(recs))
	}
	ty, ok := reminderOf(recs[0], interview.ThankYou)
	if !ok {
		t.Fatal("no thank-you reminder")
	}
	sentID := "r." + ty.Token + ".0@followupd.example.org"
	a := store.Attempt{Reminder: ty.ID, MessageID: sentID}
	if _, err := st.BeginSend(ctx, a, ty.Due.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.SendDone(ctx, a, ty.Due, ty.Due.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}

	var delivered []string
	f := &Flow{Store: st, Config: func() *config.Config { return cfg }, Log: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC) },
		Deliver: func(_ context.Context, key string, _ *slog.Logger) error {
			delivered = append(delivered, key)
			return nil
		}}
	raw := strings.Join([]string{
		"Authentication-Results: mx.example.org; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
		"From: Alex Morgan <alex.morgan@example.org>",
		"Subject: Re: Send a thank-you note today",
		"Date: Wed, 2 Dec 2026 10:00:00 -0500",
		"Message-ID: <sent-1@example.org>",
		"In-Reply-To: <" + sentID + ">",
		"Content-Type: text/plain; charset=utf-8",
		"", "sent", "",
	}, "\r\n")
	m, err := mailbox.ReadMessage(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		handled, err := f.HandleReply(ctx, m)
		if err != nil || !handled {
			t.Fatalf("pass %d: handled=%v err=%v", i, handled, err)
		}
	}
	rec, err := st.Interview(ctx, recs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := reminderOf(rec, interview.ThankYou); r.State != store.StateConfirmed {
		t.Errorf("thank-you state = %q, want confirmed", r.State)
	}
	answers, err := st.AnswersTo(ctx, "sent-1@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1 || answers[0].Kind != store.AnswerAck {
		t.Fatalf("answers = %+v, want one acknowledgement", answers)
	}
	var e mailer.Email
	if err := json.Unmarshal([]byte(answers[0].Email), &e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Text, "The thank-you note to Jane Doe at Acme Corp is marked sent.") {
		t.Errorf("acknowledgement text:\n%s", e.Text)
	}
	if len(delivered) != 2 || delivered[0] != "sent-1@example.org" {
		t.Errorf("delivered = %q, want the reply's key twice", delivered)
	}

	other := strings.Replace(raw, "In-Reply-To: <"+sentID+">", "In-Reply-To: <someone-else@example.org>", 1)
	m2, err := mailbox.ReadMessage(strings.NewReader(strings.Replace(other, "sent-1@", "sent-2@", 1)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if handled, err := f.HandleReply(ctx, m2); err != nil || handled {
		t.Errorf("a reply to someone else: handled=%v err=%v, want false", handled, err)
	}
}
