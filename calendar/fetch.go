package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/followupd/followupd/config"
)

// FetchState is what is remembered of a source between fetches, to skip an
// unchanged one: the HTTP validators and a hash of the content.
type FetchState struct {
	ETag, LastModified string
	Hash               string // hex SHA-256 of the last content read
}

// Fetched is the outcome of one successful fetch.
type Fetched struct {
	// Unchanged is true when the source is as it was at the last fetch (HTTP
	// 304, or the same content hash); Data is then nil.
	Unchanged bool
	Data      []byte
	State     FetchState
}

// Fetcher reads calendar sources: files, and http(s) URLs with conditional
// GET. Errors never contain a URL (a secret iCal address is a credential).
type Fetcher struct {
	Client *http.Client // nil: a client with the Timeout and redirect limit below
	// MaxSize caps the bytes read from one source; 0 means 64 MiB.
	MaxSize int64
	// Timeout bounds one HTTP fetch; 0 means 60 s.
	Timeout time.Duration
}

const maxRedirects = 5

// Fetch reads src, or reports it unchanged since prev.
func (f *Fetcher) Fetch(ctx context.Context, src config.Calendar, prev FetchState) (Fetched, error) {
	if src.IsURL() || strings.HasPrefix(strings.ToLower(src.Source), "webcal://") {
		return f.fetchURL(ctx, src.Source, prev)
	}
	return f.fetchFile(src.Source, prev)
}

func (f *Fetcher) maxSize() int64 {
	if f.MaxSize > 0 {
		return f.MaxSize
	}
	return 64 << 20
}

func (f *Fetcher) fetchFile(path string, prev FetchState) (Fetched, error) {
	file, err := os.Open(path)
	if err != nil {
		return Fetched{}, fmt.Errorf("open calendar file: %w", err)
	}
	defer file.Close()
	data, err := readCapped(file, f.maxSize())
	if err != nil {
		return Fetched{}, fmt.Errorf("read calendar file %s: %w", path, err)
	}
	return f.result(data, FetchState{}, prev), nil
}

func (f *Fetcher) result(data []byte, st FetchState, prev FetchState) Fetched {
	sum := sha256.Sum256(data)
	st.Hash = hex.EncodeToString(sum[:])
	if st.Hash == prev.Hash {
		return Fetched{Unchanged: true, State: st}
	}
	return Fetched{Data: data, State: st}
}

func (f *Fetcher) fetchURL(ctx context.Context, raw string, prev FetchState) (Fetched, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Fetched{}, errors.New("calendar URL does not parse")
	}
	if strings.EqualFold(u.Scheme, "webcal") {
		u.Scheme = "https"
	}
	timeout := f.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Fetched{}, errors.New("build calendar request: bad URL")
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	req.Header.Set("User-Agent", "followupd")
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return Fetched{}, fmt.Errorf("fetch calendar: %w", withoutURL(err))
	}
	defer resp.Body.Close()
	st := FetchState{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		st.Hash = prev.Hash
		if st.ETag == "" {
			st.ETag = prev.ETag
		}
		if st.LastModified == "" {
			st.LastModified = prev.LastModified
		}
		return Fetched{Unchanged: true, State: st}, nil
	case resp.StatusCode != http.StatusOK:
		return Fetched{}, fmt.Errorf("fetch calendar: server answered %s", resp.Status)
	}
	data, err := readCapped(resp.Body, f.maxSize())
	if err != nil {
		return Fetched{}, fmt.Errorf("read calendar response: %w", withoutURL(err))
	}
	return f.result(data, st, prev), nil
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return &http.Client{
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "https" && via[0].URL.Scheme == "https" {
				return errors.New("redirect from https to plain http refused")
			}
			return nil
		},
	}
}

// readCapped reads all of r, failing when it is larger than max bytes.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than the %d MiB limit", max>>20)
	}
	return data, nil
}

// withoutURL strips the URL that net/http puts into its errors.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// ReadOptions are the options the daemon (and `followupd explain`) read a
// calendar with at now: floating times in the owner's zone, and recurring
// series expanded from the backfill window back to a year ahead.
func ReadOptions(cfg *config.Config, now time.Time) Options {
	return Options{Location: cfg.Owner.Location, From: now.Add(-cfg.Backfill()), Until: now.Add(366 * 24 * time.Hour)}
}
