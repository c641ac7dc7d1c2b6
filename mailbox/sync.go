package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/followupd/followupd/internal/mimelimit"
)

// stuckSkipAfter is how many failed sessions in a row (the connection lost,
// or the server answering NO to the FETCH) while working on the same message
// make the watcher skip that message: a message whose FETCH breaks the
// client or the server must not block the ones after it.
const stuckSkipAfter = 3

// syncFolder hands on every new message of folder: those above the saved
// LastUID or, on the first run and after a UIDVALIDITY change, those of the
// backfill window only. Messages older than the window are never handed
// on. The position is saved after every message, so a restart resumes.
func (w *Watcher) syncFolder(ctx context.Context, s *session, folder string) error {
	sel, err := s.selectFolder(folder)
	if err != nil {
		return err
	}
	log := w.log.With(slog.String("folder", folder))
	// RFC 3501 requires UIDVALIDITY; a server that omits it is taken never
	// to change it, rather than to start over on every sync.
	validity := max(sel.UIDValidity, 1)
	st, err := w.state.FolderState(ctx, folder)
	if err != nil {
		return fmt.Errorf("read sync state of %q: %w", folder, err)
	}
	fresh := st.UIDValidity == 0
	if !fresh && st.UIDValidity != validity {
		log.Warn("imap uidvalidity changed; reading the backfill window again",
			slog.Uint64("old", uint64(st.UIDValidity)), slog.Uint64("new", uint64(validity)),
			slog.Duration("backfill", w.cfg.Backfill))
		fresh = true
	}
	if fresh {
		st = FolderState{UIDValidity: validity}
	}
	// Only a fresh sync (the first, or after a UIDVALIDITY change) is bounded
	// by the backfill window. An incremental one hands on everything above
	// the last UID, however old: after an outage longer than the window, the
	// replies and invitations that came meanwhile are still read (and with
	// backfill = "0d" nothing would be read at all).
	var cutoff time.Time
	if fresh {
		cutoff = w.now().Add(-w.cfg.Backfill)
	}

	var crit imap.SearchCriteria
	if fresh {
		// SINCE counts whole days in the server's zone: ask for a day more
		// and filter on INTERNALDATE below.
		y, m, d := cutoff.UTC().Date()
		crit.Since = time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC)
	} else {
		crit.UID = []imap.UIDSet{{{Start: imap.UID(st.LastUID + 1), Stop: 0}}}
	}
	res, err := s.c.UIDSearch(&crit, nil).Wait()
	if err != nil {
		return fmt.Errorf("search %q: %w", folder, err)
	}
	// "N:*" always matches the highest UID, even below N: filter.
	var uids []imap.UID
	for _, u := range res.AllUIDs() {
		if uint32(u) > st.LastUID {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)

	batch := fetchBatch
	if w.stuckCount(folder, st.LastUID) > 0 {
		batch = 1 // find the message that broke the connection
	}
	for len(uids) > 0 {
		chunk := uids[:min(batch, len(uids))]
		uids = uids[len(chunk):]
		if batch == 1 && w.stuckCount(folder, st.LastUID) >= stuckSkipAfter {
			log.Error("message skipped: fetching it broke the connection repeatedly",
				slog.Uint64("uid", uint64(chunk[0])), slog.Int("attempts", stuckSkipAfter))
			if err := w.advance(ctx, folder, &st, uint32(chunk[0])); err != nil {
				return err
			}
			continue
		}
		if err := w.syncChunk(ctx, s, folder, chunk, cutoff, &st, log); err != nil {
			if ctx.Err() == nil && s.dead() {
				w.noteStuck(folder, st.LastUID)
			}
			return err
		}
	}
	if fresh {
		// Everything below UIDNEXT at SELECT time that was not in the
		// window is old: never look at it again.
		if next := uint32(sel.UIDNext); next > 0 {
			if err := w.advance(ctx, folder, &st, next-1); err != nil {
				return err
			}
		}
		if st.LastUID == 0 { // nothing seen yet; still record the validity
			if err := w.state.SaveFolderState(ctx, folder, st); err != nil {
				return fmt.Errorf("save sync state of %q: %w", folder, err)
			}
		}
	}
	return nil
}

