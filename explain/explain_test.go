package explain

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
)

// ownerConfig is an owner in New York with the fixtures' addresses.
func ownerConfig(t *testing.T) *config.Config {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	body := `
[owner]
name = "Alex Morgan"
email = "alex.morgan@example.org"
aliases = ["alex@example.org"]
timezone = "America/New_York"
`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func explainFile(t *testing.T, path string) Report {
	t.Helper()
	return Explainer{Config: ownerConfig(t), Now: testNow}.File(filepath.Join("..", path))
}

// roundTrip encodes r as explain --json does and decodes it generically, so
// tests check the contract as an outside reader sees it.
func roundTrip(t *testing.T, r Report) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.HasSuffix(buf.String(), "\n") {
		t.Fatalf("WriteJSON wrote %d lines, want exactly one JSON line", n)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSampleContract(t *testing.T) {
	m := roundTrip(t, explainFile(t, "testdata/sample.ics"))
	if _, ok := m["error"]; ok {
		t.Fatalf("sample has an error: %v", m["error"])
	}
	ivs := m["interviews"].([]any)
	if len(ivs) != 2 {
		t.Fatalf("%d interviews, want 2", len(ivs))
	}
	acme := ivs[0].(map[string]any)
	want := map[string]any{
		"uid": "7kq3s9v1b2c4d5e6f7g8h9@google.com", "status": "scheduled",
		"summary": "Interview with Jane Doe at Acme Corp", "company": "Acme Corp",
		"position": "Senior Backend Engineer",
		"start":    "2026-12-03T19:00:00Z", "end": "2026-12-03T20:00:00Z",
	}
	for k, v := range want {
		if acme[k] != v {
			t.Errorf("%s = %v, want %v", k, acme[k], v)
		}
	}
	people := acme["interviewers"].([]any)
	if len(people) != 1 {
		t.Fatalf("interviewers = %v, want Jane Doe alone (the room is not a person)", people)
	}
	jane := people[0].(map[string]any)
	if jane["name"] != "Jane Doe" || jane["email"] != "jane.doe@acme.com" || jane["honorific"] != "Ms." {
		t.Errorf("interviewer = %v", jane)
	}
	rems := acme["reminders"].([]any)
	if len(rems) != 2 {
		t.Fatalf("reminders = %v", rems)
	}
	// 15:00 EST end + 1h = 16:00 EST; Thursday + 3 business days = Tuesday 09:00 EST.
	if r := rems[0].(map[string]any); r["kind"] != "thank_you" || r["due"] != "2026-12-03T21:00:00Z" {
		t.Errorf("thank-you reminder = %v", r)
	}
	if r := rems[1].(map[string]any); r["kind"] != "follow_up_call" || r["due"] != "2026-12-08T14:00:00Z" {
		t.Errorf("call reminder = %v", r)
	}
	globex := ivs[1].(map[string]any)
	if n := len(globex["interviewers"].([]any)); n != 2 {
		t.Errorf("panel has %d interviewers, want 2", n)
	}
	skipped := m["skipped"].([]any)
	reasons := map[string]string{}
	for _, s := range skipped {
		s := s.(map[string]any)
		reasons[s["summary"].(string)] = s["reason"].(string)
	}
	for summary, reason := range map[string]string{
		"Mock interview with Chris":        "mock interview",
		"Interview day (travel to Boston)": "all-day",
		"Dentist":                          "keyword",
	} {
		if !strings.Contains(reasons[summary], reason) {
			t.Errorf("skip reason for %q = %q, want one mentioning %q", summary, reasons[summary], reason)
		}
	}
}

func TestCancelledHasNoReminders(t *testing.T) {
	m := roundTrip(t, explainFile(t, "testdata/calendars/outlook-cancel.ics"))
	ivs := m["interviews"].([]any)
	if len(ivs) == 0 {
		t.Fatal("the cancellation shows no interview")
	}
	for _, iv := range ivs {
		iv := iv.(map[string]any)
		if iv["status"] != "cancelled" {
			t.Errorf("status = %v, want cancelled", iv["status"])
		}
		if rems, ok := iv["reminders"].([]any); !ok || len(rems) != 0 {
			t.Errorf("reminders = %#v, want an empty list", iv["reminders"])
		}
	}
}

func TestMessages(t *testing.T) {
	t.Run("invitation carried twice is one interview", func(t *testing.T) {
		r := explainFile(t, "testdata/messages/gmail-invitation.eml")
		if r.Error != "" || len(r.Interviews) != 1 {
			t.Fatalf("report = %+v, want one interview", r)
		}
		if r.Reply != nil {
			t.Errorf("an invitation is explained as a reply: %+v", r.Reply)
		}
	})
	t.Run("reply carries its command", func(t *testing.T) {
		m := roundTrip(t, explainFile(t, "testdata/replies/gmail-multipart.eml"))
		reply, ok := m["reply"].(map[string]any)
		if !ok {
			t.Fatalf("no reply object in %v", m)
		}
		if reply["command"] != "sent" || reply["authorized"] != true {
			t.Errorf("reply = %v", reply)
		}
		// Gmail's attribution, wrapped over two lines below "Sent it this
		// afternoon!" and a blank line (issue 10).
		if reply["quote"] != "attribution line 3" {
			t.Errorf("reply quote = %v, want attribution line 3", reply["quote"])
		}
		if ivs := m["interviews"].([]any); len(ivs) != 0 {
			t.Errorf("interviews = %v, want []", ivs)
		}
	})
	t.Run("forged owner reply is not authorized", func(t *testing.T) {
		r := explainFile(t, "testdata/replies/forged-owner.eml")
		if r.Reply == nil || r.Reply.Authorized || r.Reply.Reason == "" {
			t.Errorf("reply = %+v, want unauthorized with a reason", r.Reply)
		}
	})
	t.Run("message without invitation", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "plain.eml")
		os.WriteFile(p, []byte("From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n"), 0o600)
		m := roundTrip(t, Explainer{Config: ownerConfig(t), Now: testNow}.File(p))
		if _, ok := m["error"]; ok {
			t.Errorf("error = %v", m["error"])
		}
		if ivs, ok := m["interviews"].([]any); !ok || len(ivs) != 0 {
			t.Errorf(`interviews = %#v, want []`, m["interviews"])
		}
	})
}

