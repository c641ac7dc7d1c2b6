package mailbox

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// crlf turns a test message written with \n into wire form.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "messages", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadMessageFixtures(t *testing.T) {
	tests := []struct {
		file        string
		invitations int
		calendar    []string // each must be in every invitation
		text, html  string   // substrings; "" means the body must be empty
		subject     string
		messageID   string
	}{
		{
			file: "gmail-invitation.eml", invitations: 2,
			calendar:  []string{"SUMMARY:Interview with Jane Doe at Acme Corp", "METHOD:REQUEST", "mailto:alex.morgan@example.org"},
			text:      "Wednesday Nov 4, 2026 3pm \u2013 4pm",
			html:      "<h3 style=\"font-weight:bold\">Interview with Jane Doe at Acme Corp</h3>",
			subject:   "Invitation: Interview with Jane Doe at Acme Corp @ Wed Nov 4, 2026 3pm - 4pm (UTC) (alex.morgan@example.org)",
			messageID: "calendar-5f3e1c2a-7b8d-4e0f-9a61-2c3d4e5f6a7b@google.com",
		},
		{
			file: "outlook-invitation.eml", invitations: 1,
			calendar:  []string{"TZID:Eastern Standard Time", "SUMMARY:Acme Corp \u2013 onsite interview", "CN=Robert Smith"},
			text:      "Please ask for me at the front desk.",
			html:      "<div>Best,<br>Robert Smith</div>",
			subject:   "Acme Corp - onsite interview",
			messageID: "BN8PR12MB33451C2D3E4F5A6B7C8D9E0FA1B2@BN8PR12MB3345.namprd12.prod.outlook.com",
		},
		{
			file: "apple-invitation.eml", invitations: 1,
			calendar:  []string{"SUMMARY:Phone screen: Globex Inc interview", "UID:A1B2C3D4-E5F6-4789-ABCD-0123456789AB"},
			text:      "the invitation for our phone screen is attached",
			subject:   "Phone screen with Globex",
			messageID: "9C8B7A6F-5E4D-3C2B-1A0F-E9D8C7B6A5F4@globex.example",
		},
		{
			file: "latin1-invitation.eml", invitations: 1,
			calendar:  []string{"SUMMARY:Interview with J\u00fcrgen M\u00fcller at Initech Caf\u00e9", "CN=J\u00fcrgen M\u00fcller"},
			text:      "Gespr\u00e4ch im Caf\u00e9",
			subject:   "Einladung: Interview mit J\u00fcrgen M\u00fcller",
			messageID: "latin1-0001@initech.example",
		},
		{
			file: "cancel-single-part.eml", invitations: 1,
			calendar:  []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1"},
			subject:   "Canceled event: Interview with Jane Doe at Acme Corp",
			messageID: "calendar-cancel-5f3e1c2a@google.com",
		},
		{
			file: "reply-sent.eml", invitations: 0,
			text:      "sent\r\n\r\nOn Wed, Nov 4, 2026",
			subject:   "Re: Thank-you note for Jane Doe (Acme Corp)",
			messageID: "reply-1@example.org",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := ReadMessage(bytes.NewReader(readFixture(t, tt.file)), 0)
			if err != nil {
				t.Fatalf("ReadMessage: %v", err)
			}
			if len(m.Invitations) != tt.invitations {
				t.Fatalf("got %d invitations, want %d", len(m.Invitations), tt.invitations)
			}
			for i, inv := range m.Invitations {
				if !utf8.Valid(inv) {
					t.Errorf("invitation %d is not UTF-8", i)
				}
				if !bytes.HasPrefix(inv, []byte("BEGIN:VCALENDAR")) {
					t.Errorf("invitation %d starts %q", i, inv[:min(len(inv), 20)])
				}
				for _, want := range tt.calendar {
					if !bytes.Contains(inv, []byte(want)) {
						t.Errorf("invitation %d lacks %q", i, want)
					}
				}
			}
			checkBody(t, "text", m.Text, tt.text)
			checkBody(t, "html", m.HTML, tt.html)
			if s, err := m.Header.Subject(); err != nil || s != tt.subject {
				t.Errorf("subject = %q, %v; want %q", s, err, tt.subject)
			}
			if id, err := m.Header.MessageID(); err != nil || id != tt.messageID {
				t.Errorf("message-id = %q, %v; want %q", id, err, tt.messageID)
			}
			inv, err := ExtractInvitations(bytes.NewReader(readFixture(t, tt.file)))
			if err != nil || len(inv) != tt.invitations {
				t.Errorf("ExtractInvitations: %d parts, %v; want %d", len(inv), err, tt.invitations)
			}
		})
	}
}

