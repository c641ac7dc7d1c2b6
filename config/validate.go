package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Defaults, as documented in config.example.toml.
var (
	defaultKeywords = []string{"interview", "phone screen", "onsite"}
	defaultExclude  = []string{"mock interview", "interview prep"}
)

const (
	defaultThankYouDelay   = "1h"
	defaultQuietHours      = "21:00-08:00"
	defaultBusinessDays    = 3
	defaultFollowUpTime    = "09:00"
	defaultNagEvery        = "24h"
	defaultNagLimit        = 2
	defaultCalendarRefresh = 15 * time.Minute
)

// fromRaw validates the sections every command needs and applies defaults.
// All problems are reported together, each naming its key.
func fromRaw(raw rawConfig, path string) (*Config, error) {
	var errs []error
	fail := func(key string, err error) { errs = append(errs, fmt.Errorf("%s: %w", key, err)) }

	c := &Config{Path: path, imap: raw.IMAP, smtp: raw.SMTP, store: raw.Store, inlineSecretsOK: true}

	// [owner]
	o := raw.Owner
	c.Owner = Owner{
		Name: strings.TrimSpace(o.Name), Phone: o.Phone, Attributes: o.Attributes,
		Value: o.Value, Unique: o.Unique, Signature: o.Signature, Location: time.Local,
	}
	if o.Email != "" {
		if a, err := mail.ParseAddress(o.Email); err != nil {
			fail("owner.email", fmt.Errorf("%q is not an email address", o.Email))
		} else {
			c.Owner.Email = strings.ToLower(a.Address)
		}
	}
	for _, alias := range o.Aliases {
		a, err := mail.ParseAddress(alias)
		if err != nil {
			fail("owner.aliases", fmt.Errorf("%q is not an email address", alias))
			continue
		}
		c.Owner.Aliases = append(c.Owner.Aliases, strings.ToLower(a.Address))
	}
	if o.Timezone != "" {
		loc, err := LoadLocation(o.Timezone)
		if err != nil {
			fail("owner.timezone", err)
		} else {
			c.Owner.Location = loc
		}
	}

	// [schedule]
	s := raw.Schedule
	var err error
	if c.Schedule.ThankYouDelay, err = ParseDuration(or(s.ThankYouDelay, defaultThankYouDelay)); err != nil {
		fail("schedule.thank_you_delay", err)
	}
	if c.Schedule.QuietHours, err = ParseQuietHours(or(s.QuietHours, defaultQuietHours)); err != nil {
		fail("schedule.quiet_hours", err)
	}
	c.Schedule.FollowUpBusinessDays = defaultBusinessDays
	if s.FollowUpBusinessDays != nil {
		c.Schedule.FollowUpBusinessDays = *s.FollowUpBusinessDays
		if *s.FollowUpBusinessDays < 1 || *s.FollowUpBusinessDays > 30 {
			fail("schedule.follow_up_business_days", fmt.Errorf("%d is not between 1 and 30", *s.FollowUpBusinessDays))
		}
	}
	if c.Schedule.FollowUpTime, err = ParseClockTime(or(s.FollowUpTime, defaultFollowUpTime)); err != nil {
		fail("schedule.follow_up_time", err)
	}
	for _, h := range s.Holidays {
		d, err := ParseDate(h)
		if err != nil {
			fail("schedule.holidays", err)
			continue
		}
		c.Schedule.Holidays = append(c.Schedule.Holidays, d)
	}
	if c.Schedule.NagEvery, err = ParseDuration(or(s.NagEvery, defaultNagEvery)); err != nil {
		fail("schedule.nag_every", err)
	} else if c.Schedule.NagEvery < time.Hour {
		fail("schedule.nag_every", fmt.Errorf("%s is shorter than the 1h minimum", c.Schedule.NagEvery))
	}
	c.Schedule.NagLimit = defaultNagLimit
	if s.NagLimit != nil {
		c.Schedule.NagLimit = *s.NagLimit
		if *s.NagLimit < 0 || *s.NagLimit > 10 {
			fail("schedule.nag_limit", fmt.Errorf("%d is not between 0 and 10", *s.NagLimit))
		}
	}

	// [detect]
	c.Detect.Keywords = phrases(raw.Detect.Keywords, defaultKeywords)
	c.Detect.Exclude = phrases(raw.Detect.Exclude, defaultExclude)
	if len(c.Detect.Keywords) == 0 {
		fail("detect.keywords", errors.New("no keywords: nothing could ever be an interview"))
	}

	// [[company]]
	for i, rc := range raw.Company {
		key := fmt.Sprintf("company[%d]", i)
		co := Company{Match: strings.ToLower(strings.TrimSpace(rc.Match)), Name: strings.TrimSpace(rc.Name), Formality: Casual}
		if co.Match == "" {
			fail(key+".match", errors.New("is empty"))
		}
		if co.Name == "" {
			fail(key+".name", errors.New("is empty"))
		}
		switch strings.ToLower(rc.Formality) {
		case "", "casual":
		case "formal":
			co.Formality = Formal
		default:
			fail(key+".formality", fmt.Errorf("%q is neither \"formal\" nor \"casual\"", rc.Formality))
		}
		c.Companies = append(c.Companies, co)
	}

	// [[calendar]]
	names := map[string]bool{}
	for i, rc := range raw.Calendar {
		key := fmt.Sprintf("calendar[%d]", i)
		cal := Calendar{Name: strings.TrimSpace(rc.Name), Source: strings.TrimSpace(rc.Source), Refresh: defaultCalendarRefresh}
		if cal.Name == "" {
			cal.Name = fmt.Sprintf("calendar-%d", i+1)
		}
		if names[cal.Name] {
			fail(key+".name", fmt.Errorf("%q is used twice", cal.Name))
		}
		names[cal.Name] = true
		switch {
		case cal.Source == "":
			fail(key+".source", errors.New("is empty"))
		case cal.IsURL():
			if u, err := url.Parse(cal.Source); err != nil || u.Host == "" {
				// Not the URL itself: a secret iCal URL is a credential.
				fail(key+".source", errors.New("is not a valid URL"))
			} else if strings.EqualFold(u.Scheme, "http") && !isLoopback(u.Hostname()) {
				fail(key+".source", fmt.Errorf("http:// to %s would send the calendar's secret URL in clear text; use https:// (http:// is allowed only to a loopback address)", u.Hostname()))
			}
		default:
			cal.Source = ExpandHome(cal.Source)
		}
		if rc.Refresh != "" {
			if cal.Refresh, err = ParseDuration(rc.Refresh); err != nil {
				fail(key+".refresh", err)
			} else if cal.Refresh < time.Minute {
				fail(key+".refresh", fmt.Errorf("%s is shorter than the 1m minimum", cal.Refresh))
			}
		}
		c.Calendars = append(c.Calendars, cal)
	}

	// How far back to look; [imap] itself is validated only by commands
	// that use it (Config.IMAP), so a bad value falls back to the default.
	c.backfill, _ = ParseDuration(defaultBackfill)
	if raw.IMAP != nil && raw.IMAP.Backfill != "" {
		if b, err := ParseDuration(raw.IMAP.Backfill); err == nil {
			c.backfill = b
		}
	}

	// [replies]
	c.Replies = Replies{AuthservID: strings.TrimSpace(raw.Replies.AuthservID), Acknowledge: true}
	if raw.Replies.Acknowledge != nil {
		c.Replies.Acknowledge = *raw.Replies.Acknowledge
	}

	employerSections(c, raw.Employer, raw.Digest, fail)

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func or(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// phrases lower-cases and trims a list, dropping empties; nil means the default.
func phrases(list, def []string) []string {
	if list == nil {
		list = def
	}
	out := make([]string, 0, len(list))
	for _, p := range list {
		p = strings.Join(strings.Fields(strings.ToLower(p)), " ")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// LoadLocation loads an IANA time zone by name. "Local" and "" are refused so
// that a config means the same on every machine.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q: give an IANA name such as Europe/Berlin", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is not an IANA zone name such as Europe/Berlin", name)
	}
	return loc, nil
}
