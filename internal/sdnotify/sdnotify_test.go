package sdnotify

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	return func(k string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1]
			}
		}
		return ""
	}
}

func TestSendReachesTheSocket(t *testing.T) {
	for _, abstract := range []bool{false, true} {
		dir, err := os.MkdirTemp("", "sdn")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		name := filepath.Join(dir, "s")
		if abstract {
			name = "@followupd-test-" + strconv.Itoa(os.Getpid())
		}
		conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		n := New(env("NOTIFY_SOCKET", name))
		if !n.Enabled() {
			t.Fatal("not enabled with NOTIFY_SOCKET set")
		}
		if err := n.Status("3 open,\nnext due\t14:00"); err != nil {
			t.Fatal(err)
		}
		if err := n.Reloading(); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		buf := make([]byte, 512)
		k, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(buf[:k]); got != "STATUS=3 open, next due 14:00\n" {
			t.Errorf("abstract %v: status datagram %q", abstract, got)
		}
		k, _ = conn.Read(buf)
		lines := strings.Split(strings.TrimSpace(string(buf[:k])), "\n")
		if len(lines) != 2 || lines[0] != "RELOADING=1" || !strings.HasPrefix(lines[1], "MONOTONIC_USEC=") {
			t.Fatalf("reloading datagram %q", lines)
		}
		if us, err := strconv.ParseInt(strings.TrimPrefix(lines[1], "MONOTONIC_USEC="), 10, 64); err != nil || us <= 0 {
			t.Errorf("MONOTONIC_USEC %q", lines[1])
		}
	}
}

func TestWithoutSocketNothingIsSent(t *testing.T) {
	for _, n := range []*Notifier{nil, New(env()), New(env("NOTIFY_SOCKET", "relative"))} {
		if n.Enabled() {
			t.Errorf("%v enabled", n)
		}
		if err := n.Ready(); err != nil {
			t.Errorf("Ready without a socket: %v", err)
		}
	}
}

func TestWatchdogInterval(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		env  func(string) string
		want time.Duration
		bad  bool
	}{
		{env(), 0, false},
		{env("WATCHDOG_USEC", "120000000"), time.Minute, false},
		{env("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", pid), time.Second, false},
		{env("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "1"), 0, false},
		{env("WATCHDOG_USEC", "soon"), 0, true},
		{env("WATCHDOG_USEC", "0"), 0, true},
	} {
		got, err := WatchdogInterval(tc.env)
		if got != tc.want || (err != nil) != tc.bad {
			t.Errorf("WatchdogInterval = %v, %v; want %v (error %v)", got, err, tc.want, tc.bad)
		}
	}
}
