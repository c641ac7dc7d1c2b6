package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/scheduler"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// The reply tests' world: the owner of the fixtures in testdata/replies
// (alex.morgan@example.org, alias alex@example.org, New York, mail received
// by mx.example.org), one interview with Jane Doe at Acme Corp on Tuesday
// 2026-12-01, whose thank-you and call emails were both sent.

// rpDomain is the right-hand side of followupd's Message-IDs ([smtp] from).
const rpDomain = "followupd.example.org"

// rpSender records what would be sent; fail, when set, decides each result.
type rpSender struct {
	mu   sync.Mutex
	sent []mailer.Email
	fail func(mailer.Email) error
}

func (s *rpSender) Send(_ context.Context, e mailer.Email) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		if err := s.fail(e); err != nil {
			return err
		}
	}
	s.sent = append(s.sent, e)
	return nil
}

func (s *rpSender) emails() []mailer.Email {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mailer.Email(nil), s.sent...)
}

type rpEnv struct {
	d *Daemon
	// disp is the daemon's dispatcher, installed and never run: flush does
	// its sending of the outbox, as a kicked dispatcher would.
	disp   *scheduler.Dispatcher
	st     *store.Store
	cfg    *config.Config
	clock  *fakeClock
	sender *rpSender
	logs   *mailtest.LogBuffer
	// ivID is the interview's id; ty and call its reminders as stored
	// after both emails went out.
	ivID     int64
	ty, call store.ReminderRecord
}

// rpOptions say what rpConfig writes beside the owner and [replies].
type rpOptions struct {
	acknowledge bool
	// imapAddr and smtpAddr are host:port; "" writes unused placeholders.
	imapAddr, smtpAddr string
	// user and password log in to IMAP; "" for placeholders.
	user, password string
	// sent is [imap] folders.sent.
	sent string
	// noQuietHours turns [schedule] quiet_hours off, so that the
	// dispatcher sends at any hour.
	noQuietHours bool
}

// rpConfig writes and loads the tests' configuration.
func rpConfig(t testing.TB, o rpOptions) *config.Config {
	t.Helper()
	if o.imapAddr == "" {
		o.imapAddr = "127.0.0.1:1993"
	}
	if o.smtpAddr == "" {
		o.smtpAddr = "127.0.0.1:2525"
	}
	if o.user == "" {
		o.user, o.password = "alex.morgan@example.org", "pw-never-logged"
	}
	ih, ip, _ := strings.Cut(o.imapAddr, ":")
	sh, sp, _ := strings.Cut(o.smtpAddr, ":")
	dir := t.TempDir()
	pw := mailtest.WriteSecret(t, dir, "imap-password", o.password)
	quiet := ""
	if o.noQuietHours {
		quiet = "quiet_hours = \"\"\n"
	}
	body := fmt.Sprintf(`[owner]
name = "Alex Morgan"
email = "alex.morgan@example.org"
aliases = ["alex@example.org"]
timezone = "America/New_York"
[schedule]
holidays = ["2026-12-07"]
%s[replies]
authserv_id = "mx.example.org"
acknowledge = %v
[imap]
host = %q
port = %s
security = "none"
username = %q
password_file = %q
[imap.folders]
sent = %q
[smtp]
host = %q
port = %s
security = "none"
from = "followupd@%s"
`, quiet, o.acknowledge, ih, ip, o.user, pw, o.sent, sh, sp, rpDomain)
	return mailtest.LoadConfig(t, dir, body)
}

