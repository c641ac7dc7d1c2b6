package detect

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Regular expressions are compiled once and only read afterwards.
var (
	// linkRe finds URLs, mailto:/tel: URIs and email addresses, whose words
	// ("https://acme.com/interview-guide", "interviews@acme.com") must not
	// make an event an interview.
	linkRe = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]*://\S*|\bwww\.\S*|\b(?:mailto|tel):\S*|[^\s<>()"',;:]+@[^\s<>()"',;]+`)

	// htmlTagRe tells a description written in HTML (Google Calendar and
	// Outlook both produce some) from plain text that merely holds a "<".
	htmlTagRe  = regexp.MustCompile(`(?i)</?(?:a|b|i|u|p|br|div|span|ul|ol|li|strong|em|html|head|body|table|tbody|tr|td|th|font|h[1-6])\b[^>]*>`)
	htmlHrefRe = regexp.MustCompile(`(?i)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>`)
	htmlLineRe = regexp.MustCompile(`(?i)<br\s*/?>|</?(?:p|div|li|tr|h[1-6])\b[^>]*>`)
	htmlAnyRe  = regexp.MustCompile(`<[^>]*>`)
)

// plainText turns an HTML description into text: line-breaking tags become
// newlines, link targets are kept in the text (a tel: link is a phone
// number), other tags are dropped and entities decoded. Plain text is
// returned as it is.
func plainText(s string) string {
	if !strings.Contains(s, "<") || !htmlTagRe.MatchString(s) {
		return s
	}
	s = htmlHrefRe.ReplaceAllString(s, " $1 ")
	s = htmlLineRe.ReplaceAllString(s, "\n")
	s = htmlAnyRe.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

// words splits s into lower-case words, runs of letters and digits, after
// dropping URLs and email addresses. Everything else separates words.
func words(s string) []string {
	s = stripLinks(s)
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !isWordRune(r)
	})
}

// appendWords appends the words of s (see words) to dst.
func appendWords(dst []string, s string) []string {
	s = strings.ToLower(stripLinks(s))
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			dst = append(dst, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// isWordRune reports whether r is a letter or a digit.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// stripLinks blanks out URLs and email addresses (linkRe). No match of
// linkRe spans white space, so it is run only on the white-space-separated
// fields that could hold one: the same result as running it on the whole
// text, without a backtracking scan of every long description.
func stripLinks(s string) string {
	if !mayHoldLink(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			i = len(s)
		}
		field := s[:i]
		if mayHoldLink(field) {
			field = linkRe.ReplaceAllString(field, " ")
		}
		b.WriteString(field)
		// Copy the run of white space that follows.
		j := strings.IndexFunc(s[i:], func(r rune) bool { return !unicode.IsSpace(r) })
		if j < 0 {
			j = len(s) - i
		}
		b.WriteString(s[i : i+j])
		s = s[i+j:]
	}
	return b.String()
}

// mayHoldLink is a cheap test for what linkRe can match: "@", "://", or
// "www." / "mailto:" / "tel:" in any case.
func mayHoldLink(s string) bool {
	if strings.Contains(s, "@") || strings.Contains(s, "://") {
		return true
	}
	for {
		i := strings.IndexAny(s, ":.")
		if i < 0 {
			return false
		}
		if s[i] == ':' && (i >= 6 && equalFoldASCII(s[i-6:i], "mailto") || i >= 3 && equalFoldASCII(s[i-3:i], "tel")) ||
			s[i] == '.' && i >= 3 && equalFoldASCII(s[i-3:i], "www") {
			return true
		}
		s = s[i+1:]
	}
}

// containsPhrase reports whether the words of phrase occur one after the
// other in text. The last word of the phrase also matches with a plural "s"
// or "es" appended, and with nothing else.
func containsPhrase(text, phrase []string) bool {
	n := len(phrase)
	if n == 0 {
		return false
	}
	for i := 0; i+n <= len(text); i++ {
		match := true
		for j, p := range phrase {
			w := text[i+j]
			if w == p || j == n-1 && pluralOf(w, p) {
				continue
			}
			match = false
			break
		}
		if match {
			return true
		}
	}
	return false
}

// pluralOf reports whether w is p with "s" or "es" appended.
func pluralOf(w, p string) bool {
	rest, ok := strings.CutPrefix(w, p)
	return ok && (rest == "s" || rest == "es")
}
