package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
)

// TestMain lets the test binary stand in for the followupd binary: with
// FOLLOWUPD_TEST_MAIN=1 it runs main, so tests can start real processes
// and signal them.
func TestMain(m *testing.M) {
	if os.Getenv("FOLLOWUPD_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// followupd returns a command running this binary as followupd.
func followupd(t *testing.T, stateDir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "FOLLOWUPD_TEST_MAIN=1", "XDG_STATE_HOME="+stateDir,
		"XDG_CONFIG_HOME="+filepath.Join(stateDir, "no-config"), "FOLLOWUPD_CONFIG=")
	return cmd
}

func TestRunFindsInterviewsAndStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	sample, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sample.ics"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfg, []byte(`[owner]
email = "alex.morgan@example.org"
timezone = "America/New_York"
[[calendar]]
name = "sample"
source = "`+sample+`"
`), 0o600)

	var logs bytes.Buffer
	run := followupd(t, dir, "run", "--config", cfg)
	run.Stderr = &logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()

	// Wait until `followupd list --json` shows the sample's interviews.
	var listed []map[string]any
	deadline := time.Now().Add(mailtest.Scaled(30 * time.Second))
	for time.Now().Before(deadline) {
		out, err := followupd(t, dir, "list", "--json", "--config", cfg).Output()
		if err == nil && json.Unmarshal(out, &listed) == nil && len(listed) == 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(listed) != 2 {
		t.Fatalf("list shows %d interviews, want the sample's 2; daemon log:\n%s", len(listed), logs.String())
	}
	first := listed[0]
	if first["company"] != "Acme Corp" || first["status"] != "scheduled" {
		t.Errorf("first interview = %v", first)
	}
	if src := first["sources"].([]any); len(src) != 1 || src[0] != "calendar:sample" {
		t.Errorf("sources = %v", src)
	}
	rems := first["reminders"].([]any)
	if len(rems) != 2 || rems[0].(map[string]any)["state"] != "pending" {
		t.Errorf("reminders = %v", rems)
	}

	text, err := followupd(t, dir, "list", "--config", cfg).Output()
	if err != nil || !strings.Contains(string(text), "Interview with Jane Doe at Acme Corp") || !strings.Contains(string(text), "thank_you") {
		t.Errorf("list text output = %q, %v", text, err)
	}

	if err := run.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("followupd run exited with %v after SIGTERM, want 0; log:\n%s", err, logs.String())
		}
	case <-time.After(mailtest.Scaled(20 * time.Second)):
		t.Fatalf("followupd run did not stop within %v of SIGTERM; log:\n%s", mailtest.Scaled(20*time.Second), logs.String())
	}
	if !strings.Contains(logs.String(), "followupd stopped") {
		t.Errorf("no clean-stop line in the log:\n%s", logs.String())
	}
}

func TestRunRefusesNothingToWatch(t *testing.T) {
	dir := t.TempDir()
	out, err := followupd(t, dir, "run").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "nothing to watch") {
		t.Errorf("run without sources: %v, %q; want a clear error", err, out)
	}
}
