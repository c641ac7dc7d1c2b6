package calendar

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/emersion/go-ical"
)

func TestEventProperty(t *testing.T) {
	for k, name := range propNames {
		for _, line := range []string{name + ":x", strings.ToLower(name) + ";X=y:z"} {
			if got, ok := eventProperty([]byte(line)); !ok || got != propKind(k) {
				t.Errorf("eventProperty(%q) = %d, %v; want %d", line, got, ok, k)
			}
		}
	}
	for _, line := range []string{"", ":x", "X-UID:x", "UIDX:x", "UID", "TRANSP:OPAQUE", "DTSTARTDTSTARTDTSTART:x", "BEGIN:VALARM"} {
		if k, ok := eventProperty([]byte(line)); ok {
			t.Errorf("eventProperty(%q) = %d, want none", line, k)
		}
	}
}

// checkDecodeEvent runs the VEVENT lines in body through keepEventLines and
// then both decodeEvent and go-ical. Whenever decodeEvent accepts the lines
// it must read exactly what go-ical reads; it returns whether it did.
func checkDecodeEvent(t *testing.T, body string) bool {
	t.Helper()
	var kept bytes.Buffer
	keepEventLines(&kept, nil, []byte("BEGIN:VEVENT\r\n"+body+"END:VEVENT"))
	d := newDecoder()
	d.props.reset()
	if !d.decodeEvent(kept.Bytes()) {
		return false
	}
	c, err := d.single(ical.CompEvent, kept.Bytes())
	if err != nil {
		t.Fatalf("decodeEvent accepted what go-ical refuses (%v):\n%q", err, kept.Bytes())
	}
	var want eventProps
	want.fill(c.Props)
	for k := range propNames {
		got, exp := d.props.byKind[k], want.byKind[k]
		if len(got) != len(exp) {
			t.Fatalf("%s: %d properties, go-ical %d:\n%q", propNames[k], len(got), len(exp), kept.Bytes())
		}
		for i := range got {
			if got[i].Name != exp[i].Name || got[i].Value != exp[i].Value || !sameParams(got[i].Params, exp[i].Params) {
				t.Fatalf("%s: got %+v, go-ical %+v:\n%q", propNames[k], got[i], exp[i], kept.Bytes())
			}
		}
	}
	return true
}

// sameParams compares parameters, an absent map being an empty one.
func sameParams(a, b ical.Params) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	return reflect.DeepEqual(a, b)
}

func TestDecodeEventMatchesGoIcal(t *testing.T) {
	tests := []struct {
		name, body string
		fast       bool // whether the fast path should take it
	}{
		{"plain", "UID:a\r\nDTSTART;TZID=Europe/Berlin:20260316T100000\r\nSUMMARY:Interview\r\n", true},
		{"LF only and lower case", "uid:a\ndtstart;tzid=Europe/Berlin:20260316T100000\nsummary;language=en:x\n", true},
		{"folded value", "UID:a\r\nDESCRIPTION:one\r\n  two\r\n\tthree\r\n", true},
		{"folded parameters", "UID:a\r\nDTSTART;TZID=America/\r\n New_York:20260316T100000\r\n", true},
		{"quoted values", "UID:a\r\nDTEND;TZID=\"Europe/Berlin\";X-A=b,\"c:d;e\",f:20260316T110000\r\n", true},
		{"repeated parameter", "UID:a\r\nDTSTART;X-Y=a;X-Y=b,c:20260316T100000Z\r\n", true},
		{"empty parameter value", "UID:a\r\nSTATUS;X=:cancelled\r\n", true},
		{"colons in the value", "UID:a\r\nLOCATION:https://meet.example/abc:def\r\n", true},
		{"folded names", "UID:a\r\nDTST\r\n ART:20260316T100000Z\r\nSUMM\r\n ARY;LANG\r\n UAGE=en:x\r\nD\r\n TEND\r\n :20260316T110000Z\r\n", true},
		{"several lines of a kind", "UID:a\r\nEXDATE:20260317T100000Z\r\nEXDATE;VALUE=DATE:20260318,20260319\r\n", true},
		{"extra CR", "UID:a\r\nSUMMARY:x\r\r\n", false},
		{"CR inside", "UID:a\r\nSUMMARY:x\ry\r\n", false},
		{"doubled quotes", "UID:a\r\nDESCRIPTION;X=\"a\"\"b\":y\r\n", false},
		{"quote in a bare value", "UID:a\r\nLOCATION;X=a\"b:z\r\n", false},
		{"no equal sign", "UID:a\r\nDTSTART;TZID:20260316T100000\r\n", false},
		{"no colon", "UID:a\r\nDTSTART;TZID=Europe/Berlin\r\n", false},
		{"odd parameter name", "UID:a\r\nDTSTAMP;A B=c:20260316T100000Z\r\n", false},
		{"unterminated quote", "UID:a\r\nDTSTART;TZID=\"Europe/Berlin:20260316T100000\r\n", false},
		{"long parameters", "UID:a\r\nSUMMARY;X-LONG=" + strings.Repeat("a", maxParams) + ":x\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkDecodeEvent(t, tt.body); got != tt.fast {
				t.Errorf("fast path took it: %v, want %v", got, tt.fast)
			}
		})
	}
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add("UID:a\r\nDTSTART;TZID=Europe/Berlin:20260316T100000\r\nSUMMARY:Interview\r\n  with Jane\r\n")
	f.Add("dtend;tzid=\"Europe/Berlin\";x-a=b,\"c:d\",e:20260316T110000\nEXDATE;VALUE=DATE:20260318,20260319\n")
	f.Add("STATUS;X=:cancelled\r\nDESCRIPTION;X=\"a\"\"b\":y\r\nLOCATION;X=a\"b:z\r\n")
	f.Add("UID:a\r\nDTST\r\n ART:20260316T100000Z\r\nEN\r\n D:VALARM\r\nSUMM\r\n ARY;LANG\r\n UAGE=en:x\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		checkDecodeEvent(t, body)
	})
}
