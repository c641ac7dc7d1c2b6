package replies

import (
	"strings"
	"testing"

	"bufio"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/emersion/go-message"
	"github.com/followupd/followupd/config"
)

// header reads a header block written one field per line (continuation
// lines start with white space).
func header(t *testing.T, lines ...string) mail.Header {
	t.Helper()
	th, err := textproto.ReadHeader(bufio.NewReader(strings.NewReader(strings.Join(lines, "\r\n") + "\r\n\r\n")))
	if err != nil {
		t.Fatalf("read header: %v", err)
	}
	return mail.Header{Header: message.Header{Header: th}}
}

func TestParseAuthResults(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		servID string
		want   []string // "method=result key=value ..." with props sorted as listed
	}{
		{
			name: "gmail",
			value: "mx.google.com;\r\n       dkim=pass header.i=@example.org header.s=google header.b=Ab12Cd34;\r\n" +
				"       spf=pass (google.com: domain of alex@example.org designates 209.85.220.41 as permitted sender) smtp.mailfrom=alex@example.org;\r\n" +
				"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org",
			servID: "mx.google.com",
			want:   []string{"dkim=pass header.i=@example.org", "spf=pass smtp.mailfrom=alex@example.org", "dmarc=pass header.from=example.org"},
		},
		{
			name: "microsoft 365 has no authserv-id",
			value: "spf=pass (sender IP is 40.107.22.101)\r\n smtp.mailfrom=example.org; dkim=pass (signature was verified)\r\n" +
				" header.d=example.org;dmarc=fail action=oreject\r\n header.from=example.org;compauth=fail reason=000",
			servID: "",
			want:   []string{"spf=pass smtp.mailfrom=example.org", "dkim=pass header.d=example.org", "dmarc=fail action=oreject header.from=example.org", "compauth=fail"},
		},
		{
			name: "fastmail",
			value: "mx6.messagingengine.com;\r\n    dkim=pass (2048-bit rsa key sha256) header.d=example.org\r\n      header.i=@example.org header.b=rT9v6Ukp header.a=rsa-sha256\r\n" +
				"      header.s=fm2 x-bits=2048;\r\n    dmarc=pass policy.published-domain-policy=none\r\n      (p=none,d=none,d.eval=none) policy.policy-from=p\r\n      header.from=example.org;\r\n" +
				"    iprev=pass smtp.remote-ip=103.168.172.155 (fout-a4-smtp.messagingengine.com);\r\n    spf=pass smtp.mailfrom=alex@example.org\r\n      smtp.helo=fout-a4-smtp.messagingengine.com;\r\n" +
				"    x-aligned-from=pass (Address match);\r\n    x-me-sender=none",
			servID: "mx6.messagingengine.com",
			want: []string{"dkim=pass header.d=example.org", "dmarc=pass header.from=example.org", "iprev=pass smtp.remote-ip=103.168.172.155",
				"spf=pass smtp.helo=fout-a4-smtp.messagingengine.com", "x-aligned-from=pass", "x-me-sender=none"},
		},
		{
			name:   "opendkim with a quoted header.b and a version",
			value:  `mail.example.org 1; dkim=pass (2048-bit key; unprotected) header.d=example.org header.i=@example.org header.b="AbC/dEf+"`,
			servID: "mail.example.org",
			want:   []string{"dkim=pass header.b=AbC/dEf+ header.d=example.org"},
		},
		{
			name:   "opendmarc",
			value:  "mail.example.org; dmarc=fail (p=reject dis=none) header.from=example.org",
			servID: "mail.example.org",
			want:   []string{"dmarc=fail header.from=example.org"},
		},
		{
			name:   "no result",
			value:  "mx.example.org; none",
			servID: "mx.example.org",
			want:   nil,
		},
		{
			name:   "spaces around equals, method version, reason, nested comment, upper case",
			value:  `MX.Example.ORG; DKIM/1 = Fail reason="signature (bad) expired" (outer (inner; x=y) comment) header.d = Example.org; spf=PASS smtp.mailfrom="alex@example.org"`,
			servID: "mx.example.org",
			want:   []string{"dkim=fail header.d=Example.org", "spf=pass smtp.mailfrom=alex@example.org"},
		},
		{
			name:   "base64 padding in an unquoted value",
			value:  "mx.example.org; dkim=pass header.b=Ab12== header.d=example.org",
			servID: "mx.example.org",
			want:   []string{"dkim=pass header.b=Ab12== header.d=example.org"},
		},
		{
			name:   "garbage between statements is skipped",
			value:  "mx.example.org; ;; garbage words here; =; spf=; =pass; dmarc=fail (unclosed",
			servID: "mx.example.org",
			want:   []string{"dmarc=fail"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ar := parseAuthResults(tt.value)
			if ar.servID != tt.servID {
				t.Errorf("servID = %q, want %q", ar.servID, tt.servID)
			}
			if len(ar.results) != len(tt.want) {
				t.Fatalf("got %d results %+v, want %d", len(ar.results), ar.results, len(tt.want))
			}
			for i, w := range tt.want {
				f := strings.Fields(w)
				got := ar.results[i]
				if got.method+"="+got.result != f[0] {
					t.Errorf("result %d = %s=%s, want %s", i, got.method, got.result, f[0])
				}
				for _, kv := range f[1:] {
					k, v, _ := strings.Cut(kv, "=")
					if got.props[k] != v {
						t.Errorf("result %d %s = %q, want %q", i, k, got.props[k], v)
					}
				}
			}
		})
	}
	if r := parseAuthResults(`mx.example.org; dkim=fail reason="bad signature" header.d=example.org`).results[0]; r.reason != "bad signature" {
		t.Errorf("reason = %q, want %q", r.reason, "bad signature")
	}
}

