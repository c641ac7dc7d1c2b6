// Package replies reads the owner's replies to followupd's reminder emails:
// who may answer (the owner, from the owner's own server, not an auto-reply),
// which part of the text is the owner's own (quoted text, client reply
// headers, signatures and "Sent from my phone" lines stripped) and which
// command that text gives. It reads a whole raw message (Read, for `followupd
// explain`) or the parts the watcher already decoded (ReadParts). It is pure:
// no I/O beyond the reader it is handed, no clock, no logging. Matching a
// reply to a stored reminder, applying its command and answering it belong to
// package replyflow.
package replies

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-*, windows-125x and the rest
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mimelimit"
	"github.com/followupd/followupd/interview"
)

// Command is what a reply asks for.
type Command string

const (
	Sent         Command = "sent" // also "done"
	Called       Command = "called"
	Snooze       Command = "snooze" // also "tomorrow"; Reply.Until says when
	Skip         Command = "skip"   // this reminder
	Cancel       Command = "cancel" // all follow-ups of this interview
	Offer        Command = "offer"
	NoOffer      Command = "no_offer"
	Notes        Command = "notes" // Reply.Notes holds the text
	Formal       Command = "formal"
	Casual       Command = "casual"
	SetHonorific Command = "honorific" // Reply.Honorific holds Mr./Ms./Mrs./Dr.
	Status       Command = "status"
	Help         Command = "help"
	// NotEmployer undoes what an employer's message changed ("not a
	// rejection", "not an offer", "not a next round").
	NotEmployer Command = "not_employer"
	Unknown     Command = "unknown" // gets one short help reply; Reply.Hint says why
)

// Reply is what was read from one reply of the owner's.
//
// A reply is to be acted upon only when Actionable reports true: Authorized
// and not AutoReply. Reason is "" exactly then.
type Reply struct {
	Command Command
	// Until is the UTC instant a Snooze (or "tomorrow") runs to.
	Until time.Time
	// Notes is the text of a Notes command: the rest of its line and every
	// line after it, up to the quoted part; inner line breaks kept.
	Notes string
	// Honorific is set for the honorific command.
	Honorific interview.Honorific
	// Line is the first meaningful line of the owner's own text, at most
	// maxLineRunes runes: for a help reply ("I did not understand ...").
	Line string
	// Hint says why Command is Unknown ("snooze needs ..."); "" otherwise.
	Hint string
	// Quote says which rule ended the owner's own text and where
	// ("attribution line 3", "html quote gmail_quote"); "" when nothing was
	// cut.
	Quote string

	// Authorized is judged from the sender and Authentication-Results alone.
	Authorized bool
	// AutoReply is set for out-of-office and other automatic messages; they
	// are ignored even when Authorized.
	AutoReply bool
	// Reason says why the reply is refused or ignored; "" when it is to be
	// acted upon.
	Reason string

	// InReplyTo and References are message ids without angle brackets, for
	// matching the reply to a reminder.
	InReplyTo  string
	References []string
	// From is the sender's addr-spec, lower-cased; "" when unreadable.
	From string
	// Date is the reply's Date header, or Rules.Now when it has none.
	Date time.Time
}

// Actionable reports whether replyflow should apply the reply's command.
func (r Reply) Actionable() bool { return r.Authorized && !r.AutoReply }

// IsReply reports whether the message answers some other message, i.e. has
// In-Reply-To or References.
func (r Reply) IsReply() bool { return r.InReplyTo != "" || len(r.References) > 0 }

// Rules is what reading a reply needs from the configuration.
type Rules struct {
	Owner    config.Owner
	Schedule config.Schedule
	// AuthservID picks the owner's own server's Authentication-Results; ""
	// means the topmost one.
	AuthservID string
	// Now stands in for a reply's missing or unreadable Date.
	Now time.Time
	// Answered is the text of the email the reply answers, when the caller
	// knows it (the text part of the reminder followupd sent): a trailing
	// block of the reply that quotes it is never the owner's text.
	Answered string
}

