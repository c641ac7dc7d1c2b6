package replies

import (
	"strings"
	"testing"
	"time"
)

// Reply shapes of many clients in many languages (issue 10). Every fixture
// here was written for followupd: the headers follow the shapes the clients
// write, with followupd's own addresses and dates.

// shapeReminder is the text part of a reminder as a reply quotes it: it
// holds command words ("sent", "cancel") that must never be read from it.
const shapeReminder = "Time for your thank-you note to Jane Doe at Acme Corp.\n\n" +
	"The interview ended at 11:00. The draft is below: edit it, send it, then\nreply sent.\n\n" +
	"sent (or done)           the thank-you note is on its way\n" +
	"cancel                   the interview is off: drop all its follow-ups\n"

func marked(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + l + "\n")
	}
	return b.String()
}

// language is how one language's clients write around a quote.
type language struct {
	name string
	// attribution is Gmail's (or the usual client's) reply header line.
	attribution string
	// header is the quoted message's header block, one field a line.
	header []string
	// separator is the "Original Message" line.
	separator string
	// device is the phone client's "Sent from my iPhone".
	device string
}

const shapeFrom = "followupd <followupd@example.org>"
const shapeTo = "Alex Morgan <alex.morgan@example.org>"
const shapeSubject = "Thank-you note: Jane Doe at Acme Corp"