func TestAuthorize(t *testing.T) {
	const from = "From: Alex Morgan <alex.morgan@example.org>"
	const received = "Received: from mail.evil.example by mx.example.org (Postfix) with ESMTP id 1; Wed, 2 Dec 2026 13:00:04 -0500"
	tests := []struct {
		name       string
		authservID string
		lines      []string
		ok         bool
		reason     string // substring
	}{
		{name: "owner, no Authentication-Results", lines: []string{from}, ok: true},
		{name: "alias, any case", lines: []string{"From: ALEX@Example.ORG"}, ok: true},
		{name: "stranger", lines: []string{"From: jane@acme.example.com"}, reason: "sender jane@acme.example.com is not the owner"},
		{name: "no From", lines: []string{"Subject: hi"}, reason: "no single readable From"},
		{name: "group of two", lines: []string{"From: alex@example.org, jane@acme.example.com"}, reason: "no single readable From"},
		{name: "dmarc fail", authservID: "mx.example.org",
			lines:  []string{"Authentication-Results: mx.example.org; dkim=pass header.d=example.org; dmarc=fail header.from=example.org", from},
			reason: "Authentication-Results from mx.example.org: dmarc=fail"},
		{name: "spf fail, dkim none", lines: []string{"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=none", from},
			reason: "spf=fail and no dkim or spf pass for example.org"},
		{name: "spf hardfail", lines: []string{"Authentication-Results: mx.example.org; spf=hardfail smtp.mailfrom=example.org", from},
			reason: "spf=hardfail"},
		{name: "a pass the sender wrote below the server's fail does not cancel it",
			lines: []string{received,
				"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=alex.morgan@example.org; dkim=none",
				"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alex.morgan@example.org", from},
			reason: "spf=fail"},
		{name: "same, with authserv_id set", authservID: "mx.example.org",
			lines: []string{received,
				"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=alex.morgan@example.org; dkim=none",
				"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alex.morgan@example.org", from},
			reason: "spf=fail"},
		{name: "the server's topmost dmarc=pass outweighs an spf fail in its next header",
			lines: []string{received,
				"Authentication-Results: mx.example.org; dmarc=pass header.from=example.org",
				"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=lists.example.net", from}, ok: true},
		{name: "spf softfail is not a fail", lines: []string{"Authentication-Results: mx.example.org; spf=softfail smtp.mailfrom=example.org; dkim=none", from}, ok: true},
		{name: "spf fail with an aligned dkim pass (forwarded)",
			lines: []string{"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=lists.example.net; dkim=pass header.d=mail.example.org", from}, ok: true},
		{name: "spf fail with a dkim pass for another domain",
			lines:  []string{"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=pass header.d=evil.example", from},
			reason: "spf=fail"},
		{name: "dkim pass for a bare top-level domain does not align",
			lines:  []string{"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=pass header.d=org", from},
			reason: "spf=fail"},
		{name: "one signature fails, another passes",
			lines: []string{"Authentication-Results: mx.example.org; dkim=fail header.d=example.org; dkim=pass header.i=@example.org", from}, ok: true},
		{name: "a pass that names no domain counts",
			lines: []string{"Authentication-Results: mx.example.org; dkim=fail header.d=example.org; spf=pass", from}, ok: true},
		{name: "Microsoft 365 without authserv-id", lines: []string{
			"Authentication-Results: spf=fail (sender IP is 203.0.113.66)\r\n smtp.mailfrom=example.org; dkim=none (message not signed)\r\n header.d=none;dmarc=fail action=oreject\r\n header.from=example.org;compauth=fail reason=000", from},
			reason: "Authentication-Results from the receiving server: dmarc=fail"},
		{name: "sender's failing header below the owner's server's is ignored", authservID: "mx.example.org", lines: []string{
			"Authentication-Results: mx.example.org; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
			received, "Authentication-Results: mail.evil.example; dmarc=fail", from}, ok: true},
		{name: "same, without authserv_id: only the topmost counts", lines: []string{
			"Authentication-Results: mx.example.org; dmarc=pass header.from=example.org",
			"Authentication-Results: mail.evil.example; dmarc=fail", from}, ok: true},
		{name: "sender's passing header below cannot hide the fail", authservID: "mx.example.org", lines: []string{
			"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=none",
			received, "Authentication-Results: mx.example.org; dkim=pass header.d=example.org", from},
			reason: "spf=fail"},
		{name: "without authserv_id the sender's passing header below cannot hide the fail", lines: []string{
			"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=none",
			"Authentication-Results: mail.evil.example; dkim=pass header.d=example.org", from},
			reason: "spf=fail"},
		{name: "OpenDKIM, OpenDMARC and SPF headers of one server read together", authservID: "mx.example.org", lines: []string{
			"Authentication-Results: mx.example.org; dmarc=pass (p=none dis=none) header.from=example.org",
			"DKIM-Filter: OpenDKIM Filter v2.11.0 mx.example.org 4Qm7Zr0lWbz9tG",
			"Authentication-Results: mx.example.org; dkim=pass (2048-bit key) header.d=example.org header.i=@example.org header.b=\"Xq2vB1aP\"",
			"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=bounces.example.net",
			received, from}, ok: true},
		{name: "with authserv_id a relay's header on top is passed over", authservID: "mx.example.org", lines: []string{
			"Authentication-Results: filter.example.net; dmarc=fail",
			"Authentication-Results: mx.example.org; dmarc=pass header.from=example.org", from}, ok: true},
		{name: "without authserv_id the topmost is taken", lines: []string{
			"Authentication-Results: filter.example.net; dmarc=fail",
			"Authentication-Results: mx.example.org; dmarc=pass header.from=example.org", from},
			reason: "filter.example.net: dmarc=fail"},
		{name: "authserv_id matches any case", authservID: "MX.Example.org", lines: []string{
			"Authentication-Results: other.example.net; dmarc=pass",
			"Authentication-Results: mx.example.ORG; dmarc=fail", from},
			reason: "mx.example.org: dmarc=fail"},
		{name: "with authserv_id only others' headers: nothing to judge", authservID: "mx.example.org", lines: []string{
			"Authentication-Results: mail.evil.example; dmarc=fail", from}, ok: true},
		{name: "stranger with passing authentication", lines: []string{
			"Authentication-Results: mx.example.org; dmarc=pass header.from=acme.example.com", "From: jane@acme.example.com"},
			reason: "not the owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRules(t)
			r.AuthservID = tt.authservID
			ok, reason := Authorize(header(t, tt.lines...), r)
			if ok != tt.ok {
				t.Errorf("ok = %v (%q), want %v", ok, reason, tt.ok)
			}
			if tt.ok && reason != "" {
				t.Errorf("reason = %q for an authorized message", reason)
			}
			if !tt.ok && !strings.Contains(reason, tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", reason, tt.reason)
			}
		})
	}
}

