package main

import (
	"bufio"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// needTools fails under CI (and skips elsewhere, saying why) when a tool the
// unit tests run is missing or the test is not root.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	miss := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	if os.Geteuid() != 0 {
		miss("this test creates files owned by another user: run it as root")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			miss(tool + " is not installed (apt-get install systemd util-linux)")
		}
	}
}

// installSteps returns the commands in a unit file's "Install" comment.
func installSteps(t *testing.T, unit string) []string {
	t.Helper()
	f, err := os.Open(unit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# Install"):
			in = true
		case in && strings.HasPrefix(line, "#   "):
			steps = append(steps, strings.TrimSpace(strings.TrimPrefix(line, "#")))
		case in:
			return steps
		}
	}
	t.Fatalf("%s has no Install comment", unit)
	return nil
}

// freeID returns a user and group id that no account on this machine has.
func freeID(t *testing.T) int {
	t.Helper()
	for id := 61000; id < 61500; id++ {
		_, uerr := user.LookupId(strconv.Itoa(id))
		_, gerr := user.LookupGroupId(strconv.Itoa(id))
		if uerr != nil && gerr != nil {
			return id
		}
	}
	t.Fatal("no free uid")
	return 0
}

// asUser runs exe (this test binary, installed) as followupd under uid and
// gid, with no other groups and no capabilities, as systemd runs the unit's
// User=.
func asUser(t *testing.T, exe string, uid int, env []string, args ...string) *exec.Cmd {
	t.Helper()
	id := strconv.Itoa(uid)
	cmd := exec.Command("setpriv", append([]string{"--reuid=" + id, "--regid=" + id, "--clear-groups", "--inh-caps=-all",
		"--bounding-set=-all", "--no-new-privs", "--", exe}, args...)...)
	cmd.Env = append([]string{"FOLLOWUPD_TEST_MAIN=1", "PATH=/usr/bin:/bin", "LANG=C"}, env...)
	return cmd
}

