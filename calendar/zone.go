package calendar

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"
)

// errUnknownZone is returned for a TZID that names no zone we can build.
var errUnknownZone = errors.New("unknown time zone")

// zones resolves TZIDs for one Parse call. In order it tries: UTC
// spellings; an IANA name (also behind a "/mozilla.org/..." style prefix);
// the Windows zone names Outlook and Exchange write, through the CLDR
// table; the X-LIC-LOCATION of the calendar's VTIMEZONE; and last the
// VTIMEZONE's own STANDARD/DAYLIGHT rules. IANA data is preferred to a
// VTIMEZONE because producers often ship stale or simplified rules.
//
// A TZID none of these resolve is salvaged rather than fatal: a Windows
// display name with an offset, "(UTC-05:00) Some Place", is read in the
// owner's zone when that zone keeps this offset as standard time and at the
// fixed offset otherwise; anything else is read in the owner's zone. Each
// such TZID is reported once (see report).
type zones struct {
	defs  map[string]*ical.Component // VTIMEZONE by TZID
	owner *time.Location

	mu    sync.Mutex
	cache map[string]zoneResult
}

type zoneResult struct {
	loc *time.Location
	// err is set for a TZID that was not resolved; loc is then the zone
	// assumed instead, and uses counts the values read in it.
	err  error
	uses int
}

func newZones(owner *time.Location) *zones {
	return &zones{defs: map[string]*ical.Component{}, cache: map[string]zoneResult{}, owner: owner}
}

// add registers a decoded VTIMEZONE. TZID is a TEXT value, so a comma in
// it comes escaped ("Kuala Lumpur\, Singapore") while the TZID parameters
// that refer to it hold it plain: the zone is filed under both spellings.
func (z *zones) add(c *ical.Component) {
	p := c.Props.Get(ical.PropTimezoneID)
	if p == nil {
		return
	}
	for _, id := range []string{cleanTZID(p.Value), cleanTZID(unescapeText(p.Value))} {
		if _, dup := z.defs[id]; !dup && id != "" {
			z.defs[id] = c
		}
	}
}

// location returns the zone for a TZID parameter value: the zone it names,
// or the one assumed for it. It is safe for concurrent use once every
// VTIMEZONE has been added.
func (z *zones) location(tzid string) *time.Location {
	id := cleanTZID(tzid)
	z.mu.Lock()
	r, ok := z.cache[id]
	if ok && r.err != nil {
		r.uses++
		z.cache[id] = r
	}
	z.mu.Unlock()
	if ok {
		return r.loc
	}
	loc, err := z.resolve(id)
	if err != nil {
		loc, err = z.assume(id, err)
	}
	z.mu.Lock()
	if old, ok := z.cache[id]; ok { // another goroutine was first
		r = old
	} else {
		r = zoneResult{loc: loc, err: err}
	}
	if r.err != nil {
		r.uses++
	}
	z.cache[id] = r
	z.mu.Unlock()
	return r.loc
}

// assume picks the zone an unresolved TZID is read in, and says so.
func (z *zones) assume(id string, err error) (*time.Location, error) {
	if off, ok := displayOffset(id); ok {
		if keepsStandardOffset(z.owner, off) {
			return z.owner, fmt.Errorf("%w: read in the owner's zone (%s), which keeps its offset", err, z.owner)
		}
		name := fmt.Sprintf("UTC%s", posixOffset(-off))
		return time.FixedZone(name, off), fmt.Errorf("%w: read at its fixed offset %s, without daylight saving time", err, name)
	}
	return z.owner, fmt.Errorf("%w: read in the owner's zone (%s)", err, z.owner)
}

// keepsStandardOffset reports whether loc is at offset (seconds east) in
// January or July of this decade.
func keepsStandardOffset(loc *time.Location, off int) bool {
	for _, m := range []time.Month{time.January, time.July} {
		if _, o := time.Date(2026, m, 1, 0, 0, 0, 0, loc).Zone(); o == off {
			return true
		}
	}
	return false
}

// report adds one salvage problem to p per TZID that was not resolved.
func (z *zones) report(p *parser) {
	z.mu.Lock()
	defer z.mu.Unlock()
	ids := make([]string, 0, len(z.cache))
	for id, r := range z.cache {
		if r.err != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := z.cache[id]
		p.salvage("", "", fmt.Errorf("%w (%d times)", r.err, r.uses))
	}
}

func (z *zones) resolve(id string) (*time.Location, error) {
	if isUTCName(id) {
		return time.UTC, nil
	}
	if loc := loadIANA(id); loc != nil {
		return loc, nil
	}
	if name, ok := windowsZone(id); ok {
		if loc := loadIANA(name); loc != nil {
			return loc, nil
		}
	}
	if name, ok := windowsDisplayZone(id); ok {
		if loc := loadIANA(name); loc != nil {
			return loc, nil
		}
	}
	def := z.defs[id]
	if def == nil {
		def = z.defs[cleanTZID(unescapeText(id))]
	}
	if def == nil {
		return nil, fmt.Errorf("%w %q (no VTIMEZONE for it)", errUnknownZone, truncate(id, 80))
	}
	if p := def.Props.Get("X-LIC-LOCATION"); p != nil {
		if loc := loadIANA(cleanTZID(p.Value)); loc != nil {
			return loc, nil
		}
	}
	loc, err := vtimezoneLocation(id, def)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", errUnknownZone, truncate(id, 80), err)
	}
	return loc, nil
}

