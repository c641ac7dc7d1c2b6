package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c := Default()
	s := c.Schedule
	if s.ThankYouDelay != time.Hour || s.QuietHours.String() != "21:00-08:00" || s.FollowUpBusinessDays != 3 ||
		s.FollowUpTime != (ClockTime{9, 0}) || s.NagEvery != 24*time.Hour || s.NagLimit != 2 {
		t.Errorf("default schedule = %+v", s)
	}
	if strings.Join(c.Detect.Keywords, ",") != "interview,phone screen,onsite" {
		t.Errorf("default keywords = %q", c.Detect.Keywords)
	}
	if strings.Join(c.Detect.Exclude, ",") != "mock interview,interview prep" {
		t.Errorf("default excludes = %q", c.Detect.Exclude)
	}
	if c.Owner.Location != time.Local {
		t.Errorf("default owner zone = %v, want the machine's", c.Owner.Location)
	}
	if !c.Replies.Acknowledge {
		t.Error("replies.acknowledge defaults to false, want true")
	}
}

func TestLoadExample(t *testing.T) {
	c, err := Load(filepath.Join("..", "config.example.toml"))
	if err != nil {
		t.Fatalf("config.example.toml does not load: %v", err)
	}
	if c.Owner.Location.String() != "America/New_York" || len(c.Companies) == 0 || len(c.Calendars) == 0 {
		t.Errorf("example config read as %+v", c)
	}
	if _, err := c.IMAP(); err != nil {
		t.Errorf("example [imap]: %v", err)
	}
	if _, err := c.SMTP(); err != nil {
		t.Errorf("example [smtp]: %v", err)
	}
}

