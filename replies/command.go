package replies

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/timerules"
)

// Limits on what a command may ask and how much of it is kept.
const (
	maxSnoozeHours        = 90 * 24
	maxSnoozeDays         = 365
	maxSnoozeBusinessDays = 260
	maxLineRunes          = 200
	maxNotesBytes         = 10000
)

// snoozeUsage is the hint given for a snooze that cannot be read.
const snoozeUsage = "snooze takes 3h, 2d, 1bd or until YYYY-MM-DD [HH:MM]"

// ParseCommand reads the command from the reply's own text (StripQuoted's
// result). The command is the first word of the first meaningful line, any
// case; words after it are allowed ("Sent it this afternoon!", "No offer,
// sadly."). date is the reply's Date: snoozes count from it, days and
// business days in the owner's zone and by the wall clock, hours as elapsed
// time. The Reply has Command, Until, Notes, Honorific, Line and Hint set.
func ParseCommand(text string, date time.Time, r Rules) Reply {
	text = strings.ToValidUTF8(text, "\uFFFD")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	k := 0
	for k < len(lines) && !isMeaningful(lines[k]) {
		k++
	}
	// A device line ("Sent from my iPhone") or a field of a quoted header
	// ("Sent: Tuesday, December 1, 2026 5:02 PM") is never a command, and
	// what follows it is not the owner's.
	if k == len(lines) || isDeviceLine(lines[k]) || isQuotedHeaderField(trimSpace(lines[k])) {
		return Reply{Command: Unknown, Hint: "the reply has no text of its own"}
	}
	line := trimSpace(lines[k])
	rep := Reply{Line: tidy.TruncateRunes(line, maxLineRunes)}

	if notes, ok := notesAfter(line); ok {
		rest := append([]string{notes}, lines[k+1:]...)
		rep.Notes = tidy.TruncateBytes(joinNotes(rest), maxNotesBytes)
		if rep.Notes == "" {
			rep.Command, rep.Hint = Unknown, "notes: needs the notes after it"
			return rep
		}
		rep.Command = Notes
		return rep
	}

	words := commandWords(line)
	if len(words) == 0 {
		rep.Command, rep.Hint = Unknown, "the reply has no command"
		return rep
	}
	switch words[0] {
	case "sent", "done":
		rep.Command = Sent
	case "called":
		rep.Command = Called
	case "snooze":
		until, hint := snoozeUntil(words[1:], date, r)
		if hint != "" {
			rep.Command, rep.Hint = Unknown, hint
			return rep
		}
		rep.Command, rep.Until = Snooze, until
	case "tomorrow":
		rep.Command, rep.Until = Snooze, tomorrow(date, r)
	case "skip":
		rep.Command = Skip
	case "cancel":
		rep.Command = Cancel
	case "offer":
		rep.Command = Offer
	case "no":
		if len(words) > 1 && words[1] == "offer" {
			rep.Command = NoOffer
		} else {
			rep.Command, rep.Hint = Unknown, "unknown command \"no\"; for no offer write: no offer"
		}
	case "no-offer", "no_offer", "nooffer":
		rep.Command = NoOffer
	case "formal":
		rep.Command = Formal
	case "casual":
		rep.Command = Casual
	case "mr", "ms", "mrs", "dr":
		h, _ := interview.ParseHonorific(words[0])
		rep.Command, rep.Honorific = SetHonorific, h
	case "status":
		rep.Command = Status
	case "help":
		rep.Command = Help
	case "not":
		if notEmployer(words[1:]) {
			rep.Command = NotEmployer
		} else {
			rep.Command, rep.Hint = Unknown, "unknown command \"not\"; to undo what an employer's message changed write: not a rejection"
		}
	default:
		rep.Command, rep.Hint = Unknown, fmt.Sprintf("unknown command %q", tidy.TruncateRunes(words[0], 40))
	}
	return rep
}

// isQuotedHeaderField reports whether a line is a From, Sent or Date field
// of a quoted message's header: its value holds a date, a time or an
// address.
func isQuotedHeaderField(t string) bool {
	label, value, ok := headerLabelOf(t)
	if !ok {
		return false
	}
	k := headerKind(label)
	return (k == 'd' || k == 'f') && (hasDateOrTime(value) || hasEmailAddress(value))
}

// notesAfter recognises a notes command ("notes: ...", "Notes : ...",
// "note:", "notes" alone or followed by text) and returns the rest of its
// line.
func notesAfter(line string) (string, bool) {
	l := strings.TrimLeft(line, "*_-•· \t")
	lower := strings.ToLower(l)
	var rest string
	switch {
	case strings.HasPrefix(lower, "notes"):
		rest = l[len("notes"):]
	case strings.HasPrefix(lower, "note"):
		rest = l[len("note"):]
	default:
		return "", false
	}
	if rest != "" {
		r, _ := utf8.DecodeRuneInString(rest)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return "", false // "noteworthy", "notes2"
		}
	}
	rest = strings.TrimLeft(rest, "*_ \t\u00a0")
	rest = strings.TrimPrefix(rest, ":")
	rest = strings.TrimLeft(rest, "*_ \t\u00a0")
	return rest, true
}

