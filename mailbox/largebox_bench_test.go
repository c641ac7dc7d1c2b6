package mailbox

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
)

// The large-mailbox benchmark (issue 3, benchmark b): an INBOX of many
// messages of which only the newest largeboxWindow fall inside the backfill
// window. It measures the first sync (time, bytes read from the server,
// messages handed on) and then the incremental pass after one new message,
// which must cost the same whatever the size of the mailbox. Run it with
//
//	go test ./mailbox -run '^$' -bench BenchmarkLargeInbox -benchtime 20x
//
// ns/op is one incremental pass on the open connection (NOOP and sync, as
// when polling); incr_noop_ms is the part the server spends noticing the
// new message, incr_sync_ms the watcher's own commands. Each size runs on
// two storages: Dovecot's maildir, where the server reads the whole cur/
// directory when it looks for new mail, so the NOOP's time grows with the
// mailbox; and mdbox, Dovecot's indexed storage, where it grows far less.
// The bytes read and the watcher's commands stay the same on both.
const (
	largeboxWindow   = 1000
	largeboxBackfill = 30 * 24 * time.Hour
	// An invitation every largeboxInviteEvery messages of the window, a large
	// attachment (never fetched) every largeboxAttachEvery.
	largeboxInviteEvery = 100
	largeboxAttachEvery = 50
	// largeboxOldInviteEvery puts a few invitations among the old messages:
	// they are outside the window and must not be handed on.
	largeboxOldInviteEvery = 5000
	// largeboxRestarts is how many incremental passes are measured on a new
	// connection each (login and EXAMINE included), as after a restart.
	largeboxRestarts = 5
	// largeboxIdlePasses is how many incremental passes woken by IDLE are
	// measured.
	largeboxIdlePasses = 5
	// largeboxIncrLimit bounds the bytes one incremental pass may read: more
	// than ten times what one small new message costs (about 1.3 KB), far
	// below anything that grows with the mailbox.
	largeboxIncrLimit = 16 << 10
)

// largeboxNow is the benchmark's clock; it is in the past, so every seeded
// date is too, and the messages delivered during the run (dated by
// Dovecot's clock) are newer than all of them.
func largeboxNow() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

func BenchmarkLargeInbox(b *testing.B) {
	for _, store := range []string{"maildir", "mdbox"} {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("store=%s/messages=%d", store, n), func(b *testing.B) { benchLargeInbox(b, store, n) })
		}
	}
}

