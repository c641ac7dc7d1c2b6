package mailer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"

	"github.com/followupd/followupd/config"
)

// followupd's own Message-IDs, in one place: every email it sends (a
// reminder, a nudge, an answer to the owner, an employer-side notice) has a
// Message-ID fixed before the send, "r.TOKEN.SUFFIX@DOMAIN", so that a
// repeat after a crash is recognisably the same message and a reply to it
// can be matched. TOKEN is the reminder's reply token, a secret: an ID is
// never logged, and RedactTokens takes tokens out of any text that is.

// ReminderID is the Message-ID of send n of the reminder with token (0 the
// reminder email, k its kth nudge): "r.TOKEN.N@DOMAIN".
func ReminderID(token string, n int, domain string) string {
	return fmt.Sprintf("r.%s.%d@%s", token, n, domain)
}

// AnswerID is the Message-ID of an answer of the given kind to the owner's
// message known as answered: "r.TOKEN.KIND-HASH@DOMAIN". It is the same each
// time, carries the token of the reminder it is about (a reply to the answer
// is matched like a reply to the reminder), and its hash keeps answers to
// different messages apart.
func AnswerID(token, kind, answered, domain string) string {
	sum := sha256.Sum256([]byte("followupd answer\x00" + answered))
	return fmt.Sprintf("r.%s.%s-%s@%s", token, kind, hex.EncodeToString(sum[:8]), domain)
}

// TokenOf reads the reply token out of one of our Message-IDs,
// "r.TOKEN.SUFFIX@DOMAIN" (angle brackets allowed, any case): SUFFIX is a
// send number or an answer's kind and hash.
func TokenOf(id string) (string, bool) {
	id = strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>"))
	at := strings.LastIndexByte(id, '@')
	if at < 0 || !strings.HasPrefix(id, "r.") {
		return "", false
	}
	token, suffix, ok := strings.Cut(id[2:at], ".")
	if !ok || suffix == "" || len(token) < 20 || len(token) > 64 {
		return "", false
	}
	for _, c := range token {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return "", false
		}
	}
	return token, true
}

// RedactTokens takes the reply tokens of our Message-IDs among ids out of
// text, for logs and the store.
func RedactTokens(text string, ids ...string) string {
	for _, id := range ids {
		if token, ok := TokenOf(id); ok {
			text = RedactToken(text, token)
		}
	}
	return text
}

// RedactToken takes one reply token out of text.
func RedactToken(text, token string) string {
	if token == "" {
		return text
	}
	return strings.ReplaceAll(text, token, "[token]")
}

// RedactEmail is RedactTokens for the IDs an email carries: its own, the
// one it answers and those it references.
func RedactEmail(text string, e Email) string {
	return RedactTokens(text, append([]string{e.MessageID, e.InReplyTo}, e.References...)...)
}

// FromAddress is followupd's sender ([smtp] from) with "followupd" as the
// name when it has none; the zero Address when there is no usable [smtp]
// section (the Sender then fills it in).
func FromAddress(cfg *config.Config) mail.Address {
	if !cfg.HasSMTP() {
		return mail.Address{}
	}
	s, err := cfg.SMTP()
	if err != nil {
		return mail.Address{}
	}
	a, err := mail.ParseAddress(s.From)
	if err != nil {
		return mail.Address{}
	}
	if a.Name == "" {
		a.Name = "followupd"
	}
	return *a
}

// IDDomain is the right-hand side of our Message-IDs: the domain of [smtp]
// from, else of the owner's address.
func IDDomain(cfg *config.Config) string {
	addr := FromAddress(cfg).Address
	if addr == "" {
		addr = cfg.Owner.Email
	}
	if _, dom, ok := strings.Cut(addr, "@"); ok && dom != "" {
		return strings.ToLower(dom)
	}
	return "followupd.invalid"
}
