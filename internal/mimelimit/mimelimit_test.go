package mimelimit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

// nested is a message whose multiparts nest depth deep, a text leaf at the
// bottom, and a text leaf beside the top-level multipart's first part.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=\"n0\"\r\n\r\n")
	for i := 1; i < depth; i++ {
		fmt.Fprintf(&b, "--n%d\r\nContent-Type: multipart/mixed; boundary=\"n%d\"\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--n%d\r\nContent-Type: text/plain\r\n\r\nbottom\r\n", depth-1)
	for i := depth - 1; i >= 1; i-- {
		fmt.Fprintf(&b, "--n%d--\r\n", i)
	}
	b.WriteString("--n0\r\nContent-Type: text/plain\r\n\r\nbeside\r\n--n0--\r\n")
	return b.String()
}

func read(t *testing.T, raw string) *message.Entity {
	t.Helper()
	e, err := message.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func leaves(t *testing.T, raw string, budget *Budget) (texts, hit []string) {
	t.Helper()
	hit, err := Walk(read(t, raw), budget, func(p *message.Entity) error {
		b, err := io.ReadAll(p.Body)
		if err != nil {
			return err
		}
		texts = append(texts, strings.TrimSpace(string(b)))
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return texts, hit
}

func TestWalkDepth(t *testing.T) {
	// Within the limit, both leaves; beyond it, the deep branch is skipped
	// and the leaf beside it is still read.
	texts, hit := leaves(t, nested(MaxDepth), nil)
	if !slices.Equal(texts, []string{"bottom", "beside"}) || len(hit) != 0 {
		t.Errorf("depth %d: leaves %q, limits %q; want both leaves, no limit", MaxDepth, texts, hit)
	}
	texts, hit = leaves(t, nested(MaxDepth+1), nil)
	if !slices.Equal(texts, []string{"beside"}) || !slices.Equal(hit, []string{LimitDepth}) {
		t.Errorf("depth %d: leaves %q, limits %q; want only the leaf beside, %s", MaxDepth+1, texts, hit, LimitDepth)
	}
	texts, hit = leaves(t, nested(5000), nil)
	if !slices.Equal(texts, []string{"beside"}) || !slices.Equal(hit, []string{LimitDepth}) {
		t.Errorf("depth 5000: leaves %q, limits %q", texts, hit)
	}
}

func TestWalkParts(t *testing.T) {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	for i := range MaxParts + 50 {
		fmt.Fprintf(&b, "--p\r\nContent-Type: text/plain\r\n\r\n%d\r\n", i)
	}
	b.WriteString("--p--\r\n")
	texts, hit := leaves(t, b.String(), nil)
	// The multipart itself is one of the MaxParts entities.
	if len(texts) != MaxParts-1 || texts[0] != "0" || !slices.Equal(hit, []string{LimitParts}) {
		t.Errorf("%d leaves (first %q), limits %q; want %d, %s", len(texts), texts[0], hit, MaxParts-1, LimitParts)
	}
}

func TestWalkStop(t *testing.T) {
	var seen int
	hit, err := Walk(read(t, nested(3)), nil, func(*message.Entity) error {
		seen++
		return ErrStop
	})
	if err != nil || len(hit) != 0 || seen != 1 {
		t.Errorf("seen %d, limits %q, error %v; want 1, none, nil", seen, hit, err)
	}
	boom := errors.New("boom")
	if _, err := Walk(read(t, nested(3)), nil, func(*message.Entity) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Walk returned %v; want the visitor's error", err)
	}
}

func TestWalkBudget(t *testing.T) {
	spent := &Budget{deadline: time.Now().Add(-time.Second)}
	texts, hit := leaves(t, nested(3), spent)
	if len(texts) != 0 || !slices.Equal(hit, []string{LimitBudget}) {
		t.Errorf("leaves %q, limits %q; want none, %s", texts, hit, LimitBudget)
	}
	if (*Budget)(nil).Expired() {
		t.Error("a nil budget expired")
	}
}

func TestReaderLimits(t *testing.T) {
	r := NewReader(bytes.NewReader(make([]byte, MaxScanBytes+10)))
	n, err := io.Copy(io.Discard, r)
	if n != MaxScanBytes || LimitOf(err) != LimitScanBytes {
		t.Errorf("read %d bytes, error %v; want %d and the %s limit", n, err, MaxScanBytes, LimitScanBytes)
	}
	if r.Consumed() != MaxScanBytes {
		t.Errorf("Consumed %d", r.Consumed())
	}
	r = NewReader(strings.NewReader("x"))
	r.budget.deadline = time.Now().Add(-time.Second)
	if _, err := r.Read(make([]byte, 1)); LimitOf(err) != LimitBudget {
		t.Errorf("a spent budget read: %v; want the %s limit", err, LimitBudget)
	}
	if LimitOf(errors.New("other")) != "" || LimitOf(fmt.Errorf("x: %w", &Error{LimitDepth})) != LimitDepth {
		t.Error("LimitOf does not unwrap")
	}
}