func benchLargeInbox(b *testing.B, store string, n int) {
	d := mailtest.StartDovecot(b)
	now := largeboxNow()
	seed := d.SeedMaildir(b, "INBOX", n, func(i int) time.Time { return largeboxDate(now, n, i) },
		func(i int) []byte { return largeboxMessage(now, n, i) })
	if store == "mdbox" {
		d.UseMdbox(b)
	}

	st := &netStats{}
	cmds := &largeboxCommands{}
	st.wrap = func(c net.Conn) net.Conn { return &largeboxConn{Conn: c, log: cmds} }
	h := &largeboxHandler{}
	state := newMemState()
	w := New(largeboxConfig(b, d), state, h.handle, slog.New(slog.DiscardHandler),
		WithDialer(st.dial), WithClock(largeboxNow))
	ctx := b.Context()

	// First sync, on a fresh state: the backfill window only.
	s, err := w.connect(ctx)
	if err != nil {
		b.Fatalf("connect: %v", err)
	}
	defer s.close(true)
	firstBytes := st.bytesRead.Load()
	began := time.Now()
	if err := w.syncFolder(ctx, s, "INBOX"); err != nil {
		b.Fatalf("first sync: %v", err)
	}
	firstTime := time.Since(began)
	firstBytes = st.bytesRead.Load() - firstBytes
	first := h.take()
	first.check(b, n)
	if got := state.get("INBOX").LastUID; got != uint32(n) {
		b.Fatalf("after the first sync LastUID = %d, want %d (everything seen)", got, n)
	}

	// The same on another fresh state: Dovecot has cached what the first
	// search made it read (each file's date), as on a mailbox in daily use.
	warmTime, warmBytes := largeboxWarmSync(b, d, st, h, n)

	// Incremental passes on the open connection, one new message each, as
	// the watcher runs them when polling: NOOP (Dovecot looks at the
	// mailbox only when a command asks it to; IDLE does the same below),
	// then the sync.
	var incrBytes, incrMax int64
	var noopTime time.Duration
	k := 0
	for b.Loop() {
		b.StopTimer()
		k++
		id := fmt.Sprintf("incr-%d@bench.example", k)
		d.Deliver(b, d.User, testMessage(id, "Interview follow-up "+fmt.Sprint(k)))
		before := st.bytesRead.Load()
		cmds.record(k == 1)
		b.StartTimer()
		began := time.Now()
		err := s.c.Noop().Wait()
		noopTime += time.Since(began)
		if err == nil {
			err = w.syncFolder(ctx, s, "INBOX")
		}
		b.StopTimer()
		cmds.record(false)
		if err != nil {
			b.Fatalf("incremental sync %d: %v", k, err)
		}
		read := st.bytesRead.Load() - before
		incrBytes += read
		incrMax = max(incrMax, read)
		h.take().checkOne(b, id, uint32(n+k))
		b.StartTimer()
	}
	passes := b.N
	incrTime := b.Elapsed()
	b.Logf("incremental pass by polling (%d messages): commands: %s", n+1, cmds.take())

	// Incremental passes woken by IDLE, as the watcher runs them when the
	// server has IDLE: the time from delivery until the handler has the
	// message, Dovecot's notification delay included.
	idleStarted := idleSignal(w)
	var idleTimes []time.Duration
	var idleBytes int64
	for r := range largeboxIdlePasses {
		k++
		id := fmt.Sprintf("incr-%d@bench.example", k)
		before := st.bytesRead.Load()
		cmds.record(r == 0)
		select { // a notice the NOOPs above brought back would end IDLE at once
		case <-s.kick:
		default:
		}
		done := make(chan error, 1)
		go func() {
			_, err := w.idle(ctx, s, false)
			if err == nil {
				err = w.syncFolder(ctx, s, "INBOX")
			}
			done <- err
		}()
		select {
		case <-idleStarted:
		case err := <-done:
			b.Fatalf("idle: %v", err)
		case <-time.After(10 * time.Second):
			b.Fatal("IDLE did not start")
		}
		began := time.Now()
		d.Deliver(b, d.User, testMessage(id, "Interview follow-up "+fmt.Sprint(k)))
		select {
		case err := <-done:
			if err != nil {
				b.Fatalf("incremental sync after IDLE: %v", err)
			}
		case <-time.After(30 * time.Second):
			b.Fatal("IDLE never reported the new message")
		}
		idleTimes = append(idleTimes, time.Since(began))
		cmds.record(false)
		read := st.bytesRead.Load() - before
		idleBytes += read
		incrMax = max(incrMax, read)
		h.take().checkOne(b, id, uint32(n+k))
	}
	b.Logf("incremental pass woken by IDLE: commands: %s", cmds.take())

	// Incremental passes after a restart: a new connection each, login
	// and EXAMINE included.
	var restartTimes []time.Duration
	var restartBytes int64
	for r := range largeboxRestarts {
		k++
		id := fmt.Sprintf("incr-%d@bench.example", k)
		d.Deliver(b, d.User, testMessage(id, "Interview follow-up "+fmt.Sprint(k)))
		before := st.bytesRead.Load()
		cmds.record(r == 0)
		began := time.Now()
		rs, err := w.connect(ctx)
		if err == nil {
			err = w.syncFolder(ctx, rs, "INBOX")
			rs.close(true)
		}
		restartTimes = append(restartTimes, time.Since(began))
		cmds.record(false)
		if err != nil {
			b.Fatalf("incremental sync after reconnect: %v", err)
		}
		restartBytes += st.bytesRead.Load() - before
		h.take().checkOne(b, id, uint32(n+k))
	}
	b.Logf("incremental pass on a new connection: commands: %s", cmds.take())
	if incrMax > largeboxIncrLimit {
		b.Errorf("an incremental pass read %d bytes, above %d: it grows with something", incrMax, largeboxIncrLimit)
	}

	if store == "maildir" { // an mdbox is indexed as it is copied
		b.ReportMetric(float64(seed.Index.Milliseconds()), "index_ms")
	}
	b.ReportMetric(largeboxMillis(firstTime), "first_sync_ms")
	b.ReportMetric(float64(firstBytes), "first_sync_bytes")
	b.ReportMetric(float64(len(first.uids)), "handed_on")
	b.ReportMetric(float64(first.invitations), "invitations")
	b.ReportMetric(largeboxMillis(warmTime), "first_sync_warm_ms")
	b.ReportMetric(float64(warmBytes), "first_sync_warm_bytes")
	b.ReportMetric(largeboxMillis(incrTime)/float64(passes), "incr_ms")
	b.ReportMetric(float64(incrBytes)/float64(passes), "incr_bytes")
	// The NOOP is where the server looks for the new message; the rest is
	// the watcher's own commands.
	b.ReportMetric(largeboxMillis(noopTime)/float64(passes), "incr_noop_ms")
	b.ReportMetric(largeboxMillis(incrTime-noopTime)/float64(passes), "incr_sync_ms")
	b.ReportMetric(largeboxMillis(largeboxMedian(idleTimes)), "idle_latency_ms")
	b.ReportMetric(float64(idleBytes)/largeboxIdlePasses, "idle_incr_bytes")
	b.ReportMetric(largeboxMillis(largeboxMedian(restartTimes)), "restart_incr_ms")
	b.ReportMetric(float64(restartBytes)/largeboxRestarts, "restart_incr_bytes")
}

