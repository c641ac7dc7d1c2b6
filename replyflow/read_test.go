package replyflow

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/replies"
)

func testRules(t *testing.T) replies.Rules {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return replies.Rules{
		Owner: config.Owner{Name: "Alex Morgan", Email: "alex.morgan@example.org",
			Aliases: []string{"alex@example.org"}, Location: loc},
		Schedule:   config.Schedule{FollowUpTime: config.ClockTime{Hour: 9}},
		AuthservID: "mx.example.org",
		Now:        time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
	}
}

// A reply read from the parts the watcher decoded says what the same reply
// read whole says, for every reply fixture.
func TestReadReplyFromPartsMatchesRead(t *testing.T) {
	dir := filepath.Join("..", "testdata", "replies")
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no reply fixtures in %s: %v", dir, err)
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want, err := replies.Read(bytes.NewReader(raw), testRules(t))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			m, err := mailbox.ReadMessage(bytes.NewReader(raw), 0)
			if err != nil {
				t.Fatalf("ReadMessage: %v", err)
			}
			got := readReply(m, testRules(t))
			if got.Explain() != want.Explain() || got.Line != want.Line || got.From != want.From ||
				got.InReplyTo != want.InReplyTo || !got.Date.Equal(want.Date) || got.AutoReply != want.AutoReply {
				t.Errorf("from parts:\n%+v\nwhole:\n%+v", got, want)
			}
		})
	}
}

// format=flowed is undone also in a multipart message: the watcher hands on
// the text part's parameters.
func TestReadReplyFlowedInMultipart(t *testing.T) {
	raw := strings.ReplaceAll(`From: Alex Morgan <alex.morgan@example.org>
To: followupd@example.org
Subject: Re: Send a thank-you note today
Date: Tue, 1 Dec 2026 10:00:00 -0500
Message-ID: <flowed-1@example.org>
In-Reply-To: <r.abcdefghijklmnopqrstuvwxyz.0@followupd.example.org>
Authentication-Results: mx.example.org; dmarc=pass header.from=example.org
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes

notes: ask about the on-call rota and the team's =
release cadence

--b1
Content-Type: text/html; charset=utf-8

<p>notes: ask about the on-call rota and the team's release cadence</p>
--b1--
`, "\n", "\r\n")
	raw = strings.ReplaceAll(raw, "team's =\r\n", "team's  \r\n")
	m, err := mailbox.ReadMessage(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Flowed || !m.DelSp {
		t.Fatalf("watcher lost the text part's parameters: flowed=%v delsp=%v", m.Flowed, m.DelSp)
	}
	rep := readReply(m, testRules(t))
	if rep.Command != replies.Notes {
		t.Fatalf("command = %q, want notes", rep.Command)
	}
	if want := "ask about the on-call rota and the team's release cadence"; rep.Notes != want {
		t.Errorf("notes = %q, want %q", rep.Notes, want)
	}
}
