package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Dovecot is a private Dovecot instance: IMAP for the mailbox watcher, LMTP for delivering
// mail into it, and its SASL auth service for Postfix. Its accounts keep their mail in
// maildirs under Dir. Fields are fixed once StartDovecot returns; Restart keeps them.
type Dovecot struct {
	Host     string // always Host (loopback)
	IMAPPort int    // plain IMAP (no TLS); Dovecot treats loopback as secure, so LOGIN works
	LMTPPort int    // LMTP delivery into the accounts' INBOXes
	AuthPort int    // Dovecot's SASL auth service (smtpd_sasl_type = dovecot, over TCP)

	// User and Password are the owner's account, a full address in Domain.
	User, Password string
	// OtherUser and OtherPassword are a second account, for tests that need a stranger.
	OtherUser, OtherPassword string

	// Dir is the instance's private directory: configuration, logs, runtime files, mail.
	Dir string
	// IDLE reports whether the server advertises IDLE in CAPABILITY (see WithoutIDLE).
	IDLE bool

	owner    mailOwner
	confPath string
	binary   string
	doveadm  string
	srv      server
}

// DovecotOption changes how StartDovecot configures the server.
type DovecotOption func(*dovecotOptions)

type dovecotOptions struct {
	withoutIDLE bool
}

// WithoutIDLE makes the server leave IDLE (and NOTIFY, the other push mechanism) out of its
// CAPABILITY responses, for tests of a client's polling fallback. Dovecot still accepts an
// IDLE command from a client that sends it anyway.
func WithoutIDLE() DovecotOption {
	return func(o *dovecotOptions) { o.withoutIDLE = true }
}

// capabilitiesWithoutIDLE is Dovecot 2.3's post-login capability list minus IDLE and NOTIFY.
// Dovecot's imap_capability replaces the list wholesale, so it has to be spelled out.
const capabilitiesWithoutIDLE = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY " +
	"THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE " +
	"UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH " +
	"ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY " +
	"PREVIEW STATUS=SIZE SAVEDATE LITERAL+"

// StartDovecot starts a private Dovecot for the test and stops it (and removes its files)
// when the test ends. It calls Required when Dovecot is not installed or cannot start.
func StartDovecot(t testing.TB, opts ...DovecotOption) *Dovecot {
	t.Helper()
	var o dovecotOptions
	for _, opt := range opts {
		opt(&o)
	}
	d := &Dovecot{
		Host:          Host,
		User:          "owner@" + Domain,
		Password:      randomSecret(),
		OtherUser:     "other@" + Domain,
		OtherPassword: randomSecret(),
		IDLE:          !o.withoutIDLE,
		binary:        findBinary("dovecot"),
		doveadm:       findBinary("doveadm"),
	}
	if d.binary == "" || d.doveadm == "" {
		Required(t, "dovecot is not installed (packages dovecot-imapd and dovecot-lmtpd)")
		return nil
	}
	dir, err := makeBaseDir(t, "mailtest-dovecot-")
	if err != nil {
		Required(t, fmt.Sprintf("prepare dovecot: %v", err))
		return nil
	}
	d.Dir = dir
	if d.owner, err = currentMailOwner(); err != nil {
		Required(t, fmt.Sprintf("prepare dovecot: %v", err))
		return nil
	}
	d.confPath = filepath.Join(dir, "dovecot.conf")
	// Dovecot's login process may first say "Waiting for authentication process to
	// respond"; only the greeting with its capabilities means logins will work.
	d.srv = server{name: "dovecot", logPath: filepath.Join(dir, "dovecot.log"), outPath: filepath.Join(dir, "dovecot.out"),
		ownGroup: true, ready: func(line string) bool { return strings.HasPrefix(line, "* OK [CAPABILITY ") }}
	if err := d.prepare(); err != nil {
		Required(t, fmt.Sprintf("prepare dovecot: %v", err))
		return nil
	}
	started := d.srv.launch(t, 3, func(ports []int, _ int) (string, error) {
		d.IMAPPort, d.LMTPPort, d.AuthPort = ports[0], ports[1], ports[2]
		listening := fmt.Sprintf("imap %d, lmtp %d", d.IMAPPort, d.LMTPPort)
		if err := d.writeConfig(o); err != nil {
			return listening, err
		}
		return listening, d.start()
	})
	if !started {
		return nil
	}
	return d
}

// IMAPAddr is the IMAP listener's host:port.
func (d *Dovecot) IMAPAddr() string { return hostPort(d.IMAPPort) }

// LMTPAddr is the LMTP listener's host:port.
func (d *Dovecot) LMTPAddr() string { return hostPort(d.LMTPPort) }

// LogPath is the file Dovecot logs to; it never contains passwords.
func (d *Dovecot) LogPath() string { return d.srv.logPath }

