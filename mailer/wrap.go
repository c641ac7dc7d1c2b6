package mailer

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// textWidth is where the text/plain part of an email to the owner is
// wrapped: within the 72-78 columns that plain-text mail readers expect
// (RFC 5322 section 2.1.1 recommends at most 78 characters a line).
const textWidth = 76

// hangRE finds where a wrapped line's continuation lines start: after a
// list bullet ("- ", "1. ") or after the gap that separates a label from its
// value ("Company:      Acme", "  skip        drop this follow-up").
var hangRE = regexp.MustCompile(`^(\s*)(?:[-*•] |\d{1,2}\. |\S[^ ]*(?: [^ ]+){0,3}?\s{2,})`)

// wrapText folds every line of s longer than width at spaces. A continuation
// line is indented to line up under the text of the line it continues (see
// hangRE). A word longer than the room left (a link) is never cut: it gets a
// line of its own, as long as it needs.
func wrapText(s string, width int) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if utf8.RuneCountInString(l) <= width || !strings.Contains(strings.TrimSpace(l), " ") {
			out = append(out, l)
			continue
		}
		out = append(out, wrapLine(l, width)...)
	}
	return strings.Join(out, "\n")
}

func wrapLine(l string, width int) []string {
	hang := 0
	if m := hangRE.FindString(l); m != "" && utf8.RuneCountInString(m) <= width/2 {
		hang = utf8.RuneCountInString(m)
	} else {
		hang = len(l) - len(strings.TrimLeft(l, " "))
	}
	pad := strings.Repeat(" ", hang)
	first := []rune(l)[:hang]
	words := strings.Fields(string([]rune(l)[hang:]))
	var out []string
	cur := string(first)
	curLen := hang
	fresh := true // cur holds no word yet
	for _, w := range words {
		wl := utf8.RuneCountInString(w)
		if !fresh && curLen+1+wl > width {
			out = append(out, cur)
			cur, curLen, fresh = pad, hang, true
		}
		if fresh {
			cur += w
			curLen += wl
			fresh = false
			continue
		}
		cur += " " + w
		curLen += 1 + wl
	}
	return append(out, cur)
}
