package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// checkTimeout bounds each network part of `followupd check`.
const checkTimeout = 20 * time.Second

// checkPart is one line of `followupd check`: a part of the set-up, whether
// it works, what was found (or the cause) and, on failure, the fix.
type checkPart struct {
	Part   string `json:"part"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// checkReport is `followupd check --json`.
type checkReport struct {
	Config  string      `json:"config"`
	Offline bool        `json:"offline"`
	OK      bool        `json:"ok"`
	Parts   []checkPart `json:"parts"`
}

// checker proves a configuration part by part. secrets are the values it
// resolved, taken out of everything it prints.
type checker struct {
	cfg     *config.Config
	e       *env
	now     time.Time
	log     *slog.Logger
	parts   []checkPart
	secrets []string
	// smtpOK is whether the SMTP login worked just now.
	smtpOK bool
}

func (c *checker) ok(part, detail string) {
	c.parts = append(c.parts, checkPart{Part: part, OK: true, Detail: c.redact(detail)})
}

// line is how check prints the part: "ok    part: detail" or
// "FAIL  part: cause: fix".
func (p checkPart) line() string {
	mark := "ok  "
	if !p.OK {
		mark = "FAIL"
	}
	line := fmt.Sprintf("%s  %s: %s", mark, tidy.OneLine(p.Part), tidy.OneLine(p.Detail))
	if p.Fix != "" {
		line += ": " + tidy.OneLine(p.Fix)
	}
	return line
}

// configFailure is check's verdict on a file that does not load; a reload
// that refuses the file logs the same line.
func configFailure(err error) checkPart {
	return checkPart{Part: "config", Detail: err.Error(), Fix: "correct the file; config.example.toml documents every key"}
}

func (c *checker) fail(part, cause, fix string) {
	c.parts = append(c.parts, checkPart{Part: part, Detail: c.redact(cause), Fix: c.redact(fix)})
}

// redact takes every secret check resolved out of s.
func (c *checker) redact(s string) string {
	for _, v := range c.secrets {
		if len(v) >= 3 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "check", "[--config FILE] [--offline] [--json]")
	cfgPath := fs.String("config", "", "configuration `file`")
	offline := fs.Bool("offline", false, "validate the file alone: no secrets read, no connections made")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	rep := checkReport{Offline: *offline}
	c := &checker{e: e, now: time.Now(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		c.parts = append(c.parts, configFailure(err))
	} else {
		c.cfg = cfg
		rep.Config = cfg.Path
		src := cfg.Path
		if src == "" {
			src = "built-in defaults (no config file found)"
		}
		c.ok("config", fmt.Sprintf("%s: owner zone %s, %d calendar(s), %d company rule(s)", src,
			cfg.Owner.Location, len(cfg.Calendars), len(cfg.Companies)))
		c.run(ctx, *offline)
	}
	rep.Parts = c.parts
	rep.OK = true
	for _, p := range c.parts {
		rep.OK = rep.OK && p.OK
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	} else {
		for _, p := range rep.Parts {
			fmt.Fprintln(e.stdout, p.line())
		}
	}
	if !rep.OK {
		return &exitError{code: 1, err: errors.New("")}
	}
	return nil
}

// run checks every part of a loaded configuration; offline, only what the
// file says.
func (c *checker) run(ctx context.Context, offline bool) {
	cfg := c.cfg
	// What the file must hold for the daemon to do its job is required
	// online only: --offline checks that the file is valid as far as it goes.
	switch {
	case cfg.Owner.Email != "":
		c.ok("owner", fmt.Sprintf("%s, zone %s", cfg.Owner.Email, cfg.Owner.Location))
	case !offline:
		c.fail("owner", "owner.email is not set", "set [owner] email: reminders go to it and replies come from it")
	}
	if len(cfg.Calendars) == 0 && !cfg.HasIMAP() && !offline {
		c.fail("sources", "nothing to watch", "add a [[calendar]] (an .ics file or secret iCal URL) or an [imap] section")
	}

	var smtpCfg *config.SMTP
	if !cfg.HasSMTP() {
		if !offline {
			c.fail("smtp", "no [smtp] section: reminders would be stored but never sent", "add [smtp] (see config.example.toml)")
		}
	} else if s, err := cfg.SMTP(); err != nil {
		c.fail("smtp", err.Error(), "correct [smtp]")
	} else {
		smtpCfg = s
	}
	var imapCfg *config.IMAP
	if cfg.HasIMAP() {
		if m, err := cfg.IMAP(); err != nil {
			c.fail("imap", err.Error(), "correct [imap]")
		} else {
			imapCfg = m
		}
	}

	if offline {
		if smtpCfg != nil {
			c.ok("smtp", fmt.Sprintf("%s %s as %q (not connected: --offline)", smtpCfg.Addr(), smtpCfg.Security, smtpCfg.Username))
		}
		if imapCfg != nil {
			c.ok("imap", fmt.Sprintf("%s %s as %q (not connected: --offline)", imapCfg.Addr(), imapCfg.Security, imapCfg.Username))
		}
		for _, cal := range cfg.Calendars {
			c.ok("calendar "+cal.Name, "configured (not read: --offline)")
		}
		if path, err := cfg.StorePath(c.e.getenv); err != nil {
			// Under systemd the path comes from StateDirectory= at start,
			// which an install step run before the first start lacks.
			c.ok("store", "decided at start ($STATE_DIRECTORY under systemd; set [store] path elsewhere)")
		} else {
			c.ok("store", path+" (not opened: --offline)")
		}
		return
	}

	if smtpCfg != nil && c.secret(ctx, "smtp", smtpCfg.Account) {
		c.checkSMTP(ctx, smtpCfg)
	}
	if imapCfg != nil && c.secret(ctx, "imap", imapCfg.Account) {
		c.checkIMAP(ctx, imapCfg)
	}
	for _, cal := range cfg.Calendars {
		c.checkCalendar(ctx, cal)
	}
	c.checkStore(ctx)
}

// secret reads an account's password or token, remembering it for
// redaction; it reports a failure and returns false when it cannot.
func (c *checker) secret(ctx context.Context, section string, a config.Account) bool {
	var (
		v   string
		err error
		src = a.Password.String()
	)
	switch {
	case a.OAuth2TokenCommand != "":
		src = "oauth2_token_command"
		v, err = a.Token(ctx)
	case a.Username == "":
		return true // no login
	default:
		v, err = a.Password.Resolve(ctx)
	}
	if err != nil {
		cause := err.Error()
		var ce *config.SecretCommandError
		if errors.As(err, &ce) && strings.TrimSpace(ce.Stderr) != "" {
			cause += "; it said: " + strings.Join(strings.Fields(ce.Stderr), " ")
		}
		c.fail(section+" secret", cause, fmt.Sprintf("check [%s] %s", section, secretKey(src)))
		return false
	}
	c.secrets = append(c.secrets, v)
	c.ok(section+" secret", "read from "+src)
	return true
}

// secretKey names the config key a secret comes from, for a fix.
func secretKey(src string) string {
	key, _, _ := strings.Cut(src, " ")
	switch key {
	case "systemd":
		return "password_file (or the systemd credential)"
	case "password":
		return "password"
	}
	return key
}

func (c *checker) checkSMTP(ctx context.Context, s *config.SMTP) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	sender := mailer.NewSender(s, c.log, mailer.WithTimeout(checkTimeout))
	if err := sender.Check(ctx); err != nil {
		cause, fix := explainFailure("smtp", s.Account, err)
		c.fail("smtp", cause, fix)
		return
	}
	c.smtpOK = true
	what := "connected"
	if s.Username != "" {
		what = "logged in as " + s.Username
	}
	c.ok("smtp", fmt.Sprintf("%s (%s), %s; nothing sent", s.Addr(), s.Security, what))
}

func (c *checker) checkIMAP(ctx context.Context, m *config.IMAP) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	w := mailbox.New(m, nil, nil, c.log, mailbox.WithReadTimeout(checkTimeout))
	rep, err := w.Check(ctx)
	if err != nil {
		cause, fix := explainFailure("imap", m.Account, err)
		c.fail("imap", cause, fix)
		return
	}
	idle := "IDLE offered (new mail is seen at once)"
	if !rep.IDLE {
		idle = fmt.Sprintf("no IDLE: the mailbox is polled every %s", m.Poll)
	}
	c.ok("imap", fmt.Sprintf("%s (%s), logged in as %s, %s", m.Addr(), m.Security, m.Username, idle))
	for _, f := range rep.Folders {
		part := fmt.Sprintf("imap %s folder %q", f.Role, f.Name)
		if f.Err != nil {
			c.fail(part, "not found: "+f.Err.Error(), fmt.Sprintf("check [imap.folders] %s (the folder names your mail program shows)", f.Role))
			continue
		}
		c.ok(part, fmt.Sprintf("%d message(s)", f.Messages))
	}
}

func (c *checker) checkCalendar(ctx context.Context, cal config.Calendar) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	part := "calendar " + cal.Name
	f := &calendar.Fetcher{Timeout: checkTimeout}
	got, err := f.Fetch(ctx, cal, calendar.FetchState{})
	if err != nil {
		if !cal.IsURL() && errors.Is(err, os.ErrNotExist) {
			c.fail(part, "no file at "+cal.Source, "export the calendar there, or correct its source")
			return
		}
		c.fail(part, err.Error(), fmt.Sprintf("check the source of [[calendar]] %q", cal.Name))
		return
	}
	parsed, err := calendar.Parse(got.Data, calendar.ReadOptions(c.cfg, c.now))
	if err != nil {
		c.fail(part, "not an iCalendar file: "+err.Error(), "point source at an .ics export")
		return
	}
	res := detect.Detect(parsed, c.cfg)
	upcoming := 0
	for _, iv := range res.Interviews {
		if iv.End.After(c.now) {
			upcoming++
		}
	}
	detail := fmt.Sprintf("%d event(s), %d interview(s), %d still to come", len(parsed.Events), len(res.Interviews), upcoming)
	if len(parsed.Problems) > 0 {
		detail += fmt.Sprintf("; %d broken event(s) skipped", len(parsed.Problems))
	}
	c.ok(part, detail)
}

// checkStore opens the database, or says where it would be created, and
// reports a sender the daemon holds.
func (c *checker) checkStore(ctx context.Context) {
	path, err := c.cfg.StorePath(c.e.getenv)
	if err != nil {
		c.fail("store", err.Error(), "set [store] path")
		return
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		dir := filepath.Dir(path)
		for {
			if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
				break
			}
			dir = filepath.Dir(dir)
		}
		if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
			c.fail("store", fmt.Sprintf("%s does not exist and %s is not writable", path, dir), "set [store] path to a place this user can write")
			return
		}
		c.ok("store", path+" (created at the first run)")
		return
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		c.fail("store", err.Error(), "check the file's owner and mode, or set [store] path")
		return
	}
	defer st.Close()
	ivs, err := st.Interviews(ctx)
	if err != nil {
		c.fail("store", err.Error(), "check the file")
		return
	}
	c.ok("store", fmt.Sprintf("%s: %d interview(s)", path, len(ivs)))
	h, err := st.SenderHealth(ctx)
	if err != nil || h.OK {
		return
	}
	since := when(h.Since, c.cfg.Owner.Location, c.now)
	if c.smtpOK {
		// Mended since: the daemon finds out at its next try.
		next := "at its next try"
		if !h.RetryAt.IsZero() {
			next = "by " + when(h.RetryAt, c.cfg.Owner.Location, c.now)
		}
		c.ok("sending", fmt.Sprintf("the daemon has held every send since %s (%s); SMTP works now, so what it held goes out %s (a restart sends it at once)",
			since, h.Cause, next))
		return
	}
	c.fail("sending", fmt.Sprintf("the daemon holds every send since %s: %s", since, h.Cause),
		"fix the cause; the daemon tries again by itself and sends what it held (a restart tries at once)")
}

// explainFailure turns a failure to connect or log in into a cause and a
// fix, naming the keys to look at. The error text itself never holds a
// secret (Secret.Resolve and the mail clients leave them out).
func explainFailure(section string, a config.Account, err error) (cause, fix string) {
	var (
		dnsErr    *net.DNSError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		tp        *textproto.Error
		refused   *mailbox.LoginRefusedError
		ne        net.Error
	)
	pwKey := secretKey(a.Password.String())
	if a.OAuth2TokenCommand != "" {
		pwKey = "oauth2_token_command"
	}
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("%s does not resolve (%s)", a.Host, dnsErr.Err),
			fmt.Sprintf("check [%s] host", section)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused at %s", a.Addr()),
			fmt.Sprintf("check [%s] host and port (%s)", section, portHint(section))
	case errors.As(err, &unknownCA):
		fix := fmt.Sprintf("if the server uses a certificate authority of its own, set [%s] ca_file to its PEM file", section)
		if a.CAFile != "" {
			fix = fmt.Sprintf("check that [%s] ca_file %s holds the CA that signed the server's certificate", section, a.CAFile)
		}
		return "the server's certificate is not signed by a trusted authority (" + unknownCA.Error() + ")", fix
	case errors.As(err, &hostname):
		return "the server's certificate is for other names (" + hostname.Error() + ")",
			fmt.Sprintf("set [%s] host to a name the certificate holds", section)
	case errors.As(err, &invalid):
		return "the server's certificate is not valid (" + invalid.Error() + ")", "renew the server's certificate"
	case errors.As(err, &record):
		return "the server does not speak TLS on this port",
			fmt.Sprintf("check [%s] security and port (%s)", section, portHint(section))
	case errors.As(err, &refused):
		return "login refused (" + refused.Reason + ")",
			fmt.Sprintf("check [%s] username and %s", section, pwKey)
	case errors.As(err, &tp) && (tp.Code == 535 || tp.Code == 534 || tp.Code == 530 || tp.Code == 454):
		return fmt.Sprintf("login refused (%d)", tp.Code), fmt.Sprintf("check [%s] username and %s", section, pwKey)
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer from %s within %s", a.Addr(), checkTimeout),
			fmt.Sprintf("check [%s] host and port, and that a firewall lets the connection out", section)
	}
	msg := err.Error()
	return msg, fmt.Sprintf("check the [%s] section", section)
}

func portHint(section string) string {
	if section == "imap" {
		return "993 for security = \"tls\", 143 for \"starttls\""
	}
	return "465 for security = \"tls\", 587 for \"starttls\""
}
