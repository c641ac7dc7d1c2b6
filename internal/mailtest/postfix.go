package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Postfix is a private Postfix instance that accepts mail only from authenticated clients
// (SMTP AUTH PLAIN or LOGIN, checked by the Dovecot it was started with, no TLS) and only
// for that Dovecot's accounts, which it delivers to over LMTP. Any other recipient is
// refused at RCPT time (554 for other domains, 550 for unknown accounts), so nothing can
// leave the machine.
type Postfix struct {
	Host     string // always Host (loopback)
	SMTPPort int    // SMTP with AUTH required, like a submission port without TLS

	// User and Password are the owner's account in the Dovecot, valid for SMTP AUTH.
	User, Password string

	// Dir is the instance's private directory: configuration, queue, log.
	Dir string

	confDir string
	master  string
	srv     server
}

// StartPostfix starts a private Postfix for the test that delivers to d, and stops it (and
// removes its files) when the test ends. It calls Required when Postfix is not installed or
// cannot start; it needs root, because Postfix's master does.
func StartPostfix(t testing.TB, d *Dovecot) *Postfix {
	t.Helper()
	if d == nil {
		t.Fatal("mailtest: StartPostfix needs a running Dovecot")
	}
	postconf := findBinary("postconf")
	if postconf == "" {
		Required(t, "postfix is not installed")
		return nil
	}
	if os.Geteuid() != 0 {
		Required(t, "postfix's master runs only as root (run the tests as root)")
		return nil
	}
	out, err := exec.Command(postconf, "-d", "-h", "daemon_directory").Output()
	if err != nil {
		Required(t, fmt.Sprintf("find postfix's daemon directory: postconf: %v", err))
		return nil
	}
	p := &Postfix{
		Host:     Host,
		User:     d.User,
		Password: d.Password,
		master:   filepath.Join(strings.TrimSpace(string(out)), "master"),
	}
	dir, err := makeBaseDir(t, "mailtest-postfix-")
	if err != nil {
		Required(t, fmt.Sprintf("prepare postfix: %v", err))
		return nil
	}
	p.Dir = dir
	p.confDir = filepath.Join(dir, "conf")
	// Postfix's master makes its own session and group (see startProcess): no ownGroup.
	p.srv = server{name: "postfix", logPath: filepath.Join(dir, "postfix.log"), outPath: filepath.Join(dir, "master.out"),
		ready: func(line string) bool { return strings.HasPrefix(line, "220 ") }}
	started := p.srv.launch(t, 1, func(ports []int, attempt int) (string, error) {
		p.SMTPPort = ports[0]
		listening := fmt.Sprintf("smtp %d", p.SMTPPort)
		if err := p.writeConfig(d); err != nil {
			return listening, err
		}
		if attempt == 1 {
			if err := p.createQueue(); err != nil {
				return listening, err
			}
		}
		return listening, p.start()
	})
	if !started {
		return nil
	}
	return p
}

// Addr is the SMTP listener's host:port.
func (p *Postfix) Addr() string { return hostPort(p.SMTPPort) }

// LogPath is the file Postfix logs to; it never contains passwords.
func (p *Postfix) LogPath() string { return p.srv.logPath }

const postfixMainCf = `# Private test instance written by internal/mailtest; nothing here is read from /etc/postfix.
compatibility_level = 3.6
queue_directory = {{.Dir}}/queue
data_directory = {{.Dir}}/data
maillog_file = {{.Dir}}/postfix.log
maillog_file_prefixes = {{.Dir}}
mail_owner = postfix
setgid_group = postdrop

myhostname = mail.{{.Domain}}
mydomain = {{.Domain}}
myorigin = {{.Domain}}
mydestination =
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
biff = no
smtpd_peername_lookup = no
# Refusals are answered at once, and deferred mail (Dovecot stopped) is retried within seconds.
smtpd_error_sleep_time = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s

# Mail is accepted only after SMTP AUTH (checked by Dovecot) and only for its accounts.
smtpd_tls_security_level = none
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:{{.AuthPort}}
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject

virtual_mailbox_domains = {{.Domain}}
virtual_mailbox_maps = inline:{ {{.Accounts}} }
virtual_transport = lmtp:inet:127.0.0.1:{{.LMTPPort}}
`

// postfixMasterCf runs every service unchrooted (the queue is not a chroot jail) and the
// SMTP server on loopback only.
const postfixMasterCf = `# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:{{.SMTPPort}} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`

