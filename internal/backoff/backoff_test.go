package backoff

import (
	"context"
	"testing"
	"time"
)

func TestStep(t *testing.T) {
	p := Policy{Min: time.Minute, Max: time.Hour}
	for _, c := range []struct {
		n    int
		want time.Duration
	}{
		{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute},
		{7, 60 * time.Minute}, {50, time.Hour}, {1 << 20, time.Hour},
	} {
		if got := p.Step(c.n); got != c.want {
			t.Errorf("Step(%d) = %v, want %v", c.n, got, c.want)
		}
	}
	if got := (Policy{Min: time.Second}).Step(4); got != 8*time.Second {
		t.Errorf("uncapped Step(4) = %v, want 8s", got)
	}
	if got := (Policy{Min: time.Second}).Step(1000); got <= 0 {
		t.Errorf("uncapped Step(1000) overflowed to %v", got)
	}
	if got := (Policy{Min: time.Hour, Max: time.Minute}).Step(1); got != time.Minute {
		t.Errorf("Min above Max: Step(1) = %v, want the cap", got)
	}
}

func TestDelayJitter(t *testing.T) {
	p := Policy{Min: time.Second, Max: time.Minute, Jitter: 0.25}
	seen := map[time.Duration]bool{}
	for range 200 {
		d := p.Delay(3) // step 4s
		if d < 3*time.Second || d > 4*time.Second {
			t.Fatalf("Delay(3) = %v, outside [3s, 4s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Error("Delay is not jittered")
	}
	if d := (Policy{Min: time.Second}).Delay(2); d != 2*time.Second {
		t.Errorf("no jitter: Delay(2) = %v, want 2s", d)
	}
}

func TestBackoffNextReset(t *testing.T) {
	b := Backoff{Policy: Policy{Min: time.Second, Max: 4 * time.Second}}
	var got []time.Duration
	for range 4 {
		got = append(got, b.Next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Errorf("after Reset: %v, want 1s", d)
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep on a cancelled context reported that the hour passed")
	}
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("Sleep(1ms) did not pass")
	}
}
