package mailbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/followupd/followupd/internal/mimelimit"
)

// Size caps on the parts handed on. A part above its cap is skipped (and, in
// the watcher, never fetched).
const (
	// MaxCalendarPart is the largest invitation part kept, decoded.
	MaxCalendarPart = mimelimit.MaxCalendarBytes
	// DefaultMaxText is the largest text/plain or text/html body kept, decoded.
	DefaultMaxText = mimelimit.MaxTextBytes
	// maxInvitations caps the invitation parts kept from one message: a
	// hostile message with thousands of tiny .ics parts is cut short.
	maxInvitations = 16
	// maxHeaderBytes caps the top-level header read from one message.
	maxHeaderBytes = mimelimit.MaxHeaderBytes
)

// Message is what the watcher hands on for each new message: the header and
// the small parts only, never an attachment other than an invitation.
type Message struct {
	Folder       string
	UID          uint32
	InternalDate time.Time
	// Header holds every top-level header field of the message.
	Header mail.Header
	// Invitations are the text/calendar, application/ics and *.ics parts,
	// inline or attached, decoded from their transfer encoding and charset,
	// in the order they appear, each at most MaxCalendarPart bytes.
	Invitations [][]byte
	// Text and HTML are the first text/plain and text/html body parts that
	// are not attachments, decoded to UTF-8; empty when absent or above the
	// size cap.
	Text, HTML string
	// Flowed and DelSp are the Text part's format=flowed and delsp=yes
	// parameters (RFC 3676): its soft line breaks are still in Text, for
	// the reader to undo.
	Flowed, DelSp bool
	// Limits names each limit of package mimelimit that reading the message
	// hit, once, in the order hit: the parts beyond it were skipped.
	Limits []string
}

// partKind is what a leaf MIME part is to followupd.
type partKind int

const (
	partOther partKind = iota
	partCalendar
	partText
	partHTML
)

// classify decides what a leaf part is from its media type, its
// Content-Type parameters and its Content-Disposition. mediaType must be
// lower-case. An invitation is recognised by type or by an .ics file name,
// whatever its disposition; a text body only when it is not an attachment.
func classify(mediaType string, params map[string]string, disposition string, dispParams map[string]string) partKind {
	switch mediaType {
	case "text/calendar", "application/ics":
		return partCalendar
	}
	if isICSName(dispParams["filename"]) || isICSName(params["name"]) {
		return partCalendar
	}
	if strings.EqualFold(disposition, "attachment") {
		return partOther
	}
	switch mediaType {
	case "text/plain":
		return partText
	case "text/html":
		return partHTML
	}
	return partOther
}

func isICSName(name string) bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimSpace(name)), ".ics")
}

// mediaTypeOf returns the lower-case media type and parameters of a part's
// header. A Content-Type whose parameters cannot be parsed still yields its
// type; a missing one is text/plain (RFC 2045 section 5.2).
func mediaTypeOf(h message.Header) (string, map[string]string) {
	t, params, err := h.ContentType()
	if err != nil {
		t, _, _ = strings.Cut(h.Get("Content-Type"), ";")
		params = nil
	}
	t = strings.ToLower(strings.TrimSpace(t))
	if t == "" {
		t = "text/plain"
	}
	return t, params
}

func dispositionOf(h message.Header) (string, map[string]string) {
	d, params, err := h.ContentDisposition()
	if err != nil {
		d, _, _ = strings.Cut(h.Get("Content-Disposition"), ";")
		params = nil
	}
	return strings.ToLower(strings.TrimSpace(d)), params
}

// classifyEntity classifies a go-message entity by its header.
func classifyEntity(h message.Header) (partKind, string, map[string]string) {
	mt, params := mediaTypeOf(h)
	disp, dparams := dispositionOf(h)
	return classify(mt, params, disp, dparams), mt, params
}

var errPartTooLarge = errors.New("part is above the size cap")

// decodeEntity reads the body of an entity already decoded from its transfer
// encoding (and, for text/*, its charset) by go-message, up to limit bytes.
// Non-text invitation parts with a charset parameter are converted here;
// go-message converts only text/*.
func decodeEntity(e *message.Entity, kind partKind, mediaType string, params map[string]string, limit int) ([]byte, error) {
	body := e.Body
	if kind == partCalendar && !strings.HasPrefix(mediaType, "text/") {
		if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
			if r, err := charset.Reader(cs, body); err == nil {
				body = r
			}
		}
	}
	b, err := io.ReadAll(io.LimitReader(body, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("decode %s part: %w", mediaType, err)
	}
	if len(b) > limit {
		return nil, errPartTooLarge
	}
	if kind == partCalendar {
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	}
	return b, nil
}

