package replies

import (
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

func TestUnflow(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		delSp bool
		want  string
	}{
		{"joins a flowed paragraph", "one two \nthree\nfour", false, "one two three\nfour"},
		{"delsp removes the flowing space", "one two \nthree", true, "one twothree"},
		{"quote depth change ends the paragraph", "mine \n> theirs \n> more\nafter", false, "mine \n> theirs more\nafter"},
		{"space-stuffing removed", " From here\n >not quoted", false, "From here\n>not quoted"},
		{"signature separator is not flowed", "text\n-- \nAlex", false, "text\n-- \nAlex"},
		{"nested quotes keep their depth", ">> a \n>> b", false, ">> a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unflow(tt.in, tt.delSp); got != tt.want {
				t.Errorf("unflow(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMsgIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"<a@b>", []string{"a@b"}},
		{"<a@b> <c@d>", []string{"a@b", "c@d"}},
		{"<a@b>,<c@d>", []string{"a@b", "c@d"}},
		{"<a@b>\r\n\t<c@d>", []string{"a@b", "c@d"}},
		{"a@b c@d", []string{"a@b", "c@d"}},
		{"(comment) <a@b> (Jane's message)", []string{"a@b"}},
		{"<not an id> <a@b>", []string{"a@b"}},
		{"<unclosed", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := msgIDs(tt.in); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("msgIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := len(msgIDs(strings.Repeat("<a@b> ", 1000))); n != maxReferences {
		t.Errorf("msgIDs kept %d ids, want %d", n, maxReferences)
	}
}

func TestSenderAddress(t *testing.T) {
	tests := []struct{ from, want string }{
		{"alex@example.org", "alex@example.org"},
		{"Alex Morgan <Alex.Morgan@Example.ORG>", "alex.morgan@example.org"},
		{`"Morgan, Alex" <alex@example.org>`, "alex@example.org"},
		{"=?UTF-8?Q?Al=C3=A9x?= <alex@example.org>", "alex@example.org"},
		{"Alex J. Morgan, PhD <alex@example.org>", "alex@example.org"},
		{"alex@example.org, jane@acme.example.com", ""},
		{"Undisclosed recipients:;", ""},
		{"<>", ""},
		{"Alex <alex@example.org", ""},
		{"Mallory <evil@x <alex@example.org>>", ""},
		{"alex@example.org (Alex)", "alex@example.org"},
		{"", ""},
	}
	for _, tt := range tests {
		h := mail.Header{}
		h.Set("From", tt.from)
		if got := senderAddress(h); got != tt.want {
			t.Errorf("senderAddress(%q) = %q, want %q", tt.from, got, tt.want)
		}
	}
	h := mail.Header{}
	h.Add("From", "alex@example.org")
	h.Add("From", "mallory@evil.example")
	if got := senderAddress(h); got != "" {
		t.Errorf("senderAddress with two From fields = %q, want none", got)
	}
}

func TestBodyTextPrefersPlain(t *testing.T) {
	raw := "Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<p>cancel</p>\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsent\r\n--b--\r\n"
	e, err := message.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if got := bodyText(e); strings.TrimSpace(got) != "sent" {
		t.Errorf("bodyText = %q, want the plain part", got)
	}
}

func TestBodyTextLimits(t *testing.T) {
	// Deeper than maxDepth: the text at the bottom is not reached.
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 1; i <= maxDepth+2; i++ {
		b.WriteString("--b" + itoa(i-1) + "\r\nContent-Type: multipart/mixed; boundary=b" + itoa(i) + "\r\n\r\n")
	}
	b.WriteString("--b" + itoa(maxDepth+2) + "\r\nContent-Type: text/plain\r\n\r\ncancel\r\n")
	e, err := message.Read(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if got := bodyText(e); got != "" {
		t.Errorf("bodyText read %q below the depth limit", got)
	}

	big := "Content-Type: text/plain\r\n\r\n" + strings.Repeat("a", maxTextBytes+1000)
	e, err = message.Read(strings.NewReader(big))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if got := bodyText(e); len(got) != maxTextBytes {
		t.Errorf("bodyText read %d bytes, want %d", len(got), maxTextBytes)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
