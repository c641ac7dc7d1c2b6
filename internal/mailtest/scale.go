package mailtest

import (
	"os"
	"strconv"
	"time"
)

// Scaled stretches a deadline a test waits on for how slow the run is: ten
// times under the race detector, and by FOLLOWUPD_TEST_SLOWDOWN (a factor,
// e.g. 3 on a loaded machine) when set. A test that must prove a bound
// asserts the bound itself only when the factor is 1, and logs the figure
// otherwise.
func Scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * Slowdown())
}

// Slowdown is the factor Scaled applies.
func Slowdown() float64 {
	f := 1.0
	if Race {
		f = 10
	}
	if v, err := strconv.ParseFloat(os.Getenv("FOLLOWUPD_TEST_SLOWDOWN"), 64); err == nil && v >= 1 {
		f *= v
	}
	return f
}
