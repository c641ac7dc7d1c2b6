package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// notifySocket is a NOTIFY_SOCKET of the test's own: every datagram the
// daemon sends arrives on msgs, stamped with when it came.
type notifySocket struct {
	path string
	msgs chan notice
}

type notice struct {
	at    time.Time
	lines []string
}

func (n notice) has(line string) bool {
	for _, l := range n.lines {
		if l == line {
			return true
		}
	}
	return false
}

func (n notice) value(key string) (string, bool) {
	for _, l := range n.lines {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			return v, true
		}
	}
	return "", false
}

func listenNotify(t *testing.T) *notifySocket {
	t.Helper()
	dir, err := os.MkdirTemp("", "sdn")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	n := &notifySocket{path: path, msgs: make(chan notice, 1000)}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := conn.Read(buf)
			if err != nil {
				return
			}
			n.msgs <- notice{at: time.Now(), lines: strings.Split(strings.TrimRight(string(buf[:k]), "\n"), "\n")}
		}
	}()
	return n
}

// waitFor returns the first notice for which ok holds; the notices before
// it go to seen. It fails the test when the daemon has exited or after a
// deadline scaled for a slow, shared machine.
func (n *notifySocket) waitFor(t *testing.T, what string, d *daemonProc, ok func(notice) bool, seen func(notice)) notice {
	t.Helper()
	timeout := time.After(90 * time.Second)
	for {
		select {
		case m := <-n.msgs:
			if ok(m) {
				return m
			}
			if seen != nil {
				seen(m)
			}
		case <-d.exited:
			t.Fatalf("waiting for %s: the daemon exited (%v); log:\n%s", what, d.err, d.logs())
		case <-timeout:
			t.Fatalf("waiting for %s: nothing after 90 s; log:\n%s", what, d.logs())
		}
	}
}

// daemonProc is a running `followupd run`.
type daemonProc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	log    bytes.Buffer
	exited chan struct{}
	err    error
}

func (d *daemonProc) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.Write(p)
}

func (d *daemonProc) logs() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.String()
}

// waitLog waits until the log holds s.
func (d *daemonProc) waitLog(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(d.logs(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log after 90 s:\n%s", s, d.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func startDaemon(t *testing.T, dir string, env []string, args ...string) *daemonProc {
	t.Helper()
	d := &daemonProc{exited: make(chan struct{})}
	d.cmd = followupd(t, dir, append([]string{"run"}, args...)...)
	d.cmd.Env = append(d.cmd.Env, env...)
	d.cmd.Stderr = d
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.exited
	})
	return d
}

