package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// auxConn is the second connection: the Sent folder's polls, Append and
// HasMessageID take turns on it. It is opened on demand and closed when
// unused for a poll period (unless Sent is polled).
type auxConn struct {
	mu      sync.Mutex
	s       *session
	lastUse time.Time // real time
}

// withAux runs fn on the second connection, opening it when needed. A
// connection that failed under fn is closed; the next call opens another.
func (w *Watcher) withAux(ctx context.Context, fn func(*session) error) error {
	w.aux.mu.Lock()
	defer w.aux.mu.Unlock()
	if w.aux.s != nil && w.aux.s.dead() {
		w.aux.s.close(false)
		w.aux.s = nil
	}
	if w.aux.s == nil {
		s, err := w.open(ctx)
		if err != nil {
			return err
		}
		w.aux.s = s
	}
	s := w.aux.s
	s.dc.allow(w.readTimeout)
	stop := context.AfterFunc(ctx, func() { _ = s.c.Close() })
	err := fn(s)
	stop()
	w.aux.lastUse = time.Now()
	if s.dead() {
		s.close(false)
		w.aux.s = nil
		return err
	}
	// Between uses the server may stay silent for a poll period; a
	// connection silent for longer has died without telling.
	s.dc.allow(w.poll + w.readTimeout)
	return err
}

// runAux polls the Sent folder every Poll when one is set, else closes the
// second connection once it has been unused for a poll period.
func (w *Watcher) runAux(ctx context.Context) {
	t := time.NewTicker(w.poll)
	defer t.Stop()
	for {
		if w.cfg.Sent != "" {
			err := w.withAux(ctx, func(s *session) error {
				if err := s.refresh(w.cfg.Sent); err != nil {
					return err
				}
				return w.syncFolder(ctx, s, w.cfg.Sent)
			})
			if err != nil && ctx.Err() == nil && !errors.Is(err, errLoginDeferred) {
				var lr *LoginRefusedError
				if !errors.As(err, &lr) { // a refusal is reported by noteLogin
					w.log.Warn("imap sent folder sync failed", slog.String("folder", w.cfg.Sent),
						slog.Any("error", err), slog.Duration("retry_in", w.poll))
				}
			}
		} else {
			w.closeAuxIfUnused(w.poll)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *Watcher) closeAuxIfUnused(after time.Duration) {
	w.aux.mu.Lock()
	defer w.aux.mu.Unlock()
	if w.aux.s != nil && time.Since(w.aux.lastUse) >= after {
		w.aux.s.close(true)
		w.aux.s = nil
	}
}

func (w *Watcher) closeAux() { w.closeAuxIfUnused(0) }

// Append stores msg in folder (e.g. a draft in Drafts) on the second
// connection, with the given flags and internal date (zero: the server's
// clock).
func (w *Watcher) Append(ctx context.Context, folder string, flags []imap.Flag, date time.Time, msg []byte) error {
	err := w.withAux(ctx, func(s *session) error {
		cmd := s.c.Append(folder, int64(len(msg)), &imap.AppendOptions{Flags: flags, Time: date})
		if _, err := cmd.Write(msg); err != nil {
			_ = cmd.Close() // the write error says what went wrong
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		_, err := cmd.Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("append to %q: %w", folder, err)
	}
	return nil
}

// HasMessageID reports whether folder holds a message whose Message-ID is
// messageID (with or without angle brackets), on the second connection.
func (w *Watcher) HasMessageID(ctx context.Context, folder, messageID string) (bool, error) {
	id := strings.TrimSpace(messageID)
	if id == "" {
		return false, errors.New("search by message-id: empty id")
	}
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	var found bool
	err := w.withAux(ctx, func(s *session) error {
		if err := s.refresh(folder); err != nil {
			return err
		}
		// HEADER matches a substring: the brackets make it the whole id.
		res, err := s.c.UIDSearch(&imap.SearchCriteria{
			Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}},
		}, nil).Wait()
		if err != nil {
			return err
		}
		found = len(res.AllUIDs()) > 0
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("search %q by message-id: %w", folder, err)
	}
	return found, nil
}
