package store

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/followupd/followupd/interview"
)

func TestFolderState(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	got, err := s.FolderState(ctx, "INBOX")
	if err != nil || got != (FolderState{}) {
		t.Fatalf("never synced: %+v, %v; want zero, nil", got, err)
	}
	for _, st := range []FolderState{{UIDValidity: 7, LastUID: 42}, {UIDValidity: math.MaxUint32, LastUID: math.MaxUint32}, {UIDValidity: 8}} {
		if err := s.SaveFolderState(ctx, "INBOX", st); err != nil {
			t.Fatal(err)
		}
		got, err := s.FolderState(ctx, "INBOX")
		if err != nil || got != st {
			t.Errorf("saved %+v, read %+v, %v", st, got, err)
		}
	}
	if other, err := s.FolderState(ctx, "Sent"); err != nil || other != (FolderState{}) {
		t.Errorf("another folder: %+v, %v", other, err)
	}
}

func TestCalendarState(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	got, err := s.CalendarState(ctx, "work")
	if err != nil || got != (CalendarState{}) {
		t.Fatalf("never fetched: %+v, %v; want zero, nil", got, err)
	}
	ny := time.FixedZone("EST", -5*3600)
	states := []CalendarState{
		{ETag: `W/"abc"`, LastModified: "Mon, 02 Mar 2026 14:00:00 GMT", Hash: "sha256:00ff", LastOK: time.Date(2026, 3, 2, 9, 0, 0, 0, ny)},
		{ETag: `W/"abc"`, LastModified: "Mon, 02 Mar 2026 14:00:00 GMT", Hash: "sha256:00ff", LastOK: time.Date(2026, 3, 2, 9, 0, 0, 0, ny), LastError: "fetch: 503"},
		{},
	}
	for _, st := range states {
		if err := s.SaveCalendarState(ctx, "work", st); err != nil {
			t.Fatal(err)
		}
		got, err := s.CalendarState(ctx, "work")
		if err != nil {
			t.Fatal(err)
		}
		if got.ETag != st.ETag || got.LastModified != st.LastModified || got.Hash != st.Hash ||
			got.LastError != st.LastError || !got.LastOK.Equal(st.LastOK) {
			t.Errorf("saved %+v, read %+v", st, got)
		}
		if !got.LastOK.IsZero() && got.LastOK.Location() != time.UTC {
			t.Errorf("LastOK in %v, want UTC", got.LastOK.Location())
		}
	}
}

// Writers on one Store never see SQLITE_BUSY, while readers read along.
func TestConcurrentApply(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	now := day(0, 9)
	const rounds = 25
	var wg sync.WaitGroup
	errs := make(chan error, 10*rounds)
	write := func(source string) {
		defer wg.Done()
		for i := range rounds {
			var ivs []interview.Interview
			for j := range 5 {
				ivs = append(ivs, newInterview(fmt.Sprintf("shared-%d", j), i, day(1+j, 14)),
					newInterview(fmt.Sprintf("%s-%d-%d", source, i, j), 0, day(2, 10)))
			}
			if _, err := s.Apply(ctx, Report{Source: source, Complete: true, Interviews: ivs}, now, plan); err != nil {
				errs <- err
			}
			if err := s.SaveFolderState(ctx, source, FolderState{UIDValidity: 1, LastUID: uint32(i)}); err != nil {
				errs <- err
			}
		}
	}
	read := func() {
		defer wg.Done()
		for range rounds {
			if _, err := s.Interviews(ctx); err != nil {
				errs <- err
			}
		}
	}
	wg.Add(4)
	go write("calendar:a")
	go write("calendar:b")
	go write("imap:INBOX")
	go read()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent use: %v", err)
	}
	recs, err := s.Interviews(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 5 shared interviews and every source's own 5 a round (those that
	// vanished from a calendar are cancelled, not deleted).
	shared := 0
	for _, r := range recs {
		if strings.HasPrefix(r.UID, "shared-") {
			shared++
			if len(r.Sources) != 3 || r.Sequence != rounds-1 {
				t.Errorf("%s: sources %q sequence %d", r.UID, r.Sources, r.Sequence)
			}
		}
	}
	if shared != 5 || len(recs) != 5+3*rounds*5 {
		t.Errorf("%d interviews (%d shared), want %d (5)", len(recs), shared, 5+3*rounds*5)
	}
}

// Another process (here another Store on the same file) waits while the
// daemon holds the write lock, and then succeeds.
func TestSecondStoreWaitsForTheLock(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "INSERT INTO mailbox_state (folder, uidvalidity, last_uid) VALUES ('INBOX', 1, 2)"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := other.Apply(ctx, Report{Source: "imap:INBOX", Interviews: []interview.Interview{newInterview("a", 0, day(1, 14))}}, day(0, 9), plan)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Apply returned while another connection held the write lock: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Apply after the lock was released: %v", err)
		}
	case <-time.After(defaultTimeout + 5*time.Second):
		t.Fatal("Apply still waiting after the lock was released")
	}
	if st, err := s.FolderState(ctx, "INBOX"); err != nil || st.LastUID != 2 {
		t.Errorf("the first writer's row: %+v, %v", st, err)
	}
	find(t, s, "a")
}

// BenchmarkApply applies one report of 100 interviews: first seen, then seen
// again unchanged, then all rescheduled.
func BenchmarkApply(b *testing.B) {
	now := day(0, 9)
	report := func(round, seq int, shift time.Duration) Report {
		ivs := make([]interview.Interview, 100)
		for i := range ivs {
			ivs[i] = newInterview(fmt.Sprintf("bench-%d-%d", round, i), seq, day(1+i%30, 9+i%8).Add(shift))
		}
		return Report{Source: "calendar:work", Complete: true, Interviews: ivs}
	}
	for _, bc := range []struct {
		name string
		// setup returns the report to apply in round n, after applying what
		// must be stored before it (outside the timer).
		setup func(b *testing.B, s *Store, n int) Report
	}{
		{"new", func(b *testing.B, s *Store, n int) Report { return report(n, 0, 0) }},
		{"unchanged", func(b *testing.B, s *Store, n int) Report {
			if n == 0 {
				benchApply(b, s, report(0, 0, 0), now)
			}
			return report(0, 0, 0)
		}},
		{"rescheduled", func(b *testing.B, s *Store, n int) Report {
			if n == 0 {
				benchApply(b, s, report(0, 0, 0), now)
			}
			return report(0, n+1, time.Duration(n+1)*time.Minute)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			n := 0
			for b.Loop() {
				b.StopTimer()
				r := bc.setup(b, s, n)
				b.StartTimer()
				benchApply(b, s, r, now)
				n++
			}
		})
	}
}

func benchApply(b *testing.B, s *Store, r Report, now time.Time) {
	b.Helper()
	if _, err := s.Apply(context.Background(), r, now, plan); err != nil {
		b.Fatal(err)
	}
}
