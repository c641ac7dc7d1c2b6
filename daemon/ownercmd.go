package daemon

import (
	"time"
)

// SenderHealth says whether sending works: see scheduler.Dispatcher.Health.
// It is ok (with a zero since) before the dispatcher runs and without
// [smtp]. For the service STATUS line.
func (d *Daemon) SenderHealth() (ok bool, since time.Time, cause string) {
	disp := d.dispatcher.p.Load()
	if disp == nil {
		return true, time.Time{}, ""
	}
	return disp.Health()
}