// serviceConfig is a config with the sample calendar (plus extra) and an
// [smtp] account on a loopback port nobody listens on, so that the
// dispatcher runs.
func serviceConfig(t *testing.T, path, extra string) {
	t.Helper()
	sample, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sample.ics"))
	if err != nil {
		t.Fatal(err)
	}
	body := `[owner]
email = "alex.morgan@example.org"
timezone = "America/New_York"
[[calendar]]
name = "sample"
source = "` + sample + `"
[smtp]
host = "127.0.0.1"
port = 9
security = "none"
` + extra
	if err := os.WriteFile(path+".new", []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

func TestServiceNotifyReloadAndStop(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	serviceConfig(t, cfg, "")
	n := listenNotify(t)
	const watchdogUsec = "2000000" // systemd expects a ping every 2 s; we send one every 1 s
	d := startDaemon(t, dir, []string{"NOTIFY_SOCKET=" + n.path, "WATCHDOG_USEC=" + watchdogUsec}, "--config", cfg)

	ready := n.waitFor(t, "READY=1", d, func(m notice) bool { return m.has("READY=1") }, nil)
	var status string
	n.waitFor(t, "a STATUS with the open follow-ups", d, func(m notice) bool {
		s, ok := m.value("STATUS")
		status = s
		return ok && strings.Contains(s, "follow-up(s) open")
	}, nil)
	if !strings.Contains(status, "watching calendar sample") || !strings.Contains(status, "next due") {
		t.Errorf("STATUS = %q; want what is watched and when the next follow-up is due", status)
	}
	if !strings.Contains(d.logs(), "store open") {
		t.Errorf("READY came before the store was open; log:\n%s", d.logs())
	}

	// The watchdog: pings come at half of WATCHDOG_USEC, never so far apart
	// that systemd would restart the service.
	var pings []time.Time
	for len(pings) < 4 {
		m := n.waitFor(t, "WATCHDOG=1", d, func(m notice) bool { return m.has("WATCHDOG=1") }, nil)
		pings = append(pings, m.at)
	}
	for i := 1; i < len(pings); i++ {
		gap := pings[i].Sub(pings[i-1])
		if gap < 500*time.Millisecond || gap >= 2*time.Second {
			t.Errorf("watchdog ping %d came %v after the one before; want about 1 s, under WATCHDOG_USEC", i, gap)
		}
	}
	_ = ready

	// SIGHUP with a new [[calendar]]: RELOADING, then READY, and the new
	// calendar is read at once.
	sample, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "sample.ics"))
	serviceConfig(t, cfg, "[[calendar]]\nname = \"second\"\nsource = \""+sample+"\"\n")
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	rel := n.waitFor(t, "RELOADING=1", d, func(m notice) bool { return m.has("RELOADING=1") }, nil)
	if v, ok := rel.value("MONOTONIC_USEC"); !ok || v == "0" {
		t.Errorf("RELOADING=1 without MONOTONIC_USEC: %q", rel.lines)
	}
	n.waitFor(t, "READY=1 after the reload", d, func(m notice) bool { return m.has("READY=1") }, nil)
	d.waitLog(t, `calendar=second`)
	n.waitFor(t, "a STATUS naming the new calendar", d, func(m notice) bool {
		s, _ := m.value("STATUS")
		return strings.Contains(s, "calendar second")
	}, nil)
	out, err := followupd(t, dir, "list", "--json", "--config", cfg).Output()
	if err != nil || !strings.Contains(string(out), "calendar:second") {
		t.Errorf("after the reload, list does not show the new calendar as a source: %v\n%s", err, out)
	}
	if strings.Contains(d.logs(), "component=mailbox") {
		t.Errorf("the reload started a mailbox watcher nobody configured")
	}

	// SIGHUP with a file that no longer validates: logged as check says it,
	// the old configuration keeps running and feeding the watchdog.
	os.WriteFile(cfg, []byte("[owner]\nemial = \"x@example.org\"\n"), 0o600)
	checkOut, err := followupd(t, dir, "check", "--config", cfg).CombinedOutput()
	if err == nil {
		t.Fatalf("check accepted the broken file: %s", checkOut)
	}
	checkMsg := strings.TrimSpace(string(checkOut))
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	n.waitFor(t, "READY=1 after the failed reload", d, func(m notice) bool { return m.has("READY=1") }, nil)
	d.waitLog(t, "configuration not reloaded")
	if !strings.Contains(strings.ReplaceAll(d.logs(), `\"`, `"`), checkMsg) {
		t.Errorf("the failed reload's log does not carry check's message %q:\n%s", checkMsg, d.logs())
	}
	for range 2 {
		n.waitFor(t, "WATCHDOG=1 after the failed reload", d, func(m notice) bool { return m.has("WATCHDOG=1") }, nil)
	}

	// SIGTERM: STOPPING=1 and a clean exit.
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	n.waitFor(t, "STOPPING=1", d, func(m notice) bool { return m.has("STOPPING=1") }, nil)
	select {
	case <-d.exited:
	case <-time.After(90 * time.Second):
		t.Fatalf("no exit 90 s after SIGTERM; log:\n%s", d.logs())
	}
	if d.err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0; log:\n%s", d.err, d.logs())
	}
}

func TestServiceWatchdogStopsWhenDispatcherHangs(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	serviceConfig(t, cfg, "")
	n := listenNotify(t)
	d := startDaemon(t, dir, []string{"NOTIFY_SOCKET=" + n.path, "WATCHDOG_USEC=1000000", "FOLLOWUPD_TEST_HANG=dispatcher"},
		"--config", cfg, "--stall-after", "1s", "--stop-timeout", "1s")
	n.waitFor(t, "READY=1", d, func(m notice) bool { return m.has("READY=1") }, nil)
	// The first STATUS that says so comes in the first turn without a ping;
	// from then on no ping may come: wait twice WATCHDOG_USEC, in which a
	// fed watchdog gets four, and look at what came.
	n.waitFor(t, "a STATUS saying the reminders are stuck", d, func(m notice) bool {
		s, _ := m.value("STATUS")
		return strings.Contains(s, "reminders: stuck since")
	}, nil)
	d.waitLog(t, "the watchdog is no longer fed")
	var after []notice
	quiet := time.After(2 * time.Second)
collect:
	for {
		select {
		case m := <-n.msgs:
			after = append(after, m)
		case <-quiet:
			break collect
		}
	}
	stuck := false
	for _, m := range after {
		if m.has("WATCHDOG=1") {
			t.Errorf("a watchdog ping came after the dispatcher hung")
		}
		if s, _ := m.value("STATUS"); strings.Contains(s, "reminders: stuck since") {
			stuck = true
		}
	}
	if !stuck {
		t.Errorf("no STATUS says the reminders are stuck; got %v", after)
	}

	// The hung pass is work in flight that never ends: after --stop-timeout
	// the daemon gives up on it and exits with an error.
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(90 * time.Second):
		t.Fatalf("no exit 90 s after SIGTERM; log:\n%s", d.logs())
	}
	var ee *exec.ExitError
	if !errors.As(d.err, &ee) || ee.ExitCode() != 1 || !strings.Contains(d.logs(), "stop deadline") {
		t.Errorf("exit after SIGTERM with a hung pass: %v; want status 1 after the stop deadline; log:\n%s", d.err, d.logs())
	}
}
