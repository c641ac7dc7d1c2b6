package detect

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/calendar"
)

var zzCase = flag.String("zzcase", "", "")

func TestZZPerf(t *testing.T) {
	cfg := testConfig(t)
	cases := map[string]calendar.Event{
		"long summary":        timed(strings.Repeat("Acme ", 20000)+"interview", ""),
		"long summary at":     timed(strings.Repeat("interview at ", 20000), ""),
		"role desc":           timed("Interview", strings.Repeat("the role ", 20000)),
		"for desc":            timed("Interview", strings.Repeat("interview for ", 20000)),
		"call desc":           timed("Interview", strings.Repeat("call ", 20000)),
		"title desc":          timed("Interview", strings.Repeat("Dr. Doe ", 20000), person("jane@acme.com", "Jane Doe")),
		"sep summary":         timed(strings.Repeat("interview - ", 20000), ""),
		"1MB desc no newline": timed("Interview", strings.Repeat("x", 1<<20)),
	}
	for name, ev := range cases {
		if !strings.Contains(name, *zzCase) {
			continue
		}
		t0 := time.Now()
		Event(ev, calendar.MethodNone, cfg)
		t.Logf("%s: %v", name, time.Since(t0))
	}
}