func TestLoadValues(t *testing.T) {
	p := writeConfig(t, `
[owner]
name = "Alex Morgan"
email = "Alex.Morgan@Example.org"
aliases = ["alex@example.org"]
timezone = "Europe/Berlin"

[schedule]
thank_you_delay = "90m"
quiet_hours = ""
follow_up_business_days = 2
follow_up_time = "10:30"
holidays = ["2026-12-24", "2026-12-25"]
nag_every = "2d"
nag_limit = 0

[detect]
keywords = ["Interview", "  Hiring   Chat "]
exclude = []

[[company]]
match = "acme.com"
name = "Acme Corporation"
formality = "formal"

[[company]]
match = "Globex"
name = "Globex"
`, 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Owner.IsOwner("mailto:ALEX@example.org") || !c.Owner.IsOwner("alex.morgan@example.org") || c.Owner.IsOwner("jane@acme.com") {
		t.Error("IsOwner does not recognise the owner and aliases case-insensitively")
	}
	s := c.Schedule
	if s.ThankYouDelay != 90*time.Minute || s.QuietHours.Enabled() || s.FollowUpBusinessDays != 2 ||
		s.FollowUpTime != (ClockTime{10, 30}) || len(s.Holidays) != 2 || s.NagEvery != 48*time.Hour || s.NagLimit != 0 {
		t.Errorf("schedule = %+v", s)
	}
	if !s.IsHoliday(Date{2026, time.December, 25}) || s.IsHoliday(Date{2026, time.December, 26}) {
		t.Error("IsHoliday wrong")
	}
	if strings.Join(c.Detect.Keywords, ",") != "interview,hiring chat" || len(c.Detect.Exclude) != 0 {
		t.Errorf("detect = %+v (an explicit empty exclude list must stay empty)", c.Detect)
	}
	if c.Companies[0].Formality != Formal || !c.Companies[0].IsDomain() || c.Companies[1].Formality != Casual || c.Companies[1].IsDomain() {
		t.Errorf("companies = %+v", c.Companies)
	}
	if c.HasIMAP() || c.HasSMTP() {
		t.Error("HasIMAP/HasSMTP true without the sections")
	}
	if _, err := c.IMAP(); err == nil {
		t.Error("IMAP() without [imap] returned no error")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // substrings of the error
	}{
		{"unknown key names file and line", "[owner]\nname = \"A\"\n\n[schedule]\nthank_you_dealy = \"1h\"\n", []string{"config.toml:5", "schedule.thank_you_dealy"}},
		{"unknown section", "[ower]\nname = \"A\"\n", []string{"config.toml:1", "ower"}},
		{"type mismatch names line", "[schedule]\nnag_limit = \"two\"\n", []string{"config.toml:2"}},
		{"bad duration", "[schedule]\nthank_you_delay = \"an hour\"\n", []string{"schedule.thank_you_delay", "an hour"}},
		{"bad clock time", "[schedule]\nfollow_up_time = \"9am\"\n", []string{"schedule.follow_up_time", "HH:MM"}},
		{"bad date", "[schedule]\nholidays = [\"25/12/2026\"]\n", []string{"schedule.holidays", "YYYY-MM-DD"}},
		{"bad zone", "[owner]\ntimezone = \"CET+1\"\n", []string{"owner.timezone", "IANA"}},
		{"bad quiet hours", "[schedule]\nquiet_hours = \"21:00\"\n", []string{"schedule.quiet_hours"}},
		{"bad formality", "[[company]]\nmatch = \"acme.com\"\nname = \"Acme\"\nformality = \"stiff\"\n", []string{"company[0].formality"}},
		{"company without name", "[[company]]\nmatch = \"acme.com\"\n", []string{"company[0].name"}},
		{"calendar without source", "[[calendar]]\nname = \"work\"\n", []string{"calendar[0].source"}},
		{"bad email", "[owner]\nemail = \"not an address\"\n", []string{"owner.email"}},
		{"several problems at once", "[schedule]\nnag_limit = 99\nfollow_up_business_days = 0\n", []string{"nag_limit", "follow_up_business_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeConfig(t, tt.body, 0o600))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	base := "[owner]\nemail = \"alex@example.org\"\n"
	tests := []struct {
		name, body string
		mode       os.FileMode
		wantErr    string
	}{
		{"tls default port", "[imap]\nhost = \"imap.example.org\"\nusername = \"alex\"\npassword_file = \"/run/secret\"\n", 0o600, ""},
		{"plaintext to a remote host refused", "[imap]\nhost = \"imap.example.org\"\nsecurity = \"none\"\n", 0o600, "loopback"},
		{"plaintext to loopback allowed", "[imap]\nhost = \"127.0.0.1\"\nport = 1143\nsecurity = \"none\"\n", 0o600, ""},
		{"two secret sources", "[imap]\nhost = \"h\"\npassword = \"x\"\npassword_file = \"/f\"\n", 0o600, "only one"},
		{"inline password in a world-readable file", "[imap]\nhost = \"h\"\npassword = \"hunter2\"\n", 0o644, "group or others"},
		{"inline password in a private file", "[imap]\nhost = \"h\"\npassword = \"hunter2\"\n", 0o600, ""},
		{"unknown security", "[imap]\nhost = \"h\"\nsecurity = \"ssl\"\n", 0o600, "security"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, base+tt.body, tt.mode))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			m, err := c.IMAP()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("IMAP(): %v", err)
				}
				if m.Port == 0 || m.Inbox != "INBOX" || m.Backfill != 30*24*time.Hour || m.Poll != 2*time.Minute {
					t.Errorf("IMAP() = %+v", m)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("IMAP() error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Error("the error shows the password")
			}
		})
	}
}

func TestSecretNeverShown(t *testing.T) {
	s := Secret{password: "hunter2"}
	if strings.Contains(s.String(), "hunter2") {
		t.Errorf("Secret.String() = %q shows the value", s.String())
	}
	v, err := Secret{command: "echo s3cret; echo second-line"}.Resolve(t.Context())
	if err != nil || v != "s3cret" {
		t.Errorf("password_command = %q, %v; want its first line", v, err)
	}
	_, err = Secret{command: "echo hunter2 >&2; exit 3"}.Resolve(t.Context())
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("failing command error = %v: want an error without its output", err)
	}
}