// syncChunk fetches the metadata of a few messages in one command, then
// each message's small parts, and hands them on in UID order.
func (w *Watcher) syncChunk(ctx context.Context, s *session, folder string, chunk []imap.UID, cutoff time.Time, st *FolderState, log *slog.Logger) error {
	bufs, err := s.c.Fetch(imap.UIDSetNum(chunk...), &imap.FetchOptions{
		UID: true, InternalDate: true, Envelope: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}).Collect()
	var ie *imap.Error
	switch {
	case errors.As(err, &ie) && len(chunk) > 1:
		// The server refused the batch: one at a time finds the message
		// it cannot serve.
		for _, uid := range chunk {
			if err := w.syncChunk(ctx, s, folder, []imap.UID{uid}, cutoff, st, log); err != nil {
				return err
			}
		}
		return nil
	case errors.As(err, &ie):
		return w.refusedFetch(ctx, folder, st, chunk[0], err, log)
	case err != nil:
		return fmt.Errorf("fetch from %q: %w", folder, err)
	}
	metas := make(map[imap.UID]*imapclient.FetchMessageBuffer, len(bufs))
	for _, b := range bufs {
		metas[b.UID] = b
	}
	for _, uid := range chunk {
		meta, ok := metas[uid]
		switch {
		case !ok: // expunged since the search
		case meta.InternalDate.Before(cutoff):
			log.Debug("message older than the backfill window", slog.Uint64("uid", uint64(uid)),
				slog.Time("internal_date", meta.InternalDate))
		default:
			m, err := w.fetchMessage(s, folder, meta, log)
			var ue *unreadableError
			switch {
			case errors.As(err, &ie):
				return w.refusedFetch(ctx, folder, st, uid, err, log)
			case errors.As(err, &ue) && mimelimit.LimitOf(err) != "":
				log.Warn("message skipped: a reading limit was reached", slog.Uint64("uid", uint64(uid)),
					slog.String("message_id", messageID(meta)), slog.String("limit", mimelimit.LimitOf(err)))
			case errors.As(err, &ue):
				log.Error("message skipped: it cannot be read", slog.Uint64("uid", uint64(uid)),
					slog.String("message_id", messageID(meta)), slog.Any("error", err))
			case err != nil:
				return err
			default:
				if err := w.deliver(ctx, m, log); err != nil {
					return err
				}
			}
		}
		if err := w.advance(ctx, folder, st, uint32(uid)); err != nil {
			return err
		}
	}
	return nil
}

// refusedFetch deals with a NO to the FETCH of one message. It may be
// passing ([UNAVAILABLE], a busy server), so the session is retried; after
// stuckSkipAfter refusals in a row the message is skipped for good.
func (w *Watcher) refusedFetch(ctx context.Context, folder string, st *FolderState, uid imap.UID, err error, log *slog.Logger) error {
	w.noteStuck(folder, st.LastUID)
	if w.stuckCount(folder, st.LastUID) < stuckSkipAfter {
		return fmt.Errorf("fetch message %d from %q: %w", uid, folder, err)
	}
	log.Error("message skipped: the server cannot fetch it",
		slog.Uint64("uid", uint64(uid)), slog.Int("attempts", stuckSkipAfter), slog.Any("error", err))
	return w.advance(ctx, folder, st, uint32(uid))
}

// unreadableError marks a message that cannot be read, as opposed to a
// connection that failed while reading it.
type unreadableError struct{ err error }

func (e *unreadableError) Error() string { return e.err.Error() }
func (e *unreadableError) Unwrap() error { return e.err }

func messageID(meta *imapclient.FetchMessageBuffer) string {
	if meta.Envelope == nil {
		return ""
	}
	return meta.Envelope.MessageID
}

