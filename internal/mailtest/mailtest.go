// Package mailtest gives tests the mail servers they talk to. In-process peers first: an
// SMTP server that keeps what it receives and fails on command (StartSMTP), an IMAP server
// on go-imap's imapmemserver (StartMemIMAP), a self-signed certificate for their TLS, and
// small helpers for the files a test writes (a config, a password file) and the logs it
// reads. Then real servers: private Dovecot (IMAP, LMTP) and Postfix (SMTP with AUTH)
// instances listening on loopback only, each with its own directories under a fresh
// temporary directory and its own random free ports, so tests in several packages can run
// them side by side. It is test-only code: nothing outside _test.go files should import it.
//
// The real servers come from Debian's packages (scripts/install-test-deps.sh installs
// them). When one cannot be started, Required decides: a skip on a developer's machine, a
// loud failure under CI.
package mailtest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Host is the loopback address every server listens on.
const Host = "127.0.0.1"

// Domain is the mail domain of the test accounts.
const Domain = "example.test"

const (
	// startTimeout bounds how long a server may take to accept and greet.
	startTimeout = 15 * time.Second
	// startAttempts is how often a start is retried with new ports when another process
	// took a chosen port between choosing it and the server binding it.
	startAttempts = 3
)

// installHint says how to get the servers the tests need.
const installHint = "run scripts/install-test-deps.sh as root, then go test ./..."

// Required is the rule for a test that needs a real mail server which cannot be started
// (reason says why): under CI (CI set in the environment) the test fails loudly, because a
// skipped integration test there would hide a broken setup; elsewhere it is skipped with a
// message saying how to run it.
func Required(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("mailtest: %s; CI is set, so this test must run, not skip: %s", reason, installHint)
		return // a real t never gets here; a stand-in whose Fatalf returns must not also skip
	}
	t.Skipf("mailtest: %s; to run this test, %s", reason, installHint)
}

// findBinary looks for a program in PATH, then in /usr/sbin (which is not in every user's
// PATH), and returns "" when it is in neither.
func findBinary(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	p := filepath.Join("/usr/sbin", name)
	if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return p
	}
	return ""
}

// freePorts returns n distinct TCP ports on Host that were free a moment ago. Another process
// can take one before the server binds it; callers retry with new ports (startAttempts).
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close() // only reserved the port; nothing was accepted
		}
	}()
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(Host, "0"))
		if err != nil {
			return nil, fmt.Errorf("reserve a free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// randomSecret returns a fresh password, so no test can depend on a fixed one.
func randomSecret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}

// makeBaseDir creates the private directory of one server instance. It is not
// t.TempDir(): the servers' unprivileged processes must be able to traverse it, and
// t.TempDir's top directory is mode 0700. It is removed when the test ends (after the server
// stops, since cleanups run last-registered first).
func makeBaseDir(t testing.TB, prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", fmt.Errorf("create directory: %w", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("mailtest: remove %s: %v", dir, err)
		}
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("make %s traversable: %w", dir, err)
	}
	return dir, nil
}

// process is one server's main process, started by the harness.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the process's exit status; read only after done is closed
}

// startProcess starts a server in the foreground with its output going to outputPath. With
// ownGroup it gets its own process group, so that stop can kill whatever it leaves behind
// (Postfix's master makes its own session and group, and fails if it already leads one).
// It gets SIGTERM when the test binary dies, so a crashed test run leaves no master running.
func startProcess(outputPath string, ownGroup bool, name string, args ...string) (*process, error) {
	out, err := os.OpenFile(outputPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open output file: %w", err)
	}
	defer func() { _ = out.Close() }() // the child has its own copy
	cmd := exec.Command(name, args...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: ownGroup, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop kills the server's whole process group at once, as when a machine loses power:
// connections drop without a goodbye and the ports close. A polite SIGTERM is no good for
// tests: Dovecot's master takes a second to exit on it and leaves the IMAP processes serving
// their connected clients. The group is killed before the master is reaped, so its id
// (Dovecot: Setpgid; Postfix's master makes itself a session leader) cannot have been reused.
//
// SIGKILL is delivered asynchronously: when the master has been reaped, its children (the
// log process, imap processes) may still hold their listening sockets for a moment, and a
// restart then fails with "Socket already exists". So stop also waits, for a few seconds at
// most, until no process of the group is left.
func (p *process) stop() {
	pgid := p.cmd.Process.Pid
	if !p.exited() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL) // ESRCH if it has just exited
	}
	<-p.done
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if !groupAlive(pgid) {
			return
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		time.Sleep(5 * time.Millisecond)
	}
}

// groupAlive reports whether a process of group pgid is still running. Zombies do not
// count: where PID 1 does not reap orphans (some containers), a killed server's children
// stay zombies for good, and kill(-pgid, 0) would say they are there.
func groupAlive(pgid int) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return false // no /proc: do not wait
	}
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) >= 3 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}

