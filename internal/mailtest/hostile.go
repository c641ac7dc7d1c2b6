package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Hostile is one message built to make a mail reader slow or hungry.
type Hostile struct {
	Name string
	Raw  []byte
	// Limit is the mimelimit name a reader must report for it ("" when
	// the message is merely broken, not above a limit).
	Limit string
}

// HostileMessages are the messages the hostile-input tests feed to the
// readers: deep nesting, a flood of parts, a 10 MB attachment, broken
// encodings, an endless header, a header of thousands of fields and an
// invitation with thousands of attendees. Each is well-formed enough to be
// delivered by an MTA or appended over IMAP.
func HostileMessages() []Hostile {
	return []Hostile{
		{Name: "nested-5000", Raw: NestedMultipart(5000), Limit: "mime_depth"},
		{Name: "parts-5000", Raw: manyParts(5000), Limit: "mime_parts"},
		{Name: "attachment-10MB", Raw: bigAttachment(10 << 20)},
		{Name: "broken-encodings", Raw: brokenEncodings()},
		{Name: "endless-header", Raw: endlessHeader(2 << 20), Limit: "header_size"},
		{Name: "header-fields-5000", Raw: manyHeaderFields(5000), Limit: "header_fields"},
		{Name: "attendees-10000", Raw: AttendeeFlood(10000)},
	}
}

func hostileHeader(subject string) string {
	return "From: Mallory <mallory@hostile.example>\r\nTo: alex.morgan@example.org\r\n" +
		"Subject: " + subject + "\r\nMessage-ID: <" + subject + "@hostile.example>\r\n" +
		"Date: Wed, 02 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
}

// NestedMultipart is a message whose multiparts nest depth levels deep,
// with a text part at the bottom.
func NestedMultipart(depth int) []byte {
	var b bytes.Buffer
	b.WriteString(hostileHeader(fmt.Sprintf("nested-%d", depth)))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"n0\"\r\n\r\n")
	for i := 1; i < depth; i++ {
		fmt.Fprintf(&b, "--n%d\r\nContent-Type: multipart/mixed; boundary=\"n%d\"\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--n%d\r\nContent-Type: text/plain\r\n\r\nthe bottom\r\n", depth-1)
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--n%d--\r\n", i)
	}
	return b.Bytes()
}

func manyParts(n int) []byte {
	var b bytes.Buffer
	b.WriteString(hostileHeader(fmt.Sprintf("parts-%d", n)))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	for range n {
		b.WriteString("--p\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n")
	}
	b.WriteString("--p--\r\n")
	return b.Bytes()
}

func bigAttachment(size int) []byte {
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	b.WriteString(hostileHeader("attachment"))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n")
	b.WriteString("--a\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--a--\r\n")
	return b.Bytes()
}

func brokenEncodings() []byte {
	var b bytes.Buffer
	b.WriteString(hostileHeader("broken"))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"e\"\r\n\r\n")
	b.WriteString("--e\r\nContent-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: x-uuencode-ish\r\n\r\nnot decodable\r\n")
	b.WriteString("--e\r\nContent-Type: text/calendar; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!! this is not base64 ####\r\n")
	b.WriteString("--e\r\nContent-Type: text/html; charset=utf-16\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=0=\r\n")
	b.WriteString("--e\r\nContent-Type: text/calendar; charset=\"utf-8\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
	// No closing boundary: the body breaks off.
	return b.Bytes()
}

func endlessHeader(size int) []byte {
	var b bytes.Buffer
	b.WriteString(hostileHeader("endless-header"))
	b.WriteString("X-Endless: a")
	for b.Len() < size {
		b.WriteString("\r\n " + strings.Repeat("z", 70))
	}
	b.WriteString("\r\nContent-Type: text/plain\r\n\r\nbody\r\n")
	return b.Bytes()
}

func manyHeaderFields(n int) []byte {
	var b bytes.Buffer
	b.WriteString(hostileHeader(fmt.Sprintf("fields-%d", n)))
	for i := range n {
		fmt.Fprintf(&b, "X-Field-%d: v\r\n", i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nbody\r\n")
	return b.Bytes()
}

// AttendeeFlood is an invitation whose one event has n attendees.
func AttendeeFlood(n int) []byte {
	var ics strings.Builder
	ics.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" +
		"UID:flood@hostile.example\r\nDTSTAMP:20261202T100000Z\r\nDTSTART:20261210T150000Z\r\nDTEND:20261210T160000Z\r\n" +
		"SUMMARY:Interview with everyone at Hostile Inc\r\nORGANIZER:mailto:mallory@hostile.example\r\n")
	for i := range n {
		fmt.Fprintf(&ics, "ATTENDEE;CN=Person %d;ROLE=REQ-PARTICIPANT:mailto:p%d@hostile.example\r\n", i, i)
	}
	ics.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
	var b bytes.Buffer
	b.WriteString(hostileHeader(fmt.Sprintf("attendees-%d", n)))
	b.WriteString("Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(ics.String()))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