var languages = []language{
	{"en", "On Tue, Dec 1, 2026 at 5:02 PM " + shapeFrom + " wrote:",
		[]string{"From: " + shapeFrom, "Sent: Tuesday, December 1, 2026 5:02 PM", "To: " + shapeTo, "Subject: " + shapeSubject},
		"-----Original Message-----", "Sent from my iPhone"},
	{"fr", "Le mar. 1 déc. 2026 à 17:02, " + shapeFrom + " a écrit :",
		[]string{"De : " + shapeFrom, "Envoyé : mardi 1 décembre 2026 17:02", "À : " + shapeTo, "Objet : " + shapeSubject},
		"-----Message d'origine-----", "Envoyé de mon iPhone"},
	{"de", "Am Di., 1. Dez. 2026 um 17:02 Uhr schrieb " + shapeFrom + ":",
		[]string{"Von: " + shapeFrom, "Gesendet: Dienstag, 1. Dezember 2026 17:02", "An: " + shapeTo, "Betreff: " + shapeSubject},
		"-----Ursprüngliche Nachricht-----", "Von meinem iPhone gesendet"},
	{"es", "El mar, 1 dic 2026 a las 17:02, followupd (<followupd@example.org>) escribió:",
		[]string{"De: " + shapeFrom, "Enviado: martes, 1 de diciembre de 2026 17:02", "Para: " + shapeTo, "Asunto: " + shapeSubject},
		"-----Mensaje original-----", "Enviado desde mi iPhone"},
	{"pt", "Em ter., 1 de dez. de 2026 às 17:02, " + shapeFrom + " escreveu:",
		[]string{"De: " + shapeFrom, "Enviado: terça-feira, 1 de dezembro de 2026 17:02", "Para: " + shapeTo, "Assunto: " + shapeSubject},
		"-----Mensagem original-----", "Enviado do meu iPhone"},
	{"it", "Il giorno mar 1 dic 2026 alle ore 17:02 " + shapeFrom + " ha scritto:",
		[]string{"Da: " + shapeFrom, "Inviato: martedì 1 dicembre 2026 17:02", "A: " + shapeTo, "Oggetto: " + shapeSubject},
		"-----Messaggio originale-----", "Inviato da iPhone"},
	{"nl", "Op di 1 dec 2026 om 17:02 schreef " + shapeFrom + ":",
		[]string{"Van: " + shapeFrom, "Verzonden: dinsdag 1 december 2026 17:02", "Aan: " + shapeTo, "Onderwerp: " + shapeSubject},
		"-----Oorspronkelijk bericht-----", "Verstuurd vanaf mijn iPhone"},
	{"da", "Den tir. 1. dec. 2026 kl. 17.02 skrev " + shapeFrom + ":",
		[]string{"Fra: " + shapeFrom, "Sendt: 1. december 2026 17:02", "Til: " + shapeTo, "Emne: " + shapeSubject},
		"-----Oprindelig meddelelse-----", "Sendt fra min iPhone"},
	{"no", "tir. 1. des. 2026 kl. 17:02 skrev " + shapeFrom + ":",
		[]string{"Fra: " + shapeFrom, "Sendt: tirsdag 1. desember 2026 17:02", "Til: " + shapeTo, "Emne: " + shapeSubject},
		"-----Opprinnelig melding-----", "Sendt fra min iPad"},
	{"sv", "Den tis 1 dec. 2026 kl 17:02 skrev " + shapeFrom + ":",
		[]string{"Från: " + shapeFrom, "Skickat: den 1 december 2026 17:02", "Till: " + shapeTo, "Ämne: " + shapeSubject},
		"-----Ursprungligt meddelande-----", "Skickat från min iPhone"},
	{"pl", "wt., 1 gru 2026 o 17:02 " + shapeFrom + " napisał(a):",
		[]string{"Od: " + shapeFrom, "Wysłano: wtorek, 1 grudnia 2026 17:02", "Do: " + shapeTo, "Temat: " + shapeSubject},
		"-----Oryginalna wiadomość-----", "Wysłane z iPhone'a"},
	{"cs", "Dne út 1. 12. 2026 17:02 uživatel " + shapeFrom + " napsal:",
		[]string{"Od: " + shapeFrom, "Odesláno: úterý 1. prosince 2026 17:02", "Komu: " + shapeTo, "Předmět: " + shapeSubject},
		"-----Původní zpráva-----", "Odesláno z iPhonu"},
	{"hu", shapeFrom + " ezt írta (időpont: 2026. dec. 1., K, 17:02):",
		[]string{"Feladó: " + shapeFrom, "Elküldve: 2026. december 1. 17:02", "Címzett: " + shapeTo, "Tárgy: " + shapeSubject},
		"-----Eredeti üzenet-----", "Az iPhone-omról küldve"},
	{"ru", "вт, 1 дек. 2026 г. в 17:02, " + shapeFrom + ":",
		[]string{"От: " + shapeFrom, "Отправлено: 1 декабря 2026 г. 17:02", "Кому: " + shapeTo, "Тема: " + shapeSubject},
		"-----Исходное сообщение-----", "Отправлено с iPhone"},
	{"uk", "вт, 1 груд. 2026 р. о 17:02 " + shapeFrom + " пише:",
		[]string{"Від: " + shapeFrom, "Надіслано: 1 грудня 2026 р. 17:02", "Кому: " + shapeTo, "Тема: " + shapeSubject},
		"-----Вихідне повідомлення-----", "Надіслано з iPhone"},
	{"ca", "El dt., 1 de des. 2026 a les 17:02, followupd (<followupd@example.org>) va escriure:",
		[]string{"De: " + shapeFrom, "Enviat: dimarts, 1 de desembre de 2026 17:02", "Per a: " + shapeTo, "Assumpte: " + shapeSubject},
		"-----Missatge original-----", "Enviat des del meu iPhone"},
	{"vi", "Vào Th 3, 1 thg 12, 2026 vào lúc 17:02 " + shapeFrom + " đã viết:",
		[]string{"Từ: " + shapeFrom, "Đã gửi: Thứ Ba, 1 tháng 12, 2026 17:02", "Đến: " + shapeTo, "Chủ đề: " + shapeSubject},
		"-----Thư gốc-----", "Được gửi từ iPhone của tôi"},
	{"zh", shapeFrom + " 于2026年12月1日周二 17:02写道：",
		[]string{"发件人: " + shapeFrom, "发送时间: 2026年12月1日 17:02", "收件人: " + shapeTo, "主题: " + shapeSubject},
		"------------------ 原始邮件 ------------------", "发自我的iPhone"},
	{"ja", "2026年12月1日(火) 17:02 " + shapeFrom + ":",
		[]string{"差出人: " + shapeFrom, "送信日時: 2026年12月1日 17:02", "宛先: " + shapeTo, "件名: " + shapeSubject},
		"-----元のメッセージ-----", "iPhoneから送信"},
	{"ko", "2026년 12월 1일 (화) 오후 5:02, " + shapeFrom + "님이 작성:",
		[]string{"보낸 사람: " + shapeFrom, "보낸 날짜: 2026년 12월 1일 화요일 오후 5:02", "받는 사람: " + shapeTo, "제목: " + shapeSubject},
		"-----원본 메시지-----", "나의 iPhone에서 보냄"},
}

