package main

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// explain --now moves the read window: two weekly rules in July 2026 are
// there when explained as of July 2026 and gone as of 2030.
func TestExplainNow(t *testing.T) {
	series := filepath.Join("..", "..", "testdata", "calendars", "rrules.ics")
	count := func(now string) int {
		t.Helper()
		code, out, errOut := runCLI(t, "explain", "--json", "--now", now, series)
		if code != 0 {
			t.Fatalf("--now %s: exit %d: %s", now, code, errOut)
		}
		var r struct {
			Interviews []struct{ UID string } `json:"interviews"`
			Skipped    []struct{ UID string } `json:"skipped"`
		}
		sc := bufio.NewScanner(strings.NewReader(out))
		sc.Buffer(nil, 1<<20)
		if !sc.Scan() {
			t.Fatalf("no output")
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range append(r.Interviews, r.Skipped...) {
			if e.UID == "multi-1@example.com" {
				n++
			}
		}
		return n
	}
	if n := count("2026-07-10T09:00:00Z"); n != 5 {
		t.Errorf("as of July 2026: %d instances, want 5", n)
	}
	if n := count("2030-01-01T00:00:00+01:00"); n != 0 {
		t.Errorf("as of 2030: %d instances, want 0", n)
	}
	for _, bad := range []string{"yesterday", "2026-07-10", "2026-07-10 09:00"} {
		if code, _, errOut := runCLI(t, "explain", "--now", bad, series); code != 2 || !strings.Contains(errOut, "RFC 3339") {
			t.Errorf("--now %q: exit %d, stderr %q", bad, code, errOut)
		}
	}
}
