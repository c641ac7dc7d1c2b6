package config

import (
	"fmt"
	"strings"
	"time"
)

// Employer configures what followupd does with the employer's side (issue
// 14): how long silence after the follow-up call lasts before the one
// check-in draft, and before "no response".
type Employer struct {
	// SilenceBusinessDays is N: N business days after the call without a
	// word from the company bring the check-in draft, N more mark the
	// application "no response". At least 1; default 7.
	SilenceBusinessDays int
}

// Digest configures the weekly digest of the pipeline.
type Digest struct {
	Enabled bool
	// Weekday and Time say when it goes out, in the owner's zone; the
	// default is Monday at [schedule] follow_up_time.
	Weekday time.Weekday
	Time    ClockTime
}

type rawEmployer struct {
	SilenceBusinessDays *int `toml:"silence_business_days"`
}

type rawDigest struct {
	Enabled *bool  `toml:"enabled"`
	Weekday string `toml:"weekday"`
	Time    string `toml:"time"`
}

const defaultSilenceBusinessDays = 7

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// employerSections validates [employer] and [digest] into c; fail records a
// problem with a key.
func employerSections(c *Config, e rawEmployer, d rawDigest, fail func(key string, err error)) {
	c.Employer = Employer{SilenceBusinessDays: defaultSilenceBusinessDays}
	if e.SilenceBusinessDays != nil {
		if n := *e.SilenceBusinessDays; n < 1 || n > 60 {
			fail("employer.silence_business_days", fmt.Errorf("%d is not between 1 and 60", n))
		} else {
			c.Employer.SilenceBusinessDays = n
		}
	}
	c.Digest = Digest{Enabled: true, Weekday: time.Monday, Time: c.Schedule.FollowUpTime}
	if d.Enabled != nil {
		c.Digest.Enabled = *d.Enabled
	}
	if w := strings.ToLower(strings.TrimSpace(d.Weekday)); w != "" {
		wd, ok := weekdays[w]
		if !ok {
			fail("digest.weekday", fmt.Errorf("%q is not a day of the week", d.Weekday))
		}
		c.Digest.Weekday = wd
	}
	if d.Time != "" {
		t, err := ParseClockTime(d.Time)
		if err != nil {
			fail("digest.time", err)
		} else {
			c.Digest.Time = t
		}
	}
}
