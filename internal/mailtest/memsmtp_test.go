package mailtest_test

import (
	"errors"
	"net/smtp"
	"net/textproto"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/followupd/followupd/internal/mailtest"
)

// replyCode is the SMTP reply code in err, or 0 when err is nil or no SMTP reply.
func replyCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func TestSMTPServerKeepsAndDelivers(t *testing.T) {
	inbox := mailtest.StartMemIMAP(t, "owner@example.test", "pw")
	s := mailtest.StartSMTP(t, mailtest.SMTPDeliverTo(inbox.Deliver))
	msg := testMessage("kept and delivered")
	if err := smtp.SendMail(s.Addr, nil, "a@elsewhere.example", []string{"owner@example.test", "b@example.test"}, msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages kept, want 1", len(got))
	}
	m := got[0]
	if m.From != "a@elsewhere.example" || len(m.To) != 2 || m.To[1] != "b@example.test" {
		t.Errorf("envelope from %q to %q", m.From, m.To)
	}
	if m.MessageID != "kept.and.delivered@elsewhere.example" || m.Header.Get("Subject") != "kept and delivered" {
		t.Errorf("Message-ID %q, Subject %q", m.MessageID, m.Header.Get("Subject"))
	}
	if string(m.Raw) != string(msg) {
		t.Errorf("raw message changed:\n%q\nwant\n%q", m.Raw, msg)
	}
	if n := inbox.Count("INBOX"); n != 1 {
		t.Errorf("%d messages in the IMAP INBOX, want 1", n)
	}
}

func TestSMTPServerFailures(t *testing.T) {
	temp := &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	perm := &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	tests := []struct {
		name  string
		setup func(s *mailtest.SMTPServer)
		want  []int // reply code of each of three sends; 0 for success
	}{
		{"next at DATA, in order", func(s *mailtest.SMTPServer) { s.FailNext(mailtest.StageData, temp, perm) }, []int{451, 550, 0}},
		{"always at RCPT", func(s *mailtest.SMTPServer) { s.FailAlways(mailtest.StageRcpt, perm) }, []int{550, 550, 550}},
		{"next before always at MAIL", func(s *mailtest.SMTPServer) {
			s.FailAlways(mailtest.StageMail, perm)
			s.FailNext(mailtest.StageMail, temp)
		}, []int{451, 550, 550}},
		{"hello", func(s *mailtest.SMTPServer) { s.FailHello(errors.New("too busy")) }, []int{451, 451, 451}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mailtest.StartSMTP(t)
			tt.setup(s)
			accepted := 0
			for i, want := range tt.want {
				err := smtp.SendMail(s.Addr, nil, "a@elsewhere.example", []string{"owner@example.test"}, testMessage("failures"))
				if got := replyCode(err); got != want || (want == 0) != (err == nil) {
					t.Errorf("send %d: %v (code %d), want code %d", i+1, err, got, want)
				}
				if want == 0 {
					accepted++
				}
			}
			if n := len(s.Messages()); n != accepted {
				t.Errorf("%d messages kept, want %d", n, accepted)
			}
		})
	}
}

func TestSMTPServerAuthPlain(t *testing.T) {
	s := mailtest.StartSMTP(t, mailtest.SMTPAuthPlain("alex", "right"))
	send := func(auth smtp.Auth) error {
		return smtp.SendMail(s.Addr, auth, "alex@example.test", []string{"owner@example.test"}, testMessage("auth"))
	}
	if err := send(nil); replyCode(err) != gosmtp.ErrAuthRequired.Code {
		t.Errorf("without AUTH: %v, want %d", err, gosmtp.ErrAuthRequired.Code)
	}
	if err := send(smtp.PlainAuth("", "alex", "wrong", mailtest.Host)); replyCode(err) != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}
	if err := send(smtp.PlainAuth("", "alex", "right", mailtest.Host)); err != nil {
		t.Errorf("right password: %v", err)
	}
	if n := s.AuthAttempts(); n != 2 {
		t.Errorf("%d AUTH attempts, want 2", n)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages kept, want 1", n)
	}
}
