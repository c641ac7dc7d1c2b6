package calendar_test

import (
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
)

// BenchmarkReadAndDetect50k is what the daemon does with a large export:
// read the generated 50,000-event (~24 MB) calendar and decide which events
// are interviews. Besides time and allocations it reports the process's
// peak RSS (getrusage), which includes the generated export itself. The
// memory the generator used on the way is given back to the system before
// the loop, so that the figure is about reading and detecting.
//
//	go test ./calendar -run '^$' -bench ReadAndDetect50k -benchtime 5x
func BenchmarkReadAndDetect50k(b *testing.B) {
	data := calendar.GoogleLikeExport(50_000)
	cfg := config.Default()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	cfg.Owner.Location = ny
	cfg.Owner.Email = "alex.morgan@example.org"
	opts := calendar.Options{Location: ny,
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, ny), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, ny)}
	runtime.GC()
	debug.FreeOSMemory()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var events, interviews int
	for b.Loop() {
		cal, err := calendar.Parse(data, opts)
		if err != nil {
			b.Fatal(err)
		}
		res := detect.Detect(cal, cfg)
		events, interviews = len(cal.Events), len(res.Interviews)
	}
	if interviews == 0 {
		b.Fatal("no interviews detected: the generator or detection is off")
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(interviews), "interviews")
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak_rss_MiB")
}
