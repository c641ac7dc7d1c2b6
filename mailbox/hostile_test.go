package mailbox

import (
	"bytes"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/internal/mimelimit"
)

// Each hostile message is read with the limit it aims at reported, and at a
// bounded cost in memory; the wall-clock cost is BenchmarkHostile's.
func TestReadMessageHostile(t *testing.T) {
	for _, h := range mailtest.HostileMessages() {
		t.Run(h.Name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m, err := ReadMessage(bytes.NewReader(h.Raw), 0)
			runtime.ReadMemStats(&after)
			if h.Limit == mimelimit.LimitHeaderBytes || h.Limit == mimelimit.LimitHeaderFields {
				// The whole message is skipped: its header cannot be trusted.
				if got := mimelimit.LimitOf(err); got != h.Limit {
					t.Fatalf("ReadMessage: %v; want the %s limit", err, h.Limit)
				}
			} else {
				if err != nil {
					t.Fatalf("ReadMessage: %v", err)
				}
				if h.Limit != "" && !slices.Contains(m.Limits, h.Limit) {
					t.Errorf("limits hit %q; want %q among them", m.Limits, h.Limit)
				}
				if h.Limit == "" && len(m.Limits) != 0 {
					t.Errorf("limits hit %q; want none", m.Limits)
				}
			}
			// Allocation, not heap size: deterministic whatever the GC did.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("reading it allocated %d MB; want under 50", alloc>>20)
			}
		})
	}
}

// A limit skips the part above it, never what is beside it: an invitation
// beside a too-deep multipart, and after 170 junk parts, is still read.
func TestReadMessageLimitKeepsTheRest(t *testing.T) {
	deep := string(mailtest.NestedMultipart(40))
	_, deepBody, _ := strings.Cut(deep, "\r\n\r\n")
	var b strings.Builder
	b.WriteString("Subject: x\r\nContent-Type: multipart/mixed; boundary=\"top\"\r\n\r\n")
	b.WriteString("--top\r\nContent-Type: multipart/mixed; boundary=\"n0\"\r\n\r\n" + deepBody)
	for range 170 {
		b.WriteString("--top\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n")
	}
	b.WriteString("--top\r\nContent-Type: text/calendar\r\n\r\n" + crlf(testCalendar) + "\r\n--top--\r\n")
	m, err := ReadMessage(strings.NewReader(b.String()), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Invitations) != 1 {
		t.Errorf("%d invitations read; want 1", len(m.Invitations))
	}
	if !slices.Equal(m.Limits, []string{mimelimit.LimitDepth}) {
		t.Errorf("limits hit %q; want only %s", m.Limits, mimelimit.LimitDepth)
	}
}

// The same limits hold for the body structure the server sends: a deep or
// wide message plans no fetch of what lies beyond them.
func TestPlanPartsLimits(t *testing.T) {
	s := startMemServer(t)
	for _, h := range []mailtest.Hostile{
		{Raw: mailtest.NestedMultipart(60), Limit: mimelimit.LimitDepth},
		{Raw: mailtest.HostileMessages()[1].Raw, Limit: mimelimit.LimitParts},
	} {
		s.Append("INBOX", h.Raw, fixedNow)
	}
	w, st, rec, logs := memWatcher(t, s, &netStats{}, "", WithClock(func() time.Time { return fixedNow }))
	startWatcher(t, w)
	waitFor(t, func() bool { return st.get("INBOX").LastUID == 2 }, "both messages to be read")
	if n := len(rec.since(0)); n != 2 {
		t.Errorf("%d messages handed on; want 2", n)
	}
	for _, l := range []string{"limit=" + mimelimit.LimitDepth, "limit=" + mimelimit.LimitParts} {
		if logs.count(l) != 1 {
			t.Errorf("log says %q %d times; want once:\n%s", l, logs.count(l), logs.String())
		}
	}
}

// BenchmarkHostile is what one hostile message costs ReadMessage (the path
// explain takes; the watcher reads less, only the parts it plans to).
func BenchmarkHostile(b *testing.B) {
	for _, h := range mailtest.HostileMessages() {
		b.Run(h.Name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(h.Raw)))
			for b.Loop() {
				_, _ = ReadMessage(bytes.NewReader(h.Raw), 0)
			}
		})
	}
}