// cleanTZID removes what producers wrap around a zone name: spaces, quotes
// (go-ical already drops the quotes of a quoted parameter, but some
// producers quote inside the quotes).
func cleanTZID(s string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"'`))
}

func isUTCName(id string) bool {
	switch strings.ToUpper(id) {
	case "UTC", "Z", "GMT", "ETC/UTC", "ETC/GMT", "ETC/UCT", "UCT", "ZULU", "ETC/ZULU",
		"UNIVERSAL", "ETC/UNIVERSAL", "COORDINATED UNIVERSAL TIME",
		"(UTC) COORDINATED UNIVERSAL TIME", "UTC+00:00", "GMT+00:00":
		return true
	}
	return false
}

// loadIANA loads an IANA zone, also from behind a path prefix such as
// "/mozilla.org/20050126_1/America/New_York" or
// "/softwarestudio.org/Olson_20011030_5/Europe/Berlin". It never returns
// the machine's own zone: a calendar must not depend on where it is read.
func loadIANA(id string) *time.Location {
	if strings.HasPrefix(id, "/") {
		parts := strings.Split(strings.Trim(id, "/"), "/")
		for i := 0; i < len(parts); i++ { // "/Europe/Stockholm" too
			if loc := loadIANA(strings.Join(parts[i:], "/")); loc != nil {
				return loc
			}
		}
		return nil
	}
	if !plausibleIANA(id) {
		return nil
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil
	}
	return loc
}

// plausibleIANA keeps obviously foreign names (Windows names with spaces,
// paths) away from time.LoadLocation and the file system, and the names
// that mean "this machine's zone" (Local, localtime, posixrules) out.
func plausibleIANA(id string) bool {
	if id == "" || len(id) > 64 || strings.Contains(id, "..") {
		return false
	}
	switch strings.ToLower(id) {
	case "local", "localtime", "posixrules":
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '/' || c == '_' || c == '-' || c == '+') {
			return false
		}
	}
	return id[0] != '/'
}

// observance is one STANDARD or DAYLIGHT block of a VTIMEZONE.
type observance struct {
	daylight bool
	start    wall // DTSTART, local time before the transition
	to       int  // TZOFFSETTO, seconds east
	name     string
	rule     string // RRULE value, "" if none
}

// vtimezoneLocation builds a zone from a VTIMEZONE's own rules: the
// latest STANDARD and DAYLIGHT observances become a POSIX TZ rule
// ("PST8PDT,M3.2.0/2,M11.1.0/2"), which Go's time package evaluates for
// every year. Observances with RDATEs only or rules POSIX cannot say
// degrade to the fixed standard offset.
func vtimezoneLocation(id string, def *ical.Component) (*time.Location, error) {
	var std, dst *observance
	for _, c := range def.Children {
		if c.Name != "STANDARD" && c.Name != "DAYLIGHT" {
			continue
		}
		o, err := readObservance(c)
		if err != nil {
			return nil, err
		}
		slot := &std
		if o.daylight {
			slot = &dst
		}
		if *slot == nil || o.start.asUTC().After((*slot).start.asUTC()) {
			*slot = &o
		}
	}
	if std == nil && dst == nil {
		return nil, errors.New("VTIMEZONE has no STANDARD or DAYLIGHT")
	}
	if std == nil { // a zone that only ever lists DAYLIGHT: use it as fixed
		std, dst = dst, nil
	}
	stdName := posixName(std.name, std.to)
	tz := stdName + posixOffset(std.to)
	if dst != nil && std.rule != "" && dst.rule != "" && dst.to != std.to {
		on, ok1 := posixRule(dst.rule, dst.start)
		off, ok2 := posixRule(std.rule, std.start)
		if ok1 && ok2 {
			tz += posixName(dst.name, dst.to) + posixOffset(dst.to) + "," + on + "," + off
		}
	}
	loc, err := time.LoadLocationFromTZData(id, tzif(stdName, std.to, tz))
	if err != nil {
		return nil, fmt.Errorf("build zone from rule %q: %w", tz, err)
	}
	return loc, nil
}

