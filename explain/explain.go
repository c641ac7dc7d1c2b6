// Package explain owns `followupd explain`: for an .ics or .eml file, what the
// daemon would do with it. Its JSON form is a contract read by outside checks:
// one object per file, fields as documented on Report; add fields, never
// rename or remove one.
package explain

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/replies"
	"github.com/followupd/followupd/timerules"
)

// MaxFileSize is the largest file explain reads.
const MaxFileSize = 64 << 20

// Report is what explain says about one file.
type Report struct {
	File string `json:"file"`
	// Error is set only when the file could not be read or parsed at all.
	Error      string      `json:"error,omitempty"`
	Interviews []Interview `json:"interviews"`
	Skipped    []Skipped   `json:"skipped"`
	// Problems are parts of the file that were skipped (a broken event, an
	// unreadable invitation part); the rest was read.
	Problems []string `json:"problems,omitempty"`
	// Reply is set for a message that answers another one (it has
	// In-Reply-To or References): the command it carries and whether it
	// would be obeyed, judged from the sender and Authentication-Results.
	Reply *replies.Explanation `json:"reply,omitempty"`
	// Employer is set for a message that is neither a reply to followupd
	// nor an invitation when it reads as an employer's message about a
	// candidacy (see package employer); absent otherwise.
	Employer *Employer `json:"employer,omitempty"`
}

// Employer is what an employer's message says, judged from the message
// alone: Kind is "rejection", "offer", "next_round", "scheduling" or
// "other"; Company may be "" when the message does not tell it.
type Employer struct {
	Kind    string `json:"kind"`
	Company string `json:"company"`
	Reason  string `json:"reason"`
}

// Interview is one detected interview.
type Interview struct {
	UID          string        `json:"uid"`
	RecurrenceID string        `json:"recurrence_id,omitempty"`
	Status       string        `json:"status"`
	Summary      string        `json:"summary"`
	Company      string        `json:"company"`
	Position     string        `json:"position"`
	Start        string        `json:"start"`
	End          string        `json:"end"`
	Interviewers []Interviewer `json:"interviewers"`
	Reminders    []Reminder    `json:"reminders"`
}

// Interviewer is one person to thank.
type Interviewer struct {
	Name      string `json:"name"`
	Email     string `json:"email"`
	Honorific string `json:"honorific"`
}

// Reminder is one follow-up and when it falls due.
type Reminder struct {
	Kind string `json:"kind"`
	Due  string `json:"due"`
}

// Skipped is an event that is not an interview, and why.
type Skipped struct {
	UID     string `json:"uid,omitempty"`
	Summary string `json:"summary"`
	Reason  string `json:"reason"`
}

// Explainer explains files under one configuration at one moment (now
// bounds the expansion of recurring events, as in the daemon).
type Explainer struct {
	Config *config.Config
	Now    time.Time
}

// File reads and explains the file at path. It never panics and never
// returns an error: a file that cannot be read is a Report with Error set.
func (e Explainer) File(path string) (r Report) {
	r = Report{File: path, Interviews: []Interview{}, Skipped: []Skipped{}}
	defer func() {
		if p := recover(); p != nil {
			r = Report{File: path, Error: fmt.Sprintf("internal error reading the file: %v", p), Interviews: []Interview{}, Skipped: []Skipped{}}
		}
	}()
	data, err := readFile(path)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	if err := e.explain(&r, data); err != nil {
		r.Error = err.Error()
	}
	return r
}

// readFile reads a regular file of at most MaxFileSize bytes. It opens
// without blocking, so that a FIFO (or a device) named by mistake is an
// error, not a hang.
func readFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a file", path, kindOf(info.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err // *PathError: it names the file
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, MaxFileSize>>20)
	}
	return data, nil
}

// kindOf names what a path that is not a regular file is.
func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "something other than a regular file"
}

// IsCalendar reports whether data is an iCalendar object rather than a
// mail message: its first line, past a byte-order mark and white space, is
// BEGIN:VCALENDAR, or BEGIN:VEVENT for a bare event (which the calendar
// reader takes as if a VCALENDAR held it).
func IsCalendar(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	for _, begin := range []string{"BEGIN:VCALENDAR", "BEGIN:VEVENT"} {
		if len(data) >= len(begin) && bytes.EqualFold(data[:len(begin)], []byte(begin)) {
			return true
		}
	}
	return false
}

func (e Explainer) explain(r *Report, data []byte) error {
	if IsCalendar(data) {
		return e.calendar(r, data)
	}
	return e.message(r, data)
}

// calendar adds what one iCalendar object holds to r.
func (e Explainer) calendar(r *Report, data []byte) error {
	cal, err := calendar.Parse(data, calendar.ReadOptions(e.Config, e.Now))
	if err != nil {
		return err
	}
	for _, p := range cal.Problems {
		r.Problems = append(r.Problems, problemText(p))
	}
	res := detect.Detect(cal, e.Config)
	for _, iv := range res.Interviews {
		r.Interviews = append(r.Interviews, e.interviewJSON(iv))
	}
	for _, s := range res.Skipped {
		r.Skipped = append(r.Skipped, Skipped{UID: s.UID, Summary: s.Summary, Reason: s.Reason})
	}
	return nil
}

// salvagedPrefix starts the problems that say what was assumed to read a
// damaged part rather than skip it (calendar.Problem.Salvaged).
const salvagedPrefix = "read anyway: "

func problemText(p calendar.Problem) string {
	prefix := ""
	if p.Salvaged {
		prefix = salvagedPrefix
	}
	name := p.Summary
	if name == "" {
		name = p.UID
	}
	if name == "" {
		return prefix + p.Err.Error()
	}
	return fmt.Sprintf("%s%q: %v", prefix, name, p.Err)
}

func (e Explainer) interviewJSON(iv interview.Interview) Interview {
	out := Interview{
		UID: iv.UID, Status: string(iv.Status), Summary: iv.Summary, Company: iv.Company, Position: iv.Position,
		Start: rfc3339(iv.Start), End: rfc3339(iv.End), Interviewers: []Interviewer{}, Reminders: []Reminder{},
	}
	if !iv.RecurrenceID.IsZero() {
		out.RecurrenceID = rfc3339(iv.RecurrenceID)
	}
	for _, p := range iv.Interviewers {
		out.Interviewers = append(out.Interviewers, Interviewer{Name: p.Name, Email: p.Email, Honorific: string(p.Honorific)})
	}
	for _, rem := range timerules.Plan(iv, e.Config) {
		out.Reminders = append(out.Reminders, Reminder{Kind: string(rem.Kind), Due: rfc3339(rem.Due)})
	}
	return out
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// errNotMessage is returned for a file that is neither iCalendar nor mail.
var errNotMessage = errors.New("neither an iCalendar file (BEGIN:VCALENDAR) nor a mail message")
