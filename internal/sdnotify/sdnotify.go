// Package sdnotify speaks systemd's service notification protocol
// (sd_notify(3)): datagrams of NEWLINE-separated VAR=VALUE assignments sent to
// the unix socket named by $NOTIFY_SOCKET. It covers what followupd needs:
// READY, RELOADING, STOPPING, STATUS and WATCHDOG.
package sdnotify

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Notifier sends state changes to the service manager. The zero value and
// a nil *Notifier send nothing, so callers need not check whether they run
// under systemd.
type Notifier struct {
	addr *net.UnixAddr
}

// New returns a Notifier for the socket $NOTIFY_SOCKET names (getenv reads
// the environment); without one it returns a Notifier that sends nothing.
// An address starting with '@' is in the abstract namespace.
func New(getenv func(string) string) *Notifier {
	name := getenv("NOTIFY_SOCKET")
	if name == "" || (name[0] != '/' && name[0] != '@') {
		return &Notifier{}
	}
	return &Notifier{addr: &net.UnixAddr{Name: name, Net: "unixgram"}}
}

// Enabled reports whether notifications go anywhere.
func (n *Notifier) Enabled() bool { return n != nil && n.addr != nil }

// Send sends one notification: lines such as "READY=1" or "STATUS=...".
// Newlines inside a value would start a new assignment, so a STATUS value
// must be one line (see Status).
func (n *Notifier) Send(lines ...string) error {
	if !n.Enabled() {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("notify systemd: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(strings.Join(lines, "\n") + "\n")); err != nil {
		return fmt.Errorf("notify systemd: %w", err)
	}
	return nil
}

// Ready says start-up (or a reload) is complete.
func (n *Notifier) Ready() error { return n.Send("READY=1") }

// Reloading says a reload has begun. systemd wants the time it began on
// the monotonic clock with it.
func (n *Notifier) Reloading() error {
	return n.Send("RELOADING=1", "MONOTONIC_USEC="+strconv.FormatInt(monotonicUsec(), 10))
}

// Stopping says shutdown has begun.
func (n *Notifier) Stopping() error { return n.Send("STOPPING=1") }

// Watchdog is the keep-alive ping.
func (n *Notifier) Watchdog() error { return n.Send("WATCHDOG=1") }

// Status sets the one line systemctl status shows.
func (n *Notifier) Status(s string) error {
	return n.Send("STATUS=" + strings.Join(strings.Fields(s), " "))
}

// WatchdogInterval returns how often to ping: half of $WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises. It returns 0 when systemd expects no
// pings from this process ($WATCHDOG_PID names another one).
func WatchdogInterval(getenv func(string) string) (time.Duration, error) {
	s := getenv("WATCHDOG_USEC")
	if s == "" {
		return 0, nil
	}
	if p := getenv("WATCHDOG_PID"); p != "" && p != strconv.Itoa(os.Getpid()) {
		return 0, nil
	}
	usec, err := strconv.ParseUint(s, 10, 63)
	if err != nil || usec == 0 {
		return 0, errors.New("WATCHDOG_USEC: want a positive number of microseconds")
	}
	return time.Duration(usec) * time.Microsecond / 2, nil
}

// monotonicUsec reads CLOCK_MONOTONIC, the clock systemd's MONOTONIC_USEC
// is on (Go's own monotonic readings have another origin).
func monotonicUsec() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano() / 1000
}
