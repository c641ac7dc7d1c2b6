package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/store"
)

// listWidth is the width `followupd list` keeps its lines to: a terminal's
// 100 columns. Only free text (a summary, an error) is cut to fit.
const listWidth = 100

// standingOf is where one reminder stands, in the words `list` shows.
type standingOf struct {
	word string    // the state, or held, snoozed, retrying
	at   time.Time // when it next acts; zero when it never will
	verb string    // what at is: "due", "until", "retry", "nudge", ...
}

// standing says where r stands: a pending send that is due while the
// sender is held is held; one put off by the owner is snoozed; one that
// failed for now is retrying.
func standing(r store.ReminderRecord, h store.SenderHealth, now time.Time) standingOf {
	held := strings.HasPrefix(r.LastError, "held: ")
	switch r.State {
	case store.StatePending:
		at := r.NextSend(0) // its next attempt, else its due time
		switch {
		case (held || !at.After(now)) && !h.OK:
			return standingOf{"held", at, "due"}
		case r.LastError != "" && !held:
			return standingOf{"retrying", at, "retry"}
		case r.NextAttempt.After(r.Due) && r.Attempts == 0:
			return standingOf{"snoozed", at, "until"}
		}
		return standingOf{"pending", at, "due"}
	case store.StateSent:
		if r.Snoozed {
			return standingOf{"snoozed", r.NextAttempt, "until"}
		}
		return standingOf{"sent", r.NextAttempt, "nudge"}
	case store.StateSending:
		return standingOf{"sending", time.Time{}, ""}
	}
	return standingOf{string(r.State), time.Time{}, ""}
}

// when shows t in loc, with the year only when it is not this year.
func when(t time.Time, loc *time.Location, now time.Time) string {
	t = t.In(loc)
	if t.Year() != now.In(loc).Year() {
		return t.Format("Mon 2 Jan 2006 15:04 MST")
	}
	return t.Format("Mon 2 Jan 15:04 MST")
}

// fit cuts s to n runes, marking the cut.
func fit(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}

func writeListText(w io.Writer, ivs []store.InterviewRecord, h store.SenderHealth, loc *time.Location, now time.Time) error {
	var b strings.Builder
	line := func(format string, args ...any) { b.WriteString(fit(fmt.Sprintf(format, args...), listWidth) + "\n") }
	if !h.OK {
		line("SENDING HELD since %s: %s", when(h.Since, loc, now), tidy.OneLine(h.Cause))
		line("  Nothing is given up: held follow-ups go out once sending works. `followupd check` says what fails.")
		b.WriteString("\n")
	}
	if len(ivs) == 0 {
		b.WriteString("no interviews known yet\n")
	}
	type failure struct {
		iv int64
		r  store.ReminderRecord
	}
	var failed []failure
	for i, r := range ivs {
		if i > 0 {
			b.WriteString("\n")
		}
		head := fmt.Sprintf("#%-3d %s  %s  ", r.ID, when(r.Start, loc, now), r.Status)
		line("%s%s", head, fit(tidy.OneLine(r.Summary), listWidth-utf8.RuneCountInString(head)))
		company := tidy.OneLine(r.Company)
		if company == "" {
			company = "(unknown)"
		}
		line("     %-16s %s  [%s]", "company", company, strings.Join(r.Sources, ", "))
		for _, p := range r.Interviewers {
			person := strings.TrimSpace(string(p.Honorific) + " " + p.Name)
			if p.Email != "" {
				person = strings.TrimSpace(person + " <" + p.Email + ">")
			}
			line("     %-16s %s", "with", tidy.OneLine(person))
		}
		for _, rem := range r.Reminders {
			st := standing(rem, h, now)
			text := fmt.Sprintf("     %-16s %-5s %-9s", rem.Kind, fmt.Sprintf("#%d", rem.ID), st.word)
			if !st.at.IsZero() {
				text += " " + st.verb + " " + when(st.at, loc, now)
			}
			if rem.State == store.StateFailed {
				failed = append(failed, failure{r.ID, rem})
				text += "  (see below)"
			} else if rem.LastError != "" && st.word != "held" {
				text += "  (" + tidy.OneLine(rem.LastError) + ")"
			}
			line("%s", text)
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n")
		line("FAILED: not sent, and not tried again until you say so. Fix the cause, then run the command:")
		for _, f := range failed {
			line("  followupd retry %-4d %s #%d: (%s)", f.iv, f.r.Kind, f.r.ID, tidy.OneLine(f.r.LastError))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
