// Package mimelimit bounds what reading one mail message may cost, whatever
// its sender put in it: how deep its multiparts nest, how many parts and
// header fields it has, how large its headers and decoded text are, how many
// bytes are scanned and how long the walk runs. The mailbox watcher, the
// reply reader and `followupd explain` all read MIME through it, so they
// give up at the same points.
//
// A limit that is hit skips the part or the rest of the message, never the
// messages after it; the caller logs one line naming the limit.
package mimelimit

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-message"
)

// The limits. Real mail stays far below each: a client nests multiparts
// four or five deep, carries a dozen parts and a few dozen header fields.
// Together they keep one message under 100 ms and 50 MB of extra memory
// (mailbox's BenchmarkHostile measures it).
const (
	// MaxDepth is the deepest multipart nesting walked into; a multipart
	// below it is skipped with everything inside it.
	MaxDepth = 16
	// MaxParts is the number of MIME entities (multiparts and leaves) walked;
	// the rest of the message is skipped.
	MaxParts = 200
	// MaxHeaderFields is the number of fields a header may have; a message
	// whose top-level header has more is skipped.
	MaxHeaderFields = 1000
	// MaxHeaderBytes caps a message's top-level header.
	MaxHeaderBytes = 1 << 20
	// MaxPartHeaderBytes caps the header of one part fetched on its own.
	MaxPartHeaderBytes = 64 << 10
	// MaxTextBytes caps a text or HTML body kept, decoded (the watcher's
	// default; [imap] may set another).
	MaxTextBytes = 256 << 10
	// MaxCalendarBytes caps an invitation part kept, decoded.
	MaxCalendarBytes = 1 << 20
	// MaxScanBytes is how much of a raw message is read at most; the rest
	// (the end of a huge attachment, say) is skipped. The watcher never
	// fetches that much: it fetches only the parts it needs.
	MaxScanBytes = 32 << 20
	// MaxDuration is the wall-clock time one message's walk may take: a backstop
	// for input the other limits did not foresee, far above what they allow
	// (a few milliseconds), so that a slow or loaded machine never hits it
	// with real mail.
	MaxDuration = time.Second
)

// Names of the limits, as logged in the "limit" attribute.
const (
	LimitDepth        = "mime_depth"
	LimitParts        = "mime_parts"
	LimitHeaderFields = "header_fields"
	LimitHeaderBytes  = "header_size"
	LimitTextBytes    = "text_size"
	LimitScanBytes    = "message_size"
	LimitBudget       = "time_budget"
)

// Error is returned (wrapped) when reading stopped at a limit.
type Error struct{ Limit string }

func (e *Error) Error() string { return fmt.Sprintf("mime limit %s reached", e.Limit) }

// LimitOf returns the name of the limit err stopped at, or "".
func LimitOf(err error) string {
	var le *Error
	if errors.As(err, &le) {
		return le.Limit
	}
	return ""
}

// Budget is the wall-clock time left for reading one message. It is real
// time on purpose: it bounds work done, not a moment of the domain.
type Budget struct{ deadline time.Time }

// NewBudget starts a Budget of MaxDuration now.
func NewBudget() *Budget { return &Budget{deadline: time.Now().Add(MaxDuration)} }

// Expired reports whether the budget is spent; a nil budget never is.
func (b *Budget) Expired() bool { return b != nil && time.Now().After(b.deadline) }

// Reader wraps a raw message: it fails with a limit Error once more than
// MaxScanBytes were read or its budget is spent.
type Reader struct {
	r      io.Reader
	left   int64
	budget *Budget
}

// NewReader bounds r by MaxScanBytes and a Budget starting now (see MaxDuration).
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, left: MaxScanBytes, budget: NewBudget()}
}

func (b *Reader) Read(p []byte) (int, error) {
	if b.budget.Expired() {
		return 0, &Error{LimitBudget}
	}
	if b.left <= 0 {
		return 0, &Error{LimitScanBytes}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// Consumed is how many bytes were read so far.
func (b *Reader) Consumed() int64 { return MaxScanBytes - b.left }

// Budget is the reader's time budget, for the walk over what it reads.
func (b *Reader) Budget() *Budget { return b.budget }

// Visit is called for each leaf part walked, in order, with its header
// already read. An error from Visit stops the walk and is returned.
type Visit func(part *message.Entity) error

// Walk visits the leaf parts of e, depth first, within MaxDepth and
// MaxParts, and while budget (which may be nil) is not spent. It returns
// the names of the limits hit, each once, in the order hit, and the error
// that broke the walk off (a broken multipart body), if any; what was
// visited before a break stands. Parts of a forwarded message
// (message/rfc822) are leaves: they are not looked into.
func Walk(e *message.Entity, budget *Budget, visit Visit) (hit []string, err error) {
	w := walker{budget: budget, visit: visit}
	err = w.walk(e, 0)
	var le *Error
	switch {
	case errors.As(err, &le):
		w.note(le.Limit)
		err = nil
	case errors.Is(err, ErrStop):
		err = nil
	}
	return w.hit, err
}

type walker struct {
	budget *Budget
	visit  Visit
	parts  int
	hit    []string
}

// ErrStop, returned by a Visit, ends the walk without an error: the
// caller has what it came for.
var ErrStop = errors.New("walk stopped")

func (w *walker) note(limit string) {
	for _, h := range w.hit {
		if h == limit {
			return
		}
	}
	w.hit = append(w.hit, limit)
}

func (w *walker) walk(e *message.Entity, depth int) error {
	if w.parts >= MaxParts {
		w.note(LimitParts)
		return ErrStop
	}
	if w.budget.Expired() {
		return &Error{LimitBudget}
	}
	w.parts++
	mr := e.MultipartReader()
	if mr == nil {
		return w.visit(e)
	}
	if depth >= MaxDepth {
		// Not read: the parent's reader skips over it to its next part.
		w.note(LimitDepth)
		return nil
	}
	for {
		p, err := mr.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case p == nil:
			return err
		}
		// An unknown charset or transfer encoding: the part reads undecoded.
		if err := w.walk(p, depth+1); err != nil {
			return err
		}
	}
}
