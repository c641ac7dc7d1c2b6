package replies

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

const (
	reminderID = "r.k3J9xQ2mPz7wVb4T.1@followupd.example.org"
	thankYouID = "r.k3J9xQ2mPz7wVb4T.0@followupd.example.org"
)

func newYork(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

// testRules is the owner of the fixtures: alex.morgan@example.org (alias
// alex@example.org) in New York, follow-ups at 09:00, a holiday on Monday
// 2026-12-07, mail received by mx.example.org.
func testRules(t testing.TB) Rules {
	t.Helper()
	return Rules{
		Owner: config.Owner{
			Name:     "Alex Morgan",
			Email:    "alex.morgan@example.org",
			Aliases:  []string{"alex@example.org"},
			Location: newYork(t),
		},
		Schedule: config.Schedule{
			FollowUpTime: config.ClockTime{Hour: 9, Minute: 0},
			Holidays:     []config.Date{{Year: 2026, Month: time.December, Day: 7}},
		},
		AuthservID: "mx.example.org",
		Now:        time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "replies", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReadFixtures(t *testing.T) {
	tests := []struct {
		file string
		// authservID overrides the rules' "mx.example.org"; "-" means none.
		authservID string
		command    Command
		until      string // RFC 3339, "" for none
		notes      string
		honorific  interview.Honorific
		authorized bool
		autoReply  bool
		reason     string // substring; "" means Reason must be empty
		from       string
		inReplyTo  string
		line       string // substring of Line; "" means not checked
	}{
		{file: "gmail-multipart.eml", authservID: "mx.google.com", command: Sent, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "Sent it this afternoon!"},
		{file: "outlook-desktop.eml", command: Snooze, until: "2026-12-03T19:00:00Z", authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "I’m travelling until Thursday"},
		{file: "outlook-html-only.eml", command: NoOffer, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "No offer, sadly."},
		{file: "outlook-web.eml", authservID: "-", command: Skip, authorized: true,
			from: "alex@example.org", inReplyTo: "r.Zt8Yq4Lm2Nc6Vx1K.0@followupd.example.org", line: "skip"},
		{file: "apple-mail.eml", command: Snooze, until: "2026-12-02T14:00:00Z", authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "tomorrow — the recruiter"},
		{file: "apple-iphone.eml", command: SetHonorific, honorific: interview.Dr, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: thankYouID, line: "Dr"},
		{file: "thunderbird.eml", authservID: "mx6.messagingengine.com", command: Notes, authorized: true,
			notes: "She stressed the team's move to Go and asked about on-call. Salary band not discussed; follow up on the start date.\n" +
				"Next step: the panel decides by Friday.",
			from: "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "thunderbird-html.eml", command: Called, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "Called – she'll email by Friday."},
		// Friday 10:15 EST + 1 business day, Monday 7 December a holiday: Tuesday 10:15 EST.
		{file: "mutt.eml", command: Snooze, until: "2026-12-08T15:15:00Z", authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "snooze 1bd, the office is closed today"},
		{file: "k9.eml", command: Formal, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "Formal, they all wore suits."},
		{file: "french-latin1.eml", command: Sent, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "Sent. Merci, envoyé ce matin à Mme Doe."},
		{file: "german-base64.eml", command: Notes, authorized: true,
			notes: "Frau Müller erwähnte das Gehaltsband.\nRückruf nächste Woche, Größe des Teams: 12.",
			from:  "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "quoted-commands.eml", command: Status, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "status please"},
		{file: "quoted-only.eml", command: Unknown, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "signature.eml", command: Offer, authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "Offer!! They called this morning."},
		{file: "stranger.eml", command: Cancel, authorized: false, reason: "sender jane.doe@acme.example.com is not the owner",
			from: "jane.doe@acme.example.com", inReplyTo: reminderID},
		{file: "forged-owner.eml", command: Cancel, authorized: false, reason: "dmarc=fail",
			from: "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "forged-owner.eml", authservID: "-", command: Cancel, authorized: false, reason: "dmarc=fail",
			from: "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "forged-spf.eml", command: Offer, authorized: false, reason: "spf=fail and no dkim or spf pass",
			from: "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "forged-spf.eml", authservID: "-", command: Offer, authorized: false, reason: "spf=fail",
			from: "alex.morgan@example.org", inReplyTo: reminderID},
		{file: "out-of-office.eml", command: Unknown, authorized: true, autoReply: true,
			reason: "Auto-Submitted: auto-replied", from: "alex.morgan@example.org", inReplyTo: reminderID},
		// Saturday 31 October 14:00 EDT + 2 days, across the end of DST: Monday 14:00 EST.
		{file: "apple-html-mixed.eml", command: Snooze, until: "2026-11-02T19:00:00Z", authorized: true,
			from: "alex.morgan@example.org", inReplyTo: reminderID, line: "Snooze 2d"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.authservID, func(t *testing.T) {
			rules := testRules(t)
			switch tt.authservID {
			case "-":
				rules.AuthservID = ""
			case "":
			default:
				rules.AuthservID = tt.authservID
			}
			got, err := Read(bytes.NewReader(readFixture(t, tt.file)), rules)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if got.Command != tt.command {
				t.Errorf("Command = %q (hint %q, line %q), want %q", got.Command, got.Hint, got.Line, tt.command)
			}
			var wantUntil time.Time
			if tt.until != "" {
				wantUntil = utc(tt.until)
			}
			if !got.Until.Equal(wantUntil) {
				t.Errorf("Until = %v, want %v", got.Until, wantUntil)
			}
			if got.Until.Location() != time.UTC && !got.Until.IsZero() {
				t.Errorf("Until is in %v, want UTC", got.Until.Location())
			}
			if got.Notes != tt.notes {
				t.Errorf("Notes = %q, want %q", got.Notes, tt.notes)
			}
			if got.Honorific != tt.honorific {
				t.Errorf("Honorific = %q, want %q", got.Honorific, tt.honorific)
			}
			if got.Authorized != tt.authorized || got.AutoReply != tt.autoReply {
				t.Errorf("Authorized, AutoReply = %v, %v (reason %q), want %v, %v",
					got.Authorized, got.AutoReply, got.Reason, tt.authorized, tt.autoReply)
			}
			if tt.reason == "" && got.Reason != "" || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", got.Reason, tt.reason)
			}
			if want := tt.authorized && !tt.autoReply; got.Actionable() != want {
				t.Errorf("Actionable = %v, want %v", got.Actionable(), want)
			}
			if got.From != tt.from {
				t.Errorf("From = %q, want %q", got.From, tt.from)
			}
			if got.InReplyTo != tt.inReplyTo {
				t.Errorf("InReplyTo = %q, want %q", got.InReplyTo, tt.inReplyTo)
			}
			if !got.IsReply() {
				t.Errorf("IsReply = false for a message with In-Reply-To")
			}
			if !strings.Contains(got.Line, tt.line) {
				t.Errorf("Line = %q, want it to contain %q", got.Line, tt.line)
			}
			if got.Date.IsZero() {
				t.Errorf("Date is zero; every fixture has one")
			}
		})
	}
}

func TestReadReferences(t *testing.T) {
	got, err := Read(bytes.NewReader(readFixture(t, "gmail-multipart.eml")), testRules(t))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	want := []string{thankYouID, reminderID}
	if strings.Join(got.References, " ") != strings.Join(want, " ") {
		t.Errorf("References = %q, want %q", got.References, want)
	}
	if wantDate := utc("2026-12-01T22:14:02Z"); !got.Date.Equal(wantDate) {
		t.Errorf("Date = %v, want %v", got.Date, wantDate)
	}
}

func TestReadInline(t *testing.T) {
	rules := testRules(t)
	tests := []struct {
		name    string
		msg     string
		command Command
		until   string
		auth    bool
		auto    bool
		date    string // RFC 3339; "" means rules.Now
	}{
		{
			name:    "no date falls back to Now",
			msg:     "From: alex@example.org\nIn-Reply-To: <" + reminderID + ">\n\nsnooze 3h\n",
			command: Snooze, until: "2026-12-01T15:00:00Z", auth: true, date: "2026-12-01T12:00:00Z",
		},
		{
			name:    "unreadable date falls back to Now",
			msg:     "From: alex@example.org\nDate: yesterday-ish\n\ntomorrow\n",
			command: Snooze, until: "2026-12-02T14:00:00Z", auth: true, date: "2026-12-01T12:00:00Z",
		},
		{
			name:    "header only, no blank line",
			msg:     "From: alex@example.org\nSubject: Re: x",
			command: Unknown, auth: true,
		},
		{
			name:    "no content type is text/plain",
			msg:     "From: Alex <ALEX.MORGAN@EXAMPLE.ORG>\n\nDone.\n",
			command: Sent, auth: true,
		},
		{
			name:    "unknown charset reads the bytes as they are",
			msg:     "From: alex@example.org\nContent-Type: text/plain; charset=x-unheard-of\n\ncalled\n",
			command: Called, auth: true,
		},
		{
			name:    "unknown transfer encoding reads the bytes as they are",
			msg:     "From: alex@example.org\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nskip\n",
			command: Skip, auth: true,
		},
		{
			name: "broken base64 keeps what decoded",
			msg: "From: alex@example.org\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" +
				"Y2FuY2VsCg==\n!!!not base64!!!\n",
			command: Cancel, auth: true,
		},
		{
			name: "empty plain part beside HTML reads the HTML",
			msg: "From: alex@example.org\nContent-Type: multipart/alternative; boundary=b\n\n--b\n" +
				"Content-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n<p>Ms.</p>\n--b--\n",
			command: SetHonorific, auth: true,
		},
		{
			name: "forwarded message inside is not read",
			msg: "From: alex@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\n" +
				"Content-Type: message/rfc822\n\nFrom: x@y\n\ncancel\n--b--\n",
			command: Unknown, auth: true,
		},
		{
			name: "unclosed multipart keeps what was read",
			msg: "From: alex@example.org\nContent-Type: multipart/alternative; boundary=b\n\n--b\n" +
				"Content-Type: text/plain\n\ncasual\n",
			command: Casual, auth: true,
		},
		{
			name:    "two From addresses are refused",
			msg:     "From: alex@example.org, mallory@evil.example\n\ncancel\n",
			command: Cancel, auth: false,
		},
		{
			name:    "lookalike domain is refused",
			msg:     "From: alex.morgan@example.org.evil.example\n\ncancel\n",
			command: Cancel, auth: false,
		},
		{
			name:    "display name net/mail refuses still yields the address",
			msg:     "From: Alex J. Morgan, PhD <alex.morgan@example.org>\n\nsent\n",
			command: Sent, auth: true,
		},
		{
			name:    "Precedence bulk is an auto-reply",
			msg:     "From: alex@example.org\nPrecedence: bulk\n\nsent\n",
			command: Sent, auth: true, auto: true,
		},
		{
			name:    "Auto-Submitted: no is a person",
			msg:     "From: alex@example.org\nAuto-Submitted: no\n\nsent\n",
			command: Sent, auth: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.msg), rules)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if got.Command != tt.command {
				t.Errorf("Command = %q (hint %q), want %q", got.Command, got.Hint, tt.command)
			}
			if tt.until != "" && !got.Until.Equal(utc(tt.until)) {
				t.Errorf("Until = %v, want %s", got.Until, tt.until)
			}
			if got.Authorized != tt.auth || got.AutoReply != tt.auto {
				t.Errorf("Authorized, AutoReply = %v, %v (%q), want %v, %v", got.Authorized, got.AutoReply, got.Reason, tt.auth, tt.auto)
			}
			if tt.date != "" && !got.Date.Equal(utc(tt.date)) {
				t.Errorf("Date = %v, want %s", got.Date, tt.date)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	for _, msg := range []string{
		"",
		" leading space is no header\n\nsent\n",
		"no colon here\n\nsent\n",
		"From: alex@example.org\n" + strings.Repeat("X-Pad: "+strings.Repeat("a", 1000)+"\n", 1100) + "\nsent\n",
	} {
		if _, err := Read(strings.NewReader(msg), testRules(t)); err == nil {
			t.Errorf("Read(%.40q...) gave no error", msg)
		}
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"apple-html-mixed.eml", `{"command":"snooze","until":"2026-11-02T19:00:00Z","authorized":true,"reason":"","quote":"quote marks line 3"}`},
		{"apple-mail.eml", `{"command":"snooze","until":"2026-12-02T14:00:00Z","authorized":true,"reason":"","quote":"attribution line 3"}`},
		{"apple-iphone.eml", `{"command":"honorific","honorific":"Dr.","authorized":true,"reason":"","quote":"device line 3"}`},
		{"german-base64.eml", `{"command":"notes","notes":"Frau Müller erwähnte das Gehaltsband.\nRückruf nächste Woche, Größe des Teams: 12.","authorized":true,"reason":"","quote":"attribution line 4"}`},
		{"stranger.eml", `{"command":"cancel","authorized":false,"reason":"sender jane.doe@acme.example.com is not the owner","quote":"attribution line 3"}`},
		{"outlook-html-only.eml", `{"command":"no_offer","authorized":true,"reason":"","quote":"html quote divrplyfwdmsg"}`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep, err := Read(bytes.NewReader(readFixture(t, tt.file)), testRules(t))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			b, err := json.Marshal(rep.Explain())
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			if string(b) != tt.want {
				t.Errorf("explain = %s\nwant      %s", b, tt.want)
			}
		})
	}
}
