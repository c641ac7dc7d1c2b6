package replies

import (
	"strings"
	"unicode"
)

// StripQuoted returns the reply's own text: the first run of the owner's
// lines, without what the mail client quoted or appended.
//
// Quoted lines ("> ...") and the client's reply header ("On ... wrote:" and
// its French, German, Spanish, Italian, Dutch and Portuguese forms, Apple
// Mail's "On ..., at ..., X wrote:", mutt's "* X [date]:", Outlook's "From:
// ... Sent: ..." block, "-----Original Message-----") are never the owner's
// text. A quote that comes before any text of the owner's is skipped (the
// owner answered below it); at a quote that comes after some, and at a
// reply header whose quoted message follows unmarked, the own text ends.
// The text also ends at a signature separator ("-- "), and "Sent from my
// ..." lines at its end are dropped.
func StripQuoted(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n")
	var own []string
	hasOwn := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := trimSpace(line)
		if isSignatureSeparator(line) || isOriginalMessageSeparator(t) || isHeaderBlock(lines, i) {
			break
		}
		if isQuotedLine(t) {
			if hasOwn {
				break
			}
			continue
		}
		if n := attributionLines(lines, i); n > 0 {
			next := i + n
			for next < len(lines) && trimSpace(lines[next]) == "" {
				next++
			}
			if hasOwn || next < len(lines) && !isQuotedLine(trimSpace(lines[next])) {
				break // the quote follows the owner's text, or is not marked
			}
			i = next - 1
			continue
		}
		if isMeaningful(t) {
			hasOwn = true
		}
		own = append(own, strings.TrimRightFunc(line, isSpaceLike))
	}
	// Drop trailing blank lines, "Sent from my ..." lines and rules
	// ("_____", Outlook's line above its reply header).
	meaningful := 0
	for _, l := range own {
		if isMeaningful(l) {
			meaningful++
		}
	}
	for len(own) > 0 {
		t := trimSpace(own[len(own)-1])
		if t != "" && !isRule(t) && !(isSentFromLine(t) && (meaningful > 1 || namesDevice(t))) {
			break
		}
		if isMeaningful(t) {
			meaningful--
		}
		own = own[:len(own)-1]
	}
	for len(own) > 0 && trimSpace(own[0]) == "" {
		own = own[1:]
	}
	return strings.Join(own, "\n")
}

// lookAhead bounds how many lines after a possible reply header are looked
// at to decide whether it is one, so that a text of many blank lines costs
// linear time.
const lookAhead = 50

// isSpaceLike is white space, including the no-break and zero-width spaces
// HTML mail is full of.
func isSpaceLike(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u200c' || r == '\u200d'
}

func trimSpace(s string) string { return strings.TrimFunc(s, isSpaceLike) }

