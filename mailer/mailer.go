// Package mailer owns the emails followupd writes and their delivery: it
// composes what the owner receives (the thank-you email with its drafts, the
// follow-up call outline with its calendar slot, nudges, acknowledgements and
// help, and the sentences of the answers to the owner's commands, Say) and the ready-to-send drafts addressed to interviewers, renders them as
// RFC 5322 messages, and sends them over SMTP. When to send is decided
// elsewhere (the dispatcher); this package says what and how.
//
// Every email to the owner has a text/plain and a text/html alternative (the
// HTML from html/template, so names and notes from calendars and mail are
// escaped), is threaded per interview with In-Reply-To and References, carries
// Auto-Submitted: auto-generated (RFC 3834) so that no autoresponder answers
// it, and ends with a footer listing the reply commands. Wording lives in the
// embedded templates under templates/, and golden files under
// testdata/golden/ show every change to it in review.
package mailer

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Email is one composed message. Its header fields are sanitized again when
// the message is rendered, so a value built by hand cannot inject a header
// either.
type Email struct {
	From, To mail.Address
	// Subject is at most maxSubjectRunes runes of single-line text.
	Subject string
	// Date is written as the Date header in the sender's zone; never zero.
	Date time.Time
	// MessageID, InReplyTo and References are message ids without angle
	// brackets. MessageID is decided by the caller (deterministic, so that a
	// resend after a crash is recognisably the same message) and never empty.
	MessageID  string
	InReplyTo  string
	References []string
	// AutoSubmitted marks the message "Auto-Submitted: auto-generated" (RFC
	// 3834) and asks Exchange not to auto-respond. Set on everything sent to
	// the owner; never on a draft the owner sends as their own.
	AutoSubmitted bool
	// Text is the text/plain body. HTML, when not empty, is its text/html
	// alternative.
	Text, HTML  string
	Attachments []Attachment
}

// Attachment is a file attached to an Email.
type Attachment struct {
	// Name is the file name offered to the reader.
	Name string
	// ContentType is the full media type with its parameters, such as
	// "text/calendar; charset=utf-8; method=PUBLISH".
	ContentType string
	Data        []byte
}

// Thread is what the caller decides about an email's identity and place:
// who it is from and to, its Message-ID, and the per-interview thread it
// belongs to.
type Thread struct {
	// From is followupd's sender address ([smtp] from).
	From mail.Address
	// To is the owner; the zero value means the composer's Owner.Name and
	// Owner.Email.
	To mail.Address
	// MessageID, InReplyTo and References are message ids without angle
	// brackets. When InReplyTo is set and References is empty, References is
	// taken to be InReplyTo alone (RFC 5322 section 3.6.4).
	MessageID  string
	InReplyTo  string
	References []string
}

// Bytes renders the email as an RFC 5322 message with CRLF line endings. The
// output is deterministic given the Email except for the MIME boundaries,
// which go-mail draws at random.
func (e Email) Bytes() ([]byte, error) {
	m, err := e.message()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render message %s: %w", e.MessageID, err)
	}
	return buf.Bytes(), nil
}

// message builds the go-mail message, sanitizing every header value.
func (e Email) message() (*gomail.Msg, error) {
	id := messageID(e.MessageID)
	if id == "" {
		return nil, errors.New("render message: no Message-ID")
	}
	if e.Date.IsZero() {
		return nil, fmt.Errorf("render message %s: no Date", id)
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from, err := headerAddress(e.From)
	if err != nil {
		return nil, fmt.Errorf("render message %s: From: %w", id, err)
	}
	m.FromMailAddress(from)
	if e.To.Address != "" || e.To.Name != "" {
		to, err := headerAddress(e.To)
		if err != nil {
			return nil, fmt.Errorf("render message %s: To: %w", id, err)
		}
		m.ToMailAddress(to)
	}
	m.Subject(headerText(e.Subject, maxSubjectRunes))
	m.SetDateWithValue(e.Date)
	m.SetMessageIDWithValue(id)
	if r := messageID(e.InReplyTo); r != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+r+">")
	}
	refs := e.References
	if len(refs) == 0 && e.InReplyTo != "" {
		refs = []string{e.InReplyTo}
	}
	var ids []string
	for _, r := range refs {
		if r = messageID(r); r != "" {
			ids = append(ids, "<"+r+">")
		}
	}
	if len(ids) > 0 {
		// One space-separated value: go-mail joins several values with
		// commas, and readers then keep only the first id.
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(ids, " "))
	}
	if e.AutoSubmitted {
		m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
		m.SetGenHeader(gomail.Header("X-Auto-Response-Suppress"), "All")
	}
	m.SetBodyString(gomail.TypeTextPlain, bodyText(e.Text))
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	for _, a := range e.Attachments {
		name := headerText(a.Name, 100)
		if name == "" {
			name = "attachment"
		}
		ct := headerText(a.ContentType, 200)
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := m.AttachReader(name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("render message %s: attach %s: %w", id, name, err)
		}
	}
	return m, nil
}

// headerAddress sanitizes a display name and checks the addr-spec.
func headerAddress(a mail.Address) (*mail.Address, error) {
	addr := headerText(a.Address, 320)
	if addr == "" {
		return nil, errors.New("no address")
	}
	p, err := mail.ParseAddress("<" + addr + ">")
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	return &mail.Address{Name: headerText(a.Name, maxNameRunes), Address: p.Address}, nil
}

// messageID reduces s to a bare msg-id (no angle brackets, no white space,
// no control characters), or "" when nothing is left.
func messageID(s string) string {
	s = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r > 0x7e {
			return -1
		}
		return r
	}, s)
	if len(s) > 250 {
		s = s[:250]
	}
	return s
}
