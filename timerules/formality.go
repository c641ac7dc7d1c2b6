package timerules

import (
	"strings"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// Formality is the register for an interview's thank-you, decided here and
// nowhere else: chosen, the owner's choice for the interview ("formal" or
// "casual"; the store copies a choice remembered under the company's
// CompanyKey onto its new interviews), else the [[company]] rule that names
// its company or one of its interviewers' domains, else casual.
func Formality(iv interview.Interview, chosen string, cfg *config.Config) config.Formality {
	switch f := config.Formality(chosen); f {
	case config.Formal, config.Casual:
		return f
	}
	for _, c := range cfg.Companies {
		if iv.Company != "" && strings.EqualFold(c.Name, iv.Company) {
			return c.Formality
		}
		if !c.IsDomain() {
			continue
		}
		m := strings.TrimPrefix(c.Match, "@")
		for _, p := range iv.Interviewers {
			_, domain, ok := strings.Cut(strings.ToLower(p.Email), "@")
			if ok && (domain == m || strings.HasSuffix(domain, "."+m)) {
				return c.Formality
			}
		}
	}
	return config.Casual
}

// CompanyKey is the name an owner's formality choice is remembered under:
// spaces trimmed and ASCII letters lower-cased, exactly as SQLite's trim()
// and lower() make it, so that the store's triggers (migration 0002), which
// copy a remembered choice onto a new interview, find it.
func CompanyKey(company string) string {
	b := []byte(strings.Trim(company, " "))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
