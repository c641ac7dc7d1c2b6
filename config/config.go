// Package config owns followupd's configuration: the TOML file's shape, its
// defaults, and the validated, immutable Config value the rest of the daemon
// is handed. Loaders return errors and never exit; nothing here is global.
//
// Reading happens in two layers. The file is decoded strictly (an unknown key
// is an error naming file and line) into the raw shape in file.go; Load then
// turns that into a Config with typed durations, clock times, dates and time
// zones. The [imap], [smtp] and [store] sections are decoded with the rest but
// validated only by the commands that use them (see Config.IMAP, Config.SMTP,
// Config.StorePath), so that `followupd explain` works with a config that
// holds none of them.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config is a validated configuration. Treat it as immutable: a reload builds a
// new one and swaps the pointer.
type Config struct {
	// Path is the file the configuration came from; empty for built-in defaults.
	Path string

	Owner     Owner
	Schedule  Schedule
	Detect    Detect
	Companies []Company
	Calendars []Calendar
	Replies   Replies
	Employer  Employer // [employer]: see employer.go
	Digest    Digest   // [digest]: see employer.go

	imap *rawIMAP
	smtp *rawSMTP
	// backfill is [imap] backfill when it reads, else the default: how far
	// back calendars and mail are read (see Backfill).
	backfill time.Duration
	store    rawStore
	// inlineSecretsOK is false when the file is readable by group or others;
	// an inline password is then refused (see checkSecret).
	inlineSecretsOK bool
}

// Owner is the person followupd works for.
type Owner struct {
	Name  string
	Email string // lower-cased addr-spec
	// Aliases are further addresses of the owner, lower-cased.
	Aliases []string
	// Location is the owner's time zone; every interview time is computed in it.
	Location   *time.Location
	Phone      string
	Attributes []string
	Value      string
	Unique     string
	Signature  string
}

// IsOwner reports whether addr (an addr-spec, any case, with or without a
// "mailto:" prefix) is the owner's address or one of the aliases.
func (o Owner) IsOwner(addr string) bool {
	a := NormalizeAddress(addr)
	if a == "" {
		return false
	}
	if a == o.Email {
		return true
	}
	for _, alias := range o.Aliases {
		if a == alias {
			return true
		}
	}
	return false
}

// NormalizeAddress lower-cases an addr-spec and strips a "mailto:" prefix and
// surrounding space and angle brackets.
func NormalizeAddress(addr string) string {
	a := strings.TrimSpace(addr)
	if len(a) >= 7 && strings.EqualFold(a[:7], "mailto:") {
		a = a[7:]
	}
	a = strings.Trim(a, "<> \t")
	return strings.ToLower(a)
}

// Schedule says when follow-ups fall due.
type Schedule struct {
	ThankYouDelay time.Duration
	// QuietHours is the daily window in which nothing is sent; zero means none.
	QuietHours QuietHours
	// FollowUpBusinessDays is N in "the Nth business day after the interview"; at least 1.
	FollowUpBusinessDays int
	FollowUpTime         ClockTime
	// Holidays are skipped like weekends when counting business days.
	Holidays []Date
	NagEvery time.Duration
	NagLimit int
}

// IsHoliday reports whether the civil date d is one of the configured holidays.
func (s Schedule) IsHoliday(d Date) bool {
	for _, h := range s.Holidays {
		if h == d {
			return true
		}
	}
	return false
}

// Detect holds the words that make an event an interview.
type Detect struct {
	// Keywords and Exclude are lower-cased phrases matched as whole words.
	Keywords []string
	Exclude  []string
}

// Formality is the register a company is written to in: a formal company gets a
// letter on good paper, a casual one an email.
type Formality string

const (
	Casual Formality = "casual"
	Formal Formality = "formal"
)

// Company is a [[company]] rule.
type Company struct {
	// Match is an email domain (when it has a dot and no space) or a
	// case-insensitive substring of the event summary.
	Match     string
	Name      string
	Formality Formality // Casual when the file does not say
}

// IsDomain reports whether the rule matches by email domain.
func (c Company) IsDomain() bool {
	return strings.Contains(c.Match, ".") && !strings.ContainsAny(c.Match, " \t")
}

// Calendar is a [[calendar]] source.
type Calendar struct {
	Name string
	// Source is a file path or an http(s) URL. A secret iCal URL is a
	// credential: log Name, never Source.
	Source  string
	Refresh time.Duration
}

// IsURL reports whether the source is fetched over HTTP(S).
func (c Calendar) IsURL() bool {
	s := strings.ToLower(c.Source)
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// Replies configures how the owner's replies are read.
type Replies struct {
	// AuthservID, when set, picks the Authentication-Results header added by
	// the owner's own receiving server; otherwise the topmost one is used.
	AuthservID  string
	Acknowledge bool
}

// Default returns the configuration used when no file is given: every
// default, the machine's time zone, no owner address, no sources.
func Default() *Config {
	c, err := fromRaw(rawConfig{}, "")
	if err != nil {
		// The defaults are constants of this package; failing here is a bug.
		panic(fmt.Sprintf("config: built-in defaults do not validate: %v", err))
	}
	return c
}

// Load reads and validates the configuration file at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open config: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat config %s: %w", path, err)
	}
	raw, err := decode(f, path)
	if err != nil {
		return nil, err
	}
	c, err := fromRaw(raw, path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.inlineSecretsOK = info.Mode().Perm()&0o077 == 0
	return c, nil
}

// Locate returns the config file to use: flagPath when set, else
// $FOLLOWUPD_CONFIG, $CREDENTIALS_DIRECTORY/config.toml (a systemd
// credential), $XDG_CONFIG_HOME/followupd/config.toml (or
// ~/.config/followupd/config.toml), /etc/followupd/config.toml, the first that
// exists. It returns "" when none exists and none was asked for explicitly.
func Locate(flagPath string, getenv func(string) string) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	if p := getenv("FOLLOWUPD_CONFIG"); p != "" {
		return p, nil
	}
	var candidates []string
	if c := getenv("CREDENTIALS_DIRECTORY"); c != "" {
		candidates = append(candidates, c+"/config.toml")
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		candidates = append(candidates, x+"/followupd/config.toml")
	} else if h := getenv("HOME"); h != "" {
		candidates = append(candidates, h+"/.config/followupd/config.toml")
	}
	candidates = append(candidates, "/etc/followupd/config.toml")
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("look for config %s: %w", p, err)
		}
	}
	return "", nil
}
