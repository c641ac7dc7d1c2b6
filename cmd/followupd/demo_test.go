package main

import (
	"strings"
	"testing"
)

func TestDemoCommand(t *testing.T) {
	code, out, stderr := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"Send a thank-you note today: Jane Doe at Acme Corp", "Follow-up call today", "where things stand"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if code, _, _ := runCLI(t, "demo", "extra"); code != 2 {
		t.Errorf("demo with an argument: exit %d, want 2", code)
	}
}
