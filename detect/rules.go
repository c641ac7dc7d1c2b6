package detect

import (
	"strings"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// rules is what deciding an event needs from the config, worked out once
// for all the events of a calendar. It is only read after newRules, by any
// number of goroutines.
type rules struct {
	cfg      *config.Config
	keywords phrases // cfg.Detect.Keywords
	exclude  phrases // cfg.Detect.Exclude
	// ownerWords are the words of the owner's name as written, ownerName
	// those of the name parseName reads from it (nil when it reads none).
	ownerWords, ownerName []string
	ownerPhone            string          // the digits of the owner's number
	ownDomains            map[string]bool // registrable domains of the owner's addresses
}

func newRules(cfg *config.Config) *rules {
	ru := &rules{
		cfg:        cfg,
		keywords:   newPhrases(cfg.Detect.Keywords),
		exclude:    newPhrases(cfg.Detect.Exclude),
		ownerWords: words(cfg.Owner.Name),
		ownerPhone: digits(cfg.Owner.Phone),
		ownDomains: map[string]bool{},
	}
	if n, _ := parseName(cfg.Owner.Name); n != "" {
		ru.ownerName = words(n)
	}
	for _, a := range append([]string{cfg.Owner.Email}, cfg.Owner.Aliases...) {
		if _, d, ok := strings.Cut(a, "@"); ok {
			reg, _ := registrable(d)
			ru.ownDomains[reg] = true
		}
	}
	return ru
}

// phrases are keywords or excludes with their words.
type phrases struct {
	text  []string
	words [][]string // words[i] are the words of text[i]; empty ones never match
	// nonEmpty are the words of the phrases that have some, in order.
	nonEmpty [][]string
}

func newPhrases(ps []string) phrases {
	out := phrases{text: ps, words: make([][]string, len(ps))}
	for i, p := range ps {
		out.words[i] = words(p)
		if len(out.words[i]) > 0 {
			out.nonEmpty = append(out.nonEmpty, out.words[i])
		}
	}
	return out
}

// first returns the first phrase found in any of the texts (given as their
// words).
func (ps phrases) first(texts ...[]string) (string, bool) {
	for i, pw := range ps.words {
		for _, t := range texts {
			if containsPhrase(t, pw) {
				return ps.text[i], true
			}
		}
	}
	return "", false
}

// maxCached bounds each of a detector's caches: a calendar names a few
// hundred people and domains, a hostile one millions.
const maxCached = 4096

// detector decides events for one goroutine: the shared rules, and caches
// of what it reads from the names and domains that come back in event after
// event. Everything cached is a pure function of its key.
type detector struct {
	*rules
	names   map[string]parsedName
	domains map[string]domainInfo
	words   []string // scratch for eventText
}

func newDetector(ru *rules) *detector {
	return &detector{rules: ru, names: map[string]parsedName{}, domains: map[string]domainInfo{}}
}

// parsedName is what parseName reads from a CN, and the words of the name.
type parsedName struct {
	name  string
	hon   interview.Honorific
	words []string
}

// parseName is parseName(cn) with the name's words, from the cache if it
// can.
func (d *detector) parseName(cn string) parsedName {
	if p, ok := d.names[cn]; ok {
		return p
	}
	var p parsedName
	p.name, p.hon = parseName(cn)
	if p.name != "" {
		p.words = words(p.name)
	}
	if d.names != nil && len(d.names) < maxCached {
		d.names[cn] = p
	}
	return p
}

// domainInfo is what the rules read from an address's domain.
type domainInfo struct {
	reg, label string // registrable(domain)
	generic    bool   // isGeneric
	service    bool   // isServiceDomain(domain)
}

func (d *detector) domain(domain string) domainInfo {
	if i, ok := d.domains[domain]; ok {
		return i
	}
	var i domainInfo
	i.reg, i.label = registrable(domain)
	i.service = isServiceDomain(domain)
	i.generic = isGeneric(domain, i.reg, i.label)
	if d.domains != nil && len(d.domains) < maxCached {
		d.domains[domain] = i
	}
	return i
}
