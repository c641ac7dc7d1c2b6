package replies

import (
	"strings"
	"unicode"
)

// The words mail clients write around a quoted message, in the languages
// followupd reads: English, French, German, Spanish, Portuguese, Italian,
// Dutch, Danish, Norwegian, Swedish, Polish, Czech, Hungarian, Russian,
// Ukrainian, Catalan, Vietnamese, Chinese, Japanese and Korean (and Finnish
// where it costs nothing). Everything is matched lower-cased.

// attributionLeads start a reply header that names the date first ("On
// ...", "Le ...", "Am ...", "El ...", "Il giorno ..."). Each ends in a space.
var attributionLeads = []string{
	"on ", "le ", "am ", "el ", "il ", "op ", "em ", "den ", "w dniu ", "dne ", "vào ", "в ",
	"у ", "dnia ", "pada ", "la ", "kl. ", "på ", "a ",
}

// wroteWords say that someone wrote what follows.
var wroteWords = []string{
	"wrote", "writes", "a écrit", "écrivait", "schrieb", "escribió", "escribio", "ha escrito",
	"ha scritto", "scrisse", "schreef", "heeft geschreven", "escreveu", "skrev", "napisał", "napisala",
	"napisała", "napisal", "napsal", "napsala", "kirjoitti", "написал", "написала", "пишет", "пише",
	"написав", "написала", "va escriure", "escrigué", "đã viết", "viết:", "ezt írta", "írta",
	"写道", "寫道", "写了", "寫了", "書きました", "のメッセージ", "さんは書きました", "작성", "님이 씀",
	"has written", "ha escrit", "geschreven", "kirjoitti", "skrifaði", "quoting ", "zitat von",
	"citando ", "citation de",
}

// deviceTails end device lines that name the device first ("iPhoneから送信",
// "나의 iPhone에서 보냄", "Az iPhone-omról küldve").
var deviceTails = []string{
	"から送信", "から送信しました", "에서 보냄", "에서 보낸 메일", "küldve", "gesendet", "verzonden",
}

// devicePrefixes start lines that clients add below the owner's text to
// say where it was written. The English "sent from my", "sent with" and
// "sent via" are in ambiguousDevicePrefixes instead: the sent command
// starts the same way.
var devicePrefixes = []string{
	"sent from outlook", "sent from mail for", "sent from yahoo", "sent from samsung",
	"sent from proton", "sent from the all new aol", "sent from aol",
	"sent from gmail", "sent from zoho", "sent from fastmail", "sent from thunderbird",
	"sent from windows mail", "sent from blackberry", "sent from xfinity", "sent from web",
	"get outlook for ", "get outlook on ", "download outlook for ",
	// French
	"envoyé de mon ", "envoyé depuis ", "envoyé à partir de", "envoyé avec ", "envoyé de ",
	"obtenir outlook pour", "télécharger outlook pour",
	// German
	"von meinem ", "gesendet von ", "gesendet mit ", "gesendet vom ", "gesendet über ",
	"outlook für ", "von unterwegs gesendet",
	// Spanish, Catalan
	"enviado desde ", "enviado con ", "enviado a través de", "obtener outlook para",
	"enviat des del ", "enviat des de ", "enviat amb ", "enviat des ",
	// Portuguese
	"enviado do meu", "enviado de meu", "enviado do ", "enviado de ", "enviado a partir d",
	"obter o outlook para", "obtenha o outlook para",
	// Italian
	"inviato da ", "inviato dal ", "inviato con ", "scarica outlook per", "ottieni outlook per",
	// Dutch
	"verzonden vanaf ", "verstuurd vanaf ", "verzonden met ", "verzonden vanuit ", "verstuurd met ",
	"outlook voor ",
	// Danish, Norwegian, Swedish
	"sendt fra ", "sendt med ", "hent outlook til", "få outlook for", "skickat från ",
	"skickades från ", "skickat med ", "hämta outlook för", "skickat ifrån ",
	// Polish, Czech
	"wysłane z ", "wysłano z ", "wysłane przy ", "pobierz outlook dla", "odesláno z ",
	"odesláno ze ", "odesláno pomocí ", "odesláno přes ", "stáhnout outlook pro",
	// Hungarian
	"küldve ", "elküldve ",
	// Russian, Ukrainian
	"отправлено с ", "отправлено из ", "отправлено через ", "получить outlook для",
	"надіслано з ", "надіслано із ", "відправлено з ", "отримати outlook для",
	// Vietnamese
	"được gửi từ ", "gửi từ ", "đã gửi từ ", "tải outlook cho",
	// Chinese
	"发自我的", "發自我的", "来自我的", "來自我的", "从我的", "從我的", "发自", "發自", "发送自",
	"獲取 outlook", "获取 outlook",
	// Japanese, Korean
	"outlook for ios を入手",
}

