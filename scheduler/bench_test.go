package scheduler

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkDueToDelivered measures, for a reminder falling due while the
// dispatcher runs (real clock, real SQLite file, in-process SMTP server on
// loopback), the time from its due instant to the end of its SMTP
// transaction. Due times are stored to the second, so each iteration waits
// for the next whole second: run it with -benchtime=Nx (e.g. 20x); ns/op is
// mostly that wait. The figures are the p50_ms, p90_ms and max_ms metrics.
func BenchmarkDueToDelivered(b *testing.B) {
	s := newSetup(b, false, "")
	d := s.dispatcher(b, SystemClock(nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		due := time.Now().Truncate(time.Second).Add(time.Second)
		if time.Until(due) < 100*time.Millisecond {
			due = due.Add(time.Second)
		}
		s.addInterview(b, fmt.Sprintf("bench-%d", i), "Acme", due.Add(-time.Hour), due, time.Time{})
		d.Kick() // as the daemon does after storing what a source reported
		msgs := s.smtp.WaitMessages(b, i+1, 10*time.Second)
		lat = append(lat, msgs[i].At.Sub(due))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.5), "p50_ms")
	b.ReportMetric(pct(0.9), "p90_ms")
	b.ReportMetric(pct(1), "max_ms")
	if p50 := pct(0.5); p50 >= 1000 {
		b.Errorf("p50 from due to delivered is %.0f ms, want under 1 s", p50)
	}
}
