package replies

import (
	"strings"
	"testing"
	"time"
)

// deviceLines are client lines in every language followupd reads, and the
// English ones in their many forms.
var deviceLines = func() []string {
	out := []string{
		"Sent from my iPhone", "Sent from my iPad", "Sent from my Samsung Galaxy smartphone.",
		"Sent from my Verizon, Samsung Galaxy smartphone", "Sent from my BlackBerry 10 smartphone.",
		"Sent from my Android device with K-9 Mail. Please excuse my brevity.", "Sent from Outlook",
		"Sent from Outlook for iOS", "Sent from Mail for Windows", "Sent from Mail for Windows 10",
		"Get Outlook for iOS", "Get Outlook for Android", "Get Outlook for Android<https://aka.ms/ghei36>",
		"Sent with Spark", "Sent with BlackBerry Work (www.blackberry.com)", "Sent from Yahoo Mail on Android",
		"Sent from Yahoo Mail for iPhone", "Sent from ProtonMail mobile", "Sent with Proton Mail secure email.",
		"Sent via the Samsung Galaxy S23, an AT&T 5G smartphone", "Sent from the all new AOL app for iOS",
		"Sent from my phone", "Sent from my mobile device", "Sent from Gmail Mobile", "Sent from my Pixel",
		"Sent from TypeApp<http://www.example.com/r?b=1>", "Sent from Acompli", "Sent from Mailbox",
		"Sent from my T-Mobile 4G LTE Device", "Sent from Polymail", "Télécharger Outlook pour Android<https://aka.ms/x>",
		"sent from my iphone", "SENT FROM MY IPHONE", "Sent from my iPhone.", "-- Sent from my iPhone",
		"Envoyé de mon iPhone", "Envoyé depuis mon appareil mobile", "Obtenir Outlook pour Android",
		"Von meinem iPhone gesendet", "Gesendet von Mail für Windows", "Gesendet mit der WEB.DE Mail App",
		"Enviado desde mi iPhone", "Enviado desde mi smartphone Samsung Galaxy.", "Obtener Outlook para Android",
		"Enviado do meu iPhone", "Enviado do Email do Windows", "Inviato da iPhone", "Inviato dal mio dispositivo Galaxy",
		"Verzonden vanaf mijn iPhone", "Verstuurd vanaf mijn iPad", "Sendt fra min iPhone", "Sendt fra Outlook",
		"Skickat från min iPhone", "Wysłane z iPhone'a", "Wysłane z mojego Galaxy", "Odesláno z iPhonu",
		"Odesláno z mého Galaxy", "Az iPhone-omról küldve", "Küldve a Samsung Galaxy okostelefonomról",
		"Отправлено с iPhone", "Отправлено из мобильной Почты Mail.ru", "Надіслано з iPhone",
		"Enviat des del meu iPhone", "Được gửi từ iPhone của tôi", "Gửi từ điện thoại Samsung Galaxy của tôi",
		"发自我的iPhone", "發自我的 iPhone", "从我的 iPhone 发送", "iPhoneから送信", "Outlook for iOS から送信",
		"나의 iPhone에서 보냄", "Samsung Galaxy에서 보냄",
	}
	for _, l := range languages {
		out = append(out, l.device)
	}
	return out
}()

func TestIsDeviceLine(t *testing.T) {
	for _, l := range deviceLines {
		if !isDeviceLine(l) {
			t.Errorf("isDeviceLine(%q) = false", l)
		}
	}
	for _, l := range []string{
		"sent", "Sent it this afternoon!", "sent, thanks", "Sent from my own account, thanks",
		"Sent from home, all good!", "notes: sent from the train", "done", "called", "snooze 2d",
		"The notification was sent from my iPhone app to all users.",
		"Inviato da Marco il suo CV ieri sera dopo il colloquio", "Envoyé de Paris hier soir", "Enviado desde la oficina de Madrid por la mañana temprano", "Sent a magnificent torch of pixels", "Sent via LinkedIn", "sent using the portal, thanks",
		"Frau Müller hat den Vertrag gesendet, ich rufe morgen an und frage nach dem Team",
	} {
		if isDeviceLine(l) {
			t.Errorf("isDeviceLine(%q) = true", l)
		}
	}
}

// A lone device line above every kind of quote header, in every language,
// is never a command: the reply has no text of its own.
func TestDeviceLineIsNeverACommand(t *testing.T) {
	rules := testRules(t)
	date := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	var quotes []string
	for _, l := range languages {
		hdr := strings.Join(l.header, "\n")
		quotes = append(quotes,
			l.attribution+"\n"+marked(shapeReminder),
			l.attribution+"\n\n"+shapeReminder,
			wrap(l.attribution)+"\n"+marked(shapeReminder),
			hdr+"\n\n"+shapeReminder,
			"________________________________\n"+hdr+"\n\n"+shapeReminder,
			l.separator+"\n"+hdr+"\n\n"+shapeReminder,
		)
	}
	quotes = append(quotes,
		marked(shapeReminder),
		shapeReminder,
		"Στις Τρί 1 Δεκ 2026 ο χρήστης followupd έγραψε\n\n"+shapeReminder,
		"2026-12-01 17:02 GMT+01:00 followupd <followupd@example.org>:\n"+marked(shapeReminder),
		"---- On Tue, 01 Dec 2026 17:02:00 -0500 followupd <followupd@example.org> wrote ----\n\n"+shapeReminder,
		"-----Reply Message-----\n"+shapeReminder,
		"",
	)
	n := 0
	for _, dev := range deviceLines {
		for _, q := range quotes {
			for _, sep := range []string{"\n\n", "\n"} {
				for _, answered := range []string{"", shapeReminder} {
					text := dev + sep + q
					own, _ := StripQuotedFrom(text, answered)
					r := ParseCommand(own, date, rules)
					n++
					if r.Command != Unknown || r.Hint != "the reply has no text of its own" {
						t.Fatalf("%q\nread as %q (own text %q, hint %q)", text, r.Command, own, r.Hint)
					}
				}
			}
		}
	}
	// ParseCommand alone takes no command from a device line or a quoted
	// header's field, nor from what follows them (the CLI may call it).
	for _, first := range append(deviceLines, "Sent: Tuesday, December 1, 2026 5:02 PM",
		"*Sent:* 01/12/2026 17:02", "Date: Tue, 1 Dec 2026 17:02:11 -0500", "From: followupd@example.org") {
		if r := ParseCommand(first+"\nsent\ncancel", date, rules); r.Command != Unknown {
			t.Errorf("ParseCommand(%q) = %q", first, r.Command)
		}
	}
	for _, own := range []string{"sent: thanks!", "Sent, thanks", "sent"} {
		if r := ParseCommand(own, date, rules); r.Command != Sent {
			t.Errorf("ParseCommand(%q) = %q, want sent", own, r.Command)
		}
	}
	t.Logf("%d device-line replies, none read as a command", n)
}