// mailOwner is who owns the maildirs: the current user, except that root hands them to
// nobody, because Dovecot refuses to access mail as root.
type mailOwner struct {
	Name       string // login name, for Dovecot's default_internal_user and friends
	Group      string // name of the primary group, for default_internal_group
	UID, GID   int
	Privileged bool // Dovecot runs as root and drops privileges itself
}

func currentMailOwner() (mailOwner, error) {
	if os.Geteuid() == 0 {
		uid, gid, err := lookupIDs("nobody")
		if err != nil {
			return mailOwner{}, err
		}
		return mailOwner{Name: "nobody", UID: uid, GID: gid, Privileged: true}, nil
	}
	me, err := user.Current()
	if err != nil {
		return mailOwner{}, fmt.Errorf("look up current user: %w", err)
	}
	group, err := user.LookupGroupId(strconv.Itoa(os.Getegid()))
	if err != nil {
		return mailOwner{}, fmt.Errorf("look up current group: %w", err)
	}
	return mailOwner{Name: me.Username, Group: group.Name, UID: os.Geteuid(), GID: os.Getegid()}, nil
}

// prepare writes the password file and the accounts' home directories.
func (d *Dovecot) prepare() error {
	// The mail processes run as the mail owner and must pass through mail/ to the homes.
	if err := os.Mkdir(filepath.Join(d.Dir, "mail"), 0o755); err != nil {
		return fmt.Errorf("create mail directory: %w", err)
	}
	var users strings.Builder
	for _, u := range [][2]string{{d.User, d.Password}, {d.OtherUser, d.OtherPassword}} {
		fmt.Fprintf(&users, "%s:{PLAIN}%s\n", u[0], u[1])
		home := filepath.Join(d.Dir, "mail", u[0])
		if err := os.Mkdir(home, 0o700); err != nil {
			return fmt.Errorf("create home of %s: %w", u[0], err)
		}
		if d.owner.Privileged {
			if err := os.Chown(home, d.owner.UID, d.owner.GID); err != nil {
				return fmt.Errorf("hand home of %s to %s: %w", u[0], d.owner.Name, err)
			}
		}
	}
	// Only Dovecot's auth process reads this file. As root, that process runs as Dovecot's
	// internal user (dovecot, created by the package), which must own it.
	path := filepath.Join(d.Dir, "users")
	if err := os.WriteFile(path, []byte(users.String()), 0o600); err != nil {
		return fmt.Errorf("write password file: %w", err)
	}
	if d.owner.Privileged {
		uid, _, err := lookupIDs("dovecot")
		if err != nil {
			return err
		}
		if err := os.Chown(path, uid, -1); err != nil {
			return fmt.Errorf("hand password file to dovecot: %w", err)
		}
	}
	return nil
}

const dovecotConfig = `# Private test instance written by internal/mailtest; nothing here is read from /etc/dovecot.
instance_name = {{.Instance}}
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
log_path = {{.Dir}}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is refused after about 0.5 s (seen here) instead of the default 2 s.
auth_failure_delay = 0
mail_location = maildir:~/Maildir
{{- if .WithoutIDLE}}
imap_capability = {{.Capabilities}}
{{- end}}
{{- if not .Owner.Privileged}}
# Not root: every process runs as the current user, and nothing can chroot.
default_internal_user = {{.Owner.Name}}
default_login_user = {{.Owner.Name}}
default_internal_group = {{.Owner.Group}}
{{- end}}

# No authentication penalty: tests log in with wrong passwords on purpose, and all clients
# share 127.0.0.1, so the penalty (2 s, doubling to 15 s, per IP) would slow every later
# login of every test that uses this instance.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
{{- if not .Owner.Privileged}}
  chroot =
{{- end}}
}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.Dir}}/users
}
userdb {
  driver = static
  args = uid={{.Owner.UID}} gid={{.Owner.GID}} home={{.Dir}}/mail/%u
}

service imap-login {
{{- if not .Owner.Privileged}}
  chroot =
{{- end}}
  inet_listener imap {
    address = 127.0.0.1
    port = {{.IMAPPort}}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = {{.LMTPPort}}
  }
}
service auth {
  inet_listener sasl {
    address = 127.0.0.1
    port = {{.AuthPort}}
  }
}
protocol lmtp {
  postmaster_address = postmaster@{{.Domain}}
}
`

func (d *Dovecot) writeConfig(o dovecotOptions) error {
	data := struct {
		Instance, Dir, Domain, Capabilities string
		WithoutIDLE                         bool
		IMAPPort, LMTPPort, AuthPort        int
		Owner                               mailOwner
	}{
		Instance:     "mailtest-" + filepath.Base(d.Dir),
		Dir:          d.Dir,
		Domain:       Domain,
		Capabilities: capabilitiesWithoutIDLE,
		WithoutIDLE:  o.withoutIDLE,
		IMAPPort:     d.IMAPPort,
		LMTPPort:     d.LMTPPort,
		AuthPort:     d.AuthPort,
		Owner:        d.owner,
	}
	return writeTemplate(d.confPath, dovecotConfig, data)
}