// textOf turns decoded text bytes into a valid UTF-8 string: a part sent in
// 8-bit without a charset may carry bytes that are not UTF-8.
func textOf(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// collector gathers the parts of one message, whichever way they were read.
type collector struct {
	maxText  int
	wantText bool
	msg      *Message
	// skipped counts parts dropped for their size or a decoding error.
	skipped []skippedPart
}

type skippedPart struct {
	mediaType string
	err       error
}

func (c *collector) wants(kind partKind) bool {
	switch kind {
	case partCalendar:
		return len(c.msg.Invitations) < maxInvitations
	case partText:
		return c.wantText && c.msg.Text == ""
	case partHTML:
		return c.wantText && c.msg.HTML == ""
	}
	return false
}

func (c *collector) limit(kind partKind) int {
	if kind == partCalendar {
		return MaxCalendarPart
	}
	return c.maxText
}

// add decodes one leaf entity of the given kind into the message.
func (c *collector) add(e *message.Entity, kind partKind, mediaType string, params map[string]string) {
	b, err := decodeEntity(e, kind, mediaType, params, c.limit(kind))
	if errors.Is(err, errPartTooLarge) {
		c.msg.Limits = appendLimit(c.msg.Limits, mimelimit.LimitTextBytes)
		return
	}
	if err != nil {
		c.skipped = append(c.skipped, skippedPart{mediaType, err})
		return
	}
	switch kind {
	case partCalendar:
		c.msg.Invitations = append(c.msg.Invitations, b)
	case partText:
		c.msg.Text = textOf(b)
		c.msg.Flowed = strings.EqualFold(params["format"], "flowed")
		c.msg.DelSp = strings.EqualFold(params["delsp"], "yes")
	case partHTML:
		c.msg.HTML = textOf(b)
	}
}

// ReadMessage reads a whole raw RFC 5322 message and extracts what the
// watcher would hand on: the top-level header, the invitation parts and the
// first text and HTML bodies (each at most maxText bytes decoded; maxText <= 0
// means DefaultMaxText). It fails only when the message has no parseable
// header at all; a broken body yields what could be read before the break.
func ReadMessage(r io.Reader, maxText int) (Message, error) {
	if maxText <= 0 {
		maxText = DefaultMaxText
	}
	var m Message
	c := &collector{maxText: maxText, wantText: true, msg: &m}
	if err := c.readWhole(r); err != nil {
		return Message{}, err
	}
	return m, nil
}

// ExtractInvitations returns every invitation part (text/calendar,
// application/ics, *.ics attachments) of a whole RFC 5322 message, decoded
// to UTF-8. It fails only when the message has no parseable header at all.
func ExtractInvitations(r io.Reader) ([][]byte, error) {
	var m Message
	c := &collector{msg: &m}
	if err := c.readWhole(r); err != nil {
		return nil, err
	}
	return m.Invitations, nil
}

func (c *collector) readWhole(r io.Reader) error {
	budget := mimelimit.NewReader(r)
	e, err := message.ReadWithOptions(budget, &message.ReadOptions{MaxHeaderBytes: maxHeaderBytes})
	if e == nil {
		// go-message reads ahead in 4 KiB chunks: a header that failed
		// after that much was read ran into its cap.
		if mimelimit.LimitOf(err) == "" && budget.Consumed() >= maxHeaderBytes {
			err = &mimelimit.Error{Limit: mimelimit.LimitHeaderBytes}
		}
		return fmt.Errorf("read message header: %w", err)
	}
	if e.Header.Len() > mimelimit.MaxHeaderFields {
		return fmt.Errorf("read message header: %w", &mimelimit.Error{Limit: mimelimit.LimitHeaderFields})
	}
	c.msg.Header = mail.Header{Header: e.Header.Copy()}
	// A walk error (a broken multipart body) keeps what was read before it.
	hit, _ := mimelimit.Walk(e, budget.Budget(), func(part *message.Entity) error {
		kind, mt, params := classifyEntity(part.Header)
		if c.wants(kind) {
			c.add(part, kind, mt, params)
		}
		return nil
	})
	c.msg.Limits = append(c.msg.Limits, hit...)
	return nil
}

// readPart decodes one part fetched on its own: its MIME header (for a
// single-part message, the message header) and its still-encoded body.
func (c *collector) readPart(mimeHeader, body []byte, kind partKind) error {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(mimeHeader)))
	if err != nil {
		return fmt.Errorf("read part header: %w", err)
	}
	mh := message.Header{Header: h}
	mt, params := mediaTypeOf(mh)
	e, err := message.New(mh, bytes.NewReader(body))
	if e == nil {
		return fmt.Errorf("read part: %w", err)
	}
	// An unknown charset or transfer encoding leaves the body as sent.
	if c.wants(kind) {
		c.add(e, kind, mt, params)
	}
	return nil
}

// parseHeader reads a top-level header fetched with BODY.PEEK[HEADER].
func parseHeader(b []byte) (mail.Header, error) {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		return mail.Header{}, fmt.Errorf("read message header: %w", err)
	}
	return mail.Header{Header: message.Header{Header: h}}, nil
}

// wordDecoder decodes RFC 2047 words in any charset go-message knows.
func wordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: charset.Reader}
}
