package detect

import "strings"

// SenderCompany says what an email address tells about an employer: the
// company its registrable domain names ("jane@eng.acme.co.uk" → "Acme"), and
// whether the address is at a mail provider or at a scheduling,
// applicant-tracking or calendar service (generic: the domain names no
// employer, and company is ""). An address without a domain gives "", false.
func SenderCompany(addr string) (company string, generic bool) {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	if !ok || domain == "" {
		return "", false
	}
	reg, label := registrable(domain)
	if isGeneric(domain, reg, label) {
		return "", true
	}
	return companyFromLabel(label), false
}

// IsServiceAddress reports whether addr is at a scheduling,
// applicant-tracking, video-call or calendar service (hire.lever.co,
// calendly.com, ...).
func IsServiceAddress(addr string) bool {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	if !ok || domain == "" {
		return false
	}
	reg, _ := registrable(domain)
	return isServiceDomain(domain) || isServiceDomain(reg)
}
