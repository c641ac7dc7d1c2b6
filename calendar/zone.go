package calendar

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"

	"github.com/followupd/followupd/internal/tidy"
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
		sign, abs := '+', off
		if off < 0 {
			sign, abs = '-', -off
		}
		name := fmt.Sprintf("UTC%c%02d:%02d", sign, abs/3600, abs%3600/60)
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
	if strings.Contains(id, "/") && strings.Contains(id, " ") { // "America/New York"
		if loc := loadIANA(strings.ReplaceAll(strings.TrimSpace(id), " ", "_")); loc != nil {
			return loc, nil
		}
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
		return nil, fmt.Errorf("%w %q (no VTIMEZONE for it)", errUnknownZone, tidy.TruncateRunes(id, 80))
	}
	if p := def.Props.Get("X-LIC-LOCATION"); p != nil {
		if loc := loadIANA(cleanTZID(p.Value)); loc != nil {
			return loc, nil
		}
	}
	loc, err := vtimezoneLocation(id, def)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", errUnknownZone, tidy.TruncateRunes(id, 80), err)
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
	from, to int  // TZOFFSETFROM and TZOFFSETTO, seconds east
	name     string
	rule     string // RRULE value, "" if none
	rdates   []wall
}

// openEnded reports whether the observance's rule runs forever.
func (o *observance) openEnded() bool {
	return o.rule != "" && !strings.Contains(o.rule, "UNTIL=") && !strings.Contains(o.rule, "COUNT=")
}

// Bounds of the transitions one VTIMEZONE may make.
const (
	maxOnsets    = 1000 // per observance
	horizonYear  = 2100 // open-ended rules that no POSIX footer can carry
	maxZoneTypes = 200
)

// vtimezoneLocation builds a zone from a VTIMEZONE's own observances: every
// onset (DTSTART, RDATEs, the RRULE's dates up to its UNTIL or COUNT, or up
// to the next observance of the same kind) becomes a transition of a TZif
// table. When the latest STANDARD and DAYLIGHT rules run forever and POSIX
// can say them ("PST8PDT,M3.2.0/2,M11.1.0/2"), they become the table's
// footer, which Go applies to every later time; otherwise open-ended rules
// are written out up to horizonYear. Observances given by DTSTART alone
// (a zone whose offset changed once, or a list of yearly changes) count
// like any other.
func vtimezoneLocation(id string, def *ical.Component) (*time.Location, error) {
	var obs []observance
	for _, c := range def.Children {
		if c.Name != "STANDARD" && c.Name != "DAYLIGHT" {
			continue
		}
		o, err := readObservance(c)
		if err != nil {
			return nil, err
		}
		obs = append(obs, o)
	}
	if len(obs) == 0 {
		return nil, errors.New("VTIMEZONE has no STANDARD or DAYLIGHT")
	}
	var std, dst *observance // the latest of each kind
	for i := range obs {
		o := &obs[i]
		slot := &std
		if o.daylight {
			slot = &dst
		}
		if *slot == nil || o.start.asUTC().After((*slot).start.asUTC()) {
			*slot = o
		}
	}
	footer := ""
	if std != nil && dst != nil && std.openEnded() && dst.openEnded() && dst.to != std.to {
		on, ok1 := posixRule(dst.rule, dst.start)
		off, ok2 := posixRule(std.rule, std.start)
		if ok1 && ok2 {
			footer = posixName(std.name, std.to) + posixOffset(std.to) +
				posixName(dst.name, dst.to) + posixOffset(dst.to) + "," + on + "," + off
		}
	}
	var trans []transition
	for i := range obs {
		o := &obs[i]
		inFooter := footer != "" && (o == std || o == dst)
		trans = append(trans, o.onsets(obs, inFooter)...)
	}
	slices.SortStableFunc(trans, func(a, b transition) int { return cmp.Compare(a.at, b.at) })
	if footer == "" && len(trans) > 0 {
		// After the last transition its offset holds: say so in the
		// footer too, as Go wants a footer to agree with the table.
		last := trans[len(trans)-1]
		if !last.dst {
			footer = posixName(last.name, last.off) + posixOffset(last.off)
		}
	}
	data, err := tzifTable(trans, footer)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocationFromTZData(id, data)
	if err != nil {
		return nil, fmt.Errorf("build zone from VTIMEZONE: %w", err)
	}
	return loc, nil
}

// transition is one change of offset: from instant at (Unix seconds) on.
type transition struct {
	at   int64
	off  int
	dst  bool
	name string
	// before is the offset in force before it (TZOFFSETFROM).
	before int
}

// onsets lists the transitions observance o makes. An observance whose
// rule the footer carries gives its first onset only.
func (o *observance) onsets(all []observance, inFooter bool) []transition {
	walls := append([]wall{o.start}, o.rdates...)
	if o.rule != "" && !inFooter {
		walls = append(walls, o.ruleOnsets(all)...)
	}
	out := make([]transition, 0, len(walls))
	for _, w := range walls {
		out = append(out, transition{at: w.asUTC().Unix() - int64(o.from), off: o.to, dst: o.daylight, name: o.name, before: o.from})
	}
	return out
}