func newYorkTime(t testing.TB, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// rpInterview is an interview with Jane Doe at Acme Corp starting at start.
func rpInterview(uid string, start time.Time) interview.Interview {
	return interview.Interview{
		Key: interview.Key{UID: uid}, Status: interview.Scheduled, Stamp: start.Add(-72 * time.Hour),
		Summary: "Interview with Jane Doe at Acme Corp", Company: "Acme Corp", Position: "Backend Engineer",
		Start: start, End: start.Add(time.Hour),
		Interviewers: []interview.Interviewer{{Name: "Jane Doe", Email: "jane.doe@acme.example.com"}},
	}
}

func newReplyEnv(t testing.TB, acknowledge bool) *rpEnv {
	t.Helper()
	cfg := rpConfig(t, rpOptions{acknowledge: acknowledge, sent: "Sent"})
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	e := &rpEnv{st: st, cfg: cfg, clock: &fakeClock{now: newYorkTime(t, "2026-12-04 12:00")}, sender: &rpSender{}, logs: &mailtest.LogBuffer{}}
	e.d = New(cfg, st, slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		WithClock(e.clock.Now), WithSender(e.sender))
	disp, err := scheduler.New(st, e.sender, nil, cfg, slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		scheduler.SystemClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	e.disp = disp
	e.d.dispatcher.p.Store(disp)
	e.ivID, e.ty, e.call = e.addInterview(t, "acme-1@test", newYorkTime(t, "2026-12-01 10:00"), true)
	return e
}

// addInterview stores an interview and, when sent, marks its thank-you and
// call emails as sent the way the dispatcher records them.
func (e *rpEnv) addInterview(t testing.TB, uid string, start time.Time, sent bool) (int64, store.ReminderRecord, store.ReminderRecord) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.st.Apply(ctx, store.Report{Source: "calendar:work", Interviews: []interview.Interview{rpInterview(uid, start)}},
		start.Add(-48*time.Hour), timerules.Planner(e.cfg)); err != nil {
		t.Fatal(err)
	}
	rec := e.interviewByUID(t, uid)
	if sent {
		for _, r := range rec.Reminders {
			at := r.Due
			a := store.Attempt{Reminder: r.ID, N: 0, MessageID: "r." + r.Token + ".0@" + rpDomain}
			if _, err := e.st.BeginSend(ctx, a, at.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := e.st.SendDone(ctx, a, at, at.Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		rec = e.interviewByUID(t, uid)
	}
	ty, _ := reminderOf(rec, interview.ThankYou)
	call, _ := reminderOf(rec, interview.FollowUpCall)
	return rec.ID, ty, call
}

func (e *rpEnv) interviewByUID(t testing.TB, uid string) store.InterviewRecord {
	t.Helper()
	recs, err := e.st.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.UID == uid {
			return r
		}
	}
	t.Fatalf("no interview %s", uid)
	return store.InterviewRecord{}
}

func (e *rpEnv) interview(t testing.TB) store.InterviewRecord {
	t.Helper()
	rec, err := e.st.Interview(context.Background(), e.ivID)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func (e *rpEnv) reminder(t testing.TB, kind interview.ReminderKind) store.ReminderRecord {
	t.Helper()
	r, ok := reminderOf(e.interview(t), kind)
	if !ok {
		t.Fatalf("no %s reminder", kind)
	}
	return r
}

// handle hands m to the daemon's message handler, as the watcher does.
func (e *rpEnv) handle(t testing.TB, m mailbox.Message) {
	t.Helper()
	if err := e.d.handleMessage(context.Background(), m); err != nil {
		t.Fatalf("handleMessage: %v", err)
	}
	e.flush(t)
}

// flush sends what the outbox holds and is due, as the kicked dispatcher
// does.
func (e *rpEnv) flush(t testing.TB) {
	t.Helper()
	if _, err := e.disp.SendQueued(context.Background(), e.clock.Now()); err != nil {
		t.Fatalf("send the outbox: %v", err)
	}
}

// chores runs the employer side's chores and sends what they queued.
func (e *rpEnv) chores(t testing.TB) {
	t.Helper()
	e.d.employerChores(context.Background())
	e.flush(t)
}

// replyFixture reads testdata/replies/name with its reminder references
// rewritten to the stored token, as the watcher would hand it on.
func replyFixture(t testing.TB, name, token string) mailbox.Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "replies", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	// The reply tokens the fixtures' In-Reply-To and References carry.
	for _, f := range []string{"k3J9xQ2mPz7wVb4T", "Zt8Yq4Lm2Nc6Vx1K"} {
		s = strings.ReplaceAll(s, "r."+f+".", "r."+token+".")
	}
	return readFixture(t, s, "INBOX")
}

func readFixture(t testing.TB, raw, folder string) mailbox.Message {
	t.Helper()
	m, err := mailbox.ReadMessage(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	m.Folder, m.UID = folder, 7
	return m
}

// ownerReply is a plain reply of the owner's, passing the owner's server's
// checks, to the email with Message-ID parent.
func ownerReply(id, parent, date, text string) string {
	return strings.Join([]string{
		"Authentication-Results: mx.example.org; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
		"From: Alex Morgan <alex.morgan@example.org>",
		"To: followupd <followupd@" + rpDomain + ">",
		"Subject: Re: Send a thank-you note today: Jane Doe at Acme Corp",
		"Date: " + date,
		"Message-ID: <" + id + ">",
		"In-Reply-To: <" + parent + ">",
		"References: <" + parent + ">",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"", text, "",
	}, "\r\n")
}

// answerKind is the kind part of an answer's Message-ID
// ("r.TOKEN.ack-HASH@DOMAIN" → "ack").
func answerKind(t testing.TB, id string) string {
	t.Helper()
	local, _, _ := strings.Cut(id, "@")
	parts := strings.Split(local, ".")
	if len(parts) != 3 || parts[0] != "r" {
		t.Fatalf("answer Message-ID %q is not r.TOKEN.KIND-HASH@DOMAIN", id)
	}
	kind, _, _ := strings.Cut(parts[2], "-")
	return kind
}

func kindsOf(t testing.TB, emails []mailer.Email) []string {
	t.Helper()
	var kinds []string
	for _, e := range emails {
		kinds = append(kinds, answerKind(t, e.MessageID))
	}
	return kinds
}

// reminderOf is the interview's reminder of the given kind.
func reminderOf(iv store.InterviewRecord, kind interview.ReminderKind) (store.ReminderRecord, bool) {
	for _, r := range iv.Reminders {
		if r.Kind == kind {
			return r, true
		}
	}
	return store.ReminderRecord{}, false
}
