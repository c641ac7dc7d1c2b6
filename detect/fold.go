package detect

import "strings"

// The regular expressions of this package are the dearest part of deciding
// an event, and most texts hold nothing they could match. mayFold is a
// cheap test that must pass before some of them can match, so that they run
// only on the texts that might hold what they look for. It never says no
// when the expression could match: that keeps the results exactly those of
// running every expression on every text.

// mayFold reports whether s may contain one of words (lower-case ASCII
// letters) the way a case-insensitive (?i) expression compares: ASCII
// letters in either case. Go's (?i) also folds two non-ASCII letters onto
// ASCII ones, ſ (U+017F) onto s and the Kelvin sign K (U+212A) onto k;
// when s holds either of them, mayFold says yes without looking further.
func mayFold(s string, words ...string) bool {
	for _, w := range words {
		if indexFold(s, w) >= 0 {
			return true
		}
	}
	return hasFoldingRune(s)
}

// hasFoldingRune reports whether s holds ſ or K, the non-ASCII letters that
// case-insensitive matching takes for s and k.
func hasFoldingRune(s string) bool {
	return strings.Contains(s, "\u017f") || strings.Contains(s, "\u212a")
}

// indexFold returns the index of the first occurrence of w (lower-case
// ASCII letters) in s, comparing ASCII letters without regard to case, or
// -1.
func indexFold(s, w string) int {
	if len(w) == 0 {
		return 0
	}
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i]|0x20 == w[0] && equalFoldASCII(s[i+1:i+len(w)], w[1:]) {
			return i
		}
	}
	return -1
}

// equalFoldASCII reports whether s equals w (lower-case ASCII letters) with
// ASCII letters compared without regard to case.
func equalFoldASCII(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		// Only 'A'-'Z' and 'a'-'z' give a lower-case letter when bit 0x20
		// is set.
		if s[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}