func checkBody(t *testing.T, what, got, want string) {
	t.Helper()
	if want == "" {
		if got != "" {
			t.Errorf("%s = %q, want none", what, got)
		}
		return
	}
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

const testCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x-1@example.org\r\nSUMMARY:Interview with Jane Doe at Acme Corp\r\nDTSTART:20261104T150000Z\r\nDTEND:20261104T160000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func b64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	return b.String()
}

func TestExtractInvitationsShapes(t *testing.T) {
	latin1Summary := "SUMMARY:Caf\xe9 interview\r\n" // ISO-8859-1 bytes
	tests := []struct {
		name string
		msg  string
		want []string // substrings, one per expected invitation
	}{
		{
			name: "application/ics inline without file name",
			msg:  "Subject: x\nContent-Type: application/ics\n\n" + testCalendar,
			want: []string{"SUMMARY:Interview with Jane Doe at Acme Corp"},
		},
		{
			name: "text/calendar as attachment, base64",
			msg: "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n" +
				"--b\nContent-Type: text/calendar; method=REQUEST\nContent-Disposition: attachment; filename=invite.ics\nContent-Transfer-Encoding: base64\n\n" +
				b64(testCalendar) + "\n--b--\n",
			want: []string{"UID:x-1@example.org"},
		},
		{
			name: "octet-stream with .ics name in Content-Type only, upper-case",
			msg: "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream; name=\"INVITE.ICS\"\nContent-Transfer-Encoding: base64\n\n" +
				b64(testCalendar) + "\n--b--\n",
			want: []string{"UID:x-1@example.org"},
		},
		{
			name: "nested mixed > alternative > related",
			msg: "Subject: x\nContent-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=alt\n\n" +
				"--alt\nContent-Type: text/plain\n\nhello\n--alt\nContent-Type: multipart/related; boundary=rel\n\n--rel\nContent-Type: text/html\n\n<p>hi</p>\n--rel--\n" +
				"--alt\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\nContent-Transfer-Encoding: quoted-printable\n\n" +
				strings.ReplaceAll(testCalendar, "SUMMARY:", "SUMMARY=3A") + "\n--alt--\n--outer--\n",
			want: []string{"SUMMARY:Interview with Jane Doe"},
		},
		{
			name: "text/calendar in windows-1252",
			msg:  "Subject: x\nContent-Type: text/calendar; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\nBEGIN:VCALENDAR\r\n" + latin1Summary + "END:VCALENDAR\r\n",
			want: []string{"SUMMARY:Caf\u00e9 interview"},
		},
		{
			name: "application/ics with an ISO-8859-1 charset parameter",
			msg:  "Subject: x\nContent-Type: application/ics; charset=ISO-8859-1\n\nBEGIN:VCALENDAR\r\n" + latin1Summary + "END:VCALENDAR\r\n",
			want: []string{"SUMMARY:Caf\u00e9 interview"},
		},
		{
			name: "byte-order mark removed",
			msg:  "Subject: x\nContent-Type: text/calendar; charset=utf-8\n\n\uFEFF" + testCalendar,
			want: []string{"BEGIN:VCALENDAR"},
		},
		{
			name: "unknown charset keeps the bytes",
			msg:  "Subject: x\nContent-Type: text/calendar; charset=x-no-such-charset\n\n" + testCalendar,
			want: []string{"UID:x-1@example.org"},
		},
		{
			name: "truncated multipart keeps the parts before the break",
			msg: "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/calendar\n\n" + testCalendar +
				"\n--b\nContent-Type: application/ics\nContent-Transfer-Encoding: base64\n\nQkVHSU46VkNBTEVOREFS",
			want: []string{"UID:x-1@example.org"},
		},
		{
			name: "image attachment and text attachment are not invitations",
			msg: "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: image/png; name=logo.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n" +
				"--b\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\nBEGIN:VCALENDAR\n--b--\n",
		},
		{
			name: "no body at all",
			msg:  "Subject: x\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExtractInvitations(strings.NewReader(crlf(tt.msg)))
			if err != nil {
				t.Fatalf("ExtractInvitations: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d invitations %q, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(string(got[i]), w) {
					t.Errorf("invitation %d = %q, want it to contain %q", i, got[i], w)
				}
				if bytes.HasPrefix(got[i], []byte("\uFEFF")) {
					t.Errorf("invitation %d keeps its byte-order mark", i)
				}
			}
		})
	}
}

