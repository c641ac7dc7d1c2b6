package mailtest_test

import (
	"errors"
	"net/smtp"
	"net/textproto"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/followupd/followupd/internal/mailtest"
)

// waitForMessages polls the account's INBOX until it holds want messages.
func waitForMessages(t *testing.T, d *mailtest.Dovecot, user, password string, want uint32) {
	t.Helper()
	c := login(t, d, user, password, nil)
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait()
		if err != nil {
			t.Fatalf("STATUS INBOX of %s: %v", user, err)
		}
		if *st.NumMessages == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("INBOX of %s holds %d messages after 10s, want %d", user, *st.NumMessages, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPostfixDeliversToDovecot(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	p := mailtest.StartPostfix(t, d)

	tests := []struct {
		name           string
		user, password string // the recipient's account
	}{
		{name: "to the owner", user: d.User, password: d.Password},
		{name: "to the other account", user: d.OtherUser, password: d.OtherPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := testMessage("thank you draft")
			sent := time.Now()
			err := smtp.SendMail(p.Addr(), smtp.PlainAuth("", p.User, p.Password, p.Host), p.User, []string{tt.user}, msg)
			if err != nil {
				t.Fatalf("send through postfix with AUTH PLAIN: %v", err)
			}
			waitForMessages(t, d, tt.user, tt.password, 1)
			t.Logf("message reached %s's INBOX %v after it was sent", tt.user, time.Since(sent).Round(time.Millisecond))

			c := login(t, d, tt.user, tt.password, nil)
			selectMailbox(t, c, "INBOX")
			msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true}).Collect()
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if len(msgs) != 1 || msgs[0].Envelope == nil || msgs[0].Envelope.Subject != "thank you draft" {
				t.Errorf("INBOX of %s: got %+v, want the message sent", tt.user, msgs)
			}
		})
	}
	// Each account got its own message and nothing else.
	waitForMessages(t, d, d.User, d.Password, 1)
	waitForMessages(t, d, d.OtherUser, d.OtherPassword, 1)
}

func TestPostfixRefuses(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	p := mailtest.StartPostfix(t, d)

	tests := []struct {
		name     string
		password string // "" sends without AUTH
		to       string
		wantStep string
		wantCode int
	}{
		{name: "wrong password", password: "not-the-password", to: d.User, wantStep: "auth", wantCode: 535},
		{name: "no AUTH", password: "", to: d.User, wantStep: "rcpt", wantCode: 554},
		{name: "recipient outside the test domain", password: p.Password, to: "interviewer@elsewhere.example", wantStep: "rcpt", wantCode: 554},
		{name: "unknown account in the test domain", password: p.Password, to: "nobody@example.test", wantStep: "rcpt", wantCode: 550},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, err := sendSteps(p, tt.password, tt.to)
			var perr *textproto.Error
			if !errors.As(err, &perr) {
				t.Fatalf("step %s: err %v, want an SMTP error %d", step, err, tt.wantCode)
			}
			if step != tt.wantStep || perr.Code != tt.wantCode {
				t.Errorf("refused at %s with %d %s; want at %s with %d", step, perr.Code, perr.Msg, tt.wantStep, tt.wantCode)
			}
		})
	}
	// Nothing got through.
	c := login(t, d, d.User, d.Password, nil)
	if n := selectMailbox(t, c, "INBOX").NumMessages; n != 0 {
		t.Errorf("owner's INBOX holds %d messages after refused attempts, want 0", n)
	}
}

// sendSteps sends one message step by step and says at which step it failed.
func sendSteps(p *mailtest.Postfix, password, to string) (string, error) {
	c, err := smtp.Dial(p.Addr())
	if err != nil {
		return "dial", err
	}
	defer func() { _ = c.Close() }()
	if password != "" {
		if err := c.Auth(smtp.PlainAuth("", p.User, password, p.Host)); err != nil {
			return "auth", err
		}
	}
	if err := c.Mail(p.User); err != nil {
		return "mail", err
	}
	if err := c.Rcpt(to); err != nil {
		return "rcpt", err
	}
	w, err := c.Data()
	if err != nil {
		return "data", err
	}
	if _, err := w.Write(testMessage("refused")); err != nil {
		return "data", err
	}
	if err := w.Close(); err != nil {
		return "data", err
	}
	return "sent", c.Quit()
}

func TestPostfixStop(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	p := mailtest.StartPostfix(t, d)
	p.Stop()
	if c, err := smtp.Dial(p.Addr()); err == nil {
		_ = c.Close()
		t.Error("SMTP port still accepts connections after Stop")
	}
	p.Stop() // a second Stop does nothing
}