// start runs `dovecot -F` (foreground: the daemonizing form keeps its output open after the
// command returns) and waits for the IMAP greeting.
func (d *Dovecot) start() error {
	return d.srv.run(d.IMAPAddr(), d.binary, "-F", "-c", d.confPath)
}

// Stop shuts the server down, as when a mail server goes away: connected clients are
// disconnected and new connections are refused. The mail stays; Restart brings it back.
// Stopping a stopped server does nothing.
func (d *Dovecot) Stop() { d.srv.stop() }

// Restart stops the server if it runs and starts it again on the same ports with the same
// accounts and mail, for reconnection tests.
func (d *Dovecot) Restart(t testing.TB) {
	t.Helper()
	d.Stop()
	// A process killed while it held a maildir dotlock (dovecot-uidlist.lock)
	// leaves the file behind, and the new server's sessions wait on it until
	// Dovecot calls it stale (two minutes): SELECT hangs. Every process of
	// the old server is gone now, so each such file is stale.
	if err := removeDotlocks(filepath.Join(d.Dir, "mail")); err != nil {
		t.Fatalf("mailtest: restart dovecot: %v", err)
	}
	began := time.Now()
	var err error
	// A port can stay busy for a moment after the old processes are gone.
	for attempt := 1; attempt <= 20; attempt++ {
		err = d.start()
		if err == nil {
			t.Logf("mailtest: dovecot restarted in %v", time.Since(began).Round(time.Millisecond))
			return
		}
		if !errors.Is(err, errAddrInUse) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mailtest: restart dovecot: %v", err)
}

// removeDotlocks removes the dotlock files (NAME.lock) under dir.
func removeDotlocks(dir string) error {
	return filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".lock") {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove stale lock: %w", err)
			}
		}
		return nil
	})
}

// ResetUIDValidity gives folder (of the owner's account) a new, larger UIDVALIDITY, as
// when a server rebuilds a mailbox: a client must then forget every UID it kept for it. The
// messages stay. It returns the new value. Sessions that have the folder selected are
// disconnected by Dovecot when they notice.
func (d *Dovecot) ResetUIDValidity(t testing.TB, folder string) uint32 {
	t.Helper()
	before, err := d.uidValidity(folder)
	if err != nil {
		t.Fatalf("mailtest: reset UIDVALIDITY of %q: %v", folder, err)
	}
	want := before + 1 // larger, as Dovecot's own new values always are
	out, err := exec.Command(d.doveadm, "-c", d.confPath, "mailbox", "update",
		"-u", d.User, "--uid-validity", strconv.FormatUint(uint64(want), 10), folder).CombinedOutput()
	if err != nil {
		t.Fatalf("mailtest: reset UIDVALIDITY of %q: doveadm mailbox update: %v: %s", folder, err, out)
	}
	after, err := d.uidValidity(folder)
	if err != nil {
		t.Fatalf("mailtest: reset UIDVALIDITY of %q: %v", folder, err)
	}
	if after == before {
		t.Fatalf("mailtest: reset UIDVALIDITY of %q: still %d", folder, after)
	}
	return after
}

// uidValidity asks doveadm for a folder's UIDVALIDITY in the owner's account.
func (d *Dovecot) uidValidity(folder string) (uint32, error) {
	out, err := exec.Command(d.doveadm, "-c", d.confPath, "-f", "flow",
		"mailbox", "status", "-u", d.User, "uidvalidity", folder).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status: %w: %s", err, out)
	}
	// Output: "uidvalidity=1795690186"
	_, value, ok := strings.Cut(strings.TrimSpace(string(out)), "uidvalidity=")
	if !ok {
		return 0, fmt.Errorf("doveadm mailbox status: unexpected output %q", out)
	}
	v, err := strconv.ParseUint(strings.TrimSpace(value), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status: parse %q: %w", value, err)
	}
	return uint32(v), nil
}

// Deliver hands msg to Dovecot over LMTP for the account to (User or OtherUser), the way an
// MTA delivers incoming mail: it lands in that account's INBOX and IDLE sessions hear of it.
// msg is a complete message with CRLF line endings.
func (d *Dovecot) Deliver(t testing.TB, to string, msg []byte) {
	t.Helper()
	if err := d.deliver(to, msg); err != nil {
		t.Fatalf("mailtest: deliver to %s over LMTP: %v", to, err)
	}
}

func (d *Dovecot) deliver(to string, msg []byte) error {
	conn, err := net.DialTimeout("tcp", d.LMTPAddr(), 5*time.Second)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		_ = conn.Close()
		return fmt.Errorf("set deadline: %w", err)
	}
	c := smtp.NewClientLMTP(conn)
	defer func() { _ = c.Close() }() // after Quit this only closes the connection
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("LHLO: %w", err)
	}
	if err := c.SendMail("sender@elsewhere.example", []string{to}, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("QUIT: %w", err)
	}
	return nil
}
