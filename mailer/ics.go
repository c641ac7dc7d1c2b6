package mailer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/followupd/followupd/interview"
)

// callSlotICS is the .ics for the follow-up call: METHOD:PUBLISH and one
// VEVENT of CallSlotLength at slot, in UTC so that no VTIMEZONE is needed. Its
// UID derives from the interview, so a moved slot replaces the old one in the
// owner's calendar.
func callSlotICS(iv interview.Interview, v callView, slot, now time.Time) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.Set(rawProp(ical.PropVersion, "2.0"))
	cal.Props.Set(rawProp(ical.PropProductID, "-//followupd//follow-up call//EN"))
	cal.Props.Set(rawProp(ical.PropMethod, "PUBLISH"))

	ev := ical.NewEvent()
	ev.Props.Set(rawProp(ical.PropUID, callUID(iv.Key)))
	ev.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, slot.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, slot.Add(CallSlotLength).UTC())
	ev.Props.SetText(ical.PropSummary, line(v.Title, maxSubjectRunes))
	ev.Props.SetText(ical.PropDescription, v.describe())
	cal.Children = append(cal.Children, ev.Component)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode call slot: %w", err)
	}
	return foldICS(buf.Bytes()), nil
}

func rawProp(name, value string) *ical.Prop {
	p := ical.NewProp(name)
	p.Value = value
	return p
}

// callUID is the call slot's UID: stable for one interview, opaque.
func callUID(k interview.Key) string {
	sum := sha256.Sum256([]byte("follow-up-call\x00" + k.String()))
	return hex.EncodeToString(sum[:12]) + "@followupd"
}

// foldICS folds content lines longer than 75 octets (RFC 5545 section
// 3.1), which go-ical's encoder leaves long, without splitting a UTF-8
// sequence. Lines end in CRLF.
func foldICS(b []byte) []byte {
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(b, []byte("\r\n")) {
		l = bytes.TrimSuffix(l, []byte("\r\n"))
		if len(l) == 0 {
			continue
		}
		limit := 75
		for len(l) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			out.Write(l[:cut])
			out.WriteString("\r\n ")
			l = l[cut:]
			limit = 74 // the leading space counts
		}
		out.Write(l)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}
