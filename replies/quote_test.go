package replies

import (
	"strings"
	"testing"
)

func TestStripQuoted(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "sent\n", "sent"},
		{"crlf", "sent\r\nthanks\r\n", "sent\nthanks"},
		{"gmail", "Sent it!\n\nOn Tue, Dec 1, 2026 at 5:02 PM followupd <followupd@example.org> wrote:\n\n> snooze 2d\n> cancel\n", "Sent it!"},
		{"gmail wrapped attribution", "done\n\nOn Tue, Dec 1, 2026 at 5:02 PM followupd <\nfollowupd@example.org> wrote:\n> cancel\n", "done"},
		{"gmail attribution wrapped over three lines", "done\n\nOn Tue, Dec 1, 2026 at 5:02 PM A Very Long Display\nName Of The Reminder Service <\nfollowupd@example.org> wrote:\n> cancel\n", "done"},
		{"apple mail", "skip\n\nOn 1 Dec 2026, at 17:02, followupd <followupd@example.org> wrote:\n\n> cancel\n", "skip"},
		{"thunderbird", "offer\n\nOn 12/1/26 5:02 PM, followupd wrote:\n> no offer\n", "offer"},
		{"mutt top-posted", "called\n\n* followupd <followupd@example.org> [2026-12-01 17:02]:\n> cancel\n", "called"},
		{"mutt bottom-posted", "* followupd <followupd@example.org> [2026-12-01 17:02]:\n> cancel\n> skip\n\nsnooze 2d\n", "snooze 2d"},
		{"mutt default attribution, bottom-posted", "On Tue, Dec 01, 2026 at 05:02:00PM -0500, followupd wrote:\n> cancel\n\nstatus\n", "status"},
		{"interleaved: own text ends at the next quote", "> Thank-you note due.\nsent\nthanks\n> Follow-up call due.\ncancel\n", "sent\nthanks"},
		{"quote only", "On Tue, Dec 1, 2026 at 5:02 PM followupd wrote:\n> sent\n> cancel\n", ""},
		{"quote marks with leading space", " > cancel\nsent\n", "sent"},
		{"k-9 english", "casual\n\nOn December 1, 2026 5:02:29 PM EST, followupd <followupd@example.org> wrote:\n>cancel\n", "casual"},
		{"k-9 german", "ms\n\nfollowupd <followupd@example.org> schrieb am 1. Dezember 2026 17:02:29 MEZ:\n>cancel\n", "ms"},
		{"french", "sent\n\nLe mar. 1 déc. 2026 à 17:02, followupd <followupd@example.org> a écrit :\n> cancel\n", "sent"},
		{"german", "sent\n\nAm Di., 1. Dez. 2026 um 17:02 Uhr schrieb followupd <followupd@example.org>:\n> cancel\n", "sent"},
		{"german thunderbird", "sent\n\nAm 01.12.26 um 17:02 schrieb followupd:\n> cancel\n", "sent"},
		{"spanish", "sent\n\nEl mar, 1 dic 2026 a las 17:02, followupd (<followupd@example.org>) escribió:\n> cancel\n", "sent"},
		{"italian", "sent\n\nIl giorno mar 1 dic 2026 alle ore 17:02 followupd <followupd@example.org> ha scritto:\n> cancel\n", "sent"},
		{"dutch", "sent\n\nOp di 1 dec 2026 om 17:02 schreef followupd <followupd@example.org>:\n> cancel\n", "sent"},
		{"name wrote, no lead word, quote follows", "sent\n\nfollowupd wrote:\n> cancel\n", "sent"},
		{"attribution followed by unquoted original ends the text", "sent\n\nOn Tue, Dec 1, 2026 at 5:02 PM followupd wrote:\n\ncancel\n", "sent"},
		{"attribution before any text, original unquoted", "On Tue, Dec 1, 2026 at 5:02 PM followupd wrote:\ncancel\n", ""},
		{"outlook block", "skip\n\n________________________________\nFrom: followupd <followupd@example.org>\nSent: Tuesday, December 1, 2026 5:02 PM\nTo: Alex Morgan\nSubject: Follow-up call\n\ncancel\n", "skip"},
		{"outlook bold block", "skip\n\n*From:* followupd <followupd@example.org>\n*Sent:* Tuesday, December 1, 2026 5:02 PM\n*To:* Alex\n*Subject:* x\n\ncancel\n", "skip"},
		{"outlook mac block", "skip\n\nFrom: followupd <followupd@example.org>\nDate: Tuesday, 1 December 2026 at 17:02\nTo: Alex Morgan <alex@example.org>\nSubject: Follow-up call\n\ncancel\n", "skip"},
		{"outlook german block", "skip\n\nVon: followupd <followupd@example.org>\nGesendet: Dienstag, 1. Dezember 2026 17:02\nAn: Alex Morgan\nBetreff: Follow-up call\n\ncancel\n", "skip"},
		{"outlook french block", "skip\n\nDe : followupd <followupd@example.org>\nEnvoyé : mardi 1 décembre 2026 17:02\nÀ : Alex Morgan\nObjet : Follow-up call\n\ncancel\n", "skip"},
		{"original message", "done\n\n-----Original Message-----\nFrom: followupd\nSent: Tuesday\ncancel\n", "done"},
		{"ursprüngliche nachricht", "done\n-----Ursprüngliche Nachricht-----\ncancel\n", "done"},
		{"forwarded message", "done\n---------- Forwarded message ---------\ncancel\n", "done"},
		{"signature", "offer\nsee you\n-- \nAlex\ncancel\n", "offer\nsee you"},
		{"signature without its space", "offer\n--\nAlex\ncancel\n", "offer"},
		{"sent from my iphone", "Dr\n\nSent from my iPhone\n\n> On 1 Dec 2026, at 17:02, followupd wrote:\n> cancel\n", "Dr"},
		{"envoyé de mon iphone", "sent\n\nEnvoyé de mon iPhone\n", "sent"},
		{"von meinem iphone gesendet", "sent\nVon meinem iPhone gesendet\n", "sent"},
		{"get outlook for android", "sent\n\nGet Outlook for Android<https://aka.ms/AAb9ysg>\n", "sent"},
		{"k-9 signature", "formal\n-- \nSent from my Android device with K-9 Mail. Please excuse my brevity.\n", "formal"},
		{"only a phone line", "Sent from my iPhone\n", ""},
		{"sent from, meant as the command", "Sent from my own account, thanks\n", "Sent from my own account, thanks"},
		{"a sent-from-my line naming a device is a device line", "Sent from my phone at 3pm\nand called too\n", ""},
		{"a From: line that is not a header block", "notes:\nFrom: the recruiter, good news\nShe will call.\n", "notes:\nFrom: the recruiter, good news\nShe will call."},
		{"a line starting with On that is not an attribution", "notes: On Monday she wrote the offer letter.\nOn it.\n", "notes: On Monday she wrote the offer letter.\nOn it."},
		{"leading blank lines and trailing rule", "\n\n  sent  \n_____\n", "  sent"},
		{"no-break spaces", "\u00a0\nsent\u00a0\n\u200b\n", "sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripQuoted(tt.in); got != tt.want {
				t.Errorf("StripQuoted(%q)\n = %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// The own text never holds a quoted line nor a signature separator.
func checkStripped(t *testing.T, in, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if isQuotedLine(trimSpace(l)) || isSignatureSeparator(l) {
			t.Fatalf("StripQuoted(%q) kept line %q", in, l)
		}
	}
}

func TestStripQuotedLongInput(t *testing.T) {
	// Many possible reply headers each followed by many blank lines must not
	// take quadratic time (lookAhead bounds it); the test would time out.
	in := strings.Repeat("From: x\n"+strings.Repeat("\n", 100), 2000) + "Sent from my iPhone\n" + strings.Repeat("\n", 20000)
	out := StripQuoted(in)
	checkStripped(t, in, out)
	if !strings.HasPrefix(out, "From: x") || strings.Contains(out, "iPhone") {
		t.Errorf("StripQuoted kept %.40q...%q", out, out[max(0, len(out)-40):])
	}
}