// largeboxWarmSync runs a first sync again, on a new connection with a
// fresh state, and returns its time and the bytes it read.
func largeboxWarmSync(b *testing.B, d *mailtest.Dovecot, st *netStats, h *largeboxHandler, n int) (time.Duration, int64) {
	b.Helper()
	ctx := b.Context()
	w := New(largeboxConfig(b, d), newMemState(), h.handle, slog.New(slog.DiscardHandler),
		WithDialer(st.dial), WithClock(largeboxNow))
	s, err := w.connect(ctx)
	if err != nil {
		b.Fatalf("connect: %v", err)
	}
	defer s.close(true)
	before := st.bytesRead.Load()
	began := time.Now()
	if err := w.syncFolder(ctx, s, "INBOX"); err != nil {
		b.Fatalf("first sync again: %v", err)
	}
	took := time.Since(began)
	read := st.bytesRead.Load() - before
	h.take().check(b, n)
	return took, read
}

func largeboxMillis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func largeboxMedian(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// largeboxDate is the INTERNALDATE of message i of n: the old ones spread
// over three years ending 32 days ago (beyond the backfill window and the
// extra day its SINCE search asks for), the newest largeboxWindow over the
// last 29 days. Dates rise with i, so UIDs follow i.
func largeboxDate(now time.Time, n, i int) time.Time {
	old := n - largeboxWindow
	if i < old {
		start, end := now.Add(-3*365*24*time.Hour), now.Add(-32*24*time.Hour)
		return start.Add(time.Duration(int64(end.Sub(start)) * int64(i) / int64(old)))
	}
	start, end := now.Add(-29*24*time.Hour), now.Add(-time.Hour)
	return start.Add(time.Duration(int64(end.Sub(start)) * int64(i-old) / largeboxWindow))
}

// largeboxMessage is message i of n: a short plain note when old; in the
// window, a text and HTML newsletter-sized message, some with a PDF
// attachment, some with an interview invitation.
func largeboxMessage(now time.Time, n, i int) []byte {
	date := largeboxDate(now, n, i).Format(time.RFC1123Z)
	j := i - (n - largeboxWindow) // position in the window; negative when old
	old := j < 0
	var m strings.Builder
	fmt.Fprintf(&m, "From: Sam Rivera <sam.rivera%d@company%d.example>\nTo: %s\nDate: %s\nMessage-ID: <msg-%d@bench.example>\nMIME-Version: 1.0\n",
		i%97, i%13, testUser, date, i)
	switch {
	case old && i%largeboxOldInviteEvery == 0, !old && j%largeboxInviteEvery == largeboxInviteEvery/2:
		m.WriteString("Subject: Invitation: Interview with Jane Doe at Acme Corp\n")
		m.WriteString("Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n")
		largeboxAlternative(&m, i)
		m.WriteString("--mix\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\n\n")
		start := largeboxDate(now, n, i).Add(48 * time.Hour).UTC()
		fmt.Fprintf(&m, "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//bench//EN\nMETHOD:REQUEST\nBEGIN:VEVENT\n"+
			"UID:bench-%d@acme-corp.example\nDTSTAMP:%s\nDTSTART:%s\nDTEND:%s\n"+
			"SUMMARY:Interview with Jane Doe at Acme Corp\nORGANIZER;CN=Jane Doe:mailto:jane.doe@acme-corp.example\n"+
			"ATTENDEE;CN=Alex Morgan;PARTSTAT=NEEDS-ACTION:mailto:%s\nEND:VEVENT\nEND:VCALENDAR\n--mix--\n",
			i, start.Format("20060102T150405Z"), start.Format("20060102T150405Z"),
			start.Add(time.Hour).Format("20060102T150405Z"), testUser)
	case old:
		fmt.Fprintf(&m, "Subject: Re: project update %d\nContent-Type: text/plain; charset=utf-8\n\n", i)
		for line := range 6 {
			fmt.Fprintf(&m, "Line %d of an old note about project %d, kept for the record.\n", line, i)
		}
	case j%largeboxAttachEvery == 0:
		fmt.Fprintf(&m, "Subject: Offer letter draft %d\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n", i)
		largeboxAlternative(&m, i)
		m.WriteString("--mix\nContent-Type: application/pdf; name=\"letter.pdf\"\nContent-Disposition: attachment; filename=\"letter.pdf\"\nContent-Transfer-Encoding: base64\n\n")
		for range 640 { // about 48 KB
			m.WriteString("JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURl\n")
		}
		m.WriteString("--mix--\n")
	default:
		fmt.Fprintf(&m, "Subject: Weekly digest %d\n", i)
		largeboxAlternative(&m, i)
	}
	return []byte(m.String())
}

// largeboxAlternative writes a multipart/alternative part, header and body:
// about 1 KB of text and 1.6 KB of HTML.
func largeboxAlternative(m *strings.Builder, i int) {
	m.WriteString("Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\nContent-Type: text/plain; charset=utf-8\n\n")
	for line := range 12 {
		fmt.Fprintf(m, "Paragraph %d of message %d: news, notes and a few links to read later.\n", line, i)
	}
	m.WriteString("--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body>\n")
	for line := range 12 {
		fmt.Fprintf(m, "<p style=\"margin:0 0 1em 0\">Paragraph %d of message %d: news, notes and a few links to read later.</p>\n", line, i)
	}
	m.WriteString("</body></html>\n--alt--\n")
}

// largeboxConfig is the [imap] section for the Dovecot, with the default
// 30-day backfill written out.
func largeboxConfig(b *testing.B, d *mailtest.Dovecot) *config.IMAP {
	b.Helper()
	dir := b.TempDir()
	pwFile := mailtest.WriteSecret(b, dir, "imap-password", d.Password)
	host, port, err := net.SplitHostPort(d.IMAPAddr())
	if err != nil {
		b.Fatal(err)
	}
	toml := fmt.Sprintf("[imap]\nhost = %q\nport = %s\nsecurity = \"none\"\nusername = %q\npassword_file = %q\nbackfill = %q\n",
		host, port, d.User, pwFile, fmt.Sprintf("%dd", int(largeboxBackfill/(24*time.Hour))))
	im, err := mailtest.LoadConfig(b, dir, toml).IMAP()
	if err != nil {
		b.Fatal(err)
	}
	return im
}

// largeboxHandler counts what the watcher hands on.
type largeboxHandler struct {
	mu   sync.Mutex
	seen largeboxSeen
}

type largeboxSeen struct {
	uids        []uint32
	ids         []string
	invitations int
}

func (h *largeboxHandler) handle(_ context.Context, m Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen.uids = append(h.seen.uids, m.UID)
	h.seen.ids = append(h.seen.ids, idOf(m))
	h.seen.invitations += len(m.Invitations)
	return nil
}

// take returns what was handed on since the last take.
func (h *largeboxHandler) take() largeboxSeen {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.seen
	h.seen = largeboxSeen{}
	return s
}

// check asserts a first sync of a mailbox of n messages: exactly the
// window's messages, the newest UIDs, in order, with their invitations.
func (s largeboxSeen) check(b *testing.B, n int) {
	b.Helper()
	if len(s.uids) != largeboxWindow {
		b.Fatalf("first sync handed on %d messages, want the %d in the backfill window", len(s.uids), largeboxWindow)
	}
	for j, uid := range s.uids {
		if want := uint32(n - largeboxWindow + 1 + j); uid != want {
			b.Fatalf("first sync: message %d has UID %d, want %d", j, uid, want)
		}
	}
	if want := largeboxWindow / largeboxInviteEvery; s.invitations != want {
		b.Fatalf("first sync read %d invitations, want %d", s.invitations, want)
	}
}

// checkOne asserts an incremental pass: the one new message, nothing else.
func (s largeboxSeen) checkOne(b *testing.B, id string, uid uint32) {
	b.Helper()
	if len(s.ids) != 1 || s.ids[0] != id || s.uids[0] != uid {
		b.Fatalf("incremental pass handed on %q (UIDs %v), want %q (UID %d)", s.ids, s.uids, id, uid)
	}
}

// largeboxCommands keeps the command lines the client writes while recording is
// on, without their tags and with LOGIN's and AUTHENTICATE's arguments left
// out.
type largeboxCommands struct {
	mu    sync.Mutex
	on    bool
	lines []string
}

func (l *largeboxCommands) record(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = on
}

func (l *largeboxCommands) write(p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.on {
		return
	}
	for line := range strings.Lines(string(p)) {
		line = strings.TrimRight(line, "\r\n")
		f := strings.Fields(line)
		switch {
		case len(f) < 2: // DONE, or a literal's data
		case strings.EqualFold(f[1], "LOGIN"), strings.EqualFold(f[1], "AUTHENTICATE"):
			line = f[1] + " [arguments left out]"
		default:
			line = strings.Join(f[1:], " ")
		}
		l.lines = append(l.lines, line)
	}
}

func (l *largeboxCommands) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := strings.Join(l.lines, " | ")
	l.lines = nil
	return s
}

type largeboxConn struct {
	net.Conn
	log *largeboxCommands
}

func (c *largeboxConn) Write(p []byte) (int, error) {
	c.log.write(p)
	return c.Conn.Write(p)
}