// shape is one reply and what must be read from it.
type shape struct {
	name     string
	text     string
	answered string // the reminder's text, when the test passes it
	cmd      Command
	notes    string
	rule     string // StripQuotedFrom's rule, exactly
}

const shapeNotes = "notes: Salary band 90-110k.\nThe panel decides on Friday."
const shapeNotesWant = "Salary band 90-110k.\nThe panel decides on Friday."

// wrap splits an attribution in two the way clients wrap a long one: before
// the address, or in the middle.
func wrap(attr string) string {
	i := strings.LastIndex(attr[:min(len(attr)/2+8, 60)], " ")
	return attr[:i] + "\n" + attr[i+1:]
}

func languageShapes() []shape {
	var out []shape
	for _, l := range languages {
		hdr := strings.Join(l.header, "\n")
		add := func(name, text string, cmd Command, notes, rule string) {
			out = append(out, shape{name: l.name + "/" + name, text: text, cmd: cmd, notes: notes, rule: rule})
		}
		add("attribution, marked quote", "sent\n\n"+l.attribution+"\n"+marked(shapeReminder), Sent, "", "attribution line 3")
		add("attribution, quote not marked", shapeNotes+"\n\n"+l.attribution+"\n\n"+shapeReminder, Notes, shapeNotesWant, "attribution line 4")
		add("attribution wrapped", "cancel\n\n"+wrap(l.attribution)+"\n"+marked(shapeReminder), Cancel, "", "attribution line 3")
		add("attribution, no blank line", "skip\n"+l.attribution+"\n"+marked(shapeReminder), Skip, "", "attribution line 2")
		add("bottom-posted", l.attribution+"\n"+marked(shapeReminder)+"\nstatus\n", Status, "", "")
		add("header block", "skip\n\n"+hdr+"\n\n"+shapeReminder, Skip, "", "header block line 3")
		add("header block in bold", "offer\n\n*"+strings.Join(l.header, "\n*")+"\n\n"+shapeReminder, Offer, "", "header block line 3")
		add("outlook rule, header block", shapeNotes+"\n\n________________________________\n"+hdr+"\n\n"+shapeReminder,
			Notes, shapeNotesWant, "separator line 4")
		add("separator", "snooze 2d\n\n"+l.separator+"\n"+hdr+"\n\n"+shapeReminder, Snooze, "", "separator line 3")
		add("date first header block", "called\n\n"+l.header[1]+"\n"+l.header[0]+"\n"+l.header[3]+"\n\n"+shapeReminder,
			Called, "", "header block line 3")
		add("device line, attribution", "Dr\n\n"+l.device+"\n\n"+l.attribution+"\n"+marked(shapeReminder), SetHonorific, "", "device line 3")
		add("device line alone", l.device+"\n\n"+l.attribution+"\n"+marked(shapeReminder), Unknown, "", "device line 1")
		add("device line, header block", l.device+"\n\n"+hdr+"\n\n"+shapeReminder, Unknown, "", "device line 1")
		add("notes, signature, device line", shapeNotes+"\n-- \nAlex Morgan\n"+l.device+"\n\n"+l.attribution+"\n"+marked(shapeReminder),
			Notes, shapeNotesWant, "signature line 3")
		if i := inlineAttributionStart("x " + l.attribution); i == 2 {
			add("own text on the attribution's line", "Sent it! "+l.attribution+"\n"+marked(shapeReminder), Sent, "", "attribution line 1")
		}
		// What followupd knows: the reminder's text, whatever the header.
		for _, s := range []shape{
			{name: "reminder text, attribution", text: shapeNotes + "\n\n" + l.attribution + "\n\n" + shapeReminder, cmd: Notes,
				notes: shapeNotesWant, rule: "attribution line 4"},
			{name: "reminder text, device line", text: l.device + "\n\n" + l.attribution + "\n" + shapeReminder, cmd: Unknown,
				rule: "device line 1"},
		} {
			s.name, s.answered = l.name+"/"+s.name, shapeReminder
			out = append(out, s)
		}
	}
	return out
}