// fetchMessage fetches the header and the parts planned from the body
// structure, in one command, and decodes them.
func (w *Watcher) fetchMessage(s *session, folder string, meta *imapclient.FetchMessageBuffer, log *slog.Logger) (Message, error) {
	uid := meta.UID
	if meta.BodyStructure == nil {
		return Message{}, &unreadableError{errors.New("the server sent no body structure")}
	}
	parts, tooBig, hit := planParts(meta.BodyStructure, w.maxText)
	for _, p := range tooBig {
		log.Info("message part not fetched: above the size cap", slog.Uint64("uid", uint64(uid)),
			slog.String("type", p.mediaType), slog.Uint64("size", uint64(p.size)), slog.String("limit", mimelimit.LimitTextBytes))
	}
	// The header is fetched up to one byte past its cap, to tell a header
	// at the cap from one above it without fetching an endless one whole.
	header := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true,
		Partial: &imap.SectionPartial{Offset: 0, Size: mimelimit.MaxHeaderBytes + 1}}
	sections := []*imap.FetchItemBodySection{header}
	for _, p := range parts {
		if p.mime != nil {
			sections = append(sections, p.mime)
		}
		sections = append(sections, p.body)
	}
	bufs, err := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: sections}).Collect()
	switch {
	case err != nil:
		return Message{}, fmt.Errorf("fetch from %q: %w", folder, err)
	case len(bufs) == 0:
		return Message{}, &unreadableError{errors.New("the message is gone")}
	}
	budget := mimelimit.NewBudget()
	buf := bufs[0]
	rawHeader := buf.FindBodySection(header)
	if len(rawHeader) > mimelimit.MaxHeaderBytes {
		return Message{}, &unreadableError{&mimelimit.Error{Limit: mimelimit.LimitHeaderBytes}}
	}
	h, err := parseHeader(rawHeader)
	if err != nil {
		return Message{}, &unreadableError{err}
	}
	if h.Len() == 0 { // what a server sends for bytes it could not parse
		return Message{}, &unreadableError{errors.New("the message has no header")}
	}
	if h.Len() > mimelimit.MaxHeaderFields {
		return Message{}, &unreadableError{&mimelimit.Error{Limit: mimelimit.LimitHeaderFields}}
	}
	m := Message{Folder: folder, UID: uint32(uid), InternalDate: meta.InternalDate, Header: h, Limits: hit}
	c := &collector{maxText: w.maxText, wantText: true, msg: &m}
	for _, p := range parts {
		if budget.Expired() {
			m.Limits = append(m.Limits, mimelimit.LimitBudget)
			break
		}
		mimeHeader := rawHeader
		if p.mime != nil {
			mimeHeader = buf.FindBodySection(p.mime)
			if len(mimeHeader) > mimelimit.MaxPartHeaderBytes {
				m.Limits = appendLimit(m.Limits, mimelimit.LimitHeaderBytes)
				continue
			}
		}
		if err := c.readPart(mimeHeader, buf.FindBodySection(p.body), p.kind); err != nil {
			c.skipped = append(c.skipped, skippedPart{p.mediaType, err})
		}
	}
	for _, sk := range c.skipped {
		log.Warn("message part skipped", slog.Uint64("uid", uint64(uid)),
			slog.String("type", sk.mediaType), slog.Any("error", sk.err))
	}
	for _, l := range m.Limits {
		log.Warn("message parts skipped: a reading limit was reached", slog.Uint64("uid", uint64(uid)),
			slog.String("limit", l))
	}
	return m, nil
}

// plannedPart is a part worth fetching: an invitation, or the first text
// or HTML body.
type plannedPart struct {
	kind      partKind
	mediaType string
	size      uint32
	// mime is nil for a single-part message, whose part header is the
	// message header and whose body is BODY[TEXT].
	mime, body *imap.FetchItemBodySection
}

// fetchCap is the largest encoded part fetched for a decoded cap: base64
// adds a third, quoted-printable can add more.
func fetchCap(decoded int) uint32 { return uint32(2 * decoded) }

