package daemon

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/store"
)

// goodAfterHostile bounds the time from the good invitation's delivery to
// its interview in the store, behind the hostile messages (scaled: ten times
// under -race, FOLLOWUPD_TEST_SLOWDOWN on a loaded machine). It is seen at
// 0.15-0.4 s here, 4 s under -race.
const goodAfterHostile = 2 * time.Second

// The running daemon is fed every hostile message (deep nesting, a flood of
// parts, a 10 MB attachment, broken encodings, an endless header, thousands
// of header fields and of attendees), then a good invitation: the good one
// is stored within goodAfterHostile, the watcher never loses its connection
// nor the daemon its run, and the daemon's heap stays bounded (measured
// against Dovecot, where the server's memory is not the test process's).
func TestHostileMailThenInvitation(t *testing.T) {
	t.Run("in-process", func(t *testing.T) {
		// imapmemserver builds a body structure in time quadratic in the
		// nesting (seconds for 5,000 levels, minutes under -race), before
		// the daemon sees anything: 300 levels are past every limit too.
		msgs := mailtest.HostileMessages()
		for i := range msgs {
			if msgs[i].Name == "nested-5000" {
				msgs[i] = mailtest.Hostile{Name: "nested-300", Raw: mailtest.NestedMultipart(300), Limit: msgs[i].Limit}
			}
		}
		m, appendInbox := startMemIMAP(t)
		hostileThenGood(t, startLoop(t, rpOptions{imapAddr: m.Addr, sent: "Sent"}, appendInbox), msgs, false)
	})
	t.Run("dovecot", func(t *testing.T) {
		d := mailtest.StartDovecot(t)
		if d == nil {
			return
		}
		hostileThenGood(t, startLoop(t, rpOptions{imapAddr: d.IMAPAddr(), user: d.User, password: d.Password},
			func(raw []byte) { d.Deliver(t, d.User, raw) }), mailtest.HostileMessages(), true)
	})
}

// hostileThenGood delivers hostile, then a good invitation, and checks the
// daemon in e. The heap is the daemon's own only when the server runs in
// another process (ownHeap); then it must grow by under 50 MB.
func hostileThenGood(t *testing.T, e *loopEnv, hostile []mailtest.Hostile, ownHeap bool) {
	count := len(hostile)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // the heap's high-water mark while the daemon reads
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	for _, h := range hostile {
		e.deliver(h.Raw)
	}
	hostile = nil // the test's own copies are not the daemon's memory
	uid := "after-hostile-" + time.Now().Format("150405.000000") + "@test"
	began := time.Now()
	e.deliver(invitationMessage(uid, "REQUEST", "CONFIRMED", 0))
	limit := mailtest.Scaled(goodAfterHostile)
	var took time.Duration
	for {
		recs, err := e.rp.st.Interviews(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if hasUID(recs, uid) {
			took = time.Since(began)
			break
		}
		if time.Since(began) > limit {
			t.Fatalf("the good invitation was not stored within %v of its delivery (FOLLOWUPD_TEST_SLOWDOWN scales this on a loaded machine):\n%s",
				limit, e.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	<-sampled
	growth := int64(peak.Load()) - int64(base.HeapAlloc)
	t.Logf("good invitation stored %v after its delivery, behind %d hostile messages; daemon heap grew by at most %d MB",
		took.Round(time.Millisecond), count, growth>>20)
	if ownHeap && growth > 50<<20 {
		t.Errorf("the heap grew by %d MB while the daemon read the hostile mail; want under 50", growth>>20)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "imap connection lost"); n != 0 {
		t.Errorf("the watcher lost its connection %d times:\n%s", n, logs)
	}
	if strings.Contains(logs, "panicked") {
		t.Errorf("something panicked:\n%s", logs)
	}
	if !strings.Contains(logs, "limit=") {
		t.Errorf("no reading limit was logged:\n%s", logs)
	}
}

func hasUID(recs []store.InterviewRecord, uid string) bool {
	for _, r := range recs {
		if r.UID == uid {
			return true
		}
	}
	return false
}
