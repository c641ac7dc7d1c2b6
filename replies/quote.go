package replies

import (
	"fmt"
	"strings"
	"unicode"
)

// StripQuoted returns the reply's own text: the first run of the owner's
// lines, without what the mail client quoted or appended. It is
// StripQuotedFrom without the answered message's text.
func StripQuoted(text string) string {
	own, _ := StripQuotedFrom(text, "")
	return own
}

// StripQuotedFrom returns the reply's own text and, in rule, which rule
// ended it and at which line of text ("attribution line 3"), "" when the
// whole text is the owner's. answered is the text of the message replied
// to when the caller knows it (followupd wrote it), else "".
//
// The own text ends at:
//   - a trailing block of lines that quotes answered (with or without "> ",
//     rewrapped: words are compared, not lines), with the reply header just
//     above it, whatever that header looks like ("reminder text");
//   - a signature separator "-- " ("signature");
//   - a separator line: "-----Original Message-----", "-----Reply
//     Message-----", their translations, "---- X wrote ----", rules of "_"
//     or "=" ("separator");
//   - a block of the quoted message's header fields (From/Sent/To/Subject,
//     or Date first, in any of the languages of quote_lexicon.go, one field
//     a line or all on one line) ("header block");
//   - a client's reply header: "On ... wrote:" and its translations, Gmail's
//     "2026-12-01 17:02 GMT+01:00 Name <addr>:", a line ending in ":" that
//     holds an address and a date, mutt's "* X [date]:", wrapped over up to
//     three lines, with the owner's text on the same line before it kept
//     ("attribution");
//   - a quoted line ("> ...") after some text of the owner's ("quote
//     marks"); one before any is skipped (the owner answered below it);
//   - a line a client adds to say where the reply was written ("Sent from
//     my iPhone", "iPhoneから送信", see isDeviceLine) ("device");
//   - a mailing list's or a service's footer ("You received this message
//     because ...", "Reply to this email directly ...") ("footer").
func StripQuotedFrom(text, answered string) (own, rule string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n")
	ans := -1
	if answered != "" {
		ans = answeredQuoteStart(lines, answered)
	}
	var kept []string
	hasOwn := false
	cut := func(name string, i int) { rule = fmt.Sprintf("%s line %d", name, i+1) }
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := trimSpace(line)
		if i == ans && !hasOwn && isQuotedLine(t) {
			ans = -1 // a quote above the owner's answer: read on
		}
		if isSignatureSeparator(line) {
			cut("signature", i)
			break
		}
		if isSeparatorLine(t) {
			cut("separator", i)
			break
		}
		if isHeaderBlock(lines, i) {
			cut("header block", i)
			break
		}
		if i == ans && !(hasOwn && isQuotedLine(t)) {
			if n, _ := attributionLines(lines, i); n == 0 {
				cut("reminder text", i)
				break
			}
		}
		if hasOwn && i > 0 && trimSpace(lines[i-1]) == "" && isLoneFromLine(t) {
			cut("header block", i)
			break
		}
		if isQuotedLine(t) {
			if hasOwn {
				cut("quote marks", i)
				break
			}
			continue
		}
		if isDeviceLine(t) {
			cut("device", i)
			break
		}
		if isFooterLine(t) {
			cut("footer", i)
			break
		}
		if n, pre := attributionLines(lines, i); n > 0 {
			if pre != "" && !isDeviceLine(pre) {
				kept = append(kept, pre)
				cut("attribution", i)
				break
			}
			next := i + n
			for next < len(lines) && trimSpace(lines[next]) == "" {
				next++
			}
			if hasOwn || next < len(lines) && !isQuotedLine(trimSpace(lines[next])) {
				cut("attribution", i)
				break // the quote follows the owner's text, or is not marked
			}
			i = next - 1
			continue
		}
		if isMeaningful(t) {
			hasOwn = true
		}
		kept = append(kept, strings.TrimRightFunc(line, isSpaceLike))
	}
	// Drop trailing blank lines and rules ("_____", "-----").
	for len(kept) > 0 {
		if t := trimSpace(kept[len(kept)-1]); t != "" && !isRule(t) {
			break
		}
		kept = kept[:len(kept)-1]
	}
	for len(kept) > 0 && trimSpace(kept[0]) == "" {
		kept = kept[1:]
	}
	return strings.Join(kept, "\n"), rule
}

// lookAhead bounds how many lines after a possible reply header are looked
// at to decide whether it is one, so that a text of many blank lines costs
// linear time.
const lookAhead = 50

