package interview

import (
	"testing"
	"time"
)

func TestLatest(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	a0 := Interview{Key: Key{UID: "a"}, Sequence: 0, Summary: "a0"}
	a1 := Interview{Key: Key{UID: "a"}, Sequence: 1, Summary: "a1"}
	b := Interview{Key: Key{UID: "b"}, Summary: "b"}
	bInstance := Interview{Key: Key{UID: "b", RecurrenceID: t0}, Summary: "b instance"}
	bLater := Interview{Key: Key{UID: "b"}, Stamp: t0, Summary: "b later stamp"}
	got := Latest([]Interview{a1, b, a0, bInstance, bLater})
	var sums []string
	for _, iv := range got {
		sums = append(sums, iv.Summary)
	}
	want := []string{"a1", "b later stamp", "b instance"}
	if len(sums) != len(want) {
		t.Fatalf("Latest = %q, want %q", sums, want)
	}
	for i := range want {
		if sums[i] != want[i] {
			t.Fatalf("Latest = %q, want %q", sums, want)
		}
	}
}

func TestParseHonorificAndLastName(t *testing.T) {
	for in, want := range map[string]Honorific{"mr": Mr, "Ms.": Ms, " MRS ": Mrs, "dr.": Dr} {
		if got, ok := ParseHonorific(in); !ok || got != want {
			t.Errorf("ParseHonorific(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseHonorific("sir"); ok {
		t.Error("ParseHonorific accepted sir")
	}
	if got := (Interviewer{Name: "Jane van Doe"}).LastName(); got != "Doe" {
		t.Errorf("LastName = %q", got)
	}
	if got := (Interviewer{Email: "jdoe@acme.com"}).LastName(); got != "jdoe" {
		t.Errorf("LastName without a name = %q", got)
	}
}
