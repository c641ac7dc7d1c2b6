package calendar_test

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/detect"
)

func BenchmarkZZPhases(b *testing.B) {
	data := calendar.GoogleLikeExport(50_000)
	cfg := config.Default()
	ny, _ := time.LoadLocation("America/New_York")
	cfg.Owner.Location = ny
	cfg.Owner.Email = "alex.morgan@example.org"
	opts := calendar.Options{Location: ny,
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, ny), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, ny)}
	runtime.GC()
	debug.FreeOSMemory()
	var tp, td time.Duration
	for b.Loop() {
		t0 := time.Now()
		cal, _ := calendar.Parse(data, opts)
		t1 := time.Now()
		detect.Detect(cal, cfg)
		t2 := time.Now()
		tp += t1.Sub(t0)
		td += t2.Sub(t1)
	}
	b.ReportMetric(tp.Seconds()/float64(b.N), "parse_s")
	b.ReportMetric(td.Seconds()/float64(b.N), "detect_s")
}