// server is what the Dovecot and Postfix harnesses share: one instance's main process,
// started and stopped under a lock, and the files its log and output go to.
type server struct {
	name     string                 // "dovecot" or "postfix", for messages
	logPath  string                 // the server's own log; it never holds passwords
	outPath  string                 // the main process's standard output and error
	ownGroup bool                   // see startProcess
	ready    func(line string) bool // recognises the greeting that means it serves

	mu   sync.Mutex
	proc *process // nil while stopped
}

// run starts the server's main process and waits until it greets on addr. When it does
// not, the process is stopped and the error says why: errAddrInUse when the logs say a
// port was taken, else with the last lines of the output and the log.
func (s *server) run(addr, command string, args ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return fmt.Errorf("%s is already running", s.name)
	}
	p, err := startProcess(s.outPath, s.ownGroup, command, args...)
	if err != nil {
		return err
	}
	if err := waitGreeting(p, addr, s.ready); err != nil {
		p.stop()
		if logMentionsAddrInUse(s.logPath, s.outPath) {
			return fmt.Errorf("%w: %v", errAddrInUse, err)
		}
		return fmt.Errorf("%w\n%s output:\n%s\n%s log:\n%s", err, s.name, tail(s.outPath, 10), s.name, tail(s.logPath, 10))
	}
	s.proc = p
	return nil
}

// stop kills the running process (see process.stop); stopping a stopped server does nothing.
func (s *server) stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.stop()
	}
}

// launch makes the server stop when the test ends (showing the last lines of its log if
// the test failed), then calls start with n ports that were free a moment ago (attempt
// counts from 1) until it succeeds; start configures and runs the server, and says where
// it listens. Only a start that failed with errAddrInUse is tried again with new ports,
// at most startAttempts times in all. When the server does not start, launch calls
// Required and reports false.
func (s *server) launch(t testing.TB, n int, start func(ports []int, attempt int) (listening string, err error)) bool {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mailtest: last lines of the %s log:\n%s", s.name, tail(s.logPath, 30))
		}
		s.stop()
	})
	began := time.Now()
	for attempt := 1; ; attempt++ {
		ports, err := freePorts(n)
		if err != nil {
			Required(t, fmt.Sprintf("start %s: %v", s.name, err))
			return false
		}
		listening, err := start(ports, attempt)
		if err == nil {
			t.Logf("mailtest: %s started in %v (%s)", s.name, time.Since(began).Round(time.Millisecond), listening)
			return true
		}
		if !errors.Is(err, errAddrInUse) || attempt == startAttempts {
			Required(t, fmt.Sprintf("start %s: %v", s.name, err))
			return false
		}
	}
}

// waitGreeting waits until addr accepts a connection and sends a line for which ready
// reports true, or the process exits, or startTimeout passes.
func waitGreeting(p *process, addr string, ready func(line string) bool) error {
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("server exited before greeting on %s: %v", addr, p.err)
		}
		last = readGreeting(addr, deadline, ready)
		if last == nil {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("no greeting on %s within %v: %w", addr, startTimeout, last)
}

func readGreeting(addr string, deadline time.Time, ready func(line string) bool) error {
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.SetDeadline(deadline); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("read greeting: %w", err)
		}
		if ready(line) {
			return nil
		}
	}
}

// errAddrInUse marks a start that failed because a chosen port was taken meanwhile.
var errAddrInUse = errors.New("a chosen port was taken by another process")

// logMentionsAddrInUse reports whether a server's log or output says it could not bind.
func logMentionsAddrInUse(paths ...string) bool {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), "in use") {
			return true
		}
	}
	return false
}

// tail returns the last n lines of a file, for failure messages. The servers' logs name
// users but never passwords.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// lookupIDs returns a system user's uid and primary gid.
func lookupIDs(name string) (uid, gid int, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("look up user %s: %w", name, err)
	}
	if uid, err = strconv.Atoi(u.Uid); err != nil {
		return 0, 0, fmt.Errorf("parse uid of %s: %w", name, err)
	}
	if gid, err = strconv.Atoi(u.Gid); err != nil {
		return 0, 0, fmt.Errorf("parse gid of %s: %w", name, err)
	}
	return uid, gid, nil
}

// writeTemplate renders the text/template text with data into the file path (mode 0644:
// the servers' unprivileged processes read their configuration).
func writeTemplate(path, text string, data any) error {
	name := filepath.Base(path)
	tmpl, err := template.New(name).Parse(text)
	if err != nil {
		return fmt.Errorf("parse %s template: %w", name, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// hostPort joins Host and a port.
func hostPort(port int) string {
	return net.JoinHostPort(Host, strconv.Itoa(port))
}
