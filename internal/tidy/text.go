// Package tidy owns the small helpers that make outside text (calendar
// summaries, names, mail headers, error strings) safe to show: on one line,
// and cut to a size. Every package that shows such text calls these rather
// than its own copy, so that a subject line, a log attribute and a CLI
// column cut text the same way.
package tidy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// OneLine puts s on one line: invalid UTF-8 is dropped, control characters
// (line breaks above all) become spaces, and runs of white space (Unicode's,
// line and paragraph separators included) collapse to one space, with none
// at either end.
func OneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

// TruncateRunes keeps the first n runes of s, followed by "…" when it cut.
func TruncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:max(n, 0)]) + "…"
}

// TruncateBytes keeps at most n bytes of s, cut at a rune boundary, with no
// mark: for a size limit, not for display.
func TruncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Clip cuts s to at most n runes in all, ending in "…" when it cut (with
// no white space before it): for text whose width is fixed, like a Subject.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}
