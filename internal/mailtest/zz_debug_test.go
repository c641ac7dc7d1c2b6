package mailtest_test

import (
	"os"
	"testing"
	"time"

	"github.com/followupd/followupd/internal/mailtest"
)

func TestZZDebug(t *testing.T) {
	d := mailtest.StartDovecot(t)
	p := mailtest.StartPostfix(t, d)
	for _, pw := range []string{"wrong", "", p.Password, p.Password} {
		s := time.Now()
		step, err := sendSteps(p, pw, "interviewer@elsewhere.example")
		t.Log(time.Now().Format("15:04:05.000"), step, err, time.Since(s))
	}
	b, _ := os.ReadFile(p.LogPath())
	t.Log(string(b))
	b, _ = os.ReadFile(d.LogPath())
	t.Log(string(b))
}
