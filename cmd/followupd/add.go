package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
	"github.com/followupd/followupd/timerules"
)

// manualSource is the source of the interviews `followupd add` stores. It
// is no calendar, so no calendar refresh ever makes them vanish.
const manualSource = "manual"

func runAdd(ctx context.Context, e *env, args []string) error {
	const usage = `--company C --start "YYYY-MM-DD HH:MM" [--duration 1h] [--with "Name <email>"]... [--honorific Ms.] [--position P] [--summary S] [--config FILE]`
	fs := flags(e, "add", usage)
	cfgPath := fs.String("config", "", "configuration `file`")
	company := fs.String("company", "", "the company (required)")
	start := fs.String("start", "", "when it starts, `\"YYYY-MM-DD HH:MM\"` in the owner's time zone (required)")
	duration := fs.String("duration", "1h", "how long it lasts")
	honorific := fs.String("honorific", "", "Mr., Ms., Mrs. or Dr., for the interviewers given with --with")
	position := fs.String("position", "", "the position applied for")
	summary := fs.String("summary", "", "a title (default: Interview at COMPANY)")
	var with []string
	fs.Func("with", "an interviewer, `\"Name <email>\"` (repeat for a panel)", func(s string) error {
		with = append(with, s)
		return nil
	})
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || strings.TrimSpace(*company) == "" || strings.TrimSpace(*start) == "" {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	iv, err := manualInterview(cfg, *company, *start, *duration, *honorific, *position, *summary, with)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	now := time.Now()
	return withStore(ctx, e, cfg, func(st *store.Store, _ string) error {
		_, err := st.Apply(ctx, store.Report{Source: manualSource, Interviews: []interview.Interview{iv}}, now, timerules.Planner(cfg))
		if err != nil {
			return err
		}
		all, err := st.Interviews(ctx)
		if err != nil {
			return err
		}
		for _, rec := range all {
			if rec.UID != iv.UID {
				continue
			}
			loc := cfg.Owner.Location
			fmt.Fprintf(e.stdout, "#%d: %s, %s\n", rec.ID, tidy.OneLine(rec.Summary), rec.Start.In(loc).Format("Mon 2 Jan 2006 15:04 MST"))
			for _, r := range rec.Reminders {
				fmt.Fprintf(e.stdout, "  %s #%d due %s\n", r.Kind, r.ID, r.Due.In(loc).Format("Mon 2 Jan 2006 15:04 MST"))
			}
			fmt.Fprintln(e.stdout, pickedUp)
			return nil
		}
		return errors.New("the interview was not stored")
	})
}

// manualInterview builds the interview `followupd add` describes. Its UID
// is random: two interviews added alike are two interviews.
func manualInterview(cfg *config.Config, company, start, duration, honorific, position, summary string, with []string) (interview.Interview, error) {
	loc := cfg.Owner.Location
	at, err := parseLocal(start, loc)
	if err != nil {
		return interview.Interview{}, err
	}
	d, err := config.ParseDuration(duration)
	if err != nil || d <= 0 || d > 24*time.Hour {
		return interview.Interview{}, fmt.Errorf("--duration %q: want a length such as 45m or 1h, at most 24h", duration)
	}
	var h interview.Honorific
	if honorific != "" {
		var ok bool
		if h, ok = interview.ParseHonorific(honorific); !ok {
			return interview.Interview{}, fmt.Errorf("--honorific %q: want Mr., Ms., Mrs. or Dr.", honorific)
		}
	}
	var people []interview.Interviewer
	for _, w := range with {
		p := interview.Interviewer{Honorific: h}
		if a, err := mail.ParseAddress(w); err == nil {
			p.Name, p.Email = strings.TrimSpace(a.Name), strings.ToLower(a.Address)
		} else if strings.ContainsAny(w, "<>@") {
			return interview.Interview{}, fmt.Errorf("--with %q: want \"Name <email>\" or a name", w)
		} else {
			p.Name = strings.TrimSpace(w)
		}
		if p.Name == "" && p.Email == "" {
			return interview.Interview{}, errors.New("--with: empty")
		}
		people = append(people, p)
	}
	company = strings.TrimSpace(company)
	if summary = strings.TrimSpace(summary); summary == "" {
		summary = "Interview at " + company
	}
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return interview.Interview{}, fmt.Errorf("make interview id: %w", err)
	}
	return interview.Interview{
		Key:    interview.Key{UID: "manual-" + hex.EncodeToString(b[:]) + "@followupd"},
		Status: interview.Scheduled, Summary: summary, Company: company, Position: strings.TrimSpace(position),
		Start: at, End: at.Add(d), Interviewers: people, Stamp: time.Now().UTC().Truncate(time.Second),
	}, nil
}

// parseLocal reads "YYYY-MM-DD HH:MM" (or with a T) as a wall-clock time in
// loc; a time in a spring-forward gap moves forward by the gap, as every
// due time does (config.ClockTime.On).
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	date, clock, ok := strings.Cut(strings.Replace(strings.TrimSpace(s), "T", " ", 1), " ")
	if !ok {
		return time.Time{}, fmt.Errorf("--start %q: want \"YYYY-MM-DD HH:MM\"", s)
	}
	d, err := config.ParseDate(date)
	if err != nil {
		return time.Time{}, fmt.Errorf("--start: %w", err)
	}
	c, err := config.ParseClockTime(strings.TrimSpace(clock))
	if err != nil {
		return time.Time{}, fmt.Errorf("--start: %w", err)
	}
	return c.On(d, loc), nil
}