// ruleOnsets expands the observance's RRULE (DTSTART itself excepted): up
// to its UNTIL or COUNT, to the next observance of the same kind when it is
// open-ended, and never past horizonYear or maxOnsets.
func (o *observance) ruleOnsets(all []observance) []wall {
	dtstart := o.start.asUTC()
	var stop time.Time
	if o.openEnded() {
		for i := range all {
			q := &all[i]
			if q.daylight == o.daylight && q.start.asUTC().After(dtstart) && (stop.IsZero() || q.start.asUTC().Before(stop)) {
				stop = q.start.asUTC()
			}
		}
	}
	rule, err := buildRule(o.rule, dtstart, time.Time{}, func(dt dateTime) (time.Time, error) {
		if dt.utc { // UNTIL in UTC: the onset's wall reading is ahead by from
			return dt.asUTC().Add(time.Duration(o.from) * time.Second), nil
		}
		return dt.asUTC(), nil
	})
	if err != nil {
		return nil
	}
	var out []wall
	next := rule.Iterator()
	for range maxOnsets {
		t, ok := next()
		if !ok || t.Year() > horizonYear || !stop.IsZero() && !t.Before(stop) {
			break
		}
		if !t.Equal(dtstart) {
			out = append(out, wallOf(t))
		}
	}
	return out
}

// tzifTable builds a TZif version 2 file from sorted transitions and a
// POSIX footer. Type 0, which no transition uses, is the offset before the
// first transition: Go takes it for earlier times.
func tzifTable(trans []transition, footer string) ([]byte, error) {
	type zoneType struct {
		off  int
		dst  bool
		name string
	}
	var types []zoneType
	var chars []byte
	abbrAt := map[string]int{}
	abbr := func(name string, off int) int {
		name = strings.Trim(posixName(name, off), "<>")
		if i, ok := abbrAt[name]; ok {
			return i
		}
		abbrAt[name] = len(chars)
		chars = append(chars, name...)
		chars = append(chars, 0)
		return abbrAt[name]
	}
	typeOf := func(t zoneType) int {
		for i := 1; i < len(types); i++ {
			if types[i] == t {
				return i
			}
		}
		types = append(types, t)
		return len(types) - 1
	}
	first := zoneType{off: 0, name: "UTC"}
	if len(trans) > 0 {
		first = zoneType{off: trans[0].before, name: ""}
	}
	types = append(types, first)
	idx := make([]byte, 0, len(trans))
	var times []int64
	for _, t := range trans {
		if len(times) > 0 && times[len(times)-1] == t.at {
			times, idx = times[:len(times)-1], idx[:len(idx)-1] // the later-listed wins
		}
		i := typeOf(zoneType{off: t.off, dst: t.dst, name: t.name})
		if i >= maxZoneTypes {
			return nil, errors.New("VTIMEZONE has too many different offsets")
		}
		times = append(times, t.at)
		idx = append(idx, byte(i))
	}
	var b []byte
	header := func(timeCount, typeCount int) {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, timeCount, typeCount, len(chars)} { // isut, isstd, leap, time, type, char counts
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
	}
	ttinfo := func() {
		for _, t := range types {
			b = binary.BigEndian.AppendUint32(b, uint32(int32(t.off)))
			dst := byte(0)
			if t.dst {
				dst = 1
			}
			b = append(b, dst, byte(abbr(t.name, t.off)))
		}
	}
	// Abbreviations first, so that chars is complete for both headers.
	for _, t := range types {
		abbr(t.name, t.off)
	}
	// Version 1 block: the types without transitions (Go skips it).
	header(0, len(types))
	ttinfo()
	b = append(b, chars...)
	// Version 2 block, with 64-bit transition times.
	header(len(times), len(types))
	for _, at := range times {
		b = binary.BigEndian.AppendUint64(b, uint64(at))
	}
	b = append(b, idx...)
	ttinfo()
	b = append(b, chars...)
	b = append(b, '\n')
	b = append(b, footer...)
	return append(b, '\n'), nil
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
	o.from = o.to
	if p := c.Props.Get(ical.PropTimezoneOffsetFrom); p != nil {
		if o.from, err = parseOffset(p.Value); err != nil {
			return o, err
		}
	}
	if p := c.Props.Get(ical.PropDateTimeStart); p != nil {
		dt, err := parseDateTime(p.Value)
		if err != nil {
			return o, fmt.Errorf("%s DTSTART: %w", c.Name, err)
		}
		o.start = dt.wall
	} else {
		o.start = wall{1970, 1, 1, 0, 0, 0}
	}
	if p := c.Props.Get(ical.PropTimezoneName); p != nil {
		o.name = strings.TrimSpace(p.Value)
	}
	if p := c.Props.Get(ical.PropRecurrenceRule); p != nil {
		o.rule = strings.ToUpper(strings.TrimSpace(p.Value))
	}
	for _, p := range c.Props[ical.PropRecurrenceDates] {
		for _, item := range strings.Split(p.Value, ",") {
			item, _, _ = strings.Cut(strings.TrimSpace(item), "/")
			if dt, err := parseDateTime(item); err == nil && len(o.rdates) < maxOnsets {
				o.rdates = append(o.rdates, dt.wall)
			}
		}
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
		case "BYHOUR", "BYMINUTE", "BYSECOND": // Lotus Notes says the clock here
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 59 || k == "BYHOUR" && n > 23 {
				return "", false
			}
			switch k {
			case "BYHOUR":
				start.hour = n
			case "BYMINUTE":
				start.min = n
			default:
				start.sec = n
			}
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