// isMeaningful reports whether a line holds a letter or a digit.
func isMeaningful(line string) bool {
	return strings.IndexFunc(line, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func isQuotedLine(t string) bool { return strings.HasPrefix(t, ">") }

// isSignatureSeparator is "-- " on a line of its own, or "--" as clients that
// trim trailing space leave it (or turn the space into a no-break one).
func isSignatureSeparator(line string) bool {
	return strings.TrimRightFunc(line, isSpaceLike) == "--"
}

// isRule is a line made of underscores, dashes or equals signs alone.
func isRule(t string) bool {
	return len(t) >= 3 && strings.Trim(t, "_-=") == ""
}

// isOriginalMessageSeparator recognises "-----Original Message-----" and its
// translations, and the "Forwarded message" separators.
func isOriginalMessageSeparator(t string) bool {
	if !strings.HasPrefix(t, "--") || !strings.HasSuffix(t, "--") {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(strings.Trim(t, "- "))) {
	case "original message", "ursprüngliche nachricht", "original nachricht", "originalnachricht",
		"message d'origine", "message original", "mensaje original", "messaggio originale",
		"oorspronkelijk bericht", "mensagem original", "forwarded message",
		"weitergeleitete nachricht", "message transféré", "mensaje reenviado":
		return true
	}
	return false
}

// isSentFromLine recognises the lines mobile clients add below the text.
func isSentFromLine(t string) bool {
	l := strings.ToLower(t)
	for _, p := range []string{
		"sent from my ", "sent from outlook", "sent from mail for", "sent from yahoo",
		"sent from samsung", "sent from proton", "sent with proton", "sent from the all new aol",
		"get outlook for ", "envoyé de mon ", "envoyé depuis ", "envoyé à partir de",
		"von meinem ", "gesendet von ", "gesendet mit ", "enviado desde ", "enviado de meu",
		"enviado do meu", "inviato da ", "verzonden vanaf ", "verstuurd vanaf ",
	} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// namesDevice reports whether a "Sent from my ..." line names a device or a
// mail app, so that it is dropped even when it is all the text there is
// (while "Sent from my own account, thanks" alone is the sent command).
func namesDevice(t string) bool {
	l := strings.ToLower(t)
	for _, d := range []string{
		"iphone", "ipad", "android", "mobile", "phone", "samsung", "galaxy", "blackberry",
		"k-9", "outlook", "mail", "pixel", "huawei", "xiaomi", "tablet", "watch", "aol", "yahoo",
	} {
		if strings.Contains(l, d) {
			return true
		}
	}
	return false
}

// headerLabel is the lower-cased label of a "Label: value" line ("From",
// "*Von:*", "De :"), or "" when the line is not one.
func headerLabel(t string) string {
	t = strings.TrimLeft(t, "*_ ")
	i := strings.IndexByte(t, ':')
	if i <= 0 || i > 20 {
		return ""
	}
	label := strings.ToLower(strings.TrimRight(t[:i], "*_ \u00a0"))
	if strings.ContainsAny(label, " \t") && label != "envoyé le" {
		return ""
	}
	return label
}

func isFromLabel(l string) bool {
	switch l {
	case "from", "von", "de", "van", "da", "från", "fra", "od", "от":
		return true
	}
	return false
}

func isOtherHeaderLabel(l string) bool {
	switch l {
	case "sent", "date", "to", "cc", "subject", "gesendet", "datum", "an", "betreff",
		"envoyé", "envoyé le", "à", "objet", "enviado", "fecha", "para", "asunto", "inviato",
		"data", "a", "oggetto", "verzonden", "aan", "onderwerp", "skickat", "till", "ämne",
		"assunto", "kopie", "bcc":
		return true
	}
	return false
}

// isHeaderBlock reports whether lines[i] starts a block of the quoted
// message's header as Outlook (and Apple Mail for forwards) writes it:
// "From: ..." followed closely by at least two of Sent/Date, To, Cc, Subject
// in any of several languages.
func isHeaderBlock(lines []string, i int) bool {
	if !isFromLabel(headerLabel(trimSpace(lines[i]))) {
		return false
	}
	others, seen := 0, 0
	for j := i + 1; j < len(lines) && j <= i+lookAhead && seen < 6; j++ {
		t := trimSpace(lines[j])
		if t == "" {
			continue
		}
		seen++
		if isOtherHeaderLabel(headerLabel(t)) {
			others++
		}
	}
	return others >= 2
}

// attributionLines returns how many lines (1 to 3: Gmail wraps long ones)
// starting at lines[i] form a client's reply header such as "On Tue, Dec 1,
// 2026 at 5:02 PM followupd <...> wrote:", or 0 when they do not.
func attributionLines(lines []string, i int) int {
	first := trimSpace(lines[i])
	if first == "" || isQuotedLine(first) {
		return 0
	}
	lead := hasAttributionLead(strings.ToLower(first))
	joined := first
	n := 1
	for lead && !strings.HasSuffix(joined, ":") && n < 3 && i+n < len(lines) {
		next := trimSpace(lines[i+n])
		if next == "" || isQuotedLine(next) {
			break
		}
		joined += " " + next
		n++
	}
	if len(joined) > 500 || !strings.HasSuffix(joined, ":") {
		return 0
	}
	l := strings.ToLower(joined)
	if strings.HasPrefix(l, "* ") && strings.HasSuffix(l, "]:") && strings.Contains(l, "[") {
		return n // mutt: "* followupd <...> [2026-12-01 17:02]:"
	}
	if !hasAttributionVerb(l) {
		return 0
	}
	if lead {
		return n
	}
	// "X wrote:", "X schrieb am ...:" with no leading "On": only when a
	// quote follows.
	for j := i + n; j < len(lines) && j < i+n+lookAhead; j++ {
		if t := trimSpace(lines[j]); t != "" {
			if isQuotedLine(t) {
				return n
			}
			return 0
		}
	}
	return 0
}

// hasAttributionLead reports whether a lower-cased line starts the way reply
// headers do in English, French, German, Spanish, Italian, Dutch,
// Portuguese, Scandinavian languages and Polish.
func hasAttributionLead(l string) bool {
	for _, p := range []string{"on ", "le ", "am ", "el ", "il ", "op ", "em ", "den ", "w dniu ", "dne "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// hasAttributionVerb reports whether a lower-cased line ending in ":" says
// that someone wrote what follows.
func hasAttributionVerb(l string) bool {
	for _, v := range []string{
		"wrote", "a écrit", "écrivait", "schrieb", "escribió", "ha scritto", "scrisse",
		"schreef", "escreveu", "skrev", "napisał", "kirjoitti", "написал",
	} {
		if strings.Contains(l, v) {
			return true
		}
	}
	return false
}
