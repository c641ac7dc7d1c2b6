package tidy

import "testing"

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"Acme\r\nBcc: x@example.com":   "Acme Bcc: x@example.com",
		"  a \t b\u2028c\u0085d  ":     "a b c d",
		"bad \xff byte":                "bad byte",
		"esc\x1b[31mred\x7f \u009bend": "esc [31mred end",
		"":                             "",
	} {
		if got := OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := TruncateRunes("héllo wörld", 5); got != "héllo…" {
		t.Errorf("TruncateRunes = %q", got)
	}
	if got := TruncateRunes("héllo", 5); got != "héllo" {
		t.Errorf("TruncateRunes kept %q", got)
	}
	// "é" is two bytes: a cut inside it moves back before it.
	if got := TruncateBytes("hé", 2); got != "h" {
		t.Errorf("TruncateBytes = %q, want %q", got, "h")
	}
	if got := TruncateBytes("abc", 3); got != "abc" {
		t.Errorf("TruncateBytes = %q", got)
	}
	if got := Clip("Thank you very much", 10); got != "Thank you…" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("Thank you ever so much", 11); got != "Thank you…" {
		t.Errorf("Clip kept the space: %q", got)
	}
	if got := Clip("short", 10); got != "short" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("x", 0); got != "" {
		t.Errorf("Clip to 0 = %q", got)
	}
}

func TestTruncateBytesTable(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"aé", 2, "a"}, // never half a rune
		{"日本", 4, "日"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := TruncateBytes(tt.s, tt.n); got != tt.want {
			t.Errorf("TruncateBytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