// otherShapes are the shapes that are not one language's.
var otherShapes = []shape{
	{name: "gmail date-first attribution", cmd: Sent, rule: "attribution line 3",
		text: "sent\n\n2026-12-01 17:02 GMT+01:00 followupd <followupd@example.org>:\n" + marked(shapeReminder)},
	{name: "gmail date-first, wrapped", cmd: Sent, rule: "attribution line 3",
		text: "sent\n\n2026-12-01 17:02 GMT+01:00 followupd <\nfollowupd@example.org>:\n" + marked(shapeReminder)},
	{name: "attribution over three lines", cmd: Notes, notes: shapeNotesWant, rule: "attribution line 4",
		text: shapeNotes + "\n\nOn Tuesday, December 1, 2026 at 5:02:11 PM Eastern Standard\nTime, followupd, the interview follow-up\nreminder <followupd@example.org> wrote:\n" + marked(shapeReminder)},
	{name: "reply message separator", cmd: Sent, rule: "separator line 3",
		text: "sent\n\n-----Reply Message-----\nFrom: followupd\nDate: 12/01/2026 17:02\n" + shapeReminder},
	{name: "X wrote between dashes", cmd: Called, rule: "separator line 3",
		text: "called\n\n---- On Tue, 01 Dec 2026 17:02:00 -0500 followupd <followupd@example.org> wrote ----\n\n" + shapeReminder},
	{name: "Yahoo's wrote between dashes, German", cmd: Called, rule: "separator line 2",
		text: "called\n---- followupd schrieb am Di., 1. Dez. 2026 ----\n" + shapeReminder},
	{name: "forwarded message", cmd: Notes, notes: "Recruiter's answer below.", rule: "separator line 3",
		text: "notes: Recruiter's answer below.\n\n---------- Forwarded message ---------\nFrom: Jane Doe <jane.doe@acme.example.com>\nDate: Tue, Dec 1, 2026 at 4:00 PM\n\nWe will decide soon.\n"},
	{name: "rule of equals signs", cmd: Skip, rule: "separator line 2",
		text: "skip\n==========\n" + shapeReminder},
	{name: "list footer", cmd: Notes, notes: "Good talk.", rule: "separator line 2",
		text: "notes: Good talk.\n_______________________________________________\nfollowupd-users mailing list\nfollowupd-users@lists.example.org\n"},
	{name: "header block all on one line", cmd: Sent, rule: "header block line 3",
		text: "sent\n\nFrom: " + shapeFrom + " Sent: Tuesday, December 1, 2026 5:02 PM To: " + shapeTo + " Subject: " + shapeSubject + "\n" + shapeReminder},
	{name: "date-first header block on one line", cmd: Skip, rule: "header block line 4",
		text: "skip\n\n\nDate: Tue, 1 Dec 2026 22:02:11 +0000 From: followupd@example.org To: Morgan, Alex Subject: x\n\n" + shapeReminder},
	{name: "German header block on one line", cmd: Sent, rule: "header block line 2",
		text: "sent\nVon: " + shapeFrom + " Gesendet: Dienstag, 1. Dezember 2026 17:02 An: " + shapeTo + " Betreff: x\n" + shapeReminder},
	{name: "header block, date first, Apple forward", cmd: Offer, rule: "header block line 3",
		text: "Offer!\n\nDate: 1 December 2026 at 17:02:11 CET\nFrom: " + shapeFrom + "\nTo: " + shapeTo + "\nSubject: x\n\n" + shapeReminder},
	{name: "header block, two fields with an address", cmd: Sent, rule: "header block line 3",
		text: "sent\n\nFrom: " + shapeFrom + "\nSubject: " + shapeSubject + "\n\n" + shapeReminder},
	{name: "mobile outlook: device line, rule, header block", cmd: Unknown, rule: "device line 1",
		text: "Get Outlook for Android\n________________________________\nFrom: " + shapeFrom + "\nSent: Tuesday, December 1, 2026 10:02:11 PM\nTo: " + shapeTo + "\nSubject: x\n\n" + shapeReminder},
	{name: "sent with a device line below", cmd: Sent, rule: "device line 3",
		text: "Sent, thanks!\n\nSent from my Samsung Galaxy smartphone.\n\n-------- Original message --------\nFrom: followupd\n" + shapeReminder},
	{name: "sent from my own account is the command", cmd: Sent,
		text: "Sent from my own account, thanks\n"},
	{name: "sent it this afternoon", cmd: Sent, rule: "attribution line 3",
		text: "Sent it this afternoon!\n\nOn Tue, Dec 1, 2026 at 5:02 PM followupd wrote:\n" + marked(shapeReminder)},
	{name: "interleaved: top part only", cmd: Sent, rule: "quote marks line 3",
		text: "> Time for your thank-you note.\nsent\n> The interview ended at 11:00.\ncalled too\n"},
	{name: "interleaved with the reminder's text known", cmd: Sent, rule: "quote marks line 3", answered: shapeReminder,
		text: "> Time for your thank-you note to Jane Doe at Acme Corp.\nsent\n> The interview ended at 11:00. The draft is below: edit it, send it, then\n> reply sent.\n"},
	{name: "Greek attribution known by its address and date", cmd: Notes, notes: shapeNotesWant, rule: "attribution line 4",
		text: shapeNotes + "\n\nΣτις Τρί 1 Δεκ 2026 στις 17:02, ο/η followupd <followupd@example.org> έγραψε:\n" + marked(shapeReminder)},
	{name: "unknown Greek attribution, reminder known", cmd: Notes, notes: shapeNotesWant, rule: "reminder text line 4", answered: shapeReminder,
		text: shapeNotes + "\n\nΟ χρήστης followupd έγραψε:\n" + marked(shapeReminder)},
	{name: "unknown Greek attribution, reminder not known", cmd: Notes, notes: shapeNotesWant + "\n\nΟ χρήστης followupd έγραψε:", rule: "quote marks line 5",
		text: shapeNotes + "\n\nΟ χρήστης followupd έγραψε:\n" + marked(shapeReminder)},
	{name: "unknown Turkish header, unmarked, reminder known", cmd: Sent, rule: "reminder text line 3", answered: shapeReminder,
		text: "sent\n\n1 Ara 2026 Sal 17:02 tarihinde followupd şunu yazdı\n" + shapeReminder},
	{name: "no header at all, reminder rewrapped", cmd: Notes, notes: "She liked the demo.", rule: "reminder text line 3", answered: shapeReminder,
		text: "notes: She liked the demo.\n\nTime for your thank-you note to Jane Doe at\nAcme Corp.\n\nThe interview ended at 11:00. The draft is\nbelow: edit it, send it, then reply sent.\n\nsent (or done) the thank-you note is on its\nway\n"},
	{name: "reminder known, own text repeats a line of it above the quote", cmd: Notes, answered: shapeReminder,
		notes: "the thank-you note is on its way", rule: "attribution line 3",
		text: "notes: the thank-you note is on its way\n\nOn Tue, Dec 1, 2026 at 17:02, followupd <followupd@example.org> wrote:\n" + shapeReminder},
	{name: "reminder known, own lines repeat it above an unknown header", cmd: Notes, answered: shapeReminder,
		notes: "Noted:\nthe thank-you note is on its way", rule: "reminder text line 4",
		text: "notes: Noted:\nthe thank-you note is on its way\n\nΣτις 1/12/2026 17:02, ο/η followupd έγραψε:\n" + shapeReminder},
	{name: "reminder known, own text quotes one line of it", cmd: Notes, answered: shapeReminder,
		notes: "the reminder said \"the interview ended at 11:00\"\nand it did.",
		text:  "notes: the reminder said \"the interview ended at 11:00\"\nand it did.\n"},
	{name: "reminder known, bottom-posted below it", cmd: Status, answered: shapeReminder,
		text: marked(shapeReminder) + "\nstatus\n"},
	{name: "mutt", cmd: Called, rule: "attribution line 3",
		text: "called\n\n* followupd <followupd@example.org> [2026-12-01 17:02]:\n" + marked(shapeReminder)},
	{name: "k-9 german, name first", cmd: SetHonorific, rule: "attribution line 3",
		text: "ms\n\nfollowupd <followupd@example.org> schrieb am 1. Dezember 2026 17:02:29 MEZ:\n" + marked(shapeReminder)},
	{name: "thunderbird short attribution", cmd: Offer, rule: "attribution line 3",
		text: "offer\n\nOn 12/1/26 5:02 PM, followupd wrote:\n" + marked(shapeReminder)},
	{name: "notes with a From: line of the owner's", cmd: Notes, notes: "From: the recruiter, good news\nShe will call.",
		text: "notes:\nFrom: the recruiter, good news\nShe will call.\n"},
	{name: "notes with a From: line naming an address", cmd: Notes, notes: "Offer expected.\n\nFrom: jane.doe@acme.example.com, she will send it",
		text: "notes: Offer expected.\n\nFrom: jane.doe@acme.example.com, she will send it\n"},
	{name: "a lone From: line heads the quote", cmd: Sent, rule: "header block line 3",
		text: "sent\n\nFrom: followupd <followupd@example.org>\n\n<https://example.org/x>\n" + marked(shapeReminder)},
	{name: "notes with Date: and To: lines of the owner's", cmd: Notes, notes: "Date: Friday\nTo: call Jane first",
		text: "notes:\nDate: Friday\nTo: call Jane first\n"},
	{name: "notes ending in a colon line of the owner's", cmd: Notes, notes: "Questions for the call at 10:00:\n- team size",
		text: "notes: Questions for the call at 10:00:\n- team size\n"},
	{name: "apple mail in Dutch", cmd: Sent, rule: "attribution line 3",
		text: "sent\n\nOp 1 dec. 2026 om 17:02 heeft followupd <followupd@example.org> het volgende geschreven:\n\n" + marked(shapeReminder)},
	{name: "older gmail date first, no colon", cmd: Skip, rule: "attribution line 3",
		text: "skip\n\n2026/12/1 followupd <followupd@example.org>\n\n" + marked(shapeReminder)},
	{name: "apple mail forward", cmd: Notes, notes: "The recruiter's mail, for the record.", rule: "separator line 3",
		text: "notes: The recruiter's mail, for the record.\n\nBegin forwarded message:\n\nFrom: Jane Doe <jane.doe@acme.example.com>\nSubject: Next steps\n\nWe will call you.\n"},
	{name: "outlook.com header with direction marks", cmd: Called, rule: "header block line 3",
		text: "called\n\nFrom: followupd\nSent: \u200eTuesday\u200e, \u200eDecember\u200e \u200e1\u200e, \u200e2026 \u200e5\u200e:\u200e02\u200e \u200ePM\nTo: Alex Morgan\nSubject: x\n\n" + shapeReminder},
	{name: "yandex", cmd: Offer, rule: "attribution line 3",
		text: "offer\n\n01.12.2026, 17:02, \"followupd\" <followupd@example.org>:\n" + marked(shapeReminder)},
	{name: "mail.ru", cmd: Offer, rule: "attribution line 3",
		text: "offer\n\nВторник, 1 декабря 2026, 17:02 +03:00 от followupd <followupd@example.org>:\n" + marked(shapeReminder)},
	{name: "chinese client, place first", cmd: Sent, rule: "attribution line 3",
		text: "sent\n\n在 2026年12月1日 17:02，followupd <followupd@example.org> 写道：\n\n" + shapeReminder},
	{name: "traditional chinese outlook", cmd: Sent, rule: "header block line 3",
		text: "sent\n\n寄件者: followupd <followupd@example.org>\n寄件日期: 2026年12月1日 星期二 17:02\n收件者: Alex Morgan\n主旨: x\n\n" + shapeReminder},
	{name: "catalan outlook, sent on", cmd: Sent, rule: "header block line 3",
		text: "sent\n\nDe: followupd\nEnviat el: dimarts, 1 de desembre de 2026 17:02\nPer a: Alex Morgan\nAssumpte: x\n\n" + shapeReminder},
	{name: "yahoo classic header block, indented", cmd: Sent, rule: "separator line 3",
		text: "sent\n\n________________________________\n From: followupd <followupd@example.org>\n To: Alex Morgan\n Sent: Tuesday, December 1, 2026 5:02 PM\n Subject: x\n\n" + shapeReminder},
	{name: "notes with a sent-from-my line that is the owner's", cmd: Notes, rule: "attribution line 4",
		notes: "Wrote the note on paper.\nSent from my desk, easier than from my phone.",
		text:  "notes: Wrote the note on paper.\nSent from my desk, easier than from my phone.\n\nOn Tue, Dec 1, 2026 at 5:02 PM followupd <followupd@example.org> wrote:\n" + marked(shapeReminder)},
	{name: "danish dashes around the separator", cmd: Called, rule: "separator line 3",
		text: "called\n\n-------- Oprindelig besked --------\nFra: followupd <followupd@example.org>\nDato: 01.12.2026  17.02  (GMT+01:00)\nTil: alex.morgan@example.org\nEmne: x\n"},
	{name: "finnish, wrapped", cmd: Called, rule: "attribution line 3",
		text: "called\n\nti 1. jouluk. 2026 klo 17.02 followupd\n<followupd@example.org> kirjoitti:\n\n" + shapeReminder},
	{name: "device line with its app's link, then an attribution", cmd: Unknown, rule: "device line 1",
		text: "Sent from TypeApp<http://www.example.com/r?b=7>\nOn Dec 1, 2026, at 17:02, followupd <followupd@example.org<\nmailto:followupd@example.org>> wrote:\n" + shapeReminder},
	{name: "outlook split From line", cmd: Sent, rule: "header block line 3",
		text: "sent\n\nFrom: followupd, the follow-up reminder\n<followupd@example.org>\nSent: Tuesday, December 1, 2026 5:02 PM\nTo: Alex Morgan\nSubject: x\n\n" + shapeReminder},
	{name: "google groups footer", cmd: Notes, notes: "Called them back.", rule: "footer line 4",
		text: "notes: Called them back.\n\n--- \nYou received this message because you are subscribed to the Google Groups \"job-hunt\" group.\nTo unsubscribe from this group, send an email to x@example.org.\n"},
	{name: "service footer after an em dash", cmd: Skip, rule: "footer line 3",
		text: "skip\n—\nReply to this email directly, view it on the web, or unsubscribe.\n"},
	{name: "horde", cmd: Sent, rule: "attribution line 3",
		text: "sent\n\nQuoting followupd <followupd@example.org>:\n\n" + shapeReminder},
	{name: "zimbra in German", cmd: Sent, rule: "separator line 3",
		text: "sent\n\n----- Ursprüngliche Mail -----\nVon: \"followupd\" <followupd@example.org>\n" + shapeReminder},
	{name: "tutanota", cmd: Called, rule: "attribution line 3",
		text: "called\n\n1 Dec 2026, 17:02 by followupd@example.org:\n\n" + shapeReminder},
	{name: "proton plain", cmd: Sent, rule: "separator line 3",
		text: "sent\n\n------- Original Message -------\nOn Tuesday, December 1st, 2026 at 17:02, followupd <followupd@example.org> wrote:\n\n" + marked(shapeReminder)},
	{name: "japanese, message of", cmd: Sent, rule: "attribution line 3",
		text: "sent\n\n2026/12/01 17:02、followupd <followupd@example.org> のメッセージ:\n" + marked(shapeReminder)},
	{name: "attribution without its colon", cmd: Notes, notes: "Panel on Friday.", rule: "attribution line 3",
		text: "notes: Panel on Friday.\n\nOn Tue, 1 Dec 2026 17:02:11 -0500 followupd <followupd@example.org> wrote\n\n" + shapeReminder},
	{name: "a line of notes ending in wrote stays", cmd: Notes, notes: "Jane liked what I wrote\nand asked for more.",
		text: "notes: Jane liked what I wrote\nand asked for more.\n"},
	{name: "own text on the line of a wrapped attribution", cmd: Sent, rule: "attribution line 1",
		text: "Sent it! On Tue, Dec 1, 2026 at 5:02 PM followupd <\nfollowupd@example.org> wrote:\n" + marked(shapeReminder)},
	{name: "own text on the line of a wrapped French attribution", cmd: Skip, rule: "attribution line 1",
		text: "skip Le mar. 1 déc. 2026 à 17:02, followupd\n<followupd@example.org> a écrit :\n\n" + shapeReminder},
	{name: "signature after notes", cmd: Notes, notes: "Good fit.", rule: "signature line 2",
		text: "notes: Good fit.\n-- \nAlex Morgan\n+1 555 0100\n"},
}

func TestReplyShapes(t *testing.T) {
	rules := testRules(t)
	date := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	all := append(languageShapes(), otherShapes...)
	exact := 0
	for _, s := range all {
		ok := t.Run(s.name, func(t *testing.T) {
			own, rule := StripQuotedFrom(s.text, s.answered)
			r := ParseCommand(own, date, rules)
			if r.Command != s.cmd {
				t.Errorf("command = %q (hint %q), want %q\nown text: %q", r.Command, r.Hint, s.cmd, own)
			}
			if r.Notes != s.notes {
				t.Errorf("notes = %q, want %q", r.Notes, s.notes)
			}
			if rule != s.rule {
				t.Errorf("quote rule = %q, want %q\nown text: %q", rule, s.rule, own)
			}
		})
		if ok {
			exact++
		}
	}
	t.Logf("%d of %d reply shapes read exactly", exact, len(all))
}
