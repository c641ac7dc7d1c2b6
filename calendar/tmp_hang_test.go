package calendar

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func FuzzTmpHang(f *testing.F) {
	for _, name := range []string{"google-export.ics", "outlook-invite.ics", "dst.ics", "apple-export.ics"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		timer := time.AfterFunc(2*time.Second, func() {
			os.WriteFile(fmt.Sprintf("/tmp/hang-%d.ics", time.Now().UnixNano()), data, 0o644)
			panic("parse took over 2s")
		})
		Parse(data, Options{Location: time.UTC, MaxInstances: 50})
		timer.Stop()
	})
}