// ambiguousDevicePrefixes start device lines that a command could start too
// ("Sent from my own account, thanks" confirms the note).
var ambiguousDevicePrefixes = []string{"sent from my ", "sent with ", "sent from "}

// deviceNames are devices and mail apps as device lines name them.
var deviceNames = []string{
	"iphone", "ipad", "android", "mobile", "phone", "samsung", "galaxy", "blackberry", "k-9",
	"outlook", "mail", "pixel", "huawei", "xiaomi", "tablet", "watch", "aol", "yahoo", "spark",
	"proton", "tutanota", "airmail", "newton", "edison", "bluemail", "nine", "fairemail", "gmail",
	"smartphone", "device", "verizon", "sprint", "t-mobile", "at&t", "macbook", "superhuman",
	"fastmail", "zoho", "windows", "nokia", "motorola", "oneplus", "telefon", "téléphone",
	"teléfono", "telefone", "telefono", "appareil", "dispositivo", "gerät", "apparaat", "enhed",
	"enhet", "urządzenia", "zařízení", "készülék", "устройств", "телефон", "пристр", "thiết bị",
	"điện thoại", "手机", "手機", "携帯", "휴대폰", "스마트폰", "okostelefon", "mobil",
}

// separatorWords appear between the dashes (or equal signs) of a line that
// separates the owner's text from the message quoted or forwarded below it.
var separatorWords = []string{
	"original message", "reply message", "forwarded message", "message d'origine",
	"message original", "message transféré", "message de réponse", "ursprüngliche nachricht",
	"original nachricht", "originalnachricht", "weitergeleitete nachricht", "antwort nachricht",
	"mensaje original", "mensaje reenviado", "mensaje de respuesta", "mensagem original",
	"mensagem encaminhada", "mensagem de resposta", "messaggio originale", "messaggio inoltrato",
	"messaggio di risposta", "oorspronkelijk bericht", "origineel bericht", "doorgestuurd bericht",
	"oprindelig meddelelse", "videresendt meddelelse", "opprinnelig melding", "videresendt melding",
	"ursprungligt meddelande", "vidarebefordrat meddelande", "originalmeddelande",
	"oryginalna wiadomość", "wiadomość oryginalna", "przekazana wiadomość", "původní zpráva",
	"přeposlaná zpráva", "původní e-mail", "eredeti üzenet", "továbbított üzenet",
	"исходное сообщение", "пересылаемое сообщение", "пересланное сообщение", "оригинальное сообщение",
	"вихідне повідомлення", "оригінальне повідомлення", "пересланий лист", "переслане повідомлення",
	"missatge original", "missatge reenviat", "thư gốc", "tin nhắn gốc", "thư chuyển tiếp",
	"原始邮件", "原始郵件", "原始信件", "转发的邮件", "轉寄的郵件", "元のメッセージ", "転送メッセージ",
	"원본 메시지", "전달된 메시지", "alkuperäinen viesti", "oprindelig besked", "original",
	"oprindelig", "opprinnelig", "ursprunglig", "oorspronkelijk", "originál", "eredeti", "forwarded",
	"weitergeleitet", "reenviado", "encaminhad", "inoltrat", "doorgestuurd", "videresend",
	"vidarebefordra", "przekazan", "přeposlan", "továbbított", "пересла", "пересыла",
	"ursprüngliche", "oryginaln", "原始", "원본", "вихідн", "исходн",
}

