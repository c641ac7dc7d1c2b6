package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs one command line in-process with no config file anywhere
// unless the arguments name one.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	home := t.TempDir()
	env := &env{stdout: &out, stderr: &errw, getenv: func(k string) string {
		switch k {
		case "HOME", "XDG_STATE_HOME":
			return home
		case "XDG_CONFIG_HOME":
			return filepath.Join(home, "config")
		}
		return ""
	}}
	code = run(t.Context(), env, args)
	return code, out.String(), errw.String()
}

func TestExplainExitCodesAndOrder(t *testing.T) {
	sample := filepath.Join("..", "..", "testdata", "sample.ics")
	cancel := filepath.Join("..", "..", "testdata", "calendars", "outlook-cancel.ics")
	missing := filepath.Join(t.TempDir(), "missing.ics")

	code, out, _ := runCLI(t, "explain", "--json", cancel, sample)
	if code != 0 {
		t.Fatalf("exit %d for readable files, want 0", code)
	}
	var files []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var obj struct {
			File string `json:"file"`
		}
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		files = append(files, obj.File)
	}
	if len(files) != 2 || files[0] != cancel || files[1] != sample {
		t.Errorf("files in output = %q, want input order", files)
	}

	code, out, errOut := runCLI(t, "explain", "--json", sample, missing)
	if code != 1 {
		t.Errorf("exit %d with an unreadable file, want 1", code)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("%d JSON lines, want one per file (2)", n)
	}
	if !strings.Contains(out, `"error"`) || !strings.Contains(errOut, "1 of 2 files") {
		t.Errorf("unreadable file not reported: stdout %q stderr %q", out, errOut)
	}

	empty := filepath.Join(t.TempDir(), "empty.ics")
	os.WriteFile(empty, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"), 0o600)
	if code, out, _ := runCLI(t, "explain", empty); code != 0 || !strings.Contains(out, "no events found") {
		t.Errorf("empty calendar: exit %d, output %q", code, out)
	}
}

func TestUsageAndErrors(t *testing.T) {
	if code, _, errOut := runCLI(t); code != 2 || !strings.Contains(errOut, "usage: followupd") {
		t.Errorf("no arguments: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "explain"); code != 2 {
		t.Errorf("explain without files: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "explain", "--bogus", "x"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if code, out, _ := runCLI(t, args...); code != 0 || !strings.HasPrefix(out, "followupd ") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
	// help CMD and CMD --help print that command's usage to stdout.
	for _, args := range [][]string{{"help", "snooze"}, {"snooze", "--help"}, {"snooze", "-h", "1"}} {
		code, out, errOut := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "usage: followupd snooze") || !strings.Contains(out, "-kind") || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if code, out, _ := runCLI(t, "help"); code != 0 || !strings.Contains(out, "add") || !strings.Contains(out, "retry") {
		t.Errorf("help: exit %d, %q", code, out)
	}
}

// The version names the module version and the revision from the build
// information; a test binary has the module's version at least.
func TestVersionLine(t *testing.T) {
	if v := versionLine(); !strings.HasPrefix(v, "followupd ") || len(v) <= len("followupd ") {
		t.Errorf("version line %q", v)
	}
}

func TestCheckOffline(t *testing.T) {
	if code, out, _ := runCLI(t, "check", "--offline"); code != 0 || !strings.Contains(out, "built-in defaults") {
		t.Errorf("check --offline on defaults: exit %d, %q", code, out)
	}
	if code, out, errOut := runCLI(t, "check", "--offline", "--config", filepath.Join("..", "..", "config.example.toml")); code != 0 {
		t.Errorf("check --offline on the example: exit %d, %q %q", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[owner]\nnmae = \"x\"\n"), 0o600)
	for _, flag := range []string{"--offline", "--json"} {
		if code, out, _ := runCLI(t, "check", flag, "--config", bad); code != 1 || !strings.Contains(out, "bad.toml:2") {
			t.Errorf("check %s on a bad config: exit %d, stdout %q", flag, code, out)
		}
	}
	// Without --offline, the defaults prove nothing: no owner, nothing to
	// watch, no way to send.
	code, out, _ := runCLI(t, "check")
	for _, want := range []string{"FAIL  owner: owner.email is not set", "FAIL  sources: nothing to watch", "FAIL  smtp: no [smtp]"} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("check on defaults: exit %d, want 1 and %q in:\n%s", code, want, out)
		}
	}
}
