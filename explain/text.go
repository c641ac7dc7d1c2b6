package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/followupd/followupd/internal/tidy"
)

// WriteJSON writes r as one line of JSON (JSON Lines).
func WriteJSON(w io.Writer, r Report) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes r for a person to take in at a glance: each interview with
// its people and due follow-ups, each other event with the reason it is not
// one. Times are shown in loc.
func WriteText(w io.Writer, r Report, loc *time.Location) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.File)
	if r.Error != "" {
		fmt.Fprintf(&b, "  error: %s\n", r.Error)
	}
	if r.Error == "" && len(r.Interviews) == 0 && len(r.Skipped) == 0 && r.Reply == nil && r.Employer == nil {
		b.WriteString("  no events found\n")
	}
	for _, iv := range r.Interviews {
		mark := "interview"
		if iv.Status == "cancelled" {
			mark = "cancelled interview"
		}
		fmt.Fprintf(&b, "  + %s: %s\n", mark, oneLine(iv.Summary))
		start, _ := time.Parse(time.RFC3339, iv.Start)
		end, _ := time.Parse(time.RFC3339, iv.End)
		fmt.Fprintf(&b, "      when       %s\n", span(start.In(loc), end.In(loc)))
		if iv.Company != "" {
			fmt.Fprintf(&b, "      company    %s\n", oneLine(iv.Company))
		}
		if iv.Position != "" {
			fmt.Fprintf(&b, "      position   %s\n", oneLine(iv.Position))
		}
		for i, p := range iv.Interviewers {
			label := "with"
			if i > 0 {
				label = "    "
			}
			name := strings.TrimSpace(p.Honorific + " " + p.Name)
			if name == "" {
				fmt.Fprintf(&b, "      %s       <%s>\n", label, p.Email)
			} else {
				fmt.Fprintf(&b, "      %s       %s <%s>\n", label, oneLine(name), p.Email)
			}
		}
		if len(iv.Interviewers) == 0 {
			b.WriteString("      with       nobody named (no interviewer among the attendees)\n")
		}
		for _, rem := range iv.Reminders {
			due, _ := time.Parse(time.RFC3339, rem.Due)
			fmt.Fprintf(&b, "      %-10s due %s\n", kindLabel(rem.Kind), due.In(loc).Format("Mon 2 Jan 2006 15:04 MST"))
		}
		if iv.Status == "cancelled" {
			b.WriteString("      no follow-ups: the event is cancelled\n")
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "  - not an interview: %s (%s)\n", oneLine(s.Summary), s.Reason)
	}
	if x := r.Reply; x != nil {
		verdict := "would be obeyed"
		if !x.Authorized || x.Reason != "" {
			verdict = "would be ignored: " + x.Reason
		}
		fmt.Fprintf(&b, "  > reply command %q (%s)\n", x.Command, oneLine(verdict))
		if x.Until != "" {
			until, _ := time.Parse(time.RFC3339, x.Until)
			fmt.Fprintf(&b, "      until      %s\n", until.In(loc).Format("Mon 2 Jan 2006 15:04 MST"))
		}
		if x.Honorific != "" {
			fmt.Fprintf(&b, "      honorific  %s\n", x.Honorific)
		}
		if x.Notes != "" {
			fmt.Fprintf(&b, "      notes      %s\n", oneLine(x.Notes))
		}
		if x.Quote != "" {
			fmt.Fprintf(&b, "      quote      cut at the %s\n", x.Quote)
		}
	}
	if x := r.Employer; x != nil {
		company := x.Company
		if company == "" {
			company = "company not named"
		}
		fmt.Fprintf(&b, "  * employer's message: %s (%s)\n      why        %s\n", x.Kind, oneLine(company), oneLine(x.Reason))
	}
	for _, p := range r.Problems {
		if strings.HasPrefix(p, salvagedPrefix) {
			fmt.Fprintf(&b, "  ! %s\n", oneLine(p))
		} else {
			fmt.Fprintf(&b, "  ! skipped a broken part: %s\n", oneLine(p))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func kindLabel(kind string) string {
	switch kind {
	case "thank_you":
		return "thank-you"
	case "follow_up_call":
		return "call"
	}
	return kind
}

func span(start, end time.Time) string {
	s := start.Format("Mon 2 Jan 2006 15:04")
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return s + "–" + end.Format("15:04 MST")
	}
	return s + " – " + end.Format("Mon 2 Jan 2006 15:04 MST")
}

// oneLine keeps outside text from breaking the layout (or the terminal): on
// one line, and at most 120 runes.
func oneLine(s string) string { return tidy.Clip(tidy.OneLine(s), 120) }