func TestAuthorizeNoOwner(t *testing.T) {
	r := Rules{Owner: config.Owner{}}
	if ok, reason := Authorize(header(t, "From: alex@example.org"), r); ok || reason == "" {
		t.Errorf("Authorize with no owner = %v, %q; want refused", ok, reason)
	}
}

func TestIsAutoReply(t *testing.T) {
	tests := []struct {
		lines []string
		want  bool
	}{
		{[]string{"Auto-Submitted: auto-replied"}, true},
		{[]string{"Auto-Submitted: auto-generated; owner-email=\"alex@example.org\""}, true},
		{[]string{"Auto-Submitted: No"}, false},
		{[]string{"Auto-Submitted: no (a person wrote this)"}, false},
		{[]string{"X-Autoreply: yes"}, true},
		{[]string{"X-Autorespond: Out of office"}, true},
		{[]string{"X-Autogenerated: Reply"}, true},
		{[]string{"Precedence: bulk"}, true},
		{[]string{"Precedence: junk"}, true},
		{[]string{"Precedence: auto_reply"}, true},
		{[]string{"Precedence: list"}, false},
		{[]string{"Content-Type: multipart/report; report-type=delivery-status; boundary=x"}, true},
		{[]string{"Subject: Out of Office: Re: Follow-up call"}, true},
		{[]string{"Subject: Automatic reply: Follow-up call"}, true},
		{[]string{"Subject: =?UTF-8?Q?R=C3=A9ponse_automatique_:_Appel?="}, true},
		{[]string{"Subject: Abwesenheitsnotiz: Follow-up call"}, true},
		{[]string{"Subject: Re: Out of office next week, sent the note"}, false},
		{[]string{"X-Auto-Response-Suppress: All", "Subject: RE: Follow-up call"}, false},
		{[]string{"Subject: Re: Follow-up call"}, false},
	}
	for _, tt := range tests {
		if got := IsAutoReply(header(t, tt.lines...)); got != tt.want {
			t.Errorf("IsAutoReply(%q) = %v, want %v", tt.lines, got, tt.want)
		}
	}
}