// planParts picks the parts to fetch from a body structure, the same way
// ReadMessage picks them from a whole message. Parts above their size cap
// come back apart, to be logged.
func planParts(bs imap.BodyStructure, maxText int) (want, tooBig []plannedPart, hit []string) {
	_, single := bs.(*imap.BodyStructureSinglePart)
	var haveText, haveHTML bool
	calendars, parts := 0, 0
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		if parts >= mimelimit.MaxParts {
			hit = appendLimit(hit, mimelimit.LimitParts)
			return false
		}
		parts++
		sp, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			if len(path) >= mimelimit.MaxDepth {
				hit = appendLimit(hit, mimelimit.LimitDepth)
				return false
			}
			return true
		}
		var disp string
		var dispParams map[string]string
		if d := sp.Disposition(); d != nil {
			disp, dispParams = d.Value, lowerKeys(d.Params)
		}
		mt := sp.MediaType()
		kind := classify(mt, lowerKeys(sp.Params), disp, dispParams)
		limit := maxText
		switch {
		case kind == partCalendar && calendars < maxInvitations:
			limit = MaxCalendarPart
		case kind == partText && !haveText, kind == partHTML && !haveHTML:
		default:
			return true
		}
		p := plannedPart{kind: kind, mediaType: mt, size: sp.Size}
		if sp.Size > fetchCap(limit) {
			tooBig = append(tooBig, p)
			return true
		}
		switch kind {
		case partCalendar:
			calendars++
		case partText:
			haveText = true
		case partHTML:
			haveHTML = true
		}
		if single {
			p.body = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierText, Peek: true}
		} else {
			path = slices.Clone(path)
			p.mime = &imap.FetchItemBodySection{Part: path, Specifier: imap.PartSpecifierMIME, Peek: true,
				Partial: &imap.SectionPartial{Offset: 0, Size: mimelimit.MaxPartHeaderBytes + 1}}
			p.body = &imap.FetchItemBodySection{Part: path, Peek: true}
		}
		want = append(want, p)
		return true
	})
	return want, tooBig, hit
}

// appendLimit adds limit to hit unless it is there already.
func appendLimit(hit []string, limit string) []string {
	if slices.Contains(hit, limit) {
		return hit
	}
	return append(hit, limit)
}

func lowerKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return m
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// deliver hands one message to the handler. A handler error or panic is
// logged and the message counts as handled; a cancelled ctx leaves it for
// the next run.
func (w *Watcher) deliver(ctx context.Context, m Message, log *slog.Logger) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("message handler panicked", slog.Uint64("uid", uint64(m.UID)),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			err = ctx.Err()
		}
	}()
	log.Debug("message read", slog.Uint64("uid", uint64(m.UID)),
		slog.Int("invitations", len(m.Invitations)), slog.Bool("text", m.Text != ""), slog.Bool("html", m.HTML != ""))
	w.handleMu.Lock()
	defer w.handleMu.Unlock()
	if herr := w.handle(ctx, m); herr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Error("message handler failed", slog.Uint64("uid", uint64(m.UID)), slog.Any("error", herr))
	}
	return nil
}

// advance records that every message up to uid has been dealt with.
func (w *Watcher) advance(ctx context.Context, folder string, st *FolderState, uid uint32) error {
	if uid <= st.LastUID {
		return nil
	}
	st.LastUID = uid
	if err := w.state.SaveFolderState(ctx, folder, *st); err != nil {
		return fmt.Errorf("save sync state of %q: %w", folder, err)
	}
	return nil
}

// stuckCount is how many connections were lost in a row while working on
// the message after lastUID.
func (w *Watcher) stuckCount(folder string, lastUID uint32) int {
	w.stuckMu.Lock()
	defer w.stuckMu.Unlock()
	at, ok := w.stuck[folder]
	if !ok || at.uid != lastUID {
		delete(w.stuck, folder)
		return 0
	}
	return at.n
}

func (w *Watcher) noteStuck(folder string, lastUID uint32) {
	w.stuckMu.Lock()
	defer w.stuckMu.Unlock()
	at := w.stuck[folder]
	if at.uid != lastUID {
		at = stuckAt{uid: lastUID}
	}
	at.n++
	w.stuck[folder] = at
}