// header labels: the names of the quoted message's header fields as clients
// write them above it (Outlook, Apple Mail's forwards, mobile clients).
// fromLabels name the sender, dateLabels the date, otherLabels the rest.
var fromLabels = map[string]bool{
	"from": true, "von": true, "de": true, "van": true, "da": true, "från": true, "fra": true,
	"od": true, "от": true, "від": true, "feladó": true, "từ": true, "发件人": true,
	"寄件者": true, "發件人": true, "差出人": true, "送信者": true, "보낸 사람": true, "보낸사람": true,
	"lähettäjä": true, "remitente": true, "expéditeur": true, "mittente": true, "afzender": true,
	"absender": true, "nadawca": true, "odesílatel": true, "отправитель": true, "відправник": true,
	"remetente": true, "寄件人": true,
}

var dateLabels = map[string]bool{
	"sent": true, "date": true, "gesendet": true, "datum": true, "envoyé": true, "envoyé le": true,
	"enviado": true, "enviado el": true, "enviada": true, "enviado em": true, "enviada em": true,
	"fecha": true, "data": true, "inviato": true, "inviato il": true, "verzonden": true,
	"sendt": true, "dato": true, "skickat": true, "skickades": true, "wysłano": true, "wysłane": true,
	"odesláno": true, "elküldve": true, "küldve": true, "dátum": true, "időpont": true,
	"отправлено": true, "дата": true, "надіслано": true, "відправлено": true, "enviat": true,
	"đã gửi": true, "ngày": true, "gửi": true, "发送时间": true, "發送時間": true, "日期": true,
	"时间": true, "時間": true, "送信日時": true, "日付": true, "날짜": true, "보낸 날짜": true,
	"lähetetty": true, "päivämäärä": true, "sent at": true, "enviat el": true, "gesendet am": true,
	"verzonden op": true, "sendt den": true, "skickat den": true, "wysłano dnia": true,
	"寄件日期": true, "傳送時間": true, "发送日期": true, "送信日": true, "date de l'envoi": true,
	"data de envio": true, "data wysłania": true,
}

var otherLabels = map[string]bool{
	"to": true, "cc": true, "bcc": true, "subject": true, "reply-to": true, "an": true,
	"betreff": true, "kopie": true, "à": true, "objet": true, "para": true, "asunto": true,
	"assunto": true, "a": true, "oggetto": true, "aan": true, "onderwerp": true, "til": true,
	"emne": true, "till": true, "ämne": true, "kopia": true, "do": true, "temat": true, "dw": true,
	"komu": true, "předmět": true, "címzett": true, "tárgy": true, "másolat": true, "кому": true,
	"тема": true, "копия": true, "копія": true, "per a": true, "assumpte": true, "đến": true,
	"tới": true, "chủ đề": true, "收件人": true, "收件者": true, "主题": true, "主旨": true,
	"抄送": true, "副本": true, "宛先": true, "件名": true, "받는 사람": true, "받는사람": true,
	"제목": true, "참조": true, "vastaanottaja": true, "aihe": true, "cci": true, "cco": true,
	"oggetto:": true, "onderwerp:": true, "kopio": true, "antwort an": true, "répondre à": true,
}

// headerLabelOf is the lower-cased label of a "Label: value" line ("From",
// "*Von:*", "De :", "差出人："), and the value after it; ok is false when the
// line does not start that way.
func headerLabelOf(t string) (label, value string, ok bool) {
	t = strings.TrimLeft(t, "*_ \t")
	i := strings.IndexByte(t, ':')
	w := 1
	if j := strings.Index(t, "："); j >= 0 && (i < 0 || j < i) {
		i, w = j, len("：")
	}
	if i <= 0 || i > 40 {
		return "", "", false
	}
	label = strings.ToLower(strings.TrimFunc(t[:i], func(r rune) bool { return r == '*' || r == '_' || isSpaceLike(r) }))
	if label == "" || strings.Count(label, " ") > 2 {
		return "", "", false
	}
	value = strings.TrimFunc(t[i+w:], func(r rune) bool { return r == '*' || r == '_' || isSpaceLike(r) })
	return label, value, true
}