func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.bin")
	os.WriteFile(garbage, []byte{0, 1, 2, 0xff, '\n', ':', 0}, 0o600)
	truncated := filepath.Join(dir, "truncated.ics")
	os.WriteFile(truncated, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"), 0o600)
	fifo := filepath.Join(dir, "fifo.ics")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing.ics"), garbage, dir, fifo} { // a FIFO must not hang
		r := Explainer{Config: ownerConfig(t), Now: testNow}.File(p)
		if r.Error == "" {
			t.Errorf("%s: no error in %+v", filepath.Base(p), r)
		}
		if r.Interviews == nil || r.Skipped == nil {
			t.Errorf("%s: lists must be [] not null", filepath.Base(p))
		}
	}
	// A truncated calendar is either an error or read as far as it goes; it
	// must not panic, and must not invent an interview.
	r := Explainer{Config: ownerConfig(t), Now: testNow}.File(truncated)
	if len(r.Interviews) != 0 {
		t.Errorf("truncated calendar gave interviews %+v", r.Interviews)
	}
}

func TestTextOutput(t *testing.T) {
	var buf bytes.Buffer
	cfg := ownerConfig(t)
	r := Explainer{Config: cfg, Now: testNow}.File("../testdata/sample.ics")
	if err := WriteText(&buf, r, cfg.Owner.Location); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"+ interview: Interview with Jane Doe at Acme Corp",
		"Thu 3 Dec 2026 14:00–15:00 EST",
		"Ms. Jane Doe <jane.doe@acme.com>",
		"thank-you  due Thu 3 Dec 2026 16:00 EST",
		"call       due Tue 8 Dec 2026 09:00 EST",
		"- not an interview: Dentist (no interview keyword)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestTextOutputOfReply(t *testing.T) {
	var buf bytes.Buffer
	cfg := ownerConfig(t)
	r := Explainer{Config: cfg, Now: testNow}.File("../testdata/replies/gmail-multipart.eml")
	if err := WriteText(&buf, r, cfg.Owner.Location); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`> reply command "sent"`, "quote      cut at the attribution line 3"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, buf.String())
		}
	}
}

func FuzzExplain(f *testing.F) {
	for _, glob := range []string{"../testdata/*.ics", "../testdata/calendars/*.ics", "../testdata/messages/*.eml", "../testdata/replies/*.eml"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	cfg := config.Default()
	cfg.Owner.Location = time.UTC
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Report
		x := Explainer{Config: cfg, Now: testNow}
		_ = x.explain(&r, data) // must not panic
		var buf bytes.Buffer
		if err := WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteText(&buf, r, time.UTC); err != nil {
			t.Fatal(err)
		}
	})
}