// TestSystemUnitInstallSteps follows the system unit's install comment in a
// temporary root: each install command is run as written with its paths
// moved under the root and the followupd account (which useradd would
// create) simulated by a free uid; systemctl is replaced by what systemd
// would then do: check the unit, create the state directory, and start
// followupd as that user. It shows that the service can read its binary,
// config and calendar, and that nobody else can read the config.
func TestSystemUnitInstallSteps(t *testing.T) {
	needTools(t, "setpriv", "install", "systemd-analyze")
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	// The service user must be able to walk down to the root.
	for d := root; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	uid := freeID(t)
	under := func(p string) string { return filepath.Join(root, p) }
	bin := under("/usr/local/bin/followupd")
	// What a fresh Debian has before the steps.
	for _, d := range []string{"/usr/local/bin", "/usr/local/share", "/etc/systemd/system", "/var/lib"} {
		if err := os.MkdirAll(under(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	absPath := regexp.MustCompile(`^/(etc|usr|var)/`)

	var sawUseradd, sawEdit, sawCheck, sawEnable bool
	for _, step := range installSteps(t, filepath.Join(repo, "systemd", "followupd.service")) {
		args := strings.Fields(step)
		switch args[0] {
		case "useradd":
			// Simulated: the account is uid, with a group of the same id.
			if args[len(args)-1] != "followupd" {
				t.Errorf("useradd step does not create followupd: %q", step)
			}
			sawUseradd = true
		case "install":
			for i, a := range args[1:] {
				switch {
				case a == "followupd" && (args[i] == "-o" || args[i] == "-g"):
					args[i+1] = strconv.Itoa(uid)
				case a == "followupd":
					args[i+1] = exe // the binary the build step made
				case absPath.MatchString(a):
					args[i+1] = under(a)
				}
			}
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = repo
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("step %q (run as %q): %v\n%s", step, args, err, out)
			}
		case "editor":
			// The owner's edit: a real calendar, the file's owner and mode kept.
			sample := under("/etc/followupd/sample.ics")
			data, err := os.ReadFile(filepath.Join(repo, "testdata", "sample.ics"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(sample, data, 0o644)
			f, err := os.OpenFile(under(args[1]), os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("[owner]\nemail = \"alex.morgan@example.org\"\ntimezone = \"America/New_York\"\n" +
				"[[calendar]]\nname = \"work\"\nsource = \"" + sample + "\"\n" +
				"[smtp]\nhost = \"smtp.example.org\"\nusername = \"alex\"\n")
			f.Close()
			sawEdit = true
		case "runuser":
			// runuser -u followupd -- followupd check --offline --config FILE
			if len(args) < 6 || args[2] != "followupd" || args[4] != "followupd" {
				t.Fatalf("unexpected step %q", step)
			}
			rest := args[5:]
			for i, a := range rest {
				if absPath.MatchString(a) {
					rest[i] = under(a)
				}
			}
			out, err := asUser(t, bin, uid, nil, rest...).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "ok    config: ") {
				t.Errorf("step %q as the service user: %v\n%s", step, err, out)
			}
			// Nobody else may read the config (it may hold passwords).
			out, err = asUser(t, bin, uid+1, nil, rest...).CombinedOutput()
			if err == nil || !strings.Contains(string(out), "permission denied") {
				t.Errorf("another user could read the config: %v\n%s", err, out)
			}
			sawCheck = true
		case "systemctl":
			if strings.Contains(step, "enable --now followupd") {
				sawEnable = true
			}
		default:
			t.Errorf("install step %q is not one this test knows how to follow", step)
		}
	}
	if !sawUseradd || !sawEdit || !sawCheck || !sawEnable {
		t.Fatalf("the install comment lacks a step: useradd %v, editor %v, check %v, enable %v", sawUseradd, sawEdit, sawCheck, sawEnable)
	}
	for path, want := range map[string]string{
		"/usr/local/bin/followupd":                 "-rwxr-xr-x 0",
		"/etc/systemd/system/followupd.service":    "-rw-r--r-- 0",
		"/etc/followupd":                           "drwxr-x--- 0",
		"/etc/followupd/config.toml":               "-rw------- " + strconv.Itoa(uid),
		"/usr/local/share/doc/followupd/README.md": "-rw-r--r-- 0",
	} {
		info, err := os.Stat(under(path))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		got := info.Mode().String() + " " + strconv.Itoa(int(info.Sys().(*syscall.Stat_t).Uid))
		if got != want {
			t.Errorf("%s: mode and owner %q, want %q", path, got, want)
		}
	}

	// systemctl enable --now: what systemd does, as far as it can be done
	// here. The installed unit must verify (with ExecStart pointing into the
	// root), StateDirectory= gives the user /var/lib/followupd (0700), and
	// the service starts as that user and says it is ready.
	unit, err := os.ReadFile(under("/etc/systemd/system/followupd.service"))
	if err != nil {
		t.Fatal(err)
	}
	verifyDir := t.TempDir()
	rewritten := strings.ReplaceAll(string(unit), "/usr/local/bin/followupd", under("/usr/local/bin/followupd"))
	os.WriteFile(filepath.Join(verifyDir, "followupd.service"), []byte(rewritten), 0o644)
	if out, err := exec.Command("systemd-analyze", "verify", filepath.Join(verifyDir, "followupd.service")).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	state := under("/var/lib/followupd")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(state, uid, uid); err != nil {
		t.Fatal(err)
	}
	n := listenNotify(t)
	os.Chmod(filepath.Dir(n.path), 0o777) // the service user sends to it
	os.Chmod(n.path, 0o777)
	d := &daemonProc{exited: make(chan struct{})}
	d.cmd = asUser(t, bin, uid, []string{"STATE_DIRECTORY=" + state, "NOTIFY_SOCKET=" + n.path, "HOME=" + state},
		"run", "--config", under("/etc/followupd/config.toml"), "--stop-timeout", "80s")
	d.cmd.Stderr = d
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.err = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() { d.cmd.Process.Kill(); <-d.exited })
	n.waitFor(t, "READY=1 from the installed service", d, func(m notice) bool { return m.has("READY=1") }, nil)
	d.waitLog(t, "calendar=work change=new")
	d.cmd.Process.Signal(syscall.SIGTERM)
	<-d.exited
	if d.err != nil {
		t.Errorf("the installed service did not stop cleanly: %v\n%s", d.err, d.logs())
	}
	if info, err := os.Stat(filepath.Join(state, "followupd.db")); err != nil || info.Sys().(*syscall.Stat_t).Uid != uint32(uid) {
		t.Errorf("the database is not the service user's: %v", err)
	}
}

// TestUnitsVerifyAndScore checks both units with systemd-analyze: verify
// finds nothing, and the offline security exposure is at most 2.0 (the
// system unit at most 1.3).
func TestUnitsVerifyAndScore(t *testing.T) {
	needTools(t, "systemd-analyze")
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	exe, _ := os.Executable()
	home := t.TempDir()
	runtime := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".local", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, filepath.Join(home, ".local", "bin", "followupd")); err != nil {
		t.Fatal(err)
	}
	score := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)
	for _, tc := range []struct {
		unit string
		user bool
		most float64
	}{
		{"systemd/followupd.service", false, 1.3},
		{"systemd/user/followupd.service", true, 2.0},
	} {
		data, err := os.ReadFile(filepath.Join(repo, tc.unit))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "followupd.service")
		os.WriteFile(path, []byte(strings.ReplaceAll(string(data), "/usr/local/bin/followupd", exe)), 0o644)
		var flags []string
		if tc.user {
			flags = []string{"--user"}
		}
		env := append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+runtime)
		verify := exec.Command("systemd-analyze", append(append([]string{"verify"}, flags...), path)...)
		verify.Env = env
		if out, err := verify.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("%s: systemd-analyze verify: %v\n%s", tc.unit, err, out)
		}
		sec := exec.Command("systemd-analyze", append(append([]string{"security", "--offline=true", "--no-pager"}, flags...), path)...)
		sec.Env = env
		out, _ := sec.CombinedOutput()
		m := score.FindStringSubmatch(string(out))
		if m == nil {
			t.Errorf("%s: no exposure level in:\n%s", tc.unit, out)
			continue
		}
		got, _ := strconv.ParseFloat(m[1], 64)
		t.Logf("%s: exposure %.1f", tc.unit, got)
		if got > tc.most {
			t.Errorf("%s: exposure %.1f, want at most %.1f", tc.unit, got, tc.most)
		}
	}
}