func readObservance(c *ical.Component) (observance, error) {
	o := observance{daylight: c.Name == "DAYLIGHT"}
	p := c.Props.Get(ical.PropTimezoneOffsetTo)
	if p == nil {
		return o, fmt.Errorf("%s without TZOFFSETTO", c.Name)
	}
	var err error
	if o.to, err = parseOffset(p.Value); err != nil {
		return o, err
	}
	if p := c.Props.Get(ical.PropDateTimeStart); p != nil {
		dt, err := parseDateTime(p.Value)
		if err != nil {
			return o, fmt.Errorf("%s DTSTART: %w", c.Name, err)
		}
		o.start = dt.wall
	}
	if p := c.Props.Get(ical.PropTimezoneName); p != nil {
		o.name = strings.TrimSpace(p.Value)
	}
	if p := c.Props.Get(ical.PropRecurrenceRule); p != nil {
		o.rule = strings.ToUpper(strings.TrimSpace(p.Value))
	}
	return o, nil
}

// posixName is the zone abbreviation if POSIX accepts it (3 to 6
// letters), else a quoted numeric one such as <+0530>.
func posixName(name string, off int) string {
	ok := len(name) >= 3 && len(name) <= 6
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
	}
	if ok {
		return name
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("<%c%02d%02d>", sign, off/3600, off%3600/60)
}

// posixOffset writes an offset the POSIX way: hours west of UTC.
func posixOffset(east int) string {
	west := -east
	sign := ""
	if west < 0 {
		sign, west = "-", -west
	}
	s := sign + strconv.Itoa(west/3600)
	if m, sec := west%3600/60, west%60; m != 0 || sec != 0 {
		s += fmt.Sprintf(":%02d", m)
		if sec != 0 {
			s += fmt.Sprintf(":%02d", sec)
		}
	}
	return s
}

// posixRule turns a yearly VTIMEZONE RRULE into a POSIX transition date:
// BYMONTH=3;BYDAY=2SU (or -1SU, or SU with BYMONTHDAY=8..14) becomes
// M3.2.0, a fixed BYMONTHDAY becomes a Jn day; the transition time is the
// observance's DTSTART clock.
func posixRule(rule string, start wall) (string, bool) {
	var month, week, weekday, monthday = 0, 0, -1, 0
	freqYearly := false
	for _, part := range strings.Split(rule, ";") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "FREQ":
			freqYearly = v == "YEARLY"
		case "BYMONTH":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 12 {
				return "", false
			}
			month = n
		case "BYDAY":
			if len(v) < 2 {
				return "", false
			}
			wd := slices.Index([]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}, v[len(v)-2:])
			if wd < 0 {
				return "", false
			}
			weekday = wd
			if n := v[:len(v)-2]; n != "" {
				k, err := strconv.Atoi(n)
				if err != nil {
					return "", false
				}
				week = k
			}
		case "BYMONTHDAY":
			first, _, _ := strings.Cut(v, ",")
			n, err := strconv.Atoi(first)
			if err != nil || n == 0 || n < -31 || n > 31 {
				return "", false
			}
			monthday = n
		case "UNTIL", "WKST", "INTERVAL", "":
			if k == "INTERVAL" && v != "1" {
				return "", false
			}
		default:
			return "", false
		}
	}
	if !freqYearly || month == 0 {
		return "", false
	}
	var date string
	switch {
	case weekday >= 0 && week == 0 && monthday > 0: // SU;BYMONTHDAY=8,9,...,14
		date = fmt.Sprintf("M%d.%d.%d", month, min((monthday-1)/7+1, 5), weekday)
	case weekday >= 0 && week == 0 && monthday < 0: // SU;BYMONTHDAY=-7,...,-1
		date = fmt.Sprintf("M%d.5.%d", month, weekday)
	case weekday >= 0 && week >= 1 && week <= 5:
		date = fmt.Sprintf("M%d.%d.%d", month, week, weekday)
	case weekday >= 0 && week == -1:
		date = fmt.Sprintf("M%d.5.%d", month, weekday)
	case weekday < 0 && monthday > 0 && monthday <= daysIn(2001, month):
		// Jn counts days 1..365 and never counts February 29.
		date = fmt.Sprintf("J%d", time.Date(2001, time.Month(month), monthday, 0, 0, 0, 0, time.UTC).YearDay())
	default:
		return "", false
	}
	return fmt.Sprintf("%s/%d:%02d:%02d", date, start.hour, start.min, start.sec), true
}

// tzif builds a minimal TZif version 2 file with one zone type and no
// transitions, whose footer carries the POSIX rule; Go applies the footer
// rule to all times, which is how it handles years past the table anyway.
func tzif(abbr string, offset int, posix string) []byte {
	abbr = strings.Trim(abbr, "<>")
	var b []byte
	for range 2 { // the version 1 block, then the identical version 2 block
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, 0, 1, len(abbr) + 1} { // isut, isstd, leap, time, type, char counts
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		b = binary.BigEndian.AppendUint32(b, uint32(int32(offset)))
		b = append(b, 0, 0) // not DST, abbreviation index 0
		b = append(b, abbr...)
		b = append(b, 0)
	}
	b = append(b, '\n')
	b = append(b, posix...)
	return append(b, '\n')
}