func TestReadMessageLimits(t *testing.T) {
	big := strings.Repeat("x", 300<<10)
	huge := "BEGIN:VCALENDAR\r\nX-PAD:" + strings.Repeat("y", MaxCalendarPart) + "\r\nEND:VCALENDAR\r\n"
	msg := crlf("Subject: limits\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\n" + big + "\n" + // above the text cap: skipped
		"--b\nContent-Type: text/plain\n\nsecond body\n" + // the first one that fits
		"--b\nContent-Type: text/calendar\n\n" + huge + "\n" + // above the calendar cap
		"--b\nContent-Type: text/calendar\n\n" + testCalendar + "\n--b--\n")
	m, err := ReadMessage(strings.NewReader(msg), 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "second body" {
		t.Errorf("text = %.40q, want the second body", m.Text)
	}
	if len(m.Invitations) != 1 || !strings.Contains(string(m.Invitations[0]), "UID:x-1@example.org") {
		t.Errorf("got %d invitations, want only the small one", len(m.Invitations))
	}

	m, err = ReadMessage(strings.NewReader(crlf("Subject: small cap\n\nhello world\n")), 5)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "" {
		t.Errorf("text = %q above a 5-byte cap, want none", m.Text)
	}

	var parts strings.Builder
	parts.WriteString("Subject: many\nContent-Type: multipart/mixed; boundary=b\n\n")
	for range 3 * maxInvitations {
		parts.WriteString("--b\nContent-Type: text/calendar\n\n" + testCalendar + "\n")
	}
	parts.WriteString("--b--\n")
	inv, err := ExtractInvitations(strings.NewReader(crlf(parts.String())))
	if err != nil || len(inv) != maxInvitations {
		t.Errorf("got %d invitations, %v; want the cap of %d", len(inv), err, maxInvitations)
	}
}

func TestReadMessageInvalidUTF8Text(t *testing.T) {
	// 8-bit text without a charset: the body must still be valid UTF-8.
	m, err := ReadMessage(strings.NewReader("Subject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9\r\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(m.Text) || !strings.HasPrefix(m.Text, "Caf") {
		t.Errorf("text = %q", m.Text)
	}
}

func TestExtractInvitationsNoHeader(t *testing.T) {
	for _, msg := range []string{
		"this line is not a header field\r\nnor this one\r\n\r\nbody",
		"Subject: x\r\n continuation\r\n\x00bad",
	} {
		if _, err := ExtractInvitations(strings.NewReader(msg)); err == nil {
			t.Errorf("ExtractInvitations(%q): no error", msg)
		}
	}
}
