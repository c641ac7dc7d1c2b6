package employer

import (
	"net/mail"
	"strings"

	gomail "github.com/emersion/go-message/mail"

	"github.com/followupd/followupd/replies"
)

// FromMail makes the Message Classify reads out of a message's header and
// its decoded text and HTML bodies (the text, else the HTML as text). A
// broken From leaves the sender empty.
func FromMail(h gomail.Header, text, html string) Message {
	m := Message{Text: text}
	if strings.TrimSpace(m.Text) == "" && strings.TrimSpace(html) != "" {
		m.Text = replies.HTMLToText(html)
	}
	if list, err := h.AddressList("From"); err == nil && len(list) > 0 {
		m.From = mail.Address{Name: list[0].Name, Address: list[0].Address}
	}
	if s, err := h.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = h.Get("Subject")
	}
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	m.Bulk = h.Get("List-Unsubscribe") != "" || h.Get("List-Id") != "" || prec == "bulk" || prec == "list" || prec == "junk"
	return m
}

// RepliesToFollowupd reports whether a message answers one of followupd's
// own emails: its In-Reply-To or one of its References has the form of
// followupd's Message-IDs, "r.TOKEN.SUFFIX@DOMAIN". Such a message is the
// owner's command, never an employer's.
func RepliesToFollowupd(h gomail.Header) bool {
	ids := strings.Fields(h.Get("In-Reply-To") + " " + h.Get("References"))
	for _, id := range ids {
		if isOurID(id) {
			return true
		}
	}
	return false
}

func isOurID(id string) bool {
	id = strings.ToLower(strings.Trim(id, "<>,"))
	at := strings.LastIndexByte(id, '@')
	if at < 0 || !strings.HasPrefix(id, "r.") {
		return false
	}
	token, suffix, ok := strings.Cut(id[2:at], ".")
	if !ok || suffix == "" || len(token) < 20 || len(token) > 64 {
		return false
	}
	for _, c := range token {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
