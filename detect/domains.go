package detect

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// The tables below are read-only after initialization.

// mailProviderLabels are registrable-domain labels of mail providers found
// under many top-level domains (gmail.com, yahoo.co.uk, outlook.de): an
// address there says nothing about an employer.
var mailProviderLabels = map[string]bool{
	"gmail": true, "googlemail": true, "yahoo": true, "ymail": true, "rocketmail": true,
	"hotmail": true, "outlook": true, "live": true, "msn": true, "windowslive": true,
	"aol": true, "icloud": true, "gmx": true, "yandex": true, "protonmail": true,
	"zoho": true, "zohomail": true, "mail": true, "qq": true, "163": true, "126": true,
	"sina": true, "tutanota": true, "libero": true, "rediffmail": true, "naver": true,
	"seznam": true, "rambler": true, "laposte": true,
}

// mailProviderDomains are mail providers known by their whole domain.
var mailProviderDomains = map[string]bool{
	"me.com": true, "mac.com": true, "web.de": true, "t-online.de": true, "posteo.de": true,
	"mailbox.org": true, "hey.com": true, "fastmail.com": true, "fastmail.fm": true,
	"proton.me": true, "pm.me": true, "tuta.io": true, "tuta.com": true, "hushmail.com": true,
	"runbox.com": true, "email.com": true, "usa.com": true, "inbox.com": true,
	"orange.fr": true, "free.fr": true, "wanadoo.fr": true, "sfr.fr": true,
	"comcast.net": true, "verizon.net": true, "att.net": true, "sbcglobal.net": true,
	"bellsouth.net": true, "cox.net": true, "charter.net": true, "earthlink.net": true,
	"btinternet.com": true, "sky.com": true, "virginmedia.com": true, "shaw.ca": true,
	"rogers.com": true, "bigpond.com": true, "optusnet.com.au": true, "inbox.ru": true,
	"bk.ru": true, "list.ru": true, "ukr.net": true,
}

// serviceDomains are scheduling, applicant-tracking, video-call and calendar
// services. Their addresses are never interviewers and their domains never
// the company. Each entry also covers its subdomains (hire.lever.co,
// resource.calendar.google.com). Employers that also run such a service
// under their main domain (google.com, microsoft.com, workday.com) are
// listed only by the service's own subdomain.
var serviceDomains = []string{
	// Calendars and video calls.
	"calendar.google.com", "teams.microsoft.com", "zoom.us", "zoom.com", "zoomgov.com",
	"webex.com", "bluejeans.com", "gotomeeting.com", "whereby.com",
	// Scheduling links.
	"calendly.com", "doodle.com", "cal.com", "youcanbook.me", "meetings.hubspot.com",
	"savvycal.com", "chilipiper.com", "acuityscheduling.com", "setmore.com",
	"tidycal.com", "oncehub.com", "reclaim.ai",
	// Applicant tracking and interview scheduling.
	"greenhouse.io", "greenhouse-mail.io", "lever.co", "myworkday.com", "myworkdayjobs.com",
	"ashbyhq.com", "smartrecruiters.com", "icims.com", "jobvite.com", "bamboohr.com",
	"recruitee.com", "teamtailor.com", "teamtailor-mail.com", "workable.com",
	"workablemail.com", "goodtime.io", "paradox.ai", "hirevue.com", "gem.com",
	"modernloop.io", "prelude.co", "breezy.hr", "jazzhr.com", "applytojob.com",
	"recruiterbox.com", "indeedemail.com",
}

// underDomain reports whether domain is d or a subdomain of it.
func underDomain(domain, d string) bool {
	n := len(domain) - len(d)
	return domain == d || n > 0 && domain[n-1] == '.' && domain[n:] == d
}

// isServiceDomain reports whether domain belongs to a scheduling, tracking
// or calendar service.
func isServiceDomain(domain string) bool {
	for _, d := range serviceDomains {
		if underDomain(domain, d) {
			return true
		}
	}
	return false
}

// registrable returns the registrable domain (public suffix plus one label:
// eng.acme.co.uk → acme.co.uk) and its first label ("acme"). For a name the
// public suffix list cannot place it falls back to the last two labels.
func registrable(domain string) (reg, label string) {
	domain = strings.Trim(strings.ToLower(domain), ".")
	reg, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		parts := strings.Split(domain, ".")
		if len(parts) < 2 {
			return domain, domain
		}
		reg = strings.Join(parts[len(parts)-2:], ".")
	}
	label, _, _ = strings.Cut(reg, ".")
	return reg, label
}

// isGeneric reports whether an address at domain, whose registrable domain
// and its label are reg and label, says nothing about an employer: a mail
// provider or a service.
func isGeneric(domain, reg, label string) bool {
	return mailProviderLabels[label] || mailProviderDomains[reg] || isServiceDomain(domain) || isServiceDomain(reg)
}

// companyFromLabel turns a registrable label into a company name: "acme" →
// "Acme", "acme-corp" → "Acme-Corp"; a punycode label is decoded first. A
// label of anything but letters, digits and hyphens gives "".
func companyFromLabel(label string) string {
	if strings.HasPrefix(label, "xn--") {
		u, err := idna.ToUnicode(label)
		if err != nil {
			return ""
		}
		label = u
	}
	if label == "" || strings.ContainsFunc(label, func(r rune) bool {
		return r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		return "" // not a host name label ("xn--a" decodes to a control character)
	}
	parts := strings.Split(label, "-")
	for i, p := range parts {
		r := []rune(p)
		if len(r) > 0 {
			r[0] = unicode.ToUpper(r[0])
		}
		parts[i] = string(r)
	}
	return strings.Join(parts, "-")
}
