package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/followupd/followupd/interview"
)

// openTest opens a store in a fresh temporary directory and closes it at the
// end of the test.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "followupd.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

// exec runs SQL on the store's database, for setting up states that later
// issues' code (the dispatcher, replies) will produce.
func exec(t *testing.T, s *Store, query string, args ...any) {
	t.Helper()
	if _, err := s.db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
}

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v); err != nil {
		t.Fatalf("read user_version: %v", err)
	}
	return v
}

func TestOpenFreshDatabase(t *testing.T) {
	s, path := openTest(t)
	scripts, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if got := userVersion(t, s.db); got != len(scripts) || got < 1 {
		t.Errorf("user_version = %d, want %d", got, len(scripts))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("database file mode = %o, want 600", perm)
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := dir.Mode().Perm(); perm != 0o700 {
		t.Errorf("database directory mode = %o, want 700", perm)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no WAL file beside the database: %v", err)
	}
}

// Every pooled connection must carry the pragmas, not only the first.
func TestConnectionPragmas(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"}
	for i, c := range conns {
		for pragma, w := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("conn %d: PRAGMA %s: %v", i, pragma, err)
			}
			if got != w {
				t.Errorf("conn %d: PRAGMA %s = %q, want %q", i, pragma, got, w)
			}
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := openTest(t)
	scripts, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	newer := len(scripts) + 1
	exec(t, s, "PRAGMA user_version = "+strconv.Itoa(newer))

	s2, err := Open(context.Background(), path)
	if err == nil {
		s2.Close()
		t.Fatal("Open of a newer database succeeded")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("error %v does not wrap ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "version "+strconv.Itoa(newer)) {
		t.Errorf("error %q does not name the database's version", err)
	}
	if got := userVersion(t, s.db); got != newer {
		t.Errorf("user_version after refused open = %d, want %d untouched", got, newer)
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "followupd.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := day(0, 9)
	if _, err := s.Apply(ctx, Report{Source: "imap:INBOX", Interviews: []interview.Interview{newInterview("a", 0, day(1, 14))}}, now, plan); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	scripts, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		if got := userVersion(t, s.db); got != len(scripts) {
			t.Errorf("user_version after reopen = %d, want %d", got, len(scripts))
		}
		recs, err := s.Interviews(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || len(recs[0].Reminders) != 2 {
			t.Errorf("after reopen: %d interviews, want 1 with 2 reminders", len(recs))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// A migration that fails leaves nothing behind: neither the scripts before it
// nor a bumped user_version.
func TestMigrationsApplyInOneTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sql.Open("sqlite", fileURI(path)+"?"+dsnParams)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &Store{db: db, writer: make(chan struct{}, 1)}
	ctx := context.Background()
	scripts := []string{
		"CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);",
		"CREATE TABLE b (y INTEGER); INSERT INTO nosuchtable VALUES (2);",
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error { return migrateTx(ctx, tx, scripts) })
	if err == nil || !strings.Contains(err.Error(), "migration 0002") {
		t.Fatalf("migrate with a broken second script: err = %v, want one naming migration 0002", err)
	}
	if got := userVersion(t, db); got != 0 {
		t.Errorf("user_version = %d after a failed migration, want 0", got)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d tables of the failed migration run survived, want 0", n)
	}

	// Fixed, both apply, each once.
	scripts[1] = "CREATE TABLE b (y INTEGER);"
	for range 2 {
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return migrateTx(ctx, tx, scripts) }); err != nil {
			t.Fatal(err)
		}
	}
	if got := userVersion(t, db); got != 2 {
		t.Errorf("user_version = %d, want 2", got)
	}
}

func TestReadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		want  int
		error string
	}{
		{"in order", fstest.MapFS{"m/0001_init.sql": file("a"), "m/0002_more.sql": file("b"), "m/README": file("x")}, 2, ""},
		{"gap", fstest.MapFS{"m/0001_init.sql": file("a"), "m/0003_more.sql": file("b")}, 0, "0003_more.sql is not migration 0002"},
		{"unnumbered", fstest.MapFS{"m/init.sql": file("a")}, 0, "is not migration 0001"},
		{"short number", fstest.MapFS{"m/1_init.sql": file("a")}, 0, "is not migration 0001"},
		{"none", fstest.MapFS{"m/README": file("x")}, 0, "none found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readMigrations(tt.fsys, "m")
			if tt.error != "" {
				if err == nil || !strings.Contains(err.Error(), tt.error) {
					t.Fatalf("err = %v, want one containing %q", err, tt.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("%d scripts, want %d", len(got), tt.want)
			}
		})
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a b?c#d%20e", "x?y.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at the path asked for: %v", err)
	}
}

func TestOpenTightensPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loose.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode = %o, want 600", perm)
	}
}

func TestOpenNoPath(t *testing.T) {
	if _, err := Open(context.Background(), ""); err == nil {
		t.Error("Open with no path succeeded")
	}
}

func TestInterviewNotFound(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.Interview(context.Background(), 42)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Interview(42) on an empty store: err = %v, want ErrNotFound", err)
	}
}

func TestCancelledContext(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Apply(ctx, Report{Source: "imap:INBOX", Interviews: []interview.Interview{newInterview("a", 0, day(1, 14))}}, day(0, 9), plan)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a cancelled context: err = %v, want context.Canceled", err)
	}
	recs, err := s.Interviews(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Errorf("%d interviews stored by a cancelled Apply", len(recs))
	}
}

func TestWithTimeout(t *testing.T) {
	ctx, cancel := withTimeout(context.Background())
	defer cancel()
	dl, ok := ctx.Deadline()
	if !ok || time.Until(dl) > defaultTimeout || time.Until(dl) < defaultTimeout-time.Second {
		t.Errorf("no default deadline: %v %v", dl, ok)
	}
	parent, pcancel := context.WithTimeout(context.Background(), time.Minute)
	defer pcancel()
	ctx2, cancel2 := withTimeout(parent)
	defer cancel2()
	dl2, _ := ctx2.Deadline()
	pdl, _ := parent.Deadline()
	if !dl2.Equal(pdl) {
		t.Errorf("the caller's deadline was replaced: %v, want %v", dl2, pdl)
	}
}

// TestOpenTogether opens one new database from several stores at once, as
// the daemon and `followupd list` may: none may fail with SQLITE_BUSY.
func TestOpenTogether(t *testing.T) {
	for round := range 5 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("round-%d.db", round))
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := Open(t.Context(), path)
				if err == nil {
					err = s.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}
