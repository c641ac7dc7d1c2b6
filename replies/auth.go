package replies

import (
	"fmt"
	"strings"

	"github.com/emersion/go-message/mail"
)

// Authorize reports whether the message may command followupd, judged from its
// header alone: the From address must be the owner's or an alias, and the
// owner's own receiving server must not report that the message failed
// authentication. reason says why not; it is "" when ok.
//
// The owner's own server's verdict is the topmost Authentication-Results
// header, or with r.AuthservID the topmost one with that authserv-id; the
// headers with the same authserv-id right below it count too (OpenDKIM,
// OpenDMARC and an SPF policy daemon each add their own), up to the next
// Received header or a header from another authserv-id. Everything further
// down may have been written by the sender. Refused is a message for which
// that verdict says dmarc=fail, or has a dkim or spf fail that no pass for
// the From domain (dmarc, or an aligned dkim or spf) cancels. A pass cancels
// the fails of its own header, and a pass in the topmost header (certainly
// the server's) those of every header: the sender may have written a header
// with the server's authserv-id right below the server's own, and its pass
// must not outweigh the server's fail.
func Authorize(h mail.Header, r Rules) (ok bool, reason string) {
	if r.Owner.Email == "" {
		return false, "no owner address is configured"
	}
	from := senderAddress(h)
	if from == "" {
		return false, "the message has no single readable From address"
	}
	if !r.Owner.IsOwner(from) {
		return false, fmt.Sprintf("sender %s is not the owner", from)
	}
	id, headers := ownServerResults(h, r.AuthservID)
	if why := authFailure(headers, domainOf(from)); why != "" {
		who := "the receiving server"
		if id != "" {
			who = id
		}
		return false, fmt.Sprintf("Authentication-Results from %s: %s", who, why)
	}
	return true, ""
}

// ownServerResults picks the headers written by the owner's own server (see
// Authorize), topmost first, each as its list of results, and the
// authserv-id they carry.
func ownServerResults(h mail.Header, authservID string) (id string, headers [][]authResult) {
	want := strings.ToLower(strings.TrimSpace(authservID))
	started := false
	fields := h.Fields()
	for fields.Next() {
		switch strings.ToLower(fields.Key()) {
		case "received":
			if started {
				return id, headers
			}
		case "authentication-results":
			ar := parseAuthResults(fields.Value())
			switch {
			case !started && want != "" && ar.servID != want:
				continue
			case !started:
				started, id = true, ar.servID
			case ar.servID != id:
				return id, headers
			}
			headers = append(headers, ar.results)
		}
	}
	return id, headers
}

// authFailure says what failed, or "" when nothing did. headers are the
// owner's server's headers, topmost first.
func authFailure(headers [][]authResult, fromDomain string) string {
	topPass := len(headers) > 0 && hasPass(headers[0], fromDomain)
	for _, results := range headers {
		var failed []string
		for _, res := range results {
			switch {
			case res.method == "dmarc" && res.result == "fail":
				return "dmarc=fail"
			case (res.method == "dkim" || res.method == "spf") && (res.result == "fail" || res.result == "hardfail"):
				failed = append(failed, res.method+"="+res.result)
			}
		}
		if len(failed) > 0 && !topPass && !hasPass(results, fromDomain) {
			return strings.Join(failed, ", ") + " and no dkim or spf pass for " + fromDomain
		}
	}
	return ""
}

// hasPass reports whether results vouch for fromDomain: dmarc=pass, or a
// dkim or spf pass for it (or for no named domain).
func hasPass(results []authResult, fromDomain string) bool {
	for _, res := range results {
		switch {
		case res.result != "pass":
		case res.method == "dmarc":
			return true
		case res.method == "dkim" || res.method == "spf":
			if d := res.domain(); d == "" || aligned(d, fromDomain) {
				return true
			}
		}
	}
	return false
}

// domain is the identity a dkim or spf result vouches for, lower-cased, ""
// when the result names none.
func (r authResult) domain() string {
	var v string
	switch r.method {
	case "dkim":
		v = r.props["header.d"]
		if v == "" {
			v = r.props["header.i"]
		}
	case "spf":
		v = r.props["smtp.mailfrom"]
		if v == "" {
			v = r.props["smtp.helo"]
		}
	}
	return domainOf(v)
}

// domainOf is the part after the last @ (the whole string when it has none),
// lower-cased, without a trailing dot.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		addr = addr[i+1:]
	}
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(addr)), ".")
}

// aligned is DMARC's relaxed alignment without a public-suffix list: the same
// domain, or one a subdomain of the other, where the shorter has a dot (so a
// bare top-level domain never aligns).
func aligned(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	return strings.Contains(b, ".") && strings.HasSuffix(a, "."+b)
}

// IsAutoReply reports whether the message was sent by a machine on the
// owner's behalf (vacation notice, out-of-office, bulk or report message):
// such messages are ignored.
func IsAutoReply(h mail.Header) bool { return autoReplyReason(h) != "" }

// autoReplyReason says why the message counts as automatic, or "".
func autoReplyReason(h mail.Header) string {
	if v := headerWord(h.Get("Auto-Submitted")); v != "" && v != "no" {
		return "auto-submitted message (Auto-Submitted: " + v + ")"
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Auto-Reply"} {
		if v := headerWord(h.Get(k)); v != "" && v != "no" && v != "false" {
			return "auto-reply (" + k + ")"
		}
	}
	switch p := headerWord(h.Get("Precedence")); p {
	case "auto_reply", "bulk", "junk":
		return "automatic message (Precedence: " + p + ")"
	}
	if t, _, err := h.ContentType(); err == nil && t == "multipart/report" {
		return "delivery or read report"
	}
	subject, _ := h.Subject()
	s := strings.ToLower(strings.TrimSpace(subject))
	// The subjects of out-of-office notices of common clients and servers.
	for _, p := range []string{
		"out of office", "out-of-office", "automatic reply", "auto reply", "auto-reply",
		"autoreply", "auto:", "abwesenheitsnotiz", "abwesend", "automatische antwort",
		"réponse automatique", "absence", "respuesta automática", "fuera de la oficina",
		"risposta automatica", "fuori sede", "afwezig", "automatisch antwoord",
	} {
		if strings.HasPrefix(s, p) {
			return "out-of-office reply"
		}
	}
	return ""
}

// headerWord is a header value's first word, lower-cased, without a
// parameter list or comment ("auto-replied; owner-email=..." → "auto-replied").
func headerWord(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "; \t("); i >= 0 {
		v = v[:i]
	}
	return v
}
