package mailtest_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mailtest"
)

// seedMessage is message i of a seeded folder, with CRLF line endings.
func seedMessage(folder string, i int) []byte {
	return []byte(fmt.Sprintf("From: Sender %d <sender%d@elsewhere.example>\r\n"+
		"To: owner@example.test\r\nSubject: %s message %d\r\n"+
		"Message-ID: <seed-%d@elsewhere.example>\r\n\r\nBody of message %d.\r\nSecond line.\r\n",
		i, i, folder, i, i, i))
}

func TestSeedMaildir(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	base := time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC)
	// Two messages share each second: their UIDs must still follow i.
	date := func(i int) time.Time { return base.Add(time.Duration(i/2) * time.Second) }
	tests := []struct {
		folder string
		n      int
	}{
		{"INBOX", 40},
		{"Archive.2024", 7},
	}
	for _, tc := range tests {
		rep := d.SeedMaildir(t, tc.folder, tc.n, date, func(i int) []byte { return seedMessage(tc.folder, i) })
		if rep.Messages != tc.n || rep.Bytes == 0 {
			t.Errorf("seed %s: report %+v, want %d messages and some bytes", tc.folder, rep, tc.n)
		}
	}

	c := login(t, d, d.User, d.Password, nil)
	for _, tc := range tests {
		checkSeeded(t, c, tc.folder, tc.n, date)
	}
}

func TestUseMdbox(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	base := time.Date(2025, 12, 30, 23, 59, 0, 0, time.UTC)
	date := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	d.SeedMaildir(t, "INBOX", 25, date, func(i int) []byte { return seedMessage("INBOX", i) })
	d.SeedMaildir(t, "Archive.2024", 3, date, func(i int) []byte { return seedMessage("Archive.2024", i) })
	before := login(t, d, d.User, d.Password, nil)
	validity := selectMailbox(t, before, "INBOX").UIDValidity

	d.UseMdbox(t)
	if _, err := os.Stat(filepath.Join(d.Dir, "mail", d.User, "mdbox")); err != nil {
		t.Fatalf("no mdbox after UseMdbox: %v", err)
	}
	c := login(t, d, d.User, d.Password, nil)
	if got := selectMailbox(t, c, "INBOX").UIDValidity; got != validity {
		t.Errorf("UIDVALIDITY %d after the switch, was %d", got, validity)
	}
	checkSeeded(t, c, "INBOX", 25, date)
	checkSeeded(t, c, "Archive.2024", 3, date)

	// New mail lands in the mdbox INBOX after the seeded messages.
	d.Deliver(t, d.User, testMessage("after the switch"))
	if got := selectMailbox(t, c, "INBOX").NumMessages; got != 26 {
		t.Errorf("INBOX has %d messages after one delivery, want 26", got)
	}
}

// checkSeeded asserts that folder holds the n messages seedMessage makes, in order, with
// their dates, sizes and the \Seen flag.
func checkSeeded(t *testing.T, c *imapclient.Client, folder string, n int, date func(int) time.Time) {
	t.Helper()
	sel := selectMailbox(t, c, folder)
	if int(sel.NumMessages) != n {
		t.Errorf("SELECT %s: %d messages, want %d", folder, sel.NumMessages, n)
		return
	}
	body := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID: true, InternalDate: true, RFC822Size: true, Flags: true, BodySection: []*imap.FetchItemBodySection{body},
	}).Collect()
	if err != nil {
		t.Fatalf("fetch %s: %v", folder, err)
	}
	if len(msgs) != n {
		t.Fatalf("fetch %s: %d messages, want %d", folder, len(msgs), n)
	}
	for i, m := range msgs {
		want := seedMessage(folder, i)
		if got := m.FindBodySection(body); !bytes.Equal(got, want) {
			t.Errorf("%s seq %d (UID %d): body %q, want message %d %q", folder, i+1, m.UID, got, i, want)
		}
		if !m.InternalDate.Equal(date(i)) {
			t.Errorf("%s message %d: INTERNALDATE %v, want %v", folder, i, m.InternalDate, date(i))
		}
		if m.RFC822Size != int64(len(want)) {
			t.Errorf("%s message %d: RFC822.SIZE %d, want %d", folder, i, m.RFC822Size, len(want))
		}
		if !slices.Contains(m.Flags, imap.FlagSeen) {
			t.Errorf("%s message %d: flags %v, want \\Seen", folder, i, m.Flags)
		}
		if i > 0 && m.UID <= msgs[i-1].UID {
			t.Errorf("%s message %d: UID %d not above the previous %d", folder, i, m.UID, msgs[i-1].UID)
		}
	}
}

func TestSeedMaildirRefusesOddFolderNames(t *testing.T) {
	t.Parallel()
	d := mailtest.StartDovecot(t)
	for _, name := range []string{"a/b", "Entw&APw-rfe", "", ".x", "x.", "a..b", "Caf\u00e9"} {
		ft := &fatalRecorder{TB: t}
		func() {
			defer func() { _ = recover() }() // fatalRecorder stops the seed with a panic
			d.SeedMaildir(ft, name, 1, func(int) time.Time { return time.Unix(0, 0) }, func(int) []byte { return nil })
		}()
		if !ft.failed {
			t.Errorf("SeedMaildir(%q) did not fail", name)
		}
	}
}

// fatalRecorder notes a Fatalf instead of ending the test, and panics to stop the caller.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failed = true
	panic(fmt.Sprintf(format, args...))
}

func (f *fatalRecorder) Helper() {}
