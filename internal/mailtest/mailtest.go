// Package mailtest starts real mail servers for tests: private Dovecot (IMAP, LMTP) and
// Postfix (SMTP with AUTH) instances listening on loopback only, each with its own
// directories under a fresh temporary directory and its own random free ports, so tests in
// several packages can run them side by side. It is test-only code: nothing outside _test.go
// files should import it.
//
// The servers come from Debian's packages (scripts/install-test-deps.sh installs them). When
// a server cannot be started, Required decides: a skip on a developer's machine, a loud
// failure under CI.
package mailtest

import (
	"bufio"
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
	"syscall"
	"testing"
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
func (p *process) stop() {
	if !p.exited() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) // ESRCH if it has just exited
	}
	<-p.done
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

// hostPort joins Host and a port.
func hostPort(port int) string {
	return net.JoinHostPort(Host, strconv.Itoa(port))
}
