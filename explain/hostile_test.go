package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/followupd/followupd/internal/mailtest"
)

// A hostile message is explained with the limit it ran into named under
// problems, or, when the whole message was skipped, in the error.
func TestHostileMessages(t *testing.T) {
	dir := t.TempDir()
	cfg := ownerConfig(t)
	for _, h := range mailtest.HostileMessages() {
		if h.Limit == "" {
			continue
		}
		p := filepath.Join(dir, h.Name+".eml")
		if err := os.WriteFile(p, h.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
		r := Explainer{Config: cfg, Now: testNow}.File(p)
		said := r.Error + " " + strings.Join(r.Problems, " ")
		if !strings.Contains(said, h.Limit) {
			t.Errorf("%s: the %s limit is not named; error %q, problems %q", h.Name, h.Limit, r.Error, r.Problems)
		}
	}
}