func TestStorePath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c := Default()
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"STATE_DIRECTORY": "/var/lib/followupd", "XDG_STATE_HOME": "/x"}, "/var/lib/followupd/followupd.db"},
		{map[string]string{"XDG_STATE_HOME": "/x"}, "/x/followupd/followupd.db"},
		{map[string]string{"HOME": "/home/a"}, "/home/a/.local/state/followupd/followupd.db"},
	}
	for _, tc := range cases {
		if got, err := c.StorePath(env(tc.env)); err != nil || got != tc.want {
			t.Errorf("StorePath(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}

func TestClockTimeOnDST(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		loc        *time.Location
		d          Date
		c          ClockTime
		wantLocal  string
		wantOffset int // hours
	}{
		{ny, Date{2026, time.March, 8}, ClockTime{2, 30}, "03:30", -4},       // gap: forward
		{berlin, Date{2026, time.March, 29}, ClockTime{2, 30}, "03:30", 2},   // gap: forward
		{ny, Date{2026, time.November, 1}, ClockTime{1, 30}, "01:30", -4},    // repeated: first
		{berlin, Date{2026, time.October, 25}, ClockTime{2, 30}, "02:30", 2}, // repeated: first
		{ny, Date{2026, time.December, 3}, ClockTime{9, 0}, "09:00", -5},
	}
	for _, tc := range cases {
		got := tc.c.On(tc.d, tc.loc)
		_, off := got.Zone()
		if got.Format("15:04") != tc.wantLocal || off != tc.wantOffset*3600 {
			t.Errorf("%s on %s in %s = %s, want %s at UTC%+d", tc.c, tc.d, tc.loc, got, tc.wantLocal, tc.wantOffset)
		}
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "followupd", "config.toml")
	if err := os.MkdirAll(filepath.Dir(xdg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xdg, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": dir}
	get := func(k string) string { return env[k] }
	if p, _ := Locate("/flag.toml", get); p != "/flag.toml" {
		t.Errorf("flag not preferred: %q", p)
	}
	if p, _ := Locate("", get); p != xdg {
		t.Errorf("XDG config not found: %q", p)
	}
	env["FOLLOWUPD_CONFIG"] = "/env.toml"
	if p, _ := Locate("", get); p != "/env.toml" {
		t.Errorf("$FOLLOWUPD_CONFIG not preferred: %q", p)
	}
}

func TestBackfill(t *testing.T) {
	if got := Default().Backfill(); got != 30*24*time.Hour {
		t.Errorf("default backfill = %s, want 30 days", got)
	}
	c, err := Load(writeConfig(t, "[imap]\nhost = \"h\"\nbackfill = \"7d\"\n", 0o600))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Backfill(); got != 7*24*time.Hour {
		t.Errorf("backfill = %s, want 7 days", got)
	}
}

func TestEmployerAndDigestSections(t *testing.T) {
	c := Default()
	if c.Employer.SilenceBusinessDays != 7 || !c.Digest.Enabled || c.Digest.Weekday != time.Monday || c.Digest.Time != c.Schedule.FollowUpTime {
		t.Errorf("defaults: %+v %+v", c.Employer, c.Digest)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		body, err string
	}{
		{"[employer]\nsilence_business_days = 0\n", "employer.silence_business_days"},
		{"[digest]\nweekday = \"someday\"\n", "digest.weekday"},
		{"[digest]\ntime = \"25:00\"\n", "digest.time"},
		{"[digest]\nenabled = false\nweekday = \"Friday\"\ntime = \"16:30\"\n[employer]\nsilence_business_days = 5\n", ""},
	} {
		p := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(p, []byte("[owner]\nemail = \"a@example.org\"\n"+tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.body, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one naming %s", tc.body, err, tc.err)
		case tc.err == "" && (c.Digest.Enabled || c.Digest.Weekday != time.Friday || c.Digest.Time.String() != "16:30" || c.Employer.SilenceBusinessDays != 5):
			t.Errorf("%q: %+v %+v", tc.body, c.Digest, c.Employer)
		}
	}
}
