package mailbox

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzExtractInvitations feeds arbitrary bytes to the MIME reader: it must
// never panic, and what it returns must respect the size and count caps.
func FuzzExtractInvitations(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "messages", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(crlf("Subject: x\nContent-Type: application/ics; charset=ISO-8859-1\n\n" + testCalendar)))
	f.Add([]byte(crlf("Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n--c\nContent-Type: text/calendar\nContent-Transfer-Encoding: base64\n\n" + b64(testCalendar) + "\n--c--\n--b--\n")))
	f.Add([]byte(crlf("Subject: x\nContent-Type: multipart/mixed; boundary=\"\"\n\n--\n\n")))
	f.Add([]byte("Content-Type: text/calendar; charset=utf-16\r\n\r\n\xff\xfeB\x00E\x00"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		const maxText = 4 << 10
		m, err := ReadMessage(bytes.NewReader(raw), maxText)
		inv, err2 := ExtractInvitations(bytes.NewReader(raw))
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ReadMessage error %v, ExtractInvitations error %v", err, err2)
		}
		if err != nil {
			return
		}
		if len(inv) != len(m.Invitations) {
			t.Fatalf("ExtractInvitations found %d parts, ReadMessage %d", len(inv), len(m.Invitations))
		}
		if len(inv) > maxInvitations {
			t.Fatalf("%d invitations, above the cap", len(inv))
		}
		for _, p := range inv {
			if len(p) > MaxCalendarPart {
				t.Fatalf("invitation of %d bytes, above the cap", len(p))
			}
		}
		for _, s := range []string{m.Text, m.HTML} {
			// ToValidUTF8 may turn one stray byte into a 3-byte U+FFFD.
			if len(s) > 3*maxText || !utf8.ValidString(s) {
				t.Fatalf("body of %d bytes, valid UTF-8 %v", len(s), utf8.ValidString(s))
			}
		}
	})
}
