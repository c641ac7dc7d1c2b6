package replies

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rewrap wraps text at width columns the way a client wraps a quote, words
// kept whole.
func rewrap(text string, width int) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// The reminders followupd really sends (the mailer's golden files), quoted
// by clients in the ways they quote, below a reply header followupd does
// not know: knowing the reminder's text, the owner's notes come out exact.
func TestReminderQuotedByClients(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "mailer", "testdata", "golden", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden reminders: %v", err)
	}
	const header = "Ο χρήστης followupd έγραψε:"
	rules := testRules(t)
	n := 0
	for _, f := range files {
		if !strings.Contains(f, "thankyou") && !strings.Contains(f, "call") && !strings.Contains(f, "nudge") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		answered := string(b)
		renderings := map[string]string{"text": answered, "text rewrapped": rewrap(answered, 72)}
		if h, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".html"); err == nil {
			renderings["html as text"] = HTMLToText(string(h))
		}
		for name, quoted := range renderings {
			for _, mark := range []bool{false, true} {
				q := quoted
				if mark {
					q = marked(quoted)
				}
				for _, head := range []string{header + "\n", "\n", ""} {
					text := shapeNotes + "\n\n" + head + q
					own, rule := StripQuotedFrom(text, answered)
					r := ParseCommand(own, rules.Now, rules)
					n++
					if r.Command != Notes || r.Notes != shapeNotesWant {
						t.Errorf("%s, %s, marked %v, header %q: notes %q (rule %q)",
							filepath.Base(f), name, mark, head, r.Notes, rule)
					}
					if !mark && head == header+"\n" {
						// Without the reminder's text this shape leaks.
						own, _ := StripQuotedFrom(text, "")
						if ParseCommand(own, rules.Now, rules).Notes == shapeNotesWant {
							t.Errorf("%s, %s: read right without the reminder's text; the test shows nothing", filepath.Base(f), name)
						}
					}
				}
			}
		}
	}
	t.Logf("%d quoted reminders", n)
}