// isSpaceLike is white space, including the no-break and zero-width spaces
// HTML mail is full of.
func isSpaceLike(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u200c' || r == '\u200d' ||
		r == '\u200e' || r == '\u200f'
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

// isRule is a line made of underscores, dashes or equals signs alone, or
// a lone em or en dash (the rule above a service's footer).
func isRule(t string) bool {
	return len(t) >= 3 && strings.Trim(t, "_-=—–") == "" || t == "—" || t == "–"
}

// footerStarts start the footers mailing lists and services add below a
// message (lower-cased).
var footerStarts = []string{
	"you received this message because you are subscribed",
	"you are receiving this because", "reply to this email directly",
	"to unsubscribe from this group", "to unsubscribe from this list", "unsubscribe:",
	"to view this discussion on the web",
}

// isFooterLine reports whether a line starts a list's or a service's
// footer.
func isFooterLine(t string) bool {
	if len(t) < 12 {
		return false
	}
	l := strings.ToLower(t)
	for _, f := range footerStarts {
		if strings.HasPrefix(l, f) {
			return true
		}
	}
	return false
}

// isSeparatorLine recognises a line that separates the owner's text from a
// quoted or forwarded message: a rule of at least five "_" or "=" (Outlook's
// line above its header block, a list's footer), or text between runs of
// dashes, equal signs or underscores that says "original message", "reply
// message", "forwarded message" in one of the languages, or that someone
// wrote ("---- On ... X wrote ----").
func isSeparatorLine(t string) bool {
	if len(t) >= 5 && (strings.Trim(t, "_") == "" || strings.Trim(t, "=") == "") {
		return true
	}
	if l := strings.ToLower(t); endsWithColon(t) && len(l) < 80 {
		for _, f := range forwardLines {
			if strings.HasPrefix(l, f) {
				return true
			}
		}
	}
	const marks = "-=_ \t*"
	inner := strings.Trim(t, marks)
	if inner == "" || len(t)-len(strings.TrimLeft(t, marks)) < 2 || len(t)-len(strings.TrimRight(t, marks)) < 2 {
		return false
	}
	l := strings.ToLower(inner)
	for _, w := range separatorWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return hasWroteWord(l)
}

// forwardLines start the line Apple Mail writes above a forwarded message.
var forwardLines = []string{
	"begin forwarded message", "anfang der weitergeleiteten nachricht", "début du message réexpédié",
	"inicio del mensaje reenviado", "início da mensagem reencaminhada", "inizio messaggio inoltrato",
	"begin doorgestuurd bericht", "vidarebefordrat brev", "videresendt besked",
}

// isHeaderBlock reports whether lines[i] starts the quoted message's header
// fields as clients write them above it: a From or a Date/Sent field,
// followed by further fields (blank lines between them allowed, one
// continuation line allowed): three fields in all, or two with an address
// or a date in them. All the fields on one line ("From: X Sent: Y To: Z")
// count too.
func isHeaderBlock(lines []string, i int) bool {
	label, value, ok := headerLabelOf(trimSpace(lines[i]))
	if !ok {
		return false
	}
	kind := headerKind(label)
	if kind != 'f' && kind != 'd' {
		return false
	}
	if inlineHeaderLabels(" "+strings.ToLower(value)) >= 2 {
		return true
	}
	fields, from, evidence := 1, kind == 'f', hasEmailAddress(value) || hasDateOrTime(value)
	continued := false
	seen := 0
	for j := i + 1; j < len(lines) && j <= i+lookAhead && seen < 8; j++ {
		t := trimSpace(lines[j])
		if t == "" {
			continue
		}
		seen++
		label, value, ok := headerLabelOf(t)
		k := headerKind(label)
		if !ok || k == 0 {
			if continued || fields >= 3 {
				break
			}
			continued = true
			continue
		}
		fields++
		from = from || k == 'f'
		evidence = evidence || hasEmailAddress(value) || hasDateOrTime(value)
		if fields >= 4 {
			break
		}
	}
	return fields >= 3 && (from || evidence) || fields == 2 && evidence
}

// isLoneFromLine reports whether a line is a From field that names an
// address ("From: jane@example.com", "Von: Jane <jane@example.com>"): below
// the owner's text and a blank line, it heads a quoted message even with no
// other field after it.
func isLoneFromLine(t string) bool {
	label, value, ok := headerLabelOf(t)
	if !ok || headerKind(label) != 'f' || !hasEmailAddress(value) || len(strings.Fields(value)) > 6 {
		return false
	}
	// The address ends the value: "jane@example.com", "Jane <...>",
	// "Jane [mailto:...]".
	return strings.HasSuffix(value, ">") || strings.HasSuffix(value, "]") || !strings.ContainsAny(value, " \t")
}

// attributionLines returns how many lines (1 to 3: clients wrap long ones)
// starting at lines[i] form a client's reply header, or 0 when they do not.
// pre is the owner's own text on the same line before the header ("Sent it!
// On Tue, ... wrote:"), "" when there is none.
func attributionLines(lines []string, i int) (n int, pre string) {
	first := trimSpace(lines[i])
	if first == "" || isQuotedLine(first) || len(first) > 1000 {
		return 0, ""
	}
	joined := first
	n = 1
	if !endsWithColon(joined) && !endsWithWrote(joined) && looksLikeAttributionStart(first) {
		for n < 3 && i+n < len(lines) {
			next := trimSpace(lines[i+n])
			if next == "" || isQuotedLine(next) || len(next) > 300 {
				break
			}
			joined += " " + next
			n++
			if endsWithColon(next) || endsWithWrote(next) {
				break
			}
		}
	}
	l := strings.ToLower(joined)
	if len(joined) <= 300 && strings.HasSuffix(joined, ">") && startsWithDate(l) && hasEmailAddress(l) {
		return n, "" // older Gmail: "2026/12/1 followupd <followupd@example.org>"
	}
	if len(joined) > 600 || !endsWithColon(joined) && !endsWithWrote(joined) {
		return 0, "" // "On ..., X wrote" without its colon counts too
	}
	if strings.HasPrefix(l, "* ") && strings.HasSuffix(l, "]:") && strings.Contains(l, "[") {
		return n, "" // mutt: "* followupd <...> [2026-12-01 17:02]:"
	}
	follows := -1 // whether a quote follows: -1 not yet looked at
	quoteFollows := func() bool {
		if follows < 0 {
			follows = 0
			for j := i + n; j < len(lines) && j < i+n+lookAhead; j++ {
				if t := trimSpace(lines[j]); t != "" {
					if isQuotedLine(t) {
						follows = 1
					}
					break
				}
			}
		}
		return follows == 1
	}
	if hasAttributionLead(l) || startsWithDate(l) {
		if isAttributionText(l, quoteFollows) {
			return n, ""
		}
		return 0, ""
	}
	if p := inlineAttributionStart(joined); p > 0 && p < len(first) {
		if rest := strings.ToLower(joined[p:]); isAttributionText(rest, nil) {
			if own := strings.TrimRightFunc(first[:p], func(r rune) bool { return r == '-' || isSpaceLike(r) }); isMeaningful(own) {
				return n, own
			}
		}
	}
	if isAttributionText(l, quoteFollows) {
		return n, ""
	}
	return 0, ""
}

// looksLikeAttributionStart reports whether a line that does not end in
// ":" may be the first of a wrapped reply header.
func looksLikeAttributionStart(t string) bool {
	l := strings.ToLower(t)
	return hasAttributionLead(l) || startsWithDate(l) || hasEmailAddress(l) || hasWroteWord(l) ||
		strings.Contains(l, "<") || hasDateOrTime(l)
}

// isAttributionText reports whether a lower-cased line (or lines joined)
// ending in ":" is a reply header: it says someone wrote and starts the
// way headers do or holds a date or an address (or a quote follows); or it
// holds an address and a date; or it starts with a date and names an
// address; or a quote follows and it holds an address or a date
// (quoteFollows nil: that last way is not open).
func isAttributionText(l string, quoteFollows func() bool) bool {
	wrote := hasWroteWord(l)
	addr := hasEmailAddress(l)
	date := hasDateOrTime(l)
	switch {
	case wrote && (hasAttributionLead(l) || date || addr):
		return true
	case addr && date && len(l) <= 400:
		return true
	case startsWithDate(l) && (addr || strings.Contains(l, "<")) && len(l) <= 400:
		return true
	}
	return quoteFollows != nil && (wrote || addr || date) && len(l) <= 400 && quoteFollows()
}

// hasAttributionLead reports whether a lower-cased line starts the way
// reply headers that name the date first do.
func hasAttributionLead(l string) bool {
	for _, p := range attributionLeads {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// inlineLeads are the capitalised words a reply header starts with when
// the owner's text stands before it on the same line.
var inlineLeads = []string{
	"On ", "Le ", "Am ", "El ", "Il giorno ", "Op ", "Em ", "Den ", "W dniu ", "Dne ", "Vào ",
	"В ", "У ",
}

// inlineAttributionStart is the byte offset of the first word after the
// start of s that starts a reply header ("On ...", "Le ...", a whole date
// in digits), or -1.
func inlineAttributionStart(s string) int {
	for p := 1; p < len(s); p++ {
		if s[p-1] != ' ' {
			continue
		}
		rest := s[p:]
		if startsWithFullDate(rest) {
			return p
		}
		for _, lead := range inlineLeads {
			if strings.HasPrefix(rest, lead) {
				return p
			}
		}
	}
	return -1
}

// startsWithFullDate reports whether t starts with a date of three numbers
// ("2026-12-01", "2026/12/1", "01.12.2026") or a year in CJK ("2026年").
func startsWithFullDate(t string) bool {
	if strings.HasPrefix(t, "年") || strings.HasPrefix(t, "년") {
		return false
	}
	digits := func(i int) int {
		j := i
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		return j - i
	}
	n := digits(0)
	if n == 4 && (strings.HasPrefix(t[4:], "年") || strings.HasPrefix(t[4:], "년")) {
		return true
	}
	i := 0
	for part := 0; part < 3; part++ {
		n := digits(i)
		if n == 0 || n > 4 {
			return false
		}
		i += n
		if part < 2 {
			if i >= len(t) || t[i] != '-' && t[i] != '/' && t[i] != '.' {
				return false
			}
			i++
		}
	}
	return true
}

// endsWithWrote reports whether a line ends in a word that says someone
// wrote, with no colon after it ("On Wed, ... X <addr> wrote").
func endsWithWrote(t string) bool {
	l := strings.ToLower(strings.TrimRight(t, " \t."))
	for _, v := range wroteWords {
		if strings.HasSuffix(l, strings.TrimSpace(v)) {
			return true
		}
	}
	return false
}
