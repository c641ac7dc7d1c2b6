package replies

import (
	"strings"
	"unicode"
)

// Matching the quoted reminder. A reply answers an email whose text
// followupd wrote; where the reply ends in that text, quoted with or without
// "> " and rewrapped as clients do, the quote starts there whatever its
// header looks like.

// maxMatchLines bounds how many lines from the end of a reply are compared
// with the answered text.
const maxMatchLines = 2000

// minMatchWords is how many words a line must have to count as quoting the
// answered text: shorter ones ("sent", "Thanks,") are in it by chance.
const minMatchWords = 3

// answeredQuoteStart returns the index of the first line of the trailing
// block of lines that quotes answered, with the reply header just above it,
// or -1 when the reply does not end that way.
//
// The block is found from the end: its lines' words (letters and digits,
// lower-cased) must each be a run of answered's words; lines of fewer than
// minMatchWords words are passed over, and up to two lines in a row that
// are not in answered (a line the client rendered its own way) are
// tolerated inside it, but not a line that reads as a reply header. Below the block there may be only blank and quoted
// lines. The block must hold at least two matching lines, or eight words,
// and most of its words must match.
func answeredQuoteStart(lines []string, answered string) int {
	ref := " " + strings.Join(wordsOf(answered), " ") + " "
	if len(ref) < 20 {
		return -1
	}
	start, matchedLines, matchedWords, otherWords, run := -1, 0, 0, 0, 0
	stop := max(0, len(lines)-maxMatchLines)
	for j := len(lines) - 1; j >= stop; j-- {
		t := trimSpace(lines[j])
		quoted := isQuotedLine(t)
		ws := wordsOf(strings.TrimLeft(t, "> \t"))
		if len(ws) == 0 {
			continue
		}
		in := strings.Contains(ref, " "+strings.Join(ws, " ")+" ")
		switch {
		case in && len(ws) >= minMatchWords:
			start, run = j, 0
			matchedLines++
			matchedWords += len(ws)
		case start < 0 && quoted:
			// older quoted text below the block
		case start < 0:
			if in || isDeviceLine(t) {
				continue
			}
			return -1 // the owner's text comes last: nothing trails
		case in:
			// a short line of the answered text
		case !quoted && endsWithColon(t) && (hasEmailAddress(t) || hasDateOrTime(t) || hasWroteWord(strings.ToLower(t))):
			j = stop // a reply header: the block ends below it
		default:
			run++
			otherWords += len(ws)
			if run > 2 {
				j = stop // end of the block
			}
		}
	}
	if start < 0 || matchedLines < 2 && matchedWords < 8 || otherWords > matchedWords {
		return -1
	}
	return headerAbove(lines, start)
}

// headerAbove moves the start of a quote up over the reply header that
// stands right above it: up to six lines, none blank, each holding a ":",
// an address or a date, or a rule.
func headerAbove(lines []string, start int) int {
	j := start - 1
	for j >= 0 && trimSpace(lines[j]) == "" {
		j--
	}
	h := start
	for n := 0; j >= 0 && n < 6; j, n = j-1, n+1 {
		t := trimSpace(lines[j])
		if t == "" || isQuotedLine(t) || !isHeaderish(t) {
			break
		}
		if _, ok := notesAfter(t); ok {
			break
		}
		h = j
	}
	return h
}

func isHeaderish(t string) bool {
	return isRule(t) || strings.ContainsAny(t, ":：") || hasEmailAddress(t) || hasDateOrTime(t)
}

// wordsOf is the lower-cased runs of letters and digits in s.
func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