// RulesFrom takes the rules from a validated configuration.
func RulesFrom(c *config.Config, now time.Time) Rules {
	return Rules{Owner: c.Owner, Schedule: c.Schedule, AuthservID: c.Replies.AuthservID, Now: now}
}

func (r Rules) location() *time.Location {
	if r.Owner.Location == nil {
		return time.UTC
	}
	return r.Owner.Location
}

// Limits on what Read looks at, so that a huge or hostile message costs little.
const (
	maxHeaderBytes = mimelimit.MaxHeaderBytes
	maxBodyBytes   = mimelimit.MaxScanBytes
	maxTextBytes   = mimelimit.MaxTextBytes // of the one text part read
	maxDepth       = mimelimit.MaxDepth
	maxReferences  = 100
)

// Read reads a whole RFC 5322 message and says what it asks and whether it
// may. It returns an error only when the message has no readable header;
// a broken body, an unknown charset or transfer encoding still give a Reply
// (with what could be read, at worst the Unknown command).
func Read(raw io.Reader, r Rules) (Reply, error) {
	lr := &limitReader{r: raw, n: maxHeaderBytes}
	br := bufio.NewReader(lr)
	th, err := textproto.ReadHeader(br)
	if err != nil {
		return Reply{}, fmt.Errorf("read reply header: %w", err)
	}
	if th.Len() == 0 {
		return Reply{}, errors.New("read reply header: the message has no header")
	}
	lr.n = maxBodyBytes
	h := mail.Header{Header: message.Header{Header: th}}
	rep := fromHeader(h, r)

	// A broken body must not stop the reading of the command: an unknown
	// charset or encoding gives an entity that reads the raw bytes.
	text, htmlCut := "", ""
	if e, _ := message.New(h.Header, br); e != nil {
		text, htmlCut = bodyTextCut(e)
	}
	return rep.withText(text, htmlCut, r), nil
}

// Body is a reply's body as a MIME reader already decoded it (the
// watcher, package mailbox): the first text/plain and text/html parts that
// are not attachments, in UTF-8, and the text part's format=flowed and
// delsp=yes parameters.
type Body struct {
	Text, HTML    string
	Flowed, DelSp bool
}

