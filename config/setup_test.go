package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A calendar URL is a secret: http:// is refused except to loopback, and
// the refusal names the host, never the URL. A file path may start with ~.
func TestCalendarSources(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, c := range []struct {
		source, err, path string
	}{
		{source: "http://calendar.example.com/private-s3cr3t/basic.ics", err: "http:// to calendar.example.com"},
		{source: "http://127.0.0.1:8080/private-s3cr3t/basic.ics"},
		{source: "http://localhost/private-s3cr3t/basic.ics"},
		{source: "https://calendar.example.com/private-s3cr3t/basic.ics"},
		{source: "~/cal/work.ics", path: filepath.Join(home, "cal", "work.ics")},
		{source: "/srv/cal/work.ics", path: "/srv/cal/work.ics"},
	} {
		p := writeConfig(t, "[[calendar]]\nname = \"work\"\nsource = \""+c.source+"\"\n", 0o600)
		cfg, err := Load(p)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("%s: %v, want an error naming %q and not the URL", c.source, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.source, err)
		case c.path != "" && cfg.Calendars[0].Source != c.path:
			t.Errorf("%s: source %q, want %q", c.source, cfg.Calendars[0].Source, c.path)
		}
	}
}

// [imap] and [smtp] ca_file: read into a TLS configuration that trusts
// exactly its CAs; refused with security = "none"; a file without a
// certificate is an error when used.
func TestCAFile(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := writeConfig(t, `[owner]
email = "a@example.org"
[smtp]
host = "mail.example.org"
security = "starttls"
ca_file = "`+junk+`"
[imap]
host = "127.0.0.1"
security = "none"
ca_file = "`+junk+`"
`, 0o600)
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := cfg.SMTP()
	if err != nil || s.CAFile != junk {
		t.Fatalf("smtp: %+v, %v", s, err)
	}
	if _, err := s.TLSConfig(); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("ca_file without a certificate: %v", err)
	}
	if _, err := cfg.IMAP(); err == nil || !strings.Contains(err.Error(), "imap.ca_file") {
		t.Errorf("ca_file with security none: %v", err)
	}
	var none Account
	if tc, err := none.TLSConfig(); tc != nil || err != nil {
		t.Errorf("no ca_file: %v, %v; want the system's roots (nil)", tc, err)
	}
}

// A failing password_command's standard error is kept for check, out of
// the error text the daemon logs.
func TestSecretCommandStderr(t *testing.T) {
	s := Secret{command: "echo 'vault is sealed' >&2; exit 3"}
	_, err := s.Resolve(context.Background())
	var ce *SecretCommandError
	if !errors.As(err, &ce) || !strings.Contains(ce.Stderr, "vault is sealed") || strings.Contains(err.Error(), "vault") {
		t.Errorf("error %v (%+v)", err, ce)
	}
}
