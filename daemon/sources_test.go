package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type harness struct {
	d     *Daemon
	st    *store.Store
	logs  *mailtest.LogBuffer
	clock *fakeClock
	cal   config.Calendar
}

func testConfig(t *testing.T, calendars string) *config.Config {
	t.Helper()
	body := "[owner]\nname = \"Alex Morgan\"\nemail = \"alex.morgan@example.org\"\ntimezone = \"America/New_York\"\n" + calendars
	return mailtest.LoadConfig(t, t.TempDir(), body)
}

func newHarness(t *testing.T, source string, opts ...Option) *harness {
	t.Helper()
	cfg := testConfig(t, fmt.Sprintf("[[calendar]]\nname = \"work\"\nsource = %q\nrefresh = \"15m\"\n", source))
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &mailtest.LogBuffer{}
	clock := &fakeClock{now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(logs, nil))
	d := New(cfg, st, log, append([]Option{WithClock(clock.Now)}, opts...)...)
	return &harness{d: d, st: st, logs: logs, clock: clock, cal: cfg.Calendars[0]}
}

func (h *harness) refresh(t *testing.T) {
	t.Helper()
	h.d.refreshCalendar(t.Context(), h.cal, h.d.log.With(slog.String("calendar", h.cal.Name)))
}

func (h *harness) interviews(t *testing.T) map[string]store.InterviewRecord {
	t.Helper()
	recs, err := h.st.Interviews(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.InterviewRecord{}
	for _, r := range recs {
		out[r.UID] = r
	}
	return out
}

// event is one VEVENT in New York time on 2026-12-03.
func event(uid, summary, startHour string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261120T100000Z\r\n" +
		"DTSTART;TZID=America/New_York:20261203T" + startHour + "0000\r\n" +
		"DTEND;TZID=America/New_York:20261203T" + startHour + "4500\r\n" +
		"SUMMARY:" + summary + "\r\n" +
		"ATTENDEE;CN=Jane Doe:mailto:jane.doe@acme.com\r\nEND:VEVENT\r\n"
}

func vcalendar(events ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshFileCalendar(t *testing.T) {
	path := filepath.Join(t.TempDir(), "work.ics")
	writeFile(t, path, vcalendar(event("a@x", "Interview with Jane Doe at Acme Corp", "10"), event("b@x", "Phone screen: Globex", "14"), event("c@x", "Dentist", "16")))
	h := newHarness(t, path)

	h.refresh(t)
	got := h.interviews(t)
	if len(got) != 2 {
		t.Fatalf("stored %d interviews, want 2 (the dentist is not one)", len(got))
	}
	a := got["a@x"]
	if a.Company != "Acme Corp" || len(a.Reminders) != 2 || len(a.Sources) != 1 || a.Sources[0] != "calendar:work" {
		t.Errorf("interview a = %+v", a)
	}
	st, err := h.st.CalendarState(t.Context(), "work")
	if err != nil || st.Hash == "" || st.LastOK.IsZero() || st.LastError != "" {
		t.Errorf("calendar state = %+v, %v", st, err)
	}

	// The event b vanishes before it starts: cancelled. a stays.
	writeFile(t, path, vcalendar(event("a@x", "Interview with Jane Doe at Acme Corp", "10")))
	h.refresh(t)
	got = h.interviews(t)
	if got["b@x"].Status != interview.Cancelled {
		t.Errorf("vanished interview status = %s, want cancelled", got["b@x"].Status)
	}
	for _, r := range got["b@x"].Reminders {
		if r.State != "cancelled" {
			t.Errorf("vanished interview's %s reminder is %s, want cancelled", r.Kind, r.State)
		}
	}
	if got["a@x"].Status != interview.Scheduled {
		t.Errorf("interview a status = %s", got["a@x"].Status)
	}
}

func TestRefreshPartialExportVanishesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "work.ics")
	writeFile(t, path, vcalendar(event("a@x", "Interview with Jane Doe at Acme Corp", "10"), event("b@x", "Phone screen: Globex", "14")))
	h := newHarness(t, path)
	h.refresh(t)

	// b's event is now broken: the export is partial, so b must not vanish.
	broken := strings.Replace(event("b@x", "Phone screen: Globex", "14"), "20261203T140000", "2026-12-03 nonsense", 1)
	writeFile(t, path, vcalendar(event("a@x", "Interview with Jane Doe at Acme Corp", "10"), broken))
	h.refresh(t)
	if s := h.interviews(t)["b@x"].Status; s != interview.Scheduled {
		t.Errorf("interview behind a broken event is %s, want still scheduled", s)
	}
	if !strings.Contains(h.logs.String(), "skipped a broken calendar event") {
		t.Errorf("the broken event was not logged:\n%s", h.logs.String())
	}

	// An empty answer is no reason to cancel everything either.
	writeFile(t, path, vcalendar())
	h.refresh(t)
	if s := h.interviews(t)["a@x"].Status; s != interview.Scheduled {
		t.Errorf("after an empty export interview a is %s, want still scheduled", s)
	}
}

