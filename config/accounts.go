package config

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Security is how a mail connection is protected.
type Security string

const (
	// TLS is implicit TLS from the first byte (IMAPS 993, SMTPS 465).
	TLS Security = "tls"
	// StartTLS is mandatory STARTTLS: a server that does not offer it is refused.
	StartTLS Security = "starttls"
	// Plain is no TLS at all, allowed only to a loopback address.
	Plain Security = "none"
)

// Secret says where a password or token comes from. Its String method never
// shows the value, so a Secret can be logged safely.
type Secret struct {
	password string // inline; refused when the config file is readable by others
	file     string
	command  string
	// credential is the systemd credential name (LoadCredential=) tried when
	// nothing else is set.
	credential string
}

func (s Secret) String() string {
	switch {
	case s.command != "":
		return "password_command"
	case s.file != "":
		return "password_file " + s.file
	case s.password != "":
		return "password (inline, redacted)"
	default:
		return "systemd credential " + s.credential
	}
}

// Resolve returns the secret's value. Errors never contain the value.
func (s Secret) Resolve(ctx context.Context) (string, error) {
	switch {
	case s.command != "":
		return runSecretCommand(ctx, s.command)
	case s.file != "":
		b, err := os.ReadFile(s.file)
		if err != nil {
			return "", fmt.Errorf("read password_file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case s.password != "":
		return s.password, nil
	}
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	if dir == "" {
		return "", errors.New("no password, password_file, password_command or systemd credential")
	}
	b, err := os.ReadFile(filepath.Join(dir, s.credential))
	if err != nil {
		return "", fmt.Errorf("read systemd credential %s: %w", s.credential, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// SecretCommandError is a password_command or oauth2_token_command that
// failed. Error leaves its standard error out (the daemon logs errors, and a
// command may echo the secret); `followupd check` shows Stderr after taking
// the secrets it knows out of it.
type SecretCommandError struct {
	Err    error
	Stderr string // at most the last 2 KiB
}

func (e *SecretCommandError) Error() string { return "run secret command: " + e.Err.Error() }
func (e *SecretCommandError) Unwrap() error { return e.Err }

// runSecretCommand runs cmd with sh -c and returns its first line.
func runSecretCommand(ctx context.Context, cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var out, stderr bytes.Buffer
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	c.Stdout = &out
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		tail := stderr.Bytes()
		if len(tail) > 2048 {
			tail = tail[len(tail)-2048:]
		}
		return "", &SecretCommandError{Err: err, Stderr: string(tail)}
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return "", errors.New("run secret command: it printed nothing")
	}
	return line, nil
}

// Account is a validated [imap] or [smtp] connection.
type Account struct {
	Host     string
	Port     int
	Security Security
	Username string
	Password Secret
	// OAuth2TokenCommand, when set, prints a fresh XOAUTH2 access token and
	// replaces the password.
	OAuth2TokenCommand string
	// CAFile, when set, is a PEM file of the certificate authorities that
	// sign the server's certificate (a home server with its own CA). The
	// certificate is verified against them instead of the system's; it is
	// never skipped.
	CAFile string
}

// TLSConfig returns the TLS configuration for the account: nil (the
// system's roots) without ca_file, else one that trusts exactly the CAs in
// it, with ServerName set to the host.
func (a Account) TLSConfig() (*tls.Config, error) {
	if a.CAFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(a.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificate in it", a.CAFile)
	}
	return &tls.Config{RootCAs: pool, ServerName: a.Host, MinVersion: tls.VersionTLS12}, nil
}

// Addr is host:port.
func (a Account) Addr() string { return net.JoinHostPort(a.Host, fmt.Sprint(a.Port)) }

// Token returns the XOAUTH2 access token from OAuth2TokenCommand.
func (a Account) Token(ctx context.Context) (string, error) {
	return runSecretCommand(ctx, a.OAuth2TokenCommand)
}

// IMAP is the validated [imap] section.
type IMAP struct {
	Account
	Inbox, Sent, Drafts string // folder names; Sent and Drafts may be empty
	Backfill            time.Duration
	Poll                time.Duration
}

// SMTP is the validated [smtp] section.
type SMTP struct {
	Account
	From string
}

// defaultBackfill is [imap] backfill when the file does not set it.
const defaultBackfill = "30d"

// Backfill is how far back the daemon looks: [imap] backfill, or its
// default (30 days) when there is no [imap] or it does not validate.
func (c *Config) Backfill() time.Duration { return c.backfill }

// HasIMAP reports whether the file has an [imap] section.
func (c *Config) HasIMAP() bool { return c.imap != nil }

// HasSMTP reports whether the file has an [smtp] section.
func (c *Config) HasSMTP() bool { return c.smtp != nil }

// IMAP validates and returns the [imap] section.
func (c *Config) IMAP() (*IMAP, error) {
	r := c.imap
	if r == nil {
		return nil, errors.New("config has no [imap] section")
	}
	acct, err := c.account("imap", r.Host, r.Port, r.Security, r.Username, r.rawSecret, r.CAFile, 993, 143)
	if err != nil {
		return nil, err
	}
	m := &IMAP{Account: acct, Inbox: r.Folders.Inbox, Sent: r.Folders.Sent, Drafts: r.Folders.Drafts}
	if m.Inbox == "" {
		m.Inbox = "INBOX"
	}
	if m.Backfill, err = ParseDuration(orEmpty(r.Backfill, defaultBackfill)); err != nil {
		return nil, fmt.Errorf("imap.backfill: %w", err)
	}
	if m.Poll, err = ParseDuration(orEmpty(r.Poll, "2m")); err != nil {
		return nil, fmt.Errorf("imap.poll: %w", err)
	} else if m.Poll < 10*time.Second {
		return nil, fmt.Errorf("imap.poll: %s is shorter than the 10s minimum", m.Poll)
	}
	return m, nil
}

// SMTP validates and returns the [smtp] section.
func (c *Config) SMTP() (*SMTP, error) {
	r := c.smtp
	if r == nil {
		return nil, errors.New("config has no [smtp] section")
	}
	acct, err := c.account("smtp", r.Host, r.Port, r.Security, r.Username, r.rawSecret, r.CAFile, 465, 587)
	if err != nil {
		return nil, err
	}
	s := &SMTP{Account: acct, From: r.From}
	if s.From == "" {
		s.From = c.Owner.Email
	}
	if s.From == "" {
		return nil, errors.New("smtp.from: not set and owner.email is empty")
	}
	return s, nil
}

// StorePath returns the SQLite database path: [store] path, else
// $STATE_DIRECTORY/followupd.db under systemd, else
// $XDG_STATE_HOME/followupd/followupd.db (~/.local/state by default).
func (c *Config) StorePath(getenv func(string) string) (string, error) {
	if c.store.Path != "" {
		return c.store.Path, nil
	}
	if d := getenv("STATE_DIRECTORY"); d != "" {
		// systemd may pass several colon-separated directories; the first is ours.
		first, _, _ := strings.Cut(d, ":")
		return filepath.Join(first, "followupd.db"), nil
	}
	if x := getenv("XDG_STATE_HOME"); x != "" {
		return filepath.Join(x, "followupd", "followupd.db"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "followupd", "followupd.db"), nil
	}
	return "", errors.New("store.path: not set, and neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is")
}

func (c *Config) account(section, host string, port int, security, user string, sec rawSecret, caFile string, tlsPort, plainPort int) (Account, error) {
	a := Account{Host: strings.TrimSpace(host), Port: port, Username: user, OAuth2TokenCommand: sec.OAuth2TokenCommand,
		Password: Secret{password: sec.Password, file: ExpandHome(sec.PasswordFile), command: sec.PasswordCommand, credential: section + "-password"},
		CAFile:   ExpandHome(strings.TrimSpace(caFile))}
	if a.Host == "" {
		return a, fmt.Errorf("%s.host: not set", section)
	}
	switch Security(strings.ToLower(security)) {
	case "", TLS:
		a.Security = TLS
	case StartTLS:
		a.Security = StartTLS
	case Plain:
		a.Security = Plain
		if !isLoopback(a.Host) {
			return a, fmt.Errorf("%s.security: \"none\" sends the password in clear text and is allowed only to a loopback address, not %q", section, a.Host)
		}
	default:
		return a, fmt.Errorf("%s.security: %q is not \"tls\", \"starttls\" or \"none\"", section, security)
	}
	if a.Port == 0 {
		a.Port = plainPort
		if a.Security == TLS {
			a.Port = tlsPort
		}
	}
	if a.Port < 1 || a.Port > 65535 {
		return a, fmt.Errorf("%s.port: %d is not a port", section, a.Port)
	}
	set := 0
	for _, v := range []string{sec.Password, sec.PasswordFile, sec.PasswordCommand} {
		if v != "" {
			set++
		}
	}
	if set > 1 {
		return a, fmt.Errorf("%s: set only one of password, password_file and password_command", section)
	}
	if a.CAFile != "" && a.Security == Plain {
		return a, fmt.Errorf("%s.ca_file: set, but security = \"none\" uses no TLS; use \"tls\" or \"starttls\"", section)
	}
	if sec.Password != "" && !c.inlineSecretsOK {
		return a, fmt.Errorf("%s.password: the config file %s can be read by group or others; make it mode 0600 or use password_file, password_command or a systemd credential", section, c.Path)
	}
	return a, nil
}

func orEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ExpandHome replaces a leading "~/" (or a lone "~") with the user's home
// directory ($HOME); any other path is returned as it is.
func ExpandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path // the open fails later, naming the path as written
	}
	return filepath.Join(home, path[1:])
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
