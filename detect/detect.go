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
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
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
	batches := decideAll(cal, newRules(cfg))
	var nIv, nSkip int
	for _, b := range batches {
		nIv += len(b.interviews)
		nSkip += len(b.skipped)
	}
	if nIv > 0 {
		r.Interviews = make([]interview.Interview, 0, nIv)
	}
	if nSkip > 0 {
		r.Skipped = make([]Skip, 0, nSkip)
	}
	for _, b := range batches {
		r.Interviews = append(r.Interviews, b.interviews...)
		r.Skipped = append(r.Skipped, b.skipped...)
	}
	seen := map[string]bool{}
	for i := range cal.Events {
		if ev := &cal.Events[i]; isCancelled(ev, cal.Method) {
			k := keyOf(ev)
			if !seen[k.String()] {
				seen[k.String()] = true
				r.Cancelled = append(r.Cancelled, k)
			}
		}
	}
	return r
}

// decided is what a run of consecutive events yields, in event order.
type decided struct {
	interviews []interview.Interview
	skipped    []Skip
}

// Below parallelFrom events Detect decides them on one goroutine; above, it
// spreads batches of batchSize events over the CPUs: a goroutine costs more
// than it saves on a small calendar, and batches handed out one at a time
// keep both CPUs busy when one of them is taken by another process.
const (
	parallelFrom = 512
	batchSize    = 256
)

// decideAll decides every event of cal, on up to GOMAXPROCS goroutines for a
// large calendar (each event is decided on its own). The batches come back
// in event order.
func decideAll(cal *calendar.Calendar, ru *rules) []decided {
	n := len(cal.Events)
	size := batchSize
	workers := runtime.GOMAXPROCS(0)
	if n < parallelFrom || workers < 2 {
		size, workers = max(n, 1), 1
	}
	out := make([]decided, (n+size-1)/size)
	var claimed atomic.Int64
	work := func() {
		d := newDetector(ru)
		// A batch's results are gathered in scratch and kept at their exact
		// size: growing a slice per batch would allocate twice as much.
		var ivs []interview.Interview
		var skips []Skip
		for {
			b := int(claimed.Add(1)) - 1
			if b >= len(out) {
				return
			}
			ivs, skips = ivs[:0], skips[:0]
			for i := b * size; i < min((b+1)*size, n); i++ {
				if iv, skip := d.event(&cal.Events[i], cal.Method); skip.Reason != "" {
					skips = append(skips, skip)
				} else {
					ivs = append(ivs, iv)
				}
			}
			if len(ivs) > 0 {
				out[b].interviews = slices.Clone(ivs)
			}
			if len(skips) > 0 {
				out[b].skipped = slices.Clone(skips)
			}
		}
	}
	var wg sync.WaitGroup
	for range min(workers, len(out)) - 1 {
		wg.Go(work)
	}
	work()
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
	iv, skip := newDetector(newRules(cfg)).event(&ev, method)
	if skip.Reason != "" {
		return interview.Interview{}, &skip
	}
	return iv, nil
}

// event decides ev, which it only reads. The Skip's Reason is "" for an
// interview. The tests that need only the event itself (all-day, the
// keywords) come first: most events of a calendar fail one of them, and
// reading who and where is for interviews only.
func (d *detector) event(ev *calendar.Event, method calendar.Method) (interview.Interview, Skip) {
	var text texts
	reason := ""
	if ev.AllDay {
		reason = ReasonAllDay
	} else {
		text = d.eventText(ev)
		reason = d.skipReason(ev, text)
	}
	if reason != "" {
		return interview.Interview{}, Skip{UID: ev.UID, Summary: ev.Summary, Reason: reason}
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
	segs := segments(text.summary)
	iv.Interviewers = d.interviewers(ev, d.cfg.Owner, text.description)
	iv.Company = d.company(ev, text.summary, segs, iv.Interviewers)
	iv.Position = d.position(segs, text, iv.Company)
	iv.Phone = d.phone(text.description, tidy.TruncateBytes(ev.Location, maxSummary))
	return iv, Skip{}
}

func keyOf(ev *calendar.Event) interview.Key {
	return interview.Key{UID: ev.UID, RecurrenceID: ev.RecurrenceID.UTC()}
}

func isCancelled(ev *calendar.Event, method calendar.Method) bool {
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

// eventText reads ev's texts. Their words live in d's scratch space, which
// the next call reuses: most events are skipped as soon as their words are
// known, and need not leave them behind.
func (d *detector) eventText(ev *calendar.Event) texts {
	s := tidy.TruncateBytes(ev.Summary, maxSummary)
	desc := plainText(tidy.TruncateBytes(ev.Description, maxDescription))
	d.words = appendWords(d.words[:0], s)
	n := len(d.words)
	d.words = appendWords(d.words, desc)
	return texts{summary: s, description: desc, summaryWords: d.words[:n:n], descWords: d.words[n:]}
}

// skipReason returns why ev, which is not all-day, is not an interview, or
// "" when it is one.
func (d *detector) skipReason(ev *calendar.Event, t texts) string {
	if _, ok := d.keywords.first(t.summaryWords, t.descWords); !ok {
		return ReasonNoKeyword
	}
	if ex, ok := d.exclude.first(t.summaryWords, t.descWords); ok {
		return fmt.Sprintf("matches exclude %q", ex)
	}
	if ownerDeclined(ev, d.cfg.Owner) {
		return ReasonDeclined
	}
	return ""
}

// ownerDeclined reports whether an ATTENDEE that is the owner or an alias has
// PARTSTAT=DECLINED.
func ownerDeclined(ev *calendar.Event, owner config.Owner) bool {
	for _, a := range ev.Attendees {
		if strings.EqualFold(a.PartStat, "DECLINED") && owner.IsOwner(a.Email) {
			return true
		}
	}
	return false
}
