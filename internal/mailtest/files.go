package mailtest

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/followupd/followupd/config"
)

// WriteFile writes text to dir/name, readable by its owner only (config.Load accepts
// inline secrets, and password files, only then), and returns the file's path.
func WriteFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatalf("mailtest: write %s: %v", name, err)
	}
	return path
}

// WriteSecret writes secret and a newline to dir/name, as a password_file holds it, and
// returns the file's path.
func WriteSecret(t testing.TB, dir, name, secret string) string {
	t.Helper()
	return WriteFile(t, dir, name, secret+"\n")
}

// LoadConfig writes text to dir/config.toml and loads it as the daemon does.
func LoadConfig(t testing.TB, dir, text string) *config.Config {
	t.Helper()
	cfg, err := config.Load(WriteFile(t, dir, "config.toml", text))
	if err != nil {
		t.Fatalf("mailtest: load config: %v", err)
	}
	return cfg
}

// LogBuffer collects log output that several goroutines write at once (a slog handler's,
// a child process's stderr).
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