// headerKind is 'f' for a from label, 'd' for a date label, 'o' for another
// header label, 0 for none.
func headerKind(label string) byte {
	switch {
	case fromLabels[label]:
		return 'f'
	case dateLabels[label]:
		return 'd'
	case otherLabels[label]:
		return 'o'
	}
	return 0
}

// inlineHeaderLabels counts the header labels written inside a line after
// its first, as a header block comes out when its line breaks are lost
// ("From: X Sent: Y To: Z Subject: W").
func inlineHeaderLabels(l string) int {
	n := 0
	for _, lab := range []string{
		" sent:", " date:", " to:", " subject:", " cc:", " gesendet:", " an:", " betreff:",
		" envoyé :", " envoyé:", " à :", " objet :", " enviado:", " para:", " asunto:", " assunto:",
		" inviato:", " oggetto:", " verzonden:", " aan:", " onderwerp:", " sendt:", " til:", " emne:",
		" skickat:", " till:", " ämne:", " wysłano:", " do:", " temat:", " odesláno:", " komu:",
		" předmět:", " elküldve:", " címzett:", " tárgy:", " отправлено:", " кому:", " тема:",
		" надіслано:", " enviat:", " assumpte:", " đã gửi:", " đến:", " chủ đề:", " 发送时间:",
		" 收件人:", " 主题:", " 送信日時:", " 宛先:", " 件名:", " 보낸 날짜:", " 받는 사람:", " 제목:",
		" datum:", " fecha:", " data:", " dato:", " дата:", " from:", " von:", " van:", " od:",
		" от:", " від:", " fra:", " från:", " feladó:", " 发件人:", " 差出人:", " 보낸 사람:",
	} {
		if strings.Contains(l, lab) {
			n++
		}
	}
	return n
}

// hasWroteWord reports whether a lower-cased line says someone wrote.
func hasWroteWord(l string) bool {
	for _, v := range wroteWords {
		if strings.Contains(l, v) {
			return true
		}
	}
	return false
}

// hasEmailAddress reports whether a line holds something@domain.
func hasEmailAddress(l string) bool {
	for i := 1; i < len(l)-2; i++ {
		if l[i] == '@' && isAddrByte(l[i-1]) && isAddrByte(l[i+1]) {
			return true
		}
	}
	return false
}

func isAddrByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_' || b == '+'
}

// hasDateOrTime reports whether a line holds a time of day (17:02, 17.02
// with "kl", 5:02 PM), a year (1990 to 2099), or a date written with
// separators (01.12.26, 12/1/26, 2026-12-01) or CJK units (2026年, 2026년).
func hasDateOrTime(l string) bool {
	b := []byte(l)
	for i := 0; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			continue
		}
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		n := j - i
		if i > 0 && isASCIILetter(b[i-1]) {
			i = j
			continue
		}
		if n == 4 && (b[i] == '1' && b[i+1] == '9' || b[i] == '2' && b[i+1] == '0') {
			return true
		}
		if n >= 1 && n <= 2 && j+2 < len(b) && (b[j] == ':' || b[j] == '.' || b[j] == '/' || b[j] == '-') &&
			b[j+1] >= '0' && b[j+1] <= '9' && b[j+2] >= '0' && b[j+2] <= '9' {
			return true
		}
		i = j
	}
	return false
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// startsWithDate reports whether a line starts with a date in digits:
// Gmail's "2026-12-01 17:02 GMT+01:00 Name <addr>:", "01.12.2026 17:02,
// Name:", "2026年12月1日", "2026. dec. 1.".
func startsWithDate(t string) bool {
	n := 0
	for n < len(t) && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n > 4 || n >= len(t) {
		return false
	}
	switch c := t[n]; {
	case c == '-' || c == '/' || c == '.':
		return n+1 < len(t) && (unicode.IsDigit(rune(t[n+1])) || n == 4)
	case strings.HasPrefix(t[n:], "年") || strings.HasPrefix(t[n:], "년"):
		return true
	}
	return false
}

// endsWithColon reports whether a trimmed line ends in ":" or the
// full-width "：".
func endsWithColon(t string) bool {
	return strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
}