func (p *Postfix) writeConfig(d *Dovecot) error {
	data := struct {
		Dir, Domain, Accounts        string
		SMTPPort, AuthPort, LMTPPort int
	}{
		Dir:      p.Dir,
		Domain:   Domain,
		Accounts: d.User + "=ok, " + d.OtherUser + "=ok",
		SMTPPort: p.SMTPPort,
		AuthPort: d.AuthPort,
		LMTPPort: d.LMTPPort,
	}
	if err := os.MkdirAll(p.confDir, 0o755); err != nil {
		return fmt.Errorf("create configuration directory: %w", err)
	}
	for _, f := range []struct{ name, text string }{{"main.cf", postfixMainCf}, {"master.cf", postfixMasterCf}} {
		path := filepath.Join(p.confDir, f.name)
		if err := writeTemplate(path, f.text, data); err != nil {
			return err
		}
		// Postfix does not trust a table or main.cf modified in the last second or two (it
		// may be half written): it rereads it every 300 ms until it is older, which made
		// every start take 2 s. Backdating the files makes them look settled.
		settled := time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
		if err := os.Chtimes(path, settled, settled); err != nil {
			return fmt.Errorf("backdate %s: %w", f.name, err)
		}
	}
	return nil
}

// createQueue makes the queue and data directories with the owners Postfix insists on:
// Postfix 3.7's queue layout, as `postfix check` would create it through its post-install
// script (which forks hundreds of times and took 2–5 s on a busy machine). Each queue
// directory belongs to the postfix user, except pid (root); maildrop and public are shared
// with the postdrop group, which Postfix's setgid helpers use.
func (p *Postfix) createQueue() error {
	queueDirs := []struct {
		name     string
		mode     os.FileMode
		postdrop bool
	}{
		{"active", 0o700, false}, {"bounce", 0o700, false}, {"corrupt", 0o700, false},
		{"defer", 0o700, false}, {"deferred", 0o700, false}, {"flush", 0o700, false},
		{"hold", 0o700, false}, {"incoming", 0o700, false}, {"private", 0o700, false},
		{"saved", 0o700, false}, {"trace", 0o700, false},
		{"maildrop", 0o730, true}, {"public", 0o710, true},
	}
	uid, _, err := lookupIDs("postfix")
	if err != nil {
		return err
	}
	postdrop, err := user.LookupGroup("postdrop")
	if err != nil {
		return fmt.Errorf("look up group postdrop: %w", err)
	}
	postdropGID, err := strconv.Atoi(postdrop.Gid)
	if err != nil {
		return fmt.Errorf("parse gid of postdrop: %w", err)
	}
	mkdir := func(path string, mode os.FileMode, uid, gid int) error {
		if err := os.Mkdir(path, mode); err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
		if err := os.Chmod(path, mode); err != nil { // Mkdir's mode is masked by the umask
			return fmt.Errorf("set mode of %s: %w", path, err)
		}
		if err := os.Chown(path, uid, gid); err != nil {
			return fmt.Errorf("set owner of %s: %w", path, err)
		}
		return nil
	}
	if err := mkdir(filepath.Join(p.Dir, "data"), 0o700, uid, 0); err != nil {
		return err
	}
	queue := filepath.Join(p.Dir, "queue")
	if err := mkdir(queue, 0o755, 0, 0); err != nil {
		return err
	}
	if err := mkdir(filepath.Join(queue, "pid"), 0o755, 0, 0); err != nil {
		return err
	}
	for _, q := range queueDirs {
		gid := 0
		if q.postdrop {
			gid = postdropGID
		}
		if err := mkdir(filepath.Join(queue, q.name), q.mode, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// start runs Postfix's master in the foreground (-s keeps its output: it is what `postfix
// start-fg` runs) and waits for the SMTP greeting.
func (p *Postfix) start() error {
	return p.srv.run(p.Addr(), p.master, "-s", "-c", p.confDir)
}

// Stop shuts Postfix down at once (its SMTP port closes; mail in its queue stays there).
// Stopping a stopped server does nothing.
func (p *Postfix) Stop() { p.srv.stop() }

// Restart stops the server if it runs and starts it again on the same port with the same
// configuration and queue (mail queued before the stop is delivered afterwards), for
// outage tests.
func (p *Postfix) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	var err error
	// A port can stay busy for a moment after the old processes are gone.
	for attempt := 1; attempt <= 20; attempt++ {
		if err = p.start(); err == nil || !errors.Is(err, errAddrInUse) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("mailtest: restart postfix: %v", err)
	}
}

// Submit hands msg to this Postfix through its sendmail command (the local pickup
// queue, no SMTP AUTH), as mail from outside arrives: it is queued and delivered to
// Dovecot over LMTP, and kept in the queue while Dovecot is down.
func (p *Postfix) Submit(t testing.TB, from, to string, msg []byte) {
	t.Helper()
	sendmail := findBinary("sendmail")
	if sendmail == "" {
		t.Fatal("mailtest: postfix's sendmail is not installed")
	}
	cmd := exec.Command(sendmail, "-C", p.confDir, "-f", from, "--", to)
	cmd.Stdin = bytes.NewReader(msg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mailtest: sendmail: %v: %s", err, out)
	}
}
