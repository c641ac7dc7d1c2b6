package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// rawConfig is the TOML file's shape. Pointers and nil slices tell "not set"
// (take the default) from an explicit value.
type rawConfig struct {
	Owner    rawOwner      `toml:"owner"`
	Schedule rawSchedule   `toml:"schedule"`
	Detect   rawDetect     `toml:"detect"`
	Company  []rawCompany  `toml:"company"`
	Calendar []rawCalendar `toml:"calendar"`
	IMAP     *rawIMAP      `toml:"imap"`
	SMTP     *rawSMTP      `toml:"smtp"`
	Store    rawStore      `toml:"store"`
	Replies  rawReplies    `toml:"replies"`
	Employer rawEmployer   `toml:"employer"`
	Digest   rawDigest     `toml:"digest"`
}

type rawOwner struct {
	Name       string   `toml:"name"`
	Email      string   `toml:"email"`
	Aliases    []string `toml:"aliases"`
	Timezone   string   `toml:"timezone"`
	Phone      string   `toml:"phone"`
	Attributes []string `toml:"attributes"`
	Value      string   `toml:"value"`
	Unique     string   `toml:"unique"`
	Signature  string   `toml:"signature"`
}

type rawSchedule struct {
	ThankYouDelay        *string  `toml:"thank_you_delay"`
	QuietHours           *string  `toml:"quiet_hours"`
	FollowUpBusinessDays *int     `toml:"follow_up_business_days"`
	FollowUpTime         *string  `toml:"follow_up_time"`
	Holidays             []string `toml:"holidays"`
	NagEvery             *string  `toml:"nag_every"`
	NagLimit             *int     `toml:"nag_limit"`
}

type rawDetect struct {
	Keywords []string `toml:"keywords"`
	Exclude  []string `toml:"exclude"`
}

type rawCompany struct {
	Match     string `toml:"match"`
	Name      string `toml:"name"`
	Formality string `toml:"formality"`
}

type rawCalendar struct {
	Name    string `toml:"name"`
	Source  string `toml:"source"`
	Refresh string `toml:"refresh"`
}

type rawSecret struct {
	Password        string `toml:"password"`
	PasswordFile    string `toml:"password_file"`
	PasswordCommand string `toml:"password_command"`
	// OAuth2TokenCommand prints a fresh XOAUTH2 access token.
	OAuth2TokenCommand string `toml:"oauth2_token_command"`
}

type rawIMAP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Security string `toml:"security"`
	Username string `toml:"username"`
	rawSecret
	CAFile   string     `toml:"ca_file"`
	Folders  rawFolders `toml:"folders"`
	Backfill string     `toml:"backfill"`
	Poll     string     `toml:"poll"`
}

type rawFolders struct {
	Inbox  string `toml:"inbox"`
	Sent   string `toml:"sent"`
	Drafts string `toml:"drafts"`
}

type rawSMTP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Security string `toml:"security"`
	Username string `toml:"username"`
	rawSecret
	CAFile string `toml:"ca_file"`
	From   string `toml:"from"`
}

type rawStore struct {
	Path string `toml:"path"`
}

type rawReplies struct {
	AuthservID  string `toml:"authserv_id"`
	Acknowledge *bool  `toml:"acknowledge"`
}

// decode reads the file strictly: unknown keys and type mismatches are errors
// that name the file, the line and the key.
func decode(r io.Reader, name string) (rawConfig, error) {
	var raw rawConfig
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return raw, fmt.Errorf("read config %s: %w", name, err)
	}
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	err = dec.Decode(&raw)
	var strict *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case err == nil:
		return raw, nil
	case errors.As(err, &strict):
		var msgs []string
		for i := range strict.Errors {
			e := &strict.Errors[i]
			line, _ := e.Position()
			msgs = append(msgs, fmt.Sprintf("%s:%d: unknown key %q", name, line, strings.Join(e.Key(), ".")))
		}
		return raw, errors.New(strings.Join(msgs, "; "))
	case errors.As(err, &de):
		line, col := de.Position()
		key := strings.Join(de.Key(), ".")
		if key != "" {
			return raw, fmt.Errorf("%s:%d:%d: %s: %s", name, line, col, key, strings.TrimPrefix(de.Error(), "toml: "))
		}
		return raw, fmt.Errorf("%s:%d:%d: %s", name, line, col, strings.TrimPrefix(de.Error(), "toml: "))
	default:
		return raw, fmt.Errorf("decode config %s: %w", name, err)
	}
}