// ReadParts is Read for a message whose header and body parts are already
// decoded: the header is judged as Read judges it, and the text (else the
// HTML) is read for the command. It never parses MIME again.
func ReadParts(h mail.Header, b Body, r Rules) Reply {
	rep := fromHeader(h, r)
	text, htmlCut := b.Text, ""
	if len(text) > maxTextBytes {
		text = strings.ToValidUTF8(text[:maxTextBytes], "")
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if b.Flowed {
		text = unflow(text, b.DelSp)
	}
	if strings.TrimSpace(text) == "" && strings.TrimSpace(b.HTML) != "" {
		html := b.HTML
		if len(html) > maxTextBytes {
			html = strings.ToValidUTF8(html[:maxTextBytes], "")
		}
		text, htmlCut = htmlToTextCut(html, true)
	}
	return rep.withText(text, htmlCut, r)
}

// fromHeader reads what the header says: the sender and whether they may
// command, the thread, the date and whether it is an auto-reply.
func fromHeader(h mail.Header, r Rules) Reply {
	rep := Reply{
		From:       senderAddress(h),
		InReplyTo:  firstOrEmpty(msgIDs(h.Get("In-Reply-To"))),
		References: msgIDs(h.Get("References")),
		Date:       r.Now,
	}
	if d, err := h.Date(); err == nil && !d.IsZero() {
		rep.Date = d
	}
	rep.Authorized, rep.Reason = Authorize(h, r)
	if why := autoReplyReason(h); why != "" {
		rep.AutoReply = true
		if rep.Reason == "" {
			rep.Reason = why
		}
	}
	return rep
}

// withText reads the command from the body's text: the owner's own part of
// it (quotes cut, htmlCut naming the HTML quote container left out before).
func (rep Reply) withText(text, htmlCut string, r Rules) Reply {
	own, rule := StripQuotedFrom(text, r.Answered)
	if rule == "" {
		rule = htmlCut
	}
	rep.Quote = rule
	parsed := ParseCommand(own, rep.Date, r)
	rep.Command, rep.Until, rep.Notes, rep.Honorific = parsed.Command, parsed.Until, parsed.Notes, parsed.Honorific
	rep.Line, rep.Hint = parsed.Line, parsed.Hint
	return rep
}

// errTooLarge ends a header longer than maxHeaderBytes or a body longer than
// maxBodyBytes.
var errTooLarge = errors.New("message too large")

// limitReader fails, rather than ending quietly, when more than n bytes
// are read: a cut-off header must not pass for a whole one.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// senderAddress is the From header's single addr-spec, lower-cased, or ""
// when there is none or more than one.
func senderAddress(h mail.Header) string {
	// Two From fields make the sender ambiguous: the owner's server may have
	// judged the other one.
	froms := h.Values("From")
	if len(froms) != 1 || strings.TrimSpace(froms[0]) == "" {
		return ""
	}
	v := froms[0]
	if list, err := mail.ParseAddressList(v); err == nil {
		if len(list) != 1 {
			return ""
		}
		return config.NormalizeAddress(list[0].Address)
	}
	// Some clients write display names net/mail refuses (unquoted dots or
	// commas): "Name, PhD <addr-spec>". Only that simple shape is taken, with
	// a single <, > and @, so that a crafted value cannot name one address
	// to the owner's server and another to us.
	v = strings.TrimSpace(v)
	open := strings.IndexByte(v, '<')
	if strings.Count(v, "<") != 1 || strings.Count(v, ">") != 1 || strings.Count(v, "@") != 1 ||
		!strings.HasSuffix(v, ">") || strings.ContainsAny(v, "\"()") {
		return ""
	}
	a := strings.TrimSpace(v[open+1 : len(v)-1])
	if !strings.Contains(a, "@") || strings.ContainsAny(a, " \t,;:") {
		return ""
	}
	return config.NormalizeAddress(a)
}

// msgIDs reads an In-Reply-To or References value leniently: every <...>
// token, or failing those every bare word that holds an @. Ids come back
// without angle brackets, at most maxReferences of them.
func msgIDs(v string) []string {
	var ids []string
	rest := v
	for len(ids) < maxReferences {
		open := strings.IndexByte(rest, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '>')
		if end < 0 {
			break
		}
		if id := strings.TrimSpace(rest[open+1 : open+end]); id != "" && !strings.ContainsAny(id, " \t\r\n") {
			ids = append(ids, id)
		}
		rest = rest[open+end+1:]
	}
	if len(ids) > 0 {
		return ids
	}
	for _, w := range strings.FieldsFunc(v, func(c rune) bool { return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' }) {
		if strings.Contains(w, "@") && len(ids) < maxReferences {
			ids = append(ids, w)
		}
	}
	return ids
}

func firstOrEmpty(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// Explanation is the "reply" object of `followupd explain --json` for a
// message that has In-Reply-To or References. Its fields are a contract.
type Explanation struct {
	Command    string `json:"command"`
	Until      string `json:"until,omitempty"` // RFC 3339 UTC, for snooze
	Notes      string `json:"notes,omitempty"`
	Honorific  string `json:"honorific,omitempty"`
	Authorized bool   `json:"authorized"`
	Reason     string `json:"reason"`

	// Quote is the rule that ended the owner's own text ("attribution line
	// 3"), so that one can see why the rest was taken as quoted.
	Quote string `json:"quote,omitempty"`
}

// Explain turns the reply into its explain form.
func (r Reply) Explain() Explanation {
	x := Explanation{
		Command:    string(r.Command),
		Notes:      r.Notes,
		Honorific:  string(r.Honorific),
		Quote:      r.Quote,
		Authorized: r.Authorized,
		Reason:     r.Reason,
	}
	if !r.Until.IsZero() {
		x.Until = r.Until.UTC().Format(time.RFC3339)
	}
	return x
}