func TestRefreshFailingURLKeepsStateLogsOnceBacksOff(t *testing.T) {
	var fail atomic.Bool
	var requests atomic.Int32
	body := vcalendar(event("a@x", "Interview with Jane Doe at Acme Corp", "10"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if fail.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	h := newHarness(t, srv.URL+"/private-s3cr3t/basic.ics")

	h.refresh(t)
	if len(h.interviews(t)) != 1 {
		t.Fatal("first fetch stored nothing")
	}
	fail.Store(true)
	for i := 0; i < 12; i++ {
		h.clock.Advance(15 * time.Minute)
		h.refresh(t)
	}
	if n := strings.Count(h.logs.String(), "calendar source failed"); n != 1 {
		t.Errorf("failure logged %d times over 12 turns, want once:\n%s", n, h.logs.String())
	}
	// Backoff: 1, 2, 4, 8 turns... far fewer than 12 fetches.
	if n := requests.Load(); n > 6 {
		t.Errorf("%d requests during 12 failing turns: no backoff", n)
	}
	if s := h.interviews(t)["a@x"].Status; s != interview.Scheduled {
		t.Errorf("a failing source cancelled its interview (%s)", s)
	}
	st, _ := h.st.CalendarState(t.Context(), "work")
	if st.LastError == "" || st.Hash == "" {
		t.Errorf("calendar state after failures = %+v: want the error recorded and the last good hash kept", st)
	}
	if strings.Contains(h.logs.String(), "s3cr3t") || strings.Contains(st.LastError, "s3cr3t") {
		t.Error("the secret calendar URL leaked into the log or the store")
	}

	fail.Store(false)
	for i := 0; i < 9; i++ { // at most 8 turns of backoff
		h.clock.Advance(15 * time.Minute)
		h.refresh(t)
	}
	if !strings.Contains(h.logs.String(), "calendar source works again") {
		t.Errorf("recovery not logged:\n%s", h.logs.String())
	}
}

func TestSuperviseRestartsFailingComponent(t *testing.T) {
	h := newHarness(t, filepath.Join(t.TempDir(), "none.ics"))
	var runs atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.d.supervise(ctx, component{"flaky", func(ctx context.Context) error {
			if runs.Add(1) == 1 {
				panic("first run explodes")
			}
			<-ctx.Done()
			return ctx.Err()
		}})
	}()
	deadline := time.Now().Add(mailtest.Scaled(10 * time.Second))
	for runs.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if runs.Load() < 2 {
		t.Fatalf("component ran %d times: a panic was not recovered and restarted", runs.Load())
	}
	if !strings.Contains(h.logs.String(), "first run explodes") {
		t.Errorf("the panic was not logged:\n%s", h.logs.String())
	}
}

// The last interview of a calendar that still has other events is deleted:
// it vanishes, and its reminders are cancelled.
func TestRefreshLastInterviewDeletedVanishes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "work.ics")
	writeFile(t, path, vcalendar(event("a@x", "Interview with Jane Doe at Acme Corp", "10"), event("c@x", "Dentist", "16")))
	h := newHarness(t, path)
	h.refresh(t)
	writeFile(t, path, vcalendar(event("c@x", "Dentist", "16")))
	h.refresh(t)
	a := h.interviews(t)["a@x"]
	if a.Status != interview.Cancelled {
		t.Errorf("deleted interview is %s, want cancelled", a.Status)
	}
	for _, r := range a.Reminders {
		if r.State != "cancelled" {
			t.Errorf("%s reminder %s, want cancelled", r.Kind, r.State)
		}
	}
}