// joinNotes joins the notes' lines, trimming each line's end and the whole.
func joinNotes(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRightFunc(l, isSpaceLike)
	}
	return strings.TrimFunc(strings.Join(out, "\n"), isSpaceLike)
}

// commandWords splits a line into lower-cased words without the punctuation
// around them; bullets and other words of punctuation alone are dropped.
func commandWords(line string) []string {
	var words []string
	for _, f := range strings.Fields(strings.ToLower(line)) {
		w := strings.TrimFunc(f, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ':'
		})
		w = strings.Trim(w, ":")
		if w != "" {
			words = append(words, w)
		}
	}
	return words
}

// snoozeUntil reads a snooze's argument: "3h", "2d", "1bd" (also "3 hours",
// "2 days", "1 business day"), "until YYYY-MM-DD [HH:MM]", "until tomorrow".
// hint says what is wrong when it cannot be read.
func snoozeUntil(args []string, date time.Time, r Rules) (time.Time, string) {
	if len(args) == 0 {
		return time.Time{}, snoozeUsage
	}
	if args[0] == "until" || args[0] == "till" || args[0] == "til" {
		return snoozeUntilDate(args[1:], date, r)
	}
	n, unit, ok := snoozeAmount(args)
	if !ok {
		return time.Time{}, snoozeUsage
	}
	loc := r.location()
	switch unit {
	case "h":
		if n > maxSnoozeHours {
			return time.Time{}, fmt.Sprintf("snooze at most %dh", maxSnoozeHours)
		}
		return timerules.SnoozeHours(date, n), ""
	case "d":
		if n > maxSnoozeDays {
			return time.Time{}, fmt.Sprintf("snooze at most %dd", maxSnoozeDays)
		}
		return timerules.SnoozeDays(date, n, loc), ""
	default: // "bd"
		if n > maxSnoozeBusinessDays {
			return time.Time{}, fmt.Sprintf("snooze at most %dbd", maxSnoozeBusinessDays)
		}
		return timerules.SnoozeBusinessDays(date, n, r.Schedule, loc), ""
	}
}

// snoozeAmount reads "3h" / "3 h" / "3 hours", "2d" / "2 days", "1bd" /
// "1 business day"; n is at least 1.
func snoozeAmount(args []string) (n int, unit string, ok bool) {
	first := args[0]
	i := 0
	for i < len(first) && first[i] >= '0' && first[i] <= '9' {
		i++
	}
	if i == 0 || i > 4 {
		return 0, "", false
	}
	n, err := strconv.Atoi(first[:i])
	if err != nil || n < 1 {
		return 0, "", false
	}
	word := first[i:]
	if word == "" && len(args) > 1 {
		word = args[1]
		if word == "business" || word == "working" || word == "work" {
			word = "bd"
		}
	}
	switch word {
	case "h", "hr", "hrs", "hour", "hours":
		return n, "h", true
	case "d", "day", "days":
		return n, "d", true
	case "bd", "bday", "bdays", "businessday", "businessdays":
		return n, "bd", true
	}
	return 0, "", false
}

// snoozeUntilDate reads "YYYY-MM-DD [HH:MM]" or "tomorrow" after "until". A
// date with no time means the configured follow-up time. The moment must be
// after the reply's date.
func snoozeUntilDate(args []string, date time.Time, r Rules) (time.Time, string) {
	if len(args) == 0 {
		return time.Time{}, snoozeUsage
	}
	if args[0] == "tomorrow" {
		return tomorrow(date, r), ""
	}
	d, err := config.ParseDate(args[0])
	if err != nil {
		return time.Time{}, snoozeUsage
	}
	clock := r.Schedule.FollowUpTime
	if len(args) > 1 && looksLikeClock(args[1]) {
		c, err := config.ParseClockTime(args[1])
		if err != nil {
			return time.Time{}, fmt.Sprintf("%q is not a time of day (HH:MM)", args[1])
		}
		clock = c
	}
	until := clock.On(d, r.location()).UTC()
	if !until.After(date) {
		return time.Time{}, fmt.Sprintf("%s %s is already past", d, clock)
	}
	// As far as the relative forms reach, and no further: a date years
	// away is a typo, and one past 9999 cannot even be written as RFC 3339.
	if until.After(date.AddDate(0, 0, maxSnoozeDays)) {
		return time.Time{}, fmt.Sprintf("snooze until at most %d days ahead", maxSnoozeDays)
	}
	return until, ""
}

// looksLikeClock reports whether a word is meant as a time of day: digits
// around a colon.
func looksLikeClock(w string) bool {
	h, m, ok := strings.Cut(w, ":")
	return ok && h != "" && m != "" && strings.Trim(h, "0123456789") == "" && strings.Trim(m, "0123456789") == ""
}

// tomorrow is the day after the reply's date in the owner's zone, at the
// configured follow-up time.
func tomorrow(date time.Time, r Rules) time.Time {
	return timerules.Tomorrow(date, r.Schedule, r.location())
}

// notEmployer recognises what follows "not" in "not a rejection", "not an
// offer", "not a next round", "not rejected".
func notEmployer(words []string) bool {
	if len(words) > 0 && (words[0] == "a" || words[0] == "an") {
		words = words[1:]
	}
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "rejection", "rejected", "offer", "employer":
		return true
	case "next":
		return len(words) > 1 && words[1] == "round"
	}
	return false
}
