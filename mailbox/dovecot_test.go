package mailbox

import (
	"testing"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/mailtest"
)

// dovecotEnv runs the watcher scenarios against a private Dovecot on
// loopback, with mail delivered over LMTP as an MTA would.
type dovecotEnv struct {
	d  *mailtest.Dovecot
	st *netStats
}

func newDovecotEnv(t *testing.T, opts ...mailtest.DovecotOption) *dovecotEnv {
	t.Helper()
	return &dovecotEnv{d: mailtest.StartDovecot(t, opts...), st: &netStats{}}
}

func (e *dovecotEnv) config(t *testing.T, sent string) *config.IMAP {
	return testConfig(t, e.d.IMAPAddr(), e.d.User, e.d.Password, sent)
}
func (e *dovecotEnv) options() []Option                { return []Option{WithDialer(e.st.dial)} }
func (e *dovecotEnv) deliver(t *testing.T, raw []byte) { e.d.Deliver(t, e.d.User, raw) }
func (e *dovecotEnv) stop(*testing.T)                  { e.d.Stop() }
func (e *dovecotEnv) restart(t *testing.T)             { e.d.Restart(t) }
func (e *dovecotEnv) secrets() []string                { return []string{e.d.Password} }
func (e *dovecotEnv) stats() *netStats                 { return e.st }

func (e *dovecotEnv) resetUIDValidity(t *testing.T) uint32 {
	return e.d.ResetUIDValidity(t, "INBOX")
}

func TestScenariosDovecot(t *testing.T) {
	t.Run("new message via IDLE", func(t *testing.T) { scenarioIdleNewMessage(t, newDovecotEnv(t)) })
	t.Run("server drops the connection", func(t *testing.T) { scenarioDropRestart(t, newDovecotEnv(t)) })
	t.Run("UIDVALIDITY change", func(t *testing.T) { scenarioUIDValidity(t, newDovecotEnv(t)) })
	t.Run("poll fallback", func(t *testing.T) { scenarioPoll(t, newDovecotEnv(t, mailtest.WithoutIDLE())) })
	t.Run("only small parts fetched", func(t *testing.T) { scenarioSmallParts(t, newDovecotEnv(t)) })
}
