// Package detect decides which calendar events are job interviews and who and
// where they are. It is a pure function of a calendar.Event and the validated
// config: no I/O, no clock, no state. The rules, in the order they are applied:
//
//   - An all-day event is skipped ("all-day event").
//   - The summary or the description must contain a keyword and neither may
//     contain an exclude ("no interview keyword", `matches exclude "..."`).
//     Phrases match whole words, case-insensitively, with any run of
//     punctuation or space between the words ("Phone-Screen" matches "phone
//     screen"); the last word may carry a plural -s or -es ("interviews"), but
//     no other ending ("interviewer", "interviewing" do not match). URLs and
//     email addresses in the text are ignored, so a link to
//     ".../interview-guide" does not make an event an interview.
//   - An event the owner (or an alias) declined is skipped ("owner declined").
//   - METHOD:CANCEL or STATUS:CANCELLED marks the interview Cancelled; it is
//     still reported, so that the store can cancel what it knows.
//
// Who, what and where are read by the conservative rules in people.go,
// company.go and position.go: when the data does not say, the field is left
// empty rather than guessed.
package detect

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// Skip is an event that is not an interview, and why.
type Skip struct {
	UID, Summary string
	// Reason is short and meant for people: "all-day event", "owner declined",
	// "no interview keyword", `matches exclude "mock interview"`.
	Reason string
}

// Skip reasons.
const (
	ReasonAllDay    = "all-day event"
	ReasonDeclined  = "owner declined"
	ReasonNoKeyword = "no interview keyword"
)

// Result is what one calendar object yields.
type Result struct {
	// Interviews are in event order; a cancelled one has Status Cancelled.
	Interviews []interview.Interview
	Skipped    []Skip
	// Cancelled lists the key of every cancelled event (METHOD:CANCEL or
	// STATUS:CANCELLED), interview or not, each once, so that the store can
	// cancel an interview it knows even when the cancel notice lacks the
	// keywords.
	Cancelled []interview.Key
}

// Detect sorts every event of cal into interviews and skips.
func Detect(cal *calendar.Calendar, cfg *config.Config) Result {
	var r Result
	if cal == nil {
		return r
	}
	if cfg == nil {
		cfg = config.Default()
	}
	outcomes := decideAll(cal, cfg)
	seen := map[string]bool{}
	for i, ev := range cal.Events {
		if isCancelled(ev, cal.Method) {
			k := keyOf(ev)
			if !seen[k.String()] {
				seen[k.String()] = true
				r.Cancelled = append(r.Cancelled, k)
			}
		}
		if o := outcomes[i]; o.skip != nil {
			r.Skipped = append(r.Skipped, *o.skip)
		} else {
			r.Interviews = append(r.Interviews, o.iv)
		}
	}
	return r
}

type outcome struct {
	iv   interview.Interview
	skip *Skip
}

// parallelFrom is the number of events from which Detect spreads the work
// over the CPUs; below it a goroutine costs more than it saves.
const parallelFrom = 512

// decideAll runs Event on every event, on up to GOMAXPROCS goroutines for a
// large calendar (each event is decided on its own), keeping event order.
func decideAll(cal *calendar.Calendar, cfg *config.Config) []outcome {
	out := make([]outcome, len(cal.Events))
	decide := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i].iv, out[i].skip = Event(cal.Events[i], cal.Method, cfg)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(out) < parallelFrom || workers < 2 {
		decide(0, len(out))
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(out) + workers - 1) / workers
	for lo := 0; lo < len(out); lo += chunk {
		hi := min(lo+chunk, len(out))
		wg.Add(1)
		go func() {
			defer wg.Done()
			decide(lo, hi)
		}()
	}
	wg.Wait()
	return out
}

// Event decides whether one event, from a calendar object with the given
// METHOD, is an interview. Exactly one of the results is meaningful: the
// Interview when the Skip is nil.
func Event(ev calendar.Event, method calendar.Method, cfg *config.Config) (interview.Interview, *Skip) {
	if cfg == nil {
		cfg = config.Default()
	}
	text := eventText(ev)
	if reason := skipReason(ev, text, cfg); reason != "" {
		return interview.Interview{}, &Skip{UID: ev.UID, Summary: ev.Summary, Reason: reason}
	}

	iv := interview.Interview{
		Key:         keyOf(ev),
		Sequence:    ev.Sequence,
		Stamp:       ev.Stamp.UTC(),
		Status:      interview.Scheduled,
		Summary:     ev.Summary,
		Description: ev.Description,
		Location:    ev.Location,
		Start:       ev.Start.UTC(),
		End:         ev.End.UTC(),
	}
	if isCancelled(ev, method) {
		iv.Status = interview.Cancelled
	}
	iv.Interviewers = interviewers(ev, cfg.Owner, text.description)
	iv.Company = company(ev, text.summary, cfg, iv.Interviewers)
	iv.Position = position(text.summary, text.description, iv.Company, cfg.Detect.Keywords)
	iv.Phone = phone(text.description, clip(ev.Location, maxSummary), cfg.Owner)
	return iv, nil
}

func keyOf(ev calendar.Event) interview.Key {
	return interview.Key{UID: ev.UID, RecurrenceID: ev.RecurrenceID.UTC()}
}

func isCancelled(ev calendar.Event, method calendar.Method) bool {
	if strings.EqualFold(string(method), string(calendar.MethodCancel)) {
		return true
	}
	s := strings.ToUpper(strings.TrimSpace(ev.Status))
	return s == "CANCELLED" || s == "CANCELED"
}

// Only the start of a hostile or runaway summary or description is read, so
// that one event costs bounded time. Real summaries are one line; real
// descriptions, HTML included, are a few kilobytes.
const (
	maxSummary     = 1 << 10
	maxDescription = 64 << 10
)

// texts holds an event's summary and description as read: clipped, the
// description turned from HTML into text, and both as words.
type texts struct {
	summary, description    string
	summaryWords, descWords []string
}

func eventText(ev calendar.Event) texts {
	s := clip(ev.Summary, maxSummary)
	d := plainText(clip(ev.Description, maxDescription))
	return texts{summary: s, description: d, summaryWords: words(s), descWords: words(d)}
}

// clip returns at most the first n bytes of s, cut at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// skipReason returns why ev is not an interview, or "" when it is one.
func skipReason(ev calendar.Event, t texts, cfg *config.Config) string {
	if ev.AllDay {
		return ReasonAllDay
	}
	if _, ok := firstPhrase(cfg.Detect.Keywords, t.summaryWords, t.descWords); !ok {
		return ReasonNoKeyword
	}
	if ex, ok := firstPhrase(cfg.Detect.Exclude, t.summaryWords, t.descWords); ok {
		return fmt.Sprintf("matches exclude %q", ex)
	}
	if ownerDeclined(ev, cfg.Owner) {
		return ReasonDeclined
	}
	return ""
}

// ownerDeclined reports whether an ATTENDEE that is the owner or an alias has
// PARTSTAT=DECLINED.
func ownerDeclined(ev calendar.Event, owner config.Owner) bool {
	for _, a := range ev.Attendees {
		if strings.EqualFold(a.PartStat, "DECLINED") && owner.IsOwner(a.Email) {
			return true
		}
	}
	return false
}
