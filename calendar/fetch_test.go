package calendar

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/followupd/followupd/config"
)

const tinyCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

func TestFetchFileSkipsUnchanged(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cal.ics")
	if err := os.WriteFile(p, []byte(tinyCalendar), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &Fetcher{}
	src := config.Calendar{Name: "work", Source: p}
	first, err := f.Fetch(t.Context(), src, FetchState{})
	if err != nil || first.Unchanged || string(first.Data) != tinyCalendar || first.State.Hash == "" {
		t.Fatalf("first fetch = %+v, %v", first, err)
	}
	second, err := f.Fetch(t.Context(), src, first.State)
	if err != nil || !second.Unchanged || second.Data != nil {
		t.Fatalf("unchanged file fetched as %+v, %v; want Unchanged", second, err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(tinyCalendar, "2.0", "2.0\r\nX-A:b", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	third, err := f.Fetch(t.Context(), src, second.State)
	if err != nil || third.Unchanged {
		t.Fatalf("changed file reported unchanged: %+v, %v", third, err)
	}
	if _, err := f.Fetch(t.Context(), config.Calendar{Source: filepath.Join(t.TempDir(), "missing.ics")}, FetchState{}); err == nil {
		t.Error("missing file fetched without error")
	}
}

func TestFetchURLConditional(t *testing.T) {
	var gets, conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT")
		w.Write([]byte(tinyCalendar))
	}))
	defer srv.Close()
	f := &Fetcher{Client: srv.Client()}
	src := config.Calendar{Name: "secret", Source: srv.URL + "/private-abc123/basic.ics"}
	first, err := f.Fetch(t.Context(), src, FetchState{})
	if err != nil || first.Unchanged || first.State.ETag != `"v1"` || first.State.LastModified == "" {
		t.Fatalf("first fetch = %+v, %v", first, err)
	}
	second, err := f.Fetch(t.Context(), src, first.State)
	if err != nil || !second.Unchanged || conditional.Load() != 1 {
		t.Fatalf("second fetch = %+v, %v (conditional requests %d); want a 304", second, err, conditional.Load())
	}
	if second.State.Hash != first.State.Hash || second.State.ETag != `"v1"` {
		t.Errorf("state after 304 = %+v, want the previous validators and hash kept", second.State)
	}
}

func TestFetchURLFailuresHideTheURL(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/private-abc123/gone.ics", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusNotFound) })
	mux.HandleFunc("/private-abc123/loop.ics", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/private-abc123/loop.ics", http.StatusFound)
	})
	mux.HandleFunc("/private-abc123/huge.ics", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("X", 2<<20)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := &Fetcher{MaxSize: 1 << 20}
	for _, path := range []string{"/private-abc123/gone.ics", "/private-abc123/loop.ics", "/private-abc123/huge.ics"} {
		_, err := f.Fetch(t.Context(), config.Calendar{Source: srv.URL + path}, FetchState{})
		if err == nil {
			t.Errorf("%s: no error", path)
			continue
		}
		if strings.Contains(err.Error(), "abc123") {
			t.Errorf("%s: error %q shows the secret URL", path, err)
		}
	}
}
